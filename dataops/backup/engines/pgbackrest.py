"""pgBackRest behind :class:`~dataops.backup.engine.PgBackupEngine`.

Options, config file, wrapper and error classification are in
:mod:`dataops.backup.pgbackrest`; argv builders and output parsers in
:mod:`dataops.tools.pgbackrest`.  The stanza is created on first use (``stanza-create``
is idempotent).  Every call runs as the PostgreSQL OS user when dataops runs as root,
with its own lock directory next to the config file.
"""

from __future__ import annotations

import datetime as dt
import logging
import os
import pwd
import secrets
import shlex
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from pathlib import Path

from sqlalchemy.engine import make_url

from dataops import db, execute, tools
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
from dataops.backup.objstore import ObjectStore, StorageConfig
from dataops.backup.pgbackrest import (
    MAX_NAMED,
    ca_file,
    classify,
    default_config_path,
    fetch_wrapper_script,
    lock_path,
    printable,
    repo_options,
    wal_chain,
    wrapper_path,
)
from dataops.config.settings import Settings
from dataops.errors import (
    CommandError,
    ConfigError,
    DataopsError,
    OperationError,
)
from dataops.stall import Stall
from dataops.tools import pgbackrest as pgb

log = logging.getLogger(__name__)


# ------------------------------------------------------------------------------- engine


@dataclass
class PgBackRestEngine:
    settings: Settings
    options: dict[str, str]
    name: str = "pgbackrest"
    kinds: tuple[str, ...] = ("full", "diff", "incr")

    @classmethod
    def from_settings(cls, settings: Settings) -> PgBackRestEngine:
        return cls(settings, repo_options(settings))

    # basics ----------------------------------------------------------------------
    @property
    def stanza(self) -> str:
        return self.settings.pgbackrest_stanza

    @property
    def where(self) -> str:
        storage = StorageConfig.from_settings(self.settings)
        url = f"s3://{storage.bucket}{self.options['repo1-path']}"
        return f"{url} ({storage.endpoint})" if storage.endpoint else url

    def binary(self) -> str:
        """Absolute path (PostgreSQL's PATH is not ours)."""
        return str(Path(tools.find("pgbackrest", self.settings.pgbackrest_bin)).absolute())

    def owner(self) -> str:
        return pg.os_user(self.settings)

    def version(self) -> str:
        return execute.tool_version(pgb.version_argv(self.binary()))

    def _config_arg(self) -> Path:
        """Our own calls read the written config when there is one (env wins), else none."""
        try:
            path = default_config_path(self.settings)
        except ConfigError:
            return Path(os.devnull)
        return path if path.is_file() else Path(os.devnull)

    def _env(self, extra: dict[str, str] | None = None) -> dict[str, str]:
        options = dict(self.options)
        config = self._config_arg()
        if config != Path(os.devnull):
            options["lock-path"] = str(lock_path(config))
        else:
            options["lock-path"] = str(
                Path(tempfile.gettempdir()) / f"dataops-pgbackrest-{self.owner()}"
            )
        if self.settings.pg_data:
            options["pg1-path"] = str(self.settings.pg_data)
        options.update(extra or {})
        return pgb.option_env(options)

    def _run(
        self,
        build: Callable[[str, Path], list[str]],
        *,
        what: str,
        capture: bool = False,
        extra: dict[str, str] | None = None,
        env: dict[str, str] | None = None,
        ok_codes: Sequence[int] = (0,),
        timeout: float | None = None,
        watch: Sequence[Path] | None = (),
    ) -> execute.Result:
        """One pgBackRest call; ``watch``: directories whose growth is progress too, None:
        no stall watchdog (``check`` waits for PostgreSQL's archiver, not for storage)."""
        argv = build(self.binary(), self._config_arg())
        full_env = self._env(extra)
        full_env.update(env or {})
        log.info("pgbackrest.start", extra={"command": what})
        try:
            result = execute.run(
                argv,
                env=full_env,
                capture=capture,
                ok_codes=ok_codes,
                timeout=timeout or self.settings.pgbackrest_timeout,
                user=recovery.run_as(self.owner()),
                stall=None if watch is None else self._stall(watch),
            )
        except CommandError as exc:
            raise classify(exc, what=what, where=self.where) from None
        log.info(
            "pgbackrest.finished", extra={"command": what, "seconds": round(result.seconds, 3)}
        )
        return result

    def _stall(self, watch: Sequence[Path]) -> Stall:
        return Stall(
            self.settings.storage_stall_timeout, f"object storage {self.where}", tuple(watch)
        )

    def _db_options(self) -> tuple[dict[str, str], dict[str, str]]:
        """(pg1-* options, libpq env) to reach the database pgBackRest backs up."""
        url = pg.require_url(self.settings)
        if db.dialect(url) != "postgresql":
            raise ConfigError("DATAOPS_DATABASE_URL must be a postgresql:// URL for pgBackRest")
        current = pg.server_settings(url, ["unix_socket_directories", "port", "data_directory"])
        sockets = [
            s.strip() for s in current.get("unix_socket_directories", "").split(",") if s.strip()
        ]
        parsed = make_url(url)
        options = {"pg1-port": current.get("port", "5432")}
        if sockets:
            options["pg1-socket-path"] = sockets[0]
        if parsed.username:
            options["pg1-user"] = parsed.username
        if parsed.database:
            options["pg1-database"] = parsed.database
        pgdata = pg.require_pg_data(self.settings)
        actual = current.get("data_directory")
        if actual and Path(actual).resolve() != pgdata.resolve():
            raise ConfigError(
                f"DATAOPS_PG_DATA={pgdata} but the server at {db.masked_url(url)} runs in {actual}"
            )
        env = {}
        if parsed.password:
            env["PGPASSWORD"] = parsed.password
        return options, env

    # repository --------------------------------------------------------------------
    def info(self) -> pgb.StanzaInfo:
        result = self._run(lambda b, c: pgb.info_argv(b, c, self.stanza), what="info", capture=True)
        try:
            info = pgb.parse_info(result.stdout or b"", self.stanza)
        except pgb.ParseError as exc:
            raise OperationError(f"unexpected output from pgbackrest {exc}") from None
        for code, raw in info.repo_status:
            message = printable(raw)
            if code == pgb.STATUS_OTHER and "FormatError" in message and "info file" in message:
                # pgBackRest decrypts with no authentication: a wrong pass yields garbage
                raise OperationError(
                    "pgbackrest info: the repository's info files cannot be read: the "
                    "repository cannot be decrypted with this cipher pass "
                    "(DATAOPS_PGBACKREST_CIPHER_PASS), or encryption differs from when the "
                    "stanza was created, or the files are damaged",
                    details=[message.splitlines()[0]],
                )
            if code == pgb.STATUS_OTHER:
                raise classify(
                    CommandError("info", argv=[], returncode=0, output_tail=[message]),
                    what="info",
                    where=self.where,
                )
        if info.status_code == 4 or "cipher" in info.status_message.lower():
            raise OperationError(
                f"pgbackrest info: {info.status_message} "
                "(the repository's encryption does not match DATAOPS_PGBACKREST_CIPHER_PASS)"
            )
        return info

    def _to_info(self, info: pgb.StanzaInfo, b: pgb.RepoBackup) -> BackupInfo:
        return BackupInfo(
            engine=self.name,
            name=b.label,
            kind=b.kind,
            start_time=b.start,
            stop_time=b.stop,
            size_bytes=b.size,
            stored_bytes=b.repo_delta,
            wal_start=b.wal_start,
            wal_stop=b.wal_stop,
            start_lsn=b.lsn_start,
            stop_lsn=b.lsn_stop,
            pg_version=info.pg_version(b.db_id),
            reference=b.prior,
            extra={
                "delta_bytes": b.delta,
                "repo_size_bytes": b.repo_size,
                "references": b.reference,
                "error": b.error,
            },
        )

    def list_backups(self) -> list[BackupInfo]:
        info = self.info()
        return [self._to_info(info, b) for b in info.backups]

    def ensure_stanza(self) -> pgb.StanzaInfo:
        """``stanza-create`` unless the stanza exists (idempotent either way; needs the DB).

        Returns the stanza's info (read before creating it)."""
        info = self.info()
        if info.status_code not in (pgb.STATUS_MISSING_STANZA_PATH, pgb.STATUS_MISSING_STANZA_DATA):
            return info
        options, env = self._db_options()
        self._run(
            lambda b, c: pgb.stanza_create_argv(b, c, self.stanza),
            what="stanza-create",
            extra=options,
            env=env,
        )
        log.info("pgbackrest.stanza_created", extra={"stanza": self.stanza})
        return info

    def check_storage(self) -> None:
        """pgBackRest can list the repository; a probe object can be written and deleted."""
        self._run(lambda b, c: pgb.repo_ls_argv(b, c, None), what="repo-ls", capture=True)
        storage = StorageConfig.from_settings(self.settings)
        probe_store = ObjectStore(
            replace(
                storage,
                prefix=self.options["repo1-path"].strip("/"),
                ca_file=ca_file(self.settings),
            ),
            timeout=10,
        )
        probe = f".dataops-check-{secrets.token_hex(6)}"
        probe_store.put(probe, b"dataops check probe\n")
        probe_store.delete(probe)

    # archiving -----------------------------------------------------------------------
    def archive_setup(self, config_path: Path | None = None) -> ArchiveSetup:
        config = config_path or default_config_path(self.settings)
        binary = self.binary()
        wrapper = wrapper_path(config)
        push = pgb.archive_push_argv(binary, config, self.stanza)
        timeout = self.settings.pgbackrest_command_timeout
        return ArchiveSetup(
            engine=self.name,
            config_path=config,
            restore_wrapper=wrapper,
            binary=binary,
            archive_mode="on",
            archive_command=f"timeout {timeout} "
            + " ".join(a if a == "%p" else shlex.quote(a) for a in push),
            archive_timeout=self.settings.pg_archive_timeout,
            restore_command=f"{shlex.quote(str(wrapper))} %f %p",
        )

    def _write_files(self, setup: ArchiveSetup, owner: str, pg_path: Path | None) -> None:
        try:
            entry = pwd.getpwnam(owner)
        except KeyError:
            raise ConfigError(f"OS user {owner!r} does not exist (DATAOPS_PG_OS_USER)") from None
        options = dict(self.options)
        lock = lock_path(setup.config_path)
        options["lock-path"] = str(lock)
        path = pg_path or self.settings.pg_data
        if path is not None:
            options["pg1-path"] = str(path)
        lock.mkdir(mode=0o700, parents=True, exist_ok=True)
        if os.geteuid() == 0:
            os.chown(lock, entry.pw_uid, entry.pw_gid)
        pg.atomic_write(setup.config_path, pgb.config_text(options, self.stanza), 0o600, owner)
        script = fetch_wrapper_script(
            setup.binary, setup.config_path, self.stanza, self.settings.pgbackrest_command_timeout
        )
        pg.atomic_write(setup.restore_wrapper, script, 0o700, owner)
        log.info(
            "backup.pgbackrest_config_written",
            extra={"config": str(setup.config_path), "wrapper": str(setup.restore_wrapper)},
        )

    def write_config(self, setup: ArchiveSetup, owner: str) -> None:
        if self.settings.pg_data is None:
            raise ConfigError(
                "DATAOPS_PG_DATA is not set: the pgBackRest config names the data directory "
                "(pg1-path; archive-push resolves PostgreSQL's relative %p against it)"
            )
        pg.check_runnable_by(setup.binary, owner, tool="pgbackrest", version_args=("version",))
        self._write_files(setup, owner, None)
        if self.settings.database_url_value and setup.config_path == self._config_arg():
            # create the stanza now when the server is up, so archive-push works at once;
            # otherwise the first push does it
            try:
                self.ensure_stanza()
            except DataopsError as exc:
                log.warning("pgbackrest.stanza_deferred", extra={"error": exc.message})

    # backups ---------------------------------------------------------------------------
    def push(self, kind: str | None = None) -> PushResult:
        if kind not in (None, *self.kinds):
            raise ConfigError(f"pgBackRest takes full, diff or incr backups, not {kind!r}")
        pgdata = pg.require_pg_data(self.settings)
        if not (pgdata / "PG_VERSION").is_file():
            raise ConfigError(f"DATAOPS_PG_DATA={pgdata} is not a PostgreSQL data directory")
        before = {b.label for b in self.ensure_stanza().backups}
        options, env = self._db_options()
        started = time.monotonic()
        self._run(
            lambda b, c: pgb.backup_argv(b, c, self.stanza, kind or "incr"),
            what="backup",
            extra=options,
            env=env,
        )
        seconds = time.monotonic() - started
        new = [b for b in self.list_backups() if b.name not in before]
        if not new:
            raise OperationError("pgbackrest backup finished but no new backup is listed")
        backup = max(new, key=lambda b: (b.stop_time, b.start_time, b.name))
        return PushResult(backup=backup, seconds=seconds, kind_requested=kind)

    def retain(self, full: int, *, dry_run: bool = False) -> RetainResult:
        if full < 1:
            raise ConfigError("--full must be at least 1 (keeping no backup is not retention)")
        before = self.list_backups()
        planned = doomed(before, full)
        if dry_run:
            deleted = [b.name for b in planned]
            return RetainResult(
                full=full,
                dry_run=True,
                deleted=deleted,
                kept=[b.name for b in before if b.name not in set(deleted)],
            )
        self._run(lambda b, c: pgb.expire_argv(b, c, self.stanza, full), what="expire")
        after = {b.name for b in self.list_backups()}
        return RetainResult(
            full=full,
            dry_run=False,
            deleted=[b.name for b in before if b.name not in after],
            kept=[b.name for b in before if b.name in after],
        )

    def _archive_listing(self, archive_id: str) -> list[str]:
        result = self._run(
            lambda b, c: pgb.repo_ls_argv(
                b, c, f"archive/{self.stanza}/{archive_id}", recurse=True
            ),
            what="repo-ls",
            capture=True,
        )
        try:
            return pgb.wal_segments(pgb.parse_repo_ls(result.stdout or b""))
        except pgb.ParseError as exc:
            raise OperationError(f"unexpected output from pgbackrest {exc}") from None

    def verify(self) -> VerifyResult:
        """``pgbackrest verify`` (checksums of backups and WAL) plus the WAL chain: every
        segment from the oldest backup's start to the newest archived one must exist."""
        info = self.info()
        backups = [self._to_info(info, b) for b in info.backups]
        problems: list[str] = []
        missing: list[str] = []
        ranges: list[WalRange] = []
        checked = 0
        archive_id = info.current_archive_id
        if archive_id is not None and backups:
            segments = self._archive_listing(archive_id)
            checked = len(segments)
            starts = [b.wal_start for b in backups if b.wal_start]
            ranges, missing = wal_chain(min(starts) if starts else None, segments)
            for backup in backups:
                if backup.wal_stop and backup.wal_stop not in segments:
                    problems.append(
                        f"backup {backup.name}: WAL {backup.wal_stop} needed for consistency is missing"
                    )
                    if backup.wal_stop not in missing:
                        missing.append(backup.wal_stop)
        if missing:
            problems.insert(0, f"the WAL archive has a gap: {len(missing)} segment(s) missing")
        details: dict[str, object] = {"archive_id": archive_id}
        if backups:
            result = self._run(
                lambda b, c: pgb.verify_argv(b, c, self.stanza), what="verify", capture=True
            )
            try:
                parsed = pgb.parse_verify(result.stdout or b"")
            except pgb.ParseError as exc:
                raise OperationError(f"unexpected output from pgbackrest {exc}") from None
            details["verify"] = {"status": parsed.status, "invalid_files": parsed.invalid}
            if not parsed.ok:
                problems.append(
                    f"pgbackrest verify: status {parsed.status}, {parsed.invalid} invalid or missing file(s)"
                )
                problems += [
                    f"backup {label}: {st}" for label, st in parsed.backups if st != "valid"
                ]
        return VerifyResult(
            engine=self.name,
            ok=not problems,
            missing_wal=missing[:MAX_NAMED],
            problems=problems,
            ranges=ranges,
            backups_checked=len(backups),
            wal_checked=checked,
            details=details,
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
        owner = self.owner()
        backups = self.list_backups()
        # info's times are whole seconds: a backup that stopped within the second of the
        # target time may have stopped after it
        widened = [replace(b, stop_time=b.stop_time + dt.timedelta(seconds=1)) for b in backups]
        picked = recovery.select_backup(widened, backup, target_time, self.where)
        chosen = next(b for b in backups if b.name == picked.name)
        log.info(
            "backup.restore_selected",
            extra={"backup": chosen.name, "target_time": str(target_time), "target": str(target)},
        )
        setup = self.archive_setup(target.parent / f"{target.name}.pgbackrest.conf")
        pg.check_runnable_by(setup.binary, owner, tool="pgbackrest", version_args=("version",))
        target.mkdir(mode=0o700, parents=True, exist_ok=True)
        recovery.chown_tree(target, owner)
        self._write_files(setup, owner, target)
        recovery.mark_incomplete(target, engine=self.name, backup=chosen.name)
        try:
            self._run(
                lambda b, c: pgb.restore_argv(b, setup.config_path, self.stanza, chosen.name),
                what="restore",
                extra={"pg1-path": str(target), "lock-path": str(lock_path(setup.config_path))},
                watch=[target],
            )
        except BaseException:
            recovery.fetch_failed(target, engine=self.name, backup=chosen.name)
            raise
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
            timeout=self.settings.pgbackrest_timeout,
            started_at=started_at,
        )

    def check(self, *, now: dt.datetime | None = None) -> CheckReport:
        """The common checks, then (when they pass) ``pgbackrest check``: PostgreSQL
        switches to a new WAL segment and pgBackRest waits until it is in the archive."""
        report = archcheck.check(self, self.settings, now=now)
        if not report.ok:
            return report
        try:
            options, env = self._db_options()
            self._run(
                lambda b, c: pgb.check_argv(b, c, self.stanza),
                what="check",
                extra=options,
                env=env,
                watch=None,
            )
        except DataopsError as exc:
            report.add("end to end", False, archcheck.error_text(exc))
        else:
            report.add(
                "end to end", True, "pgbackrest check: a new WAL segment reached the archive"
            )
        return report

    def facts(self) -> EngineFacts:
        return facts_from(self.name, self.list_backups())
