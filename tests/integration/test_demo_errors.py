"""Bad specs are configuration errors listing every problem, before anything is written;
a failure in the middle of a load rolls everything back."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.integration.demo_support import (
    apply_schema,
    checksums,
    cli,
    execute,
    rows,
    scalar,
    small_spec,
)

pytestmark = pytest.mark.integration

BAD_SPEC = """\
version: 1
seed: 1
tables:
  customers:
    rows: 10
    columns:
      email: {fake: email, unique: true}
      nickname: {fake: user_name}
      country: {fake: country_code}
      full_name: {fake: name, null_rate: 0.5}
  products:
    rows: 100
    columns:
      sku: {choice: [A, B, C], unique: true}
      price: {range: [0, 50], decimals: 2}
  warehouses:
    rows: 3
  orders:
    rows: 5
    columns:
      customer_id: {ref: clients.id}
      status: {choice: [new, paid, lost]}
"""


def test_every_problem_is_listed_and_nothing_is_written(
    pg_db: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    apply_schema(pg_db, "postgres")
    execute(
        pg_db,
        "INSERT INTO customers (email, full_name, created_at, country) "
        "VALUES ('keep@example.com', 'Keep Me', now(), 'NL')",
    )
    spec = tmp_path / "bad.yaml"
    spec.write_text(BAD_SPEC)
    assert cli("demo", "load", "--config", str(spec), "--db", pg_db, "--reset") == 2
    err = capsys.readouterr().err
    expected = [
        "bad.yaml:8: tables.customers.columns.nickname: unknown column 'nickname' in table customers",
        "bad.yaml:9: tables.customers.columns.country: fake country_code: only",  # CHECK IN (...)
        "bad.yaml:10: tables.customers.columns.full_name: null_rate on NOT NULL column full_name",
        "bad.yaml:14: tables.products.columns.sku: impossible unique (sku): 100 rows need distinct values",
        "bad.yaml:15: tables.products.columns.price: range [0, 50] ranges over [0, 50], outside CHECK",
        "bad.yaml:16: tables.warehouses: unknown table 'warehouses' (not in the database)",
        "bad.yaml:21: tables.orders.columns.customer_id: ref to missing table 'clients'",
        "bad.yaml:22: tables.orders.columns.status: choice produces 'lost', which CHECK orders_status_check",
    ]
    for line in expected:
        assert line in err, f"missing {line!r} in:\n{err}"
    listed = [err.index(line) for line in expected]
    assert listed == sorted(listed)  # in spec order
    # --reset was not carried out, nothing was inserted
    assert rows(pg_db, "SELECT email FROM customers") == [("keep@example.com",)]
    assert scalar(pg_db, "SELECT COUNT(*) FROM products") == 0


def test_unsatisfiable_constraints_of_unlisted_columns(
    pg_db: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Columns the spec leaves out still have to fit: a NOT NULL column nothing can fill, an
    uninterpretable CHECK, more unique rows than a closed provider has."""
    apply_schema(pg_db, "postgres")
    execute(
        pg_db,
        "CREATE TYPE pair AS (a integer, b integer)",
        "CREATE TABLE gadgets (id serial PRIMARY KEY, code text NOT NULL, "
        "blob_data pair NOT NULL, starts date, ends date, CHECK (ends > starts))",
    )
    spec = tmp_path / "gadgets.yaml"
    spec.write_text(
        "version: 1\ntables:\n  gadgets:\n    rows: 500\n    columns:\n"
        "      code: {fake: state_abbr, unique: true}\n"
        "      starts: {date_between: [2020-01-01, 2020-12-31]}\n"
        "      ends: {date_between: [2020-01-01, 2020-12-31]}\n"
    )
    assert cli("demo", "load", "--config", str(spec), "--db", pg_db) == 2
    err = capsys.readouterr().err
    assert "gadgets.yaml:6: tables.gadgets.columns.code: impossible unique (code): 500 rows" in err
    assert "column blob_data (pair) is NOT NULL without a default" in err
    assert "CHECK gadgets_check (ends > starts) cannot be interpreted" in err
    assert "trust_checks" in err
    assert scalar(pg_db, "SELECT COUNT(*) FROM gadgets") == 0


FAIL_TRIGGERS = {
    "postgres": [
        "CREATE FUNCTION refuse() RETURNS trigger LANGUAGE plpgsql AS "
        "$$ BEGIN RAISE EXCEPTION 'simulated failure'; END $$",
        "CREATE TRIGGER refuse BEFORE INSERT ON order_items FOR EACH STATEMENT EXECUTE FUNCTION refuse()",
    ],
    "mysql": [
        "CREATE TRIGGER refuse BEFORE INSERT ON order_items FOR EACH ROW "
        "SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = 'simulated failure'"
    ],
    "sqlite": [
        "CREATE TRIGGER refuse BEFORE INSERT ON order_items BEGIN SELECT RAISE(ABORT, 'simulated failure'); END"
    ],
}


@pytest.mark.parametrize("dialect", ["postgres", "mysql", "sqlite"])
def test_failure_mid_load_rolls_back(
    dialect: str, request: pytest.FixtureRequest, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    if dialect == "postgres":
        url = request.getfixturevalue("pg_db")
    elif dialect == "mysql":
        url = request.getfixturevalue("mariadb_db")
    else:
        url = f"sqlite:///{tmp_path / 'shop.db'}"
    apply_schema(url, dialect)
    spec = small_spec(tmp_path)
    assert cli("demo", "load", "--config", str(spec), "--db", url, "--scale", "0.1") == 0
    before = checksums(url)
    execute(url, *FAIL_TRIGGERS[dialect])
    capsys.readouterr()
    code = cli(
        "demo",
        "load",
        "--config",
        str(spec),
        "--db",
        url,
        "--scale",
        "0.1",
        "--reset",
        "--seed",
        "9",
    )
    assert code == 1
    err = capsys.readouterr().err
    assert "loading table order_items failed" in err and "simulated failure" in err
    assert "rolled back" in err
    # the deletes of --reset and the tables loaded before order_items are undone
    assert checksums(url) == before


def test_unreachable_database_is_exit_3_without_the_password(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    spec = small_spec(tmp_path)
    url = "postgresql://app:s3cret-pw@127.0.0.1:1/app"
    assert cli("demo", "load", "--config", str(spec), "--db", url) == 3
    err = capsys.readouterr().err
    assert "cannot connect to postgresql+psycopg://app:***@127.0.0.1:1/app" in err
    assert "s3cret-pw" not in err
