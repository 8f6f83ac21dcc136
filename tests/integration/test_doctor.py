"""``dataops doctor`` against real services, up and down."""

from __future__ import annotations

import json
import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.harness.common import free_port, tools_bin, walg_binary
from tests.harness.minio import MinioServer
from tests.harness.postgres import PgServer

pytestmark = pytest.mark.integration

RunCli = Callable[..., subprocess.CompletedProcess[str]]


def _json_lines(stderr: str) -> list[dict[str, object]]:
    return [json.loads(line) for line in stderr.splitlines() if line.startswith("{")]


def test_unreachable_database_exits_3_without_leaking(run_cli: RunCli) -> None:
    env = {"DATAOPS_DATABASE_URL": f"postgresql://alice:S3cr3t@127.0.0.1:{free_port()}/db"}
    done = run_cli("doctor", env=env)
    assert done.returncode == 3
    assert "unreachable" in done.stdout + done.stderr
    assert "S3cr3t" not in done.stdout + done.stderr
    records = _json_lines(done.stderr)
    assert records
    assert all("level" in r for r in records)
    # every stderr line but the final human message is a JSON record
    non_json = [line for line in done.stderr.splitlines() if not line.startswith("{")]
    assert non_json[0].startswith("dataops: error:")


def test_everything_up(run_cli: RunCli, pg: PgServer, minio: MinioServer, bucket: str) -> None:
    env = {
        "DATAOPS_DATABASE_URL": pg.url(),
        "PATH": f"{tools_bin()}:/usr/bin:/bin",
        **minio.env(bucket),
    }
    done = run_cli("doctor", "--json", env=env)
    assert done.returncode == 0, done.stderr
    report = json.loads(done.stdout)
    checks = {c["name"]: c for c in report["checks"]}
    assert report["ok"] is True
    assert checks["database"]["status"] == "ok"
    assert "PostgreSQL 15" in checks["database"]["detail"]
    assert checks["object storage"]["status"] == "ok"
    # wal-g is optional (the Go module proxy does not serve it): reported either way.
    assert checks["wal-g"]["status"] == ("ok" if walg_binary() else "missing")
    assert checks["pg_dump"]["status"] == "ok"
    # pgBackRest has no --version: its `version` command names it
    assert checks["pgbackrest"]["status"] == "ok", checks["pgbackrest"]
    assert checks["pgbackrest"]["detail"].startswith("pgBackRest 2.")
    assert pg.password not in done.stdout + done.stderr
    assert minio.secret_key not in done.stdout + done.stderr
    # the probe object was removed again
    assert minio.client().list_objects_v2(Bucket=bucket).get("KeyCount") == 0


def test_storage_wrong_credentials_exit_3(run_cli: RunCli, minio: MinioServer, bucket: str) -> None:
    env = {**minio.env(bucket), "AWS_SECRET_ACCESS_KEY": "wrong-secret-123456"}
    done = run_cli("doctor", "--json", env=env)
    assert done.returncode == 3
    report = json.loads(done.stdout)
    storage = next(c for c in report["checks"] if c["name"] == "object storage")
    assert storage["status"] == "failed"
    assert "wrong-secret-123456" not in done.stdout + done.stderr


def test_storage_down_exit_3(run_cli: RunCli) -> None:
    env = {
        "DATAOPS_S3_ENDPOINT": f"http://127.0.0.1:{free_port()}",
        "DATAOPS_S3_BUCKET": "nope",
        "AWS_ACCESS_KEY_ID": "ak",
        "AWS_SECRET_ACCESS_KEY": "sk-not-shown-123",
    }
    done = run_cli("doctor", env=env, timeout=120)
    assert done.returncode == 3
    assert "object storage" in done.stdout
    assert "sk-not-shown-123" not in done.stdout + done.stderr


def test_mariadb_and_sqlite_urls(run_cli: RunCli, tmp_path: object) -> None:
    done = run_cli("doctor", "--json", env={"DATAOPS_DATABASE_URL": "sqlite:///:memory:"})
    assert done.returncode == 0, done.stderr
    database = json.loads(done.stdout)["checks"][0]
    assert database["status"] == "ok"
    assert "SQLite" in database["detail"]


def test_sqlite_missing_or_not_a_database_exit_3(run_cli: RunCli, tmp_path: Path) -> None:
    """doctor created an empty file for a missing SQLite database and called a file that
    is no database "ok"."""
    missing = tmp_path / "missing.db"
    done = run_cli("doctor", env={"DATAOPS_DATABASE_URL": f"sqlite:///{missing}"})
    assert done.returncode == 3, done.stdout + done.stderr
    assert "no such file" in done.stdout
    assert not missing.exists()
    bogus = tmp_path / "bogus.db"
    bogus.write_text("not a database\n" * 100)
    done = run_cli("doctor", env={"DATAOPS_DATABASE_URL": f"sqlite:///{bogus}"})
    assert done.returncode == 3, done.stdout + done.stderr
    assert "not a database" in done.stdout
