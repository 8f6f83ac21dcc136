"""Interoperability with the real golang-migrate CLI: same files, table, protocol and lock."""

from __future__ import annotations

import subprocess
import threading
import time
from pathlib import Path

import pytest

from dataops.errors import LockTimeoutError
from dataops.migrate.backend import PostgresBackend, open_backend
from dataops.migrate.golang import GolangMigrator
from dataops.migrate.lock import mysql_lock_name
from tests.harness.common import go_tool
from tests.harness.postgres import PgServer
from tests.integration.migrate_samples.helpers import (
    copy_sample,
    go_url,
    rows,
    snapshot,
    version_row,
)

pytestmark = pytest.mark.integration


def go_migrate(
    folder: Path, url: str, *args: str, timeout: float = 60
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [go_tool("migrate"), "-path", str(folder), "-database", go_url(url), *args],
        capture_output=True,
        text=True,
        timeout=timeout,
    )


def go_migrate_bg(folder: Path, url: str, *args: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [go_tool("migrate"), "-path", str(folder), "-database", go_url(url), *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def history_rows(url: str) -> list[tuple[object, ...]]:
    return rows(
        url,
        "SELECT version, direction FROM dataops_migrations WHERE outcome = 'success' ORDER BY id",
    )


def test_postgres_interop_and_lock(pg: PgServer, pg_db: str, tmp_path: Path) -> None:
    folder = copy_sample("postgres", tmp_path)
    step = go_migrate(folder, pg_db, "up", "2")
    assert step.returncode == 0, step.stderr
    assert version_row(pg_db) == [(2, False)]

    # dataops continues where golang-migrate stopped and adopts what it applied
    result = GolangMigrator(pg_db, folder).up()
    assert [a.version for a in result.applied] == [3, 4]
    assert history_rows(pg_db) == [(1, "baseline"), (2, "baseline"), (3, "up"), (4, "up")]
    at_four = snapshot(pg_db)
    assert go_migrate(folder, pg_db, "version").stderr.strip() == "4"

    # golang-migrate goes down through files dataops applied
    down = go_migrate(folder, pg_db, "down", "2")
    assert down.returncode == 0, down.stderr
    assert version_row(pg_db) == [(2, False)]
    assert GolangMigrator(pg_db, folder).version().version == 2
    assert rows(pg_db, "SELECT to_regclass('active_users') IS NULL") == [(True,)]
    states = [f.state for f in GolangMigrator(pg_db, folder).status().files]
    assert states == ["applied", "applied", "pending", "pending"]
    assert GolangMigrator(pg_db, folder).verify().ok

    # and dataops takes it back up to the same schema
    assert [a.version for a in GolangMigrator(pg_db, folder).up().applied] == [3, 4]
    assert snapshot(pg_db) == at_four

    # lock 1: dataops holds it, golang-migrate waits (its Open takes the lock with no timeout)
    holder = open_backend(pg_db)
    assert isinstance(holder, PostgresBackend)
    locks = holder.make_locks()
    for lk in locks:
        lk.acquire(5, threading.Event())
    blocked = go_migrate_bg(folder, pg_db, "version")
    try:
        with pytest.raises(subprocess.TimeoutExpired):
            blocked.communicate(timeout=2)
    finally:
        for lk in locks:
            lk.release()
    _out, err = blocked.communicate(timeout=30)
    assert blocked.returncode == 0 and err.strip() == "4"

    # lock 2: golang-migrate holds it (a slow migration), dataops times out on the same key
    (folder / "5_slow.up.sql").write_text("SELECT pg_sleep(4);\n")
    (folder / "5_slow.down.sql").write_text("SELECT 1;\n")
    running = go_migrate_bg(folder, pg_db, "up")
    try:
        dbname = pg_db.rsplit("/", 1)[1]
        deadline = time.monotonic() + 20
        held: list[tuple[object, ...]] = []
        while time.monotonic() < deadline and not held:
            held = pg.execute(
                "SELECT l.objid FROM pg_locks l JOIN pg_database d ON d.oid = l.database "
                f"WHERE l.locktype = 'advisory' AND l.granted AND d.datname = '{dbname}'"
            )
            time.sleep(0.05)
        assert held, "golang-migrate never took its lock"
        assert int(held[0][0]) in holder.lock_keys()  # the "/dbname" key of migrate's CLI
        with pytest.raises(LockTimeoutError):
            GolangMigrator(pg_db, folder, lock_timeout=1).up()
    finally:
        _out, err = running.communicate(timeout=60)
        holder.close()
    assert running.returncode == 0, err
    assert version_row(pg_db) == [(5, False)]
    assert GolangMigrator(pg_db, folder).up().no_change


def test_mariadb_interop_and_lock(mariadb_db: str, tmp_path: Path) -> None:
    folder = copy_sample("mysql", tmp_path)
    first = go_migrate(folder, mariadb_db, "up", "1")
    assert first.returncode == 0, first.stderr
    assert [a.version for a in GolangMigrator(mariadb_db, folder).up().applied] == [2, 3]
    assert version_row(mariadb_db) == [(3, False)]
    at_three = snapshot(mariadb_db)

    down = go_migrate(folder, mariadb_db, "down", "2")
    assert down.returncode == 0, down.stderr
    assert version_row(mariadb_db) == [(1, False)]
    assert rows(
        mariadb_db, "SELECT count(*) FROM information_schema.tables WHERE table_name = 'orders'"
    ) == [(0,)]
    assert [a.version for a in GolangMigrator(mariadb_db, folder).up().applied] == [2, 3]
    assert snapshot(mariadb_db) == at_three

    # golang-migrate holds GET_LOCK on the same name while it runs a slow migration
    (folder / "4_slow.up.sql").write_text("SELECT SLEEP(3);\n")
    (folder / "4_slow.down.sql").write_text("SELECT 1;\n")
    running = go_migrate_bg(folder, mariadb_db, "up")
    try:
        dbname = mariadb_db.rsplit("/", 1)[1]
        name = mysql_lock_name(dbname)
        deadline = time.monotonic() + 20
        owner = None
        while time.monotonic() < deadline and owner is None:
            owner = rows(mariadb_db, f"SELECT IS_USED_LOCK('{name}')")[0][0]
            time.sleep(0.05)
        assert owner is not None, "golang-migrate never took its lock"
        with pytest.raises(LockTimeoutError, match=name):
            GolangMigrator(mariadb_db, folder, lock_timeout=1).up()
    finally:
        _out, err = running.communicate(timeout=60)
    assert running.returncode == 0, err
    assert version_row(mariadb_db) == [(4, False)]
