"""Atomic file writes: a temp file beside the target, fsync, rename.

Readers see the old file or the complete new one, never half of it, and a failed or
interrupted write leaves no temp file behind.  The one implementation for every
output dataops writes (anonymized dumps, specs, pool caches, state files).
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import BinaryIO

BUFFER = 1 << 20


def _umask() -> int:
    current = os.umask(0)
    os.umask(current)
    return current


def _fsync_dir(directory: Path) -> None:
    """Make the rename itself durable (best effort: not every file system allows it)."""
    with contextlib.suppress(OSError):
        fd = os.open(directory, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


@contextlib.contextmanager
def atomic_file(
    path: str | Path, *, mode: int | None = None, suffix: str = ".partial"
) -> Iterator[BinaryIO]:
    """Yield a buffered binary file that becomes ``path`` only if the block succeeds.

    The data is flushed and fsynced before the rename; the file gets ``mode``
    (default: 0666 minus the umask, as ``open()`` would).  On any exception the temp
    file is removed and ``path`` is untouched.
    """
    target = Path(path)
    parent = target.parent if str(target.parent) else Path()
    fd, tmp_name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=suffix, dir=parent)
    tmp = Path(tmp_name)
    try:
        with os.fdopen(fd, "wb", buffering=BUFFER) as fh:
            yield fh
            fh.flush()
            os.fsync(fh.fileno())
        tmp.chmod(0o666 & ~_umask() if mode is None else mode)
        tmp.replace(target)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            tmp.unlink()
        raise
    _fsync_dir(parent)


def atomic_write(
    path: str | Path, data: bytes | str, *, mode: int | None = None, encoding: str = "utf-8"
) -> None:
    """Write ``data`` to ``path`` atomically (see :func:`atomic_file`); OSError on failure."""
    payload = data.encode(encoding) if isinstance(data, str) else data
    with atomic_file(path, mode=mode, suffix=".tmp") as fh:
        fh.write(payload)
