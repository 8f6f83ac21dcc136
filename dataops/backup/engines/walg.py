"""wal-g behind :class:`~dataops.backup.engine.PgBackupEngine`.

The wal-g specifics stay where they were: settings/env/parsing/errors in
:mod:`dataops.backup.walg`, argv builders in :mod:`dataops.tools.walg`, the config file
and the ``restore_command`` wrapper in :mod:`dataops.backup.pg`.  This class maps them
to the engine records.
"""

from __future__ import annotations

import datetime as dt
import logging
import time
from dataclasses import dataclass, replace
from pathlib import Path

from dataops.backup import archcheck, pg, recovery
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

log = logging.getLogger(__name__)


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
        conf = pg.archive_settings(self.settings, config_path)
        return ArchiveSetup(
            engine=self.name,
            config_path=conf.config_path,
            restore_wrapper=conf.wrapper_path,
            binary=conf.walg_bin,
            archive_mode=conf.archive_mode,
            archive_command=conf.archive_command,
            archive_timeout=conf.archive_timeout,
            restore_command=conf.restore_command,
        )

    def _conf(self, setup: ArchiveSetup) -> pg.ArchiveConfig:
        return pg.ArchiveConfig(
            config_path=setup.config_path,
            wrapper_path=setup.restore_wrapper,
            walg_bin=setup.binary,
            archive_mode=setup.archive_mode,
            archive_command=setup.archive_command,
            archive_timeout=setup.archive_timeout,
            restore_command=setup.restore_command,
        )

    def write_config(self, setup: ArchiveSetup, owner: str) -> None:
        pg.check_runnable_by(setup.binary, owner)
        pg.write_walg_files(self.settings, self._conf(setup), owner)

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
        created = not target.exists()
        target.mkdir(mode=0o700, parents=True, exist_ok=True)
        try:
            walg.backup_fetch(target, chosen.name)
        except BaseException:
            recovery.empty(target, remove=created)
            raise
        recovery.complete_config_files(target)
        pg.write_walg_files(self.settings, self._conf(setup), owner)
        (target / "recovery.signal").touch()
        pg.append_auto_conf(
            target,
            recovery.recovery_settings(
                setup.restore_command, target_time, setup.archive_command if archive else None
            ),
            f"added by dataops backup pg restore of {chosen.name} at "
            f"{dt.datetime.now(dt.UTC).isoformat(timespec='seconds')}",
        )
        target.chmod(0o700)
        recovery.chown_tree(target, owner)
        result = RestoreResult(
            backup=chosen,
            target_dir=target,
            target_time=target_time,
            config_path=setup.config_path,
            owner=owner,
            engine=self.name,
        )
        if start:
            result = recovery.start(
                self.settings,
                result,
                chosen.pg_version,
                port or recovery.free_port(),
                self.settings.walg_timeout,
            )
        return replace(result, seconds=time.monotonic() - started_at)

    def check(self, *, now: dt.datetime | None = None) -> CheckReport:
        return archcheck.check(self, self.settings, now=now)

    def facts(self) -> EngineFacts:
        return facts_from(self.name, self.list_backups())
