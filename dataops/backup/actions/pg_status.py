"""Facts the sidecar schedules and exports: last backup, backup count, recoverability window
start (:func:`facts`), and the WAL archiver state."""

from __future__ import annotations

from dataops.backup import pg
from dataops.backup.engine import BackupInfo, EngineFacts, open_engine
from dataops.config.settings import Settings


def facts(settings: Settings) -> EngineFacts:
    """One repository listing: count, last backup, oldest backup and window start."""
    return open_engine(settings).facts()


def last_backup(settings: Settings) -> BackupInfo | None:
    """The most recently finished backup (name, stop time, sizes), or None."""
    return facts(settings).last_backup


def backup_count(settings: Settings) -> int:
    return facts(settings).backup_count


def archiver_state(settings: Settings) -> pg.ArchiverState:
    """``pg_stat_archiver``: last archived WAL and time, failed count, last failure time."""
    return pg.archiver_state(pg.require_url(settings))
