"""Atomic output: write to a temp file beside the target, rename on success.

A failed or interrupted run (error, Ctrl-C, SIGTERM) removes the temp file and leaves
nothing at the target path.  :func:`termination_as_exception` turns SIGTERM into an
exception in the main thread so that the cleanup runs.
"""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import BinaryIO

from dataops import fsutil
from dataops.errors import ConfigError, Interrupted
from dataops.execute import SignalGuard

BUFFER = fsutil.BUFFER
_RECEIVED: list[int] = []  # signals received while termination_as_exception is active


def received_signal() -> int | None:
    return _RECEIVED[0] if _RECEIVED else None


def check_interrupted() -> None:
    """Raise Interrupted if a signal arrived, even if its exception was swallowed
    (Python ignores exceptions raised in some places, e.g. at-fork handlers)."""
    if _RECEIVED:
        raise Interrupted(_RECEIVED[0])


@contextlib.contextmanager
def atomic_file(path: str | Path) -> Iterator[BinaryIO]:
    """Yield a buffered binary file that becomes ``path`` only if the block succeeds
    and no signal arrived (:func:`dataops.fsutil.atomic_file`, checked paths)."""
    target = Path(path)
    if target.is_dir():
        raise ConfigError(f"output {target} is a directory")
    parent = target.parent if str(target.parent) else Path()
    if not parent.is_dir():
        raise ConfigError(f"output directory {parent} does not exist")
    with fsutil.atomic_file(target) as fh:
        yield fh
        check_interrupted()


@contextlib.contextmanager
def termination_as_exception() -> Iterator[None]:
    """While active (main thread only), SIGTERM and SIGINT raise Interrupted so cleanups
    run; the signal is also remembered for :func:`check_interrupted`."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    _RECEIVED.clear()
    with SignalGuard(_RECEIVED.append, raise_interrupted=True):
        yield
        check_interrupted()
