"""``backup pg push``: a base backup of DATAOPS_PG_DATA (full, or delta/diff/incr)."""

from __future__ import annotations

import logging

from dataops.backup.engine import PushResult, open_engine
from dataops.config.settings import Settings
from dataops.errors import ConfigError

log = logging.getLogger(__name__)

__all__ = ["PushResult", "push"]


def push(settings: Settings, *, full: bool = False, kind: str | None = None) -> PushResult:
    """A base backup through the configured engine; ``kind`` None = the engine's default
    (wal-g: delta when DATAOPS_WALG_DELTA_MAX_STEPS allows; pgBackRest: incr after a full)."""
    if full and kind not in (None, "full"):
        raise ConfigError(f"--full and --type {kind} contradict each other")
    engine = open_engine(settings)
    result = engine.push("full" if full else kind)
    b = result.backup
    log.info(
        "backup.pushed",
        extra={
            "engine": engine.name,
            "backup": b.name,
            "kind": b.kind,
            "seconds": round(result.seconds, 3),
            "stored_bytes": b.stored_bytes,
        },
    )
    return result
