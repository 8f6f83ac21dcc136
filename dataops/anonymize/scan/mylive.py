"""A live MySQL / MariaDB database as a :class:`Source`: sampled, read-only, time-bounded.

The schema comes from ``mariadb-dump --no-data`` (the anonymizer's own DDL reader, the
password in a 0600 option file); rows from ``SELECT ... LIMIT n`` in a ``READ ONLY``
transaction with a per-statement time limit (``max_statement_time`` on MariaDB,
``max_execution_time`` on MySQL).  MySQL has no ``TABLESAMPLE``: the first rows are
the sample.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import io
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from dataops import db, execute
from dataops.anonymize import mysqlsource
from dataops.anonymize.engine_api import TableData
from dataops.anonymize.formats import mysqldump as my
from dataops.anonymize.scan.mydump import _columns
from dataops.anonymize.scan.source import Row, SourceTable
from dataops.errors import CommandError, DependencyError

STATEMENT_SECONDS = 30


def _ident(name: str) -> str:
    return "`" + name.replace("`", "``") + "`"


def _text(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, bytes):
        return value.decode("utf-8", "surrogateescape")
    if isinstance(value, dt.datetime):
        return value.isoformat(" ")
    return str(value)


class MyLive:
    dialect = "mysql"
    format = "live"

    def __init__(self, url: str, sample: int) -> None:
        self.source = mysqlsource.parse_source(url)
        self.name = db.masked_url(url)
        self.sample = sample
        self._catalog = my.MySQLCatalog()

    @property
    def catalog(self) -> my.MySQLCatalog:
        return self._catalog

    def _schema(self) -> list[TableData]:
        tool = mysqlsource.find_dump_tool()
        with mysqlsource.option_file(self.source) as defaults:
            try:
                result = execute.run(
                    mysqlsource.dump_argv(tool, defaults, self.source.database, schema_only=True),
                    capture=True,
                    timeout=600,
                )
            except CommandError as exc:
                raise DependencyError(
                    f"{Path(tool).name} --no-data of {self.name} failed: {exc.message}",
                    details=exc.details,
                ) from None
        scanned = my.scan(io.BytesIO(result.stdout or b""), "the schema dump")
        self._catalog = scanned.catalog
        return scanned.tables

    def _connect(self) -> Any:
        import pymysql

        s = self.source
        try:
            conn = pymysql.connect(
                host=s.host or "localhost",
                port=s.port or 3306,
                user=s.user,
                password=s.password or "",
                database=s.database,
                connect_timeout=10,
                charset="utf8mb4",
            )
        except pymysql.Error as exc:
            raise DependencyError(f"cannot connect to {self.name}: {exc.args[-1]}") from None
        cur = conn.cursor()
        for stmt in (
            f"SET SESSION max_statement_time = {STATEMENT_SECONDS}",  # MariaDB
            f"SET SESSION max_execution_time = {STATEMENT_SECONDS * 1000}",  # MySQL
        ):
            with contextlib.suppress(pymysql.Error):  # the other server's variable
                cur.execute(stmt)
        cur.execute("START TRANSACTION READ ONLY")
        return conn

    def tables(self) -> Iterator[SourceTable]:
        tables = self._schema()
        conn = self._connect()
        try:
            for table in tables:
                rows = self._sample(conn, table)
                item = SourceTable(table, _columns(self._catalog, table), iter(rows))
                item.row_count = len(rows)
                yield item
            conn.rollback()
        finally:
            conn.close()

    def _sample(self, conn: Any, table: TableData) -> list[Row]:
        import pymysql

        if not table.columns:
            return []
        cols = ", ".join(_ident(c) for c in table.columns)
        target = _ident(table.table)
        if table.schema:
            target = f"{_ident(table.schema)}.{target}"
        try:
            cur = conn.cursor()
            cur.execute(f"SELECT {cols} FROM {target} LIMIT {int(self.sample)}")
            return [[_text(v) for v in r] for r in cur.fetchall()]
        except pymysql.Error as exc:
            raise DependencyError(
                f"{self.name}: sampling {table.qualified} failed: {exc.args[-1]}"
            ) from None
