"""PostgreSQL's side of wal-g backups: archive settings, wal-g config files, archiver state.

* :func:`archive_settings` renders the exact ``postgresql.conf`` settings
  (``archive_mode``, ``archive_command``, ``archive_timeout``, ``restore_command``);
  ``archive_command`` calls wal-g directly under ``timeout`` because PostgreSQL runs it
  once per 16 MB segment (no Python start-up on that path).
* :func:`write_walg_files` writes the wal-g JSON config (mode 0600, owned by the OS
  user running PostgreSQL) and the ``restore_command`` wrapper script next to it.
* :func:`archiver_state`, :func:`server_settings` read ``pg_stat_archiver`` and
  ``pg_settings`` over SQL.

The restore_command wrapper
---------------------------
PostgreSQL treats *any* exit code from 1 to 125 of ``restore_command`` as "this WAL file
is not in the archive": during archive recovery it then ends recovery at that point and,
with ``recovery_target_action = promote``, opens the database -- silently missing every
transaction after the gap.  ``wal-g wal-fetch`` exits 74 for a file that is really
missing and 1 for everything else (storage unreachable, credentials rejected, bad
config).  The wrapper therefore maps 74 to 1 ("not found": normal at the end of the
archive) and every other failure to 255: PostgreSQL treats an exit code above 125 (or
death by a signal) as a hard failure, the startup process stops with FATAL and the
server does not come up half-recovered.  Once storage is back, starting the server again
resumes recovery where it stopped.  The wrapper is a few lines of POSIX sh because it
runs once per segment.
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import pwd
import shlex
import tempfile
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError

from dataops import db, tools
from dataops.backup import walg
from dataops.backup.engine import ArchiverState as ArchiverState  # re-exported
from dataops.backup.engine import conf_quote
from dataops.config.settings import Settings
from dataops.errors import ConfigError, DependencyError
from dataops.log import redact
from dataops.tools import walg as walg_argv

log = logging.getLogger(__name__)

CONFIG_NAME = "walg.json"
STORAGE_ERROR_EXIT = 255
WRAPPER_SUFFIX = "-fetch.sh"


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


def default_config_path(settings: Settings) -> Path:
    """``DATAOPS_WALG_CONFIG``, else ``walg.json`` next to (not inside) the data directory.

    Not inside PGDATA: it holds storage credentials and would travel in every base backup.
    """
    if settings.walg_config:
        return settings.walg_config
    if settings.pg_data:
        return settings.pg_data.resolve().parent / CONFIG_NAME
    raise ConfigError(
        "set DATAOPS_WALG_CONFIG or DATAOPS_PG_DATA (the wal-g config goes next to it)"
    )


def wrapper_path(config: Path) -> Path:
    """The ``restore_command`` wrapper lives next to the config: ``walg.json`` -> ``walg-fetch.sh``."""
    return config.with_name(config.stem + WRAPPER_SUFFIX)


def walg_binary(settings: Settings) -> str:
    """Absolute path of wal-g for the commands PostgreSQL runs (its PATH is not ours)."""
    configured = settings.walg_bin
    if os.sep in configured and Path(configured).is_absolute():
        return configured
    return str(Path(tools.find("wal-g", configured)).absolute())


# -------------------------------------------------------------------- postgresql.conf


def archive_command(binary: str, config: Path, timeout: int) -> str:
    argv = walg.wal_push_argv(binary, config)
    return "timeout " + str(timeout) + " " + " ".join(_sh(a) for a in argv)


def restore_command(wrapper: Path) -> str:
    return f"{_sh(str(wrapper))} %f %p"


def _sh(arg: str) -> str:
    return arg if arg in ("%p", "%f") else shlex.quote(arg)


def shell_words(argv: list[str]) -> str:
    """``argv`` as one sh command line; ``$1``/``$2`` stay the script's (quoted) arguments."""
    return " ".join(f'"{a}"' if a in ("$1", "$2") else shlex.quote(a) for a in argv)


@dataclass(frozen=True)
class ArchiveConfig:
    """What ``archive-config`` prints and ``check`` compares against."""

    config_path: Path
    wrapper_path: Path
    walg_bin: str
    archive_mode: str
    archive_command: str
    archive_timeout: int
    restore_command: str

    def settings(self) -> dict[str, str]:
        """Setting name -> value as PostgreSQL reports it (``SHOW``)."""
        return {
            "archive_mode": self.archive_mode,
            "archive_command": self.archive_command,
            "archive_timeout": str(self.archive_timeout),
            "restore_command": self.restore_command,
        }

    def conf_values(self) -> dict[str, str]:
        """Setting name -> value as written in postgresql.conf (strings quoted)."""
        return {
            "archive_mode": self.archive_mode,
            "archive_command": conf_quote(self.archive_command),
            "archive_timeout": str(self.archive_timeout),
            "restore_command": conf_quote(self.restore_command),
        }

    def lines(self) -> list[str]:
        return [f"{k} = {v}" for k, v in self.conf_values().items()]

    def as_dict(self) -> dict[str, Any]:
        return {
            "walg_config": str(self.config_path),
            "restore_wrapper": str(self.wrapper_path),
            "settings": self.settings(),
            "conf": self.conf_values(),
            "lines": self.lines(),
        }


def archive_settings(settings: Settings, config_path: Path | None = None) -> ArchiveConfig:
    config = config_path or default_config_path(settings)
    binary = walg_binary(settings)
    wrapper = wrapper_path(config)
    timeout = settings.walg_archive_command_timeout
    return ArchiveConfig(
        config_path=config,
        wrapper_path=wrapper,
        walg_bin=binary,
        archive_mode="on",
        archive_command=archive_command(binary, config, timeout),
        archive_timeout=settings.pg_archive_timeout,
        restore_command=restore_command(wrapper),
    )


def fetch_wrapper_script(binary: str, config: Path, timeout: int) -> str:
    """The POSIX sh ``restore_command`` wrapper (see the module docstring)."""
    fetch = shell_words(walg_argv.wal_fetch_argv(binary, config, "$1", "$2"))
    return f"""#!/bin/sh
# restore_command wrapper written by `dataops backup pg`; rewrite it with
# `dataops backup pg archive-config --write-walg-config FILE` rather than editing it.
#
#   restore_command = '{wrapper_path(config)} %f %p'
#
# wal-g wal-fetch exits 74 when the file is not in the archive: we exit 1, which
# PostgreSQL reads as "not found" (normal at the end of the archive).  Any other
# failure is a storage or configuration problem; PostgreSQL would read exit codes
# 1-125 as "not found" too and end recovery early, so we exit {STORAGE_ERROR_EXIT} (> 125): the
# startup process stops with FATAL instead.  Fix storage, start the server again.
if [ "$#" -ne 2 ]; then
    echo "usage: $0 WALFILE DESTINATION" >&2
    exit {STORAGE_ERROR_EXIT}
fi
timeout {timeout} {fetch}
rc=$?
case "$rc" in
    0) exit 0 ;;
    {walg_argv.WAL_FETCH_MISSING}) exit 1 ;;
esac
echo "dataops walg-fetch: wal-g wal-fetch $1 failed with exit code $rc (storage or configuration error, not a missing file); stopping recovery instead of ending it early" >&2
exit {STORAGE_ERROR_EXIT}
"""


def atomic_write(path: Path, data: str, mode: int, owner: str | None) -> None:
    """Write ``data`` to ``path`` via a temp file (mode and owner set before the rename)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        os.fchmod(fd, mode)
        if owner and os.geteuid() == 0:
            entry = pwd.getpwnam(owner)
            os.fchown(fd, entry.pw_uid, entry.pw_gid)
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        Path(tmp).replace(path)
    except BaseException:
        with contextlib.suppress(OSError):
            Path(tmp).unlink()
        raise


def write_walg_files(settings: Settings, archive: ArchiveConfig, owner: str) -> None:
    """Write the wal-g config (0600) and the fetch wrapper (0700), both owned by ``owner``."""
    try:
        pwd.getpwnam(owner)
    except KeyError:
        raise ConfigError(f"OS user {owner!r} does not exist (DATAOPS_PG_OS_USER)") from None
    document = json.dumps(walg.config_document(settings), indent=2, sort_keys=True) + "\n"
    atomic_write(archive.config_path, document, 0o600, owner)
    script = fetch_wrapper_script(
        archive.walg_bin, archive.config_path, settings.walg_archive_command_timeout
    )
    atomic_write(archive.wrapper_path, script, 0o700, owner)
    log.info(
        "backup.walg_config_written",
        extra={"config": str(archive.config_path), "wrapper": str(archive.wrapper_path)},
    )


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
