"""``dataops migrate``: golang-migrate compatible up/down migrations and Alembic projects.

* :mod:`.source` reads ``{version}_{title}.up|down.{ext}`` folders;
* :mod:`.splitter` splits SQL into statements and finds the ones that cannot run
  inside a transaction;
* :mod:`.lock` computes golang-migrate's advisory lock keys and holds the lock;
* :mod:`.version_table` reads and writes ``schema_migrations`` exactly as golang-migrate;
* :mod:`.audit` keeps the ``dataops_migrations`` history;
* :mod:`.backend` is what differs per database (connections, execution, cancellation);
* :mod:`.signals` cancels the running statement on SIGTERM/SIGINT;
* :mod:`.session` is the locked session and the wait loop both migrators use;
* :mod:`.api` is the contract: the ``Migrator`` Protocol and one set of result records;
* :mod:`.golang` implements it for golang-migrate folders (``planner``: which steps,
  ``apply``: running one step, ``migrator``);
* :mod:`.alembic` implements it with Alembic's command API under the same lock and history;
* :mod:`.actions` is what the CLI and the sidecar call: one typed function per command
  (``up(settings, UpOptions())``...), choosing the implementation once.
"""
