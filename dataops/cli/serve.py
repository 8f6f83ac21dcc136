"""``dataops serve``: the sidecar (scheduled backups and drills, metrics, status page)."""

from __future__ import annotations

from pathlib import Path

import click

from dataops.cli.context import app


@click.command()
@click.option(
    "--config",
    "config_path",
    type=click.Path(dir_okay=False, path_type=Path),
    help="sidecar.yaml (default: DATAOPS_SIDECAR_CONFIG; without one, jobs come from "
    "DATAOPS_JOB_<NAME>_SCHEDULE/_ENABLED/_TIMEOUT only).",
)
@click.option("--check", is_flag=True, help="Validate the configuration, print the jobs, exit.")
@click.pass_context
def serve(ctx: click.Context, config_path: Path | None, check: bool) -> None:
    """Run the sidecar: scheduled jobs and HTTP on DATAOPS_HTTP_ADDR (default 0.0.0.0:9187).

    Endpoints: /metrics, /healthz, /readyz, /status, / (HTML) and POST /jobs/NAME/run
    (bearer DATAOPS_ADMIN_TOKEN).  SIGTERM stops scheduling, lets a running job finish
    within DATAOPS_SHUTDOWN_GRACE seconds, then ends it; exit 0.  Exit 2 on an invalid
    configuration (every problem listed as file:line), 3 when the port cannot be bound.
    """
    from dataops.sidecar import logctx
    from dataops.sidecar.service import build, load_sidecar_config

    settings = app(ctx).settings()
    logctx.install_on_root()
    if check:
        from dataops.sidecar.http import parse_addr

        config = load_sidecar_config(settings, config_path)
        parse_addr(settings.http_addr)  # what `serve` would refuse, --check refuses too
        for job in config.enabled():
            schedules = [s.text for s in (job.schedule, job.incremental_schedule) if s]
            click.echo(f"{job.name}: {', '.join(schedules)} (timeout {job.timeout:g} s)")
        return
    ctx.exit(build(settings, config_path).serve())
