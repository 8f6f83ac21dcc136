"""Host-wide file locks: one per backup target, one for heavy work.

The sidecar's jobs and manual ``dataops backup ...`` / ``dataops drill ...`` commands take
the same lock file for the same target (:func:`target_name`: one per PostgreSQL or Borg
repository), so a person, a CI drill and the scheduler never run on one target at once.  Heavy work (base backups, files backups, drills) also takes the
``heavy`` lock, so two of them never share one host's disks and CPU.

``flock(2)`` locks belong to an open file: they vanish with the process that holds them
(even after SIGKILL), so a lock is never stale.  The lock directory is
``DATAOPS_LOCK_DIR`` (default ``$TMPDIR/dataops-locks``), shared by every process of a
container or host.
"""

from __future__ import annotations

import contextlib
import errno
import fcntl
import hashlib
import logging
import os
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

from dataops.errors import OperationError

if TYPE_CHECKING:
    from dataops.config.settings import Settings

HEAVY = "heavy"
_POLL = 0.2
log = logging.getLogger(__name__)


class LockBusy(OperationError):
    """Another process holds the lock."""

    def __init__(self, name: str, holder: str) -> None:
        detail = f" (held by {holder})" if holder else ""
        super().__init__(f"{name} is locked by another dataops process{detail}")
        self.name = name
        self.holder = holder


def lock_dir(settings: Settings | None = None) -> Path:
    configured = settings.lock_dir if settings is not None else None
    if configured is None and os.environ.get("DATAOPS_LOCK_DIR"):
        configured = Path(os.environ["DATAOPS_LOCK_DIR"])
    return configured or Path(tempfile.gettempdir()) / "dataops-locks"


@contextlib.contextmanager
def hold(
    name: str,
    *,
    settings: Settings | None = None,
    wait: float = 0.0,
    owner: str = "",
) -> Iterator[None]:
    """Hold ``<lock dir>/<name>.lock``; wait up to ``wait`` seconds, then raise LockBusy."""
    directory = lock_dir(settings)
    directory.mkdir(parents=True, exist_ok=True, mode=0o1777)
    path = directory / f"{name}.lock"
    fd = os.open(path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o666)
    try:
        deadline = time.monotonic() + max(wait, 0.0)
        waited = False
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except OSError as exc:
                if exc.errno not in (errno.EWOULDBLOCK, errno.EAGAIN):
                    raise
                holder = os.pread(fd, 200, 0).decode("utf-8", "replace").strip()
                if time.monotonic() >= deadline:
                    raise LockBusy(name, holder) from None
                if not waited:
                    log.info("lock.waiting", extra={"lock": name, "holder": holder, "wait": wait})
                    waited = True
                time.sleep(_POLL)
        label = f"pid {os.getpid()}" + (f" {owner}" if owner else "")
        os.ftruncate(fd, 0)
        os.pwrite(fd, label.encode() + b"\n", 0)
        try:
            yield
        finally:
            with contextlib.suppress(OSError):
                os.ftruncate(fd, 0)
            fcntl.flock(fd, fcntl.LOCK_UN)
    finally:
        os.close(fd)


@contextlib.contextmanager
def target(
    name: str,
    *,
    settings: Settings | None = None,
    heavy: bool = False,
    wait: float = 0.0,
    heavy_wait: float = 0.0,
    owner: str = "",
) -> Iterator[None]:
    """The target lock (``wait``), then for heavy work the host's heavy lock (``heavy_wait``)."""
    with hold(name, settings=settings, wait=wait, owner=owner):
        if not heavy:
            yield
            return
        with hold(HEAVY, settings=settings, wait=heavy_wait, owner=f"{owner} {name}".strip()):
            yield


def target_name(settings: Settings, kind: str) -> str:
    """The lock name of a backup target: ``pg-<digest>`` of the PostgreSQL repository
    (engine, storage, stanza), ``files-<digest>`` of the Borg repository; two repositories
    never share a lock, one repository always has the same one."""
    if kind == "pg":
        parts = [
            str(getattr(settings, "pg_backup_engine", "")),
            settings.s3_endpoint or "",
            settings.s3_bucket or "",
            settings.s3_prefix,
            str(getattr(settings, "pgbackrest_stanza", "")),
        ]
        if not settings.s3_bucket:
            parts.append(str(settings.pg_data or ""))
    elif kind == "files":
        parts = [str(getattr(settings, "borg_repo", "") or "")]
    else:
        parts = [kind]
    digest = hashlib.sha256("\0".join(parts).encode()).hexdigest()[:12]
    return f"{kind}-{digest}"


HEAVY_WAIT_COMMAND = 3600.0


def command_lock(
    settings: Settings, kind: str, *, heavy: bool = False, what: str = ""
) -> contextlib.AbstractContextManager[None]:
    """The locks a manual command (``dataops backup pg push``...) takes: the same files as
    the sidecar's jobs.  A busy target fails at once (exit 1) naming its holder; heavy work
    waits (up to an hour) for the other heavy work on this host to end."""
    return target(
        target_name(settings, kind),
        settings=settings,
        heavy=heavy,
        heavy_wait=HEAVY_WAIT_COMMAND,
        owner=f"dataops {what}".strip(),
    )
