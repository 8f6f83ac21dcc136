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
from dataops.backup.files.repository import (
    accept_older_copy,
    compact_due,
    ensure_repository,
    mark_compacted,
)
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


def _preflight(settings: Settings, paths: Sequence[Path] | None) -> list[Path]:
    """The paths to back up; every configuration problem reported at once (exit 2)."""
    problems: list[str] = []
    if settings.borg_repo is None:
        problems.append("DATAOPS_BORG_REPO is not set (the local Borg repository directory)")
    if settings.borg_passphrase is None or not settings.borg_passphrase.get_secret_value():
        problems.append("DATAOPS_BORG_PASSPHRASE (or DATAOPS_BORG_PASSPHRASE_FILE) is not set")
    chosen = [Path(p).absolute() for p in (paths or settings.files_paths)]
    if not chosen:
        problems.append("nothing to back up: set DATAOPS_FILES_PATHS or pass --path")
    problems += [f"{p}: does not exist" for p in chosen if not p.exists() and not p.is_symlink()]
    if problems:
        raise ConfigError("backup files push: invalid configuration", details=problems)
    return chosen


def push(
    settings: Settings,
    paths: Sequence[Path] | None = None,
    *,
    compact: bool | None = None,
    accept_older: bool = False,
    now: dt.datetime | None = None,
) -> PushResult:
    """One backup run.  The archive is made even when object storage is down; the
    off-site result then says so (the CLI exits 3 for it).

    ``accept_older``: continue with a repository older than this machine last saw (the
    local repository was lost after a failed copy; see :func:`accept_older_copy`).
    """
    started = time.monotonic()
    chosen = _preflight(settings, paths)
    borg = open_borg(settings)
    origin = ensure_repository(settings, borg)
    if accept_older:
        accept_older_copy(settings, borg.repo)
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
