"""``check`` for every engine: storage, database, archive settings, engine config, archiver.

The engine contributes its storage probe, its expected :class:`ArchiveSetup` and the
path of its config file; the PostgreSQL side (``pg_settings``, ``pg_stat_archiver``)
is the same for both.
"""

from __future__ import annotations

import datetime as dt
import logging
import os
import pwd

from dataops import db
from dataops.backup import pg
from dataops.backup.engine import CheckReport, PgBackupEngine
from dataops.backup.walg import segment_number
from dataops.config.settings import Settings
from dataops.errors import DataopsError

log = logging.getLogger(__name__)


def error_text(exc: DataopsError) -> str:
    return "; ".join([exc.message, *exc.details[:2]])


def check(
    engine: PgBackupEngine, settings: Settings, *, now: dt.datetime | None = None
) -> CheckReport:
    report = CheckReport(engine=engine.name)
    try:
        engine.check_storage()
        report.add("storage", True, f"{engine.where}: read and write ok")
    except DataopsError as exc:
        report.add("storage", False, error_text(exc))

    try:
        url = pg.require_url(settings)
        current = pg.server_settings(
            url, ["archive_mode", "archive_command", "archive_timeout", "wal_level"]
        )
        state = pg.archiver_state(url)
    except DataopsError as exc:
        report.add("database", False, error_text(exc))
        return report
    report.archiver = state
    report.add("database", True, db.masked_url(url))
    check_settings(engine, settings, report, current)
    check_archiver(settings, report, state, now or dt.datetime.now(dt.UTC))
    log.info(
        "backup.checked",
        extra={"engine": engine.name, "ok": report.ok, "problems": report.problems},
    )
    return report


def check_settings(
    engine: PgBackupEngine, settings: Settings, report: CheckReport, current: dict[str, str]
) -> None:
    mode = current.get("archive_mode", "")
    report.add(
        "archive_mode",
        mode in ("on", "always"),
        f"archive_mode = {mode}" + ("" if mode in ("on", "always") else " (needs on)"),
    )
    level = current.get("wal_level", "")
    report.add("wal_level", level != "minimal", f"wal_level = {level}")
    try:
        expected = engine.archive_setup()
    except DataopsError as exc:
        report.add("archive_command", False, error_text(exc))
        return
    actual = current.get("archive_command", "")
    if actual == expected.archive_command:
        report.add("archive_command", True, "matches `dataops backup pg archive-config`")
    else:
        report.add(
            "archive_command",
            False,
            f"is {actual!r}, expected {expected.archive_command!r} "
            "(see `dataops backup pg archive-config`)",
        )
    name = f"{engine.name} config"
    config = expected.config_path
    if not config.exists():
        report.add(
            name,
            False,
            f"{config} missing (dataops backup pg archive-config --write-config {config})",
        )
        return
    info = config.stat()
    owner = pg.os_user(settings)
    try:
        owner_uid = pwd.getpwnam(owner).pw_uid
    except KeyError:
        owner_uid = -1
    problems = []
    if info.st_mode & 0o077:
        problems.append(f"mode {info.st_mode & 0o777:o}, expected 600")
    if os.geteuid() == 0 and info.st_uid != owner_uid:
        problems.append(f"not owned by {owner}")
    report.add(name, not problems, f"{config}" + (": " + ", ".join(problems) if problems else ""))


def check_archiver(
    settings: Settings, report: CheckReport, state: pg.ArchiverState, now: dt.datetime
) -> None:
    if state.failing:
        report.add(
            "archiver",
            False,
            f"archive_command is failing: {state.failed_count} failures, last for "
            f"{state.last_failed_wal} at {state.last_failed_time}",
        )
        return
    if state.last_archived_wal is None or state.last_archived_time is None:
        report.add(
            "archiver",
            False,
            "no WAL segment archived yet (after setting up, run SELECT pg_switch_wal())",
        )
        return
    age = (now - state.last_archived_time).total_seconds()
    if age > settings.pg_archive_max_age and waiting(state):
        report.add(
            "archiver",
            False,
            f"last archived {state.last_archived_wal} {age:.0f} s ago while newer segments wait "
            f"(DATAOPS_PG_ARCHIVE_MAX_AGE={settings.pg_archive_max_age:g})",
        )
        return
    report.add(
        "archiver",
        True,
        f"last archived {state.last_archived_wal} at {state.last_archived_time.isoformat()}"
        f" ({state.archived_count} archived, {state.failed_count} failed since stats reset)",
    )


def waiting(state: pg.ArchiverState) -> bool:
    """Are there completed segments newer than the last archived one?"""
    if not state.current_wal or not state.last_archived_wal:
        return False
    try:
        cur_tli, cur = segment_number(state.current_wal[:24])
        # a backup history file (``<segment>.<offset>.backup``) names its segment first
        last_tli, last = segment_number(state.last_archived_wal[:24])
    except ValueError:  # e.g. a timeline .history file was archived last
        return False
    return cur_tli != last_tli or cur - last > 1
