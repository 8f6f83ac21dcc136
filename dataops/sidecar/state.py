"""The sidecar's memory across restarts: ``$DATAOPS_STATE_DIR/state.json``.

Per run key (a job, or ``pg_backup:incremental``): last attempt, last success, duration,
result, error, run id and the facts of the last success (backup type, size, RTO...).
Every change is a read-merge-write of only the keys that changed, under a ``flock`` on
``state.lock``, written to a temp file, fsynced and renamed: a reader never sees a half
file, and ``dataops jobs run --local`` in another process does not lose the sidecar's
entries (or the other way round).
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import logging
import os
import threading
from collections.abc import Iterator
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from dataops.errors import ConfigError
from dataops.fsutil import atomic_write

log = logging.getLogger(__name__)

VERSION = 1


@dataclass
class RunRecord:
    """What is known about one run key."""

    last_attempt: float | None = None  # unix time the last attempt ended
    last_success: float | None = None  # unix time of the last success (also from listings)
    last_duration: float | None = None
    last_result: str | None = None  # success | failed | skipped
    last_error: str | None = None
    last_run_id: str | None = None
    last_started: float | None = None
    facts: dict[str, Any] = field(default_factory=dict)  # of the last success
    runs: dict[str, int] = field(default_factory=dict)  # result -> count

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> RunRecord:
        known = {k: v for k, v in data.items() if k in cls.__dataclass_fields__}
        return cls(**known)


class StateStore:
    """Thread-safe access to the state file."""

    def __init__(self, directory: Path) -> None:
        self.directory = directory
        self.path = directory / "state.json"
        self._lock = threading.Lock()
        self._records: dict[str, RunRecord] = {}

    def open(self) -> StateStore:
        try:
            self.directory.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise ConfigError(
                f"DATAOPS_STATE_DIR={self.directory}: cannot create: {exc.strerror}"
            ) from None
        if not os.access(self.directory, os.W_OK):
            raise ConfigError(f"DATAOPS_STATE_DIR={self.directory} is not writable")
        with self._file_lock():
            self._records = self._read()
        return self

    @contextlib.contextmanager
    def _file_lock(self) -> Iterator[None]:
        fd = os.open(self.directory / "state.lock", os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o600)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX)
            yield
        finally:
            os.close(fd)

    def _read(self) -> dict[str, RunRecord]:
        try:
            raw = json.loads(self.path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            return {}
        except (OSError, ValueError) as exc:
            # the file is only ever replaced whole; an unreadable one is set aside, not trusted
            aside = self.path.with_suffix(".unreadable")
            with contextlib.suppress(OSError):
                self.path.replace(aside)
            log.error("state.unreadable", extra={"path": str(self.path), "error": str(exc)})
            return {}
        records = raw.get("runs", {}) if isinstance(raw, dict) else {}
        return {
            key: RunRecord.from_dict(value)
            for key, value in records.items()
            if isinstance(value, dict)
        }

    def _write(self, records: dict[str, RunRecord]) -> None:
        payload = {"version": VERSION, "runs": {k: asdict(v) for k, v in sorted(records.items())}}
        text = json.dumps(payload, indent=1, sort_keys=True, default=str)
        try:
            atomic_write(self.path, text + "\n", mode=0o600)
        except OSError as exc:
            # the run itself is over; a state file that cannot be written is logged, and
            # the next start reads "last success" back from the repositories
            log.error("state.unwritable", extra={"path": str(self.path), "error": exc.strerror})

    def get(self, key: str) -> RunRecord:
        with self._lock:
            record = self._records.get(key)
            return RunRecord.from_dict(asdict(record)) if record else RunRecord()

    def all(self) -> dict[str, RunRecord]:
        with self._lock:
            return {k: RunRecord.from_dict(asdict(v)) for k, v in self._records.items()}

    def update(self, key: str, record: RunRecord) -> None:
        """Replace ``key``'s record in memory and on disk (other keys as the file has them)."""
        with self._lock, self._file_lock():
            on_disk = self._read()
            on_disk[key] = record
            self._write(on_disk)
            self._records = on_disk

    def reload(self) -> None:
        with self._lock, self._file_lock():
            self._records = self._read()
