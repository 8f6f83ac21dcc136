"""SIGTERM/SIGINT during a migration: cancel the running statement, then stop cleanly.

While a :class:`SignalGuard` is active (main thread only), the first SIGTERM or
SIGINT sets an event; a watcher thread then cancels the statement the work
connection is running (``cancel_safe()`` on PostgreSQL, ``KILL QUERY`` on MySQL,
``interrupt()`` on SQLite).  The runner sees the error, rolls back, records the
outcome and raises :class:`MigrationInterrupted` (exit 128 + signal number).
"""

from __future__ import annotations

import logging
import signal
import threading
from collections.abc import Callable
from types import FrameType
from typing import Any

from dataops.errors import OperationError

log = logging.getLogger(__name__)

SIGNALS = (signal.SIGTERM, signal.SIGINT)


class MigrationInterrupted(OperationError):
    """Stopped by a signal; exit code 128 + signal number."""

    def __init__(self, signum: int, message: str, details: list[str] | None = None) -> None:
        super().__init__(message, details=details or [])
        self.signum = signum
        self.exit_code = 128 + signum


class SignalGuard:
    def __init__(self, cancel: Callable[[], None]) -> None:
        self._cancel = cancel
        self.event = threading.Event()
        self.signum: int | None = None
        self._episode = 0  # incremented for every statement started
        self._running = False
        self._cancelled_episode = -1
        self._state = threading.Lock()
        self._stop = threading.Event()
        self._wake = threading.Event()  # set by a signal or by __exit__
        self._previous: dict[int, Any] = {}
        self._watcher: threading.Thread | None = None

    @property
    def signal_name(self) -> str:
        return signal.Signals(self.signum).name if self.signum else ""

    def _handle(self, signum: int, frame: FrameType | None) -> None:
        if self.signum is None:
            self.signum = signum
        self.event.set()
        self._wake.set()

    def _watch(self) -> None:
        while True:
            self._wake.wait()
            if self._stop.is_set():
                return
            with self._state:
                episode = self._episode if self._running else -1
            if episode >= 0 and episode != self._cancelled_episode:
                self._cancelled_episode = episode
                log.warning("migrate.cancelling_statement", extra={"signal": self.signal_name})
                self._cancel()
            self._stop.wait(0.2)

    def __enter__(self) -> SignalGuard:
        if threading.current_thread() is threading.main_thread():
            for sig in SIGNALS:
                self._previous[sig] = signal.signal(sig, self._handle)
        self._watcher = threading.Thread(target=self._watch, name="migrate-cancel", daemon=True)
        self._watcher.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._wake.set()
        if self._watcher is not None:
            self._watcher.join(timeout=5)
        for sig, handler in self._previous.items():
            signal.signal(sig, handler)

    def start_statement(self) -> None:
        with self._state:
            self._episode += 1
            self._running = True

    def end_statement(self) -> None:
        with self._state:
            self._running = False

    @property
    def triggered(self) -> bool:
        return self.event.is_set()

    def interrupted(self, message: str, details: list[str] | None = None) -> MigrationInterrupted:
        assert self.signum is not None
        return MigrationInterrupted(self.signum, f"{message} ({self.signal_name})", details)
