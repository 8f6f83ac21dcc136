"""`demo infer` then `demo load` with no edit, on every schema of the test suite.

tests/data/demo/*.{postgres,mysql}.sql hold small schemas with what real ones have:
declarative partitions (range by month, list, hash, default), inheritance children with a
CHECK, NOT NULL foreign-key cycles (deferrable or not), NOT NULL self-references,
composite keys, triggers, domains and every built-in PostgreSQL type family.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from dataops import db
from tests.integration.demo_support import (
    EXAMPLES,
    apply_sql,
    assert_integrity,
    checksums,
    cli,
    execute,
    rows,
    scalar,
)

pytestmark = pytest.mark.integration

DATA = Path(__file__).resolve().parents[1] / "data" / "demo"
SCHEMAS = [
    *sorted(DATA.glob("*.sql")),
    EXAMPLES / "schema.postgres.sql",
    EXAMPLES / "schema.mysql.sql",
    EXAMPLES / "schema.sqlite.sql",
]


def _url(path: Path, request: pytest.FixtureRequest, tmp_path: Path) -> str:
    if ".sqlite." in path.name:
        return f"sqlite:///{tmp_path / 'demo.db'}"
    return str(request.getfixturevalue("pg_db" if ".postgres." in path.name else "mariadb_db"))


@pytest.mark.parametrize("schema", SCHEMAS, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_infer_then_load_unchanged(
    schema: Path, request: pytest.FixtureRequest, tmp_path: Path
) -> None:
    url = _url(schema, request, tmp_path)
    apply_sql(url, schema.read_text())
    spec = tmp_path / "spec.yaml"
    assert cli("demo", "infer", "--db", url, "-o", str(spec), "--rows", "30") == 0
    written = spec.read_text()
    assert "NOTE: row counts are flat" not in written, written  # the shaped counts planned
    assert "load will report" not in written, written
    assert cli("demo", "load", "--config", str(spec), "--db", url) == 0, written
    counts = assert_integrity(url)
    assert sum(counts.values()) > 0
    tables = tuple(sorted(t for t, n in counts.items() if n))
    first = checksums(url, tables)
    assert cli("demo", "load", "--config", str(spec), "--db", url, "--reset") == 0
    assert checksums(url, tables) == first


def _infer_load(url: str, tmp_path: Path, *infer_args: str) -> str:
    spec = tmp_path / "spec.yaml"
    assert cli("demo", "infer", "--db", url, "-o", str(spec), *infer_args) == 0
    assert cli("demo", "load", "--config", str(spec), "--db", url) == 0
    return spec.read_text()


def test_partitions_get_rows_through_the_parent_spread_over_bounds(
    pg_db: str, tmp_path: Path
) -> None:
    apply_sql(pg_db, (DATA / "partitions.postgres.sql").read_text())
    text = _infer_load(pg_db, tmp_path, "--rows", "60")
    assert (
        "payments_2024_01" not in text and "shipments_eu" not in text
    )  # partitions are not tables
    assert "paid_at: {date_between: ['2024-01-01', '2024-03-31']}" in text
    per_partition = dict(
        rows(pg_db, "SELECT tableoid::regclass::text, COUNT(*) FROM payments GROUP BY 1")
    )
    assert set(per_partition) == {"payments_2024_01", "payments_2024_02", "payments_2024_03"}
    assert all(n >= 5 for n in per_partition.values()), per_partition
    assert "customer_id: {ref: customers.id}" in text.split("refunds:")[1]  # partitions' FK
    assert "refunded_at: {date_between: ['2023-11-01', '2023-12-31']}" in text
    for table, parts in (("shipments", 2), ("sessions", 2), ("events", 2), ("refunds", 2)):
        spread = rows(pg_db, f"SELECT tableoid::regclass::text, COUNT(*) FROM {table} GROUP BY 1")
        assert len(spread) == parts, (table, spread)
    # the inheritance child is filled inside its CHECK, with ids after the parent's own
    assert scalar(pg_db, "SELECT COUNT(*) FROM ONLY rentals_2007") > 0
    assert scalar(pg_db, "SELECT COUNT(*) FROM ONLY rentals") > 0
    total = scalar(pg_db, "SELECT COUNT(*) FROM rentals")
    assert scalar(pg_db, "SELECT COUNT(DISTINCT id) FROM rentals") == total


def test_not_null_cycle_needs_deferrable_or_owner(
    pg_db: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A role that neither owns the tables nor has deferrable FKs gets a clear exit 2."""
    apply_sql(pg_db, (DATA / "cycles.postgres.sql").read_text())
    spec = tmp_path / "spec.yaml"
    assert cli("demo", "infer", "--db", pg_db, "-o", str(spec), "--rows", "10") == 0
    role = "demo_loader_" + pg_db.rsplit("/", 1)[1]
    execute(
        pg_db,
        f"CREATE ROLE {role} LOGIN PASSWORD 'pw'",
        f"GRANT ALL ON ALL TABLES IN SCHEMA public TO {role}",
        f"GRANT ALL ON ALL SEQUENCES IN SCHEMA public TO {role}",
        f"GRANT CREATE, USAGE ON SCHEMA public TO {role}",
    )
    url = db.parse(pg_db)
    other = f"postgresql://{role}:pw@{url.host}:{url.port}/{url.database}"
    try:
        assert cli("demo", "load", "--config", str(spec), "--db", other) == 2
        err = capsys.readouterr().err
        assert "staff_store_id_fkey must be checked at the end of the load" in err
        assert "make it DEFERRABLE" in err and "a role that owns table staff" in err
        assert "author_best_book_fk" not in err  # deferrable: any role can load that cycle
        assert scalar(pg_db, "SELECT COUNT(*) FROM staff") == 0
        # the owner loads it: drop + re-create inside the transaction, every row validated
        assert cli("demo", "load", "--config", str(spec), "--db", pg_db) == 0
        names = rows(pg_db, "SELECT conname FROM pg_constraint WHERE contype = 'f' ORDER BY 1")
        assert ("store_manager_fk",) in names and ("author_best_book_fk",) in names
        assert scalar(pg_db, "SELECT COUNT(*) FROM store WHERE manager_staff_id IS NULL") == 0
    finally:
        execute(pg_db, f"DROP OWNED BY {role}", f"DROP ROLE {role}")


def test_trigger_fills_its_column(pg_db: str, tmp_path: Path) -> None:
    apply_sql(pg_db, (DATA / "types.postgres.sql").read_text())
    text = _infer_load(pg_db, tmp_path, "--rows", "20")
    assert "film.fulltext: left to its BEFORE INSERT trigger" in text
    assert scalar(pg_db, "SELECT COUNT(*) FROM film WHERE length(fulltext) = 0") == 0
    assert scalar(pg_db, "SELECT COUNT(DISTINCT ip) FROM everything") == 20


def test_from_stats_shapes_the_spec_without_real_values(pg_db: str, tmp_path: Path) -> None:
    apply_sql(pg_db, (DATA / "rentals.postgres.sql").read_text())
    execute(
        pg_db,
        "INSERT INTO language (name) SELECT 'lang' || g FROM generate_series(1, 3) g",
        "INSERT INTO country (country) SELECT 'Secretland' || g FROM generate_series(1, 4) g",
        "INSERT INTO city (city, country_id) SELECT 'Hiddenville', 1 + mod(g, 4) "
        "FROM generate_series(1, 40) g",
        "INSERT INTO customer (city_id, first_name, last_name, email) "
        "SELECT 1 + mod(g, 40), 'Zebulon', 'Quux' || mod(g, 3), "
        "CASE WHEN mod(g, 2) = 0 THEN 'x' || g || '@y.z' END "
        "FROM generate_series(1, 400) g",
        "INSERT INTO film (title, language_id, length) SELECT 'Film' || g, 1, 60 + mod(g, 90) "
        "FROM generate_series(1, 50) g",
        "ANALYZE",
    )
    spec = tmp_path / "stats.yaml"
    assert cli("demo", "infer", "--db", pg_db, "--from-stats", "-o", str(spec)) == 0
    text = spec.read_text()
    for secret in ("Secretland", "Hiddenville", "Zebulon", "Quux", "@y.z"):
        assert secret not in text
    assert "country:\n    rows: 4\n" in text
    assert "customer:\n    rows: {per: city, min: 0, max: 20}" in text
    assert "email: {fake: email, unique: true, null_rate: 0.5}" in text  # unique lower(email)
    assert "length: {range: [61, 110]" in text  # first and last histogram bounds
    assert "film_actor:\n    rows: {per: film, min: 1, max: 4}" in text  # no statistics: heuristics
    assert cli("demo", "load", "--config", str(spec), "--db", pg_db, "--reset") == 0
    assert scalar(pg_db, "SELECT COUNT(*) FROM city") == 40


def test_mariadb_partitions_spread_over_their_bounds(mariadb_db: str, tmp_path: Path) -> None:
    apply_sql(mariadb_db, (DATA / "partitions.mysql.sql").read_text())
    text = _infer_load(mariadb_db, tmp_path, "--rows", "60")
    assert "paid_on: {date_between: ['2024-01-03', '2024-03-31']}" in text  # a width below
    assert "zone: {choice: [1, 2, 3]}" in text
    for table, parts in (
        ("payments", ("p2024_01", "p2024_02", "p2024_03")),
        ("logins", ("y2022", "y2023")),
        ("shipments", ("north", "south")),
    ):
        for part in parts:
            assert scalar(mariadb_db, f"SELECT COUNT(*) FROM {table} PARTITION ({part})") > 0


SQLITE_CYCLE = """
CREATE TABLE store (store_id INTEGER PRIMARY KEY,
                    manager_staff_id INTEGER NOT NULL REFERENCES staff(staff_id),
                    address TEXT NOT NULL);
CREATE TABLE staff (staff_id INTEGER PRIMARY KEY,
                    store_id INTEGER NOT NULL REFERENCES store(store_id),
                    username TEXT NOT NULL UNIQUE);
"""


def test_sqlite_not_null_cycle(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'cycle.db'}"
    apply_sql(url, SQLITE_CYCLE)
    _infer_load(url, tmp_path, "--rows", "20")
    counts = assert_integrity(url)
    assert counts["store"] > 0 and counts["staff"] > 0
    assert rows(url, "PRAGMA foreign_key_check") == []


def test_mariadb_from_stats_round_trip(mariadb_db: str, tmp_path: Path) -> None:
    """Row counts from information_schema.TABLES; the shaped spec loads with --reset."""
    apply_sql(mariadb_db, (DATA / "cycles.mysql.sql").read_text())
    _infer_load(mariadb_db, tmp_path, "--rows", "40")
    execute(mariadb_db, "ANALYZE TABLE store, staff, category, warehouse, bin")
    spec = tmp_path / "stats.yaml"
    assert cli("demo", "infer", "--db", mariadb_db, "--from-stats", "-o", str(spec)) == 0
    assert "NOTE: row counts are flat" not in spec.read_text()
    assert cli("demo", "load", "--config", str(spec), "--db", mariadb_db, "--reset") == 0
    assert assert_integrity(mariadb_db)["staff"] > 0
