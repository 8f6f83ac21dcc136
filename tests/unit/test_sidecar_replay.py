"""Metrics the sidecar restores from its state file at start must say what they said
before the restart: a job's last run is its newest real run (over every variant), a
success seen only in a repository listing or an interrupted run is not a failure, and a
backup's duration survives."""

from __future__ import annotations

from pathlib import Path

from prometheus_client import CollectorRegistry

from dataops.config.settings import Settings
from dataops.sidecar.config import load_config
from dataops.sidecar.service import Sidecar, job_specs
from dataops.sidecar.state import RunRecord

CONFIG = """\
version: 1
jobs:
  pg_backup: {schedule: "0 2 * * *", incremental_schedule: "0 */6 * * *"}
  drill_pg: {schedule: "0 3 * * 6"}
"""


def _service(tmp_path: Path) -> tuple[Sidecar, CollectorRegistry]:
    path = tmp_path / "sidecar.yaml"
    path.write_text(CONFIG)
    settings = Settings(
        state_dir=tmp_path / "state", lock_dir=tmp_path / "locks", pg_backup_engine="pgbackrest"
    )
    (tmp_path / "state").mkdir()
    registry = CollectorRegistry()
    return Sidecar(settings, load_config(path, job_specs(), {}), registry=registry), registry


def _value(registry: CollectorRegistry, name: str, **labels: str) -> float | None:
    return registry.get_sample_value(name, labels)


def test_replayed_job_metrics_are_the_newest_real_run(tmp_path: Path) -> None:
    service, registry = _service(tmp_path)
    # a full backup run by the sidecar (10 s), then an incremental seen only in the
    # repository listing (an older manual `backup pg push`: no result of the sidecar)
    service.state.update(
        "pg_backup:full",
        RunRecord(
            last_attempt=2000.0, last_success=2000.0, last_started=1990.0, last_duration=10.0,
            last_result="success", facts={"type": "full", "stop_time": 1999.0},
        ),
    )  # fmt: skip
    service.state.update(
        "pg_backup:incremental",
        RunRecord(last_attempt=1500.0, last_success=1500.0, facts={"type": "incr"}),
    )
    # a drill that passed, then was interrupted by a shutdown on its next run
    service.state.update(
        "drill_pg",
        RunRecord(
            last_attempt=1800.0, last_success=1800.0, last_started=1700.0,
            last_result="interrupted", facts={},
        ),
    )  # fmt: skip
    service.replay_state()

    job = "dataops_job_last_run_success"
    assert _value(registry, job, job="pg_backup") == 1.0
    assert _value(registry, "dataops_job_last_run_timestamp_seconds", job="pg_backup") == 2000.0
    drill = _value(registry, job, job="drill_pg")
    assert drill != 0.0  # interrupted is not a failure (docs/serve.md)
    series = {"engine": "pgbackrest", "target": "postgres", "type": "full"}
    assert _value(registry, "dataops_backup_last_duration_seconds", **series) == 10.0
    assert _value(registry, "dataops_backup_last_attempt_timestamp_seconds", **series) == 2000.0
    assert _value(registry, "dataops_backup_last_success_timestamp_seconds", **series) == 1999.0
