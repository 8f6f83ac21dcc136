"""``dataops serve`` as a process: endpoints, the admin token, the status page in Chromium,
``promtool check metrics`` on a real scrape, clean exit on SIGTERM."""

from __future__ import annotations

import json
import shutil
import signal
import subprocess
from pathlib import Path

import pytest

from tests.harness.common import wait_for
from tests.harness.postgres import PgServer
from tests.integration.sidecar_support import ARTIFACTS, SidecarProcess, chromium

pytestmark = pytest.mark.integration

CONFIG = """
version: 1
defaults:
  overdue_delay: 1s
jobs:
  pg_archiver:
    schedule: every 1s
  pg_verify:
    enabled: false
    schedule: "@daily"
"""


def test_endpoints_admin_token_and_page(pg: PgServer, tmp_path: Path) -> None:
    token = "t0ken-" + "x" * 20
    sidecar = SidecarProcess(
        tmp_path, CONFIG, {"DATAOPS_DATABASE_URL": pg.url(), "DATAOPS_ADMIN_TOKEN": token}
    )
    sidecar.start()
    try:
        assert sidecar.get("/healthz")[0] == 200
        code, body = sidecar.get("/readyz")
        assert code == 200, body
        assert json.loads(body)["checks"][1] == {
            "name": "database",
            "ok": True,
            "detail": "reachable",
        }
        # the poller runs at start and every second
        wait_for(
            "first pg_stat_archiver poll",
            lambda: sidecar.value("dataops_wal_archive_poll_success", target="postgres") == 1.0,
            30,
            sidecar.logfile,
        )
        assert sidecar.value("dataops_job_enabled", job="pg_archiver") == 1.0
        assert sidecar.value("dataops_job_enabled", job="pg_backup") == 0.0
        assert sidecar.value("dataops_build_info") == 1.0

        # the admin endpoint: no token, a wrong token -> 401; the right one -> 202
        code, body, headers = sidecar.request("/jobs/pg_archiver/run", method="POST")
        assert code == 401 and headers.get("WWW-Authenticate", "").startswith("Bearer")
        code, _ = sidecar.run_job("pg_archiver", "wrong")
        assert code == 401
        code, reply = sidecar.run_job("pg_archiver", token)
        assert code == 202, reply
        run = sidecar.wait_run("pg_archiver", reply["run_id"], timeout=30)
        assert run["last_result"] == "success"
        assert sidecar.run_job("pg_verify", token)[0] == 409  # configured off
        assert sidecar.run_job("no_such_job", token)[0] == 404
        assert sidecar.get("/nowhere")[0] == 404
        log = sidecar.logfile.read_text()
        assert token not in log
        assert any(
            r.get("event") == "http.admin_refused" and r.get("job") == "pg_archiver"
            for r in sidecar.log_records()
        )

        # a real scrape passes promtool's linter
        result = subprocess.run(
            ["promtool", "check", "metrics"],
            input=sidecar.metrics_text(),
            capture_output=True,
            text=True,
            timeout=60,
        )
        assert result.returncode == 0, result.stdout + result.stderr
        assert (result.stdout + result.stderr).strip() == ""

        # the status page, as a person sees it: Chromium renders it and takes a screenshot
        dom = chromium(["--dump-dom", sidecar.url + "/"], tmp_path / "profile-dom")
        assert dom.returncode == 0, dom.stderr[-2000:]
        for text in ("dataops sidecar", "Jobs", "pg_archiver", "Backups", "WAL archiving"):
            assert text in dom.stdout, text
        assert "<script" not in dom.stdout
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        shot = ARTIFACTS / "sidecar-status-http.png"
        shot.unlink(missing_ok=True)
        taken = chromium(
            ["--screenshot=" + str(shot), "--window-size=1400,1200", sidecar.url + "/"],
            tmp_path / "profile-shot",
        )
        assert taken.returncode == 0, taken.stderr[-2000:]
        assert shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and shot.stat().st_size > 10_000
    finally:
        rc = sidecar.stop(signal.SIGTERM)
    assert rc == 0
    assert any(r.get("event") == "sidecar.stopped" for r in sidecar.log_records())
    state = json.loads((tmp_path / "state" / "state.json").read_text())
    assert state["runs"]["pg_archiver"]["last_result"] == "success"

    # without DATAOPS_ADMIN_TOKEN the endpoint is refused outright
    del sidecar.env["DATAOPS_ADMIN_TOKEN"]
    sidecar.start()
    try:
        code, body, _ = sidecar.request(
            "/jobs/pg_archiver/run", method="POST", headers={"Authorization": "Bearer "}
        )
        assert code == 403 and b"DATAOPS_ADMIN_TOKEN" in body
    finally:
        assert sidecar.stop() == 0


def test_invalid_config_exits_2_with_every_problem(tmp_path: Path, run_cli) -> None:  # type: ignore[no-untyped-def]
    config = tmp_path / "sidecar.yaml"
    config.write_text("jobs:\n  pg_backup:\n    schedule: nope nope\n  pg_bakup: {}\n")
    result = run_cli(
        "serve",
        "--config",
        str(config),
        env={"DATAOPS_STATE_DIR": str(tmp_path / "state"), "DATAOPS_JOB_PG_ARCHIVER_TIMEOUT": "x"},
    )
    assert result.returncode == 2, result.stderr
    assert f"{config}:3: jobs.pg_backup.schedule: cron expression 'nope nope' has 2 fields" in (
        result.stderr
    )
    assert f"{config}:4: jobs.pg_bakup: unknown job" in result.stderr
    assert "env DATAOPS_JOB_PG_ARCHIVER_TIMEOUT: invalid duration 'x'" in result.stderr
    assert "Traceback" not in result.stderr
    assert not shutil.which("nonexistent-binary")
