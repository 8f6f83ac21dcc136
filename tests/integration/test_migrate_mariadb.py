"""`dataops migrate` against a real MariaDB: golang-migrate's table and dirty semantics."""

from __future__ import annotations

import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest

from dataops.errors import DirtyError
from dataops.migrate.golang import GolangMigrator
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


def test_round_trips_keep_the_schema(mariadb_db: str, tmp_path: Path) -> None:
    folder = copy_sample("mysql", tmp_path)
    m = GolangMigrator(mariadb_db, folder)
    result = m.up()
    assert [a.log_string for a in result.applied] == [
        "1/u create_users",
        "2/u orders",
        "3/u orders_total",
    ]
    assert {a.mode for a in result.applied} == {"no-transaction"}  # MySQL DDL commits implicitly
    applied = snapshot(mariadb_db)
    assert [t[0] for t in applied["triggers"]] == ["orders_no_negative"]
    assert rows(mariadb_db, "SELECT note FROM users ORDER BY id") == [
        ("it's; fine",),
        ('double "quoted"; text',),
    ]
    # golang-migrate's exact table
    ddl = rows(mariadb_db, "SHOW CREATE TABLE schema_migrations")[0][1]
    assert "`version` bigint(20) NOT NULL" in ddl
    assert "`dirty` tinyint(1) NOT NULL" in ddl
    assert "PRIMARY KEY (`version`)" in ddl
    assert version_row(mariadb_db) == [(3, False)]

    assert [a.target for a in m.down(-1).applied] == [2, 1, -1]
    assert version_row(mariadb_db) == []
    assert m.goto(2).to_version == 2
    m.up()
    assert snapshot(mariadb_db) == applied
    assert [h[1] for h in history(mariadb_db)] == ["up"] * 3 + ["down"] * 3 + ["up"] * 3


def test_failure_leaves_dirty_with_recovery_hint(
    mariadb_db: str, tmp_path: Path, run_cli: Run
) -> None:
    folder = copy_sample("mysql", tmp_path)
    GolangMigrator(mariadb_db, folder).up()
    (folder / "4_broken.up.sql").write_text(
        "CREATE TABLE t4 (id int);\n"
        "INSERT INTO t4 VALUES (1);\n"
        "INSERT INTO nope VALUES (1);\n"
        "CREATE TABLE t4b (id int);\n"
    )
    (folder / "4_broken.down.sql").write_text("DROP TABLE t4;\n")
    env = {"DATAOPS_DATABASE_URL": mariadb_db, "DATAOPS_MIGRATIONS_PATH": str(folder)}
    proc = run_cli("migrate", "up", env=env)
    assert proc.returncode == 1
    err = proc.stderr
    assert "4_broken.up.sql failed at line 3" in err
    assert "Dirty database version 4. Fix and force version." in err
    assert "ran (and committed): line 1: CREATE TABLE t4 (id int); line 2: INSERT INTO t4" in err
    assert "failed: line 3: INSERT INTO nope VALUES (1)" in err
    assert "not run: line 4: CREATE TABLE t4b (id int)" in err
    assert "`dataops migrate force 4`" in err and "`dataops migrate force 3`" in err
    assert version_row(mariadb_db) == [(4, True)]
    assert rows(mariadb_db, "SELECT count(*) FROM t4") == [(1,)]  # not rolled back: DDL
    assert history(mariadb_db)[-1] == (4, "up", "failed")

    again = run_cli("migrate", "up", env=env)
    assert again.returncode == 1
    assert "Dirty database version 4. Fix and force version." in again.stderr
    with pytest.raises(DirtyError):
        GolangMigrator(mariadb_db, folder).down(1)

    # follow the hint: undo what ran, force the previous version, fix the file, rerun
    execute(mariadb_db, "DROP TABLE t4")
    forced = run_cli("migrate", "force", "3", env=env)
    assert forced.returncode == 0 and forced.stdout.strip() == "3"
    (folder / "4_broken.up.sql").write_text("CREATE TABLE t4 (id int);\n")
    assert GolangMigrator(mariadb_db, folder).up().to_version == 4
    assert version_row(mariadb_db) == [(4, False)]
