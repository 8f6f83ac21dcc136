"""``backup pg restore``: fetch a base backup and set up point-in-time recovery from the archive.

Steps: refuse a non-empty target; pick the backup (named, or the newest that finished
before the target time); ``wal-g backup-fetch``; write ``recovery.signal`` and the
recovery settings (``restore_command`` through the wal-fetch wrapper of
:mod:`dataops.backup.pg`, ``recovery_target_time``, ``recovery_target_action =
promote``); hand the directory to the PostgreSQL OS user.  With ``start``, run the
server on a free port as that user, wait until it has promoted and return its URL.

The restored server does not archive by default (``archive_mode = off``): a copy
running next to the primary must not push a new timeline into the primary's archive.
``archive=True`` keeps archiving, into the same storage, for a restore that replaces
the primary.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import logging
import os
import shutil
import socket
import time
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from sqlalchemy.engine import make_url

from dataops import execute, tools
from dataops.backup import pg
from dataops.backup.walg import Backup, WalG
from dataops.config.settings import Settings
from dataops.errors import ConfigError, OperationError

log = logging.getLogger(__name__)

LATEST = "LATEST"
POLL_SECONDS = 0.25
PIDFILE_GRACE_SECONDS = 30.0


@dataclass(frozen=True)
class RestoreResult:
    backup: Backup
    target_dir: Path
    target_time: dt.datetime | None
    walg_config: Path
    owner: str
    started: bool = False
    port: int | None = None
    url: str | None = None
    log_file: Path | None = None
    seconds: float = 0.0

    def as_dict(self) -> dict[str, Any]:
        return {
            "backup": self.backup.name,
            "backup_finish_time": self.backup.finish_time.isoformat(),
            "target_dir": str(self.target_dir),
            "target_time": self.target_time.isoformat() if self.target_time else None,
            "walg_config": str(self.walg_config),
            "owner": self.owner,
            "started": self.started,
            "port": self.port,
            "url": self.url,
            "log_file": str(self.log_file) if self.log_file else None,
            "seconds": round(self.seconds, 3),
        }


# ------------------------------------------------------------------------- pure logic


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


def select_backup(
    backups: list[Backup], name: str | None, target_time: dt.datetime | None, storage: str = ""
) -> Backup:
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
    wrapper: Path, target_time: dt.datetime | None, archive: pg.ArchiveConfig | None
) -> dict[str, str]:
    """postgresql.auto.conf lines for the restored cluster (values as written)."""
    values = {"restore_command": pg.conf_quote(pg.restore_command(wrapper))}
    if target_time is not None:
        values["recovery_target_time"] = pg.conf_quote(target_time.isoformat())
    values["recovery_target_action"] = "'promote'"
    values["recovery_target_timeline"] = "'latest'"
    if archive is None:
        values["archive_mode"] = "off"
    else:
        values["archive_mode"] = "on"
        values["archive_command"] = pg.conf_quote(archive.archive_command)
    return values


def check_target(target: Path) -> None:
    if target.exists() and not target.is_dir():
        raise ConfigError(f"--target-dir {target} exists and is not a directory")
    if target.is_dir() and any(target.iterdir()):
        raise ConfigError(f"--target-dir {target} is not empty; refusing to restore over it")


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


# ------------------------------------------------------------------------------ action


def restore(
    settings: Settings,
    target_dir: Path,
    *,
    backup: str | None = None,
    target_time: dt.datetime | None = None,
    start: bool = False,
    port: int | None = None,
    archive: bool = False,
) -> RestoreResult:
    started_at = time.monotonic()
    target = target_dir.absolute()
    check_target(target)
    owner = pg.os_user(settings)
    walg = WalG.from_settings(settings)
    chosen = select_backup(walg.backup_list(), backup, target_time, walg.where)
    log.info(
        "backup.restore_selected",
        extra={"backup": chosen.name, "target_time": str(target_time), "target": str(target)},
    )

    config_path = target.parent / f"{target.name}.walg.json"
    archive_conf = pg.archive_settings(settings, config_path)
    pg.check_runnable_by(archive_conf.walg_bin, owner)

    created = not target.exists()
    target.mkdir(mode=0o700, parents=True, exist_ok=True)
    try:
        walg.backup_fetch(target, chosen.name)
    except BaseException:
        _empty(target, remove=created)
        raise
    _complete_config_files(target)
    pg.write_walg_files(settings, archive_conf, owner)
    (target / "recovery.signal").touch()
    pg.append_auto_conf(
        target,
        recovery_settings(
            archive_conf.wrapper_path, target_time, archive_conf if archive else None
        ),
        f"added by dataops backup pg restore of {chosen.name} at "
        f"{dt.datetime.now(dt.UTC).isoformat(timespec='seconds')}",
    )
    target.chmod(0o700)
    _chown_tree(target, owner)
    result = RestoreResult(
        backup=chosen,
        target_dir=target,
        target_time=target_time,
        walg_config=config_path,
        owner=owner,
    )
    if start:
        result = _start(settings, result, chosen, port or free_port())
    seconds = time.monotonic() - started_at
    log.info(
        "backup.restored",
        extra={"backup": chosen.name, "target": str(target), "seconds": round(seconds, 3)},
    )
    return replace(result, seconds=seconds)


def _empty(target: Path, *, remove: bool) -> None:
    if remove:
        shutil.rmtree(target, ignore_errors=True)
        return
    for child in target.iterdir():
        if child.is_dir() and not child.is_symlink():
            shutil.rmtree(child, ignore_errors=True)
        else:
            with contextlib.suppress(OSError):
                child.unlink()


def _complete_config_files(target: Path) -> None:
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


def _chown_tree(path: Path, owner: str) -> None:
    if os.geteuid() != 0:
        return
    import pwd

    entry = pwd.getpwnam(owner)
    for root, dirs, files in os.walk(path):
        os.chown(root, entry.pw_uid, entry.pw_gid)
        for name in dirs + files:
            os.lchown(Path(root, name), entry.pw_uid, entry.pw_gid)


def _run_as(owner: str) -> str | None:
    return owner if os.geteuid() == 0 else None


def pg_tool(name: str, settings: Settings, pg_version: int) -> str:
    """A PostgreSQL program matching the backup's major version when installed."""
    if settings.pg_bin_dir:
        return tools.find(name, pg_bin_dir=settings.pg_bin_dir)
    major = pg_version // 10000 if pg_version >= 100000 else pg_version // 100
    for directory in tools.pg_bin_dirs():
        candidate = directory / name
        if directory.parent.name == str(major) and candidate.is_file():
            return str(candidate)
    return tools.find(name)


def _start(settings: Settings, result: RestoreResult, chosen: Backup, port: int) -> RestoreResult:
    target = result.target_dir
    logdir = target / "log"
    logdir.mkdir(mode=0o700, exist_ok=True)
    logfile = logdir / "dataops-restore.log"
    logfile.touch()
    _chown_tree(logdir, result.owner)
    pg_ctl = pg_tool("pg_ctl", settings, chosen.pg_version)
    execute.run(
        [pg_ctl, "-D", target, "-l", logfile, "-o", f"-p {port}", "-W", "start"],
        user=_run_as(result.owner),
        timeout=60,
    )
    _wait_promoted(settings, target, logfile, chosen)
    url = _url(settings, port, result.owner)
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


def _cluster_state(settings: Settings, target: Path, chosen: Backup) -> str:
    result = execute.run(
        [pg_tool("pg_controldata", settings, chosen.pg_version), "-D", target],
        capture=True,
        timeout=30,
        env={"LC_ALL": "C"},
    )
    for line in (result.stdout or b"").decode("utf-8", "replace").splitlines():
        if line.startswith("Database cluster state:"):
            return line.split(":", 1)[1].strip()
    return ""


def _log_tail(logfile: Path, lines: int = 15) -> list[str]:
    try:
        return logfile.read_text(errors="replace").splitlines()[-lines:]
    except OSError:
        return []


def _wait_promoted(settings: Settings, target: Path, logfile: Path, chosen: Backup) -> None:
    """Until the server runs out of recovery (pid file 'ready', control file 'in production')."""
    began = time.monotonic()
    deadline = began + settings.walg_timeout
    seen = False
    while time.monotonic() < deadline:
        pid, status = _pidfile_status(target)
        if pid is not None:
            seen = True
            if not _alive(pid):
                pid = None
        if pid is None and (seen or time.monotonic() - began > PIDFILE_GRACE_SECONDS):
            raise OperationError(
                f"the restored server in {target} stopped during recovery (log: {logfile})",
                details=_log_tail(logfile),
            )
        if status == "ready" and _cluster_state(settings, target, chosen) == "in production":
            return
        time.sleep(POLL_SECONDS)
    raise OperationError(
        f"the restored server in {target} did not finish recovery within "
        f"{settings.walg_timeout:g} s (DATAOPS_WALG_TIMEOUT; it is still running, log: {logfile})",
        details=_log_tail(logfile),
    )


def _url(settings: Settings, port: int, owner: str) -> str:
    user, dbname = owner, "postgres"
    raw = settings.database_url_value
    if raw:
        with contextlib.suppress(Exception):
            url = make_url(raw)
            user = url.username or user
            dbname = url.database or dbname
    return f"postgresql://{user}@localhost:{port}/{dbname}"
