"""``dataops anonymize scan | check | audit`` (thin adapters over anonymize/scan/)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import click

from dataops.cli.context import app
from dataops.cli.output import echo_json, echo_table

_SOURCE = click.option(
    "--source",
    default=None,
    metavar="URL",
    help="postgresql:// or mysql:// URL of a live database instead of DUMP (read-only, sampled).",
)
_SAMPLE = click.option(
    "--sample",
    type=click.IntRange(min=1),
    default=1000,
    show_default=True,
    help="Rows sampled per table (the rest of a dump is skipped, never profiled).",
)
_FORMAT = click.option(
    "--format",
    "fmt",
    type=click.Choice(["auto", "plain", "custom", "directory", "mysql"]),
    default="auto",
    show_default=True,
    help="Dump format of DUMP (auto: detected; mysql: mysqldump / mariadb-dump output).",
)


@click.command()
@click.argument("dump", required=False)
@_SOURCE
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="Write the draft rules file here (atomically); default: print it.",
)
@click.option(
    "--json",
    "json_file",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="Write the per-column findings as JSON.",
)
@_SAMPLE
@_FORMAT
@click.pass_context
def scan(
    ctx: click.Context,
    dump: str | None,
    source: str | None,
    output: Path | None,
    json_file: Path | None,
    sample: int,
    fmt: str,
) -> None:
    """Find personal data by its values and write a complete draft rules file.

    Every table and column is listed: columns whose sampled values (or names) look
    personal get a transform that fits their type, the rest keep; each decision is
    commented with its evidence and confidence.  The draft passes the real run's
    validation as written; its secret is ${DATAOPS_ANONYMIZE_SECRET}.
    """
    from dataops.anonymize.scan.scan import ScanOptions
    from dataops.anonymize.scan.scan import scan as run_scan

    result = run_scan(
        app(ctx).settings(),
        ScanOptions(
            input=dump, source=source, output=output, json=json_file, sample=sample, format=fmt
        ),
    )
    if output is None:
        click.echo(result.rules_text, nl=False)
        return
    rows = [
        (c.table, c.column, c.verdict.kind or "", c.verdict.confidence, c.rule)
        for c in result.personal
    ]
    if rows:
        echo_table(["table", "column", "found", "confidence", "rule"], rows)
    click.echo(
        f"scan: {len(result.personal)} personal column(s) of {len(result.columns)} in "
        f"{result.tables} table(s), {result.seconds:.1f} s -> {result.output}"
    )


@click.command()
@click.option(
    "--config",
    "-c",
    "config",
    required=True,
    type=click.Path(dir_okay=False, path_type=Path),
    help="Rules file (YAML).",
)
@click.argument("dump", required=False)
@_SOURCE
@_SAMPLE
@_FORMAT
@click.option("--json", "as_json", is_flag=True, help="Print the result as JSON.")
@click.pass_context
def check(
    ctx: click.Context,
    config: Path,
    dump: str | None,
    source: str | None,
    sample: int,
    fmt: str,
    as_json: bool,
) -> None:
    """Validate the rules against a dump or database without anonymizing; exit 1 on a problem.

    Reports the errors the real run would give and every column the rules keep whose
    sampled values look personal: the gate to run in CI on every migration.
    """
    from dataops.anonymize.scan.check import CheckOptions
    from dataops.anonymize.scan.check import check as run_check

    result = run_check(
        app(ctx).settings(),
        CheckOptions(config=config, input=dump, source=source, sample=sample, format=fmt),
    )
    if as_json:
        echo_json(result.as_dict())
    else:
        for line in result.problems:
            click.echo(f"problem: {line}")
        for w in result.warnings:
            click.echo(f"warning: {w.line()}")
        for note in result.notes:
            click.echo(f"note: {note}")
        n = len(result.problems)
        click.echo(f"check: {'ok' if result.ok else f'{n} problem(s)'} ({result.tables} tables)")
    if not result.ok:
        ctx.exit(1)


@click.command()
@click.option(
    "--config",
    "-c",
    "config",
    required=True,
    type=click.Path(dir_okay=False, path_type=Path),
    help="Rules file (YAML) the anonymized dump was made with.",
)
@click.option("--original", required=True, help="The original dump.")
@click.option("--anonymized", required=True, help="The anonymized dump.")
@click.option(
    "--json",
    "json_file",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="Write the report as JSON.",
)
@click.option(
    "--restore",
    default=None,
    metavar="URL",
    help="postgresql:// (or mysql:// for a MySQL dump) URL of a server: also restore the "
    "anonymized dump into a scratch database (created and dropped).",
)
@click.pass_context
def audit(
    ctx: click.Context,
    config: Path,
    original: str,
    anonymized: str,
    json_file: Path | None,
    restore: str | None,
) -> None:
    """Prove that no original value of a transformed column is in the anonymized dump.

    Every hit is reported by table, column, row and rule, never the value; structure
    checks compare tables, row counts, kept columns, changed and unique columns.  Exit 1
    on any leak or mismatch; the last line is `audit: N passed, N failed`.
    """
    from dataops.anonymize.scan.audit import AuditOptions
    from dataops.anonymize.scan.audit import audit as run_audit

    result = run_audit(
        app(ctx).settings(),
        AuditOptions(
            config=config,
            original=original,
            anonymized=anonymized,
            json=json_file,
            restore=restore,
        ),
    )
    for c in result.checks:
        mark = "ok  " if c.passed else "FAIL"
        click.echo(f"{mark} {c.name}" + (f": {c.detail}" if c.detail else ""))
    for leak in result.leaks:
        click.echo(f"leak: {leak.line()}")
    if result.leak_count > len(result.leaks):
        click.echo(f"leak: ... and {result.leak_count - len(result.leaks)} more")
    if result.coincidence_count:
        click.echo(
            f"note: {result.coincidence_count} value(s) equal an original value in a column "
            "whose transform has a small output set (fake pools, date_shift...): coincidences"
        )
    click.echo(result.summary())
    if not result.ok:
        ctx.exit(1)


SUBCOMMANDS = {"scan": scan, "check": check, "audit": audit}


class AnonymizeGroup(click.Group):
    """``dataops anonymize [OPTIONS] [INPUT]`` runs the anonymizer; ``dataops anonymize
    scan|check|audit`` the subcommands."""

    def __init__(self, default: click.Command) -> None:
        super().__init__(
            name=default.name,
            commands=SUBCOMMANDS,
            help=default.help,
            params=[],
            context_settings=default.context_settings,
        )
        self.default = default

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        if args and args[0] in self.commands:
            return super().parse_args(ctx, args)
        ctx.meta["anonymize.default"] = True
        # a group's context stops at the first argument and lets extra ones through:
        # the plain command parses like a command (options after INPUT, no extras)
        ctx.allow_interspersed_args = self.default.allow_interspersed_args
        ctx.allow_extra_args = self.default.allow_extra_args
        ctx.ignore_unknown_options = self.default.ignore_unknown_options
        return self.default.parse_args(ctx, args)

    def invoke(self, ctx: click.Context) -> Any:
        if ctx.meta.get("anonymize.default"):
            return self.default.invoke(ctx)
        return super().invoke(ctx)

    def get_help(self, ctx: click.Context) -> str:
        text = self.default.get_help(ctx)
        lines = [f"  {name:<7} {cmd.get_short_help_str(70)}" for name, cmd in self.commands.items()]
        return text + "\n\nSubcommands (dataops anonymize NAME --help):\n" + "\n".join(lines)


def with_subcommands(default: click.Command) -> click.Group:
    return AnonymizeGroup(default)


__all__ = ["SUBCOMMANDS", "audit", "check", "json", "scan", "with_subcommands"]
