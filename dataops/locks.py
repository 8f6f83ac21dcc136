"""Host-wide file locks: one per backup target, one for heavy work.

The sidecar's jobs and manual ``dataops backup ...`` commands take the same lock file for
the same target (``pg``, ``files``), so a person and the scheduler never run on one
target at once.  Heavy work (base backups, files backups, drills) also takes the
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
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except OSError as exc:
                if exc.errno not in (errno.EWOULDBLOCK, errno.EAGAIN):
                    raise
                if time.monotonic() >= deadline:
                    holder = os.pread(fd, 200, 0).decode("utf-8", "replace").strip()
                    raise LockBusy(name, holder) from None
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
