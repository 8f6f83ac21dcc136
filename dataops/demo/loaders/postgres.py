"""PostgreSQL: COPY FROM STDIN through psycopg 3 (``cursor.copy`` + ``write_row``)."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from typing import Any

from dataops.demo.loaders.base import Batch, rows_of


class PostgresLoader:
    dialect = "postgresql"

    def __init__(self, conn: Any, quote: Callable[[str], str]) -> None:
        self.conn = conn  # a psycopg.Connection in a transaction
        self.q = quote

    def _execute(self, sql: str, params: Sequence[Any] = ()) -> Any:
        with self.conn.cursor() as cur:
            cur.execute(sql, params)
            return cur.rowcount

    def delete_all(self, table: str) -> int:
        return int(self._execute(f"DELETE FROM {self.q(table)}"))

    def set_null(self, table: str, columns: Sequence[str]) -> None:
        sets = ", ".join(f"{self.q(c)} = NULL" for c in columns)
        self._execute(f"UPDATE {self.q(table)} SET {sets}")

    def _copy(self, target: str, columns: Sequence[str], batches: Iterable[Batch]) -> int:
        cols = ", ".join(self.q(c) for c in columns)
        written = 0
        with self.conn.cursor() as cur, cur.copy(f"COPY {target} ({cols}) FROM STDIN") as copy:
            write = copy.write_row
            for batch in batches:
                for row in rows_of(batch, columns):
                    write(row)
                    written += 1
        return written

    def insert(
        self, table: str, columns: Sequence[str], kinds: Sequence[str], batches: Iterable[Batch]
    ) -> int:
        return self._copy(self.q(table), columns, batches)

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
        self._execute(
            f"CREATE TEMP TABLE {tmp} ON COMMIT DROP AS SELECT {select} FROM {self.q(table)} WITH NO DATA"
        )
        n = self._copy(tmp, cols, batches)
        sets = ", ".join(f"{self.q(c)} = u.{self.q(c)}" for c in columns)
        match = " AND ".join(f"t.{self.q(k)} = u.{self.q(k)}" for k in keys)
        self._execute(f"UPDATE {self.q(table)} AS t SET {sets} FROM {tmp} AS u WHERE {match}")
        self._execute(f"DROP TABLE {tmp}")
        return n

    def reset_sequences(self, table: str, columns: Sequence[str]) -> None:
        for column in columns:
            self._execute(
                f"SELECT setval(pg_get_serial_sequence(%s, %s), COALESCE(MAX({self.q(column)}), 1), "
                f"MAX({self.q(column)}) IS NOT NULL) FROM {self.q(table)} "
                f"WHERE pg_get_serial_sequence(%s, %s) IS NOT NULL",
                (self.q(table), column, self.q(table), column),
            )
