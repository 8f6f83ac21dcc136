"""`dataops demo load` against real PostgreSQL, MariaDB and SQLite (examples/demo schema + spec)."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

from tests.integration.demo_support import (
    TABLES,
    apply_schema,
    assert_integrity,
    checksums,
    cli,
    execute,
    rows,
    scalar,
    small_spec,
)

pytestmark = pytest.mark.integration

SCALE = "0.25"  # 500 customers, ~2,000 orders, ~6,000 order items


def _load(url: str, spec: Path, *extra: str) -> int:
    return cli("demo", "load", "--config", str(spec), "--db", url, "--scale", SCALE, *extra)


def _check_shop(url: str) -> None:
    """Counts as specified, per: distributions, fixed rows, the FK cycle and the self-reference."""
    counts = assert_integrity(url)
    assert counts["customers"] == 500
    assert counts["products"] == 75
    assert counts["employees"] == 30
    assert counts["departments"] == 2
    assert counts["users"] == 14  # round(50 * 0.25) = 13 generated + 1 fixed
    per_customer = rows(
        url,
        "SELECT c.id, COUNT(o.id) FROM customers c LEFT JOIN orders o ON o.customer_id = c.id GROUP BY c.id",
    )
    assert len(per_customer) == 500
    assert {n for _, n in per_customer} <= set(range(9))
    assert min(n for _, n in per_customer) == 0 and max(n for _, n in per_customer) == 8
    assert counts["orders"] == sum(n for _, n in per_customer)
    per_order = rows(
        url,
        "SELECT o.id, COUNT(i.order_id) FROM orders o LEFT JOIN order_items i ON i.order_id = o.id GROUP BY o.id",
    )
    assert {n for _, n in per_order} == {1, 2, 3, 4, 5}
    assert counts["order_items"] == sum(n for _, n in per_order)
    admin = rows(url, "SELECT role, username, team FROM users WHERE email = 'admin@example.com'")
    assert admin == [("admin", "admin", "core")]
    # the cycle departments.manager_id -> employees was inserted as NULL and set afterwards
    assert scalar(url, "SELECT COUNT(*) FROM departments WHERE manager_id IS NULL") == 0
    # self-reference: managers are earlier employees, the first has none
    assert scalar(url, "SELECT COUNT(*) FROM employees WHERE manager_id >= id") == 0
    assert scalar(url, "SELECT manager_id FROM employees ORDER BY id LIMIT 1") is None
    tiers = dict(rows(url, "SELECT tier, COUNT(*) FROM customers GROUP BY tier"))
    assert set(tiers) <= {"free", "pro", "enterprise"} and tiers["free"] > tiers.get(
        "enterprise", 0
    )
    assert 0 < scalar(url, "SELECT COUNT(*) FROM customers WHERE phone IS NULL") < 250


def test_postgres_load_is_valid_repeatable_and_seeded(
    pg_db: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    apply_schema(pg_db, "postgres")
    spec = small_spec(tmp_path)
    assert _load(pg_db, spec, "--json") == 0
    report = json.loads(capsys.readouterr().out)
    assert report["rows"] == sum(t["rows"] for t in report["tables"]) > 8000
    assert [t["table"] for t in report["tables"]].index("customers") < [
        t["table"] for t in report["tables"]
    ].index("orders")
    _check_shop(pg_db)
    prefs = {r[0] for r in rows(pg_db, "SELECT DISTINCT preferences::text FROM customers")}
    assert prefs == {"{}", '{"theme": "dark"}', '{"theme": "light"}'}
    assert scalar(pg_db, "SELECT pg_typeof(tier)::text FROM customers LIMIT 1") == "tier"
    first = checksums(pg_db)

    assert _load(pg_db, spec, "--reset") == 0
    assert checksums(pg_db) == first  # byte-identical after --reset

    # sequences were moved past the loaded ids
    execute(
        pg_db,
        "INSERT INTO customers (email, full_name, created_at, country) "
        "VALUES ('new@example.com', 'New', now(), 'US')",
    )
    assert scalar(pg_db, "SELECT id FROM customers WHERE email = 'new@example.com'") == 501
    execute(pg_db, "DELETE FROM customers WHERE email = 'new@example.com'")
    execute(pg_db, "INSERT INTO products (sku, name, price) VALUES ('NEW', 'New', 1)")  # identity
    assert scalar(pg_db, "SELECT id FROM products WHERE sku = 'NEW'") == 76
    execute(pg_db, "DELETE FROM products WHERE sku = 'NEW'")

    assert _load(pg_db, spec, "--reset", "--seed", "7") == 0
    _check_shop(pg_db)
    other = checksums(pg_db)
    assert all(other[t] != first[t] for t in TABLES)


def test_same_values_in_every_database(pg_db: str, tmp_path: Path) -> None:
    """Determinism does not depend on the database (or the process): SQLite and PostgreSQL agree."""
    apply_schema(pg_db, "postgres")
    sqlite_url = f"sqlite:///{tmp_path / 'shop.db'}"
    apply_schema(sqlite_url, "sqlite")
    spec = small_spec(tmp_path)
    assert _load(pg_db, spec) == 0
    assert _load(sqlite_url, spec) == 0
    _check_shop(sqlite_url)
    query = "SELECT id, email, full_name, phone, tier, country FROM customers ORDER BY id"
    assert rows(pg_db, query) == rows(sqlite_url, query)
    items = "SELECT order_id, product_id, quantity FROM order_items ORDER BY order_id, product_id"
    assert rows(pg_db, items) == rows(sqlite_url, items)
    sqlite_first = checksums(sqlite_url)
    assert _load(sqlite_url, spec, "--reset") == 0
    assert checksums(sqlite_url) == sqlite_first


def test_mariadb_load_is_valid_and_repeatable(mariadb_db: str, tmp_path: Path) -> None:
    apply_schema(mariadb_db, "mysql")
    spec = small_spec(tmp_path)
    assert _load(mariadb_db, spec, "--reset") == 0
    _check_shop(mariadb_db)
    first = checksums(mariadb_db)
    assert _load(mariadb_db, spec, "--reset") == 0
    assert checksums(mariadb_db) == first
    created = scalar(mariadb_db, "SELECT MIN(created_at) FROM customers")
    assert isinstance(created, dt.datetime) and created.year >= 2020
    # InnoDB moved AUTO_INCREMENT past the explicit ids
    execute(mariadb_db, "INSERT INTO products (sku, name, price) VALUES ('NEW', 'New', 1)")
    assert scalar(mariadb_db, "SELECT id FROM products WHERE sku = 'NEW'") == 76


@pytest.mark.parametrize("dialect", ["postgres", "mysql", "sqlite"])
def test_infer_then_load_on_an_untouched_schema(
    dialect: str, request: pytest.FixtureRequest, tmp_path: Path
) -> None:
    if dialect == "postgres":
        url = request.getfixturevalue("pg_db")
    elif dialect == "mysql":
        url = request.getfixturevalue("mariadb_db")
    else:
        url = f"sqlite:///{tmp_path / 'shop.db'}"
    apply_schema(url, dialect)
    spec = tmp_path / "inferred.yaml"
    assert cli("demo", "infer", "--db", url, "-o", str(spec), "--rows", "40") == 0
    text = spec.read_text()
    assert "customer_id: {ref: customers.id}" in text
    assert "email: {fake: email, unique: true}" in text
    assert cli("demo", "load", "--config", str(spec), "--db", url) == 0
    counts = assert_integrity(url)
    assert counts["customers"] == 40 and all(counts[t] > 0 for t in TABLES), counts
    assert "orders:\n    rows: {per: customers, min: 0, max: 4}" in text  # fan-out
    first = checksums(url)
    assert cli("demo", "load", "--config", str(spec), "--db", url, "--reset") == 0
    assert checksums(url) == first


def test_mariadb_without_local_infile_uses_multi_row_inserts(
    mariadb_db: str, tmp_path: Path
) -> None:
    """The INSERT path (servers or clients without LOAD DATA LOCAL) gives the same rows."""
    from dataops import db
    from dataops.demo.load import execute_plan, prepare
    from dataops.demo.spec import load_spec

    apply_schema(mariadb_db, "mysql")
    spec = load_spec(small_spec(tmp_path)).scaled(0.1)
    conn = db.engine(mariadb_db).connect()  # no local_infile on this connection
    try:
        plan = prepare(spec, conn, reset=True)
        report = execute_plan(plan, conn, reset=True)
        conn.commit()
    finally:
        conn.close()
    assert report.rows > 1000
    counts = assert_integrity(mariadb_db)
    assert counts["customers"] == 200
    inserted = checksums(mariadb_db)
    assert (
        cli(
            "demo",
            "load",
            "--config",
            str(small_spec(tmp_path)),
            "--db",
            mariadb_db,
            "--scale",
            "0.1",
            "--reset",
        )
        == 0
    )
    assert checksums(mariadb_db) == inserted  # LOAD DATA gives the same rows
