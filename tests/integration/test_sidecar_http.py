"""``dataops serve`` as a process: endpoints, the admin token, the status page in Chromium,
``promtool check metrics`` on a real scrape, clean exit on SIGTERM."""

from __future__ import annotations

import json
import shutil
import signal
import socket
import subprocess
import time
from pathlib import Path

import pytest

from tests.harness.common import free_port, wait_for
from tests.harness.postgres import PgServer
from tests.integration.sidecar_support import ARTIFACTS, REPO, SidecarProcess, chromium
from tests.integration.test_sentry import sentry_endpoint  # noqa: F401 (a fixture)

pytestmark = pytest.mark.integration
MIGRATIONS = REPO / "tests" / "integration" / "migrate_samples" / "postgres"

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
        for _ in range(50):  # the poller runs every second: catch it between two polls
            code, reply = sidecar.run_job("pg_archiver", token)
            if code != 409:
                break
            time.sleep(0.05)
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

        # a stalled client (half a request, never finished) blocks nobody
        with socket.create_connection(("127.0.0.1", sidecar.port), timeout=5) as stalled:
            stalled.sendall(b"GET /metrics HTTP/1.1\r\nHost: x\r\n")
            started = time.monotonic()
            assert sidecar.get("/metrics")[0] == 200
            assert sidecar.get("/healthz")[0] == 200
            assert time.monotonic() - started < 5

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


def test_failed_runs_reach_sentry_and_migrate_at_start(
    pg: PgServer,
    pg_db: str,
    tmp_path: Path,
    sentry_endpoint: tuple[str, list[bytes]],  # noqa: F811
) -> None:
    """``migrate_at_start`` applies the migrations before anything is scheduled; a failing
    run is logged with its job and run id and reported to Sentry (without secrets)."""
    dsn, bodies = sentry_endpoint
    dead = f"postgresql://alice:S3cr3tPw@127.0.0.1:{free_port()}/nothing"
    config = "version: 1\nmigrate_at_start: true\njobs:\n  pg_archiver:\n    schedule: every 1s\n"
    sidecar = SidecarProcess(
        tmp_path,
        config,
        {
            "DATAOPS_DATABASE_URL": pg_db,
            "DATAOPS_MIGRATIONS_PATH": str(MIGRATIONS),
            "SENTRY_DSN": dsn,
        },
    )
    sidecar.start()
    try:
        tables = {r[0] for r in pg.execute(
            "SELECT tablename FROM pg_tables WHERE schemaname = 'public'", pg_db.rsplit("/", 1)[1]
        )}  # fmt: skip
        assert {"users", "orders", "schema_migrations"} <= tables
    finally:
        assert sidecar.stop() == 0
    assert any(r.get("event") == "migrate.done" for r in sidecar.log_records())

    # the database goes away (a wrong URL): every poll fails, each one reported
    sidecar.env["DATAOPS_DATABASE_URL"] = dead
    sidecar.config_path.write_text("version: 1\njobs:\n  pg_archiver:\n    schedule: every 1s\n")
    sidecar.start()
    try:
        wait_for(
            "a failed poll",
            lambda: sidecar.value("dataops_job_last_run_success", job="pg_archiver") == 0.0,
            30,
            sidecar.logfile,
        )
        assert sidecar.value("dataops_wal_archive_poll_success", target="postgres") == 0.0
    finally:
        assert sidecar.stop() == 0
    failed = [r for r in sidecar.log_records() if r.get("event") == "job.failed"]
    assert failed and all(r["job"] == "pg_archiver" and r["run_id"] for r in failed)
    assert "S3cr3tPw" not in sidecar.logfile.read_text()
    payload = b"".join(bodies)
    assert b"pg_archiver failed" in payload
    assert b"S3cr3tPw" not in payload


def test_check_prints_the_schedules(tmp_path: Path, run_cli) -> None:  # type: ignore[no-untyped-def]
    example = REPO / "configs" / "sidecar.example.yaml"
    result = run_cli("serve", "--config", str(example), "--check")
    assert result.returncode == 0, result.stderr
    assert "pg_backup: 0 2 * * *, 0 */6 * * * (timeout 21600 s)" in result.stdout
    assert "pg_archiver: every 30s" in result.stdout
    assert len(result.stdout.splitlines()) == 8
    # `jobs run` without a sidecar: exit 3 with a hint, no traceback
    result = run_cli(
        "jobs", "run", "pg_archiver",
        env={"DATAOPS_ADMIN_TOKEN": "x" * 20, "DATAOPS_HTTP_ADDR": f"127.0.0.1:{free_port()}"},
    )  # fmt: skip
    assert result.returncode == 3, result.stderr
    assert "--local" in result.stderr and "Traceback" not in result.stderr
    for args in (("serve", "--help"), ("jobs", "--help"), ("jobs", "run", "--help")):
        assert run_cli(*args).returncode == 0


def test_check_validates_the_http_address(run_cli) -> None:  # type: ignore[no-untyped-def]
    """`serve --check` refuses what `serve` would refuse (exit 2), not print "ok"."""
    example = REPO / "configs" / "sidecar.example.yaml"
    env = {"DATAOPS_HTTP_ADDR": "127.0.0.1:99999"}
    result = run_cli("serve", "--config", str(example), "--check", env=env)
    assert result.returncode == 2, result.stdout + result.stderr
    assert "DATAOPS_HTTP_ADDR='127.0.0.1:99999'" in result.stderr
    assert result.stdout == ""
