"""The PostgreSQL backup ENGINE CONTRACT: the same suite against every engine.

Real PostgreSQL, MinIO over TLS (a CA the harness generates), the ``dataops`` CLI as a
process.  pgBackRest (a Debian package) runs everywhere; the wal-g cases are marked
``walg`` and skipped, with the reason, only where no wal-g binary exists.
"""

from __future__ import annotations

import json
import pwd
import shutil
import subprocess
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import psycopg
import pytest

from dataops import tools
from dataops.backup import recovery
from dataops.backup.actions import pg_restore, pg_status
from dataops.config.settings import load_settings
from dataops.execute import run
from tests.harness.common import free_port, service_dir, walg_binary
from tests.harness.minio import MinioServer, start_minio
from tests.harness.postgres import OS_USER, PgServer

pytestmark = [pytest.mark.integration]

RunCli = Callable[..., subprocess.CompletedProcess[str]]


@dataclass(frozen=True)
class Engine:
    """What differs between the engines, as far as the contract tests see it."""

    name: str
    config_var: str
    config_name: str
    incremental: str  # the kind a second push takes by default
    key_vars: tuple[str, ...]  # encryption key variables
    #: segments to archive after a backup before a deleted one counts as lost, not pending
    #: (wal-g's wal-verify treats the newest missing segments as still uploading)
    gap_switches: int = 6

    def wrapper(self, config: Path) -> Path:
        return config.with_name(config.stem + "-fetch.sh")


PGBACKREST = Engine(
    "pgbackrest",
    "DATAOPS_PGBACKREST_CONFIG",
    "pgbackrest.conf",
    "incr",
    ("DATAOPS_PGBACKREST_CIPHER_PASS",),
)
WALG = Engine(
    "walg",
    "DATAOPS_WALG_CONFIG",
    "walg.json",
    "delta",
    ("DATAOPS_WALG_LIBSODIUM_KEY",),
    gap_switches=22,
)

ENGINES = [
    pytest.param(PGBACKREST, id="pgbackrest"),
    pytest.param(WALG, id="walg", marks=pytest.mark.walg),
]


# ------------------------------------------------------------------------------ fixtures


@pytest.fixture(params=ENGINES)
def engine(request: pytest.FixtureRequest) -> Engine:
    result: Engine = request.param
    return result


@pytest.fixture
def workdir() -> Iterator[Path]:
    """A folder the ``postgres`` OS user can enter (engine config, restore targets)."""
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


@pytest.fixture
def engine_bin(engine: Engine) -> Iterator[dict[str, str]]:
    """The engine binary where the ``postgres`` OS user can run it."""
    if engine.name == "pgbackrest":
        yield {}
        return
    directory = service_dir("walg-bin")
    target = directory / "wal-g"
    source = walg_binary()
    assert source is not None
    shutil.copy2(source, target)
    target.chmod(0o755)
    yield {"DATAOPS_WALG_BIN": str(target)}
    shutil.rmtree(directory, ignore_errors=True)


def base_env(
    engine: Engine, minio: MinioServer, bucket: str, workdir: Path, engine_bin: dict[str, str]
) -> dict[str, str]:
    return {
        **minio.env(bucket, "pg"),
        **engine_bin,
        "DATAOPS_PG_BACKUP_ENGINE": engine.name,
        engine.config_var: str(workdir / engine.config_name),
        "DATAOPS_PG_OS_USER": OS_USER,
        "DATAOPS_PG_ARCHIVE_TIMEOUT": "10",
        "DATAOPS_WALG_TIMEOUT": "120",
        "DATAOPS_WALG_S3_MAX_RETRIES": "2",
        "DATAOPS_PGBACKREST_TIMEOUT": "180",
        "DATAOPS_PGBACKREST_IO_TIMEOUT": "10",
        "DATAOPS_PGBACKREST_PROCESS_MAX": "1",
        "DATAOPS_LOG_LEVEL": "warning",
    }


def server_env(env: dict[str, str], server: PgServer) -> dict[str, str]:
    return {**env, "DATAOPS_DATABASE_URL": server.url(), "DATAOPS_PG_DATA": str(server.datadir)}


def archived_cluster(
    run_cli: RunCli, pg_factory: Callable[..., PgServer], env: dict[str, str], engine: Engine
) -> tuple[PgServer, dict[str, str]]:
    """A cluster started with exactly the lines ``archive-config`` prints, then the
    engine config written (pgBackRest's names the data directory)."""
    out = run_cli("backup", "pg", "archive-config", "--json", env=env)
    assert out.returncode == 0, out.stderr
    printed = json.loads(out.stdout)
    assert printed["engine"] == engine.name
    server = pg_factory(**printed["conf"])
    full_env = server_env(env, server)
    written = run_cli(
        "backup", "pg", "archive-config", "--write-config", env[engine.config_var], "--json",
        env=full_env,
    )  # fmt: skip
    assert written.returncode == 0, written.stderr
    assert json.loads(written.stdout)["conf"] == printed["conf"]
    return server, full_env


def pgbench(server: PgServer, *args: str) -> None:
    run([tools.find("pgbench"), *args], env=server.libpq_env(), timeout=120)


CHECKSUM_SQL = (
    "select (select md5(string_agg(aid || ':' || abalance, ',' order by aid))"
    "        from pgbench_accounts),"
    " (select count(*) from pgbench_history),"
    " (select coalesce(sum(delta), 0) from pgbench_history)"
)


def checksum(conn_or_server: PgServer | psycopg.Connection) -> tuple[object, ...]:
    if isinstance(conn_or_server, PgServer):
        return conn_or_server.execute(CHECKSUM_SQL)[0]
    with conn_or_server.cursor() as cur:
        cur.execute(CHECKSUM_SQL)
        row = cur.fetchone()
        assert row is not None
        return tuple(row)


def switch_and_wait_archived(server: PgServer, timeout: float = 90) -> str:
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


def switch_wal(server: PgServer, count: int) -> str:
    """Complete ``count`` segments, then wait until the last one is archived."""
    for _ in range(count - 1):
        server.execute("create table if not exists _switch(x int); insert into _switch values (1)")
        server.execute("select pg_switch_wal()")
    return switch_and_wait_archived(server)


def restored_conn(server: PgServer, url: str) -> psycopg.Connection:
    port = int(url.rsplit(":", 1)[1].split("/", 1)[0])
    return psycopg.connect(
        host="127.0.0.1", port=port, user="postgres", password=server.password, dbname="postgres"
    )


def push(run_cli: RunCli, env: dict[str, str], *args: str) -> dict[str, object]:
    out = run_cli("backup", "pg", "push", *args, "--json", env=env)
    assert out.returncode == 0, out.stdout + out.stderr
    result: dict[str, object] = json.loads(out.stdout)
    return result


def wal_objects(minio: MinioServer, bucket: str, engine: Engine) -> list[str]:
    """Keys of the archived WAL segments (not history/backup files), sorted by segment."""
    prefix = "pg/wal_005/" if engine.name == "walg" else "pg/archive/"
    client = minio.client()
    keys: list[str] = []
    token: str | None = None
    while True:
        kwargs = {
            "Bucket": bucket,
            "Prefix": prefix,
            **({"ContinuationToken": token} if token else {}),
        }
        page = client.list_objects_v2(**kwargs)
        keys += [o["Key"] for o in page.get("Contents", [])]
        if not page.get("IsTruncated"):
            break
        token = page["NextContinuationToken"]

    def segment(key: str) -> str:
        return key.rsplit("/", 1)[1][:24]

    wal = [k for k in keys if len(k.rsplit("/", 1)[1].split(".")[0].split("-")[0]) == 24]
    wal = [k for k in wal if ".backup" not in k]
    return sorted(wal, key=segment)


# --------------------------------------------------------------------------------- tests


def test_push_list_point_in_time_and_latest(
    monkeypatch: pytest.MonkeyPatch,
    run_cli: RunCli,
    pg_factory: Callable[..., PgServer],
    minio_tls: MinioServer,
    tls_bucket: str,
    workdir: Path,
    engine: Engine,
    engine_bin: dict[str, str],
) -> None:
    env0 = base_env(engine, minio_tls, tls_bucket, workdir, engine_bin)
    server, env = archived_cluster(run_cli, pg_factory, env0, engine)
    config = workdir / engine.config_name
    assert config.stat().st_mode & 0o777 == 0o600
    assert config.stat().st_uid == pwd.getpwnam(OS_USER).pw_uid
    assert minio_tls.secret_key in config.read_text()  # the 0600 file, never argv
    archive_command = str(server.execute("show archive_command")[0][0])
    assert archive_command.startswith("timeout 600 ") and str(config) in archive_command
    assert minio_tls.secret_key not in archive_command
    restore_command = str(server.execute("show restore_command")[0][0])
    assert restore_command == f"{engine.wrapper(config)} %f %p"

    pgbench(server, "-i", "-s", "1", "-q")
    pushed = push(run_cli, env)
    assert pushed["kind"] == "full" and pushed["engine"] == engine.name
    # pgBackRest records stop times in whole seconds and restore treats a backup as
    # finished at the end of that second (it may have stopped after a target within
    # it): keep the target time past that second, as on a fast machine it may not be
    time.sleep(1.2)

    pgbench(server, "-t", "300", "-c", "2", "-n")
    at_t = checksum(server)
    target_time = str(server.execute("select clock_timestamp()")[0][0].isoformat())
    time.sleep(1.2)
    pgbench(server, "-t", "300", "-c", "2", "-n")
    latest = checksum(server)
    assert latest != at_t
    switch_and_wait_archived(server)

    listed = run_cli("backup", "pg", "list", "--json", env=env)
    assert listed.returncode == 0, listed.stderr
    backups = json.loads(listed.stdout)
    assert [b["name"] for b in backups] == [pushed["name"]]
    first = backups[0]
    assert first["start_time"] <= first["stop_time"] and first["stop_time"].endswith("+00:00")
    assert first["size_bytes"] > 0 and first["stored_bytes"] > 0 and first["wal_start"]
    table = run_cli("backup", "pg", "list", env=env)
    assert table.returncode == 0 and pushed["name"] in table.stdout

    # the plain functions the sidecar schedules
    for key, value in env.items():
        monkeypatch.setenv(key, value)
    settings = load_settings()
    facts = pg_status.facts(settings)
    assert facts.engine == engine.name and facts.backup_count == 1
    assert facts.last_backup is not None and facts.last_backup.name == pushed["name"]
    assert facts.recoverability_start == facts.last_backup.stop_time
    assert pg_status.backup_count(settings) == 1
    state = pg_status.archiver_state(settings)
    assert state.archived_count > 0 and state.last_archived_wal and not state.failing

    check = run_cli("backup", "pg", "check", "--json", env=env)
    assert check.returncode == 0, check.stdout + check.stderr
    checked = json.loads(check.stdout)
    assert checked["ok"] is True
    if engine.name == "pgbackrest":
        assert any(i["name"] == "end to end" and i["ok"] for i in checked["checks"])

    verify = run_cli("backup", "pg", "verify", "--json", env=env)
    assert verify.returncode == 0, verify.stdout + verify.stderr
    assert json.loads(verify.stdout)["missing_wal"] == []

    pit = run_cli(
        "backup", "pg", "restore", "--target-dir", str(workdir / "restore-pit"),
        "--target-time", target_time, "--start", "--json",
        env=env,
    )  # fmt: skip
    assert pit.returncode == 0, pit.stdout + pit.stderr
    result = json.loads(pit.stdout)
    assert result["backup"] == pushed["name"] and result["started"] is True
    assert f":{result['port']}/" in result["url"]
    assert Path(result["config"]).stat().st_mode & 0o777 == 0o600
    with restored_conn(server, result["url"]) as conn:
        assert checksum(conn) == at_t
        with conn.cursor() as cur:
            cur.execute("select pg_is_in_recovery(), current_setting('archive_mode')")
            # promoted, and not archiving a new timeline into the primary's archive
            assert cur.fetchone() == (False, "off")
            cur.execute("show restore_command")
            row = cur.fetchone()
            assert row is not None and str(result["config"]).rsplit(".", 1)[0] in row[0]

    last = run_cli(
        "backup", "pg", "restore", "--target-dir", str(workdir / "restore-latest"),
        "--backup", "LATEST", "--start",
        env=env,
    )  # fmt: skip
    assert last.returncode == 0, last.stdout + last.stderr
    url = next(w for w in last.stdout.split() if w.startswith("postgresql://"))
    with restored_conn(server, url) as conn:
        assert checksum(conn) == latest
    owner = (workdir / "restore-latest").stat().st_uid
    assert owner == pwd.getpwnam(OS_USER).pw_uid

    # the typed action the drills call in-process, and their teardown
    restored = pg_restore.restore(settings, workdir / "restore-inproc", start=True)
    assert restored.engine == engine.name and restored.started and restored.url
    with restored_conn(server, restored.url) as conn:
        assert checksum(conn) == latest
    recovery.stop(settings, restored)
    assert not (workdir / "restore-inproc" / "postmaster.pid").exists()


def test_incremental_retention_verify_and_wal_gap(
    run_cli: RunCli,
    pg_factory: Callable[..., PgServer],
    minio_tls: MinioServer,
    tls_bucket: str,
    workdir: Path,
    engine: Engine,
    engine_bin: dict[str, str],
) -> None:
    env0 = {
        **base_env(engine, minio_tls, tls_bucket, workdir, engine_bin),
        "DATAOPS_WALG_DELTA_MAX_STEPS": "2",
    }
    server, env = archived_cluster(run_cli, pg_factory, env0, engine)
    pgbench(server, "-i", "-s", "1", "-q")

    full1 = push(run_cli, env)
    pgbench(server, "-t", "200", "-n")
    incr1 = push(run_cli, env)
    assert (full1["kind"], incr1["kind"]) == ("full", engine.incremental)
    assert incr1["reference"]
    pgbench(server, "-t", "200", "-n")
    latest = checksum(server)
    switch_and_wait_archived(server)

    too_early = run_cli(
        "backup", "pg", "restore", "--target-dir", str(workdir / "restore-early"),
        "--target-time", "2001-01-01T00:00:00Z",
        env=env,
    )  # fmt: skip
    assert too_early.returncode == 1
    assert "no backup finished before 2001-01-01" in too_early.stderr
    assert not (workdir / "restore-early").exists()

    out = run_cli(
        "backup", "pg", "restore", "--target-dir", str(workdir / "restore-incr"), "--start",
        "--json",
        env=env,
    )  # fmt: skip
    assert out.returncode == 0, out.stdout + out.stderr
    result = json.loads(out.stdout)
    assert result["backup"] == incr1["name"]
    with restored_conn(server, result["url"]) as conn:
        assert checksum(conn) == latest

    full2 = push(run_cli, env, "--full")
    assert full2["kind"] == "full"

    dry = run_cli("backup", "pg", "retain", "--full", "1", "--dry-run", "--json", env=env)
    assert dry.returncode == 0, dry.stderr
    assert json.loads(dry.stdout)["deleted"] == [full1["name"], incr1["name"]]
    listed = json.loads(run_cli("backup", "pg", "list", "--json", env=env).stdout)
    assert len(listed) == 3

    real = run_cli("backup", "pg", "retain", "--full", "1", "--json", env=env)
    assert real.returncode == 0, real.stderr
    assert json.loads(real.stdout)["deleted"] == [full1["name"], incr1["name"]]
    listed = json.loads(run_cli("backup", "pg", "list", "--json", env=env).stdout)
    assert [b["name"] for b in listed] == [full2["name"]]

    switch_wal(server, engine.gap_switches)
    ok = run_cli("backup", "pg", "verify", "--json", env=env)
    assert ok.returncode == 0, ok.stdout + ok.stderr
    report = json.loads(ok.stdout)
    assert report["ok"] is True and report["missing_wal"] == []

    keys = wal_objects(minio_tls, tls_bucket, engine)
    start_segment = str(full2["wal_start"])
    after_backup = [k for k in keys if k.rsplit("/", 1)[1][:24] > start_segment]
    assert len(after_backup) >= 4, keys
    victim = after_backup[2]
    minio_tls.client().delete_object(Bucket=tls_bucket, Key=victim)
    segment = victim.rsplit("/", 1)[1][:24]

    gap = run_cli("backup", "pg", "verify", env=env)
    assert gap.returncode == 1, gap.stdout + gap.stderr
    assert "gap" in gap.stderr and segment in gap.stderr
    gap_json = run_cli("backup", "pg", "verify", "--json", env=env)
    assert gap_json.returncode == 1
    assert json.loads(gap_json.stdout)["missing_wal"] == [segment]


def run_as_postgres(argv: list[str], timeout: float = 180) -> int:
    """Exit code of ``argv`` run as the PostgreSQL OS user (as restore_command is)."""
    return run(argv, user=OS_USER, timeout=timeout, ok_codes=range(256)).returncode


def pg_ctl_start(data: Path, port: int) -> int:
    """``pg_ctl start`` of a restored directory as the PostgreSQL OS user; its exit code."""
    return run(
        [
            tools.find("pg_ctl"), "-D", data, "-l", data / "log" / "manual.log",
            "-o", f"-p {port}", "-w", "-t", "90", "start",
        ],
        user=OS_USER,
        timeout=120,
        ok_codes=(0, 1),
    ).returncode  # fmt: skip


def test_storage_down_exits_3_and_never_ends_recovery_early(
    run_cli: RunCli,
    pg_factory: Callable[..., PgServer],
    workdir: Path,
    engine: Engine,
    engine_bin: dict[str, str],
) -> None:
    own = start_minio(tls=True)
    try:
        bucket = own.create_bucket("down")
        env0 = {
            **base_env(engine, own, bucket, workdir, engine_bin),
            "DATAOPS_PGBACKREST_IO_TIMEOUT": "2",
        }
        server, env = archived_cluster(run_cli, pg_factory, env0, engine)
        wrapper = engine.wrapper(workdir / engine.config_name)
        dest = workdir / "fetched"
        pgbench(server, "-i", "-s", "1", "-q")
        push(run_cli, env)
        # a segment that is not in the archive: "not found" -> 1, PostgreSQL may end recovery
        assert run_as_postgres([str(wrapper), "0000000100000000000000AA", str(dest)]) == 1

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
            assert "connection refused" in out.stderr.lower(), (command, text)
            assert own.secret_key not in text and own.access_key not in text

        # the real server: recovery during the outage fails instead of promoting early
        port = free_port()
        assert pg_ctl_start(target, port) == 1
        log_text = (target / "log" / "manual.log").read_text()
        assert "storage or configuration error" in log_text
        assert "FATAL" in log_text and "promoted" not in log_text
        assert own.secret_key not in log_text
        assert not (target / "postmaster.pid").exists()

        own.start()  # storage is back: the same directory recovers fully
        assert pg_ctl_start(target, port) == 0
        deadline = time.monotonic() + 90
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
    run_cli: RunCli,
    minio_tls: MinioServer,
    tls_bucket: str,
    workdir: Path,
    engine: Engine,
    engine_bin: dict[str, str],
) -> None:
    wrong_secret = "sk-wrong-" + "x" * 20
    env = {
        **base_env(engine, minio_tls, tls_bucket, workdir, engine_bin),
        "AWS_SECRET_ACCESS_KEY": wrong_secret,
    }
    for command in (["list"], ["restore", "--target-dir", str(workdir / "restore-x")]):
        out = run_cli("backup", "pg", *command, env=env)
        text = out.stdout + out.stderr
        assert out.returncode == 3, text
        assert "rejected the credentials" in out.stderr, text
        assert wrong_secret not in text and minio_tls.access_key not in text
    assert not (workdir / "restore-x").exists()


def test_no_backup_yet_and_non_empty_target(
    run_cli: RunCli,
    minio_tls: MinioServer,
    tls_bucket: str,
    workdir: Path,
    engine: Engine,
    engine_bin: dict[str, str],
) -> None:
    env = base_env(engine, minio_tls, tls_bucket, workdir, engine_bin)
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
    assert sorted(p.name for p in busy.iterdir()) == ["PG_VERSION"]
    assert (busy / "PG_VERSION").read_text() == "15\n"


def test_encrypted_backup_restores_with_key_only(
    run_cli: RunCli,
    pg_factory: Callable[..., PgServer],
    minio_tls: MinioServer,
    tls_bucket: str,
    workdir: Path,
    engine: Engine,
    engine_bin: dict[str, str],
) -> None:
    key = "k" + "0123456789abcdef" * 4
    env0 = base_env(engine, minio_tls, tls_bucket, workdir, engine_bin)
    if engine.name == "walg":
        env0 |= {
            "DATAOPS_WALG_LIBSODIUM_KEY": key[1:],
            "DATAOPS_WALG_LIBSODIUM_KEY_TRANSFORM": "hex",
        }
    else:
        env0 |= {"DATAOPS_PGBACKREST_CIPHER_PASS": key}
    server, env = archived_cluster(run_cli, pg_factory, env0, engine)
    pgbench(server, "-i", "-s", "1", "-q")
    out = run_cli("backup", "pg", "push", "--json", env=env)
    assert out.returncode == 0, out.stderr
    pgbench(server, "-t", "200", "-n")
    expected = checksum(server)
    switch_and_wait_archived(server)
    assert key[1:] not in out.stdout + out.stderr

    if engine.name == "pgbackrest":  # files in the repository are aes-256-cbc (openssl format)
        client = minio_tls.client()
        keys = [
            o["Key"]
            for o in client.list_objects_v2(Bucket=tls_bucket, Prefix="pg/backup/")["Contents"]
        ]
        sample = next(k for k in keys if "/pg_data/PG_VERSION" in k)
        assert (
            client.get_object(Bucket=tls_bucket, Key=sample)["Body"].read().startswith(b"Salted__")
        )

    restored = run_cli(
        "backup", "pg", "restore", "--target-dir", str(workdir / "restore-enc"),
        "--backup", "LATEST", "--start", "--json",
        env=env,
    )  # fmt: skip
    assert restored.returncode == 0, restored.stdout + restored.stderr
    with restored_conn(server, json.loads(restored.stdout)["url"]) as conn:
        assert checksum(conn) == expected

    # the same backup with another key cannot be fetched
    wrong = dict(env)
    for var in engine.key_vars:
        wrong[var] = "k" + "fedcba9876543210" * 4 if engine.name == "pgbackrest" else "f" * 64
    wrong[engine.config_var] = str(workdir / ("wrong-" + engine.config_name))
    failed = run_cli(
        "backup", "pg", "restore", "--target-dir", str(workdir / "restore-wrong"),
        "--backup", "LATEST",
        env=wrong,
    )  # fmt: skip
    assert failed.returncode != 0
    if engine.name == "pgbackrest":
        assert failed.returncode == 1 and "cipher pass" in failed.stderr, failed.stderr
    assert not (workdir / "restore-wrong" / "PG_VERSION").exists()
    text = failed.stdout + failed.stderr
    assert key not in text and wrong[engine.key_vars[0]] not in text
