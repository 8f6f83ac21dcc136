"""SQLite: ``executemany`` inside the load's single transaction."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Callable, Iterable, Sequence
from decimal import Decimal
from typing import Any

from dataops.demo.loaders.base import Batch
from dataops.demo.reflect import ForeignKey
from dataops.errors import OperationError


def _plain(value: Any) -> Any:
    """sqlite3 has no adapters for these (and the date ones are deprecated)."""
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, dt.datetime):
        return value.isoformat(sep=" ")
    if isinstance(value, dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, uuid.UUID):
        return str(value)
    return value


_NATIVE = (str, int, float, bytes, type(None))


def _columns(batch: Batch, columns: Sequence[str]) -> list[list[Any]]:
    out = []
    for c in columns:
        values = batch[c]
        if all(isinstance(v, _NATIVE) for v in values[:64]) and all(
            isinstance(v, _NATIVE) for v in values
        ):
            out.append(values)
        else:
            out.append([_plain(v) for v in values])
    return out


class SQLiteLoader:
    dialect = "sqlite"

    def __init__(self, conn: Any, quote: Callable[[str], str]) -> None:
        self.conn = conn  # a sqlite3.Connection in a transaction
        self.q = quote

    def delete_all(self, table: str) -> int:
        return int(self.conn.execute(f"DELETE FROM {self.q(table)}").rowcount)

    def set_null(self, table: str, columns: Sequence[str]) -> None:
        sets = ", ".join(f"{self.q(c)} = NULL" for c in columns)
        self.conn.execute(f"UPDATE {self.q(table)} SET {sets}")

    def insert(
        self, table: str, columns: Sequence[str], kinds: Sequence[str], batches: Iterable[Batch]
    ) -> int:
        cols = ", ".join(self.q(c) for c in columns)
        marks = ", ".join(["?"] * len(columns))
        sql = f"INSERT INTO {self.q(table)} ({cols}) VALUES ({marks})"
        written = 0
        for batch in batches:
            data = _columns(batch, columns)
            rows = list(zip(*data, strict=True))
            self.conn.executemany(sql, rows)
            written += len(rows)
        return written

    def update(
        self,
        table: str,
        keys: Sequence[str],
        columns: Sequence[str],
        kinds: Sequence[str],
        batches: Iterable[Batch],
    ) -> int:
        sets = ", ".join(f"{self.q(c)} = ?" for c in columns)
        match = " AND ".join(f"{self.q(k)} = ?" for k in keys)
        sql = f"UPDATE {self.q(table)} SET {sets} WHERE {match}"
        n = 0
        for batch in batches:
            data = _columns(batch, [*columns, *keys])
            rows = list(zip(*data, strict=True))
            self.conn.executemany(sql, rows)
            n += len(rows)
        return n

    def reset_sequences(self, table: str, columns: Sequence[str]) -> None:
        """SQLite's rowid / sqlite_sequence follow the largest id by themselves."""

    def suspend(self, fks: Sequence[ForeignKey]) -> None:
        self.conn.execute("PRAGMA defer_foreign_keys = ON")  # checked at commit

    def restore(self, fks: Sequence[ForeignKey], loaded: Sequence[ForeignKey]) -> None:
        tables = {fk.table for fk in fks}
        for table in sorted(tables):
            bad = self.conn.execute(f"PRAGMA foreign_key_check({self.q(table)})").fetchall()
            if bad:
                raise OperationError(
                    f"{len(bad)} rows of {table} break a foreign key; nothing was written "
                    "(rolled back)"
                )
