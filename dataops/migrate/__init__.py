"""``dataops migrate``: golang-migrate compatible up/down migrations and Alembic projects.

* :mod:`.source` reads ``{version}_{title}.up|down.{ext}`` folders;
* :mod:`.splitter` splits SQL into statements and finds the ones that cannot run
  inside a transaction;
* :mod:`.lock` computes golang-migrate's advisory lock keys and holds the lock;
* :mod:`.version_table` reads and writes ``schema_migrations`` exactly as golang-migrate;
* :mod:`.audit` keeps the ``dataops_migrations`` history;
* :mod:`.backend` is what differs per database (connections, execution, cancellation);
* :mod:`.runner` is the protocol and the actions (up, down, goto, force, ...);
* :mod:`.alembic` runs Alembic's command API under the same lock and history.
"""
