"""``dataops drill files`` end to end: real Borg 1.4, rclone and MinIO, the CLI as a process."""

from __future__ import annotations

import json
import os
import secrets
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import xmlschema

from tests.conftest import _clean_env
from tests.harness.common import tools_bin
from tests.harness.minio import MinioServer

pytestmark = pytest.mark.integration

RunCli = Callable[..., subprocess.CompletedProcess[str]]
XSD = Path(__file__).resolve().parents[1] / "data" / "junit.xsd"
PASSPHRASE = "drill horse " + secrets.token_hex(8)
OLD_NS = 1_600_000_000_000_000_000


def _tree(root: Path) -> None:
    (root / "sub").mkdir(parents=True)
    (root / "a.bin").write_bytes(os.urandom(200_000))
    (root / "b.txt").write_text("hello\n")
    (root / "sub" / "c.key").write_bytes(b"\x00secret-ish\xff")
    (root / "sub" / "c.key").chmod(0o600)
    (root / "sub" / "gone.txt").write_text("deleted after the backup\n")
    (root / "link").symlink_to("b.txt")
    for path in root.rglob("*"):
        os.utime(path, ns=(OLD_NS, OLD_NS), follow_symlinks=False)


def _env(minio: MinioServer, bucket: str, tmp_path: Path, source: Path) -> dict[str, str]:
    borg = tools_bin() / "borg"
    scratch = tmp_path / "scratch"
    scratch.mkdir()
    return {
        **minio.env(bucket, "app"),
        "DATAOPS_BORG_REPO": str(tmp_path / "volume" / "repo"),
        "DATAOPS_BORG_BASE_DIR": str(tmp_path / "volume" / "borg-home"),
        "DATAOPS_FILES_PATHS": str(source),
        "DATAOPS_BORG_PASSPHRASE": PASSPHRASE,
        "DATAOPS_BORG_SEGMENT_SIZE_MIB": "1",
        "DATAOPS_BORG_BIN": str(borg) if borg.exists() else "borg",
        "DATAOPS_RCLONE_RETRIES": "1",
        "DATAOPS_DRILL_SCRATCH_DIR": str(scratch),
        "DATAOPS_LOG_FORMAT": "json",
    }


def _drill(
    run_cli: RunCli, env: dict[str, str], tmp_path: Path, *args: str
) -> tuple[subprocess.CompletedProcess[str], dict[str, Any], str]:
    report, junit = tmp_path / "drill.json", tmp_path / "drill.xml"
    for path in (report, junit):
        path.unlink(missing_ok=True)
    proc = run_cli(
        "drill", "files", "--json", str(report), "--junit", str(junit), *args, env=env, timeout=600
    )
    # dataops never prints a traceback (Borg's own, inside a JSON log line, may appear)
    assert "Traceback (most recent call last):\n" not in proc.stderr
    assert PASSPHRASE not in proc.stdout + proc.stderr
    assert env["AWS_SECRET_ACCESS_KEY"] not in proc.stdout + proc.stderr
    xml = junit.read_text()
    xmlschema.XMLSchema(str(XSD)).validate(xml)
    return proc, json.loads(report.read_text()), xml


@pytest.fixture
def pushed(
    run_cli: RunCli, minio: MinioServer, bucket: str, tmp_path: Path
) -> tuple[dict[str, str], Path]:
    source = tmp_path / "app-files"
    source.mkdir()
    _tree(source)
    env = _env(minio, bucket, tmp_path, source)
    proc = run_cli("backup", "files", "push", "--json", env=env, timeout=600)
    assert proc.returncode == 0, proc.stderr[-3000:]
    return env, source


def test_files_drill_passes_and_reports_changes(
    run_cli: RunCli, pushed: tuple[dict[str, str], Path], tmp_path: Path
) -> None:
    env, source = pushed
    time.sleep(1.1)
    (source / "b.txt").write_text("changed after the backup\n")
    (source / "sub" / "gone.txt").unlink()
    proc, report, xml = _drill(run_cli, env, tmp_path, "--all", "--rpo-objective", "1h")
    assert proc.returncode == 0, proc.stdout + proc.stderr[-3000:]
    assert proc.stdout.splitlines()[-1] == "drill: 7 passed, 0 failed"
    assert report["schema"] == "dataops.drill/v1"
    assert report["drill"] == "files" and report["result"] == "passed"
    assert report["backup"].startswith("files-")
    assert 0 < report["rto_seconds"] < 300
    assert 0 < report["rpo_seconds"] < 300
    assert report["extra"]["changed_after_archive"] == [str(source / "b.txt")]
    assert report["extra"]["gone_from_source"] == [str(source / "sub" / "gone.txt")]
    assert report["extra"]["compared"] == 5
    assert "off-site copy" in report["extra"]["source"]
    names = [c["name"] for c in report["checks"]]
    assert names == ["repository", "borg check", "extract", "compare", "rpo", "rto", "teardown"]
    assert "1 changed after the archive, 1 gone" in report["checks"][3]["message"]
    assert 'name="rpo_seconds"' in xml
    assert list(Path(env["DATAOPS_DRILL_SCRATCH_DIR"]).iterdir()) == []

    local, report, _ = _drill(run_cli, env, tmp_path, "--local", "--sample", "2")
    assert local.returncode == 0, local.stdout + local.stderr[-3000:]
    assert report["extra"]["compared"] == 2
    assert "local repository" in report["extra"]["source"]


def test_corrupted_borg_object_fails_the_drill(
    run_cli: RunCli,
    pushed: tuple[dict[str, str], Path],
    tmp_path: Path,
    minio: MinioServer,
    bucket: str,
) -> None:
    env, _ = pushed
    client = minio.client()
    segments = [
        item["Key"]
        for page in client.get_paginator("list_objects_v2").paginate(
            Bucket=bucket, Prefix="app/borg/data/"
        )
        for item in page.get("Contents", [])
        if item["Size"] > 1000
    ]
    assert segments
    key = max(segments, key=lambda k: int(k.rsplit("/", 1)[1]))
    body = bytearray(client.get_object(Bucket=bucket, Key=key)["Body"].read())
    middle = len(body) // 2
    body[middle : middle + 64] = bytes(b ^ 0xFF for b in body[middle : middle + 64])
    client.put_object(Bucket=bucket, Key=key, Body=bytes(body))

    proc, report, xml = _drill(run_cli, env, tmp_path, "--keep-on-failure")
    assert proc.returncode == 1, proc.stdout + proc.stderr[-3000:]
    failed = [c for c in report["checks"] if c["status"] == "failed"]
    assert failed and failed[0]["name"] in ("borg check", "extract")
    assert report["checks"][1]["name"] == "borg check"
    assert report["checks"][1]["status"] == "failed"
    assert proc.stdout.splitlines()[-1].endswith("failed") and " 0 failed" not in proc.stdout
    assert "<failure" in xml
    assert report["kept"] is True and Path(report["scratch_dir"]).is_dir()

    # the local repository is sound: --local still passes
    local, _, _ = _drill(run_cli, env, tmp_path, "--local")
    assert local.returncode == 0, local.stdout


def test_rpo_objective_missed_fails(
    run_cli: RunCli, pushed: tuple[dict[str, str], Path], tmp_path: Path
) -> None:
    env, _ = pushed
    time.sleep(2.5)
    proc, report, _ = _drill(run_cli, env, tmp_path, "--local", "--rpo-objective", "1s")
    assert proc.returncode == 1
    rpo = next(c for c in report["checks"] if c["name"] == "rpo")
    assert rpo["status"] == "failed"
    assert "RPO objective missed" in rpo["message"]
    assert "rpo" in proc.stdout and "FAILED" in proc.stdout
    assert proc.stdout.splitlines()[-1] == "drill: 6 passed, 1 failed"
    assert list(Path(env["DATAOPS_DRILL_SCRATCH_DIR"]).iterdir()) == []


def test_ctrl_c_mid_drill_removes_the_scratch_folder(
    pushed: tuple[dict[str, str], Path], tmp_path: Path
) -> None:
    env, _ = pushed
    scratch = Path(env["DATAOPS_DRILL_SCRATCH_DIR"])
    child = subprocess.Popen(
        [sys.executable, "-m", "dataops", "drill", "files", "--all", "--keep-on-failure"],
        env={**_clean_env(), **env},
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline and child.poll() is None:
            if any(scratch.iterdir()):
                break
            time.sleep(0.02)
        assert child.poll() is None, child.communicate()
        time.sleep(0.3)  # inside the pull / check
        child.send_signal(signal.SIGINT)
        out, err = child.communicate(timeout=120)
    finally:
        if child.poll() is None:
            child.kill()
    assert child.returncode == 130, err[-3000:]
    assert "Traceback (most recent call last):\n" not in err
    assert "drill: " not in out
    assert list(scratch.iterdir()) == []
