"""``dataops backup files ...``: thin click adapters over :mod:`dataops.backup.files`."""

from __future__ import annotations

from pathlib import Path

import click

from dataops.cli.context import app
from dataops.cli.output import echo_json, echo_table, human_size
from dataops.locks import command_lock


@click.group("files")
def files_group() -> None:
    """Files: Borg archives in a local repository, copied and verified off-site with rclone.

    Repository: DATAOPS_BORG_REPO (local directory), DATAOPS_BORG_PASSPHRASE(_FILE),
    DATAOPS_FILES_PATHS.  Off-site copy: DATAOPS_S3_* and AWS_* (rclone, no config file).
    Exit codes: 1 operation failed (wrong passphrase, check found damage), 2 usage or
    configuration, 3 object storage or a tool unreachable/missing.
    """


@files_group.command("push")
@click.option(
    "--path",
    "paths",
    multiple=True,
    type=click.Path(path_type=Path),
    help="Back up this path instead of DATAOPS_FILES_PATHS (repeatable).",
)
@click.option(
    "--compact/--no-compact",
    default=None,
    help="Force or skip borg compact (default: every DATAOPS_BORG_COMPACT_INTERVAL_DAYS).",
)
@click.option(
    "--accept-older-copy",
    is_flag=True,
    help="Continue with a repository older than this machine last saw (pulled back after "
    "a loss while the last copy had failed): the archives newer than the copy are lost.",
)
@click.option("--json", "as_json", is_flag=True, help="Print the result as JSON.")
@click.pass_context
def push_cmd(
    ctx: click.Context,
    paths: tuple[Path, ...],
    compact: bool | None,
    accept_older_copy: bool,
    as_json: bool,
) -> None:
    """Archive the paths, prune, compact when due, then copy the repository off-site.

    The archive is kept even when the off-site copy fails; the command then exits 3
    (object storage unreachable) or 1.  Only a passing `rclone check` counts as a copy.
    """
    from dataops.backup.files.push import push

    settings = app(ctx).settings()
    with command_lock(settings, "files", heavy=True, what="backup files push"):
        result = push(
            settings, list(paths) or None, compact=compact, accept_older=accept_older_copy
        )
    if as_json:
        echo_json(result.as_dict())
    else:
        a = result.archive
        click.echo(
            f"archive {a.name}: {a.nfiles} files, {human_size(a.original_size)} "
            f"(+{human_size(a.deduplicated_size)} new) in {a.duration:.1f} s"
            + (" [warnings]" if result.warning else "")
        )
        for warning in result.warnings:
            click.echo(f"warning: {warning}", err=True)
        if result.repository_origin != "existing":
            click.echo(f"repository {result.repository_origin}: {result.repository}", err=True)
        if result.offsite is None:
            click.echo("off-site copy: not configured (DATAOPS_S3_BUCKET)", err=True)
        elif result.offsite.ok:
            click.echo(f"off-site copy: verified at {result.offsite.remote}")
    failure = result.offsite.failure() if result.offsite else None
    if failure is not None:
        raise failure


@files_group.command("list")
@click.option("--json", "as_json", is_flag=True, help="Print the archives as JSON.")
@click.pass_context
def list_cmd(ctx: click.Context, as_json: bool) -> None:
    """List the archives of the local repository, oldest first (times in UTC)."""
    from dataops.backup.files.listing import list_archives

    result = list_archives(app(ctx).settings())
    if as_json:
        echo_json(result.as_dict())
        return
    if not result.archives:
        click.echo("no archives", err=True)
        return
    echo_table(
        ["name", "time"], [(a.name, a.time.isoformat(timespec="seconds")) for a in result.archives]
    )


@files_group.command("restore")
@click.option("--archive", required=True, help="Archive name, or 'latest'.")
@click.option(
    "--target",
    required=True,
    type=click.Path(path_type=Path),
    help="Directory to restore into (absent or empty); paths appear below it as archived.",
)
@click.option(
    "--path", "paths", multiple=True, help="Restore only this path of the archive (repeatable)."
)
@click.option(
    "--from-offsite",
    is_flag=True,
    help="Read the off-site copy (pulled into a scratch directory) instead of the local "
    "repository.",
)
@click.option("--json", "as_json", is_flag=True, help="Print the result as JSON.")
@click.pass_context
def restore_cmd(
    ctx: click.Context,
    archive: str,
    target: Path,
    paths: tuple[str, ...],
    from_offsite: bool,
    as_json: bool,
) -> None:
    """Extract an archive into a new directory (whole, or not at all)."""
    from dataops.backup.files.restore import restore

    result = restore(
        app(ctx).settings(),
        archive=archive,
        target=target,
        paths=paths,
        from_offsite=from_offsite,
    )
    if as_json:
        echo_json(result.as_dict())
        return
    for warning in result.warnings:
        click.echo(f"warning: {warning}", err=True)
    click.echo(
        f"restored {result.archive.name} ({result.source}) into {result.target} "
        f"in {result.seconds:.1f} s"
    )


@files_group.command("check")
@click.option(
    "--verify-data", is_flag=True, help="Also read and verify every chunk (slow, thorough)."
)
@click.option("--json", "as_json", is_flag=True, help="Print the result as JSON.")
@click.pass_context
def check_cmd(ctx: click.Context, verify_data: bool, as_json: bool) -> None:
    """borg check of the local repository and rclone check of its off-site copy.

    Exits 1 naming what is damaged or missing, 3 when object storage is unreachable.
    """
    from dataops.backup.files.check import check

    settings = app(ctx).settings()
    with command_lock(settings, "files", what="backup files check"):
        result = check(settings, verify_data=verify_data)
    if as_json:
        echo_json(result.as_dict())
    else:
        click.echo(f"local repository: {'ok' if result.local_ok else 'FAILED'}")
        if result.offsite is not None:
            click.echo(f"off-site copy: {'ok' if result.offsite.ok else 'FAILED'}")
    failure = result.failure()
    if failure is not None:
        raise failure


@files_group.command("status")
@click.option("--json", "as_json", is_flag=True, help="Print the status as JSON.")
@click.pass_context
def status_cmd(ctx: click.Context, as_json: bool) -> None:
    """The newest archive and the last off-site copy (what the sidecar exports)."""
    from dataops.backup.files.status import status

    result = status(app(ctx).settings())
    data = result.as_dict()
    if as_json:
        echo_json(data)
        return
    last = result.last_archive
    click.echo(f"archives: {result.archives}")
    if last:
        click.echo(f"last archive: {last.name} ({last.end.isoformat(timespec='seconds')})")
    click.echo(f"last off-site success: {data['offsite']['last_success'] or 'never'}")


@files_group.group("key")
def key_group() -> None:
    """The repository key."""


@key_group.command("export")
@click.option("--paper", is_flag=True, help="A form meant to be printed and typed back in.")
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Write to FILE (mode 0600) instead of stdout.",
)
@click.pass_context
def key_export_cmd(ctx: click.Context, paper: bool, output: Path | None) -> None:
    """Export the repository key (repokey-blake2), still protected by the passphrase.

    Keep it, and the passphrase, somewhere other than the repository: without both the
    off-site copy cannot be read.
    """
    from dataops.backup.files.key_export import key_export
    from dataops.errors import ConfigError, OperationError

    if output is not None and not output.parent.is_dir():
        raise ConfigError(f"-o {output}: the folder {output.parent} does not exist")
    result = key_export(app(ctx).settings(), paper=paper)
    if output is None:
        click.echo(result.text.decode("utf-8"), nl=False)
        return
    from dataops.backup.files.offsite import write_private_atomic

    try:
        write_private_atomic(output, result.text)
    except OSError as exc:
        raise OperationError(f"cannot write {output}: {exc.strerror}") from None
    click.echo(f"key written to {output} (mode 0600)", err=True)
