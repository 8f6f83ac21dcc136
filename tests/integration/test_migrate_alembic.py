"""An Alembic project run by `dataops migrate --alembic-config` under the lock and history."""

from __future__ import annotations

import json
import shutil
import subprocess
import threading
from collections.abc import Callable
from pathlib import Path

import pytest

from dataops.errors import LockTimeoutError, VerificationError
from dataops.migrate.alembic import AlembicMigrator
from dataops.migrate.backend import open_backend
from tests.integration.migrate_samples.helpers import ALEMBIC_INI, rows, snapshot

pytestmark = pytest.mark.integration

Run = Callable[..., subprocess.CompletedProcess[str]]


@pytest.fixture
def project(tmp_path: Path) -> Path:
    target = tmp_path / "alembic_project"
    shutil.copytree(ALEMBIC_INI.parent, target)
    return target / "alembic.ini"


def alembic_history(url: str) -> list[tuple[object, ...]]:
    return rows(
        url,
        "SELECT revision, direction, outcome FROM dataops_migrations WHERE tool = 'alembic' ORDER BY id",
    )


def test_upgrade_downgrade_from_the_cli(pg_db: str, project: Path, run_cli: Run) -> None:
    env = {"DATAOPS_DATABASE_URL": pg_db, "DATAOPS_LOG_FORMAT": "json"}
    base = ["migrate", "--alembic-config", str(project)]
    up = run_cli(*base, "--json", "up", env=env)
    assert up.returncode == 0, up.stderr
    result = json.loads(up.stdout)
    assert [(a["revision"], a["direction"]) for a in result["applied"]] == [
        ("a1", "up"),
        ("b2", "up"),
    ]
    assert result["to_version"] == ["b2"]
    # the ini file's [loggers] are not applied: every stderr line is a dataops JSON event
    assert "ALEMBIC-FILECONFIG" not in up.stderr
    events = [json.loads(line)["event"] for line in up.stderr.splitlines() if line.strip()]
    assert "migrate.lock.acquired" in events
    assert any(e.startswith("Running upgrade") for e in events)
    assert rows(pg_db, "SELECT version_num FROM alembic_version") == [("b2",)]
    assert "accounts_email" in str(snapshot(pg_db)["accounts"]["indexes"])

    down = run_cli(*base, "down", "1", env=env)
    assert down.returncode == 0, down.stderr
    assert down.stdout.strip() == "b2/d add accounts.name"
    assert rows(pg_db, "SELECT version_num FROM alembic_version") == [("a1",)]
    assert alembic_history(pg_db) == [
        ("a1", "up", "success"),
        ("b2", "up", "success"),
        ("b2", "down", "success"),
    ]

    created = run_cli(*base, "--json", "create", "add thing", env=env)
    assert created.returncode == 0, created.stderr
    made = json.loads(created.stdout)  # nothing but the JSON on stdout
    assert f"revision: str = {made['version']!r}" in Path(made["path"]).read_text()


def test_alembic_api_round_trip_checksums_and_lock(pg_db: str, project: Path) -> None:
    m = AlembicMigrator(project, pg_db, lock_timeout=5)
    assert str(m.version()) == "no version"
    assert [s.version for s in m.up(1).applied] == ["a1"]
    assert [s.version for s in m.goto("b2").applied] == ["b2"]
    applied = snapshot(pg_db)
    status = m.status()
    assert [(f.version, f.state, f.checksum) for f in status.files] == [
        ("a1", "applied", "ok"),
        ("b2", "applied", "ok"),
    ]
    assert m.up().no_change
    assert [s.version for s in m.down(-1).applied] == ["b2", "a1"]
    assert str(m.version()) == "no version"
    m.up()
    assert snapshot(pg_db) == applied
    assert m.wait(timeout=5).version == "b2"

    revision = project.parent / "versions" / "a1_create_accounts.py"
    revision.write_text(revision.read_text() + "\n# edited\n")
    assert not m.verify().ok
    m.down(1)
    with pytest.raises(VerificationError, match="changed since they were applied"):
        m.up()
    assert m.verify(accept=True).accepted == ["a1_create_accounts.py"]
    assert [s.version for s in m.up().applied] == ["b2"]

    assert str(m.force("a1")) == "a1"
    assert rows(pg_db, "SELECT version_num FROM alembic_version") == [("a1",)]
    m.force("b2")

    # the same lock as golang-migrate folders
    holder = open_backend(pg_db)
    locks = holder.make_locks()
    for lk in locks:
        lk.acquire(5, threading.Event())
    try:
        with pytest.raises(LockTimeoutError):
            AlembicMigrator(project, pg_db, lock_timeout=1).down(1)
    finally:
        for lk in locks:
            lk.release()
        holder.close()


def test_alembic_failure_is_rolled_back(pg_db: str, project: Path) -> None:
    bad = project.parent / "versions" / "c3_broken.py"
    bad.write_text(
        '"""broken"""\n'
        "from alembic import op\n\n"
        'revision = "c3"\ndown_revision = "b2"\nbranch_labels = None\ndepends_on = None\n\n\n'
        "def upgrade() -> None:\n"
        '    op.execute("CREATE TABLE c3_table (id int)")\n'
        '    op.execute("SELECT * FROM nope")\n\n\n'
        "def downgrade() -> None:\n"
        '    op.execute("DROP TABLE c3_table")\n'
    )
    m = AlembicMigrator(project, pg_db)
    with pytest.raises(Exception, match="Running upgrade b2 -> c3") as err:
        m.up()
    assert 'relation "nope" does not exist' in str(err.value)
    # Alembic on PostgreSQL runs the whole upgrade in one transaction
    assert str(m.version()) == "no version"
    assert rows(pg_db, "SELECT to_regclass('accounts') IS NULL") == [(True,)]
    assert alembic_history(pg_db)[-1][1:] == ("up", "failed")
