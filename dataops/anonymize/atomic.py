"""Atomic output: write to a temp file beside the target, rename on success.

A failed or interrupted run (error, Ctrl-C, SIGTERM) removes the temp file and leaves
nothing at the target path.  :func:`termination_as_exception` turns SIGTERM into an
exception in the main thread so that the cleanup runs.
"""

from __future__ import annotations

import contextlib
import os
import signal
import tempfile
import threading
from collections.abc import Iterator
from pathlib import Path
from types import FrameType
from typing import BinaryIO

from dataops.errors import ConfigError
from dataops.execute import Interrupted

BUFFER = 1 << 20


@contextlib.contextmanager
def atomic_file(path: str | Path) -> Iterator[BinaryIO]:
    """Yield a buffered binary file that becomes ``path`` only if the block succeeds."""
    target = Path(path)
    if target.is_dir():
        raise ConfigError(f"output {target} is a directory")
    parent = target.parent if str(target.parent) else Path()
    if not parent.is_dir():
        raise ConfigError(f"output directory {parent} does not exist")
    fd, tmp_name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".partial", dir=parent)
    tmp = Path(tmp_name)
    try:
        with os.fdopen(fd, "wb", buffering=BUFFER) as fh:
            yield fh
            fh.flush()
            os.fsync(fh.fileno())
        mode = 0o666 & ~_umask()
        tmp.chmod(mode)
        tmp.replace(target)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            tmp.unlink()
        raise


def _umask() -> int:
    current = os.umask(0)
    os.umask(current)
    return current


@contextlib.contextmanager
def termination_as_exception() -> Iterator[None]:
    """While active (main thread only), SIGTERM raises Interrupted so cleanups run."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def handler(signum: int, frame: FrameType | None) -> None:
        raise Interrupted(signum)

    previous = signal.signal(signal.SIGTERM, handler)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)
