"""The one PostgreSQL backup engine interface, its result records and :func:`open_engine`.

Every backup action (``dataops backup pg ...``), the sidecar's jobs and the restore
drills talk to PostgreSQL backups through :class:`PgBackupEngine`; wal-g
(:mod:`dataops.backup.engines.walg`) and pgBackRest
(:mod:`dataops.backup.engines.pgbackrest`) implement it.  ``DATAOPS_PG_BACKUP_ENGINE``
(``walg`` by default, or ``pgbackrest``) selects one.

Contract shared by both engines:

* times are aware datetimes in UTC;
* storage unreachable, credentials rejected, the engine binary missing -> ``DependencyError``
  (exit 3); a failed operation -> ``OperationError`` (exit 1); bad settings or arguments
  -> ``ConfigError`` (exit 2); no secret in any message, log line or argv;
* ``restore_command`` never reports a storage error as "file not found": recovery stops
  (FATAL) instead of ending early and promoting a database that misses transactions;
* a restore goes into an empty (or new) directory only;
* a backup that is reported as pushed is listed, and restores.

This module is additive-only API: sibling features (sidecar, drills) build on it.
"""

from __future__ import annotations

import datetime as dt
import importlib
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal, Protocol, TypeVar, runtime_checkable

from dataops.errors import ConfigError

if TYPE_CHECKING:
    from dataops.config.settings import Settings

EngineName = Literal["walg", "pgbackrest"]
ENGINES: tuple[EngineName, ...] = ("walg", "pgbackrest")

#: Backup kinds across engines: wal-g has full and delta; pgBackRest full, diff and incr.
BackupKind = Literal["full", "delta", "diff", "incr"]

LATEST = "LATEST"


def _iso(value: dt.datetime | None) -> str | None:
    return value.astimezone(dt.UTC).isoformat() if value is not None else None


# ------------------------------------------------------------------------------ records


@dataclass(frozen=True)
class BackupInfo:
    """One base backup in the repository, as both engines describe it."""

    engine: str
    name: str
    kind: str  # full | delta | diff | incr
    start_time: dt.datetime  # UTC
    stop_time: dt.datetime  # UTC
    size_bytes: int  # size of the database files backed up
    stored_bytes: int  # size in the repository (compressed, encrypted)
    wal_start: str | None  # first WAL segment needed to make the backup consistent
    wal_stop: str | None  # last WAL segment needed to make it consistent
    start_lsn: str | None = None
    stop_lsn: str | None = None
    pg_version: int = 0  # server_version_num style (150004) or a major (15)
    reference: str | None = None  # the backup a delta/diff/incr depends on
    extra: dict[str, Any] = field(default_factory=dict)  # engine-specific fields

    # wal-g compatible names
    @property
    def finish_time(self) -> dt.datetime:
        return self.stop_time

    @property
    def wal_file_name(self) -> str:
        return self.wal_start or ""

    @property
    def uncompressed_size(self) -> int:
        return self.size_bytes

    @property
    def compressed_size(self) -> int:
        return self.stored_bytes

    @property
    def is_full(self) -> bool:
        return self.kind == "full"

    @property
    def is_permanent(self) -> bool:
        return bool(self.extra.get("is_permanent", False))

    def as_dict(self) -> dict[str, Any]:
        return {
            "engine": self.engine,
            "name": self.name,
            "kind": self.kind,
            "start_time": _iso(self.start_time),
            "stop_time": _iso(self.stop_time),
            "finish_time": _iso(self.stop_time),
            "size_bytes": self.size_bytes,
            "stored_bytes": self.stored_bytes,
            "wal_start": self.wal_start,
            "wal_stop": self.wal_stop,
            "wal_file_name": self.wal_start,
            "start_lsn": self.start_lsn,
            "stop_lsn": self.stop_lsn,
            "pg_version": self.pg_version,
            "reference": self.reference,
            **{k: v for k, v in self.extra.items() if k not in ("engine", "name")},
        }


@dataclass(frozen=True)
class ArchiveSetup:
    """The PostgreSQL archive settings of an engine and the files they reference."""

    engine: str
    config_path: Path  # the engine's config file (0600, owned by the PostgreSQL OS user)
    restore_wrapper: Path  # the restore_command wrapper script next to it
    binary: str  # absolute path of the engine binary PostgreSQL runs
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
            "engine": self.engine,
            "config": str(self.config_path),
            "restore_wrapper": str(self.restore_wrapper),
            "binary": self.binary,
            "settings": self.settings(),
            "conf": self.conf_values(),
            "lines": self.lines(),
        }


def conf_quote(value: str) -> str:
    """A postgresql.conf string literal."""
    return "'" + value.replace("\\", "\\\\").replace("'", "''") + "'"


@dataclass(frozen=True)
class PushResult:
    backup: BackupInfo
    seconds: float
    kind_requested: str | None  # None: the engine's default (delta/incr when allowed)

    @property
    def full_requested(self) -> bool:
        return self.kind_requested == "full"

    def as_dict(self) -> dict[str, Any]:
        return {
            **self.backup.as_dict(),
            "seconds": round(self.seconds, 3),
            "kind_requested": self.kind_requested,
            "full_requested": self.full_requested,
        }


@dataclass(frozen=True)
class RetainResult:
    full: int
    dry_run: bool
    deleted: list[str] = field(default_factory=list)
    kept: list[str] = field(default_factory=list)
    objects: int | None = None  # objects (backups and WAL) deleted, when the engine says

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class WalRange:
    """A run of WAL segments with one status (FOUND, MISSING_LOST, MISSING_DELAYED...)."""

    timeline: int
    start: str
    end: str
    count: int
    status: str

    @property
    def missing(self) -> bool:
        return self.status != "FOUND"


@dataclass(frozen=True)
class VerifyResult:
    """Repository verification: every backup readable, the WAL chain since the oldest complete.

    ``missing_wal`` names the segments that are gone (at most 64); ``problems`` says in
    words what else is wrong (invalid checksums, unreadable backups, timeline problems).
    """

    engine: str
    ok: bool
    missing_wal: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    ranges: list[WalRange] = field(default_factory=list)
    backups_checked: int = 0
    wal_checked: int = 0
    details: dict[str, Any] = field(default_factory=dict)  # engine-specific report

    def as_dict(self) -> dict[str, Any]:
        return {
            **self.details,
            "engine": self.engine,
            "ok": self.ok,
            "missing_wal": self.missing_wal,
            "lost_segments": self.missing_wal,
            "problems": self.problems,
            "ranges": [asdict(r) for r in self.ranges],
            "backups_checked": self.backups_checked,
            "wal_checked": self.wal_checked,
        }


@dataclass(frozen=True)
class RestoreResult:
    backup: BackupInfo
    target_dir: Path
    target_time: dt.datetime | None
    config_path: Path  # the engine config the restored server's restore_command reads
    owner: str
    engine: str = "walg"
    started: bool = False
    port: int | None = None
    url: str | None = None
    log_file: Path | None = None
    seconds: float = 0.0

    @property
    def walg_config(self) -> Path:
        return self.config_path

    def as_dict(self) -> dict[str, Any]:
        return {
            "engine": self.engine,
            "backup": self.backup.name,
            "backup_kind": self.backup.kind,
            "backup_finish_time": _iso(self.backup.stop_time),
            "target_dir": str(self.target_dir),
            "target_time": _iso(self.target_time),
            "config": str(self.config_path),
            "owner": self.owner,
            "started": self.started,
            "port": self.port,
            "url": self.url,
            "log_file": str(self.log_file) if self.log_file else None,
            "seconds": round(self.seconds, 3),
        }


@dataclass(frozen=True)
class CheckItem:
    name: str
    ok: bool
    detail: str


@dataclass(frozen=True)
class ArchiverState:
    """``pg_stat_archiver`` plus the segment being written now."""

    archived_count: int
    last_archived_wal: str | None
    last_archived_time: dt.datetime | None
    failed_count: int
    last_failed_wal: str | None
    last_failed_time: dt.datetime | None
    current_wal: str | None = None

    @property
    def failing(self) -> bool:
        """The most recent archive attempt failed."""
        if self.last_failed_time is None:
            return False
        return self.last_archived_time is None or self.last_failed_time > self.last_archived_time

    def as_dict(self) -> dict[str, Any]:
        out = asdict(self)
        for key in ("last_archived_time", "last_failed_time"):
            value = out[key]
            out[key] = value.isoformat() if value else None
        out["failing"] = self.failing
        return out


@dataclass
class CheckReport:
    """``check``: storage read/write, database, archive settings, engine config, archiver."""

    engine: str = "walg"
    items: list[CheckItem] = field(default_factory=list)
    archiver: ArchiverState | None = None

    @property
    def ok(self) -> bool:
        return all(i.ok for i in self.items)

    @property
    def problems(self) -> list[str]:
        return [f"{i.name}: {i.detail}" for i in self.items if not i.ok]

    def add(self, name: str, ok: bool, detail: str) -> None:
        self.items.append(CheckItem(name, ok, detail))

    def as_dict(self) -> dict[str, Any]:
        return {
            "engine": self.engine,
            "ok": self.ok,
            "checks": [asdict(i) for i in self.items],
            "archiver": self.archiver.as_dict() if self.archiver else None,
        }


@dataclass(frozen=True)
class EngineFacts:
    """What the sidecar exports from the repository (no database needed)."""

    engine: str
    backup_count: int
    last_backup: BackupInfo | None
    #: the earliest time a restore can reach: the stop time of the oldest backup
    recoverability_start: dt.datetime | None
    oldest_backup: BackupInfo | None = None

    def as_dict(self) -> dict[str, Any]:
        return {
            "engine": self.engine,
            "backup_count": self.backup_count,
            "last_backup": self.last_backup.as_dict() if self.last_backup else None,
            "oldest_backup": self.oldest_backup.name if self.oldest_backup else None,
            "recoverability_start": _iso(self.recoverability_start),
        }


def facts_from(engine: str, backups: Sequence[BackupInfo]) -> EngineFacts:
    """:class:`EngineFacts` of a backup list."""
    if not backups:
        return EngineFacts(engine, 0, None, None)
    last = max(backups, key=lambda b: (b.stop_time, b.start_time))
    oldest = min(backups, key=lambda b: (b.stop_time, b.start_time))
    return EngineFacts(engine, len(backups), last, oldest.stop_time, oldest)


class _Retained(Protocol):
    @property
    def kind(self) -> str: ...
    @property
    def start_time(self) -> dt.datetime: ...
    @property
    def is_permanent(self) -> bool: ...


R = TypeVar("R", bound=_Retained)


def doomed(backups: Sequence[R], full: int) -> list[R]:
    """What keeping the newest ``full`` full backups removes: every non-permanent backup
    that started before the oldest kept full one (``backups`` sorted oldest first)."""
    fulls = [b for b in backups if b.kind == "full"]
    if len(fulls) <= full:
        return []
    oldest_kept = fulls[-full]
    return [b for b in backups if b.start_time < oldest_kept.start_time and not b.is_permanent]


# ----------------------------------------------------------------------------- protocol


@runtime_checkable
class PgBackupEngine(Protocol):
    """A PostgreSQL backup engine bound to one configuration (:class:`Settings`)."""

    #: ``walg`` or ``pgbackrest``
    name: str
    #: the backup kinds :meth:`push` accepts, ``full`` first
    kinds: tuple[str, ...]

    @property
    def where(self) -> str:
        """The repository, for messages (``s3://bucket/prefix (endpoint)``; no secrets)."""
        ...

    def version(self) -> str:
        """The engine binary's version line; DependencyError when it is missing."""
        ...

    def check_storage(self) -> None:
        """Can the repository be read and written?  DependencyError (exit 3) when not."""
        ...

    def archive_setup(self, config_path: Path | None = None) -> ArchiveSetup:
        """The exact ``archive_command`` / ``restore_command`` (pure; writes nothing)."""
        ...

    def write_config(self, setup: ArchiveSetup, owner: str) -> None:
        """Write the engine config (0600) and the restore wrapper, owned by ``owner``."""
        ...

    def push(self, kind: str | None = None) -> PushResult:
        """A base backup of ``DATAOPS_PG_DATA``; ``kind`` None = the engine's default."""
        ...

    def list_backups(self) -> list[BackupInfo]:
        """The backups in the repository, oldest first (by their own start/stop time)."""
        ...

    def retain(self, full: int, *, dry_run: bool = False) -> RetainResult:
        """Keep the newest ``full`` full backups with their dependents and WAL."""
        ...

    def verify(self) -> VerifyResult:
        """Check backups and the WAL chain since the oldest backup; name missing segments."""
        ...

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
        """Restore into an empty directory and set up recovery (latest, a time or a backup).

        With ``start``, run the server on ``port`` (default: a free one) as the
        PostgreSQL OS user and wait until it has promoted.  ``archive`` keeps
        archiving enabled in the copy (only for a copy that replaces the primary).
        """
        ...

    def check(self, *, now: dt.datetime | None = None) -> CheckReport:
        """Archiving end to end: storage, database, archive settings, config, archiver."""
        ...

    def facts(self) -> EngineFacts:
        """Last backup, backup count and the start of the recoverability window."""
        ...


# ---------------------------------------------------------------------------- selection


def engine_name(settings: Settings) -> EngineName:
    value = str(getattr(settings, "pg_backup_engine", "walg") or "walg").lower()
    if value not in ENGINES:
        raise ConfigError(
            f"DATAOPS_PG_BACKUP_ENGINE={value!r} is not an engine (use one of: {', '.join(ENGINES)})"
        )
    return value


# The implementations, by name, imported on first use: this contract module stays a leaf
# that the engines import (no import cycle), and a command loads only its own engine.
IMPLEMENTATIONS: dict[str, str] = {
    "walg": "dataops.backup.engines.walg:WalGEngine",
    "pgbackrest": "dataops.backup.engines.pgbackrest:PgBackRestEngine",
}


def open_engine(settings: Settings) -> PgBackupEngine:
    """The engine ``DATAOPS_PG_BACKUP_ENGINE`` selects, bound to ``settings``.

    Opening checks the configuration only (ConfigError, exit 2); nothing is contacted
    yet.  The database (``DATAOPS_DATABASE_URL``) is used by the calls that need it.
    """
    module, _, cls = IMPLEMENTATIONS[engine_name(settings)].partition(":")
    engine: PgBackupEngine = getattr(importlib.import_module(module), cls).from_settings(settings)
    return engine
