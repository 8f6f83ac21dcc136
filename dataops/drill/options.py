"""What a drill is asked to do: recovery target, objectives, checks file; parsed once, typed."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from pathlib import Path

from dataops.errors import ConfigError

_TIME = re.compile(
    r"^\d{4}-\d{2}-\d{2}([T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?)?([Zz]|[+-]\d{2}(:?\d{2})?)?$"
)
_DURATION = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*(ms|s|m|h|d|w)?\s*$", re.IGNORECASE)
_UNIT = {"ms": 0.001, "s": 1.0, "m": 60.0, "h": 3600.0, "d": 86400.0, "w": 604800.0}


@dataclass(frozen=True)
class Target:
    kind: str  # latest | time | backup
    time: dt.datetime | None = None
    backup: str | None = None

    def describe(self) -> str:
        if self.kind == "time" and self.time is not None:
            return self.time.isoformat()
        if self.kind == "backup":
            return f"backup {self.backup}"
        return "latest"


LATEST = Target("latest")


def parse_target(value: str | None, *, now: dt.datetime | None = None) -> Target:
    """``latest``, an ISO 8601 time (UTC when no offset) or a backup name."""
    text = (value or "latest").strip()
    if not text:
        raise ConfigError("--target is empty (latest, an ISO 8601 time or a backup name)")
    if text.lower() == "latest":
        return LATEST
    if _TIME.match(text):
        iso = text[:-1] + "+00:00" if text.endswith(("Z", "z")) else text
        try:
            parsed = dt.datetime.fromisoformat(iso)
        except ValueError:
            raise ConfigError(f"--target {value!r} is not a valid ISO 8601 time") from None
        parsed = parsed if parsed.tzinfo else parsed.replace(tzinfo=dt.UTC)
        if parsed > (now or dt.datetime.now(dt.UTC)):
            raise ConfigError(
                f"--target {value!r} is in the future; use --target latest for the newest data"
            )
        return Target("time", time=parsed.astimezone(dt.UTC))
    if not re.fullmatch(r"[A-Za-z0-9_.:+-]{1,200}", text):
        raise ConfigError(
            f"--target {value!r} is neither latest, an ISO 8601 time nor a backup name"
        )
    return Target("backup", backup=text)


def parse_duration(value: str | float | None, option: str) -> float | None:
    """``90``, ``90s``, ``15m``, ``26h``, ``2d``, ``1w`` -> seconds; None stays None."""
    if value is None:
        return None
    if isinstance(value, int | float):
        seconds = float(value)
    else:
        match = _DURATION.match(value)
        if not match:
            raise ConfigError(f"{option} {value!r} is not a duration (e.g. 90s, 15m, 26h, 2d)")
        seconds = float(match.group(1)) * _UNIT[(match.group(2) or "s").lower()]
    if seconds <= 0:
        raise ConfigError(f"{option} must be greater than zero")
    return seconds


@dataclass(frozen=True)
class PgDrillOptions:
    target: Target = LATEST
    checks_file: Path | None = None
    keep_on_failure: bool = False
    max_backup_age: float | None = None  # seconds
    rto_objective: float | None = None  # seconds
    rpo_objective: float | None = None  # seconds
    timeout: float | None = None  # restore + recovery; default DATAOPS_DRILL_TIMEOUT


@dataclass(frozen=True)
class FilesDrillOptions:
    local: bool = False  # drill the local repository instead of the off-site copy
    all_files: bool = False  # compare every file, not a sample
    sample: int = 200  # files compared when not --all
    keep_on_failure: bool = False
    max_backup_age: float | None = None
    rto_objective: float | None = None
    rpo_objective: float | None = None
