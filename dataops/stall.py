"""The no-progress watchdog of :func:`dataops.execute.run` (``stall=``).

A call to a storage tool (wal-g, pgBackRest, rclone) counts as moving while any of these
changes within ``Stall.seconds``: an output line that is not a retry/wait message, the
bytes its process tree has read or written (``rchar`` + ``wchar`` of ``/proc/PID/io``:
files, pipes and sockets; at least :data:`STALL_MIN_BYTES`, so a retry loop's connection
attempts do not count), its captured stdout, the size of the watched directories (a
restore's target).  Otherwise the call has stalled: :mod:`dataops.execute` ends it and
raises :class:`~dataops.errors.StallError` (exit 3) naming the storage.  Linux only (the
counters come from ``/proc``); where they cannot be read, lines and directories remain.
"""

from __future__ import annotations

import contextlib
import os
import re
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from dataops.errors import StallError

#: a watched call must read/write at least this much (all its processes) to count as moving:
#: a retry loop's connection attempts (a TLS hello every few seconds) are not progress
STALL_MIN_BYTES = 64 * 1024
#: output lines that say the tool is waiting, not working
_NOT_PROGRESS = re.compile(
    r"retr(?:y|ies|ying)|sleep|backoff|timed? ?out|refused|unreachable|unable to connect", re.I
)


def is_progress_line(line: str) -> bool:
    return not _NOT_PROGRESS.search(line)


@dataclass(frozen=True)
class Stall:
    """The no-progress watchdog of one call: ``what`` names the storage in the error
    (no secrets); ``paths`` are directories whose growth counts as progress too."""

    seconds: float
    what: str
    paths: tuple[Path, ...] = ()


def process_tree(pid: int) -> list[int]:
    """``pid`` and all its descendants (Linux ``/proc``)."""
    parents: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        fields = stat[stat.rfind(")") + 2 :].split()
        parents.setdefault(int(fields[1]), []).append(int(entry.name))
    out, todo = [], [pid]
    while todo:
        current = todo.pop()
        out.append(current)
        todo.extend(parents.get(current, []))
    return out


def io_bytes(pids: Sequence[int]) -> int:
    """Bytes read and written (``rchar`` + ``wchar``: files, pipes and sockets) by ``pids``."""
    total = 0
    for pid in pids:
        try:
            text = Path(f"/proc/{pid}/io").read_text()
        except OSError:
            continue
        for line in text.splitlines():
            key, _, value = line.partition(":")
            if key in ("rchar", "wchar"):
                total += int(value)
    return total


def dir_bytes(path: Path) -> int:
    """Total size of the files below ``path`` (unreadable parts count as 0)."""
    total = 0
    stack = [path]
    while stack:
        current = stack.pop()
        try:
            with os.scandir(current) as entries:
                for entry in entries:
                    with contextlib.suppress(OSError):
                        if entry.is_dir(follow_symlinks=False):
                            stack.append(Path(entry.path))
                        else:
                            total += entry.stat(follow_symlinks=False).st_size
        except OSError:
            continue
    return total


class Watchdog:
    """Decides, sampled now and then, whether the call of process ``pid`` has stopped
    moving; ``lines`` counts its progress lines so far."""

    def __init__(self, stall: Stall, pid: int, lines: Callable[[], int]) -> None:
        self.stall = stall
        self.pid = pid
        self.lines = lines
        self.out_bytes = 0  # stdout bytes, counted by the caller's capture reader
        self.interval = min(max(stall.seconds / 10, 0.5), 10.0)
        self.last_progress = time.monotonic()
        self.next_sample = 0.0
        self.mark: tuple[int, int, int] | None = None
        self.io_mark = 0

    def stalled(self, now: float) -> bool:
        if now < self.next_sample:
            return False
        self.next_sample = now + self.interval
        sample = (self.lines(), self.out_bytes, sum(dir_bytes(p) for p in self.stall.paths))
        io = 0
        with contextlib.suppress(OSError):
            io = io_bytes(process_tree(self.pid))
        self.io_mark = min(self.io_mark, io)  # a process of the tree ended: count from here
        if self.mark is None or sample != self.mark or io - self.io_mark >= STALL_MIN_BYTES:
            self.mark, self.io_mark, self.last_progress = sample, io, now
            return False
        return now - self.last_progress >= self.stall.seconds

    def error(self, tool: str, tail: list[str]) -> StallError:
        return StallError(
            f"{tool} made no progress for {self.stall.seconds:g} s and was stopped: "
            f"{self.stall.what} is unreachable or not answering (DATAOPS_STORAGE_STALL_TIMEOUT)",
            details=tail[-5:],
        )
