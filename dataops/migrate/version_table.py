"""golang-migrate's ``schema_migrations`` table, per dialect, with its exact DDL and protocol.

The table holds zero rows (no version) or one row ``(version, dirty)``.  Writing a
version deletes the row and inserts the new one in one transaction; a nil version
(-1) is written only when dirty, as golang-migrate does (its issue #330).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Protocol

from dataops.migrate.splitter import Dialect

TABLE = "schema_migrations"
NIL_VERSION = -1


class Executor(Protocol):
    """What the table helpers need from a backend (see :mod:`dataops.migrate.backend`)."""

    dialect: Dialect

    def query(self, sql: str, params: Sequence[Any] = ()) -> list[tuple[Any, ...]]: ...

    def qualified(self, table: str) -> str: ...

    def table_exists(self, table: str) -> bool: ...


def create_sql(ex: Executor) -> list[str]:
    """The DDL golang-migrate runs when the table is missing."""
    name = ex.qualified(TABLE)
    if ex.dialect == "postgresql":
        return [
            f"CREATE TABLE IF NOT EXISTS {name} (version bigint not null primary key, dirty boolean not null)"
        ]
    if ex.dialect == "mysql":
        return [
            f"CREATE TABLE {name} (version bigint not null primary key, dirty boolean not null)"
        ]
    return [
        f"CREATE TABLE IF NOT EXISTS {name} (version uint64,dirty bool)",
        f"CREATE UNIQUE INDEX IF NOT EXISTS version_unique ON {name} (version)",
    ]


def ensure(ex: Executor) -> bool:
    """Create the table if it does not exist (caller holds the lock); True if created."""
    if ex.table_exists(TABLE):
        return False
    for sql in create_sql(ex):
        ex.query(sql)
    return True


def read(ex: Executor) -> tuple[int, bool]:
    """``(version, dirty)``; ``(-1, False)`` when there is no row or no table."""
    if not ex.table_exists(TABLE):
        return NIL_VERSION, False
    rows = ex.query(f"SELECT version, dirty FROM {ex.qualified(TABLE)} LIMIT 1")
    if not rows:
        return NIL_VERSION, False
    version, dirty = rows[0]
    return int(version), bool(dirty)


def write(ex: Executor, version: int, dirty: bool) -> None:
    """Replace the row (the caller wraps this in a transaction)."""
    name = ex.qualified(TABLE)
    ex.query(f"DELETE FROM {name}")
    if version >= 0 or (version == NIL_VERSION and dirty):
        ex.query(f"INSERT INTO {name} (version, dirty) VALUES (%s, %s)", (version, dirty))
