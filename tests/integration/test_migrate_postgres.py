"""`dataops migrate` against a real PostgreSQL: protocol, transactions, replicas, signals, wait."""

from __future__ import annotations

import json
import logging
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from dataops.errors import DirtyError, LockTimeoutError, MigrationError, VerificationError
from dataops.migrate.backend import PostgresBackend, open_backend
from dataops.migrate.golang import GolangMigrator
from tests.conftest import REPO, clean_env
from tests.harness.postgres import PgServer
from tests.integration.migrate_samples.helpers import (
    copy_sample,
    execute,
    history,
    rows,
    snapshot,
    version_row,
)

pytestmark = pytest.mark.integration

Run = Callable[..., subprocess.CompletedProcess[str]]


def env_for(url: str, folder: Path) -> dict[str, str]:
    return {
        "DATAOPS_DATABASE_URL": url,
        "DATAOPS_MIGRATIONS_PATH": str(folder),
        "DATAOPS_LOG_FORMAT": "json",
    }


def popen_cli(*args: str, env: dict[str, str]) -> subprocess.Popen[str]:
    full = clean_env()
    full.update(env)
    return subprocess.Popen(
        [sys.executable, "-m", "dataops", *args],
        env=full,
        cwd=REPO,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def test_round_trips_keep_the_schema(pg_db: str, tmp_path: Path) -> None:
    folder = copy_sample("postgres", tmp_path)
    m = GolangMigrator(pg_db, folder)
    result = m.up()
    assert [a.log_string for a in result.applied] == [
        "1/u create_users",
        "2/u orders",
        "3/u orders_user_index",
        "4/u active_users",
    ]
    assert [a.mode for a in result.applied] == [
        "transaction",
        "transaction",
        "no-transaction",  # CREATE INDEX CONCURRENTLY
        "transaction",
    ]
    assert version_row(pg_db) == [(4, False)]
    applied = snapshot(pg_db)
    assert "orders_user_id" in str(applied["orders"]["indexes"])
    assert [f[0] for f in applied["functions"]] == ["order_total", "user_count"]
    assert rows(pg_db, "SELECT note FROM users ORDER BY id") == [
        ("it's; fine",),
        ("dollar; quoted",),
    ]
    assert rows(pg_db, "SELECT user_count()") == [(2,)]
    # golang-migrate's exact table, in the current schema
    assert rows(
        pg_db,
        "SELECT table_schema, column_name, data_type, is_nullable FROM information_schema.columns"
        " WHERE table_name = 'schema_migrations' ORDER BY ordinal_position",
    ) == [("public", "version", "bigint", "NO"), ("public", "dirty", "boolean", "NO")]

    assert [a.log_string for a in m.down(2).applied] == [
        "4/d active_users",
        "3/d orders_user_index",
    ]
    assert version_row(pg_db) == [(2, False)]
    assert m.goto(3).to_version == 3
    assert [a.target for a in m.down(-1).applied] == [2, 1, -1]
    assert version_row(pg_db) == []
    assert sorted(snapshot(pg_db)) == [
        "dataops_migrations",
        "enums",
        "functions",
        "schema_migrations",
        "views",
    ]
    assert m.up().to_version == 4
    assert snapshot(pg_db) == applied

    assert m.force(2).version == 2
    assert version_row(pg_db) == [(2, False)]
    assert m.force(-1).version == -1
    assert version_row(pg_db) == []
    m.force(4)
    assert m.up().no_change


def test_failing_file_rolls_back_and_names_file_and_line(
    pg_db: str, tmp_path: Path, run_cli: Run
) -> None:
    folder = copy_sample("postgres", tmp_path)
    GolangMigrator(pg_db, folder).up()
    (folder / "5_broken.up.sql").write_text(
        "CREATE TABLE t5 (id int);\nINSERT INTO t5 VALUES (1);\n\nUPDATE t5\n   SET nope = 2;\n"
    )
    (folder / "5_broken.down.sql").write_text("DROP TABLE t5;\n")
    before = snapshot(pg_db)
    proc = run_cli("migrate", "up", env=env_for(pg_db, folder))
    assert proc.returncode == 1, proc.stderr
    assert "5_broken.up.sql failed at line 5 (column 8)" in proc.stderr
    assert 'column "nope" of relation "t5" does not exist' in proc.stderr
    assert "still at version 4 and not dirty" in proc.stderr
    assert "Traceback" not in proc.stderr
    assert version_row(pg_db) == [(4, False)]
    assert snapshot(pg_db) == before
    assert history(pg_db)[-1] == (5, "up", "failed")


def test_non_transactional_file_keeps_dirty_semantics(pg_db: str, tmp_path: Path) -> None:
    folder = copy_sample("postgres", tmp_path)
    m = GolangMigrator(pg_db, folder)
    m.up()
    (folder / "5_concurrently.up.sql").write_text(
        "CREATE TABLE t5 (id int);\nCREATE INDEX CONCURRENTLY t5_id ON t5 (nope);\n"
    )
    (folder / "5_concurrently.down.sql").write_text("DROP TABLE t5;\n")
    with pytest.raises(MigrationError) as err:
        m.up()
    text = err.value.render()
    assert "5_concurrently.up.sql failed at line 2" in text
    assert "Dirty database version 5. Fix and force version." in text
    assert "ran (and committed): line 1: CREATE TABLE t5 (id int)" in text
    assert "`dataops migrate force 5`" in text and "`dataops migrate force 4`" in text
    assert version_row(pg_db) == [(5, True)]
    with pytest.raises(DirtyError, match="Dirty database version 5"):
        m.up()
    # recover as the hint says: undo what ran, force the previous version, fix, rerun
    execute(pg_db, "DROP TABLE t5")
    m.force(4)
    (folder / "5_concurrently.up.sql").write_text(
        "CREATE TABLE t5 (id int);\nCREATE INDEX CONCURRENTLY t5_id ON t5 (id);\n"
    )
    result = m.up()
    assert [(a.version, a.mode) for a in result.applied] == [(5, "no-transaction")]
    assert version_row(pg_db) == [(5, False)]

    # a BEGIN/COMMIT wrapper is absorbed; any other transaction control means dirty semantics
    (folder / "6_wrapped.up.sql").write_text("BEGIN;\nCREATE TABLE t6 (id int);\nCOMMIT;\n")
    (folder / "7_own_tx.up.sql").write_text(
        "BEGIN;\nCREATE TABLE t7 (id int);\nCOMMIT;\nBEGIN;\nSELECT * FROM nope;\nCOMMIT;\n"
    )
    assert [(a.version, a.mode) for a in m.up(1).applied] == [(6, "transaction")]
    with pytest.raises(MigrationError, match=r"7_own_tx\.up\.sql failed at line 5"):
        m.up()
    assert version_row(pg_db) == [(7, True)]
    assert rows(pg_db, "SELECT to_regclass('t7') IS NOT NULL") == [(True,)]
    assert history(pg_db)[-1] == (7, "up", "failed")


def test_checksum_and_out_of_order_from_the_cli(pg_db: str, tmp_path: Path, run_cli: Run) -> None:
    folder = copy_sample("postgres", tmp_path)
    env = env_for(pg_db, folder)
    GolangMigrator(pg_db, folder).up()
    (folder / "0_first.up.sql").write_text("CREATE TABLE first_table (id int);\n")
    (folder / "0_first.down.sql").write_text("DROP TABLE first_table;\n")
    refused = run_cli("migrate", "up", env=env)
    assert refused.returncode == 1
    assert "out of order" in refused.stderr and "0_first.up.sql" in refused.stderr
    status = run_cli("migrate", "--json", "status", env=env)
    states = {f["version"]: f["state"] for f in json.loads(status.stdout)["files"]}
    assert states == {0: "out-of-order", 1: "applied", 2: "applied", 3: "applied", 4: "applied"}
    allowed = run_cli("migrate", "--json", "up", "--allow-out-of-order", env=env)
    assert allowed.returncode == 0, allowed.stderr
    assert [(a["version"], a["target"]) for a in json.loads(allowed.stdout)["applied"]] == [(0, 4)]
    assert rows(pg_db, "SELECT count(*) FROM first_table") == [(0,)]

    up2 = folder / "2_orders.up.sql"
    up2.write_text(up2.read_text().replace("total numeric", "total  numeric"))
    verify = run_cli("migrate", "verify", env=env)
    assert verify.returncode == 1
    assert "2_orders.up.sql: changed since it was applied" in verify.stderr
    with pytest.raises(VerificationError, match="changed since they were applied"):
        GolangMigrator(pg_db, folder).up()


def test_four_replicas_apply_each_migration_once(pg_db: str, tmp_path: Path) -> None:
    folder = copy_sample("postgres", tmp_path)
    (folder / "5_slow.up.sql").write_text("SELECT pg_sleep(1);\nCREATE TABLE slow (id int);\n")
    (folder / "5_slow.down.sql").write_text("DROP TABLE slow;\n")
    procs = [popen_cli("migrate", "--json", "up", env=env_for(pg_db, folder)) for _ in range(4)]
    outputs = [p.communicate(timeout=120) for p in procs]
    assert [p.returncode for p in procs] == [0, 0, 0, 0], [e for _, e in outputs]
    applied = [json.loads(out)["applied"] for out, _ in outputs]
    assert sorted(len(a) for a in applied) == [0, 0, 0, 5]
    assert version_row(pg_db) == [(5, False)]
    ups = rows(
        pg_db,
        "SELECT version, count(*) FROM dataops_migrations WHERE direction = 'up' "
        "AND outcome = 'success' GROUP BY version ORDER BY version",
    )
    assert ups == [(1, 1), (2, 1), (3, 1), (4, 1), (5, 1)]
    assert rows(pg_db, "SELECT count(*) FROM dataops_migrations WHERE outcome <> 'success'") == [
        (0,)
    ]


def test_sigterm_cancels_the_statement_and_rolls_back(
    pg: PgServer, pg_db: str, tmp_path: Path
) -> None:
    folder = copy_sample("postgres", tmp_path)
    GolangMigrator(pg_db, folder).up(1)
    for extra in ("3_orders_user_index", "4_active_users"):
        for d in ("up", "down"):
            (folder / f"{extra}.{d}.sql").unlink()
    (folder / "2_orders.up.sql").write_text(
        "CREATE TABLE before_sleep (id int);\nSELECT pg_sleep(30);\nCREATE TABLE after_sleep (id int);\n"
    )
    proc = popen_cli("migrate", "up", env=env_for(pg_db, folder))
    dbname = pg_db.rsplit("/", 1)[1]
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        sleeping = pg.execute(
            "SELECT count(*) FROM pg_stat_activity WHERE datname = "
            f"'{dbname}' AND query LIKE 'SELECT pg_sleep(30)%'"
        )
        if sleeping[0][0]:
            break
        time.sleep(0.1)
    else:
        proc.kill()
        pytest.fail("the migration never started: " + proc.communicate()[1])
    started = time.monotonic()
    proc.send_signal(signal.SIGTERM)
    _out, err = proc.communicate(timeout=20)
    assert time.monotonic() - started < 10
    assert proc.returncode == 128 + signal.SIGTERM, err
    assert "interrupted" in err and "SIGTERM" in err and "statement cancelled" in err
    assert "still at version 1 and not dirty" in err
    assert version_row(pg_db) == [(1, False)]
    assert rows(pg_db, "SELECT to_regclass('before_sleep') IS NULL") == [(True,)]
    assert history(pg_db)[-1] == (2, "up", "cancelled")


def test_wait_blocks_until_another_process_migrates(pg_db: str, tmp_path: Path) -> None:
    folder = copy_sample("postgres", tmp_path)
    waiter = popen_cli(
        "migrate", "wait", "--timeout", "60", "--interval", "0.2", env=env_for(pg_db, folder)
    )
    time.sleep(2.5)  # the interpreter starts and polls a few times
    assert waiter.poll() is None, waiter.communicate()
    GolangMigrator(pg_db, folder).up(3)
    time.sleep(0.6)
    assert waiter.poll() is None  # 3 is not the latest file
    GolangMigrator(pg_db, folder).up()
    out, err = waiter.communicate(timeout=30)
    assert waiter.returncode == 0, err
    assert out.strip() == "version 4"

    m = GolangMigrator(pg_db, folder)
    assert m.wait(4, timeout=1).version == 4
    with pytest.raises(Exception, match=r"timed out after 0\.5 s waiting for version 5"):
        m.wait(5, timeout=0.5, interval=0.1)


def test_lock_wait_times_out_with_heartbeat(
    pg_db: str, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    folder = copy_sample("postgres", tmp_path)
    holder = open_backend(pg_db)
    assert isinstance(holder, PostgresBackend)
    locks = holder.make_locks()
    for lk in locks:
        lk.acquire(5, threading.Event())
    try:
        caplog.set_level(logging.INFO, logger="dataops.migrate.lock")
        started = time.monotonic()
        with pytest.raises(LockTimeoutError, match="can't acquire database lock"):
            GolangMigrator(pg_db, folder, lock_timeout=2.5).up()
        assert 2.4 < time.monotonic() - started < 6
        beats = [r for r in caplog.records if r.getMessage() == "migrate.lock.waiting"]
        assert len(beats) >= 1
    finally:
        for lk in locks:
            lk.release()
        holder.close()
    assert rows(pg_db, "SELECT to_regclass('schema_migrations') IS NULL") == [(True,)]
    assert len(GolangMigrator(pg_db, folder).up().applied) == 4
