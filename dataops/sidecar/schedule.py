"""Schedules and durations as written in sidecar.yaml and DATAOPS_JOB_* variables.

A schedule is either a cron expression (5 fields, or 6 with seconds first:
``0 2 * * *``, ``*/10 * * * * *``), a shortcut (``@hourly``, ``@daily``, ``@weekly``), or an
interval (``every 30s``, ``every 6h``, or just ``15m``).  Durations are a number of
seconds or ``1h30m``-style strings (units ``ms s m h d``).
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import Any

_DURATION = re.compile(r"(\d+(?:\.\d+)?)(ms|s|m|h|d)")
_UNITS = {"ms": 0.001, "s": 1.0, "m": 60.0, "h": 3600.0, "d": 86400.0}
_SHORTCUTS = {
    "@hourly": "0 * * * *",
    "@daily": "0 0 * * *",
    "@midnight": "0 0 * * *",
    "@weekly": "0 0 * * 0",
    "@monthly": "0 0 1 * *",
}


def parse_duration(value: Any) -> float:
    """Seconds from ``90``, ``"90"``, ``"1h30m"``, ``"500ms"``; ValueError otherwise."""
    if isinstance(value, bool):
        raise ValueError("expected a duration such as 30s, 15m or 2h")
    if isinstance(value, int | float):
        if value < 0:
            raise ValueError("a duration cannot be negative")
        return float(value)
    text = str(value).strip().lower()
    if re.fullmatch(r"\d+(?:\.\d+)?", text):
        return float(text)
    pos = 0
    total = 0.0
    for match in _DURATION.finditer(text):
        if match.start() != pos:
            break
        total += float(match.group(1)) * _UNITS[match.group(2)]
        pos = match.end()
    if pos != len(text) or not text:
        raise ValueError(f"invalid duration {value!r} (expected e.g. 30s, 15m, 2h, 1h30m)")
    return total


@dataclass(frozen=True)
class Schedule:
    """A parsed schedule: ``kind`` is ``interval`` (``seconds``) or ``cron`` (``fields``)."""

    text: str
    kind: str
    seconds: float = 0.0
    fields: tuple[str, ...] = ()

    def trigger(self, jitter: float, timezone: dt.tzinfo = dt.UTC) -> Any:
        """The APScheduler 3 trigger."""
        from apscheduler.triggers.cron import CronTrigger
        from apscheduler.triggers.interval import IntervalTrigger

        jit = int(jitter) if jitter >= 1 else None
        if self.kind == "interval":
            return IntervalTrigger(seconds=self.seconds, jitter=jit, timezone=timezone)
        if len(self.fields) == 6:
            second, minute, hour, day, month, dow = self.fields
        else:
            second = "0"
            minute, hour, day, month, dow = self.fields
        return CronTrigger(
            second=second,
            minute=minute,
            hour=hour,
            day=day,
            month=month,
            day_of_week=_cron_dow(dow),
            jitter=jit,
            timezone=timezone,
        )

    def next_after(self, when: dt.datetime) -> dt.datetime:
        """The first fire time strictly after ``when`` (no jitter)."""
        if self.kind == "interval":
            return when + dt.timedelta(seconds=self.seconds)
        trigger = self.trigger(0.0)
        nxt: dt.datetime = trigger.get_next_fire_time(None, when + dt.timedelta(seconds=1))
        return nxt

    def overdue(self, last: dt.datetime | None, now: dt.datetime) -> bool:
        """A fire time passed since ``last`` (or there never was a run)."""
        return last is None or self.next_after(last) <= now


_CRON_DOW = {"0": "sun", "1": "mon", "2": "tue", "3": "wed", "4": "thu", "5": "fri", "6": "sat"}


def _cron_dow(field: str) -> str:
    """Cron's 0-6 (0 = Sunday) to APScheduler's names (its numbers start on Monday)."""
    return re.sub(r"\b[0-7]\b", lambda m: _CRON_DOW[str(int(m.group(0)) % 7)], field)


def parse_schedule(value: Any) -> Schedule:
    """A :class:`Schedule`; ValueError with the reason for anything else."""
    if isinstance(value, bool) or value is None:
        raise ValueError("expected a cron expression or an interval such as 'every 30s'")
    text = str(value).strip()
    lowered = text.lower()
    if lowered in _SHORTCUTS:
        return Schedule(text, "cron", fields=tuple(_SHORTCUTS[lowered].split()))
    interval = lowered.removeprefix("every ").strip() if lowered.startswith("every ") else None
    if interval is None and not isinstance(value, str):
        interval = text
    if interval is None and " " not in lowered:
        interval = lowered
    if interval is not None:
        seconds = parse_duration(interval)
        if seconds < 1:
            raise ValueError(f"interval {text!r} is shorter than 1 s")
        return Schedule(text, "interval", seconds=seconds)
    fields = tuple(text.split())
    if len(fields) not in (5, 6):
        raise ValueError(
            f"cron expression {text!r} has {len(fields)} fields (expected 5, or 6 with seconds)"
        )
    schedule = Schedule(text, "cron", fields=fields)
    try:
        schedule.trigger(0.0)
    except ValueError as exc:
        raise ValueError(f"invalid cron expression {text!r}: {exc}") from None
    return schedule
