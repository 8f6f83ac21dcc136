"""``backup pg list``: the backups in storage, oldest first (by their own start/finish time)."""

from __future__ import annotations

from dataops.backup.walg import Backup, WalG
from dataops.config.settings import Settings


def list_backups(settings: Settings) -> list[Backup]:
    return WalG.from_settings(settings).backup_list()
