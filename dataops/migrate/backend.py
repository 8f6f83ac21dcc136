"""What differs per database: connections, transactions, running SQL, cancelling, errors.

Every backend opens its connections through SQLAlchemy (:func:`dataops.db.engine`,
so URLs and drivers are the project's) and then works on the raw DB-API
connection in autocommit mode, issuing ``BEGIN``/``COMMIT`` itself.  Migration
SQL is executed without parameters, so ``%`` and ``?`` in files are left alone.
"""

from __future__ import annotations

import contextlib
import logging
import re
import sqlite3
import threading
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy.engine import Engine
from sqlalchemy.exc import DBAPIError, SQLAlchemyError
from sqlalchemy.pool import NullPool

from dataops import db
from dataops.errors import ConfigError, DependencyError, OperationError
from dataops.migrate import lock as locks
from dataops.migrate.splitter import Dialect

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class DbError:
    """A database error, described: message, and the 1-based character position if known."""

    message: str
    position: int | None = None


class Backend:
    """Base class; see :func:`open_backend`."""

    dialect: Dialect
    transactional_ddl: bool = True

    def __init__(self, url: str) -> None:
        self.url = url
        self.masked = db.masked_url(url)
        try:
            self.engine: Engine = db.engine(url, poolclass=NullPool)
        except (ValueError, SQLAlchemyError, ImportError) as exc:
            raise ConfigError(f"invalid database URL: {exc}") from None
        self._fairies: list[Any] = []
        self.conn: Any = None  # the work connection (DB-API)
        self.server_version_num = 0
        self.server_version = ""
        self._closed = False

    # -- connections -----------------------------------------------------
    def _raw(self) -> Any:
        try:
            fairy = self.engine.raw_connection()
        except DBAPIError as exc:
            reason = str(exc.orig).strip().splitlines()[0] if exc.orig else str(exc)
            raise DependencyError(f"cannot connect to {self.masked}: {reason}") from None
        except SQLAlchemyError as exc:
            raise DependencyError(f"cannot connect to {self.masked}: {exc}") from None
        self._fairies.append(fairy)
        return fairy.driver_connection

    def connect(self) -> None:
        raise NotImplementedError

    def close(self) -> None:
        if self._closed:
            return
        self._closed = True
        for fairy in reversed(self._fairies):
            with contextlib.suppress(Exception):
                fairy.invalidate()
            with contextlib.suppress(Exception):
                fairy.close()
        self._fairies.clear()
        self.engine.dispose()

    # -- executor protocol ----------------------------------------------
    def query(self, sql: str, params: Sequence[Any] = ()) -> list[tuple[Any, ...]]:
        cur = self.conn.cursor()
        try:
            if params:
                cur.execute(sql, tuple(params))
            else:
                cur.execute(sql)
            return [tuple(r) for r in cur.fetchall()] if cur.description else []
        finally:
            cur.close()

    def qualified(self, table: str) -> str:
        raise NotImplementedError

    def table_exists(self, table: str) -> bool:
        raise NotImplementedError

    # -- migrations ------------------------------------------------------
    def execute(self, sql: str) -> None:
        """Run one statement of a migration file, as written."""
        cur = self.conn.cursor()
        try:
            cur.execute(sql)
        finally:
            cur.close()

    def begin(self) -> None:
        self.query("BEGIN")

    def commit(self) -> None:
        self.query("COMMIT")

    def rollback(self) -> None:
        self.query("ROLLBACK")

    def cancel(self) -> None:
        """Cancel the running statement of the work connection (any thread)."""
        raise NotImplementedError

    def describe(self, exc: BaseException) -> DbError | None:
        """A DbError for a driver exception, None for anything else."""
        raise NotImplementedError

    def make_locks(self) -> list[locks.MigrationLock]:
        raise NotImplementedError

    @property
    def database_name(self) -> str:
        return str(self.engine.url.database or "")


class PostgresBackend(Backend):
    dialect: Dialect = "postgresql"

    def connect(self) -> None:
        self.conn = self._raw()
        self.conn.autocommit = True
        self.conn.prepare_threshold = None
        self.server_version_num = int(self.conn.info.server_version)
        self.server_version = str(self.query("SHOW server_version")[0][0])
        schema, database = self.query("SELECT current_schema(), current_database()")[0]
        if schema is None:
            raise ConfigError(
                "no schema: current_schema() is NULL (check search_path and that the schema exists)"
            )
        self.schema: str = schema
        self.current_database: str = database

    @staticmethod
    def quote(ident: str) -> str:
        return '"' + ident.replace('"', '""') + '"'

    def qualified(self, table: str) -> str:
        return f"{self.quote(self.schema)}.{self.quote(table)}"

    def table_exists(self, table: str) -> bool:
        rows = self.query(
            "SELECT COUNT(1) FROM information_schema.tables "
            "WHERE table_schema = %s AND table_name = %s LIMIT 1",
            (self.schema, table),
        )
        return bool(rows and rows[0][0])

    def cancel(self) -> None:
        if self.conn is not None:
            with contextlib.suppress(Exception):
                self.conn.cancel_safe(timeout=10)

    def describe(self, exc: BaseException) -> DbError | None:
        import psycopg

        if not isinstance(exc, psycopg.Error):
            return None
        diag = exc.diag
        message = diag.message_primary or str(exc).strip()
        if diag.message_detail:
            message += f" ({diag.message_detail})"
        if diag.message_hint:
            message += f" hint: {diag.message_hint}"
        if exc.sqlstate:
            message += f" [SQLSTATE {exc.sqlstate}]"
        position = int(diag.statement_position) if diag.statement_position else None
        return DbError(message, position)

    def lock_keys(self) -> list[int]:
        """Both keys golang-migrate may use for this database, in a fixed order.

        The ``migrate`` CLI (``postgres.Open``) passes the URL path, ``/dbname``, as
        the database name; ``postgres.WithInstance`` in applications uses
        ``current_database()``.  Holding both excludes either.
        """
        names = ["/" + self.current_database, self.current_database]
        return [locks.postgres_lock_key(n, self.schema) for n in names]

    def make_locks(self) -> list[locks.MigrationLock]:
        lock_conn = self._raw()
        lock_conn.autocommit = True
        return [locks.PostgresAdvisoryLock(lock_conn, key) for key in self.lock_keys()]


class MySQLBackend(Backend):
    dialect: Dialect = "mysql"
    transactional_ddl = False

    def connect(self) -> None:
        self.conn = self._raw()
        self.conn.autocommit(True)
        self.server_version = str(self.query("SELECT VERSION()")[0][0])
        database = self.query("SELECT DATABASE()")[0][0]
        if not database:
            raise ConfigError("no database name in the URL")
        self.current_database = str(database)

    def qualified(self, table: str) -> str:
        return "`" + table.replace("`", "``") + "`"

    def table_exists(self, table: str) -> bool:
        rows = self.query(
            "SELECT COUNT(*) FROM information_schema.tables "
            "WHERE table_schema = DATABASE() AND table_name = %s",
            (table,),
        )
        return bool(rows and rows[0][0])

    def begin(self) -> None:
        self.query("START TRANSACTION")

    def cancel(self) -> None:
        if self.conn is None:
            return
        thread_id = self.conn.thread_id()
        try:
            killer = self.engine.raw_connection()
        except Exception:
            log.warning("migrate.cancel_failed", extra={"reason": "cannot open a connection"})
            return
        try:
            cur = killer.cursor()
            cur.execute(f"KILL QUERY {int(thread_id)}")
            cur.close()
        except Exception as exc:
            log.warning("migrate.cancel_failed", extra={"reason": str(exc)})
        finally:
            with contextlib.suppress(Exception):
                killer.close()

    def describe(self, exc: BaseException) -> DbError | None:
        import pymysql

        if not isinstance(exc, pymysql.MySQLError):
            return None
        if len(exc.args) >= 2:
            return DbError(f"{exc.args[1]} [MySQL error {exc.args[0]}]")
        return DbError(str(exc))

    def make_locks(self) -> list[locks.MigrationLock]:
        lock_conn = self._raw()
        lock_conn.autocommit(True)
        return [locks.MySQLNamedLock(lock_conn, locks.mysql_lock_name(self.current_database))]


class SQLiteBackend(Backend):
    dialect: Dialect = "sqlite"

    def connect(self) -> None:
        self.conn = self._raw()
        self.conn.isolation_level = None  # autocommit; we issue BEGIN IMMEDIATE ourselves
        try:  # sqlite3 opens any file; the first read finds one that is no database
            self.conn.execute("SELECT count(*) FROM sqlite_master").fetchall()
        except sqlite3.DatabaseError as exc:
            raise DependencyError(f"cannot use {self.masked}: {exc}") from None
        self.server_version = sqlite3.sqlite_version
        self.current_database = self.database_name or ":memory:"
        self._interrupt_lock = threading.Lock()

    def query(self, sql: str, params: Sequence[Any] = ()) -> list[tuple[Any, ...]]:
        return super().query(sql.replace("%s", "?"), params)

    def qualified(self, table: str) -> str:
        return '"' + table.replace('"', '""') + '"'

    def table_exists(self, table: str) -> bool:
        rows = self.query(
            "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = %s", (table,)
        )
        return bool(rows and rows[0][0])

    def begin(self) -> None:
        self.query("BEGIN IMMEDIATE")

    def cancel(self) -> None:
        if self.conn is not None:
            with contextlib.suppress(Exception):
                self.conn.interrupt()

    def describe(self, exc: BaseException) -> DbError | None:
        if not isinstance(exc, sqlite3.Error):
            return None
        name = getattr(exc, "sqlite_errorname", None)
        return DbError(f"{exc} [{name}]" if name else str(exc))

    def make_locks(self) -> list[locks.MigrationLock]:
        database = self.database_name
        if not database or database == ":memory:" or database.startswith("file::memory:"):
            return [locks.NoLock()]
        return [locks.FileLock(Path(database + ".dataops-lock"))]


_BACKENDS: dict[str, type[Backend]] = {
    "postgresql": PostgresBackend,
    "mysql": MySQLBackend,
    "sqlite": SQLiteBackend,
}


def open_backend(url: str) -> Backend:
    """Connect the work connection for ``url``."""
    try:
        name = db.dialect(url)
    except ValueError as exc:
        raise ConfigError(f"invalid database URL: {exc}") from None
    cls = _BACKENDS.get(name)
    if cls is None:
        raise ConfigError(f"unsupported database {name!r}")
    backend = cls(url)
    try:
        backend.connect()
    except DependencyError:
        backend.close()
        raise
    except (ConfigError, OperationError):
        backend.close()
        raise
    except Exception as exc:
        backend.close()
        described = backend.describe(exc)
        if described is None:
            raise
        raise DependencyError(f"cannot use {backend.masked}: {described.message}") from None
    return backend


_GO_MYSQL_TCP = re.compile(
    r"^(?P<scheme>mysql|mariadb)://(?P<auth>.*@)?tcp\((?P<addr>[^)]*)\)(?P<rest>/.*)?$"
)


def translate_url(raw: str) -> str:
    """Accept golang-migrate's URL forms as well as SQLAlchemy's.

    ``mysql://user:pass@tcp(host:port)/db?opts`` becomes ``mysql://user:pass@host:port/db``
    (the go-sql-driver options do not apply to PyMySQL); ``x-*`` options are
    golang-migrate's own and are dropped, except ``x-migrations-table``, which
    dataops does not support (it always uses ``schema_migrations``).
    """
    m = _GO_MYSQL_TCP.match(raw)
    if m:
        rest = (m.group("rest") or "/").split("?", 1)[0]
        raw = f"{m.group('scheme')}://{m.group('auth') or ''}{m.group('addr')}{rest}"
    if "?" not in raw:
        return raw
    base, query = raw.split("?", 1)
    kept = []
    for part in query.split("&"):
        key = part.split("=", 1)[0]
        if key == "x-migrations-table":
            raise ConfigError("x-migrations-table is not supported: dataops uses schema_migrations")
        if key.startswith("x-"):
            continue
        kept.append(part)
    return base + ("?" + "&".join(kept) if kept else "")
