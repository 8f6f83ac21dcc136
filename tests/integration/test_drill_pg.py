"""``dataops drill pg`` end to end through the real engine: pgBackRest on TLS MinIO, real
PostgreSQL primary and scratch server, the CLI as a process."""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import os
import signal
import subprocess
import sys
import time
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import xmlschema

from dataops.config.settings import load_settings
from dataops.drill.rpo import HEARTBEAT_DDL, HEARTBEAT_UPSERT
from tests.conftest import _clean_env
from tests.harness.common import service_dir
from tests.harness.minio import MinioServer
from tests.harness.postgres import PgServer

pytestmark = pytest.mark.integration

RunCli = Callable[..., subprocess.CompletedProcess[str]]
REPO = Path(__file__).resolve().parents[2]
XSD = REPO / "tests" / "data" / "junit.xsd"
APP_DB = "shop"


@dataclass
class Primary:
    pg: PgServer
    env: dict[str, str]
    scratch: Path
    minio: MinioServer
    bucket: str

    def sql(self, statement: str) -> list[tuple[Any, ...]]:
        return self.pg.execute(statement, APP_DB)

    def archived_through_now(self) -> str:
        """Switch WAL and wait until the segment holding everything so far is archived."""
        segment = str(self.pg.execute("SELECT pg_walfile_name(pg_current_wal_lsn())")[0][0])
        self.pg.execute("SELECT pg_switch_wal()")
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            row = self.pg.execute("SELECT last_archived_wal, failed_count FROM pg_stat_archiver")
            if row[0][0] is not None and str(row[0][0]) >= segment:
                return segment
            time.sleep(0.2)
        raise AssertionError(f"WAL {segment} was not archived: {row}")

    def heartbeat(self) -> None:
        self.sql(HEARTBEAT_UPSERT.replace("%s", "'test'"))

    def wal_objects(self) -> list[str]:
        client = self.minio.client()
        keys = []
        for page in client.get_paginator("list_objects_v2").paginate(
            Bucket=self.bucket, Prefix="pgbr/archive/"
        ):
            keys += [item["Key"] for item in page.get("Contents", [])]
        return sorted(k for k in keys if "/0000" in k and ".backup" not in k)


@pytest.fixture
def primary(
    pg_factory: Callable[..., PgServer],
    minio_tls: MinioServer,
    tls_bucket: str,
    monkeypatch: pytest.MonkeyPatch,
) -> Iterator[Primary]:
    pg = pg_factory(archive_mode="on", archive_command="'/bin/false'", wal_level="replica")
    pg.create_database(APP_DB)
    env = {
        **minio_tls.env(tls_bucket, "pgbr"),
        "DATAOPS_PG_BACKUP_ENGINE": "pgbackrest",
        "DATAOPS_PG_DATA": str(pg.datadir),
        "DATAOPS_DATABASE_URL": pg.url(APP_DB),
        "DATAOPS_PGBACKREST_PROCESS_MAX": "1",
        "DATAOPS_LOG_FORMAT": "json",
    }
    for key, value in env.items():
        monkeypatch.setenv(key, value)
    from dataops.backup.engine import open_engine

    engine = open_engine(load_settings())
    setup = engine.archive_setup()
    engine.write_config(setup, "postgres" if os.geteuid() == 0 else os.environ["USER"])
    quoted = setup.archive_command.replace("'", "''")
    pg.execute(f"ALTER SYSTEM SET archive_command = '{quoted}'")
    pg.execute("SELECT pg_reload_conf()")
    scratch = service_dir("drill-scratch", "postgres")
    env["DATAOPS_DRILL_SCRATCH_DIR"] = str(scratch)
    primary = Primary(pg, env, scratch, minio_tls, tls_bucket)
    primary.sql(
        "CREATE TABLE orders (id serial PRIMARY KEY, total numeric NOT NULL, "
        "created_at timestamptz NOT NULL DEFAULT now());"
        "INSERT INTO orders (total) SELECT g FROM generate_series(1, 1000) g;"
        "CREATE INDEX ON orders (created_at);" + HEARTBEAT_DDL
    )
    primary.heartbeat()
    result = engine.push("full")
    assert result.backup.kind == "full"
    yield primary
    for key in env:
        monkeypatch.delenv(key, raising=False)
    import shutil

    shutil.rmtree(scratch, ignore_errors=True)


def _checks(tmp_path: Path, body: str) -> Path:
    path = tmp_path / f"checks-{uuid.uuid4().hex[:6]}.yaml"
    path.write_text(f"version: 1\ndatabase: {APP_DB}\ntimeout: 60\n{body}")
    return path


def _drill(
    run_cli: RunCli, primary: Primary, tmp_path: Path, *args: str
) -> tuple[subprocess.CompletedProcess[str], dict[str, Any]]:
    report, junit = tmp_path / "drill.json", tmp_path / "drill.xml"
    for path in (report, junit):
        path.unlink(missing_ok=True)
    proc = run_cli(
        "drill", "pg", "--json", str(report), "--junit", str(junit), *args,
        env=primary.env, timeout=600,
    )  # fmt: skip
    assert "Traceback (most recent call last):\n" not in proc.stderr
    assert primary.env["AWS_SECRET_ACCESS_KEY"] not in proc.stdout + proc.stderr
    assert primary.pg.password not in proc.stdout + proc.stderr
    xmlschema.XMLSchema(str(XSD)).validate(junit.read_text())
    data: dict[str, Any] = json.loads(report.read_text())
    assert proc.stdout.splitlines()[-1] == (
        f"drill: {data['counts']['passed']} passed, {data['counts']['failed']} failed"
    )
    # always torn down: no server, no scratch folder
    assert list(primary.scratch.iterdir()) == [] or data["kept"]
    assert _postmasters(primary.scratch) == []
    return proc, data


def _postmasters(root: Path) -> list[str]:
    out = subprocess.run(["ps", "-eo", "pid,args"], capture_output=True, text=True, check=True)
    return [ln for ln in out.stdout.splitlines() if str(root) in ln and "postgres" in ln]


def _check(data: dict[str, Any], name: str) -> dict[str, Any]:
    return next(c for c in data["checks"] if c["name"] == name)


def test_backup_then_drill_passes_with_rto_and_rpo(
    run_cli: RunCli, primary: Primary, tmp_path: Path
) -> None:
    primary.sql("INSERT INTO orders (total) SELECT g FROM generate_series(1, 500) g")
    primary.heartbeat()
    beat = primary.sql("SELECT max(beat_at) FROM dataops.heartbeat")[0][0]
    primary.archived_through_now()
    checks = _checks(
        tmp_path,
        "checks:\n"
        "  - {name: orders after the backup, query: SELECT count(*) FROM orders, expect: {equals: 1500}}\n"
        "  - {name: one heartbeat, query: SELECT 1 FROM dataops.heartbeat, expect: {rows: 1}}\n",
    )
    started = dt.datetime.now(dt.UTC)
    proc, data = _drill(
        run_cli, primary, tmp_path, "--checks", str(checks), "--rto-objective", "10m",
        "--rpo-objective", "10m", "--max-backup-age", "1h",
    )  # fmt: skip
    assert proc.returncode == 0, proc.stdout + proc.stderr[-4000:]
    assert data["schema"] == "dataops.drill/v1"
    assert data["engine"] == "pgbackrest" and data["result"] == "passed"
    assert data["target"] == "latest"
    assert data["backup"] and data["backup"].endswith("F")
    assert data["rpo_source"] == "heartbeat"
    # RPO: the newest heartbeat replayed, measured against the drill's start
    expected_rpo = (dt.datetime.fromisoformat(data["started"]) - beat).total_seconds()
    assert abs(data["rpo_seconds"] - expected_rpo) < 1.0
    assert 0 <= data["rpo_seconds"] < 120
    # RTO: drill start until the server accepted queries, within the drill's own duration
    assert 0 < data["rto_seconds"] < data["duration_seconds"] < 600
    assert dt.datetime.fromisoformat(data["started"]) >= started - dt.timedelta(seconds=1)
    names = [c["name"] for c in data["checks"]]
    assert names == [
        "repository", "verify", "restore", "recovery", "target", "rpo", "rto", "amcheck",
        "tables readable", "check: orders after the backup", "check: one heartbeat", "teardown",
    ]  # fmt: skip
    assert all(c["status"] == "passed" for c in data["checks"]), data["checks"]
    assert "replayed the archive to its end" in _check(data, "target")["message"]
    assert set(data["tool_versions"]) == {"pgbackrest", "postgres"}
    assert data["objectives"]["rpo_seconds"] == 600
    # the production cluster was never touched: same port, still a primary, still archiving
    assert primary.pg.execute("SELECT pg_is_in_recovery()")[0][0] is False


def test_failed_user_check_rpo_objective_and_early_target(
    run_cli: RunCli, primary: Primary, tmp_path: Path
) -> None:
    primary.archived_through_now()
    checks = _checks(
        tmp_path,
        "checks:\n"
        "  - {name: orders exist, query: SELECT count(*) FROM orders, expect: {min: 1}}\n"
        "  - {name: no refunds over 100, query: SELECT max(total) FROM orders, expect: {max: 100}}\n",
    )
    time.sleep(2.5)
    proc, data = _drill(
        run_cli, primary, tmp_path, "--checks", str(checks), "--rpo-objective", "1s"
    )
    assert proc.returncode == 1, proc.stdout + proc.stderr[-3000:]
    failed = {c["name"]: c["message"] for c in data["checks"] if c["status"] == "failed"}
    assert set(failed) == {"check: no refunds over 100", "rpo"}
    assert failed["check: no refunds over 100"] == "expected at most 100, got 1000"
    assert "RPO objective missed" in failed["rpo"]
    assert "FAILED  check: no refunds over 100" in proc.stdout
    assert _check(data, "check: orders exist")["status"] == "passed"

    # a target before the oldest backup: a clear failure, nothing restored
    oldest = primary.sql("SELECT now() - interval '1 day'")[0][0]
    proc, data = _drill(run_cli, primary, tmp_path, "--target", oldest.isoformat())
    assert proc.returncode == 1
    restore = _check(data, "restore")
    assert restore["status"] == "failed"
    assert "no backup finished before" in restore["message"]
    assert "the oldest finished at" in restore["message"]
    assert _check(data, "recovery")["status"] == "skipped"

    # bad input is exit 2 before anything runs
    bad = run_cli("drill", "pg", "--target", "2999-01-01T00:00:00Z", env=primary.env)
    assert bad.returncode == 2 and "in the future" in bad.stderr
    broken = _checks(tmp_path, "checks:\n  - {name: x, query: SELECT 1}\n")
    bad = run_cli("drill", "pg", "--checks", str(broken), env=primary.env)
    assert bad.returncode == 2 and "checks[0].expect: missing" in bad.stderr


def test_deleted_wal_object_fails_naming_the_gap(
    run_cli: RunCli, primary: Primary, tmp_path: Path
) -> None:
    for i in range(4):
        primary.sql(f"INSERT INTO orders (total) SELECT g FROM generate_series(1, 100 + {i}) g")
        primary.heartbeat()
        primary.archived_through_now()
    objects = primary.wal_objects()
    assert len(objects) >= 5
    victim = objects[-3]
    segment = victim.rsplit("/", 1)[1][:24]
    primary.minio.client().delete_object(Bucket=primary.bucket, Key=victim)
    proc, data = _drill(run_cli, primary, tmp_path)
    assert proc.returncode == 1, proc.stdout + proc.stderr[-3000:]
    verify = _check(data, "verify")
    assert verify["status"] == "failed"
    assert segment in verify["message"] + " ".join(verify["details"])
    target = _check(data, "target")
    assert target["status"] == "failed", data["checks"]
    assert "WAL gap" in target["message"] and segment in target["message"]
    assert segment in proc.stdout


_SIGNAL_CHILD = """
import sys
from dataops.cli import main
main(sys.argv[1:])
"""


def test_interrupt_mid_drill_leaves_nothing(primary: Primary, tmp_path: Path) -> None:
    """Ctrl-C during a user check (SIGTERM is covered by test_drill_scratch.py)."""
    sig = signal.SIGINT
    primary.archived_through_now()
    checks = _checks(
        tmp_path,
        "checks:\n  - {name: slow, query: SELECT pg_sleep(60), expect: {rows: 1}, timeout: 120}\n",
    )
    env = {**_clean_env(), **primary.env}
    report = tmp_path / "never.json"
    child = subprocess.Popen(
        [sys.executable, "-c", _SIGNAL_CHILD, "drill", "pg", "--checks", str(checks),
         "--json", str(report), "--keep-on-failure"],
        env=env, cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip
    try:
        deadline = time.monotonic() + 180
        while time.monotonic() < deadline and child.poll() is None:
            # backends of the scratch server carry its cluster_name in their titles
            ps = subprocess.run(["ps", "-eo", "args"], capture_output=True, text=True).stdout
            sleeping = any("dataops-drill:" in ln and "SELECT" in ln for ln in ps.splitlines())
            if sleeping and _postmasters(primary.scratch):
                break
            time.sleep(0.3)
        assert child.poll() is None, child.communicate()
        ps = subprocess.run(["ps", "-eo", "pid,args"], capture_output=True, text=True).stdout
        assert _postmasters(primary.scratch), f"the scratch server should be running:\n{ps}"
        child.send_signal(sig)
        out, err = child.communicate(timeout=120)
    finally:
        with contextlib.suppress(ProcessLookupError):
            child.kill()
    assert child.returncode == 128 + sig, err[-3000:]
    assert "Traceback (most recent call last):\n" not in err
    assert _postmasters(primary.scratch) == []
    assert list(primary.scratch.iterdir()) == []
    assert not report.exists()
    assert "drill: " not in out  # no summary for a drill that did not finish


def test_storage_error_during_recovery_fails_the_drill(
    run_cli: RunCli, primary: Primary, tmp_path: Path
) -> None:
    """A WAL object that cannot be read (not a missing one) stops recovery: never a promote."""
    for i in range(3):
        primary.sql(f"INSERT INTO orders (total) SELECT g FROM generate_series(1, 50 + {i}) g")
        primary.heartbeat()
        primary.archived_through_now()
    objects = primary.wal_objects()
    victim = objects[-2]
    client = primary.minio.client()
    client.put_object(Bucket=primary.bucket, Key=victim, Body=b"\x00garbage, not lz4" * 1000)
    proc, data = _drill(run_cli, primary, tmp_path, "--keep-on-failure")
    assert proc.returncode == 1, proc.stdout + proc.stderr[-3000:]
    recovery = _check(data, "recovery")
    assert recovery["status"] == "failed", data["checks"]
    assert "stopped during recovery" in recovery["message"]
    assert any("archive-get" in d or "FATAL" in d for d in recovery["details"])
    assert data["rto_seconds"] is None
    assert _check(data, "target")["status"] == "skipped"
    # --keep-on-failure keeps the folder (never a running server) for a post-mortem
    assert data["kept"] is True and Path(data["scratch_dir"]).is_dir()
    assert _postmasters(primary.scratch) == []


def test_time_and_backup_targets(run_cli: RunCli, primary: Primary, tmp_path: Path) -> None:
    """--target TIME stops at that time (later commits absent); --target BACKUP stops at
    the backup's consistent end; the RPO is measured against the target."""
    primary.sql("INSERT INTO orders (total) VALUES (-1)")  # before the target
    primary.heartbeat()
    time.sleep(1.2)
    target = primary.sql("SELECT now()")[0][0]
    time.sleep(1.2)
    primary.sql("INSERT INTO orders (total) VALUES (-2)")  # after the target
    primary.heartbeat()
    primary.archived_through_now()
    checks = _checks(
        tmp_path,
        "checks:\n"
        "  - {name: before the target, query: SELECT count(*) FROM orders WHERE total = -1, expect: {equals: 1}}\n"
        "  - {name: nothing after it, query: SELECT count(*) FROM orders WHERE total = -2, expect: {equals: 0}}\n",
    )
    proc, data = _drill(
        run_cli, primary, tmp_path, "--target", target.isoformat(), "--checks", str(checks)
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr[-3000:]
    assert data["recovery_target"] == f"time {target.astimezone(dt.UTC).isoformat()}"
    assert "recovery stopped before commit" in _check(data, "target")["message"]
    assert data["rpo_source"] == "heartbeat"
    assert 1.0 <= data["rpo_seconds"] < 30

    at_backup = _checks(
        tmp_path,
        "checks:\n"
        "  - {name: only backed-up rows, query: SELECT count(*) FROM orders, expect: {equals: 1000}}\n",
    )
    proc, data = _drill(
        run_cli, primary, tmp_path, "--target", data["backup"], "--checks", str(at_backup)
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr[-3000:]
    assert data["recovery_target"].startswith("immediate (end of backup")
    assert "end of the backup" in _check(data, "target")["message"]
    assert data["rpo_seconds"] is not None and data["rpo_seconds"] < 60


def test_rpo_sources_without_a_heartbeat(run_cli: RunCli, primary: Primary, tmp_path: Path) -> None:
    """No heartbeat, no commit timestamps: the freshness query, else the recovery log."""
    primary.sql("DROP SCHEMA dataops CASCADE")
    primary.sql("INSERT INTO orders (total) VALUES (7)")
    newest = primary.sql("SELECT max(created_at) FROM orders")[0][0]
    primary.archived_through_now()
    fresh = _checks(tmp_path, "freshness:\n  query: SELECT max(created_at) FROM orders\n")
    proc, data = _drill(run_cli, primary, tmp_path, "--checks", str(fresh))
    assert proc.returncode == 0, proc.stdout + proc.stderr[-3000:]
    assert data["rpo_source"] == "freshness_query"
    expected = (dt.datetime.fromisoformat(data["started"]) - newest).total_seconds()
    assert abs(data["rpo_seconds"] - expected) < 1.0

    proc, data = _drill(run_cli, primary, tmp_path, "--rpo-objective", "1h")
    assert proc.returncode == 0, proc.stdout + proc.stderr[-3000:]
    assert data["rpo_source"] == "recovery_log"
    assert 0 <= data["rpo_seconds"] < 600


def test_unreachable_storage_is_exit_3(
    run_cli: RunCli, minio_tls: MinioServer, tls_bucket: str, tmp_path: Path
) -> None:
    from tests.harness.common import free_port

    env = {
        **minio_tls.env(tls_bucket, "pgbr"),
        "DATAOPS_PG_BACKUP_ENGINE": "pgbackrest",
        "DATAOPS_S3_ENDPOINT": f"https://127.0.0.1:{free_port()}",
        "DATAOPS_PGBACKREST_TIMEOUT": "60",
    }
    report = tmp_path / "r.json"
    proc = run_cli("drill", "pg", "--json", str(report), env=env, timeout=300)
    assert proc.returncode == 3, proc.stdout + proc.stderr[-3000:]
    data = json.loads(report.read_text())
    assert data["result"] == "error"
    repository = _check(data, "repository")
    assert repository["status"] == "failed"
    assert "unreachable" in repository["message"]
    assert [c["status"] for c in data["checks"][1:]] == ["skipped"] * (len(data["checks"]) - 1)
    assert proc.stdout.splitlines()[-1] == "drill: 0 passed, 1 failed"
