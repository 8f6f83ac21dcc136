"""Planning against real (SQLite) schemas: uniqueness by construction, checks, cycles, determinism."""

from __future__ import annotations

import hashlib
import os
import sqlite3
import subprocess
import sys
from collections import Counter
from pathlib import Path
from typing import Any

import pytest

from dataops import db
from dataops.demo.connect import connect
from dataops.demo.load import prepare
from dataops.demo.plan import Plan
from dataops.demo.pools import PoolStore, default_cache_dir
from dataops.demo.spec import parse_text
from dataops.errors import ConfigError

REPO = Path(__file__).resolve().parents[2]


def make_plan(tmp_path: Path, ddl: str, spec: str, reset: bool = True) -> Plan:
    path = tmp_path / "t.db"
    if not path.exists():
        conn = sqlite3.connect(path)
        conn.executescript(ddl)
        conn.close()
    url = db.normalize_url(f"sqlite:///{path}")
    conn = connect(url)
    try:
        parsed = parse_text(spec, "s.yaml")
        parsed.pool_size = min(parsed.pool_size, 512)  # small pools: quick to draw
        return prepare(
            parsed,
            conn,
            reset,
            PoolStore(512, default_cache_dir(os.environ.get("DATAOPS_DEMO_POOL_CACHE"))),
        )
    finally:
        conn.close()


def problems(tmp_path: Path, ddl: str, spec: str) -> list[str]:
    with pytest.raises(ConfigError) as info:
        make_plan(tmp_path, ddl, spec)
    return info.value.details


def values(plan: Plan, table: str, column: str) -> list[Any]:
    model = plan.models[table]
    return model.column_values(column, range(model.total))


PAIRS = (
    "CREATE TABLE pairs (id INTEGER PRIMARY KEY, a INT NOT NULL, b INT NOT NULL, UNIQUE (a, b));"
)


def test_composite_unique_by_mixed_radix(tmp_path: Path) -> None:
    spec = "version: 1\ntables:\n  pairs:\n    rows: {n}\n    columns:\n      a: {{range: [1, 10]}}\n      b: {{range: [1, 10]}}\n"
    plan = make_plan(tmp_path, PAIRS, spec.format(n=100))
    pairs = list(zip(values(plan, "pairs", "a"), values(plan, "pairs", "b"), strict=True))
    assert len(set(pairs)) == 100
    assert problems(tmp_path, PAIRS, spec.format(n=101)) == [
        "s.yaml:3: tables.pairs: impossible unique (a, b): 101 rows need distinct values but "
        "range [1, 10], range [1, 10] give only 100"
    ]


ORDERS = """
CREATE TABLE products (id INTEGER PRIMARY KEY, name TEXT NOT NULL);
CREATE TABLE orders (id INTEGER PRIMARY KEY, note TEXT);
CREATE TABLE items (order_id INT NOT NULL REFERENCES orders(id), product_id INT NOT NULL REFERENCES products(id),
                    PRIMARY KEY (order_id, product_id));
"""


def test_unique_within_each_parent_group(tmp_path: Path) -> None:
    spec = """\
version: 1
tables:
  products: {rows: 5}
  orders: {rows: 200}
  items:
    rows: {per: orders, min: 1, max: %d}
    columns:
      order_id: {ref: orders.id}
      product_id: {ref: products.id}
"""
    plan = make_plan(tmp_path, ORDERS, spec % 5)
    orders, products = values(plan, "items", "order_id"), values(plan, "items", "product_id")
    per_order = Counter(orders)
    assert set(per_order.values()) == {1, 2, 3, 4, 5} and set(per_order) == set(range(1, 201))
    assert len(set(zip(orders, products, strict=True))) == len(orders)
    assert problems(tmp_path, ORDERS, spec % 6) == [
        "s.yaml:5: tables.items: impossible unique (order_id, product_id): 6 rows need distinct "
        "values but ref products.id gives only 5"
    ]


def test_fixed_values_are_kept_out_of_generated_ones(tmp_path: Path) -> None:
    ddl = "CREATE TABLE codes (id INTEGER PRIMARY KEY, code TEXT NOT NULL UNIQUE);"
    spec = "version: 1\ntables:\n  codes:\n    fixed: [{id: 2, code: b}]\n    rows: %d\n    columns:\n      code: {choice: [a, b, c]}\n"
    plan = make_plan(tmp_path, ddl, spec % 2)
    assert sorted(values(plan, "codes", "code")) == ["a", "b", "c"]
    assert values(plan, "codes", "id") == [2, 1, 3]  # the sequence skips the fixed id
    assert "impossible unique (code): 4 rows" in problems(tmp_path, ddl, spec % 3)[0]


def test_open_pools_grow_closed_pools_refuse(tmp_path: Path) -> None:
    ddl = "CREATE TABLE people (id INTEGER PRIMARY KEY, email TEXT UNIQUE, state TEXT UNIQUE);"
    spec = (
        "version: 1\ntables:\n  people:\n    rows: 1000\n    columns:\n      email: {fake: email}\n"
    )
    emails = values(make_plan(tmp_path, ddl, spec), "people", "email")
    assert len(set(emails)) == 1000 and any("+" in e for e in emails)
    closed = spec + "      state: {fake: state_abbr}\n"
    found = problems(tmp_path, ddl, closed)
    assert len(found) == 1 and "impossible unique (state): 1000 rows" in found[0]


def test_unlisted_columns_are_inferred_within_their_checks(tmp_path: Path) -> None:
    ddl = """CREATE TABLE t (id INTEGER PRIMARY KEY,
        status TEXT NOT NULL CHECK (status IN ('on', 'off')),
        qty INT NOT NULL CHECK (qty BETWEEN 3 AND 7),
        code VARCHAR(4) NOT NULL CHECK (length(code) = 4),
        note TEXT);"""
    plan = make_plan(tmp_path, ddl, "version: 1\ntables:\n  t: {rows: 300}\n")
    assert set(values(plan, "t", "status")) == {"on", "off"}
    assert set(values(plan, "t", "qty")) == {3, 4, 5, 6, 7}
    assert all(len(c) == 4 for c in values(plan, "t", "code"))
    assert "note" not in plan.models["t"].columns  # nullable without a generator: NULL


def test_checks_the_spec_cannot_meet(tmp_path: Path) -> None:
    ddl = """CREATE TABLE t (id INTEGER PRIMARY KEY, code VARCHAR(5) NOT NULL,
        a INT, b INT, CONSTRAINT ab CHECK (a < b));"""
    spec = """\
version: 1
tables:
  t:
    rows: 10
    trust_checks: [nope]
    columns:
      code: {template: "code-{row}"}
      a: {range: [1, 5]}
"""
    assert problems(tmp_path, ddl, spec) == [
        "s.yaml:3: tables.t: trust_checks: table t has no CHECK named 'nope'",
        "s.yaml:3: tables.t: CHECK ab (a < b) cannot be interpreted (comparison with something "
        "other than a constant); list it under trust_checks if the generators satisfy it",
        "s.yaml:7: tables.t.columns.code: template 'code-{row}' produces text up to 7 characters; "
        "VARCHAR(5) length allows 5",
    ]
    trusted = spec.replace("[nope]", "[ab]").replace("code-{row}", "c{row}")
    assert len(values(make_plan(tmp_path, ddl, trusted), "t", "a")) == 10


def test_not_null_fk_cycles_are_checked_at_the_end(tmp_path: Path) -> None:
    ddl = """CREATE TABLE a (id INTEGER PRIMARY KEY, b_id INT NOT NULL REFERENCES b(id));
             CREATE TABLE b (id INTEGER PRIMARY KEY, a_id INT NOT NULL REFERENCES a(id));"""
    plan = make_plan(tmp_path, ddl, "version: 1\ntables:\n  a: {rows: 2}\n  b: {rows: 2}\n")
    assert [fk.label for fk in plan.suspended] == ["a(b_id) -> b(id)"]
    assert plan.deferred == [] and plan.order == ["a", "b"]  # a.b_id is checked at the end
    assert all(v is not None for v in values(plan, "a", "b_id"))


def test_per_needs_to_know_which_reference_groups(tmp_path: Path) -> None:
    ddl = """CREATE TABLE users (id INTEGER PRIMARY KEY);
             CREATE TABLE messages (id INTEGER PRIMARY KEY, sender INT NOT NULL REFERENCES users(id),
                                    recipient INT NOT NULL REFERENCES users(id));"""
    spec = "version: 1\ntables:\n  users: {rows: 10}\n  messages:\n    rows: {per: users, min: 2, max: 2%s}\n"
    assert (
        "several columns reference users (recipient, sender)"
        in problems(tmp_path, ddl, spec % "")[0]
    )
    plan = make_plan(tmp_path, ddl, spec % ", via: sender")
    assert Counter(values(plan, "messages", "sender")) == {i: 2 for i in range(1, 11)}


SHOP = """
CREATE TABLE customers (id INTEGER PRIMARY KEY, email TEXT NOT NULL UNIQUE, name TEXT NOT NULL, tier TEXT);
CREATE TABLE products (id INTEGER PRIMARY KEY, name TEXT NOT NULL);
"""
CUSTOMERS = """\
version: 1
seed: %d
tables:
  customers:
    rows: 300
    columns:
      email: {fake: email, unique: true}
      name: {fake: name}
      tier: {choice: [free, pro], weights: [3, 1], null_rate: 0.2}
"""


def digest(plan: Plan, table: str) -> str:
    model = plan.models[table]
    batch = model.batch(range(model.total))
    return hashlib.sha256(repr(sorted(batch.items())).encode()).hexdigest()


def test_determinism(tmp_path: Path) -> None:
    base = make_plan(tmp_path, SHOP, CUSTOMERS % 42)
    again = make_plan(tmp_path, SHOP, CUSTOMERS % 42)
    assert digest(base, "customers") == digest(again, "customers")
    more = make_plan(tmp_path, SHOP, CUSTOMERS % 42 + "  products: {rows: 50}\n")
    assert digest(more, "customers") == digest(base, "customers")  # adding a table changes nothing
    assert digest(make_plan(tmp_path, SHOP, CUSTOMERS % 43), "customers") != digest(
        base, "customers"
    )
    tiers = values(base, "customers", "tier")
    assert 30 < tiers.count(None) < 90


def test_determinism_does_not_depend_on_the_process(tmp_path: Path) -> None:
    """Same digest in a fresh interpreter with another hash seed (no hash(), no shared state)."""
    expected = digest(make_plan(tmp_path, SHOP, CUSTOMERS % 42), "customers")
    script = (
        "import sys; sys.path.insert(0, sys.argv[1]); from pathlib import Path;"
        "from tests.unit.test_demo_plan import make_plan, digest, SHOP, CUSTOMERS;"
        "print(digest(make_plan(Path(sys.argv[2]), SHOP, CUSTOMERS % 42), 'customers'))"
    )
    out = subprocess.run(
        [sys.executable, "-c", script, str(REPO), str(tmp_path)],
        capture_output=True,
        text=True,
        env={"PYTHONHASHSEED": "12345", "PATH": "/usr/bin:/bin", "HOME": str(tmp_path)},
        check=True,
        timeout=120,
    )
    assert out.stdout.strip() == expected


def test_composite_foreign_keys_pick_one_parent_row(tmp_path: Path) -> None:
    ddl = """CREATE TABLE rooms (building TEXT NOT NULL, number INT NOT NULL, PRIMARY KEY (building, number));
             CREATE TABLE bookings (id INTEGER PRIMARY KEY, building TEXT NOT NULL, number INT NOT NULL,
                                    FOREIGN KEY (building, number) REFERENCES rooms (building, number));"""
    spec = """\
version: 1
tables:
  rooms:
    rows: 30
    columns:
      building: {choice: [A, B, C]}
      number: {range: [1, 10]}
  bookings: {rows: 200}
"""
    plan = make_plan(tmp_path, ddl, spec)
    rooms = set(
        zip(values(plan, "rooms", "building"), values(plan, "rooms", "number"), strict=True)
    )
    assert len(rooms) == 30
    booked = set(
        zip(values(plan, "bookings", "building"), values(plan, "bookings", "number"), strict=True)
    )
    assert booked <= rooms and len(booked) > 20


def test_parents_outside_the_spec_are_read_from_the_database(tmp_path: Path) -> None:
    ddl = """CREATE TABLE countries (code TEXT PRIMARY KEY);
             INSERT INTO countries VALUES ('NL'), ('DE'), ('FR');
             CREATE TABLE cities (id INTEGER PRIMARY KEY, country TEXT NOT NULL REFERENCES countries(code));"""
    spec = "version: 1\ntables:\n  cities:\n    rows: {per: countries, min: 2, max: 2}\n"
    plan = make_plan(tmp_path, ddl, spec)
    assert Counter(values(plan, "cities", "country")) == {"DE": 2, "FR": 2, "NL": 2}
    empty = tmp_path / "empty"
    empty.mkdir()
    found = problems(
        empty,
        ddl.replace("INSERT INTO countries VALUES ('NL'), ('DE'), ('FR');", ""),
        "version: 1\ntables:\n  cities: {rows: 5}\n",
    )
    assert found == [
        "s.yaml:3: tables.cities: ref to countries: the table has no rows and the spec adds none"
    ]
