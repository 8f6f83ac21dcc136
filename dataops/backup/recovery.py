"""What a restore does the same for every engine: target checks, backup choice, recovery
settings, handing the directory to the PostgreSQL OS user, starting it and waiting for
promotion.

An engine fetches the files (``wal-g backup-fetch``, ``pgbackrest restore``) and names its
``restore_command``; everything around that lives here, so both engines refuse the same
targets, pick the same backup for a target time and report promotion the same way.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import logging
import os
import pwd
import shutil
import socket
import time
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path
from typing import Protocol, TypeVar

from sqlalchemy.engine import make_url

from dataops import execute, tools
from dataops.backup import pg
from dataops.backup.engine import LATEST, ArchiveSetup, BackupInfo, RestoreResult, conf_quote
from dataops.config.settings import Settings
from dataops.errors import ConfigError, DependencyError, Interrupted, OperationError
from dataops.tools import postgres as pg_argv

log = logging.getLogger(__name__)

POLL_SECONDS = 0.25
#: what both restore_command wrappers print before exiting 255 (not "file not found")
STORAGE_ERROR_LINE = "storage or configuration error, not a missing file"
PIDFILE_GRACE_SECONDS = 30.0


class _Backup(Protocol):
    @property
    def name(self) -> str: ...
    @property
    def start_time(self) -> dt.datetime: ...
    @property
    def finish_time(self) -> dt.datetime: ...


def parse_target_time(value: str) -> dt.datetime:
    """ISO 8601; a time without a UTC offset is taken as UTC."""
    text = value.strip()
    if text.endswith(("Z", "z")):
        text = text[:-1] + "+00:00"
    try:
        parsed = dt.datetime.fromisoformat(text)
    except ValueError:
        raise ConfigError(
            f"--target-time {value!r} is not an ISO 8601 time (e.g. 2024-05-01T12:30:00Z)"
        ) from None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=dt.UTC)


B = TypeVar("B", bound=_Backup)


def select_backup(
    backups: Sequence[B], name: str | None, target_time: dt.datetime | None, storage: str = ""
) -> B:
    """The named backup, or the newest one that finished before ``target_time``."""
    where = f" in {storage}" if storage else ""
    if not backups:
        raise OperationError(f"no backup{where}: nothing to restore")
    if name and name.upper() != LATEST:
        found = [b for b in backups if b.name == name]
        if not found:
            raise OperationError(
                f"backup {name!r} not found{where}",
                details=[f"available: {', '.join(b.name for b in backups[-5:])}"],
            )
        chosen = found[0]
        if target_time and chosen.finish_time >= target_time:
            raise OperationError(
                f"backup {name} finished at {chosen.finish_time.isoformat()}, "
                f"not before the target time {target_time.isoformat()}"
            )
        return chosen
    candidates = [b for b in backups if target_time is None or b.finish_time < target_time]
    if not candidates:
        oldest = min(backups, key=lambda b: b.finish_time)
        raise OperationError(
            f"no backup finished before {target_time.isoformat() if target_time else '?'}"
            f"{where}; the oldest finished at {oldest.finish_time.isoformat()}"
        )
    return max(candidates, key=lambda b: (b.finish_time, b.start_time))


def recovery_settings(
    restore_command: str, target_time: dt.datetime | None, archive_command: str | None
) -> dict[str, str]:
    """postgresql.auto.conf values of a restored copy (quoted as in the file)."""
    values = {"restore_command": conf_quote(restore_command)}
    if target_time is not None:
        values["recovery_target_time"] = conf_quote(target_time.isoformat())
    values["recovery_target_action"] = "'promote'"
    values["recovery_target_timeline"] = "'latest'"
    if archive_command is None:
        values["archive_mode"] = "off"
    else:
        values["archive_mode"] = "on"
        values["archive_command"] = conf_quote(archive_command)
    return values


#: inside a target directory whose fetch failed (the directory is emptied, this stays)
INCOMPLETE_MARKER = "DATAOPS_RESTORE_INCOMPLETE"
#: beside the target (``<target>.restore-incomplete``) while the fetch runs: it survives
#: even a SIGKILL of dataops (the engines refuse to restore into a non-empty directory,
#: so nothing can sit inside the target during the fetch)
INCOMPLETE_SUFFIX = ".restore-incomplete"


def incomplete_markers(target: Path) -> tuple[Path, Path]:
    """(the marker inside ``target``, the marker beside it)."""
    return target / INCOMPLETE_MARKER, target.with_name(target.name + INCOMPLETE_SUFFIX)


def is_incomplete(target: Path) -> bool:
    """``target`` holds a restore that did not finish (either marker exists)."""
    return any(m.exists() for m in incomplete_markers(target))


def _marker_text(target: Path, engine: str, backup: str, state: str) -> str:
    return (
        f"dataops backup pg restore: {state}\n"
        f"engine: {engine}\nbackup: {backup}\ntarget: {target}\n"
        f"time: {dt.datetime.now(dt.UTC).isoformat(timespec='seconds')}\n"
        "This directory is NOT a usable PostgreSQL data directory: the restore did not "
        "finish.\nRun the restore again with --force to clear it.\n"
    )


def mark_incomplete(target: Path, *, engine: str, backup: str) -> None:
    """Before the fetch: the marker beside the target (removed by :func:`finish_restore`)."""
    beside = incomplete_markers(target)[1]
    pg.atomic_write(beside, _marker_text(target, engine, backup, "fetch in progress"), 0o644, None)


def fetch_failed(target: Path, *, engine: str, backup: str) -> None:
    """A fetch that raised (storage lost, SIGTERM...): empty the directory, leave the
    marker inside it (and beside it), never recovery.signal/standby.signal."""
    empty(target, remove=False)
    inside, beside = incomplete_markers(target)
    text = _marker_text(target, engine, backup, "the fetch did not finish")
    with contextlib.suppress(OSError):
        inside.write_text(text, encoding="utf-8")
        inside.chmod(0o644)
        pg.atomic_write(beside, text, 0o644, None)
    log.warning("backup.restore_incomplete", extra={"target": str(target), "backup": backup})


def clear_incomplete(target: Path) -> bool:
    """``--force``: empty a directory marked incomplete and remove its markers.  Only a
    marked directory is cleared (never an arbitrary non-empty one).  True if it was."""
    if not is_incomplete(target):
        return False
    if target.is_dir():
        empty(target, remove=False)
    for marker in incomplete_markers(target):
        with contextlib.suppress(FileNotFoundError):
            marker.unlink()
    log.warning("backup.restore_incomplete_cleared", extra={"target": str(target)})
    return True


def check_target(target: Path) -> None:
    if is_incomplete(target):
        raise ConfigError(
            f"--target-dir {target} holds a restore that did not finish (marker "
            f"{INCOMPLETE_MARKER} / {target.name}{INCOMPLETE_SUFFIX}); it is not a usable "
            "data directory and is not started; run the restore again with --force to clear it"
        )
    if target.exists() and not target.is_dir():
        raise ConfigError(f"--target-dir {target} exists and is not a directory")
    if target.is_dir() and any(target.iterdir()):
        raise ConfigError(f"--target-dir {target} is not empty; refusing to restore over it")


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def empty(target: Path, *, remove: bool) -> None:
    """Undo a failed fetch: remove the directory we created, or empty the one we were given."""
    if remove:
        shutil.rmtree(target, ignore_errors=True)
        return
    for child in target.iterdir():
        if child.is_dir() and not child.is_symlink():
            shutil.rmtree(child, ignore_errors=True)
        else:
            with contextlib.suppress(OSError):
                child.unlink()


def complete_config_files(target: Path) -> None:
    """Debian keeps postgresql.conf and pg_hba.conf in /etc: give the copy minimal ones."""
    defaults = {
        "postgresql.conf": "# written by dataops backup pg restore: the backup had none\n",
        "pg_hba.conf": (
            "# written by dataops backup pg restore: the backup had none\n"
            "local all all peer\n"
            "host all all 127.0.0.1/32 scram-sha-256\n"
            "host all all ::1/128 scram-sha-256\n"
        ),
        "pg_ident.conf": "",
    }
    for name, content in defaults.items():
        path = target / name
        if not path.exists():
            path.write_text(content, encoding="utf-8")
            path.chmod(0o600)
            log.warning("backup.restore_wrote_default", extra={"file": name})


def chown_tree(path: Path, owner: str) -> None:
    if os.geteuid() != 0:
        return
    entry = pwd.getpwnam(owner)
    for root, dirs, files in os.walk(path):
        os.chown(root, entry.pw_uid, entry.pw_gid)
        for name in dirs + files:
            os.lchown(Path(root, name), entry.pw_uid, entry.pw_gid)


def run_as(owner: str) -> str | None:
    """The ``user`` for :func:`dataops.execute.run`: only when we are root."""
    return owner if os.geteuid() == 0 else None


def pg_tool(name: str, settings: Settings, pg_version: int) -> str:
    """A PostgreSQL program matching the backup's major version when installed."""
    if settings.pg_bin_dir:
        return tools.find(name, pg_bin_dir=settings.pg_bin_dir)
    if pg_version >= 100000:
        major = pg_version // 10000
    elif pg_version >= 1000:
        major = pg_version // 100
    else:
        major = pg_version
    for directory in tools.pg_bin_dirs():
        candidate = directory / name
        if directory.parent.name == str(major) and candidate.is_file():
            return str(candidate)
    return tools.find(name)


def start(
    settings: Settings, result: RestoreResult, pg_version: int, port: int, timeout: float
) -> RestoreResult:
    """Start the restored server as its owner and wait until it has promoted."""
    target = result.target_dir
    logdir = target / "log"
    logdir.mkdir(mode=0o700, exist_ok=True)
    logfile = logdir / "dataops-restore.log"
    logfile.touch()
    chown_tree(logdir, result.owner)
    pg_ctl = pg_tool("pg_ctl", settings, pg_version)
    execute.run(
        pg_argv.pg_ctl_start_argv(pg_ctl, target, logfile, port, wait=False),
        user=run_as(result.owner),
        timeout=60,
    )
    wait_promoted(settings, target, logfile, pg_version, timeout)
    url = server_url(settings, port, result.owner)
    log.info("backup.restore_started", extra={"port": port, "url": url})
    return replace(result, started=True, port=port, url=url, log_file=logfile)


def _pidfile_status(target: Path) -> tuple[int | None, str | None]:
    try:
        lines = (target / "postmaster.pid").read_text().splitlines()
    except OSError:
        return None, None
    pid = int(lines[0]) if lines and lines[0].strip().isdigit() else None
    status = lines[7].strip() if len(lines) > 7 else None
    return pid, status


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def cluster_state(settings: Settings, target: Path, pg_version: int) -> str:
    """``Database cluster state`` from pg_controldata (``in production`` once promoted)."""
    result = execute.run(
        pg_argv.pg_controldata_argv(pg_tool("pg_controldata", settings, pg_version), target),
        capture=True,
        timeout=30,
        env={"LC_ALL": "C"},
    )
    return pg_argv.parse_cluster_state(result.stdout or b"")


def log_tail(logfile: Path, lines: int = 15) -> list[str]:
    try:
        return logfile.read_text(errors="replace").splitlines()[-lines:]
    except OSError:
        return []


def wait_promoted(
    settings: Settings, target: Path, logfile: Path, pg_version: int, timeout: float
) -> None:
    """Until the server runs out of recovery (pid file 'ready', control file 'in production')."""
    began = time.monotonic()
    deadline = began + timeout
    seen = False
    while time.monotonic() < deadline:
        pid, status = _pidfile_status(target)
        if pid is not None:
            seen = True
            if not _alive(pid):
                pid = None
        if pid is None and (seen or time.monotonic() - began > PIDFILE_GRACE_SECONDS):
            tail = log_tail(logfile)
            if any(STORAGE_ERROR_LINE in line for line in tail):
                # the restore_command wrapper: storage lost during recovery (exit 3); the
                # directory is intact, starting it again resumes recovery
                raise DependencyError(
                    f"the restored server in {target} stopped during recovery: the archive "
                    f"could not be read (storage unreachable?); start it again once storage "
                    f"is back (log: {logfile})",
                    details=tail,
                )
            raise OperationError(
                f"the restored server in {target} stopped during recovery (log: {logfile})",
                details=tail,
            )
        if status == "ready" and cluster_state(settings, target, pg_version) == "in production":
            return
        time.sleep(POLL_SECONDS)
    raise OperationError(
        f"the restored server in {target} did not finish recovery within "
        f"{timeout:g} s (it is still running, log: {logfile})",
        details=log_tail(logfile),
    )


def server_url(settings: Settings, port: int, owner: str) -> str:
    user, dbname = owner, "postgres"
    raw = settings.database_url_value
    if raw:
        with contextlib.suppress(Exception):
            url = make_url(raw)
            user = url.username or user
            dbname = url.database or dbname
    return f"postgresql://{user}@localhost:{port}/{dbname}"


def stop(settings: Settings, result: RestoreResult, mode: str = "fast") -> None:
    """Stop a server :func:`start` started (drills tear down with this); no-op if not running."""
    target = result.target_dir
    if not (target / "postmaster.pid").exists():
        return
    pg_ctl = pg_tool("pg_ctl", settings, result.backup.pg_version)
    execute.run(
        pg_argv.pg_ctl_stop_argv(pg_ctl, target, mode),
        user=run_as(result.owner),
        timeout=90,
        ok_codes=(0, 1),  # 1: not running (a stale pid file)
    )


def finish_restore(
    settings: Settings,
    *,
    engine: str,
    setup: ArchiveSetup,
    chosen: BackupInfo,
    target: Path,
    target_time: dt.datetime | None,
    owner: str,
    archive: bool,
    start_server: bool,
    port: int | None,
    timeout: float,
    started_at: float,
) -> RestoreResult:
    """What every engine does once its backup is in ``target``: the recovery settings
    (``recovery.signal``, ``restore_command``, the target), ownership and, with
    ``start_server``, the server started and waited for until it has promoted."""
    complete_config_files(target)
    (target / "recovery.signal").touch()
    pg.append_auto_conf(
        target,
        recovery_settings(
            setup.restore_command, target_time, setup.archive_command if archive else None
        ),
        f"added by dataops backup pg restore of {chosen.name} at "
        f"{dt.datetime.now(dt.UTC).isoformat(timespec='seconds')}",
    )
    target.chmod(0o700)
    chown_tree(target, owner)
    # the fetch and the recovery settings are complete: no longer an incomplete restore
    with contextlib.suppress(FileNotFoundError):
        incomplete_markers(target)[1].unlink()
    result = RestoreResult(
        backup=chosen,
        target_dir=target,
        target_time=target_time,
        config_path=setup.config_path,
        owner=owner,
        engine=engine,
    )
    if start_server:
        try:
            result = start(settings, result, chosen.pg_version, port or free_port(), timeout)
        except Interrupted:
            # SIGTERM/SIGINT while recovering: the server we started does not outlive us
            # (the directory stays a complete restore: starting it again resumes recovery)
            with contextlib.suppress(Exception):
                stop(settings, result, "immediate")
            raise
    return replace(result, seconds=time.monotonic() - started_at)
