"""``dataops migrate``: golang-migrate compatible migrations (and Alembic projects)."""

from __future__ import annotations

import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import click

from dataops.cli.context import app
from dataops.cli.output import echo_json, echo_table
from dataops.errors import ConfigError
from dataops.migrate.lock import DEFAULT_LOCK_TIMEOUT


@dataclass
class _Options:
    db: str | None
    path: Path | None
    lock_timeout: float
    alembic_config: Path | None
    as_json: bool


def _opts(ctx: click.Context) -> _Options:
    opts = ctx.meta["dataops.migrate"]
    assert isinstance(opts, _Options)
    return opts


def _settings(ctx: click.Context) -> Any:
    from dataops.migrate.backend import translate_url

    opts = _opts(ctx)
    overrides: dict[str, Any] = {}
    if opts.db:
        overrides["database_url"] = translate_url(opts.db)
    if opts.path:
        overrides["migrations_path"] = opts.path
    return app(ctx).settings(**overrides)


def _migrator(ctx: click.Context, allow_out_of_order: bool = False) -> Any:
    from dataops.migrate.runner import migrator

    return migrator(
        _settings(ctx),
        lock_timeout=_opts(ctx).lock_timeout,
        allow_out_of_order=allow_out_of_order,
    )


def _alembic(ctx: click.Context) -> Any:
    """The Alembic adapter when --alembic-config is given, else None."""
    opts = _opts(ctx)
    if opts.alembic_config is None:
        return None
    from dataops.migrate.alembic import AlembicMigrator

    settings = _settings(ctx)
    return AlembicMigrator(
        opts.alembic_config,
        settings.database_url_value,
        lock_timeout=opts.lock_timeout,
    )


def _echo_run(ctx: click.Context, result: Any) -> None:
    if _opts(ctx).as_json:
        echo_json(result.as_dict())
        return
    if result.no_change:
        click.echo("no change")
    for line in result.lines():
        click.echo(line)


@click.group()
@click.option(
    "--db",
    "db_url",
    metavar="URL",
    help="Database URL (default DATAOPS_DATABASE_URL); golang-migrate's URL forms work too.",
)
@click.option(
    "--path",
    type=click.Path(path_type=Path, file_okay=False),
    help="Migrations folder (default DATAOPS_MIGRATIONS_PATH, ./migrations).",
)
@click.option(
    "--lock-timeout",
    type=click.FloatRange(min=0, min_open=True),
    default=DEFAULT_LOCK_TIMEOUT,
    show_default=True,
    envvar="DATAOPS_MIGRATE_LOCK_TIMEOUT",
    show_envvar=True,
    help="Seconds to wait for the migration lock (a heartbeat is logged while waiting).",
)
@click.option(
    "--alembic-config",
    type=click.Path(path_type=Path, dir_okay=False),
    help="Run an Alembic project (alembic.ini) instead of a golang-migrate folder.",
)
@click.option("--json", "as_json", is_flag=True, help="Print results as JSON.")
@click.pass_context
def migrate(
    ctx: click.Context,
    db_url: str | None,
    path: Path | None,
    lock_timeout: float,
    alembic_config: Path | None,
    as_json: bool,
) -> None:
    """Up and down migrations in golang-migrate's format and table, or an Alembic project.

    Compatible with golang-migrate: same files ({version}_{title}.up|down.{ext}), same
    schema_migrations table and protocol, same advisory lock (so `migrate` and
    `dataops migrate` exclude each other).  Safer: PostgreSQL and SQLite files run in a
    transaction with the version update; a history table (dataops_migrations) catches
    changed and out-of-order files; the lock wait has a timeout; SIGTERM cancels the
    running statement.

    Exit codes: 0 done (or no change), 1 a migration or check failed (dirty database,
    lock timeout, changed checksum...), 2 bad arguments or files, 3 database unreachable,
    143 stopped by SIGTERM.
    """
    ctx.meta["dataops.migrate"] = _Options(db_url, path, lock_timeout, alembic_config, as_json)


@migrate.command()
@click.argument("n", type=click.IntRange(min=0), required=False)
@click.option(
    "--allow-out-of-order",
    is_flag=True,
    help="Apply never-applied files lower than the current version instead of refusing.",
)
@click.pass_context
def up(ctx: click.Context, n: int | None, allow_out_of_order: bool) -> None:
    """Apply all or N up migrations."""
    alembic = _alembic(ctx)
    if alembic is not None:
        _echo_run(ctx, alembic.up(-1 if n is None else n))
        return
    _echo_run(ctx, _migrator(ctx, allow_out_of_order).up(-1 if n is None else n))


@migrate.command()
@click.argument("n", type=click.IntRange(min=0), required=False)
@click.option("--all", "all_", is_flag=True, help="Apply all down migrations.")
@click.option("-y", "--yes", is_flag=True, help="Do not ask for confirmation.")
@click.option(
    "--allow-out-of-order",
    is_flag=True,
    help="Step over never-applied (out of order) versions without running their down file.",
)
@click.pass_context
def down(
    ctx: click.Context, n: int | None, all_: bool, yes: bool, allow_out_of_order: bool
) -> None:
    """Apply N down migrations, or all of them (--all; asks first, or needs --yes)."""
    if n is not None and all_:
        raise click.UsageError("give N or --all, not both")
    if n is None and not yes:
        if sys.stdin.isatty():
            click.confirm("Are you sure you want to apply all down migrations?", abort=True)
        else:
            raise ConfigError(
                "refusing to apply all down migrations without confirmation",
                details=["pass N to go down N versions, or --yes to revert everything"],
            )
    limit = -1 if n is None else n
    alembic = _alembic(ctx)
    if alembic is not None:
        _echo_run(ctx, alembic.down(limit))
        return
    _echo_run(ctx, _migrator(ctx, allow_out_of_order).down(limit))


@migrate.command(name="goto")
@click.argument("version")
@click.option(
    "--allow-out-of-order",
    is_flag=True,
    help="Apply (or step over) never-applied files lower than the current version.",
)
@click.pass_context
def goto(ctx: click.Context, version: str, allow_out_of_order: bool) -> None:
    """Migrate up or down to version V (an Alembic revision with --alembic-config)."""
    alembic = _alembic(ctx)
    if alembic is not None:
        _echo_run(ctx, alembic.goto(version))
        return
    _echo_run(ctx, _migrator(ctx, allow_out_of_order).goto(_int_version(version, "goto")))


def _int_version(value: str, command: str) -> int:
    try:
        return int(value)
    except ValueError:
        raise click.BadParameter(f"{value!r} is not an integer version", param_hint="V") from None


@migrate.command(context_settings={"ignore_unknown_options": True})
@click.argument("version")
@click.pass_context
def force(ctx: click.Context, version: str) -> None:
    """Set version V without running migrations, clearing the dirty flag (-1: no version)."""
    alembic = _alembic(ctx)
    if alembic is not None:
        info = alembic.force(version)
    else:
        info = _migrator(ctx).force(_int_version(version, "force"))
    if _opts(ctx).as_json:
        echo_json(info.as_dict())
    else:
        click.echo(str(info))


@migrate.command()
@click.pass_context
def version(ctx: click.Context) -> None:
    """Print the current version ("3", "3 (dirty)" or "no version")."""
    alembic = _alembic(ctx)
    info = alembic.version() if alembic is not None else _migrator(ctx).version()
    if _opts(ctx).as_json:
        echo_json(info.as_dict())
    else:
        click.echo(str(info))


@migrate.command()
@click.pass_context
def status(ctx: click.Context) -> None:
    """Every migration: applied or pending, when, and whether its checksum still matches."""
    alembic = _alembic(ctx)
    insp = alembic.status() if alembic is not None else _migrator(ctx).status()
    if _opts(ctx).as_json:
        echo_json(insp.as_dict())
        return
    from dataops.migrate.runner import VersionInfo

    if alembic is None:
        click.echo(f"version: {VersionInfo(insp.version, insp.dirty)}")
    else:
        click.echo(f"version: {insp.version_label}")
    echo_table(
        ["version", "file", "state", "applied at", "checksum"],
        [(f.version, f.name, f.state, f.applied_at or "", f.checksum) for f in insp.files],
    )
    for problem in insp.problems:
        click.echo(f"problem: {problem}", err=True)


@migrate.command()
@click.argument("name")
@click.option("--seq", is_flag=True, help="Use the next 6-digit sequence number, not a timestamp.")
@click.option("--ext", default="sql", show_default=True, help="File extension.")
@click.option(
    "--digits", type=click.IntRange(min=1), default=6, show_default=True, help="Width of --seq."
)
@click.pass_context
def create(ctx: click.Context, name: str, seq: bool, ext: str, digits: int) -> None:
    """Write an empty NAME up/down pair (timestamp YYYYMMDDhhmmss, UTC, or --seq)."""
    alembic = _alembic(ctx)
    if alembic is not None:
        created = alembic.create(name)
        if _opts(ctx).as_json:
            echo_json(created)
        else:
            click.echo(created["path"])
        return
    from dataops.migrate.source import create as create_files

    settings = _settings(ctx)
    made = create_files(settings.migrations_path, name, seq=seq, ext=ext, digits=digits)
    if _opts(ctx).as_json:
        echo_json({"version": made.version, "up": str(made.up), "down": str(made.down)})
    else:
        click.echo(str(made.up))
        click.echo(str(made.down))


@migrate.command()
@click.option(
    "--accept",
    is_flag=True,
    help="Record the current checksums of changed applied files (after a deliberate edit).",
)
@click.pass_context
def verify(ctx: click.Context, accept: bool) -> None:
    """Check applied files against their recorded checksums, order and presence (exit 1 if not)."""
    from dataops.migrate.runner import VerificationError

    alembic = _alembic(ctx)
    result = alembic.verify(accept) if alembic is not None else _migrator(ctx).verify(accept)
    if _opts(ctx).as_json:
        echo_json(result.as_dict())
    else:
        for name in result.accepted:
            click.echo(f"accepted new checksum: {name}")
        click.echo("ok" if result.ok else "problems found")
    if not result.ok:
        raise VerificationError("verification failed", details=result.inspection.problems)


@migrate.command()
@click.option("--version", "target", help="Wait for this version (default: the latest file).")
@click.option(
    "--timeout",
    type=click.FloatRange(min=0, min_open=True),
    default=300.0,
    show_default=True,
    help="Seconds to wait.",
)
@click.option(
    "--interval",
    type=click.FloatRange(min=0.05),
    default=1.0,
    show_default=True,
    help="Seconds between checks.",
)
@click.pass_context
def wait(ctx: click.Context, target: str | None, timeout: float, interval: float) -> None:
    """Block until the database reaches a version (for application containers)."""
    alembic = _alembic(ctx)
    if alembic is not None:
        result = alembic.wait(target, timeout=timeout, interval=interval)
    else:
        version = None if target is None else _int_version(target, "wait")
        result = _migrator(ctx).wait(version, timeout=timeout, interval=interval)
    if _opts(ctx).as_json:
        echo_json(result.as_dict())
    else:
        click.echo(f"version {result.version}")
