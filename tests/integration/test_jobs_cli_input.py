"""``dataops jobs run``: a bad variant or a refused token is bad input (exit 2), locally
and through the running sidecar; nothing runs and the state file gets no stray key."""

from __future__ import annotations

import json
import signal
from pathlib import Path

import pytest

from tests.harness.postgres import PgServer
from tests.integration.sidecar_support import SidecarProcess

pytestmark = pytest.mark.integration

CONFIG = """
version: 1
defaults:
  overdue_delay: 1h
jobs:
  pg_archiver:
    schedule: every 1h
  pg_backup:
    schedule: "0 2 * * *"
"""


def test_bad_variant_and_token_exit_2(pg: PgServer, tmp_path: Path, run_cli) -> None:  # type: ignore[no-untyped-def]
    token = "t0ken-" + "y" * 20
    sidecar = SidecarProcess(
        tmp_path,
        CONFIG,
        {
            "DATAOPS_DATABASE_URL": pg.url(),
            "DATAOPS_ADMIN_TOKEN": token,
            "DATAOPS_PG_BACKUP_ENGINE": "pgbackrest",
        },
    )
    config = str(sidecar.config_path)
    env = sidecar.env
    for job in ("pg_archiver", "pg_backup"):
        out = run_cli("jobs", "run", job, "--local", "--variant", "weird", "--config", config, env=env)  # fmt: skip
        assert out.returncode == 2, (job, out.stdout, out.stderr)
        assert "weird" in out.stderr and "Traceback" not in out.stderr
    state = tmp_path / "state" / "state.json"
    assert not state.exists() or not any(
        ":weird" in key for key in json.loads(state.read_text())["runs"]
    )

    sidecar.start()
    try:
        out = run_cli("jobs", "run", "pg_archiver", "--variant", "weird", env=env)
        assert out.returncode == 2, out.stderr
        assert "no variant 'weird'" in out.stderr
        out = run_cli("jobs", "run", "pg_archiver", env={**env, "DATAOPS_ADMIN_TOKEN": "wrong"})
        assert out.returncode == 2, out.stderr
        assert "401" in out.stderr and "wrong" not in out.stderr
    finally:
        assert sidecar.stop(signal.SIGTERM) == 0
