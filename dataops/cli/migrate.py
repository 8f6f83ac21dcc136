"""``dataops migrate``: golang-migrate compatible migrations (and Alembic projects)."""

from __future__ import annotations

import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol, TypeVar

import click

from dataops.cli.context import app
from dataops.cli.output import echo_json, echo_table
from dataops.errors import ConfigError
from dataops.migrate import actions
from dataops.migrate.api import FileFormat, RunResult, VerifyResult

if TYPE_CHECKING:
    from dataops.config.settings import Settings

O = TypeVar("O", bound=actions.MigrateOptions)  # noqa: E741
R = TypeVar("R")


@dataclass
class _Options:
    db: str | None
    path: Path | None
    lock_timeout: float | None
    alembic_config: Path | None
    as_json: bool


def _opts(ctx: click.Context) -> _Options:
    opts = ctx.meta["dataops.migrate"]
    assert isinstance(opts, _Options)
    return opts


def _call(
    ctx: click.Context, action: Callable[[Settings, O], R], options_type: type[O], **kw: Any
) -> R:
    """Settings with --db/--path applied, the group's options, then the action."""
    from dataops.migrate.backend import translate_url

    opts = _opts(ctx)
    overrides: dict[str, Any] = {}
    if opts.db:
        overrides["database_url"] = translate_url(opts.db)
    if opts.path:
        overrides["migrations_path"] = opts.path
    if opts.lock_timeout is not None:
        overrides["migrate_lock_timeout"] = opts.lock_timeout
    settings = app(ctx).settings(**overrides)
    return action(settings, options_type(alembic_config=opts.alembic_config, **kw))


class _Record(Protocol):
    def as_dict(self) -> dict[str, Any]: ...


def _echo(ctx: click.Context, result: _Record, text: Callable[[], None]) -> None:
    if _opts(ctx).as_json:
        echo_json(result.as_dict())
    else:
        text()


def _echo_run(ctx: click.Context, result: RunResult) -> None:
    def text() -> None:
        if result.no_change:
            click.echo("no change")
        for line in result.lines():
            click.echo(line)

    _echo(ctx, result, text)


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
    help="Seconds to wait for the migration lock, a heartbeat logged while waiting "
    "(default DATAOPS_MIGRATE_LOCK_TIMEOUT, 300).",
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
    lock_timeout: float | None,
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
    _echo_run(
        ctx, _call(ctx, actions.up, actions.UpOptions, n=n, allow_out_of_order=allow_out_of_order)
    )


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
    _echo_run(
        ctx,
        _call(ctx, actions.down, actions.DownOptions, n=n, allow_out_of_order=allow_out_of_order),
    )


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
    _echo_run(
        ctx,
        _call(
            ctx,
            actions.goto,
            actions.GotoOptions,
            target=version,
            allow_out_of_order=allow_out_of_order,
        ),
    )


@migrate.command(context_settings={"ignore_unknown_options": True})
@click.argument("version")
@click.pass_context
def force(ctx: click.Context, version: str) -> None:
    """Set version V without running migrations, clearing the dirty flag (-1: no version)."""
    info = _call(ctx, actions.force, actions.ForceOptions, target=version)
    _echo(ctx, info, lambda: click.echo(str(info)))


@migrate.command()
@click.pass_context
def version(ctx: click.Context) -> None:
    """Print the current version ("3", "3 (dirty)" or "no version")."""
    info = _call(ctx, actions.version, actions.MigrateOptions)
    _echo(ctx, info, lambda: click.echo(str(info)))


@migrate.command()
@click.pass_context
def status(ctx: click.Context) -> None:
    """Every migration: applied or pending, when, and whether its checksum still matches."""
    insp = _call(ctx, actions.status, actions.MigrateOptions)

    def text() -> None:
        click.echo(f"version: {insp.version_info}")
        echo_table(
            ["version", "file", "state", "applied at", "checksum"],
            [(f.version, f.name, f.state, f.applied_at or "", f.checksum) for f in insp.files],
        )
        for problem in insp.problems:
            click.echo(f"problem: {problem}", err=True)

    _echo(ctx, insp, text)


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
    made = _call(
        ctx, actions.create, actions.CreateOptions, name=name, format=FileFormat(seq, ext, digits)
    )
    _echo(ctx, made, lambda: click.echo("\n".join(str(p) for p in made.paths)))


@migrate.command()
@click.option(
    "--accept",
    is_flag=True,
    help="Record the current checksums of changed applied files (after a deliberate edit).",
)
@click.pass_context
def verify(ctx: click.Context, accept: bool) -> None:
    """Check applied files against their recorded checksums, order and presence (exit 1 if not)."""
    try:
        result = _call(ctx, actions.verify, actions.VerifyOptions, accept=accept)
    except actions.VerifyFailed as failed:
        _echo_verify(ctx, failed.result)
        raise
    _echo_verify(ctx, result)


def _echo_verify(ctx: click.Context, result: VerifyResult) -> None:
    def text() -> None:
        for name in result.accepted:
            click.echo(f"accepted new checksum: {name}")
        click.echo("ok" if result.ok else "problems found")

    _echo(ctx, result, text)


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
    result = _call(
        ctx, actions.wait, actions.WaitOptions, target=target, timeout=timeout, interval=interval
    )
    _echo(ctx, result, lambda: click.echo(f"version {result.version}"))
