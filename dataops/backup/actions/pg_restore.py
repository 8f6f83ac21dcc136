"""``backup pg restore``: fetch a base backup and set up point-in-time recovery from the archive.

Steps (both engines, see :mod:`dataops.backup.recovery`): refuse a non-empty target;
pick the backup (named, or the newest that finished before the target time); let the
engine fetch it; write ``recovery.signal`` and the recovery settings (``restore_command``
through the engine's wrapper, which never reports a storage error as "not found",
``recovery_target_time``, ``recovery_target_action = promote``); hand the directory to
the PostgreSQL OS user.  With ``start``, run the server on a free port as that user,
wait until it has promoted and return its URL.

The restored server does not archive by default (``archive_mode = off``): a copy
running next to the primary must not push a new timeline into the primary's archive.
``archive=True`` keeps archiving, into the same storage, for a restore that replaces
the primary.
"""

from __future__ import annotations

import datetime as dt
import logging
from pathlib import Path

from dataops.backup.engine import LATEST, RestoreResult, open_engine
from dataops.backup.recovery import (
    check_target,
    clear_incomplete,
    free_port,
    parse_target_time,
    pg_tool,
    recovery_settings,
    select_backup,
)
from dataops.config.settings import Settings

log = logging.getLogger(__name__)

__all__ = [
    "LATEST",
    "RestoreResult",
    "check_target",
    "free_port",
    "parse_target_time",
    "pg_tool",
    "recovery_settings",
    "restore",
    "select_backup",
]


def restore(
    settings: Settings,
    target_dir: Path,
    *,
    backup: str | None = None,
    target_time: dt.datetime | None = None,
    start: bool = False,
    port: int | None = None,
    archive: bool = False,
    force: bool = False,
) -> RestoreResult:
    """``force``: clear a target directory left marked incomplete by a restore that did
    not finish (only such a directory; never an arbitrary non-empty one)."""
    if force:
        clear_incomplete(target_dir.absolute())
    engine = open_engine(settings)
    result = engine.restore(
        target_dir,
        backup=backup,
        target_time=target_time,
        start=start,
        port=port,
        archive=archive,
    )
    log.info(
        "backup.restored",
        extra={
            "engine": engine.name,
            "backup": result.backup.name,
            "target": str(result.target_dir),
            "seconds": round(result.seconds, 3),
        },
    )
    return result
