"""``dataops jobs list|run``: the sidecar's jobs from a shell in its container."""

from __future__ import annotations

import json
import time
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any

import click

from dataops.cli.context import app
from dataops.cli.output import echo_json, echo_table
from dataops.errors import ConfigError, DependencyError, OperationError

_CONFIG = click.option(
    "--config",
    "config_path",
    type=click.Path(dir_okay=False, path_type=Path),
    help="sidecar.yaml (default: DATAOPS_SIDECAR_CONFIG).",
)


@click.group()
def jobs() -> None:
    """List the sidecar's jobs or run one now."""


@jobs.command("list")
@_CONFIG
@click.option("--json", "as_json", is_flag=True, help="Print the jobs as JSON.")
@click.pass_context
def list_cmd(ctx: click.Context, config_path: Path | None, as_json: bool) -> None:
    """Every job: state, schedule, last result and last success (from the state file)."""
    from dataops.sidecar.service import Sidecar, load_sidecar_config
    from dataops.sidecar.status import status

    settings = app(ctx).settings()
    sidecar = Sidecar(settings, load_sidecar_config(settings, config_path))
    facts = status(sidecar)
    if as_json:
        echo_json(facts["jobs"])
        return
    rows = []
    for job in facts["jobs"]:
        runs = job["runs"] or [{}]
        for run in runs:
            rows.append(
                (
                    job["name"],
                    (run.get("key") or "").partition(":")[2],
                    job["state"],
                    job["incremental_schedule"]
                    if ":incremental" in (run.get("key") or "")
                    else job["schedule"],
                    run.get("last_result"),
                    run.get("last_attempt"),
                    run.get("last_success"),
                )
            )
    echo_table(
        ["job", "variant", "state", "schedule", "last result", "last run", "last success"], rows
    )


def _local_url(addr: str) -> str:
    host, _, port = addr.rpartition(":")
    if host in ("", "0.0.0.0", "::", "[::]"):  # noqa: S104
        host = "127.0.0.1"
    return f"http://{host}:{port}"


def _request(url: str, *, token: str | None = None, method: str = "GET") -> Any:
    data = b"" if method == "POST" else None
    request = urllib.request.Request(url, method=method, data=data)  # noqa: S310 (http only)
    if token:
        request.add_header("Authorization", f"Bearer {token}")
    try:
        with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310 (http only)
            return json.loads(response.read())
    except urllib.error.HTTPError as exc:
        try:
            detail = json.loads(exc.read()).get("error", exc.reason)
        except ValueError:
            detail = exc.reason
        message = f"the sidecar refused: {exc.code} {detail}"
        if exc.code in (400, 401, 403, 404):  # a bad name or variant, a wrong token
            raise ConfigError(message) from None
        raise OperationError(message) from None
    except (urllib.error.URLError, OSError) as exc:
        raise DependencyError(
            f"the sidecar at {url} is not reachable: {exc} "
            "(is `dataops serve` running there? --local runs the job in this process)"
        ) from None


@jobs.command("run")
@click.argument("name")
@click.option("--variant", default=None, help="pg_backup: full or incremental.")
@click.option(
    "--local",
    is_flag=True,
    help="Run in this process instead of asking the running sidecar (same locks, same state file).",
)
@_CONFIG
@click.option("--json", "as_json", is_flag=True, help="Print the outcome as JSON.")
@click.option("--wait/--no-wait", default=True, help="Wait for the sidecar's run to end.")
@click.pass_context
def run_cmd(
    ctx: click.Context,
    name: str,
    variant: str | None,
    local: bool,
    config_path: Path | None,
    as_json: bool,
    wait: bool,
) -> None:
    """Run job NAME now.

    By default the running sidecar does it (POST /jobs/NAME/run on DATAOPS_HTTP_ADDR with
    DATAOPS_ADMIN_TOKEN) and this command waits for the outcome; --local runs it here.
    Exit 0 on success, 1 if it failed or could not start (a lock is busy), 2 for an
    unknown job or variant or a token the sidecar refused, 3 if the sidecar is not
    reachable.
    """
    from dataops.sidecar.jobs import JOBS

    settings = app(ctx).settings()
    if name not in JOBS:
        raise ConfigError(f"no such job: {name} (jobs: {', '.join(JOBS)})")
    if local:
        outcome = _run_local(settings, config_path, name, variant)
    else:
        outcome = _run_remote(settings, name, variant, wait)
    if as_json:
        echo_json(outcome)
    else:
        click.echo(f"{name}: {outcome.get('result')} (run {outcome.get('run_id')})")
    if outcome.get("result") not in ("success", "started"):
        raise OperationError(f"{name} {outcome.get('result')}: {outcome.get('error')}")


def _run_local(settings: Any, config_path: Path | None, name: str, variant: str | None) -> Any:
    from dataops.sidecar import logctx
    from dataops.sidecar.service import Sidecar, load_sidecar_config

    logctx.install_on_root()
    sidecar = Sidecar(settings, load_sidecar_config(settings, config_path))
    job = sidecar.jobs[name]
    if name in sidecar.missing:
        raise OperationError(sidecar.missing[name])
    variants = job.variants() or [""]
    allowed = [*variants, *(("full", "incremental") if job.incremental else ())]
    if variant is not None and variant not in allowed:
        names = ", ".join(v for v in dict.fromkeys(allowed) if v) or "none"
        raise ConfigError(f"{name} has no variant {variant!r} (variants: {names})")
    chosen = variant if variant is not None else variants[0]
    return sidecar.runner.run(name, chosen, trigger="cli").as_dict()


def _run_remote(settings: Any, name: str, variant: str | None, wait: bool) -> Any:
    token = settings.admin_token.get_secret_value() if settings.admin_token else None
    if not token:
        raise ConfigError("DATAOPS_ADMIN_TOKEN is not set (or use --local)")
    base = _local_url(settings.http_addr)
    query = f"?variant={variant}" if variant else ""
    started = _request(f"{base}/jobs/{name}/run{query}", token=token, method="POST")
    run_id = started["run_id"]
    if not wait:
        return {"result": "started", "run_id": run_id}
    while True:
        time.sleep(1.0)
        for job in _request(f"{base}/status")["jobs"]:
            if job["name"] != name:
                continue
            for run in job["runs"]:
                if (
                    run.get("last_run_id") == run_id
                    and (job.get("running") or {}).get("run_id") != run_id
                ):
                    return {
                        "result": run.get("last_result"),
                        "run_id": run_id,
                        "error": run.get("last_error"),
                        "seconds": run.get("last_duration_seconds"),
                    }
