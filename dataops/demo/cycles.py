"""Foreign-key cycles whose references are all NOT NULL: loaded in the one transaction,
with the cycle's constraint checked once every table is in.

PostgreSQL: ``SET CONSTRAINTS ... DEFERRED`` when the constraint is ``DEFERRABLE``
(then ``IMMEDIATE`` before commit, which checks every row); otherwise the
constraint is dropped and re-created from its definition inside the same
transaction (DDL is transactional; re-creating validates every row), which needs
a role that owns the table.  MySQL/MariaDB: ``foreign_key_checks = 0`` for the
load, then one query per foreign key of the loaded tables looks for orphans
before commit.  SQLite: ``PRAGMA defer_foreign_keys`` and ``foreign_key_check``.
"""

from __future__ import annotations

from dataops.demo.reflect import ForeignKey, Schema


def how(schema: Schema, fk: ForeignKey) -> str | None:
    """``defer``, ``recreate`` or ``nocheck``; None when the role cannot (see :func:`needs`)."""
    if schema.dialect != "postgresql":
        return "nocheck"
    if fk.deferrable:
        return "defer"
    table = schema.tables.get(fk.table)
    if table is not None and table.owned and fk.definition:
        return "recreate"
    return None


def needs(fk: ForeignKey) -> str:
    return (
        f"foreign-key cycle: {fk.label} and its cycle are NOT NULL, so {fk.name} must be checked "
        f"at the end of the load; make it DEFERRABLE (ALTER TABLE {fk.table} ALTER CONSTRAINT "
        f"{fk.name} DEFERRABLE) or load as a role that owns table {fk.table} (it is dropped "
        "and re-created, validating every row, in the load's transaction)"
    )
