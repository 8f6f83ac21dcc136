"""Progress on stderr: a bar on a terminal, periodic JSON log lines otherwise."""

from __future__ import annotations

import logging
import sys
import time
from typing import TextIO

log = logging.getLogger(__name__)

TTY_INTERVAL = 0.2
LOG_INTERVAL = 5.0
BAR_WIDTH = 24


def _mb(n: float) -> str:
    return f"{n / 1e6:,.1f} MB"


def _eta(seconds: float) -> str:
    seconds = int(seconds)
    return f"{seconds // 3600}:{seconds % 3600 // 60:02d}:{seconds % 60:02d}"


class ProgressReporter:
    """Callable as ``progress(table, bytes_consumed, rows=None)`` by the engines."""

    def __init__(
        self,
        total: int | None,
        *,
        stream: TextIO | None = None,
        tty: bool | None = None,
        interval: float | None = None,
    ) -> None:
        self.total = total if total else None
        self.stream = stream or sys.stderr
        self.tty = self.stream.isatty() if tty is None else tty
        self.interval = (
            interval if interval is not None else (TTY_INTERVAL if self.tty else LOG_INTERVAL)
        )
        self.started = time.monotonic()
        self._last = 0.0
        self.consumed = 0
        self.rows: int | None = None
        self.table = ""
        self._drawn = False

    def __call__(self, table: str, consumed: int, rows: int | None = None) -> None:
        self.table = table or self.table
        self.consumed = consumed
        if rows is not None:
            self.rows = rows
        now = time.monotonic()
        if now - self._last < self.interval:
            return
        self._last = now
        self._emit(now)

    def _emit(self, now: float) -> None:
        elapsed = max(now - self.started, 1e-6)
        rate = self.consumed / elapsed
        rows_rate = (self.rows or 0) / elapsed
        if self.tty:
            if self.total:
                frac = min(self.consumed / self.total, 1.0)
                filled = int(frac * BAR_WIDTH)
                bar = "#" * filled + "-" * (BAR_WIDTH - filled)
                eta = _eta((self.total - self.consumed) / rate) if rate > 0 else "?"
                head = f"[{bar}] {frac * 100:5.1f}% {_mb(self.consumed)}/{_mb(self.total)}"
                tail = f" ETA {eta}"
            else:
                head = f"{_mb(self.consumed)}"
                tail = ""
            rows = f" {rows_rate:,.0f} rows/s" if self.rows is not None else ""
            line = f"{head} {rate / 1e6:,.1f} MB/s{rows} {self.table}{tail}"
            self.stream.write("\r" + line[:200].ljust(80))
            self.stream.flush()
            self._drawn = True
        else:
            extra: dict[str, object] = {
                "bytes": self.consumed,
                "mb_per_s": round(rate / 1e6, 1),
                "table": self.table,
            }
            if self.total:
                extra["total_bytes"] = self.total
                extra["percent"] = round(100 * self.consumed / self.total, 1)
            if self.rows is not None:
                extra["rows"] = self.rows
                extra["rows_per_s"] = round(rows_rate)
            log.info("anonymize.progress", extra=extra)

    def close(self) -> None:
        if self.tty and self._drawn:
            self.stream.write("\n")
            self.stream.flush()
