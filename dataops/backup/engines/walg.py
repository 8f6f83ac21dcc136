"""wal-g behind :class:`~dataops.backup.engine.PgBackupEngine`.

Settings/env/parsing/errors are in :mod:`dataops.backup.walg`, argv builders in
:mod:`dataops.tools.walg`; here: the archive settings, the wal-g config file and the
``restore_command`` wrapper, and the engine class mapping wal-g to the engine records.

* :func:`archive_settings` renders the exact ``postgresql.conf`` settings
  (``archive_mode``, ``archive_command``, ``archive_timeout``, ``restore_command``);
  ``archive_command`` calls wal-g directly under ``timeout`` because PostgreSQL runs it
  once per 16 MB segment (no Python start-up on that path).
* :func:`write_walg_files` writes the wal-g JSON config (mode 0600, owned by the OS
  user running PostgreSQL) and the ``restore_command`` wrapper script next to it.

The restore_command wrapper
---------------------------
PostgreSQL treats *any* exit code from 1 to 125 of ``restore_command`` as "this WAL file
is not in the archive": during archive recovery it then ends recovery at that point and,
with ``recovery_target_action = promote``, opens the database -- silently missing every
transaction after the gap.  ``wal-g wal-fetch`` exits 74 for a file that is really
missing and 1 for everything else (storage unreachable, credentials rejected, bad
config).  The wrapper (built from :func:`dataops.tools.walg.wal_fetch_argv`) therefore
maps 74 to 1 ("not found": normal at the end of the archive) and every other failure to
255: PostgreSQL treats an exit code above 125 (or death by a signal) as a hard failure,
the startup process stops with FATAL and the server does not come up half-recovered.
Once storage is back, starting the server again resumes recovery where it stopped.  The
wrapper is a few lines of POSIX sh because it runs once per segment.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import os
import pwd
import shlex
import time
from dataclasses import dataclass
from pathlib import Path

from dataops import tools
from dataops.backup import archcheck, pg, recovery
from dataops.backup import walg as walg_core
from dataops.backup.engine import (
    ArchiveSetup,
    BackupInfo,
    CheckReport,
    EngineFacts,
    PushResult,
    RestoreResult,
    RetainResult,
    VerifyResult,
    WalRange,
    doomed,
    facts_from,
)
from dataops.backup.objstore import StorageConfig
from dataops.backup.walg import Backup, WalG, lsn_text, parse_delete_output
from dataops.config.settings import Settings
from dataops.errors import ConfigError, OperationError
from dataops.execute import tool_version
from dataops.tools import walg as walg_argv

log = logging.getLogger(__name__)

CONFIG_NAME = "walg.json"
STORAGE_ERROR_EXIT = 255
WRAPPER_SUFFIX = "-fetch.sh"


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
    argv = walg_argv.wal_push_argv(binary, config)
    return "timeout " + str(timeout) + " " + " ".join(_sh(a) for a in argv)


def restore_command(wrapper: Path) -> str:
    return f"{_sh(str(wrapper))} %f %p"


def _sh(arg: str) -> str:
    return arg if arg in ("%p", "%f") else shlex.quote(arg)


def shell_words(argv: list[str]) -> str:
    """``argv`` as one sh command line; ``$1``/``$2`` stay the script's (quoted) arguments."""
    return " ".join(f'"{a}"' if a in ("$1", "$2") else shlex.quote(a) for a in argv)


def archive_settings(settings: Settings, config_path: Path | None = None) -> ArchiveSetup:
    config = config_path or default_config_path(settings)
    binary = walg_binary(settings)
    wrapper = wrapper_path(config)
    timeout = settings.walg_archive_command_timeout
    return ArchiveSetup(
        engine="walg",
        config_path=config,
        restore_wrapper=wrapper,
        binary=binary,
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


def write_walg_files(settings: Settings, archive: ArchiveSetup, owner: str) -> None:
    """Write the wal-g config (0600) and the fetch wrapper (0700), both owned by ``owner``."""
    try:
        pwd.getpwnam(owner)
    except KeyError:
        raise ConfigError(f"OS user {owner!r} does not exist (DATAOPS_PG_OS_USER)") from None
    document = json.dumps(walg_core.config_document(settings), indent=2, sort_keys=True) + "\n"
    pg.atomic_write(archive.config_path, document, 0o600, owner)
    script = fetch_wrapper_script(
        archive.binary, archive.config_path, settings.walg_archive_command_timeout
    )
    pg.atomic_write(archive.restore_wrapper, script, 0o700, owner)
    log.info(
        "backup.walg_config_written",
        extra={"config": str(archive.config_path), "wrapper": str(archive.restore_wrapper)},
    )


def to_info(backup: Backup) -> BackupInfo:
    return BackupInfo(
        engine="walg",
        name=backup.name,
        kind=backup.kind,
        start_time=backup.start_time.astimezone(dt.UTC),
        stop_time=backup.finish_time.astimezone(dt.UTC),
        size_bytes=backup.uncompressed_size,
        stored_bytes=backup.compressed_size,
        wal_start=backup.wal_file_name or None,
        wal_stop=None,
        start_lsn=lsn_text(backup.start_lsn),
        stop_lsn=lsn_text(backup.finish_lsn),
        pg_version=backup.pg_version,
        reference=backup.delta_base,
        extra={
            "is_permanent": backup.is_permanent,
            "hostname": backup.hostname,
            "data_dir": backup.data_dir,
        },
    )


@dataclass
class WalGEngine:
    settings: Settings
    name: str = "walg"
    kinds: tuple[str, ...] = ("full", "delta")

    @classmethod
    def from_settings(cls, settings: Settings) -> WalGEngine:
        StorageConfig.from_settings(settings)  # DATAOPS_S3_BUCKET must be set
        return cls(settings)

    def _walg(self, *, with_database: bool = False) -> WalG:
        return WalG.from_settings(self.settings, with_database=with_database)

    @property
    def where(self) -> str:
        storage = StorageConfig.from_settings(self.settings)
        return f"{storage.url()} ({storage.endpoint})" if storage.endpoint else storage.url()

    def version(self) -> str:
        return tool_version([self._walg().binary, "--version"])

    def check_storage(self) -> None:
        self._walg().storage_check()

    def archive_setup(self, config_path: Path | None = None) -> ArchiveSetup:
        return archive_settings(self.settings, config_path)

    def write_config(self, setup: ArchiveSetup, owner: str) -> None:
        pg.check_runnable_by(setup.binary, owner)
        write_walg_files(self.settings, setup, owner)

    def list_backups(self) -> list[BackupInfo]:
        return [to_info(b) for b in self._walg().backup_list()]

    def push(self, kind: str | None = None) -> PushResult:
        if kind not in (None, *self.kinds):
            raise ConfigError(
                f"wal-g takes full or delta backups, not {kind!r} (see DATAOPS_WALG_DELTA_MAX_STEPS)"
            )
        if kind == "delta" and self.settings.walg_delta_max_steps == 0:
            raise ConfigError("a delta backup needs DATAOPS_WALG_DELTA_MAX_STEPS > 0")
        pgdata = pg.require_pg_data(self.settings)
        if not (pgdata / "PG_VERSION").is_file():
            raise ConfigError(f"DATAOPS_PG_DATA={pgdata} is not a PostgreSQL data directory")
        walg = self._walg(with_database=True)
        before = {b.name for b in walg.backup_list()}
        started = time.monotonic()
        walg.backup_push(pgdata, full=kind == "full")
        seconds = time.monotonic() - started
        new = [b for b in walg.backup_list() if b.name not in before]
        if not new:
            raise OperationError("wal-g backup-push finished but no new backup is listed")
        backup = to_info(max(new, key=lambda b: (b.finish_time, b.start_time)))
        return PushResult(backup=backup, seconds=seconds, kind_requested=kind)

    def retain(self, full: int, *, dry_run: bool = False) -> RetainResult:
        if full < 1:
            raise ConfigError("--full must be at least 1 (keeping no backup is not retention)")
        walg = self._walg()
        before = [to_info(b) for b in walg.backup_list()]
        planned = doomed(before, full)
        result = walg.delete_retain(full, confirm=not dry_run)
        objects, _ = parse_delete_output(result.stderr_tail)
        if dry_run:
            deleted = [b.name for b in planned]
            kept = [b.name for b in before if b.name not in set(deleted)]
        else:
            after = {b.name for b in walg.backup_list()}
            deleted = [b.name for b in before if b.name not in after]
            kept = [b.name for b in before if b.name in after]
        return RetainResult(full=full, dry_run=dry_run, deleted=deleted, kept=kept, objects=objects)

    def verify(self) -> VerifyResult:
        """``wal-g wal-verify integrity timeline`` (needs the database)."""
        report = self._walg(with_database=True).wal_verify()
        problems = []
        if report.lost:
            problems.append(
                f"the WAL archive has a gap: {sum(r.count for r in report.lost)} segment(s) lost"
            )
        if report.timeline_status == "FAILURE":
            problems.append(f"timeline check: {report.timeline_status}")
        return VerifyResult(
            engine=self.name,
            ok=report.ok,
            missing_wal=report.lost_segments(),
            problems=problems,
            ranges=[WalRange(r.timeline, r.start, r.end, r.count, r.status) for r in report.ranges],
            wal_checked=sum(r.count for r in report.ranges),
            details=report.as_dict(),
        )

    def restore(
        self,
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
        recovery.check_target(target)
        owner = pg.os_user(self.settings)
        walg = self._walg()
        chosen = recovery.select_backup(
            [to_info(b) for b in walg.backup_list()], backup, target_time, walg.where
        )
        log.info(
            "backup.restore_selected",
            extra={"backup": chosen.name, "target_time": str(target_time), "target": str(target)},
        )
        setup = self.archive_setup(target.parent / f"{target.name}.walg.json")
        pg.check_runnable_by(setup.binary, owner)
        target.mkdir(mode=0o700, parents=True, exist_ok=True)
        recovery.mark_incomplete(target, engine=self.name, backup=chosen.name)
        try:
            walg.backup_fetch(target, chosen.name)
        except BaseException:
            recovery.fetch_failed(target, engine=self.name, backup=chosen.name)
            raise
        write_walg_files(self.settings, setup, owner)
        return recovery.finish_restore(
            self.settings,
            engine=self.name,
            setup=setup,
            chosen=chosen,
            target=target,
            target_time=target_time,
            owner=owner,
            archive=archive,
            start_server=start,
            port=port,
            timeout=self.settings.walg_timeout,
            started_at=started_at,
        )

    def check(self, *, now: dt.datetime | None = None) -> CheckReport:
        return archcheck.check(self, self.settings, now=now)

    def facts(self) -> EngineFacts:
        return facts_from(self.name, self.list_backups())
