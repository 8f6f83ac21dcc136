"""The migration lock, shared with golang-migrate so that both tools exclude each other.

Keys are golang-migrate's ``database.GenerateAdvisoryLockId``:
``uint32(crc32_ieee(join(additional + [name], "\\0")) * 1486364155)``.

* PostgreSQL: ``pg_advisory_lock(key)`` with additional names ``[schema, "schema_migrations"]``
  and name ``current_database()``, held on a dedicated connection;
* MySQL/MariaDB: ``GET_LOCK('<key>', ...)`` with name ``"<database>:schema_migrations"``;
* SQLite: an exclusive ``flock`` on ``<database file>.lock`` (golang-migrate's SQLite
  driver only locks inside one process, so there is nothing to be compatible with).

Waiting has a deadline and logs a heartbeat; a cancel event (set by the SIGTERM
handler) stops the wait.
"""

from __future__ import annotations

import contextlib
import fcntl
import logging
import os
import threading
import time
import zlib
from collections.abc import Callable
from pathlib import Path
from typing import Any, Protocol

from dataops.errors import LockTimeoutError, OperationError

log = logging.getLogger(__name__)

ADVISORY_LOCK_SALT = 1486364155
DEFAULT_LOCK_TIMEOUT = 300.0
MIGRATIONS_TABLE = "schema_migrations"


def advisory_lock_id(database_name: str, *additional_names: str) -> int:
    """golang-migrate ``GenerateAdvisoryLockId`` (database/util.go), as an int."""
    name = "\x00".join([*additional_names, database_name]) if additional_names else database_name
    checksum = zlib.crc32(name.encode("utf-8")) & 0xFFFFFFFF
    return (checksum * ADVISORY_LOCK_SALT) & 0xFFFFFFFF


def postgres_lock_key(database: str, schema: str, table: str = MIGRATIONS_TABLE) -> int:
    """The key golang-migrate's postgres driver passes to ``pg_advisory_lock``."""
    return advisory_lock_id(database, schema, table)


def mysql_lock_name(database: str, table: str = MIGRATIONS_TABLE) -> str:
    """The name golang-migrate's mysql driver passes to ``GET_LOCK``."""
    return str(advisory_lock_id(f"{database}:{table}"))


class Cancelled(Exception):
    """The wait for the lock was cancelled (SIGTERM)."""


def heartbeat_interval(timeout: float) -> float:
    """Seconds between 'still waiting' log lines: 10 s, less for short timeouts."""
    return max(1.0, min(10.0, timeout / 5))


class MigrationLock(Protocol):
    description: str

    def acquire(self, timeout: float, cancel: threading.Event) -> None: ...

    def release(self) -> None: ...


def _wait_loop(
    description: str,
    timeout: float,
    cancel: threading.Event,
    attempt: Callable[[float], bool],
) -> None:
    """Call ``attempt(seconds)`` (which waits at most ``seconds``) until it succeeds."""
    started = time.monotonic()
    beat = heartbeat_interval(timeout)
    next_beat = started + beat
    step = min(1.0, beat)
    while True:
        if cancel.is_set():
            raise Cancelled()
        remaining = started + timeout - time.monotonic()
        if remaining <= 0:
            raise LockTimeoutError(description, timeout)
        if attempt(max(0.05, min(step, remaining))):
            waited = time.monotonic() - started
            log.info(
                "migrate.lock.acquired", extra={"lock": description, "waited": round(waited, 3)}
            )
            return
        now = time.monotonic()
        if now >= next_beat:
            log.info(
                "migrate.lock.waiting",
                extra={
                    "lock": description,
                    "waited": round(now - started, 1),
                    "timeout": timeout,
                },
            )
            next_beat = now + beat


class PostgresAdvisoryLock:
    """``pg_advisory_lock`` on its own autocommit psycopg connection."""

    def __init__(self, conn: Any, key: int) -> None:
        self.conn = conn  # psycopg.Connection, autocommit
        self.key = key
        self.description = f"pg_advisory_lock({key})"
        self.held = False

    def acquire(self, timeout: float, cancel: threading.Event) -> None:
        import psycopg

        def attempt(seconds: float) -> bool:
            self.conn.execute(f"SET lock_timeout = {int(seconds * 1000)}")
            try:
                self.conn.execute("SELECT pg_advisory_lock(%s)", (self.key,))
            except psycopg.errors.LockNotAvailable:
                return False
            except psycopg.errors.QueryCanceled:
                raise Cancelled() from None
            finally:
                with contextlib.suppress(psycopg.Error):
                    self.conn.execute("SET lock_timeout = 0")
            return True

        log.debug("migrate.lock.acquiring", extra={"lock": self.description})
        _wait_loop(self.description, timeout, cancel, attempt)
        self.held = True

    def release(self) -> None:
        if self.held:
            self.held = False
            self.conn.execute("SELECT pg_advisory_unlock(%s)", (self.key,))
            log.debug("migrate.lock.released", extra={"lock": self.description})


class MySQLNamedLock:
    """``GET_LOCK`` on its own PyMySQL connection."""

    def __init__(self, conn: Any, name: str) -> None:
        self.conn = conn  # pymysql connection, autocommit
        self.name = name
        self.description = f"GET_LOCK('{name}')"
        self.held = False

    def acquire(self, timeout: float, cancel: threading.Event) -> None:
        def attempt(seconds: float) -> bool:
            with self.conn.cursor() as cur:
                cur.execute("SELECT GET_LOCK(%s, %s)", (self.name, max(0, round(seconds))))
                row = cur.fetchone()
            if row is None or row[0] is None:
                raise OperationError(f"{self.description} failed")
            return bool(row[0])

        _wait_loop(self.description, timeout, cancel, attempt)
        self.held = True

    def release(self) -> None:
        if self.held:
            self.held = False
            with self.conn.cursor() as cur:
                cur.execute("SELECT RELEASE_LOCK(%s)", (self.name,))


class FileLock:
    """An exclusive ``flock`` on a file next to the SQLite database."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.description = f"flock({path.name})"
        self._fd: int | None = None

    def acquire(self, timeout: float, cancel: threading.Event) -> None:
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)

        def attempt(seconds: float) -> bool:
            deadline = time.monotonic() + seconds
            while True:
                try:
                    fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                    return True
                except BlockingIOError:
                    if time.monotonic() >= deadline or cancel.is_set():
                        return False
                    time.sleep(0.05)

        try:
            _wait_loop(self.description, timeout, cancel, attempt)
        except BaseException:
            os.close(fd)
            raise
        self._fd = fd

    def release(self) -> None:
        if self._fd is not None:
            fcntl.flock(self._fd, fcntl.LOCK_UN)
            os.close(self._fd)
            self._fd = None


class NoLock:
    """For in-memory SQLite databases: nobody else can see them."""

    description = "none"

    def acquire(self, timeout: float, cancel: threading.Event) -> None:
        return None

    def release(self) -> None:
        return None
