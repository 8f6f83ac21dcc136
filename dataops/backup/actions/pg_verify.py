"""``backup pg verify``: is the WAL chain since the oldest backup complete?"""

from __future__ import annotations

import logging

from dataops.backup.walg import VerifyReport, WalG
from dataops.config.settings import Settings

log = logging.getLogger(__name__)


def verify(settings: Settings) -> VerifyReport:
    """``wal-g wal-verify integrity timeline``; ``report.ok`` is False when a segment is lost.

    Needs the database (wal-g asks it for the current WAL segment and timeline).
    """
    report = WalG.from_settings(settings, with_database=True).wal_verify()
    log.info(
        "backup.verified",
        extra={
            "ok": report.ok,
            "integrity": report.integrity_status,
            "timeline": report.timeline_status,
            "lost": report.lost_segments(),
        },
    )
    return report
