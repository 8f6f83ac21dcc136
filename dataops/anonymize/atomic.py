"""Atomic output: write to a temp file beside the target, rename on success.

A failed or interrupted run (error, Ctrl-C, SIGTERM, SIGHUP... any signal whose default
is to terminate) removes the temp file and leaves nothing at the target path.
:func:`termination_as_exception` turns those signals into an exception in the main
thread so that the cleanup runs.  Write errors (a full disk, a read-only directory)
become one :class:`~dataops.errors.OperationError` naming the file (exit 1).
"""

from __future__ import annotations

import contextlib
import errno
import glob
import io
import os
import shutil
import signal
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, BinaryIO

from dataops.errors import ConfigError, Interrupted, OperationError
from dataops.execute import SignalGuard

BUFFER = 1 << 20

#: Signals whose default action ends the process: all of them remove partial output.
TERMINATING_SIGNALS = tuple(
    getattr(signal, name)
    for name in (
        "SIGTERM",
        "SIGINT",
        "SIGHUP",
        "SIGQUIT",
        "SIGUSR1",
        "SIGUSR2",
        "SIGALRM",
        "SIGXCPU",
        "SIGXFSZ",
        "SIGVTALRM",
        "SIGPROF",
    )
    if hasattr(signal, name)
)


_GUARDS: list[SignalGuard] = []  # the active termination_as_exception guards
_WAKE_CALLBACKS: list[Callable[[], None]] = []


def wake_handlers_installed() -> bool:
    """Whether a helper thread may wake the main thread (:func:`wake_main_thread`): the
    wake callbacks then run there and may raise."""
    return any(guard.installed for guard in _GUARDS)


def add_wake_callback(callback: Callable[[], None]) -> None:
    _WAKE_CALLBACKS.append(callback)


def remove_wake_callback(callback: Callable[[], None]) -> None:
    with contextlib.suppress(ValueError):
        _WAKE_CALLBACKS.remove(callback)


def _on_wake() -> None:
    for callback in list(_WAKE_CALLBACKS):
        callback()


def received_signal() -> int | None:
    return _GUARDS[-1].signum if _GUARDS else None


def check_interrupted() -> None:
    """Raise Interrupted if a signal arrived, even if its exception was swallowed
    (Python ignores exceptions raised in some places, e.g. at-fork handlers)."""
    signum = received_signal()
    if signum is not None:
        raise Interrupted(signum)


def write_error(what: str | Path, exc: OSError) -> OperationError:
    """One clear message for a failed write (exit 1)."""
    reason = exc.strerror or str(exc)
    if exc.errno in (errno.ENOSPC, errno.EDQUOT):
        reason += " (the disk is full)"
    return OperationError(f"cannot write {what}: {reason}")


class GuardedWriter(io.RawIOBase):
    """A raw writable stream whose write errors name the file (OperationError)."""

    def __init__(self, target: Any, name: str | Path, fd: int | None = None) -> None:
        super().__init__()
        self.target = target
        self.name_ = str(name)
        self.fd = fd
        self.aborted = False  # after a failure: drop whatever is still flushed here

    def writable(self) -> bool:
        return True

    def write(self, data: Any) -> int:
        if self.aborted:
            return len(data)
        try:
            written = self.target.write(data)
        except OSError as exc:
            raise write_error(self.name_, exc) from None
        return len(data) if written is None else int(written)

    def flush(self) -> None:
        if self.aborted:
            return
        try:
            flush = getattr(self.target, "flush", None)
            if flush is not None:
                flush()
        except OSError as exc:
            raise write_error(self.name_, exc) from None

    def fileno(self) -> int:
        if self.fd is None:
            raise io.UnsupportedOperation("fileno")
        return self.fd


def guarded(raw: Any, name: str | Path, fd: int | None = None) -> BinaryIO:
    """``raw`` behind a 1 MB buffer whose write errors are OperationErrors naming ``name``."""
    return io.BufferedWriter(GuardedWriter(raw, name, fd), BUFFER)


def abandon(stream: Any) -> None:
    """Close a :func:`guarded` stream after a failure, dropping its buffered bytes."""
    guard = getattr(stream, "raw", None)
    if isinstance(guard, GuardedWriter):
        guard.aborted = True
    with contextlib.suppress(Exception):
        stream.close()


@contextlib.contextmanager
def stdout_stream() -> Iterator[BinaryIO]:
    """The process's stdout as a guarded binary stream (a duplicate of fd 1, so nothing
    is left in ``sys.stdout``'s buffer for the interpreter to fail on at exit)."""
    import sys

    with contextlib.suppress(Exception):
        sys.stdout.flush()
    fd = os.dup(1)
    raw = os.fdopen(fd, "wb", buffering=0)
    fh = guarded(raw, "stdout", fd)
    try:
        yield fh
        fh.flush()
    except BaseException:
        abandon(fh)
        raise
    finally:
        with contextlib.suppress(Exception):
            fh.close()
        raw.close()


class Staged:
    """A file written beside its target, not yet renamed into place."""

    def __init__(self, target: Path, tmp: Path) -> None:
        self.target = target
        self.tmp = tmp

    def commit(self) -> None:
        mode = 0o666 & ~_umask()
        try:
            self.tmp.chmod(mode)
            self.tmp.replace(self.target)
        except OSError as exc:
            self.discard()
            raise write_error(self.target, exc) from None

    def discard(self) -> None:
        with contextlib.suppress(OSError):
            self.tmp.unlink()


def _temp_beside(target: Path) -> tuple[int, Path]:
    if target.is_dir():
        raise ConfigError(f"output {target} is a directory")
    parent = target.parent if str(target.parent) else Path()
    if not parent.is_dir():
        raise ConfigError(f"output directory {parent} does not exist")
    remove_stale_partials(parent, target.name)
    try:
        fd, tmp_name = tempfile.mkstemp(
            prefix=partial_prefix(target.name), suffix=".partial", dir=parent
        )
    except OSError as exc:
        raise OperationError(
            f"cannot write {target}: cannot create a file in {parent}: {exc.strerror}"
        ) from None
    return fd, Path(tmp_name)


def partial_prefix(name: str) -> str:
    """Temp names carry the writer's pid: ``.NAME.PID.xxxx.partial``."""
    return f".{name}.{os.getpid()}."


def remove_stale_partials(parent: Path, name: str) -> None:
    """Remove ``.NAME.PID.*.partial`` files or directories whose process is gone (a run
    killed by SIGKILL, which nothing can catch): the next run cleans up after it."""
    try:
        candidates = list(parent.glob(f".{glob.escape(name)}.*.partial"))
    except OSError:
        return
    for path in candidates:
        rest = path.name[len(name) + 2 :]
        pid_text = rest.split(".", 1)[0]
        if not pid_text.isdigit() or _alive(int(pid_text)):
            continue
        with contextlib.suppress(OSError):
            if path.is_dir() and not path.is_symlink():
                shutil.rmtree(path)
            else:
                path.unlink()


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def stage_bytes(path: str | Path, data: bytes) -> Staged:
    """Write ``data`` to a temp file beside ``path`` (fsynced); commit() renames it."""
    target = Path(path)
    fd, tmp = _temp_beside(target)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
    except OSError as exc:
        with contextlib.suppress(OSError):
            tmp.unlink()
        raise write_error(target, exc) from None
    except BaseException:
        with contextlib.suppress(OSError):
            tmp.unlink()
        raise
    return Staged(target, tmp)


@contextlib.contextmanager
def atomic_file(
    path: str | Path, before_commit: Callable[[], Staged | None] | None = None
) -> Iterator[BinaryIO]:
    """Yield a buffered binary file that becomes ``path`` only if the block succeeds.

    ``before_commit`` runs after the data is on disk and before the rename; a file it
    stages (e.g. the run's report) is committed right after, so both appear or neither.
    """
    target = Path(path)
    fd, tmp = _temp_beside(target)
    staged: Staged | None = None
    raw = os.fdopen(fd, "wb", buffering=0)
    fh = guarded(raw, target, fd)
    try:
        try:
            yield fh
            fh.flush()
            try:
                os.fsync(fd)
            except OSError as exc:
                raise write_error(target, exc) from None
        except BaseException:
            abandon(fh)
            raise
        finally:
            with contextlib.suppress(Exception):
                fh.close()
            raw.close()
        check_interrupted()
        if before_commit is not None:
            staged = before_commit()
        Staged(target, tmp).commit()
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            tmp.unlink()
        if staged is not None:
            staged.discard()
        raise
    if staged is not None:
        try:
            staged.commit()
        except BaseException:
            with contextlib.suppress(OSError):
                target.unlink()
            raise


def _umask() -> int:
    current = os.umask(0)
    os.umask(current)
    return current


@contextlib.contextmanager
def termination_as_exception() -> Iterator[None]:
    """While active (main thread only), SIGTERM, SIGINT, SIGHUP and every other signal
    that would end the process raise Interrupted so cleanups run (the one
    :class:`~dataops.execute.SignalGuard`); the signal is also remembered for
    :func:`check_interrupted`, and the wake signal runs the wake callbacks."""
    guard = SignalGuard(raise_interrupted=True, signals=TERMINATING_SIGNALS, on_wake=_on_wake)
    with guard:
        _GUARDS.append(guard)
        try:
            yield
            check_interrupted()
        finally:
            _GUARDS.remove(guard)
