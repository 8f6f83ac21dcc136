"""What the PostgreSQL jobs share: the engine behind ``DATAOPS_PG_BACKUP_ENGINE``."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from dataops.backup.engine import PgBackupEngine
    from dataops.config.settings import Settings


def engine_label(settings: Settings) -> str:
    return str(getattr(settings, "pg_backup_engine", "walg") or "walg")


def incremental_kind(settings: Settings) -> str:
    """The engine's incremental backup kind: pgBackRest ``incr``, wal-g ``delta``."""
    return "incr" if engine_label(settings) == "pgbackrest" else "delta"


def open_pg_engine(settings: Settings) -> PgBackupEngine:
    from dataops.backup.engine import open_engine

    engine: PgBackupEngine = open_engine(settings)
    return engine
