"""Each harness service really runs: the rest of the suite stands on these."""

from __future__ import annotations

import subprocess

import pytest

from tests.harness.common import go_tool, walg_binary
from tests.harness.mariadb import MariaDBServer
from tests.harness.minio import MinioServer
from tests.harness.postgres import PgServer

pytestmark = pytest.mark.integration


def test_postgres_select_1(pg: PgServer) -> None:
    assert pg.execute("SELECT 1") == [(1,)]
    (version,) = pg.execute("SHOW server_version_num")[0]
    assert int(str(version)) >= 150000


def test_postgres_runs_as_postgres_user(pg: PgServer) -> None:
    pid = int((pg.datadir / "postmaster.pid").read_text().split()[0])
    with open(f"/proc/{pid}/status") as fh:
        uid_line = next(line for line in fh if line.startswith("Uid:"))
    import os
    import pwd

    expected = pwd.getpwnam("postgres").pw_uid if os.geteuid() == 0 else os.geteuid()
    assert int(uid_line.split()[1]) == expected


def test_mariadb_select_1(mariadb: MariaDBServer) -> None:
    assert mariadb.execute("SELECT 1") == [(1,)]
    (version,) = mariadb.execute("SELECT VERSION()")[0]
    assert "MariaDB" in str(version)


def test_minio_put_get_delete(minio: MinioServer, bucket: str) -> None:
    client = minio.client()
    client.put_object(Bucket=bucket, Key="a/b.txt", Body=b"payload")
    assert client.get_object(Bucket=bucket, Key="a/b.txt")["Body"].read() == b"payload"
    client.delete_object(Bucket=bucket, Key="a/b.txt")
    assert client.list_objects_v2(Bucket=bucket).get("KeyCount") == 0


def _version(*argv: str) -> str:
    done = subprocess.run(argv, capture_output=True, text=True, timeout=30, check=True)
    return (done.stdout + done.stderr).strip()


@pytest.mark.walg
def test_walg_version() -> None:
    version = _version(walg_binary() or go_tool("wal-g"), "--version")
    assert "v3.0.9" in version or "devel" in version


def test_borg_version() -> None:
    # Borg 1.4 from PyPI (bootstrap), not Debian bookworm's 1.2.4.
    assert _version("borg", "--version").startswith("borg 1.4.")


def test_pgbackrest_version() -> None:
    assert _version("pgbackrest", "version").startswith("pgBackRest 2.")


def test_rclone_version() -> None:
    assert _version("rclone", "version").startswith("rclone v1.")


def test_golang_migrate_version() -> None:
    assert _version(go_tool("migrate"), "-version")


def test_promtool_present() -> None:
    assert "promtool" in _version("promtool", "--version")
