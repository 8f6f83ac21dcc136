"""``backup pg list``: the backups in storage, oldest first (by their own start/stop time)."""

from __future__ import annotations

from dataops.backup.engine import BackupInfo, open_engine
from dataops.config.settings import Settings


def list_backups(settings: Settings) -> list[BackupInfo]:
    return open_engine(settings).list_backups()
