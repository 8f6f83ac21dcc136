"""``dataops drill pg|files``: thin click adapters over :mod:`dataops.drill`."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

import click

from dataops.cli.context import app
from dataops.errors import ConfigError

_STATUS = {"passed": "ok", "failed": "FAILED", "skipped": "-"}


@click.group()
def drill() -> None:
    """Restore drills: prove the backups restore, with measured RTO and achieved RPO.

    Reports: --json FILE (schema dataops.drill/v1) and --junit FILE (JUnit XML for CI).
    The last line on stdout is "drill: N passed, N failed".  Exit codes: 0 every check
    passed, 1 a check failed (named), 2 usage/configuration, 3 storage or database
    unreachable.
    """


def _report_file(value: Path | None, option: str) -> Path | None:
    """Refuse an unwritable report path before the drill runs (never a partial file)."""
    if value is None:
        return None
    path = value.absolute()
    if path.is_dir():
        raise ConfigError(f"{option} {value}: is a directory")
    if not path.parent.is_dir():
        raise ConfigError(f"{option} {value}: the folder {path.parent} does not exist")
    if not os.access(path.parent, os.W_OK):
        raise ConfigError(f"{option} {value}: the folder {path.parent} is not writable")
    return path


def _common(func: Callable[..., Any]) -> Callable[..., Any]:
    options = [
        click.option(
            "--json",
            "json_file",
            type=click.Path(dir_okay=False, path_type=Path),
            help="Write the report as JSON (schema dataops.drill/v1) to FILE.",
        ),
        click.option(
            "--junit",
            "junit_file",
            type=click.Path(dir_okay=False, path_type=Path),
            help="Write the report as JUnit XML to FILE (one testcase per check).",
        ),
        click.option(
            "--keep-on-failure",
            is_flag=True,
            help="Keep the scratch folder when a check failed (the server is always stopped).",
        ),
        click.option(
            "--max-backup-age",
            metavar="DURATION",
            help="Fail when the newest backup is older (e.g. 26h, 2d).",
        ),
        click.option(
            "--rto-objective",
            metavar="DURATION",
            help="Fail when the measured RTO is longer (e.g. 15m).",
        ),
        click.option(
            "--rpo-objective",
            metavar="DURATION",
            help="Fail when the achieved RPO is longer (e.g. 5m).",
        ),
    ]
    for option in reversed(options):
        func = option(func)
    return func


def _emit(report: Any, json_file: Path | None, junit_file: Path | None) -> None:
    from dataops.drill import junit
    from dataops.drill.report import to_json
    from dataops.fsutil import atomic_write

    if json_file is not None:
        atomic_write(json_file, to_json(report))
    if junit_file is not None:
        atomic_write(junit_file, junit.render([report]))
    width = max((len(c.name) for c in report.checks), default=5)
    for check in report.checks:
        seconds = f"{check.seconds:7.1f}s"
        click.echo(f"{_STATUS[check.status]:6}  {check.name:<{width}}  {seconds}  {check.message}")
        for line in check.details[:10] if check.status == "failed" else ():
            click.echo(f"{'':6}  {'':<{width}}  {'':8}  | {line}")
    rto = "-" if report.rto_seconds is None else f"{report.rto_seconds:.1f} s"
    rpo = "-" if report.rpo_seconds is None else f"{report.rpo_seconds:.1f} s"
    click.echo(
        f"result: {report.result}; RTO {rto}; RPO {rpo}"
        + (f" ({report.rpo_source})" if report.rpo_source else "")
    )
    if report.kept and report.scratch_dir:
        click.echo(f"kept the scratch folder {report.scratch_dir}", err=True)
    click.echo(report.summary_line())


@drill.command("pg")
@click.option(
    "--target",
    default="latest",
    show_default=True,
    help="latest, an ISO 8601 time (UTC when no offset) or a backup name.",
)
@click.option(
    "--checks",
    "checks_file",
    type=click.Path(dir_okay=False, path_type=Path),
    help="checks.yaml: SQL checks (query + expect) and a freshness query.",
)
@click.option(
    "--timeout",
    metavar="DURATION",
    help="Time allowed for the restore and recovery (default DATAOPS_DRILL_TIMEOUT).",
)
@_common
@click.pass_context
def pg_cmd(
    ctx: click.Context,
    target: str,
    checks_file: Path | None,
    json_file: Path | None,
    junit_file: Path | None,
    keep_on_failure: bool,
    max_backup_age: str | None,
    rto_objective: str | None,
    rpo_objective: str | None,
    timeout: str | None,
) -> None:
    """Restore PostgreSQL into scratch, replay to the target, check the data, tear down.

    Through the configured engine (DATAOPS_PG_BACKUP_ENGINE): repository reachable and
    fresh, engine verify, restore into a scratch folder, start PostgreSQL on a free
    loopback port, replay to --target and promote, target reached, RPO from data, RTO,
    pg_amcheck --heapallindexed, every table read, the user checks; then the server is
    stopped and the folder removed (also on Ctrl-C / SIGTERM).
    """
    from dataops.drill.checks import load
    from dataops.drill.options import PgDrillOptions, parse_duration, parse_target
    from dataops.drill.pg import drill_pg

    json_path = _report_file(json_file, "--json")
    junit_path = _report_file(junit_file, "--junit")
    if checks_file is not None:
        load(checks_file)  # bad YAML is exit 2 before anything runs
    options = PgDrillOptions(
        target=parse_target(target),
        checks_file=checks_file,
        keep_on_failure=keep_on_failure,
        max_backup_age=parse_duration(max_backup_age, "--max-backup-age"),
        rto_objective=parse_duration(rto_objective, "--rto-objective"),
        rpo_objective=parse_duration(rpo_objective, "--rpo-objective"),
        timeout=parse_duration(timeout, "--timeout"),
    )
    report = drill_pg(app(ctx).settings(), options)
    _emit(report, json_path, junit_path)
    ctx.exit(report.exit_code)


@drill.command("files")
@click.option(
    "--local",
    is_flag=True,
    help="Drill the local repository instead of the off-site copy.",
)
@click.option("--all", "all_files", is_flag=True, help="Compare every file, not a sample.")
@click.option(
    "--sample",
    type=click.IntRange(min=1),
    default=200,
    show_default=True,
    help="Files compared with the live source when not --all.",
)
@_common
@click.pass_context
def files_cmd(
    ctx: click.Context,
    local: bool,
    all_files: bool,
    sample: int,
    json_file: Path | None,
    junit_file: Path | None,
    keep_on_failure: bool,
    max_backup_age: str | None,
    rto_objective: str | None,
    rpo_objective: str | None,
) -> None:
    """Pull the off-site Borg copy into scratch, borg check, extract, compare with the source.

    The copy is read with its own BORG_BASE_DIR in the scratch folder (never written);
    files changed after the archive's time are reported, not failed.  --local drills
    the local repository (DATAOPS_BORG_REPO) instead.
    """
    from dataops.drill.files import drill_files
    from dataops.drill.options import FilesDrillOptions, parse_duration

    json_path = _report_file(json_file, "--json")
    junit_path = _report_file(junit_file, "--junit")
    options = FilesDrillOptions(
        local=local,
        all_files=all_files,
        sample=sample,
        keep_on_failure=keep_on_failure,
        max_backup_age=parse_duration(max_backup_age, "--max-backup-age"),
        rto_objective=parse_duration(rto_objective, "--rto-objective"),
        rpo_objective=parse_duration(rpo_objective, "--rpo-objective"),
    )
    report = drill_files(app(ctx).settings(), options)
    _emit(report, json_path, junit_path)
    ctx.exit(report.exit_code)
