"""SIGTERM/SIGINT during a migration: cancel the running statement, then stop cleanly.

:class:`StatementCanceller` builds on the one :class:`~dataops.execute.SignalGuard`:
while active, the first SIGTERM or SIGINT sets the guard's event; a watcher thread
then cancels the statement the work connection is running (``cancel_safe()`` on
PostgreSQL, ``KILL QUERY`` on MySQL, ``interrupt()`` on SQLite).  The migrator sees
the error, rolls back, records the outcome and raises
:class:`~dataops.errors.Interrupted` (exit 128 + signal number).
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Sequence

from dataops.errors import Interrupted
from dataops.execute import SignalGuard

log = logging.getLogger(__name__)


class StatementCanceller:
    """A :class:`SignalGuard` plus a watcher that cancels the running statement."""

    def __init__(self, cancel: Callable[[], None]) -> None:
        self._cancel = cancel
        self._wake = threading.Event()  # set by a signal or by __exit__
        self._guard = SignalGuard(lambda _signum: self._wake.set())
        self.event = self._guard.event
        self._episode = 0  # incremented for every statement started
        self._running = False
        self._cancelled_episode = -1
        self._state = threading.Lock()
        self._stop = threading.Event()
        self._watcher: threading.Thread | None = None

    @property
    def signal_name(self) -> str:
        return self._guard.signal_name

    @property
    def triggered(self) -> bool:
        return self._guard.triggered

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

    def __enter__(self) -> StatementCanceller:
        self._guard.__enter__()
        self._watcher = threading.Thread(target=self._watch, name="migrate-cancel", daemon=True)
        self._watcher.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._wake.set()
        if self._watcher is not None:
            self._watcher.join(timeout=5)
        self._guard.__exit__(*exc)

    def start_statement(self) -> None:
        with self._state:
            self._episode += 1
            self._running = True

    def end_statement(self) -> None:
        with self._state:
            self._running = False

    def interrupted(self, message: str, details: Sequence[str] = ()) -> Interrupted:
        return self._guard.interrupted(message, details)
