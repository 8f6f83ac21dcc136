"""Bounded time under faults (issue 22), end to end: the ``dataops`` CLI as a process, real
PostgreSQL, pgBackRest, Borg, rclone and a MinIO of the test's own that is frozen
(SIGSTOP: connections hang, as with a lost network or a stuck store) mid-operation.

* storage lost mid-fetch -> exit 3 within the stall timeout, the target marked
  incomplete (no ``recovery.signal``), the next restore refused until ``--force``;
* storage lost mid-push -> exit 3, no backup listed;
* SIGTERM mid-restore, mid-push, mid-files-sync -> exit 143 within the kill grace and a
  few seconds, and no process the command started is left (checked by PID and start time).

The wal-g variants are marked ``walg`` (skipped where there is no wal-g binary).
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from dataops.backup import recovery
from tests.conftest import clean_env
from tests.harness.common import service_dir
from tests.harness.minio import MinioServer, start_minio
from tests.harness.postgres import OS_USER, PgServer
from tests.integration.test_backup_files import PASSPHRASE, files_env, make_tree
from tests.integration.test_backup_pg import (
    PGBACKREST,
    WALG,
    Engine,
    archived_cluster,
    base_env,
    pgbench,
    push,
)

pytestmark = [pytest.mark.integration]

RunCli = Callable[..., subprocess.CompletedProcess[str]]

STALL = 4.0  # DATAOPS_STORAGE_STALL_TIMEOUT in these tests
GRACE = 2.0  # DATAOPS_KILL_GRACE
SLACK = 6.0  # process start-up, polling, teardown on a busy 2-core machine

FAULT_ENV = {
    "DATAOPS_STORAGE_STALL_TIMEOUT": str(STALL),
    "DATAOPS_KILL_GRACE": str(GRACE),
    # pgBackRest's own timeout is longer: what ends the call is the watchdog
    "DATAOPS_PGBACKREST_IO_TIMEOUT": "60",
    # PostgreSQL's archive_command against the frozen store ends soon, leaves nothing behind
    "DATAOPS_PGBACKREST_COMMAND_TIMEOUT": "20",
    "DATAOPS_WALG_ARCHIVE_COMMAND_TIMEOUT": "20",
}


# ----------------------------------------------------------------------------- helpers


def _start_time(pid: int) -> str | None:
    """Field 22 of /proc/PID/stat (None: gone or a zombie, i.e. dead)."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    fields = stat[stat.rfind(")") + 2 :].split()
    return None if fields[0] in ("Z", "X") else fields[19]


class ProcessTree:
    """Every process below ``root`` (and the sessions its children started), recorded by
    PID, start time and command line while the command runs."""

    def __init__(self, root: int) -> None:
        self.root = root
        self.seen: dict[int, tuple[str, str]] = {}
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._poll, daemon=True)
        self._thread.start()

    def _poll(self) -> None:
        while not self._stop.is_set():
            parents: dict[int, list[int]] = {}
            for entry in Path("/proc").iterdir():
                if entry.name.isdigit():
                    try:
                        stat = (entry / "stat").read_text()
                    except OSError:
                        continue
                    ppid = int(stat[stat.rfind(")") + 2 :].split()[1])
                    parents.setdefault(ppid, []).append(int(entry.name))
            todo = list(parents.get(self.root, [])) + list(self.seen)
            while todo:
                pid = todo.pop()
                if pid not in self.seen:
                    start = _start_time(pid)
                    try:
                        cmd = Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ")
                    except OSError:
                        continue
                    if start is not None:
                        self.seen[pid] = (start, cmd.decode(errors="replace"))
                todo.extend(c for c in parents.get(pid, []) if c not in self.seen)
            time.sleep(0.05)

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(5)

    def commands(self, needle: str) -> list[int]:
        return [pid for pid, (_, cmd) in self.seen.items() if needle in cmd]

    def alive(self) -> list[str]:
        """What was seen and still runs (same PID and start time)."""
        return [
            f"{pid}: {cmd}" for pid, (start, cmd) in self.seen.items() if _start_time(pid) == start
        ]


def popen_cli(*args: str, env: dict[str, str]) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "dataops", *args],
        env={**clean_env(), **env},
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def wait_until(what: str, condition: Callable[[], bool], proc: subprocess.Popen[str]) -> None:
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        if condition():
            return
        if proc.poll() is not None:
            _, err = proc.communicate()
            raise AssertionError(f"ended (exit {proc.returncode}) before {what}: {err[-2000:]}")
        time.sleep(0.02)
    proc.kill()
    raise AssertionError(f"never saw {what}")


def ended(proc: subprocess.Popen[str], since: float, limit: float) -> tuple[int, str, float]:
    """(exit code, stdout + stderr, seconds since ``since``); fails if it is still running
    well after ``limit``."""
    try:
        out, err = proc.communicate(timeout=limit + 30)
    except subprocess.TimeoutExpired:
        proc.kill()
        raise AssertionError(f"still running {limit + 30:g} s later") from None
    return proc.returncode, out + err, time.monotonic() - since


def settle(tree: ProcessTree) -> list[str]:
    """Processes of the command still alive a moment after it ended (they get none)."""
    deadline = time.monotonic() + 1.0
    while tree.alive() and time.monotonic() < deadline:
        time.sleep(0.05)
    tree.stop()
    return tree.alive()


class Frozen:
    """SIGSTOP / SIGCONT of the test's own MinIO (it keeps accepting connections into the
    kernel's backlog, never answers: the nastiest outage, no "connection refused")."""

    def __init__(self, minio: MinioServer) -> None:
        self.minio = minio
        self.frozen = False

    def freeze(self) -> None:
        assert self.minio.proc is not None
        os.kill(self.minio.proc.pid, signal.SIGSTOP)
        self.frozen = True

    def thaw(self) -> None:
        if self.frozen and self.minio.proc is not None:
            os.kill(self.minio.proc.pid, signal.SIGCONT)
        self.frozen = False


@pytest.fixture
def own_storage() -> Iterator[tuple[MinioServer, Frozen]]:
    server = start_minio(tls=True)
    frozen = Frozen(server)
    yield server, frozen
    frozen.thaw()
    server.destroy()


@pytest.fixture
def workdir() -> Iterator[Path]:
    path = service_dir("faults", OS_USER)
    yield path
    subprocess.run(["rm", "-rf", str(path)], check=False, timeout=60)


def engine_bin(engine: Engine) -> Iterator[dict[str, str]]:
    if engine.name == "pgbackrest":
        yield {}
        return
    from tests.harness.common import walg_binary

    directory = service_dir("walg-bin")
    target = directory / "wal-g"
    source = walg_binary()
    assert source is not None
    target.write_bytes(Path(source).read_bytes())
    target.chmod(0o755)
    yield {"DATAOPS_WALG_BIN": str(target)}
    subprocess.run(["rm", "-rf", str(directory)], check=False, timeout=60)


@pytest.fixture(
    params=[
        pytest.param(PGBACKREST, id="pgbackrest"),
        pytest.param(WALG, id="walg", marks=pytest.mark.walg),
    ]
)
def engine(request: pytest.FixtureRequest) -> Iterator[tuple[Engine, dict[str, str]]]:
    yield from ((request.param, b) for b in engine_bin(request.param))


def cluster(
    run_cli: RunCli,
    pg_factory: Callable[..., PgServer],
    minio: MinioServer,
    workdir: Path,
    engine: tuple[Engine, dict[str, str]],
) -> tuple[PgServer, dict[str, str]]:
    kind, binary = engine
    bucket = minio.create_bucket("faults")
    env0 = {**base_env(kind, minio, bucket, workdir, binary), **FAULT_ENV}
    return archived_cluster(run_cli, pg_factory, env0, kind)


def backup_objects(minio: MinioServer, engine: Engine) -> list[str]:
    """Keys of base backup data in the bucket (pgBackRest: backup/STANZA/LABEL/pg_data/...,
    wal-g: basebackups_005/NAME/tar_partitions/...)."""
    prefix = "pg/backup/" if engine.name == "pgbackrest" else "pg/basebackups_005/"
    client = minio.client()
    keys: list[str] = []
    for page in client.get_paginator("list_objects_v2").paginate(Bucket="faults", Prefix=prefix):
        keys += [o["Key"] for o in page.get("Contents", [])]
    marker = "/pg_data/" if engine.name == "pgbackrest" else "/tar_partitions/"
    return [k for k in keys if marker in k]


# ------------------------------------------------------------------------------- tests


def test_restore_sigterm_and_storage_lost_mid_fetch(
    run_cli: RunCli,
    pg_factory: Callable[..., PgServer],
    own_storage: tuple[MinioServer, Frozen],
    workdir: Path,
    engine: tuple[Engine, dict[str, str]],
) -> None:
    minio, storage = own_storage
    server, env = cluster(run_cli, pg_factory, minio, workdir, engine)
    pgbench(server, "-i", "-s", "2", "-q")
    push(run_cli, env)

    # SIGTERM mid-fetch: exit 143 within the grace, nothing left running, marked incomplete
    target = workdir / "restore-term"
    proc = popen_cli("backup", "pg", "restore", "--target-dir", str(target), env=env)
    tree = ProcessTree(proc.pid)
    wait_until("the fetch writing files", lambda: (target / "base").is_dir(), proc)
    sent = time.monotonic()
    proc.send_signal(signal.SIGTERM)
    code, err, seconds = ended(proc, sent, GRACE + SLACK)
    assert code == 143, err[-2000:]
    assert seconds < GRACE + SLACK, seconds
    assert "interrupted by SIGTERM" in err
    assert settle(tree) == []
    assert recovery.is_incomplete(target)
    assert not (target / "recovery.signal").exists() and not (target / "PG_VERSION").exists()

    # storage lost mid-fetch: exit 3 within the stall timeout, naming the storage
    target = workdir / "restore-lost"
    proc = popen_cli("backup", "pg", "restore", "--target-dir", str(target), "--start", env=env)
    tree = ProcessTree(proc.pid)
    wait_until("the fetch writing files", lambda: (target / "base").is_dir(), proc)
    storage.freeze()
    frozen_at = time.monotonic()
    code, err, seconds = ended(proc, frozen_at, STALL + GRACE + SLACK)
    assert code == 3, err[-2000:]
    assert STALL <= seconds < STALL + GRACE + SLACK, seconds
    assert "made no progress" in err and "s3://faults/pg" in err, err[-2000:]
    assert minio.secret_key not in err and minio.access_key not in err
    assert settle(tree) == []
    inside, beside = recovery.incomplete_markers(target)
    assert inside.is_file() and beside.is_file()
    assert [p.name for p in target.iterdir()] == [recovery.INCOMPLETE_MARKER]
    assert not (target / "recovery.signal").exists() and not (target / "standby.signal").exists()
    storage.thaw()

    # refused (exit 2, saying why and what to do) until --force clears it
    again = run_cli("backup", "pg", "restore", "--target-dir", str(target), "--start", env=env)
    assert again.returncode == 2, again.stderr
    assert "did not finish" in again.stderr and "--force" in again.stderr
    forced = run_cli(
        "backup", "pg", "restore", "--target-dir", str(target), "--force", "--json", env=env
    )
    assert forced.returncode == 0, forced.stderr[-2000:]
    assert json.loads(forced.stdout)["target_dir"] == str(target)
    assert (target / "recovery.signal").exists() and (target / "PG_VERSION").exists()
    assert not recovery.is_incomplete(target)

    # SIGTERM while `--start` waits for recovery (storage lost again meanwhile): the server
    # it started is stopped, the directory stays a complete restore
    target = workdir / "restore-start"
    proc = popen_cli("backup", "pg", "restore", "--target-dir", str(target), "--start", env=env)
    pidfile = target / "postmaster.pid"
    wait_until("the restored server starting", pidfile.is_file, proc)
    storage.freeze()
    postmaster = int(pidfile.read_text().split()[0])
    sent = time.monotonic()
    proc.send_signal(signal.SIGTERM)
    code, err, seconds = ended(proc, sent, GRACE + SLACK)
    assert code == 143, err[-2000:]
    assert seconds < GRACE + SLACK, seconds
    assert _start_time(postmaster) is None  # the server is gone
    assert not pidfile.exists() and (target / "recovery.signal").exists()
    assert not recovery.is_incomplete(target)
    storage.thaw()


def test_push_sigterm_and_storage_lost_mid_push(
    run_cli: RunCli,
    pg_factory: Callable[..., PgServer],
    own_storage: tuple[MinioServer, Frozen],
    workdir: Path,
    engine: tuple[Engine, dict[str, str]],
) -> None:
    kind = engine[0]
    minio, storage = own_storage
    server, env = cluster(run_cli, pg_factory, minio, workdir, engine)
    pgbench(server, "-i", "-s", "4", "-q")

    # SIGTERM mid-push
    proc = popen_cli("backup", "pg", "push", env=env)
    tree = ProcessTree(proc.pid)
    wait_until("backup data in the bucket", lambda: bool(backup_objects(minio, kind)), proc)
    sent = time.monotonic()
    proc.send_signal(signal.SIGTERM)
    code, err, seconds = ended(proc, sent, GRACE + SLACK)
    assert code == 143, err[-2000:]
    assert seconds < GRACE + SLACK, seconds
    assert settle(tree) == []

    # storage lost mid-push
    before = set(backup_objects(minio, kind))
    proc = popen_cli("backup", "pg", "push", env=env)
    tree = ProcessTree(proc.pid)
    wait_until(
        "new backup data in the bucket",
        lambda: bool(set(backup_objects(minio, kind)) - before),
        proc,
    )
    storage.freeze()
    frozen_at = time.monotonic()
    code, err, seconds = ended(proc, frozen_at, STALL + GRACE + SLACK)
    assert code == 3, err[-2000:]
    assert STALL <= seconds < STALL + GRACE + SLACK, seconds
    assert "made no progress" in err and "s3://faults/pg" in err, err[-2000:]
    assert settle(tree) == []
    storage.thaw()

    listed = run_cli("backup", "pg", "list", "--json", env=env)
    assert listed.returncode == 0, listed.stderr
    assert json.loads(listed.stdout) == []  # neither push is listed as a backup


def test_files_push_sigterm_and_storage_lost_mid_sync(
    run_cli: RunCli, own_storage: tuple[MinioServer, Frozen], tmp_path: Path
) -> None:
    minio, storage = own_storage
    source = tmp_path / "app-files"
    source.mkdir()
    make_tree(source)
    (source / "big.bin").write_bytes(os.urandom(6 * 1024 * 1024))
    bucket = minio.create_bucket("files-faults")
    env = {
        **files_env(minio, bucket, tmp_path, source),
        **FAULT_ENV,
        "DATAOPS_RCLONE_BWLIMIT": "1M",  # the copy takes seconds: time to catch it
    }
    repo = env["DATAOPS_BORG_REPO"]

    def uploading(tree: ProcessTree) -> Callable[[], bool]:
        """rclone copying segments (under the lock), not one of the probes before it."""
        return lambda: any(
            "rclone" in c and " copy " in c and f"dataops:{bucket}/app/borg" in c
            for _, c in list(tree.seen.values())
        )

    # SIGTERM mid-sync: rclone, the helper and the borg holding the lock all end
    proc = popen_cli("backup", "files", "push", env=env)
    tree = ProcessTree(proc.pid)
    wait_until("rclone uploading", uploading(tree), proc)
    time.sleep(0.5)
    sent = time.monotonic()
    proc.send_signal(signal.SIGTERM)
    code, err, seconds = ended(proc, sent, GRACE + SLACK)
    assert code == 143, err[-2000:]
    assert seconds < GRACE + SLACK, seconds
    assert tree.commands("rclone") and tree.commands("with-lock")
    assert settle(tree) == []
    assert PASSPHRASE not in err

    # storage lost mid-sync: exit 3 naming the storage, the local archive made
    proc = popen_cli("backup", "files", "push", "--json", env=env)
    tree = ProcessTree(proc.pid)
    wait_until("rclone uploading", uploading(tree), proc)
    time.sleep(0.5)
    storage.freeze()
    frozen_at = time.monotonic()
    code, err, seconds = ended(proc, frozen_at, STALL + GRACE + SLACK)
    assert code == 3, err[-2000:]
    assert STALL <= seconds < STALL + GRACE + SLACK, seconds
    assert "made no progress" in err and f"s3://{bucket}/app/borg" in err, err[-2000:]
    assert settle(tree) == []
    storage.thaw()
    assert Path(repo, "config").is_file()
    assert minio.secret_key not in err
