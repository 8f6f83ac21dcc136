"""``dataops serve`` with the files jobs: Borg archive + checked off-site copy on MinIO,
``borg check``/``rclone check``, and a files restore drill, one after the other (all three
want the same repository; two are heavy), then a restart without the state file."""

from __future__ import annotations

import json
import signal
from pathlib import Path

import pytest

from tests.harness.common import wait_for
from tests.harness.minio import MinioServer
from tests.integration.sidecar_support import SidecarProcess
from tests.integration.test_backup_files import files_env, make_tree

pytestmark = pytest.mark.integration

CONFIG = """
version: 1
defaults:
  overdue_delay: 1s
jobs:
  files_backup:
    schedule: every 1h
  files_check:
    schedule: "@daily"
  drill_files:
    schedule: "0 4 * * 6"
    options:
      rpo_objective: 1h
      sample: 20
"""


def test_files_jobs_through_the_sidecar(minio: MinioServer, bucket: str, tmp_path: Path) -> None:
    source = tmp_path / "app-files"
    source.mkdir()
    make_tree(source)
    env = files_env(minio, bucket, tmp_path, source)
    env["DATAOPS_DRILL_SCRATCH_DIR"] = str(tmp_path / "scratch")
    (tmp_path / "scratch").mkdir()
    workdir = tmp_path / "sidecar"
    workdir.mkdir()
    sidecar = SidecarProcess(workdir, CONFIG, env)
    archive = {"engine": "borg", "target": "files", "type": "archive"}
    sidecar.start()
    try:
        # never ran: all three are overdue and run once, one at a time
        wait_for(
            "backup, check and drill",
            lambda: (
                sidecar.value("dataops_drill_last_run_success", drill="files") is not None
                and sidecar.value("dataops_drill_last_run_success", drill="files") == 1.0
                and sidecar.value("dataops_repo_verify_last_success", engine="borg") == 1.0
            ),
            300,
            sidecar.logfile,
        )
        success = sidecar.value("dataops_backup_last_success_timestamp_seconds", **archive)
        offsite = sidecar.value("dataops_offsite_sync_last_success_timestamp_seconds")
        assert success and success > 0 and offsite and offsite >= success
        assert (sidecar.value("dataops_backup_last_size_bytes", **archive) or 0) > 0
        assert sidecar.value("dataops_drill_rpo_objective_seconds", drill="files") == 3600.0
        assert sidecar.value("dataops_drill_last_rto_seconds", drill="files") is not None
        status = sidecar.status()
        assert status["backups"][0]["last_backup"]
        assert status["drills"]["drill_files"]["last_result"] == "success"
        log = sidecar.logfile.read_text()
        assert env["DATAOPS_BORG_PASSPHRASE"] not in log
        assert env["AWS_SECRET_ACCESS_KEY"] not in log
        # the heavy ones never overlapped: each started after the other had finished
        runs = [
            r for r in sidecar.log_records() if r.get("event") in ("job.started", "job.finished")
        ]
        heavy = [r for r in runs if r["job"] in ("files_backup", "drill_files")]
        assert [r["event"] for r in heavy] == ["job.started", "job.finished"] * 2, heavy
    finally:
        assert sidecar.stop(signal.SIGTERM) == 0

    # without the state file, last success and the off-site copy come back from the repository
    (workdir / "state" / "state.json").unlink()
    sidecar.start()
    try:
        wait_for("refreshed", lambda: sidecar.status()["refreshed"], 60, sidecar.logfile)
        assert sidecar.value("dataops_backup_last_success_timestamp_seconds", **archive) == success
        assert sidecar.value("dataops_offsite_sync_last_success_timestamp_seconds") == offsite
        state = json.loads((workdir / "state" / "state.json").read_text())
        assert state["runs"]["files_backup"]["last_success"] == success
    finally:
        assert sidecar.stop() == 0
