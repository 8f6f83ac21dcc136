"""`dataops migrate` on SQLite: transactional files, golang-migrate's table, the file lock."""

from __future__ import annotations

import threading
import time
from pathlib import Path

import pytest

from dataops.errors import ConfigError, DirtyError, MigrationError, VerificationError
from dataops.migrate import lock as locks
from dataops.migrate.backend import open_backend
from dataops.migrate.golang import GolangMigrator
from tests.integration.migrate_samples.helpers import copy_sample, history, rows, snapshot


@pytest.fixture
def sqlite_url(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'app.db'}"


def test_round_trip_and_same_schema(tmp_path: Path, sqlite_url: str) -> None:
    folder = copy_sample("sqlite", tmp_path)
    m = GolangMigrator(sqlite_url, folder)
    result = m.up()
    assert [a.log_string for a in result.applied] == ["1/u create_users", "2/u user_log"]
    assert [a.mode for a in result.applied] == ["transaction", "transaction"]
    first = snapshot(sqlite_url)
    assert "users_logged" in str(first["triggers"])
    # golang-migrate's sqlite DDL: (version uint64, dirty bool) + unique index
    ddl = rows(sqlite_url, "SELECT sql FROM sqlite_master WHERE name = 'schema_migrations'")
    assert ddl == [('CREATE TABLE "schema_migrations" (version uint64,dirty bool)',)]
    assert rows(sqlite_url, "SELECT version, dirty FROM schema_migrations") == [(2, 0)]
    assert rows(sqlite_url, "SELECT count(*) FROM user_log") == [(0,)]

    assert [a.log_string for a in m.down(-1).applied] == ["2/d user_log", "1/d create_users"]
    assert rows(sqlite_url, "SELECT count(*) FROM schema_migrations") == [(0,)]
    assert m.version().version == -1
    m.goto(1)
    assert m.version().version == 1
    m.up()
    assert snapshot(sqlite_url) == first
    assert m.up().no_change
    assert history(sqlite_url) == [
        (1, "up", "success"),
        (2, "up", "success"),
        (2, "down", "success"),
        (1, "down", "success"),
        (1, "up", "success"),
        (2, "up", "success"),
    ]


def test_failure_rolls_back_with_file_and_line(tmp_path: Path, sqlite_url: str) -> None:
    folder = copy_sample("sqlite", tmp_path)
    (folder / "3_broken.up.sql").write_text(
        "CREATE TABLE t3 (x);\nINSERT INTO t3 VALUES (1);\n\nINSERT INTO nope VALUES (2);\n"
    )
    m = GolangMigrator(sqlite_url, folder)
    with pytest.raises(MigrationError) as err:
        m.up()
    assert "3_broken.up.sql failed at line 4" in err.value.message
    assert "no such table: nope" in err.value.message
    assert "not dirty" in err.value.render()
    assert m.version().version == 2 and not m.version().dirty
    assert rows(sqlite_url, "SELECT name FROM sqlite_master WHERE name = 't3'") == []
    assert history(sqlite_url)[-1] == (3, "up", "failed")


def test_dirty_database_refuses_until_force(tmp_path: Path, sqlite_url: str) -> None:
    folder = copy_sample("sqlite", tmp_path)
    m = GolangMigrator(sqlite_url, folder)
    m.up(1)
    m.force(1)  # creates nothing new, clears nothing: still version 1
    backend = open_backend(sqlite_url)
    backend.query("UPDATE schema_migrations SET dirty = 1")
    backend.close()
    with pytest.raises(DirtyError, match=r"^Dirty database version 1\. Fix and force version\.$"):
        m.up()
    assert m.force(1).dirty is False
    assert [a.version for a in m.up().applied] == [2]


def test_checksum_change_and_out_of_order(tmp_path: Path, sqlite_url: str) -> None:
    folder = copy_sample("sqlite", tmp_path)
    m = GolangMigrator(sqlite_url, folder)
    m.up()
    up1 = folder / "1_create_users.up.sql"
    original = up1.read_text()
    up1.write_text(original + "-- edited\n")
    with pytest.raises(VerificationError) as err:
        m.up()
    assert "1_create_users.up.sql" in err.value.render()
    assert not m.verify().ok
    assert m.verify(accept=True).accepted == ["1_create_users.up.sql"]
    assert m.verify().ok

    (folder / "0_early.up.sql").write_text("CREATE TABLE early (x);")
    (folder / "0_early.down.sql").write_text("DROP TABLE early;")
    with pytest.raises(VerificationError, match="out of order") as err:
        m.up()
    assert "0_early.up.sql" in err.value.render()
    assert [f.state for f in m.status().files][:1] == ["out-of-order"]
    with pytest.raises(VerificationError, match="never applied"):
        m.down(-1)
    ok = GolangMigrator(sqlite_url, folder, allow_out_of_order=True)
    result = ok.up()
    assert [(a.version, a.target) for a in result.applied] == [(0, 2)]
    assert ok.version().version == 2
    assert rows(sqlite_url, "SELECT name FROM sqlite_master WHERE name = 'early'") == [("early",)]
    assert m.verify().ok


def test_file_lock_excludes_and_times_out(tmp_path: Path, sqlite_url: str) -> None:
    folder = copy_sample("sqlite", tmp_path)
    held = locks.FileLock(Path(str(tmp_path / "app.db") + ".dataops-lock"))
    held.acquire(1, threading.Event())
    try:
        started = time.monotonic()
        with pytest.raises(
            locks.LockTimeoutError, match=r"can't acquire database lock \(.*\) within 1 s"
        ):
            GolangMigrator(sqlite_url, folder, lock_timeout=1).up()
        assert 0.9 < time.monotonic() - started < 5
    finally:
        held.release()
    assert len(GolangMigrator(sqlite_url, folder).up().applied) == 2


def test_typed_actions_in_process(tmp_path: Path, sqlite_url: str) -> None:
    """What the sidecar calls: ``actions.up(settings, UpOptions())``, no CLI involved."""
    from dataops.config.settings import Settings
    from dataops.errors import NoDatabaseError
    from dataops.migrate import actions
    from dataops.migrate.api import RunResult, VersionInfo

    folder = copy_sample("sqlite", tmp_path)
    settings = Settings(database_url=sqlite_url, migrations_path=folder, migrate_lock_timeout=5)
    result = actions.up(settings, actions.UpOptions(n=1))
    assert isinstance(result, RunResult) and result.tool == "migrate"
    assert [a.version for a in result.applied] == [1]
    assert result.as_dict()["to_version"] == 1
    assert str(actions.version(settings, actions.MigrateOptions())) == "1"
    assert actions.goto(settings, actions.GotoOptions(target="2")).to_version == 2
    assert actions.status(settings, actions.MigrateOptions()).problems == []
    assert actions.verify(settings, actions.VerifyOptions()).ok
    waited = actions.wait(settings, actions.WaitOptions(timeout=5, interval=0.1))
    assert waited.version == 2

    # verify decides the exit itself: a changed applied file raises, carrying the report
    up_file = next(folder.glob("1_*.up.sql"))
    up_file.write_text(up_file.read_text() + "\n-- edited\n")
    with pytest.raises(actions.VerifyFailed) as failed:
        actions.verify(settings, actions.VerifyOptions())
    assert failed.value.exit_code == 1
    assert failed.value.result.inspection.changed[0].version == 1
    assert actions.verify(settings, actions.VerifyOptions(accept=True)).ok

    assert actions.down(settings, actions.DownOptions()).to_version == -1
    assert actions.force(settings, actions.ForceOptions(target=2)) == VersionInfo(2, False)
    assert str(actions.force(settings, actions.ForceOptions(target="-1"))) == "no version"

    made = actions.create(settings, actions.CreateOptions(name="more"))
    assert [p.name.endswith((".up.sql", ".down.sql")) for p in made.paths] == [True, True]
    with pytest.raises(NoDatabaseError):
        actions.up(Settings(migrations_path=folder), actions.UpOptions())
    with pytest.raises(ConfigError, match="not an integer version"):
        actions.goto(settings, actions.GotoOptions(target="abc"))
