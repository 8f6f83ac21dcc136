"""``backup pg retain``: keep the newest N full backups (with their dependents and WAL)."""

from __future__ import annotations

import logging

from dataops.backup.engine import RetainResult, doomed, open_engine
from dataops.config.settings import Settings
from dataops.errors import ConfigError

log = logging.getLogger(__name__)

__all__ = ["RetainResult", "doomed", "retain"]


def retain(settings: Settings, *, full: int, dry_run: bool = False) -> RetainResult:
    if full < 1:
        raise ConfigError("--full must be at least 1 (keeping no backup is not retention)")
    engine = open_engine(settings)
    result = engine.retain(full, dry_run=dry_run)
    log.info(
        "backup.retained",
        extra={
            "engine": engine.name,
            "full": full,
            "dry_run": dry_run,
            "deleted": result.deleted,
            "objects": result.objects,
        },
    )
    return result
