"""``backup pg check``: is the archiving pipeline healthy, end to end (either engine)?"""

from __future__ import annotations

import datetime as dt

from dataops.backup.archcheck import check_archiver as _check_archiver
from dataops.backup.archcheck import waiting as _waiting
from dataops.backup.engine import CheckItem, CheckReport, open_engine
from dataops.config.settings import Settings

__all__ = ["CheckItem", "CheckReport", "_check_archiver", "_waiting", "check"]


def check(settings: Settings, *, now: dt.datetime | None = None) -> CheckReport:
    """Storage read/write, database, archive settings, the engine's config, the archiver."""
    return open_engine(settings).check(now=now)
