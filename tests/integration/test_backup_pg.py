"""``dataops backup pg`` end to end: real PostgreSQL, MinIO and wal-g, the CLI as a process."""

from __future__ import annotations

import json
import pwd
import secrets
import shutil
import subprocess
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import psycopg
import pytest

from dataops import tools
from dataops.backup.actions import pg_status
from dataops.config.settings import load_settings
from dataops.execute import run
from tests.harness.common import free_port, go_tool, service_dir, walg_binary
from tests.harness.minio import MinioServer, start_minio
from tests.harness.postgres import OS_USER, PgServer

pytestmark = [pytest.mark.integration, pytest.mark.walg]

RunCli = Callable[..., subprocess.CompletedProcess[str]]


# ------------------------------------------------------------------------------ helpers


@pytest.fixture(scope="session")
def walg_bin() -> Iterator[str]:
    """wal-g copied where the ``postgres`` OS user can run it (the tool cache is root-only)."""
    directory = service_dir("walg-bin")
    target = directory / "wal-g"
    shutil.copy2(walg_binary() or go_tool("wal-g"), target)
    target.chmod(0o755)
    yield str(target)
    shutil.rmtree(directory, ignore_errors=True)


@pytest.fixture
def workdir() -> Iterator[Path]:
    """A folder the ``postgres`` OS user can enter (wal-g config, restore targets)."""
    path = service_dir("backup", OS_USER)
    yield path
    for data in path.glob("restore-*"):
        if (data / "postmaster.pid").exists():
            run(
                [tools.find("pg_ctl"), "-D", data, "-m", "immediate", "-w", "stop"],
                user=OS_USER,
                timeout=60,
                ok_codes=(0, 1),
            )
    shutil.rmtree(path, ignore_errors=True)


def base_env(minio: MinioServer, bucket: str, walg_bin: str, workdir: Path) -> dict[str, str]:
    return {
        **minio.env(bucket, "pg"),
        "DATAOPS_WALG_BIN": walg_bin,
        "DATAOPS_WALG_CONFIG": str(workdir / "walg.json"),
        "DATAOPS_PG_OS_USER": OS_USER,
        "DATAOPS_WALG_TIMEOUT": "120",
        "DATAOPS_WALG_S3_MAX_RETRIES": "2",
        "DATAOPS_LOG_LEVEL": "warning",
    }


def server_env(env: dict[str, str], server: PgServer) -> dict[str, str]:
    return {
        **env,
        "DATAOPS_DATABASE_URL": server.url(),
        "DATAOPS_PG_DATA": str(server.datadir),
    }


def archived_cluster(
    run_cli: RunCli, pg_factory: Callable[..., PgServer], env: dict[str, str]
) -> tuple[PgServer, dict[str, str]]:
    """A cluster started with exactly the lines ``archive-config`` prints."""
    out = run_cli(
        "backup",
        "pg",
        "archive-config",
        "--write-walg-config",
        env["DATAOPS_WALG_CONFIG"],
        "--json",
        env=env,
    )
    assert out.returncode == 0, out.stderr
    conf = json.loads(out.stdout)["conf"]
    server = pg_factory(**conf)
    return server, server_env(env, server)


def pgbench(server: PgServer, *args: str) -> None:
    run([tools.find("pgbench"), *args], env=server.libpq_env(), timeout=120)


def checksum(conn_or_server: PgServer | psycopg.Connection) -> tuple[object, ...]:
    sql = (
        "select (select md5(string_agg(aid || ':' || abalance, ',' order by aid))"
        "        from pgbench_accounts),"
        " (select count(*) from pgbench_history),"
        " (select coalesce(sum(delta), 0) from pgbench_history)"
    )
    if isinstance(conn_or_server, PgServer):
        return conn_or_server.execute(sql)[0]
    with conn_or_server.cursor() as cur:
        cur.execute(sql)
        row = cur.fetchone()
        assert row is not None
        return tuple(row)


def switch_and_wait_archived(server: PgServer, timeout: float = 60) -> str:
    """Close the current segment and wait until the archiver has shipped it."""
    server.execute("create table if not exists _switch(x int); insert into _switch values (1)")
    segment = str(server.execute("select pg_walfile_name(pg_switch_wal())")[0][0])
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        last = server.execute("select last_archived_wal from pg_stat_archiver")[0][0]
        if last is not None and str(last)[:24] >= segment:
            return segment
        time.sleep(0.1)
    failed = server.execute("select failed_count, last_failed_wal from pg_stat_archiver")[0]
    raise AssertionError(f"segment {segment} not archived in {timeout}s (failures: {failed})")


def restored_conn(server: PgServer, url: str) -> psycopg.Connection:
    port = int(url.rsplit(":", 1)[1].split("/", 1)[0])
    return psycopg.connect(
        host="127.0.0.1", port=port, user="postgres", password=server.password, dbname="postgres"
    )


# -------------------------------------------------------------------------------- tests


def test_point_in_time_restore_chain(
    monkeypatch: pytest.MonkeyPatch,
    run_cli: RunCli,
    pg_factory: Callable[..., PgServer],
    minio: MinioServer,
    bucket: str,
    walg_bin: str,
    workdir: Path,
) -> None:
    env0 = base_env(minio, bucket, walg_bin, workdir)
    server, env = archived_cluster(run_cli, pg_factory, env0)
    config = workdir / "walg.json"
    assert config.stat().st_mode & 0o777 == 0o600
    assert config.stat().st_uid == pwd.getpwnam(OS_USER).pw_uid
    assert server.execute("show archive_command")[0][0].startswith("timeout 600 ")

    pgbench(server, "-i", "-s", "1", "-q")
    push = run_cli("backup", "pg", "push", "--json", env=env)
    assert push.returncode == 0, push.stderr
    pushed = json.loads(push.stdout)
    assert pushed["kind"] == "full" and pushed["name"].startswith("base_")

    pgbench(server, "-t", "300", "-c", "2", "-n")
    at_t = checksum(server)
    target_time = str(server.execute("select clock_timestamp()")[0][0].isoformat())
    time.sleep(0.3)
    pgbench(server, "-t", "300", "-c", "2", "-n")
    latest = checksum(server)
    assert latest != at_t
    switch_and_wait_archived(server)

    listed = run_cli("backup", "pg", "list", "--json", env=env)
    assert listed.returncode == 0, listed.stderr
    assert [b["name"] for b in json.loads(listed.stdout)] == [pushed["name"]]

    # the plain functions the sidecar will schedule
    for key, value in env.items():
        monkeypatch.setenv(key, value)
    settings = load_settings()
    last_backup = pg_status.last_backup(settings)
    assert last_backup is not None and last_backup.name == pushed["name"]
    assert last_backup.compressed_size > 0 and last_backup.finish_time > last_backup.start_time
    assert pg_status.backup_count(settings) == 1
    state = pg_status.archiver_state(settings)
    assert state.archived_count > 0 and state.last_archived_wal and not state.failing

    check = run_cli("backup", "pg", "check", "--json", env=env)
    assert check.returncode == 0, check.stdout + check.stderr
    assert json.loads(check.stdout)["ok"] is True

    verify = run_cli("backup", "pg", "verify", "--json", env=env)
    assert verify.returncode == 0, verify.stdout + verify.stderr
    assert json.loads(verify.stdout)["integrity"]["status"] in ("OK", "WARNING")

    pit = run_cli(
        "backup",
        "pg",
        "restore",
        "--target-dir",
        str(workdir / "restore-pit"),
        "--target-time",
        target_time,
        "--start",
        "--json",
        env=env,
    )
    assert pit.returncode == 0, pit.stdout + pit.stderr
    result = json.loads(pit.stdout)
    assert result["backup"] == pushed["name"] and result["started"] is True
    assert f":{result['port']}/" in result["url"]
    with restored_conn(server, result["url"]) as conn:
        assert checksum(conn) == at_t
        with conn.cursor() as cur:
            cur.execute("select pg_is_in_recovery(), current_setting('archive_mode')")
            # promoted, and not archiving a new timeline into the primary's archive
            assert cur.fetchone() == (False, "off")

    last = run_cli(
        "backup",
        "pg",
        "restore",
        "--target-dir",
        str(workdir / "restore-latest"),
        "--backup",
        "LATEST",
        "--start",
        env=env,
    )
    assert last.returncode == 0, last.stdout + last.stderr
    url = next(w for w in last.stdout.split() if w.startswith("postgresql://"))
    with restored_conn(server, url) as conn:
        assert checksum(conn) == latest
    owner = (workdir / "restore-latest").stat().st_uid
    assert owner == pwd.getpwnam(OS_USER).pw_uid


def switch_wal(server: PgServer, count: int) -> str:
    """Complete ``count`` segments, then wait until the last one is archived."""
    for _ in range(count - 1):
        server.execute("create table if not exists _switch(x int); insert into _switch values (1)")
        server.execute("select pg_switch_wal()")
    return switch_and_wait_archived(server)


def test_delta_restore_retention_and_wal_gap(
    run_cli: RunCli,
    pg_factory: Callable[..., PgServer],
    minio: MinioServer,
    bucket: str,
    walg_bin: str,
    workdir: Path,
) -> None:
    env0 = {**base_env(minio, bucket, walg_bin, workdir), "DATAOPS_WALG_DELTA_MAX_STEPS": "2"}
    server, env = archived_cluster(run_cli, pg_factory, env0)
    pgbench(server, "-i", "-s", "1", "-q")

    first = run_cli("backup", "pg", "push", "--json", env=env)
    assert first.returncode == 0, first.stderr
    pgbench(server, "-t", "200", "-n")
    delta = run_cli("backup", "pg", "push", "--json", env=env)
    assert delta.returncode == 0, delta.stderr
    full1, delta1 = json.loads(first.stdout), json.loads(delta.stdout)
    assert (full1["kind"], delta1["kind"]) == ("full", "delta")
    pgbench(server, "-t", "200", "-n")
    latest = checksum(server)
    switch_and_wait_archived(server)

    too_early = run_cli(
        "backup",
        "pg",
        "restore",
        "--target-dir",
        str(workdir / "restore-early"),
        "--target-time",
        "2001-01-01T00:00:00Z",
        env=env,
    )
    assert too_early.returncode == 1
    assert "no backup finished before 2001-01-01" in too_early.stderr

    out = run_cli(
        "backup",
        "pg",
        "restore",
        "--target-dir",
        str(workdir / "restore-delta"),
        "--start",
        "--json",
        env=env,
    )
    assert out.returncode == 0, out.stdout + out.stderr
    result = json.loads(out.stdout)
    assert result["backup"] == delta1["name"]
    with restored_conn(server, result["url"]) as conn:
        assert checksum(conn) == latest

    second = run_cli("backup", "pg", "push", "--full", "--json", env=env)
    assert second.returncode == 0, second.stderr
    full2 = json.loads(second.stdout)
    assert full2["kind"] == "full"

    dry = run_cli("backup", "pg", "retain", "--full", "1", "--dry-run", "--json", env=env)
    assert dry.returncode == 0, dry.stderr
    planned = json.loads(dry.stdout)
    assert planned["deleted"] == [full1["name"], delta1["name"]]
    assert planned["objects"] is not None and planned["objects"] > 2
    listed = json.loads(run_cli("backup", "pg", "list", "--json", env=env).stdout)
    assert len(listed) == 3

    real = run_cli("backup", "pg", "retain", "--full", "1", "--json", env=env)
    assert real.returncode == 0, real.stderr
    assert json.loads(real.stdout)["deleted"] == [full1["name"], delta1["name"]]
    listed = json.loads(run_cli("backup", "pg", "list", "--json", env=env).stdout)
    assert [b["name"] for b in listed] == [full2["name"]]

    switch_wal(server, 22)
    ok = run_cli("backup", "pg", "verify", "--json", env=env)
    assert ok.returncode == 0, ok.stdout + ok.stderr
    assert json.loads(ok.stdout)["lost_segments"] == []

    client = minio.client()
    keys = sorted(
        o["Key"]
        for o in client.list_objects_v2(Bucket=bucket, Prefix="pg/wal_005/").get("Contents", [])
        if len(o["Key"].rsplit("/", 1)[1].split(".")[0]) == 24
    )
    start_segment = full2["wal_file_name"]
    after_backup = [k for k in keys if k.rsplit("/", 1)[1][:24] > start_segment]
    victim = after_backup[2]
    client.delete_object(Bucket=bucket, Key=victim)
    segment = victim.rsplit("/", 1)[1][:24]

    gap = run_cli("backup", "pg", "verify", env=env)
    assert gap.returncode == 1, gap.stdout + gap.stderr
    assert "gap" in gap.stderr and segment in gap.stderr
    gap_json = run_cli("backup", "pg", "verify", "--json", env=env)
    assert gap_json.returncode == 1
    assert json.loads(gap_json.stdout)["lost_segments"] == [segment]


def run_as_postgres(argv: list[str], timeout: float = 120) -> int:
    """Exit code of ``argv`` run as the PostgreSQL OS user (as restore_command is)."""
    return run(argv, user=OS_USER, timeout=timeout, ok_codes=range(256)).returncode


def pg_ctl_start(data: Path, port: int) -> int:
    """``pg_ctl start`` of a restored directory as the PostgreSQL OS user; its exit code."""
    return run(
        [
            tools.find("pg_ctl"),
            "-D",
            data,
            "-l",
            data / "log" / "manual.log",
            "-o",
            f"-p {port}",
            "-w",
            "-t",
            "60",
            "start",
        ],
        user=OS_USER,
        timeout=90,
        ok_codes=(0, 1),
    ).returncode


def test_storage_down_exits_3_and_never_ends_recovery_early(
    run_cli: RunCli,
    pg_factory: Callable[..., PgServer],
    walg_bin: str,
    workdir: Path,
) -> None:
    own = start_minio()
    try:
        bucket = own.create_bucket("down")
        server, env = archived_cluster(
            run_cli, pg_factory, base_env(own, bucket, walg_bin, workdir)
        )
        wrapper = workdir / "walg-fetch.sh"
        dest = workdir / "fetched"
        # a segment that is not in the archive: "not found" -> 1, PostgreSQL may end recovery
        assert run_as_postgres([str(wrapper), "0000000100000000000000AA", str(dest)]) == 1

        pgbench(server, "-i", "-s", "1", "-q")
        assert run_cli("backup", "pg", "push", env=env).returncode == 0
        pgbench(server, "-t", "200", "-n")
        latest = checksum(server)
        switch_and_wait_archived(server)
        target = workdir / "restore-outage"
        fetched = run_cli("backup", "pg", "restore", "--target-dir", str(target), env=env)
        assert fetched.returncode == 0, fetched.stdout + fetched.stderr
        (target / "log").mkdir(exist_ok=True)
        run(["chown", f"{OS_USER}:", target / "log"], timeout=10)

        server.execute("alter system set archive_command = '/bin/true'")
        server.execute("select pg_reload_conf()")
        time.sleep(0.3)
        drift = run_cli("backup", "pg", "check", "--json", env=env)
        assert drift.returncode == 3
        items = {i["name"]: i for i in json.loads(drift.stdout)["checks"]}
        assert items["storage"]["ok"] and items["database"]["ok"]
        assert not items["archive_command"]["ok"]
        assert "/bin/true" in items["archive_command"]["detail"]

        own.stop()
        # storage unreachable: > 125, PostgreSQL stops recovery instead of ending it early
        assert run_as_postgres([str(wrapper), "0000000100000000000000AA", str(dest)]) == 255

        for command in (["push"], ["check"], ["list"]):
            out = run_cli("backup", "pg", *command, env=env)
            text = out.stdout + out.stderr
            assert out.returncode == 3, (command, text)
            assert "unreachable" in out.stderr, (command, text)
            assert "connection refused" in out.stderr, (command, text)
            assert own.secret_key not in text and own.access_key not in text

        # the real server: recovery during the outage fails instead of promoting early
        port = free_port()
        assert pg_ctl_start(target, port) == 1
        log_text = (target / "log" / "manual.log").read_text()
        assert "storage or configuration error" in log_text
        assert "FATAL" in log_text and "promoted" not in log_text
        assert not (target / "postmaster.pid").exists()

        own.start()  # storage is back: the same directory recovers fully
        assert pg_ctl_start(target, port) == 0
        deadline = time.monotonic() + 60
        with restored_conn(server, f"postgresql://x@h:{port}/postgres") as conn:
            while time.monotonic() < deadline:
                with conn.cursor() as cur:
                    cur.execute("select pg_is_in_recovery()")
                    if cur.fetchone() == (False,):
                        break
                time.sleep(0.2)
            assert checksum(conn) == latest
    finally:
        own.destroy()


def test_wrong_credentials_exit_3(
    run_cli: RunCli, minio: MinioServer, bucket: str, walg_bin: str, workdir: Path
) -> None:
    wrong_secret = "sk-wrong-" + "x" * 20
    env = {**base_env(minio, bucket, walg_bin, workdir), "AWS_SECRET_ACCESS_KEY": wrong_secret}
    for command in (["list"], ["restore", "--target-dir", str(workdir / "restore-x")]):
        out = run_cli("backup", "pg", *command, env=env)
        text = out.stdout + out.stderr
        assert out.returncode == 3, text
        assert "rejected the credentials" in out.stderr
        assert wrong_secret not in text and minio.access_key not in text
    assert not (workdir / "restore-x").exists()


def test_no_backup_yet_and_non_empty_target(
    run_cli: RunCli, minio: MinioServer, bucket: str, walg_bin: str, workdir: Path
) -> None:
    env = base_env(minio, bucket, walg_bin, workdir)
    listed = run_cli("backup", "pg", "list", "--json", env=env)
    assert listed.returncode == 0, listed.stderr
    assert json.loads(listed.stdout) == []
    plain = run_cli("backup", "pg", "list", env=env)
    assert plain.returncode == 0 and plain.stdout == "" and "no backups" in plain.stderr

    out = run_cli("backup", "pg", "restore", "--target-dir", str(workdir / "restore-none"), env=env)
    assert out.returncode == 1
    assert "no backup in s3://" in out.stderr and "nothing to restore" in out.stderr
    assert not (workdir / "restore-none").exists()

    busy = workdir / "restore-busy"
    busy.mkdir()
    (busy / "PG_VERSION").write_text("15\n")
    out = run_cli("backup", "pg", "restore", "--target-dir", str(busy), env=env)
    assert out.returncode == 2
    assert "not empty" in out.stderr
    assert (busy / "PG_VERSION").read_text() == "15\n"


def test_encrypted_backup_restores_with_key_only(
    run_cli: RunCli,
    pg_factory: Callable[..., PgServer],
    minio: MinioServer,
    bucket: str,
    walg_bin: str,
    workdir: Path,
) -> None:
    key = secrets.token_hex(32)
    env0 = {
        **base_env(minio, bucket, walg_bin, workdir),
        "DATAOPS_WALG_LIBSODIUM_KEY": key,
        "DATAOPS_WALG_LIBSODIUM_KEY_TRANSFORM": "hex",
    }
    server, env = archived_cluster(run_cli, pg_factory, env0)
    pgbench(server, "-i", "-s", "1", "-q")
    push = run_cli("backup", "pg", "push", "--json", env=env)
    assert push.returncode == 0, push.stderr
    pgbench(server, "-t", "200", "-n")
    expected = checksum(server)
    switch_and_wait_archived(server)
    assert key not in push.stdout + push.stderr

    restored = run_cli(
        "backup", "pg", "restore", "--target-dir", str(workdir / "restore-enc"),
        "--backup", "LATEST", "--start", "--json", env=env,
    )  # fmt: skip
    assert restored.returncode == 0, restored.stdout + restored.stderr
    with restored_conn(server, json.loads(restored.stdout)["url"]) as conn:
        assert checksum(conn) == expected

    # the same backup with another key cannot be fetched
    wrong = {**env, "DATAOPS_WALG_LIBSODIUM_KEY": secrets.token_hex(32)}
    wrong["DATAOPS_WALG_CONFIG"] = str(workdir / "walg-wrong.json")
    failed = run_cli(
        "backup", "pg", "restore", "--target-dir", str(workdir / "restore-wrong"),
        "--backup", "LATEST", env=wrong,
    )  # fmt: skip
    assert failed.returncode != 0
    assert not (workdir / "restore-wrong" / "PG_VERSION").exists()
