"""PostgreSQL's side of the backups, for every engine: OS user, data directory, atomic
0600 files, ``postgresql.auto.conf`` appends, ``pg_stat_archiver`` and ``pg_settings``.

* :func:`os_user` is the OS user running PostgreSQL (who owns the engine's config file
  and runs ``archive_command``/``restore_command``); :func:`check_runnable_by` checks it
  can run the engine binary;
* :func:`atomic_write` writes config files and wrappers (temp file, mode and owner set,
  fsync, rename);
* :func:`archiver_state`, :func:`server_settings` read ``pg_stat_archiver`` and
  ``pg_settings`` over SQL.

wal-g's config file and ``restore_command`` wrapper live in
:mod:`dataops.backup.engines.walg`, pgBackRest's in :mod:`dataops.backup.engines.pgbackrest`.
"""

from __future__ import annotations

import logging
import os
import pwd
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError

from dataops import db, fsutil
from dataops.backup.engine import ArchiverState as ArchiverState  # re-exported
from dataops.config.settings import Settings
from dataops.errors import ConfigError, DependencyError
from dataops.log import redact

log = logging.getLogger(__name__)

# ------------------------------------------------------------------------ OS user, paths


def os_user(settings: Settings, data_dir: Path | None = None) -> str:
    """The OS user running PostgreSQL: configured, else the owner of the data directory."""
    if settings.pg_os_user:
        return settings.pg_os_user
    directory = data_dir or settings.pg_data
    if directory and directory.exists():
        return pwd.getpwuid(directory.stat().st_uid).pw_name
    if os.geteuid() == 0:
        return "postgres"
    return pwd.getpwuid(os.geteuid()).pw_name


def require_pg_data(settings: Settings) -> Path:
    if not settings.pg_data:
        raise ConfigError("DATAOPS_PG_DATA is not set (the PostgreSQL data directory)")
    return settings.pg_data


def atomic_write(path: Path, data: str, mode: int, owner: str | None) -> None:
    """Write ``data`` to ``path`` with :func:`dataops.fsutil.atomic_file`, owned by ``owner``
    (when we are root) before the rename: the file never exists with another owner or mode."""
    path.parent.mkdir(parents=True, exist_ok=True)
    entry = pwd.getpwnam(owner) if owner and os.geteuid() == 0 else None
    with fsutil.atomic_file(path, mode=mode, suffix=".tmp") as fh:
        if entry is not None:
            os.fchown(fh.fileno(), entry.pw_uid, entry.pw_gid)
        fh.write(data.encode("utf-8"))


def check_runnable_by(
    binary: str, owner: str, *, tool: str = "wal-g", version_args: tuple[str, ...] = ("--version",)
) -> None:
    """The engine binary must be executable by the OS user that runs PostgreSQL."""
    from dataops import execute
    from dataops.errors import CommandError

    if os.geteuid() != 0 or pwd.getpwnam(owner).pw_uid == os.geteuid():
        return
    try:
        execute.run([binary, *version_args], user=owner, timeout=30)
    except (CommandError, DependencyError) as exc:
        raise DependencyError(
            f"{tool} at {binary} cannot be run by OS user {owner!r} "
            "(PostgreSQL runs archive_command/restore_command as that user)",
            details=[exc.message],
        ) from None


def append_auto_conf(data_dir: Path, values: Mapping[str, str], comment: str) -> None:
    """Append ``name = value`` lines to ``postgresql.auto.conf`` (later lines win)."""
    path = data_dir / "postgresql.auto.conf"
    with path.open("a", encoding="utf-8") as fh:
        fh.write(f"\n# {comment}\n")
        for key, value in values.items():
            fh.write(f"{key} = {value}\n")


# ----------------------------------------------------------------------------- SQL side


def _query(url: str, sql: str, params: Mapping[str, Any] | None = None) -> list[Any]:
    if db.dialect(url) != "postgresql":
        raise ConfigError("DATAOPS_DATABASE_URL must be a postgresql:// URL")
    engine = db.engine(url, pool_pre_ping=False)
    try:
        with engine.connect() as conn:
            return list(conn.execute(text(sql), dict(params or {})).fetchall())
    except SQLAlchemyError as exc:
        orig = getattr(exc, "orig", None) or exc
        first = str(orig).strip().splitlines()[0] if str(orig).strip() else type(orig).__name__
        raise DependencyError(
            f"PostgreSQL {db.masked_url(url)} unreachable: {redact(first)}"
        ) from None
    finally:
        engine.dispose()


def require_url(settings: Settings) -> str:
    url = settings.database_url_value
    if not url:
        raise ConfigError("DATAOPS_DATABASE_URL is not set")
    return url


def archiver_state(url: str) -> ArchiverState:
    rows = _query(
        url,
        "select archived_count, last_archived_wal, last_archived_time, failed_count,"
        " last_failed_wal, last_failed_time,"
        " case when pg_is_in_recovery() then null"
        " else pg_walfile_name(pg_current_wal_lsn()) end"
        " from pg_stat_archiver",
    )
    row = rows[0]
    return ArchiverState(
        archived_count=int(row[0]),
        last_archived_wal=row[1],
        last_archived_time=row[2],
        failed_count=int(row[3]),
        last_failed_wal=row[4],
        last_failed_time=row[5],
        current_wal=row[6],
    )


def server_settings(url: str, names: Iterable[str]) -> dict[str, str]:
    wanted = list(names)
    rows = _query(
        url, "select name, setting from pg_settings where name = any(:names)", {"names": wanted}
    )
    return {str(r[0]): str(r[1]) for r in rows}


def is_in_recovery(url: str) -> bool:
    return bool(_query(url, "select pg_is_in_recovery()")[0][0])
