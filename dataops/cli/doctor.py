"""``dataops doctor``: check that configured services and tools are reachable."""

from __future__ import annotations

import click

from dataops.cli.context import app
from dataops.cli.output import echo_json, echo_table
from dataops.doctor import doctor as run_doctor
from dataops.errors import DependencyError

_MARK = {"ok": "ok", "failed": "FAILED", "missing": "missing", "skipped": "-"}


@click.command()
@click.option("--json", "as_json", is_flag=True, help="Print the report as JSON.")
@click.pass_context
def doctor(ctx: click.Context, as_json: bool) -> None:
    """Check the database, object storage and external tools.

    Exits 3 when something configured is unreachable.
    """
    report = run_doctor(app(ctx).settings())
    if as_json:
        echo_json(report.as_dict())
    else:
        echo_table(
            ["check", "status", "detail"],
            [(c.name, _MARK[c.status], c.detail) for c in report.checks],
        )
    if not report.ok:
        failed = [c for c in report.checks if c.required and c.status != "ok"]
        raise DependencyError(
            f"{len(failed)} configured dependenc{'y is' if len(failed) == 1 else 'ies are'} "
            "unreachable or missing",
            details=[f"{c.name}: {c.detail}" for c in failed],
        )
