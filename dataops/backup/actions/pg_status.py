"""Facts the sidecar schedules and exports: last backup, backup count, WAL archiver state."""

from __future__ import annotations

from dataops.backup import pg
from dataops.backup.walg import Backup, WalG
from dataops.config.settings import Settings


def last_backup(settings: Settings) -> Backup | None:
    """The most recently finished backup (name, finish time, sizes), or None."""
    backups = WalG.from_settings(settings).backup_list()
    return max(backups, key=lambda b: (b.finish_time, b.start_time)) if backups else None


def backup_count(settings: Settings) -> int:
    return len(WalG.from_settings(settings).backup_list())


def archiver_state(settings: Settings) -> pg.ArchiverState:
    """``pg_stat_archiver``: last archived WAL and time, failed count, last failure time."""
    return pg.archiver_state(pg.require_url(settings))
