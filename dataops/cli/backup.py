"""``dataops backup pg ...``: thin click adapters over :mod:`dataops.backup.actions`."""

from __future__ import annotations

from pathlib import Path

import click

from dataops.cli.context import app
from dataops.cli.output import echo_json, echo_table, human_size
from dataops.errors import ConfigError, DependencyError, OperationError
from dataops.locks import command_lock


@click.group()
def backup() -> None:
    """Backups: PostgreSQL (wal-g or pgBackRest) and files (Borg, copied off-site by rclone)."""


@backup.group("pg")
def pg_group() -> None:
    """PostgreSQL: base backups, WAL archiving, retention, verification, PITR.

    Engine: DATAOPS_PG_BACKUP_ENGINE=walg (default) or pgbackrest.  Storage:
    DATAOPS_S3_ENDPOINT, DATAOPS_S3_BUCKET, DATAOPS_S3_PREFIX, DATAOPS_S3_REGION,
    DATAOPS_S3_CA_BUNDLE, AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY.  Exit codes: 1 operation
    failed (or WAL gap), 2 usage/configuration, 3 storage, database or engine
    unreachable/missing.
    """


@pg_group.command("archive-config")
@click.option(
    "--write-config",
    "--write-walg-config",
    "write_config",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Also write the engine config (0600, owned by the PostgreSQL OS user) to FILE "
    "and the restore_command wrapper next to it.",
)
@click.option("--json", "as_json", is_flag=True, help="Print the settings as JSON.")
@click.pass_context
def archive_config_cmd(ctx: click.Context, write_config: Path | None, as_json: bool) -> None:
    """Print the postgresql.conf lines for WAL archiving to the configured storage.

    archive_command calls the engine directly under a timeout (PostgreSQL runs it for
    every 16 MB segment); restore_command goes through a wrapper that never reports a
    storage error as "file not found".  Without --write-config the lines reference
    DATAOPS_WALG_CONFIG / DATAOPS_PGBACKREST_CONFIG (default: next to DATAOPS_PG_DATA).
    """
    from dataops.backup.actions.pg_archive_config import archive_config

    result = archive_config(app(ctx).settings(), write_config)
    if as_json:
        echo_json(result.as_dict())
        return
    click.echo("# postgresql.conf (then restart PostgreSQL; archive_mode needs a restart)")
    for line in result.archive.lines():
        click.echo(line)
    for warning in result.warnings:
        click.echo(f"warning: {warning}", err=True)
    if result.written:
        click.echo(
            f"wrote {result.archive.config_path} (mode 0600) and {result.archive.restore_wrapper},"
            f" owned by {result.owner}",
            err=True,
        )


@pg_group.command("push")
@click.option("--full", is_flag=True, help="Force a full backup.")
@click.option(
    "--type",
    "kind",
    type=click.Choice(["full", "delta", "diff", "incr"]),
    help="Backup type: wal-g full|delta, pgBackRest full|diff|incr (default: the engine's).",
)
@click.option("--json", "as_json", is_flag=True, help="Print the new backup as JSON.")
@click.pass_context
def push_cmd(ctx: click.Context, full: bool, kind: str | None, as_json: bool) -> None:
    """Take a base backup of DATAOPS_PG_DATA (wal-g backup-push / pgbackrest backup).

    Default: wal-g takes a delta when DATAOPS_WALG_DELTA_MAX_STEPS allows, pgBackRest an
    incremental after the first full.  Connects with DATAOPS_DATABASE_URL.
    """
    from dataops.backup.actions.pg_push import push

    settings = app(ctx).settings()
    with command_lock(settings, "pg", heavy=True, what="backup pg push"):
        result = push(settings, full=full, kind=kind)
    if as_json:
        echo_json(result.as_dict())
        return
    b = result.backup
    click.echo(
        f"backup {b.name} ({b.kind}): {human_size(b.size_bytes)} "
        f"-> {human_size(b.stored_bytes)} in {result.seconds:.1f} s"
    )


@pg_group.command("list")
@click.option("--json", "as_json", is_flag=True, help="Print the backups as JSON.")
@click.pass_context
def list_cmd(ctx: click.Context, as_json: bool) -> None:
    """List the backups in storage, oldest first (by start/stop time, UTC)."""
    from dataops.backup.actions.pg_list import list_backups

    backups = list_backups(app(ctx).settings())
    if as_json:
        echo_json([b.as_dict() for b in backups])
        return
    if not backups:
        click.echo("no backups", err=True)
        return
    echo_table(
        ["name", "kind", "start", "stop", "wal", "size", "stored"],
        [
            (
                b.name,
                b.kind,
                b.start_time.isoformat(timespec="seconds"),
                b.stop_time.isoformat(timespec="seconds"),
                f"{b.wal_start or ''}..{b.wal_stop or ''}",
                human_size(b.size_bytes),
                human_size(b.stored_bytes),
            )
            for b in backups
        ],
    )


@pg_group.command("retain")
@click.option(
    "--full", "full", type=click.IntRange(min=1), required=True, help="Full backups to keep."
)
@click.option("--dry-run", is_flag=True, help="Show what would be deleted; delete nothing.")
@click.option("--json", "as_json", is_flag=True, help="Print the result as JSON.")
@click.pass_context
def retain_cmd(ctx: click.Context, full: int, dry_run: bool, as_json: bool) -> None:
    """Keep the newest N full backups (their deltas and the WAL they need); delete the rest."""
    from dataops.backup.actions.pg_retain import retain

    settings = app(ctx).settings()
    with command_lock(settings, "pg", what="backup pg retain"):
        result = retain(settings, full=full, dry_run=dry_run)
    if as_json:
        echo_json(result.as_dict())
        return
    verb = "would delete" if dry_run else "deleted"
    if result.deleted:
        for name in result.deleted:
            click.echo(f"{verb} {name}")
    else:
        click.echo(f"nothing to delete: {len(result.kept)} backup(s) kept")
    if result.objects is not None and dry_run:
        click.echo(f"{result.objects} object(s) (backups and WAL) would be deleted", err=True)


@pg_group.command("verify")
@click.option("--json", "as_json", is_flag=True, help="Print the report as JSON.")
@click.pass_context
def verify_cmd(ctx: click.Context, as_json: bool) -> None:
    """Check the backups and that the WAL chain since the oldest backup is complete.

    wal-g wal-verify / pgbackrest verify plus a WAL listing.  Exits 1 when segments are
    missing (naming them) or files are invalid.
    """
    from dataops.backup.actions.pg_verify import verify

    settings = app(ctx).settings()
    with command_lock(settings, "pg", what="backup pg verify"):
        report = verify(settings)
    if as_json:
        echo_json(report.as_dict())
    else:
        echo_table(
            ["timeline", "start", "end", "segments", "status"],
            [(r.timeline, r.start, r.end, r.count, r.status) for r in report.ranges],
        )
        click.echo(
            f"{report.engine}: {'ok' if report.ok else 'FAILED'} "
            f"({report.backups_checked} backup(s), {report.wal_checked} WAL segment(s) checked)"
        )
    if not report.ok:
        if report.missing_wal:
            raise OperationError(
                f"the WAL archive has a gap: {len(report.missing_wal)} segment(s) missing",
                details=[*report.missing_wal, *report.problems],
            )
        raise OperationError("the repository failed verification", details=report.problems)


@pg_group.command("restore")
@click.option(
    "--target-dir",
    required=True,
    type=click.Path(file_okay=False, path_type=Path),
    help="New (or empty) data directory to restore into.",
)
@click.option(
    "--backup", "backup_name", default="LATEST", show_default=True, help="Backup name or LATEST."
)
@click.option(
    "--target-time",
    help="Recover up to this time (ISO 8601; UTC when no offset is given). "
    "Picks the newest backup that finished before it.",
)
@click.option(
    "--start", is_flag=True, help="Start the restored server and wait until it has promoted."
)
@click.option(
    "--port", type=click.IntRange(1, 65535), help="Port for --start (default: a free one)."
)
@click.option(
    "--archive/--no-archive",
    default=False,
    show_default=True,
    help="Let the restored server archive WAL into the same storage (only when it replaces the primary).",
)
@click.option(
    "--force",
    is_flag=True,
    help="Clear a --target-dir left marked incomplete by a restore that did not finish.",
)
@click.option("--json", "as_json", is_flag=True, help="Print the result as JSON.")
@click.pass_context
def restore_cmd(
    ctx: click.Context,
    target_dir: Path,
    backup_name: str,
    target_time: str | None,
    start: bool,
    port: int | None,
    archive: bool,
    force: bool,
    as_json: bool,
) -> None:
    """Restore a base backup and replay archived WAL (point-in-time recovery).

    Refuses a non-empty --target-dir.  A restore that does not finish (storage lost,
    SIGTERM) leaves the directory empty but marked incomplete; it is refused (exit 2)
    until a new restore with --force clears it.  The directory is owned by the PostgreSQL OS user
    (DATAOPS_PG_OS_USER, default postgres when run as root), which also runs the server.
    """
    from dataops.backup.actions.pg_restore import parse_target_time, restore

    if port is not None and not start:
        raise ConfigError("--port is only used with --start (the port of the started server)")
    when = parse_target_time(target_time) if target_time else None
    result = restore(
        app(ctx).settings(),
        target_dir,
        backup=backup_name,
        target_time=when,
        start=start,
        port=port,
        archive=archive,
        force=force,
    )
    if as_json:
        echo_json(result.as_dict())
        return
    click.echo(f"restored {result.backup.name} into {result.target_dir}")
    if result.target_time:
        click.echo(f"recovery target time: {result.target_time.isoformat()}")
    if result.started:
        click.echo(f"server running (promoted): {result.url}")
        click.echo(f"log: {result.log_file}")
    else:
        click.echo(
            f"start it as {result.owner} with: pg_ctl -D {result.target_dir} -o '-p PORT' "
            "-l LOGFILE start  (it recovers from the archive, then promotes)"
        )


@pg_group.command("check")
@click.option("--json", "as_json", is_flag=True, help="Print the report as JSON.")
@click.pass_context
def check_cmd(ctx: click.Context, as_json: bool) -> None:
    """Check storage read/write, the database, the archive settings and pg_stat_archiver.

    Exits 3 with the reasons when something is wrong.
    """
    from dataops.backup.actions.pg_check import check

    report = check(app(ctx).settings())
    if as_json:
        echo_json(report.as_dict())
    else:
        echo_table(
            ["check", "status", "detail"],
            [(i.name, "ok" if i.ok else "FAILED", i.detail) for i in report.items],
        )
    if not report.ok:
        raise DependencyError("backup pg check failed", details=report.problems)


def _add_files_group() -> None:
    from dataops.cli.backup_files import files_group

    backup.add_command(files_group)


_add_files_group()
