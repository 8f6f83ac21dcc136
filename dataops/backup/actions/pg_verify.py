"""``backup pg verify``: are the backups readable and the WAL chain since the oldest complete?"""

from __future__ import annotations

import logging

from dataops.backup.engine import VerifyResult, open_engine
from dataops.config.settings import Settings

log = logging.getLogger(__name__)


def verify(settings: Settings) -> VerifyResult:
    """``result.ok`` is False when a segment is missing (named in ``missing_wal``) or a
    backup/WAL file is invalid; the CLI turns that into exit 1."""
    engine = open_engine(settings)
    report = engine.verify()
    log.info(
        "backup.verified",
        extra={
            "engine": engine.name,
            "ok": report.ok,
            "missing": report.missing_wal,
            "problems": report.problems,
        },
    )
    return report
