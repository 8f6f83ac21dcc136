"""``backup pg retain``: keep the newest N full backups (with their deltas and WAL)."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from typing import Any

from dataops.backup.walg import Backup, WalG, parse_delete_output
from dataops.config.settings import Settings
from dataops.errors import ConfigError

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class RetainResult:
    full: int
    dry_run: bool
    deleted: list[str] = field(default_factory=list)
    kept: list[str] = field(default_factory=list)
    objects: int | None = None

    def as_dict(self) -> dict[str, Any]:
        return {
            "full": self.full,
            "dry_run": self.dry_run,
            "deleted": self.deleted,
            "kept": self.kept,
            "objects": self.objects,
        }


def doomed(backups: list[Backup], full: int) -> list[Backup]:
    """What ``delete retain FULL N`` removes: every non-permanent backup older than the
    N-th newest full one (``backups`` sorted oldest first, as :func:`parse_backup_list` does)."""
    fulls = [b for b in backups if not b.is_delta]
    if len(fulls) <= full:
        return []
    oldest_kept = fulls[-full]
    return [b for b in backups if b.start_time < oldest_kept.start_time and not b.is_permanent]


def retain(settings: Settings, *, full: int, dry_run: bool = False) -> RetainResult:
    if full < 1:
        raise ConfigError("--full must be at least 1 (keeping no backup is not retention)")
    walg = WalG.from_settings(settings)
    before = walg.backup_list()
    planned = doomed(before, full)
    result = walg.delete_retain(full, confirm=not dry_run)
    objects, _ = parse_delete_output(result.stderr_tail)
    if dry_run:
        deleted = [b.name for b in planned]
        kept = [b.name for b in before if b.name not in set(deleted)]
    else:
        after = {b.name for b in walg.backup_list()}
        deleted = [b.name for b in before if b.name not in after]
        kept = [b.name for b in before if b.name in after]
    log.info(
        "backup.retained",
        extra={"full": full, "dry_run": dry_run, "deleted": deleted, "objects": objects},
    )
    return RetainResult(full=full, dry_run=dry_run, deleted=deleted, kept=kept, objects=objects)
