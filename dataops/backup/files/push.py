"""``backup files push``: archive, prune, compact (rarely), then the verified off-site copy."""

from __future__ import annotations

import datetime as dt
import logging
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from dataops.backup.files import borg as borgmod
from dataops.backup.files.config import offsite_configured, open_borg
from dataops.backup.files.offsite import OffsiteResult, run_under_lock
from dataops.backup.files.repository import compact_due, ensure_repository, mark_compacted
from dataops.config.settings import Settings
from dataops.errors import ConfigError

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class PushResult:
    """What one push did; ``archive`` is what the sidecar exports (times in UTC)."""

    archive: borgmod.ArchiveStats
    repository: str
    repository_origin: str  # existing, created, pulled
    warnings: list[str] = field(default_factory=list)
    warning: bool = False
    compacted: bool = False
    offsite: OffsiteResult | None = None  # None: no object storage configured
    seconds: float = 0.0

    @property
    def ok(self) -> bool:
        return self.offsite is None or self.offsite.ok

    def as_dict(self) -> dict[str, Any]:
        return {
            "ok": self.ok,
            "archive": self.archive.as_dict(),
            "repository": self.repository,
            "repository_origin": self.repository_origin,
            "warning": self.warning,
            "warnings": self.warnings,
            "compacted": self.compacted,
            "offsite": self.offsite.as_dict() if self.offsite else None,
            "seconds": round(self.seconds, 3),
        }


def _paths(settings: Settings, paths: Sequence[Path] | None) -> list[Path]:
    chosen = [Path(p).absolute() for p in (paths or settings.files_paths)]
    if not chosen:
        raise ConfigError("nothing to back up: set DATAOPS_FILES_PATHS or pass --path")
    missing = [str(p) for p in chosen if not p.exists() and not p.is_symlink()]
    if missing:
        raise ConfigError("paths to back up do not exist", details=missing)
    return chosen


def push(
    settings: Settings,
    paths: Sequence[Path] | None = None,
    *,
    compact: bool | None = None,
    now: dt.datetime | None = None,
) -> PushResult:
    """One backup run.  The archive is made even when object storage is down; the
    off-site result then says so (the CLI exits 3 for it)."""
    started = time.monotonic()
    chosen = _paths(settings, paths)
    borg = open_borg(settings)
    origin = ensure_repository(settings, borg)
    when = now or dt.datetime.now(dt.UTC)
    name = borgmod.archive_name(when)
    stats, created = borg.create(
        name, chosen, compression=settings.borg_compression, excludes=settings.files_excludes
    )
    log.info(
        "files.archive.created",
        extra={
            "archive": stats.name,
            "nfiles": stats.nfiles,
            "original_size": stats.original_size,
            "deduplicated_size": stats.deduplicated_size,
            "seconds": round(stats.duration, 3),
            "warning": created.warning,
        },
    )
    pruned = borg.prune(
        daily=settings.borg_keep_daily,
        weekly=settings.borg_keep_weekly,
        monthly=settings.borg_keep_monthly,
    )
    warnings = created.warnings + pruned.warnings
    compacted = False
    if compact if compact is not None else compact_due(settings, borg.repo, when):
        out = borg.compact()
        warnings += out.warnings
        mark_compacted(settings, borg.repo, when)
        compacted = True
    offsite = run_under_lock(settings, borg, "copy") if offsite_configured(settings) else None
    return PushResult(
        archive=stats,
        repository=str(borg.repo),
        repository_origin=origin,
        warnings=warnings,
        warning=created.warning or pruned.warning,
        compacted=compacted,
        offsite=offsite,
        seconds=time.monotonic() - started,
    )
