"""MySQL / MariaDB: ``LOAD DATA LOCAL INFILE`` batches, or multi-row INSERTs.

When the server allows ``local_infile``, each batch is written as tab-separated
text to a private temporary file and loaded with ``LOAD DATA LOCAL INFILE``
(several times faster than INSERT on the server side).  With LOCAL the server
turns errors into warnings and skips rows, so the loader compares the row count
it gets back with the rows it sent and fails on any difference.  Otherwise (or
for binary columns) PyMySQL's ``executemany`` sends multi-row INSERT statements.
InnoDB moves AUTO_INCREMENT past explicit ids by itself, so there is nothing to
reset (``ALTER TABLE`` would commit the transaction).
"""

from __future__ import annotations

import datetime as dt
import os
import shutil
import tempfile
import uuid
from collections.abc import Callable, Iterable, Sequence
from decimal import Decimal
from pathlib import Path
from typing import Any

from dataops.demo.loaders.base import Batch, prefetch, rows_of
from dataops.demo.loaders.textformat import NULL, escape, format_column, format_rows
from dataops.demo.reflect import ForeignKey
from dataops.errors import OperationError

CHUNK = 5000


def _tsv(value: Any) -> str:
    if value is None:
        return NULL
    if isinstance(value, str):
        return escape(value).replace("\0", "\\0")
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, int | Decimal | float):
        return str(value)
    if isinstance(value, dt.datetime):
        return value.replace(tzinfo=None).isoformat(sep=" ")
    if isinstance(value, dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, uuid.UUID):
        return str(value)
    return escape(str(value))


def format_tsv(batch: Batch, columns: Sequence[str], kinds: Sequence[str]) -> tuple[str, int]:
    """The batch as LOAD DATA text (tab-separated, backslash escapes, \\N for NULL)."""
    n = len(batch[columns[0]]) if columns else 0
    return format_rows([format_column(batch[c], _tsv) for c in columns]), n


def _prepare(kinds: Sequence[str], batch: Batch, columns: Sequence[str]) -> list[tuple[Any, ...]]:
    fix = [i for i, k in enumerate(kinds) if k == "uuid"]
    rows = list(rows_of(batch, columns))
    if not fix:
        return rows
    out = []
    for row in rows:
        values = list(row)
        for i in fix:
            if isinstance(values[i], uuid.UUID):
                values[i] = str(values[i])
        out.append(tuple(values))
    return out


class MySQLLoader:
    dialect = "mysql"

    def __init__(self, conn: Any, quote: Callable[[str], str]) -> None:
        self.conn = conn  # a pymysql.Connection in a transaction
        self.q = quote
        self._local_infile: bool | None = None

    def _execute(self, sql: str, params: Sequence[Any] | None = None) -> int:
        with self.conn.cursor() as cur:
            return int(cur.execute(sql, params))

    def local_infile(self) -> bool:
        if self._local_infile is None:
            enabled = bool(getattr(self.conn, "_local_infile", False))
            if enabled:
                with self.conn.cursor() as cur:
                    cur.execute("SELECT @@local_infile")
                    row = cur.fetchone()
                enabled = bool(row and int(row[0]))
            self._local_infile = enabled
        return self._local_infile

    def delete_all(self, table: str) -> int:
        return self._execute(f"DELETE FROM {self.q(table)}")

    def set_null(self, table: str, columns: Sequence[str]) -> None:
        sets = ", ".join(f"{self.q(c)} = NULL" for c in columns)
        self._execute(f"UPDATE {self.q(table)} SET {sets}")

    def _load_data(
        self, target: str, columns: Sequence[str], kinds: Sequence[str], batches: Iterable[Batch]
    ) -> int:
        cols = ", ".join(self.q(c) for c in columns)
        tmpdir = Path(tempfile.mkdtemp(prefix="dataops-demo-"))
        written = 0
        try:
            path = tmpdir / "batch.tsv"
            sql = (
                f"LOAD DATA LOCAL INFILE %s INTO TABLE {target} CHARACTER SET utf8mb4 "
                f"FIELDS TERMINATED BY '\\t' ESCAPED BY '\\\\' LINES TERMINATED BY '\\n' ({cols})"
            )
            formatted = (format_tsv(b, columns, kinds) for b in batches)
            with self.conn.cursor() as cur:
                for text, n in prefetch(formatted):
                    if not n:
                        continue
                    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
                    with os.fdopen(fd, "w", encoding="utf-8", newline="") as fh:
                        fh.write(text)
                    loaded = int(cur.execute(sql, (str(path),)))
                    if loaded != n:
                        cur.execute("SHOW WARNINGS LIMIT 3")
                        why = "; ".join(str(w[2]) for w in cur.fetchall()) or "rows were skipped"
                        raise OperationError(
                            f"LOAD DATA into {target} loaded {loaded} of {n} rows: {why}"
                        )
                    written += n
        finally:
            shutil.rmtree(tmpdir, ignore_errors=True)
        return written

    def _insert(
        self, target: str, columns: Sequence[str], kinds: Sequence[str], batches: Iterable[Batch]
    ) -> int:
        cols = ", ".join(self.q(c) for c in columns)
        marks = ", ".join(["%s"] * len(columns))
        sql = f"INSERT INTO {target} ({cols}) VALUES ({marks})"
        written = 0
        with self.conn.cursor() as cur:
            for rows in prefetch(_prepare(kinds, b, columns) for b in batches):
                for start in range(0, len(rows), CHUNK):
                    chunk = rows[start : start + CHUNK]
                    cur.executemany(sql, chunk)
                    written += len(chunk)
        return written

    def _bulk(
        self, target: str, columns: Sequence[str], kinds: Sequence[str], batches: Iterable[Batch]
    ) -> int:
        if self.local_infile() and "bytes" not in kinds and "bits" not in kinds:
            return self._load_data(target, columns, kinds, batches)
        return self._insert(target, columns, kinds, batches)

    def insert(
        self, table: str, columns: Sequence[str], kinds: Sequence[str], batches: Iterable[Batch]
    ) -> int:
        return self._bulk(self.q(table), columns, kinds, batches)

    def update(
        self,
        table: str,
        keys: Sequence[str],
        columns: Sequence[str],
        kinds: Sequence[str],
        batches: Iterable[Batch],
    ) -> int:
        tmp = self.q("_dataops_demo_update")
        cols = [*keys, *columns]
        select = ", ".join(self.q(c) for c in cols)
        self._execute(f"DROP TEMPORARY TABLE IF EXISTS {tmp}")
        self._execute(f"CREATE TEMPORARY TABLE {tmp} SELECT {select} FROM {self.q(table)} LIMIT 0")
        n = self._insert(tmp, cols, kinds, batches)
        sets = ", ".join(f"t.{self.q(c)} = u.{self.q(c)}" for c in columns)
        match = " AND ".join(f"t.{self.q(k)} = u.{self.q(k)}" for k in keys)
        self._execute(f"UPDATE {self.q(table)} AS t JOIN {tmp} AS u ON {match} SET {sets}")
        self._execute(f"DROP TEMPORARY TABLE {tmp}")
        return n

    def reset_sequences(self, table: str, columns: Sequence[str]) -> None:
        """InnoDB advances AUTO_INCREMENT past explicit ids on insert."""

    def suspend(self, fks: Sequence[ForeignKey]) -> None:
        self._execute("SET SESSION foreign_key_checks = 0")

    def restore(self, fks: Sequence[ForeignKey], loaded: Sequence[ForeignKey]) -> None:
        """One orphan query per FK of the loaded tables, then checks back on."""
        try:
            for fk in loaded:
                pairs = list(zip(fk.columns, fk.ref_columns, strict=True))
                present = " AND ".join(f"c.{self.q(a)} IS NOT NULL" for a, _ in pairs)
                match = " AND ".join(f"p.{self.q(b)} = c.{self.q(a)}" for a, b in pairs)
                with self.conn.cursor() as cur:
                    cur.execute(
                        f"SELECT COUNT(*) FROM {self.q(fk.table)} c WHERE {present} AND NOT EXISTS "
                        f"(SELECT 1 FROM {self.q(fk.ref_table)} p WHERE {match})"
                    )
                    row = cur.fetchone()
                orphans = int(row[0]) if row else 0
                if orphans:
                    raise OperationError(
                        f"{orphans} rows of {fk.table} break {fk.label}; nothing was written "
                        "(rolled back)"
                    )
        finally:
            self._execute("SET SESSION foreign_key_checks = 1")
