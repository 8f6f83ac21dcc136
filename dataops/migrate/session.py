"""Database sessions shared by both migrators: the locked session and the wait loop."""

from __future__ import annotations

import contextlib
import logging
import time
from collections.abc import Callable, Iterator
from typing import TypeVar

from dataops.errors import ConfigError, OperationError
from dataops.migrate import audit, version_table
from dataops.migrate.backend import Backend, open_backend
from dataops.migrate.lock import Cancelled, heartbeat_interval
from dataops.migrate.signals import StatementCanceller

log = logging.getLogger(__name__)

T = TypeVar("T")


@contextlib.contextmanager
def locked_backend(
    url: str,
    lock_timeout: float,
    command: str,
    *,
    version_table_too: bool = True,
    cancel: Callable[[], None] | None = None,
) -> Iterator[tuple[Backend, StatementCanceller]]:
    """Connect, take the migration lock(s) within ``lock_timeout``, create the tables.

    SIGTERM/SIGINT while inside cancel the work connection's statement (or call
    ``cancel``), see :class:`~dataops.migrate.signals.StatementCanceller`.
    """
    backend = open_backend(url)
    try:
        with StatementCanceller(cancel or backend.cancel) as guard:
            held = []
            try:
                deadline = time.monotonic() + lock_timeout
                for lk in backend.make_locks():
                    remaining = max(0.05, deadline - time.monotonic())
                    try:
                        lk.acquire(remaining, guard.event)
                    except Cancelled:
                        raise guard.interrupted(
                            "interrupted while waiting for the migration lock"
                        ) from None
                    held.append(lk)
                if guard.triggered:
                    raise guard.interrupted("interrupted")
                if version_table_too:
                    version_table.ensure(backend)
                audit.ensure(backend)
                log.info("migrate.start", extra={"command": command, "database": backend.masked})
                yield backend, guard
            finally:
                for lk in reversed(held):
                    with contextlib.suppress(Exception):
                        lk.release()
    finally:
        backend.close()


@contextlib.contextmanager
def readonly_backend(url: str) -> Iterator[Backend]:
    """A plain connection, no lock (``version``, ``status``, ``verify`` without --accept)."""
    backend = open_backend(url)
    try:
        yield backend
    finally:
        backend.close()


def wait_until(
    url: str,
    read: Callable[[Backend], T],
    done: Callable[[T], bool],
    show: Callable[[T], str],
    *,
    target: str,
    timeout: float,
    interval: float,
) -> tuple[T, float]:
    """Poll ``read(backend)`` until ``done``; reconnect on errors; OperationError on timeout."""
    started = time.monotonic()
    beat = heartbeat_interval(timeout)
    next_beat = started + beat
    backend: Backend | None = None
    last: T | None = None
    seen = False
    last_error = ""
    try:
        while True:
            try:
                if backend is None:
                    backend = open_backend(url)
                last = read(backend)
                seen = True
                if done(last):
                    waited = time.monotonic() - started
                    log.info(
                        "migrate.wait.done",
                        extra={"state": show(last), "target": target, "waited": round(waited, 3)},
                    )
                    return last, waited
                last_error = ""
            except ConfigError:
                raise
            except Exception as exc:
                last_error = (str(exc).splitlines() or [type(exc).__name__])[0]
                if backend is not None:
                    backend.close()
                    backend = None
            now = time.monotonic()
            if now - started >= timeout:
                state = (
                    f"the database is at {show(last)}"  # type: ignore[arg-type]
                    if seen
                    else f"the database was not reachable: {last_error}"
                )
                raise OperationError(
                    f"timed out after {timeout:g} s waiting for {target}", details=[state]
                )
            if now >= next_beat:
                log.info(
                    "migrate.wait.waiting",
                    extra={
                        "target": target,
                        "state": show(last) if seen else None,  # type: ignore[arg-type]
                        "waited": round(now - started, 1),
                        "error": last_error or None,
                    },
                )
                next_beat = now + beat
            time.sleep(min(interval, max(0.05, timeout - (now - started))))
    finally:
        if backend is not None:
            backend.close()
