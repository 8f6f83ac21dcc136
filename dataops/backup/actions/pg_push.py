"""``backup pg push``: a base backup of DATAOPS_PG_DATA (full, or delta per the settings)."""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass
from typing import Any

from dataops.backup import pg
from dataops.backup.walg import Backup, WalG
from dataops.config.settings import Settings
from dataops.errors import ConfigError, OperationError

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class PushResult:
    backup: Backup
    seconds: float
    full_requested: bool

    def as_dict(self) -> dict[str, Any]:
        return {
            **self.backup.as_dict(),
            "seconds": round(self.seconds, 3),
            "full_requested": self.full_requested,
        }


def push(settings: Settings, *, full: bool = False) -> PushResult:
    """``wal-g backup-push``; connection from DATAOPS_DATABASE_URL, data from DATAOPS_PG_DATA."""
    pgdata = pg.require_pg_data(settings)
    if not (pgdata / "PG_VERSION").is_file():
        raise ConfigError(f"DATAOPS_PG_DATA={pgdata} is not a PostgreSQL data directory")
    walg = WalG.from_settings(settings, with_database=True)
    before = {b.name for b in walg.backup_list()}
    started = time.monotonic()
    walg.backup_push(pgdata, full=full)
    seconds = time.monotonic() - started
    new = [b for b in walg.backup_list() if b.name not in before]
    if not new:
        raise OperationError("wal-g backup-push finished but no new backup is listed")
    backup = max(new, key=lambda b: (b.finish_time, b.start_time))
    log.info(
        "backup.pushed",
        extra={
            "backup": backup.name,
            "kind": backup.kind,
            "seconds": round(seconds, 3),
            "compressed_size": backup.compressed_size,
        },
    )
    return PushResult(backup=backup, seconds=seconds, full_requested=full)
