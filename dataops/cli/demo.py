"""``dataops demo``: deterministic demo data from a YAML spec (or from the schema alone)."""

from __future__ import annotations

from pathlib import Path

import click

from dataops.cli.context import app
from dataops.cli.output import echo_json, echo_table


@click.group()
def demo() -> None:
    """Fill an existing schema with deterministic, relationship-aware demo data.

    The same spec, seed and dataops version give the same rows on every machine.
    PostgreSQL (COPY), MySQL/MariaDB (LOAD DATA or multi-row INSERT) and SQLite.
    """


@demo.command("load")
@click.option(
    "--config",
    "-c",
    "config",
    required=True,
    type=click.Path(dir_okay=False, path_type=Path),
    help="The YAML spec (tables, row counts, generators).",
)
@click.option("--db", "database_url", help="Database URL (default: DATAOPS_DATABASE_URL).")
@click.option("--seed", type=click.IntRange(min=0), help="Override the spec's seed.")
@click.option(
    "--scale", type=float, default=1.0, show_default=True, help="Multiply every 'rows: N' count."
)
@click.option("--reset", is_flag=True, help="Empty the spec's tables first (same transaction).")
@click.option("--json", "as_json", is_flag=True, help="Print the report as JSON.")
@click.pass_context
def load_cmd(
    ctx: click.Context,
    config: Path,
    database_url: str | None,
    seed: int | None,
    scale: float,
    reset: bool,
    as_json: bool,
) -> None:
    """Load the tables of a spec, all in one transaction.

    Exit codes: 2 when the spec does not fit the schema (every problem is
    listed and nothing is written), 3 when the database is unreachable, 1 when
    loading fails (everything is rolled back).
    """
    from dataops.demo.load import LoadOptions, load

    report = load(
        app(ctx).settings(),
        LoadOptions(config=config, database_url=database_url, seed=seed, scale=scale, reset=reset),
    )
    if as_json:
        echo_json(report.as_dict())
        return
    echo_table(
        ["table", "rows", "seconds"], [(t.table, t.rows, f"{t.seconds:.3f}") for t in report.tables]
    )
    click.echo(
        f"{report.rows} rows in {report.seconds:.2f}s ({report.rows_per_second:,.0f} rows/s), "
        f"seed {report.seed}" + (f", {report.deleted} old rows deleted" if report.reset else "")
    )
    if report.checked:
        click.echo(
            f"NOT NULL foreign-key cycle: {', '.join(report.checked)} checked at the end "
            f"({report.check_seconds:.2f}s)"
        )


@demo.command("infer")
@click.option("--db", "database_url", help="Database URL (default: DATAOPS_DATABASE_URL).")
@click.option(
    "--output",
    "-o",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Write the spec here (default: stdout).",
)
@click.option(
    "--rows", type=click.IntRange(min=0), default=100, show_default=True, help="Rows per table."
)
@click.option(
    "--seed",
    type=click.IntRange(min=0),
    default=1,
    show_default=True,
    help="Seed written to the spec.",
)
@click.option(
    "--from-stats",
    is_flag=True,
    help="Shape row counts, null rates and numeric/date ranges from the catalog's statistics "
    "(never from row values).",
)
@click.pass_context
def infer_cmd(
    ctx: click.Context,
    database_url: str | None,
    output: Path | None,
    rows: int,
    seed: int,
    from_stats: bool,
) -> None:
    """Write a complete, editable spec for every table of the database.

    Generators are chosen from column names and types, foreign keys become refs,
    CHECK lists and enums become choices, child tables get rows per parent row.
    `demo load` accepts it unchanged.
    """
    from dataops.demo.infer import InferOptions, infer
    from dataops.errors import ConfigError

    if output is not None and not output.parent.is_dir():  # before connecting
        raise ConfigError(f"-o {output}: the folder {output.parent} does not exist")
    report = infer(
        app(ctx).settings(),
        InferOptions(
            database_url=database_url, output=output, rows=rows, seed=seed, from_stats=from_stats
        ),
    )
    if output is None:
        click.echo(report.spec, nl=False)
    else:
        click.echo(f"wrote {output} ({len(report.tables)} tables)", err=True)
