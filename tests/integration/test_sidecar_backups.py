"""``dataops serve`` end to end with real PostgreSQL, MinIO (TLS) and pgBackRest, scraped by
a real Prometheus whose alert rules are the shipped ones (with a short ``for:``).

One long scenario, because every step builds on the repository the previous ones made:
backups on second-level schedules -> Prometheus sees them -> MinIO stopped: the backup
fails, /readyz says 503, DataopsBackupFailing fires -> MinIO back: it recovers -> SIGTERM
in the middle of a base backup: exit 0, nothing left running or locked, a whole state
file -> a restart keeps every last-success value -> without the state file they come
back from the repository -> the status page in Chromium.
"""

from __future__ import annotations

import fcntl
import json
import os
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml

from dataops.drill.rpo import HEARTBEAT_DDL, HEARTBEAT_UPSERT
from tests.conftest import clean_env
from tests.harness.common import service_dir, wait_for
from tests.harness.minio import MinioServer, start_minio
from tests.harness.postgres import PgServer
from tests.harness.prometheus import start_prometheus
from tests.integration.sidecar_support import ARTIFACTS, REPO, SidecarProcess, chromium

pytestmark = pytest.mark.integration

TOKEN = "admin-" + "k" * 24
CONFIG = """
version: 1
defaults:
  overdue_delay: 1s          # a job that never ran is overdue: the first full backup is at once
  misfire_grace_time: 30s
jobs:
  pg_backup:
    schedule: every 1h
    incremental_schedule: "*/40 * * * * *"   # cron with seconds
    timeout: 40s             # pgBackRest waits long for a storage that is gone
  pg_archiver:
    schedule: every 2s
  pg_verify:
    schedule: "@daily"       # never ran: runs at start, after the first full backup
  pg_retain:
    schedule: "@daily"
    options:
      full: 2
"""


DRILL = """
  drill_pg:
    schedule: "0 3 * * 6"
    options:
      rpo_objective: 1h
"""


@pytest.fixture
def minio_own() -> Iterator[MinioServer]:
    """A TLS MinIO of this test alone: it is stopped and started again."""
    server = start_minio(tls=True)
    yield server
    server.destroy()


def _pgbackrest_running(minio: MinioServer, command: bytes | None = None) -> list[int]:
    """pgbackrest processes talking to this test's MinIO (other tests may run their own)."""
    port = f"PGBACKREST_REPO1_STORAGE_PORT={minio.port}".encode()
    pids = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            argv = (entry / "cmdline").read_bytes().split(b"\0")
            environ = (entry / "environ").read_bytes().split(b"\0")
        except OSError:
            continue
        if not argv or not argv[0].endswith(b"pgbackrest") or port not in environ:
            continue
        if command is None or command in argv:
            pids.append(int(entry.name))
    return pids


def _lock_free(path: Path) -> bool:
    if not path.exists():
        return True
    fd = os.open(path, os.O_RDWR)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        return True
    except OSError:
        return False
    finally:
        os.close(fd)


def _overlay_rules(tmp_path: Path) -> Path:
    """The shipped alerts with `for:` shortened so the test sees them fire in seconds."""
    rules = yaml.safe_load((REPO / "configs" / "prometheus" / "alerts.yml").read_text())
    for group in rules["groups"]:
        for rule in group["rules"]:
            if "for" in rule:
                rule["for"] = "1s"
    path = tmp_path / "alerts-overlay.yml"
    path.write_text(yaml.safe_dump(rules))
    return path


def _setup_archiving(pg: PgServer, env: dict[str, str], run_cli: Callable[..., Any]) -> None:
    conf = pg.root / "pgbackrest.conf"
    result = run_cli(
        "backup", "pg", "archive-config", "--write-walg-config", str(conf), "--json", env=env
    )
    assert result.returncode == 0, result.stderr
    for key, value in json.loads(result.stdout)["settings"].items():
        if key != "archive_mode":
            pg.execute(f"ALTER SYSTEM SET {key} = '" + value.replace("'", "''") + "'")
    pg.execute("SELECT pg_reload_conf()")
    # some data, so that a base backup takes a few seconds; the drill's heartbeat (RPO)
    pg.execute(
        "CREATE TABLE filler AS SELECT g AS id, md5(g::text) AS v FROM generate_series(1, 300000) g"
    )
    pg.execute(HEARTBEAT_DDL)
    pg.execute(HEARTBEAT_UPSERT.replace("%s", "'test'"))


def test_sidecar_backups_metrics_alerts_restart(
    pg_factory: Callable[..., PgServer],
    minio_own: MinioServer,
    tmp_path: Path,
    run_cli: Callable[..., Any],
) -> None:
    pg = pg_factory(archive_mode="on")
    bucket = minio_own.create_bucket("sidecar")
    env = {
        **minio_own.env(bucket, "pg"),
        "DATAOPS_DATABASE_URL": pg.url(),
        "DATAOPS_PG_DATA": str(pg.datadir),
        "DATAOPS_PG_BACKUP_ENGINE": "pgbackrest",
        "DATAOPS_ADMIN_TOKEN": TOKEN,
        "DATAOPS_SHUTDOWN_GRACE": "1",
    }
    _setup_archiving(pg, env, run_cli)
    scratch = service_dir("sidecar-drill", "postgres")
    sidecar = SidecarProcess(tmp_path, CONFIG, env)
    full = {"engine": "pgbackrest", "target": "postgres", "type": "full"}
    incr = {"engine": "pgbackrest", "target": "postgres", "type": "incr"}
    last_success = "dataops_backup_last_success_timestamp_seconds"
    prometheus = None
    sidecar.start()
    try:
        # every known series from the first scrape; the overdue full backup runs at once
        assert sidecar.value(last_success, **incr) is not None
        wait_for("a full backup", lambda: (sidecar.value(last_success, **full) or 0) > 0, 180,
                 sidecar.logfile)  # fmt: skip
        assert sidecar.value("dataops_backup_last_attempt_success", **full) == 1.0
        assert (sidecar.value("dataops_backup_last_size_bytes", **full) or 0) > 0
        # verification and retention were overdue too: they ran after the backup
        wait_for("verify", lambda: sidecar.value("dataops_repo_verify_last_success") == 1.0, 120,
                 sidecar.logfile)  # fmt: skip
        assert (sidecar.value("dataops_repo_verify_last_success_timestamp_seconds") or 0) > 0
        assert sidecar.job("pg_retain")["runs"][0]["last_result"] == "success"
        assert (sidecar.value("dataops_backups_retained", engine="pgbackrest") or 0) >= 1
        assert (sidecar.value("dataops_pitr_window_start_timestamp_seconds") or 0) > 0
        records = sidecar.log_records()
        child_lines = [r for r in records if r.get("event") == "pgbackrest.start"]
        assert child_lines and all(r.get("job") in ("pg_backup", "pg_verify", "pg_retain")
                                   and r.get("run_id") for r in child_lines)  # fmt: skip
        assert {r["job"] for r in child_lines} == {"pg_backup", "pg_verify", "pg_retain"}
        assert TOKEN not in sidecar.logfile.read_text()
        assert minio_own.secret_key not in sidecar.logfile.read_text()
        lint = subprocess.run(["promtool", "check", "metrics"], input=sidecar.metrics_text(),
                              capture_output=True, text=True, timeout=60)  # fmt: skip
        assert lint.returncode == 0 and not (lint.stdout + lint.stderr).strip(), lint.stdout

        # a real Prometheus scrapes the sidecar; its query API returns the backup metric
        prometheus = start_prometheus([f"127.0.0.1:{sidecar.port}"], [_overlay_rules(tmp_path)])
        wait_for("scrape", lambda: bool(prometheus.query(f'{last_success}{{type="full"}} > 0')),
                 60, prometheus.logfile)  # fmt: skip
        sample = prometheus.query(f'{last_success}{{type="full"}}')[0]
        assert sample["metric"]["job"] == "dataops"
        assert float(sample["value"][1]) == sidecar.value(last_success, **full)

        def trigger(query: str = "") -> dict[str, Any]:
            """POST /jobs/pg_backup/run; a scheduled run may be going: wait for it first."""
            for _ in range(5):
                code, reply = sidecar.run_job("pg_backup", TOKEN, query)
                if code != 409:
                    break
                wait_for("pg_backup idle", lambda: not sidecar.job("pg_backup")["running"], 120,
                         sidecar.logfile)  # fmt: skip
            assert code == 202, reply
            return reply

        # MinIO stops: readiness fails, the backup fails, the alert fires
        minio_own.stop()
        wait_for("readyz 503", lambda: sidecar.get("/readyz")[0] == 503, 30, sidecar.logfile)
        reply = trigger()
        run = sidecar.wait_run("pg_backup", reply["run_id"])
        assert run["last_result"] == "failed"
        assert run["last_error"].startswith("timed out after 40 s"), run
        # the timeout ended the job's processes, pgbackrest included
        wait_for("pgbackrest ended", lambda: not _pgbackrest_running(minio_own), 15)
        assert sidecar.value("dataops_backup_last_attempt_success", **full) == 0.0

        def firing() -> list[dict[str, Any]]:
            return [a for a in prometheus.alerts()
                    if a["labels"]["alertname"] == "DataopsBackupFailing"
                    and a["state"] == "firing"]  # fmt: skip

        # (a scheduled incremental run fails as well and may fire first)
        wait_for("DataopsBackupFailing firing for the full backup",
                 lambda: "full" in {a["labels"]["type"] for a in firing()}, 60,
                 prometheus.logfile)  # fmt: skip

        # MinIO back: the next backups succeed and the alert resolves
        minio_own.start()
        wait_for("readyz 200", lambda: sidecar.get("/readyz")[0] == 200, 60, sidecar.logfile)
        for query in ("", "?variant=incremental"):
            reply = trigger(query)
            assert sidecar.wait_run("pg_backup", reply["run_id"])["last_result"] == "success"
        wait_for("alert resolved", lambda: not firing(), 60, prometheus.logfile)
        assert sidecar.value("dataops_backup_last_attempt_success", **full) == 1.0
        assert (sidecar.value(last_success, **incr) or 0) > 0
        assert sidecar.value("dataops_backup_runs_total", result="failed", **full) == 1.0

        # SIGTERM in the middle of a base backup: exit 0, nothing left behind
        wait_for("pg_backup idle", lambda: not sidecar.job("pg_backup")["running"], 120,
                 sidecar.logfile)  # fmt: skip
        before = {k: sidecar.value(last_success, **k_labels)
                  for k, k_labels in (("full", full), ("incr", incr))}  # fmt: skip
        reply = trigger()
        wait_for("pgbackrest backup running", lambda: bool(_pgbackrest_running(minio_own, b"backup")), 60,
                 sidecar.logfile)  # fmt: skip
        started = time.monotonic()
        assert sidecar.stop(signal.SIGTERM, timeout=60) == 0
        assert time.monotonic() - started < 30
        wait_for("no pgbackrest left", lambda: not _pgbackrest_running(minio_own), 15)
        state_dir = tmp_path / "state"
        state = json.loads((state_dir / "state.json").read_text())
        assert state["runs"]["pg_backup:full"]["last_run_id"] == reply["run_id"]
        assert state["runs"]["pg_backup:full"]["last_result"] == "interrupted"
        assert not [p for p in state_dir.iterdir() if p.name.endswith(".tmp")]
        lock_files = sorted(p.name for p in (tmp_path / "locks").glob("*.lock"))
        assert "heavy.lock" in lock_files and any(n.startswith("pg-") for n in lock_files)
        assert all(_lock_free(tmp_path / "locks" / name) for name in lock_files)
        events = [r.get("event") for r in sidecar.log_records()]
        assert "job.terminated" in events and events[-1] == "sidecar.stopped"

        # a restart keeps every last-success value, from the first scrape
        sidecar.start()
        assert {k: sidecar.value(last_success, **k_labels)
                for k, k_labels in (("full", full), ("incr", incr))} == before  # fmt: skip
        # the interrupted run is no failure: no false alert after a deploy
        assert sidecar.value("dataops_backup_last_attempt_success", **full) == 1.0

        # ... and the next start runs fine: `dataops jobs run` asks the sidecar to back up
        cli_env = {**env, "DATAOPS_HTTP_ADDR": f"127.0.0.1:{sidecar.port}",
                   "DATAOPS_STATE_DIR": str(state_dir)}  # fmt: skip
        for _ in range(5):  # the restart's overdue incremental may be running: wait for it
            wait_for("pg_backup idle", lambda: not sidecar.job("pg_backup")["running"], 120,
                     sidecar.logfile)  # fmt: skip
            result = run_cli("jobs", "run", "pg_backup", "--json", env=cli_env, timeout=300)
            if "running already" not in result.stderr:
                break
        assert result.returncode == 0, result.stderr
        assert json.loads(result.stdout)["result"] == "success"
        newest_full = sidecar.value(last_success, **full)
        assert newest_full is not None and newest_full > (before["full"] or 0)
        newest_incr = sidecar.value(last_success, **incr)
        assert sidecar.stop() == 0

        # the state file lost: last success comes back from the repository listing; a
        # restore drill is configured now, and as it never ran it runs soon after start
        (state_dir / "state.json").unlink()
        sidecar.config_path.write_text(CONFIG + DRILL)
        sidecar.env["DATAOPS_DRILL_SCRATCH_DIR"] = str(scratch)
        sidecar.start()
        wait_for("refreshed", lambda: sidecar.status()["refreshed"], 60, sidecar.logfile)
        assert sidecar.value(last_success, **full) == newest_full
        assert sidecar.value(last_success, **incr) == newest_incr
        assert sidecar.value("dataops_drill_rpo_objective_seconds", drill="pg") == 3600.0
        wait_for("drill", lambda: sidecar.value("dataops_drill_last_run_success", drill="pg") == 1,
                 300, sidecar.logfile)  # fmt: skip
        assert (sidecar.value("dataops_drill_last_rto_seconds", drill="pg") or 0) > 0
        assert (sidecar.value("dataops_drill_last_success_timestamp_seconds", drill="pg") or 0) > 0
        assert sidecar.status()["drills"]["drill_pg"]["last_result"] == "success"
        # retention through the admin endpoint: no more than 2 full backups (and their incrs)
        code, reply = sidecar.run_job("pg_retain", TOKEN)
        assert code in (202, 409), reply
        wait_for("retained", lambda: sidecar.job("pg_retain")["runs"][0]["last_result"] == "success"
                 and not sidecar.job("pg_retain")["running"], 120, sidecar.logfile)  # fmt: skip
        listed = run_cli("backup", "pg", "list", "--json", env=env)
        assert listed.returncode == 0, listed.stderr
        fulls = [b for b in json.loads(listed.stdout) if b["kind"] == "full"]
        assert 1 <= len(fulls) <= 2
        assert sidecar.value("dataops_backups_retained", engine="pgbackrest") == len(
            json.loads(listed.stdout)
        )
        listed = run_cli("jobs", "list", "--config", str(sidecar.config_path), env=cli_env)
        assert listed.returncode == 0, listed.stderr
        assert "pg_backup" in listed.stdout and "scheduled" in listed.stdout

        # the status page with jobs and backups, in headless Chromium
        dom = chromium(["--dump-dom", sidecar.url + "/"], tmp_path / "profile-dom")
        assert dom.returncode == 0, dom.stderr[-2000:]
        backup_name = sidecar.status()["backups"][0]["last_backup"]
        for text in ("pg_backup:full", "pg_archiver", "incremental", "drill_pg", backup_name):
            assert text in dom.stdout, text
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        shot = ARTIFACTS / "sidecar-status.png"
        shot.unlink(missing_ok=True)
        taken = chromium(["--screenshot=" + str(shot), "--window-size=1400,1300",
                          sidecar.url + "/"], tmp_path / "profile-shot")  # fmt: skip
        assert taken.returncode == 0, taken.stderr[-2000:]
        assert shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
        assert sidecar.stop() == 0
    finally:
        sidecar.kill()
        if prometheus is not None:
            prometheus.destroy()
        shutil.rmtree(scratch, ignore_errors=True)


def test_sidecar_and_manual_commands_exclude_each_other(pg: PgServer, tmp_path: Path) -> None:
    """The target lock: a job finds a person's command holding it (and is skipped, counted),
    a person's command finds the job holding it (and stops at once, naming the holder)."""
    from dataops import locks
    from dataops.config.settings import Settings

    env = clean_env()
    env.update(
        {
            "DATAOPS_DATABASE_URL": pg.url(),
            "DATAOPS_STATE_DIR": str(tmp_path / "state"),
            "DATAOPS_LOCK_DIR": str(tmp_path / "locks"),
            "DATAOPS_PG_BACKUP_ENGINE": "pgbackrest",
            "DATAOPS_S3_BUCKET": "somewhere",
            "DATAOPS_S3_ENDPOINT": "https://127.0.0.1:9",
        }
    )
    settings = Settings(
        s3_bucket="somewhere", s3_endpoint="https://127.0.0.1:9", pg_backup_engine="pgbackrest"
    )
    name = locks.target_name(settings, "pg")
    assert name.startswith("pg-")
    assert name != locks.target_name(settings.model_copy(update={"s3_bucket": "other"}), "pg")
    (tmp_path / "locks").mkdir()

    def dataops(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run([sys.executable, "-m", "dataops", *args], env=env,
                              capture_output=True, text=True, timeout=120)  # fmt: skip

    with locks.hold(name, settings=settings.model_copy(update={"lock_dir": tmp_path / "locks"}),
                    owner="dataops backup pg push"):  # fmt: skip
        config = tmp_path / "sidecar.yaml"
        config.write_text(
            "defaults:\n  lock_wait: 2s\njobs:\n  pg_verify:\n    schedule: '@daily'\n"
        )
        job = dataops("jobs", "run", "pg_verify", "--local", "--json", "--config", str(config))
        manual = dataops("backup", "pg", "verify")
    assert job.returncode == 1, job.stderr
    outcome = json.loads(job.stdout)
    assert outcome["result"] == "skipped" and outcome["skip_reason"] == "target_locked"
    assert "held by pid" in outcome["error"] and "dataops backup pg push" in outcome["error"]
    assert manual.returncode == 1, manual.stderr
    assert f"{name} is locked by another dataops process" in manual.stderr
    assert "Traceback" not in manual.stderr + job.stderr
    state = json.loads((tmp_path / "state" / "state.json").read_text())
    assert state["runs"]["pg_verify"]["last_result"] == "skipped"
