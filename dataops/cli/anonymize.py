"""``dataops anonymize``: turn a PostgreSQL or MySQL/MariaDB dump into one safe to hand to developers."""

from __future__ import annotations

import json
from pathlib import Path

import click

from dataops.cli.context import app
from dataops.cli.output import echo_json, echo_table


@click.command()
@click.option(
    "--config",
    "-c",
    "config",
    required=True,
    type=click.Path(dir_okay=False, path_type=Path),
    help="Rules file (YAML).",
)
@click.argument("input", default="-", required=False)
@click.option(
    "-o", "--output", default="-", show_default=True, help="Output file or directory; - is stdout."
)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["auto", "plain", "custom", "directory", "mysql"]),
    default="auto",
    show_default=True,
    help="Dump format of INPUT (auto: detected; mysql: mysqldump / mariadb-dump output).",
)
@click.option(
    "-j",
    "--jobs",
    type=click.IntRange(min=1),
    default=None,
    help="Worker processes (default: CPU count).",
)
@click.option(
    "--report",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="Write the summary as JSON.",
)
@click.option(
    "--preview",
    type=click.IntRange(min=1),
    default=None,
    help="Print N before/after rows per transformed table; write nothing.",
)
@click.option(
    "--source",
    default=None,
    metavar="URL",
    help="postgresql:// or mysql:// URL: run pg_dump / mariadb-dump and anonymize its output (no unmasked file).",
)
@click.option(
    "--verify-restore",
    "verify_restore",
    default=None,
    metavar="URL",
    help="postgresql:// URL of a server: restore the output into a scratch database "
    "(created and dropped by dataops) and fail, naming the statement, if it does not restore.",
)
@click.option(
    "--progress/--no-progress",
    default=None,
    help="Progress on stderr (default: a bar on a terminal, JSON log lines otherwise).",
)
@click.option(
    "--role-passwords",
    type=click.Choice(["drop", "keep"]),
    default="drop",
    show_default=True,
    help="Plain dumps (pg_dumpall): the PASSWORD clauses of CREATE/ALTER ROLE (hashes).",
)
@click.option(
    "--drop-unreferenced",
    is_flag=True,
    help="Leave out (never copy) files of a directory archive, or data blocks of a custom "
    "one, that its TOC does not reference; without it they are an error.",
)
@click.option(
    "--json",
    "as_json",
    is_flag=True,
    help="Print the summary (or preview) as JSON (on stderr when the dump goes to stdout).",
)
@click.pass_context
def anonymize(
    ctx: click.Context,
    config: Path,
    input: str,
    output: str,
    fmt: str,
    jobs: int | None,
    report: Path | None,
    preview: int | None,
    source: str | None,
    progress: bool | None,
    verify_restore: str | None,
    role_passwords: str,
    drop_unreferenced: bool,
    as_json: bool,
) -> None:
    """Anonymize a PostgreSQL dump (plain, custom or directory) per YAML rules.

    INPUT defaults to stdin and -o to stdout; .gz / .zst files are (de)compressed
    by extension.  Every table and column must be covered by the rules (fail
    closed); nothing is written when they do not fit the dump.  Output files are
    written atomically.  The secret comes from the rules file, typically
    ${DATAOPS_ANONYMIZE_SECRET}.
    """
    from dataops.anonymize.run import AnonymizeOptions
    from dataops.anonymize.run import anonymize as run_anonymize

    settings = app(ctx).settings()
    result = run_anonymize(
        settings,
        AnonymizeOptions(
            config=config,
            input=input,
            output=output,
            format=fmt,
            jobs=jobs,
            report=report,
            preview=preview,
            source=source,
            progress=progress,
            verify_restore=verify_restore,
            role_passwords=role_passwords,
            drop_unreferenced=drop_unreferenced,
        ),
    )
    to_stdout = output in ("-", "") and preview is None
    if as_json:
        data = result.as_dict()
        if to_stdout:
            click.echo(json.dumps(data, indent=2, ensure_ascii=False), err=True)
        else:
            echo_json(data)
        return
    if preview is not None:
        for table, rows in (result.preview or {}).items():
            click.echo(click.style(table, bold=True))
            for n, row in enumerate(rows, 1):
                for cell in row:
                    click.echo(f"  row {n} {cell.column}: {cell.before!r} -> {cell.after!r}")
        if not result.preview:
            click.echo("no transformed table has rows")
        return
    if to_stdout:
        return  # stdout carries the dump; the summary went to the logs
    echo_table(
        ["table", "action", "rows", "columns transformed", "seconds"],
        [
            (t.table, t.action, t.rows, ", ".join(t.columns_transformed), f"{t.seconds:.2f}")
            for t in result.tables
        ],
    )
    click.echo(
        f"{result.rows} rows, {result.bytes_in / 1e6:.1f} MB in {result.seconds:.2f} s "
        f"({result.mb_per_s:.1f} MB/s) -> {result.output}"
    )
    if result.verify_restore is not None:
        click.echo(
            f"verified: the output restores on {result.verify_restore['server']} "
            f"({result.verify_restore['seconds']:.2f} s, scratch database dropped)"
        )


# ``dataops anonymize scan|check|audit`` (dataops/cli/anonymize_scan.py)
from dataops.cli.anonymize_scan import with_subcommands  # noqa: E402

anonymize = with_subcommands(anonymize)
