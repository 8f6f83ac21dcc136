"""``dataops config``: inspect the effective configuration."""

from __future__ import annotations

import click

from dataops.cli.context import app
from dataops.cli.output import echo_json, echo_table


@click.group()
def config() -> None:
    """Inspect the configuration read from the environment."""


@config.command("show")
@click.option("--json", "as_json", is_flag=True, help="Print JSON instead of a table.")
@click.pass_context
def show(ctx: click.Context, as_json: bool) -> None:
    """Print the effective configuration, secrets replaced by ***."""
    values = app(ctx).settings().public_dict()
    if as_json:
        echo_json(values)
    else:
        echo_table(["variable", "value"], [(k, "" if v is None else v) for k, v in values.items()])
