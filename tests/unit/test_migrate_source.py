"""Migration folders, `create`, lock keys and the golang-migrate plans (no database needed)."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

from dataops.errors import ConfigError, OperationError
from dataops.migrate import lock, source
from dataops.migrate.backend import translate_url
from dataops.migrate.golang import GolangMigrator


def write(folder: Path, *names: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for name in names:
        (folder / name).write_text(f"-- {name}\n")
    return folder


# -- lock keys ------------------------------------------------------------------------------------


def test_golang_migrate_lock_id_vectors() -> None:
    # database/util_test.go TestGenerateAdvisoryLockId
    assert lock.advisory_lock_id("database_name") == 1764327054
    assert lock.advisory_lock_id("database_name", "schema_name_1") == 2453313553
    assert lock.advisory_lock_id("database_name", "schema_name_2") == 235207038
    assert lock.advisory_lock_id("database_name", "schema_name_1", "schema_name_2") == 3743845847


def test_postgres_and_mysql_keys() -> None:
    # the name order is schema, table, database (joined with NUL)
    assert lock.postgres_lock_key("app", "public") == lock.advisory_lock_id(
        "app", "public", "schema_migrations"
    )
    assert lock.mysql_lock_name("app") == str(lock.advisory_lock_id("app:schema_migrations"))
    assert 0 <= lock.postgres_lock_key("/app", "public") < 2**32


def test_heartbeat_interval() -> None:
    assert lock.heartbeat_interval(300) == 10
    assert lock.heartbeat_interval(2) == 1


# -- file names -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "parsed"),
    [
        ("1_init.up.sql", (1, "init", "up")),
        ("20240101120000_add users.down.sql", (20240101120000, "add users", "down")),
        ("001_a.b.up.sql", (1, "a.b", "up")),
        ("1_x.up.y.down.sql", (1, "x.up.y", "down")),
        ("1_.up.sql", (1, "", "up")),
        ("README.md", None),
        ("1_x.sql", None),
        ("v1_x.up.sql", None),
    ],
)
def test_parse_name(name: str, parsed: tuple[int, str, str] | None) -> None:
    assert source.parse_name(name) == parsed


def test_version_too_large() -> None:
    with pytest.raises(ConfigError, match="larger than"):
        source.parse_name(f"{2**63}_x.up.sql")


def test_load_orders_versions_and_ignores_other_files(tmp_path: Path) -> None:
    folder = write(tmp_path / "m", "10_c.up.sql", "2_b.up.sql", "2_b.down.sql", "notes.txt")
    (folder / "5_dir.up.sql").mkdir()
    src = source.load(folder)
    assert src.versions == [2, 10]
    assert src.get(2).identifier == "b"
    assert src.get(10).down is None
    assert (src.first(), src.last(), src.next(2), src.prev(10), src.prev(2)) == (2, 10, 10, 2, None)


def test_duplicate_version_direction_is_an_error(tmp_path: Path) -> None:
    folder = write(tmp_path / "m", "1_a.up.sql", "01_b.up.sql")
    with pytest.raises(ConfigError, match="duplicate migration file"):
        source.load(folder)


def test_missing_folder(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="does not exist"):
        source.load(tmp_path / "nope")


def test_create_timestamp_and_seq(tmp_path: Path) -> None:
    when = dt.datetime(2024, 5, 6, 7, 8, 9, tzinfo=dt.UTC)
    made = source.create(tmp_path / "m", "add_users", now=when)
    assert made.up.name == "20240506070809_add_users.up.sql"
    assert made.down.name == "20240506070809_add_users.down.sql"
    assert made.up.read_text() == ""
    with pytest.raises(ConfigError, match="duplicate migration version"):
        source.create(tmp_path / "m", "again", now=when)

    seq_dir = tmp_path / "s"
    assert source.create(seq_dir, "one", seq=True).up.name == "000001_one.up.sql"
    assert source.create(seq_dir, "two", seq=True).down.name == "000002_two.down.sql"
    assert source.create(seq_dir, "js", seq=True, ext="js").up.name == "000001_js.up.js"
    with pytest.raises(ConfigError, match="too large"):
        write(tmp_path / "big", "9_x.up.sql")
        source.create(tmp_path / "big", "y", seq=True, digits=1)


def test_translate_golang_urls() -> None:
    assert (
        translate_url("mysql://u:p@tcp(h:3306)/db?multiStatements=true") == "mysql://u:p@h:3306/db"
    )
    assert (
        translate_url("postgres://u:p@h/db?sslmode=disable&x-statement-timeout=5")
        == "postgres://u:p@h/db?sslmode=disable"
    )
    with pytest.raises(ConfigError, match="x-migrations-table"):
        translate_url("postgres://h/db?x-migrations-table=other")


# -- plans (migrate.go readUp / readDown / read) -----------------------------------------------------


@pytest.fixture
def mig(tmp_path: Path) -> GolangMigrator:
    folder = write(
        tmp_path / "m",
        "1_a.up.sql",
        "1_a.down.sql",
        "3_c.up.sql",  # no down file: an "empty" down migration
        "7_g.up.sql",
        "7_g.down.sql",
    )
    return GolangMigrator("sqlite://", folder)


def steps(plan: list) -> list[tuple[int, int, str, bool]]:  # type: ignore[type-arg]
    return [(s.version, s.target, s.direction, s.file is not None) for s in plan]


def test_plan_up(mig: GolangMigrator) -> None:
    assert steps(mig.plan_up(-1, -1)) == [
        (1, 1, "up", True),
        (3, 3, "up", True),
        (7, 7, "up", True),
    ]
    assert steps(mig.plan_up(1, 1)) == [(3, 3, "up", True)]
    assert mig.plan_up(7, -1) == []
    with pytest.raises(OperationError, match="limit 1 short"):
        mig.plan_up(3, 2)
    with pytest.raises(OperationError, match="file does not exist"):
        mig.plan_up(7, 1)
    with pytest.raises(OperationError, match="no migration found for version 5"):
        mig.plan_up(5, -1)


def test_plan_down(mig: GolangMigrator) -> None:
    assert steps(mig.plan_down(7, -1)) == [
        (7, 3, "down", True),
        (3, 1, "down", False),
        (1, -1, "down", True),
    ]
    assert [s.log_string for s in mig.plan_down(7, 1)] == ["7/d g"]
    assert mig.plan_down(-1, -1) == []
    with pytest.raises(OperationError, match="limit 1 short"):
        mig.plan_down(1, 2)


def test_plan_goto(mig: GolangMigrator) -> None:
    assert steps(mig.plan_goto(-1, 3)) == [(1, 1, "up", True), (3, 3, "up", True)]
    assert steps(mig.plan_goto(7, 1)) == [(7, 3, "down", True), (3, 1, "down", False)]
    assert mig.plan_goto(3, 3) == []
    with pytest.raises(OperationError, match="no migration found for version 4"):
        mig.plan_goto(1, 4)


@pytest.mark.parametrize("ext", ["../sql", "a/b", ".", ""])
def test_create_refuses_a_bad_extension(tmp_path: Path, ext: str, run_cli) -> None:  # type: ignore[no-untyped-def]
    """`migrate create --ext ../sql` was an internal error (FileNotFoundError): exit 2."""
    folder = tmp_path / "migrations"
    folder.mkdir()
    env = {"DATAOPS_MIGRATIONS_PATH": str(folder)}
    out = run_cli("migrate", "create", "x", "--seq", "--ext", ext, env=env)
    assert out.returncode == 2, out.stderr
    assert "invalid migration file extension" in out.stderr
    assert "Traceback" not in out.stderr and list(folder.iterdir()) == []


def test_a_file_that_is_no_sqlite_database_is_a_clear_error(tmp_path: Path, run_cli) -> None:  # type: ignore[no-untyped-def]
    """Was `internal error: DatabaseError: file is not a database` with a traceback."""
    bogus = tmp_path / "app.db"
    bogus.write_text("this is not a database\n" * 100)
    (tmp_path / "migrations").mkdir()
    env = {"DATAOPS_MIGRATIONS_PATH": str(tmp_path / "migrations")}
    for command in ("version", "up", "status"):
        out = run_cli("migrate", "--db", f"sqlite:///{bogus}", command, env=env)
        assert out.returncode == 3, (command, out.stderr)
        assert "file is not a database" in out.stderr
        assert "internal error" not in out.stderr and "Traceback" not in out.stderr
    assert bogus.read_text() == "this is not a database\n" * 100


def test_status_of_a_dirty_version_says_dirty(tmp_path: Path, run_cli) -> None:  # type: ignore[no-untyped-def]
    """A migration that failed outside a transaction left the version dirty; `status`
    listed it as "applied" by "other" (another tool) with an unknown checksum."""
    folder = tmp_path / "migrations"
    folder.mkdir()
    (folder / "1_a.up.sql").write_text("CREATE TABLE t (id int);\n")
    (folder / "2_b.up.sql").write_text("CREATE TABLE u (id int);\nVACUUM;\nSELECT nope FROM t;\n")
    env = {"DATAOPS_MIGRATIONS_PATH": str(folder)}
    db = f"sqlite:///{tmp_path / 'app.db'}"
    assert run_cli("migrate", "--db", db, "up", env=env).returncode == 1
    assert run_cli("migrate", "--db", db, "version", env=env).stdout.strip() == "2 (dirty)"
    out = run_cli("migrate", "--db", db, "--json", "status", env=env)
    files = {f["version"]: f for f in json.loads(out.stdout)["files"]}
    assert files[1]["state"] == "applied"
    assert files[2]["state"] == "dirty" and files[2]["applied_by"] == "dataops", files[2]
