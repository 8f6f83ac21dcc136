"""``dataops migrate`` as typed actions: one function per command, ``(settings, options)``.

The CLI and the sidecar call these (``actions.up(settings, UpOptions())``); they choose
the implementation once (:func:`open_migrator`: an Alembic project when
``alembic_config`` is given, else the golang-migrate folder ``settings.migrations_path``)
and return the records of :mod:`dataops.migrate.api`.  Failures are exceptions of
:mod:`dataops.errors`: a failed ``verify`` raises :class:`VerifyFailed` (exit 1), which
carries the result so that a caller can still show it.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from dataops.config.settings import Settings
from dataops.errors import VerificationError
from dataops.migrate.api import (
    Created,
    FileFormat,
    Inspection,
    Migrator,
    Revision,
    RunResult,
    VerifyResult,
    VersionInfo,
    WaitResult,
)


@dataclass(frozen=True, kw_only=True)
class MigrateOptions:
    """What every command takes besides the settings (database URL, migrations folder)."""

    alembic_config: Path | None = None  # an Alembic project instead of a golang-migrate folder
    lock_timeout: float | None = None  # default: settings.migrate_lock_timeout
    allow_out_of_order: bool = False


@dataclass(frozen=True, kw_only=True)
class UpOptions(MigrateOptions):
    n: int | None = None  # None: all


@dataclass(frozen=True, kw_only=True)
class DownOptions(MigrateOptions):
    n: int | None = None  # None: all (the CLI asks for confirmation first)


@dataclass(frozen=True, kw_only=True)
class GotoOptions(MigrateOptions):
    target: Revision


@dataclass(frozen=True, kw_only=True)
class ForceOptions(MigrateOptions):
    target: Revision  # -1: no version (Alembic: base)


@dataclass(frozen=True, kw_only=True)
class VerifyOptions(MigrateOptions):
    accept: bool = False  # record the current checksums of changed applied files


@dataclass(frozen=True, kw_only=True)
class WaitOptions(MigrateOptions):
    target: Revision | None = None  # default: the latest file (Alembic: the heads)
    timeout: float = 300.0
    interval: float = 1.0


@dataclass(frozen=True, kw_only=True)
class CreateOptions(MigrateOptions):
    name: str
    format: FileFormat | None = None  # golang-migrate: --seq, --ext, --digits


class VerifyFailed(VerificationError):
    """``verify`` found problems (exit 1); ``result`` is the full report."""

    def __init__(self, result: VerifyResult) -> None:
        super().__init__("verification failed", details=result.inspection.problems)
        self.result = result


def open_migrator(settings: Settings, options: MigrateOptions) -> Migrator:
    """The one place that chooses golang-migrate or Alembic."""
    lock_timeout = options.lock_timeout or settings.migrate_lock_timeout
    if options.alembic_config is not None:
        from dataops.migrate.alembic import AlembicMigrator

        return AlembicMigrator(
            options.alembic_config, settings.database_url_value, lock_timeout=lock_timeout
        )
    from dataops.migrate.golang import GolangMigrator

    return GolangMigrator(
        settings.require_database_url(),
        settings.migrations_path,
        lock_timeout=lock_timeout,
        allow_out_of_order=options.allow_out_of_order,
    )


def _limit(n: int | None) -> int:
    return -1 if n is None else n


def up(settings: Settings, options: UpOptions) -> RunResult:
    """Apply all or N up migrations."""
    return open_migrator(settings, options).up(_limit(options.n))


def down(settings: Settings, options: DownOptions) -> RunResult:
    """Apply N down migrations, or all of them."""
    return open_migrator(settings, options).down(_limit(options.n))


def goto(settings: Settings, options: GotoOptions) -> RunResult:
    """Migrate up or down to a version (an Alembic revision)."""
    return open_migrator(settings, options).goto(options.target)


def force(settings: Settings, options: ForceOptions) -> VersionInfo:
    """Set a version without running migrations, clearing the dirty flag."""
    return open_migrator(settings, options).force(options.target)


def version(settings: Settings, options: MigrateOptions) -> VersionInfo:
    return open_migrator(settings, options).version()


def status(settings: Settings, options: MigrateOptions) -> Inspection:
    """Every migration: applied or pending, when, checksum state, and the problems."""
    return open_migrator(settings, options).status()


def verify(settings: Settings, options: VerifyOptions) -> VerifyResult:
    """Check applied files against their checksums, order and presence; VerifyFailed if not."""
    result = open_migrator(settings, options).verify(options.accept)
    if not result.ok:
        raise VerifyFailed(result)
    return result


def wait(settings: Settings, options: WaitOptions) -> WaitResult:
    """Block until the database reaches a version; OperationError after ``timeout``."""
    return open_migrator(settings, options).wait(
        options.target, timeout=options.timeout, interval=options.interval
    )


def create(settings: Settings, options: CreateOptions) -> Created:
    """Write a new migration (an empty up/down pair, or an Alembic revision file)."""
    if options.alembic_config is None:  # needs no database
        from dataops.migrate.golang import GolangMigrator

        migrator: Migrator = GolangMigrator("", settings.migrations_path)
    else:
        migrator = open_migrator(settings, options)
    return migrator.create(options.name, options.format)
