"""A live PostgreSQL database as a :class:`Source`: sampled, read-only, time-bounded.

The schema comes from ``pg_dump --schema-only`` (the same DDL reader as dumps, so
``check --source`` gives the errors the real ``--source`` run gives); rows come from
``SELECT col::text ... TABLESAMPLE SYSTEM (p) LIMIT n`` (plain ``LIMIT n`` for small
tables or when the sample came back short) in a ``READ ONLY`` transaction with a
``statement_timeout``.  Credentials travel in ``PG*`` variables, never in argv.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from dataops import db, execute, tools
from dataops.anonymize.engine_api import TableData
from dataops.anonymize.formats.ddl import Catalog
from dataops.anonymize.scan.pgdump import columns_of
from dataops.anonymize.scan.source import Row, SourceTable
from dataops.config.settings import Settings
from dataops.errors import CommandError, ConfigError, DependencyError
from dataops.tools import postgres as pg_argv

STATEMENT_TIMEOUT_MS = 30_000


def _ident(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


class PgLive:
    dialect = "postgresql"
    format = "live"

    def __init__(self, settings: Settings, url: str, sample: int) -> None:
        try:
            if db.dialect(url) != "postgresql":
                raise ConfigError("--source must be a postgresql:// URL")
            self.env = db.libpq_env(url)
        except ValueError as exc:
            raise ConfigError(f"--source: {exc}") from None
        self.url = url
        self.name = db.masked_url(url)
        self.sample = sample
        self.settings = settings
        self._catalog = Catalog()

    @property
    def catalog(self) -> Catalog:
        return self._catalog

    def _schema(self) -> None:
        pg_dump = tools.find("pg_dump", pg_bin_dir=self.settings.pg_bin_dir)
        try:
            result = execute.run(
                pg_argv.pg_dump_argv(pg_dump, schema_only=True),
                env=self.env,
                capture=True,
                timeout=600,
            )
        except CommandError as exc:
            raise DependencyError(
                f"pg_dump --schema-only of {self.name} failed: {exc.message}", details=exc.details
            ) from None
        self._catalog.add_sql((result.stdout or b"").decode("utf-8", "surrogateescape"))

    def _connect(self) -> Any:
        import psycopg

        env = self.env
        try:
            conn = psycopg.connect(
                host=env.get("PGHOST"),
                port=env.get("PGPORT"),
                user=env.get("PGUSER"),
                password=env.get("PGPASSWORD"),
                dbname=env.get("PGDATABASE"),
                sslmode=env.get("PGSSLMODE"),
                connect_timeout=10,
                options=f"-c statement_timeout={STATEMENT_TIMEOUT_MS}",
            )
        except psycopg.Error as exc:
            raise DependencyError(f"cannot connect to {self.name}: {_first_line(exc)}") from None
        conn.read_only = True
        return conn

    def tables(self) -> Iterator[SourceTable]:
        self._schema()
        conn = self._connect()
        try:
            with conn.transaction():
                for table in self._catalog.data_tables():
                    rows = self._sample(conn, table)
                    item = SourceTable(table, columns_of(self._catalog, table), iter(rows))
                    item.row_count = len(rows)
                    item.extra["estimated_rows"] = self._estimate(conn, table)
                    yield item
        finally:
            conn.close()

    def _estimate(self, conn: Any, table: TableData) -> int:
        cur = conn.execute(
            "SELECT c.reltuples::bigint FROM pg_class c JOIN pg_namespace n "
            "ON n.oid = c.relnamespace WHERE n.nspname = %s AND c.relname = %s",
            (table.schema, table.table),
        )
        found = cur.fetchone()
        return max(0, int(found[0])) if found else 0

    def _sample(self, conn: Any, table: TableData) -> list[Row]:
        import psycopg

        if not table.columns:
            return []
        cols = ", ".join(f"{_ident(c)}::text" for c in table.columns)
        target = f"{_ident(table.schema)}.{_ident(table.table)}"
        limit = self.sample
        try:
            estimate = self._estimate(conn, table)
            if estimate > 10 * limit:
                pct = min(100.0, 100.0 * 5 * limit / estimate)
                cur = conn.execute(
                    f"SELECT {cols} FROM ONLY {target} TABLESAMPLE SYSTEM ({pct:.6f}) LIMIT {limit}"
                )
                rows = [list(r) for r in cur.fetchall()]
                if len(rows) >= limit // 2:
                    return rows
            cur = conn.execute(f"SELECT {cols} FROM ONLY {target} LIMIT {limit}")
            return [list(r) for r in cur.fetchall()]
        except psycopg.Error as exc:
            raise DependencyError(
                f"{self.name}: sampling {table.qualified} failed: {_first_line(exc)}"
            ) from None


def _first_line(exc: BaseException) -> str:
    return (str(exc).strip().splitlines() or [type(exc).__name__])[0]
