"""``dataops doctor`` shows the PostgreSQL backup engine, its version and its repository."""

from __future__ import annotations

import json
import subprocess
from collections.abc import Callable

import pytest

from tests.harness.minio import MinioServer

pytestmark = [pytest.mark.integration]

RunCli = Callable[..., subprocess.CompletedProcess[str]]


def engine_check(out: subprocess.CompletedProcess[str]) -> dict[str, object]:
    report = json.loads(out.stdout)
    check: dict[str, object] = next(c for c in report["checks"] if c["name"] == "backup engine")
    return check


def test_pgbackrest_engine_version_and_repository(
    run_cli: RunCli, minio_tls: MinioServer, tls_bucket: str
) -> None:
    env = {**minio_tls.env(tls_bucket, "pg"), "DATAOPS_PG_BACKUP_ENGINE": "pgbackrest"}
    done = run_cli("doctor", "--json", env=env)
    assert done.returncode == 0, done.stdout + done.stderr
    check = engine_check(done)
    assert check["status"] == "ok", check
    assert "pgbackrest (pgBackRest 2." in str(check["detail"])
    assert f"s3://{tls_bucket}/pg" in str(check["detail"]) and "reachable" in str(check["detail"])
    assert minio_tls.secret_key not in done.stdout + done.stderr

    wrong = {**env, "AWS_SECRET_ACCESS_KEY": "wrong-secret-987654"}
    done = run_cli("doctor", "--json", env=wrong)
    assert done.returncode == 3
    check = engine_check(done)
    assert check["status"] == "failed" and "rejected the credentials" in str(check["detail"])
    assert "wrong-secret-987654" not in done.stdout + done.stderr

    # pgBackRest 2.45 speaks S3 over TLS only: a plain http endpoint is refused up front
    plain = {**env, "DATAOPS_S3_ENDPOINT": minio_tls.endpoint.replace("https://", "http://")}
    done = run_cli("doctor", "--json", env=plain)
    assert done.returncode == 3
    assert "TLS only" in str(engine_check(done)["detail"])


def test_unknown_engine_is_a_config_error(run_cli: RunCli) -> None:
    done = run_cli("doctor", env={"DATAOPS_PG_BACKUP_ENGINE": "barman"})
    assert done.returncode == 2
    assert "DATAOPS_PG_BACKUP_ENGINE" in done.stderr
