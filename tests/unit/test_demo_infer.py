"""Generators chosen from column names, types and constraints."""

from __future__ import annotations

from typing import Any

import pytest

from dataops.demo.checks import parse_check
from dataops.demo.hints import candidates, suggest
from dataops.demo.infer import infer_spec
from dataops.demo.reflect import Column, ForeignKey, Schema, Table
from dataops.demo.spec import PerSpec, parse_text


def col(name: str, kind: str = "text", **kw: Any) -> Column:
    return Column(name=name, kind=kind, type_text=kind, **kw)  # type: ignore[arg-type]


def table(name: str, *columns: Column, **kw: Any) -> Table:
    return Table(name=name, columns={c.name: c for c in columns}, **kw)


@pytest.mark.parametrize(
    ("name", "kind", "expected"),
    [
        ("email", "text", {"fake": "email"}),
        ("first_name", "text", {"fake": "first_name"}),
        ("phone_number", "text", {"fake": "phone_number"}),
        ("city", "text", {"fake": "city"}),
        ("zip_code", "text", {"fake": "postcode"}),
        ("website", "text", {"fake": "url"}),
        ("quantity", "int", {"range": [1, 10]}),
        ("age", "int", {"range": [18, 90]}),
        ("is_active", "bool", {"choice": [True, False]}),
        ("birth_date", "date", {"date_between": ["1950-01-01", "2005-12-31"]}),
        ("created_at", "datetime", {"date_between": ["2020-01-01", "2024-12-31"]}),
        ("settings", "json", {"constant": {}}),
        ("token", "uuid", {"uuid": True}),
    ],
)
def test_names_and_types(name: str, kind: str, expected: dict[str, Any]) -> None:
    assert suggest(table("customers", col(name, kind)), col(name, kind)) == expected


def test_money_fits_numeric_precision_and_checks() -> None:
    price = col("price", "decimal", precision=5, scale=2)
    price.rules.merge(parse_check("c", "price > 0").rules["price"])
    assert suggest(table("p", price), price) == {"range": [1, 999.99], "decimals": 2}
    small = col("fee", "decimal", precision=3, scale=2)
    small.rules.merge(parse_check("c", "fee > 2").rules["fee"])
    assert suggest(table("p", small), small) == {"range": [2.01, 9.99], "decimals": 2}
    qty = col("qty", "int", int_min=-32768, int_max=32767)
    qty.rules.merge(parse_check("c", "qty BETWEEN 5000 AND 6000").rules["qty"])
    assert suggest(table("p", qty), qty) == {"range": [5000, 6000]}


def test_constraints_choose_the_generator() -> None:
    status = col("status")
    status.rules.merge(parse_check("c", "status IN ('a', 'b')").rules["status"])
    assert suggest(table("t", status), status) == {"choice": ["a", "b"]}
    tier = col("tier", "enum", enum_values=("free", "pro"))
    assert suggest(table("t", tier), tier) == {"choice": ["free", "pro"]}
    fk = ForeignKey("fk", "orders", ("customer_id",), "customers", ("id",))
    cid = col("customer_id", "int")
    assert suggest(table("orders", cid, foreign_keys=[fk]), cid) == {"ref": "customers.id"}
    name = col("name", length=40)
    depts = table("departments", name, uniques=[("name",)])
    assert candidates(depts, name)[0] == {"template": "Department {row}"}
    assert suggest(table("t", col("shape", "other")), col("shape", "other")) is None


def test_infer_spec_is_a_valid_spec() -> None:
    customers = table(
        "customers",
        col("id", "int", autoincrement=True, nullable=False),
        col("email", nullable=False),
        col("nickname"),
        primary_key=("id",),
        uniques=[("email",)],
    )
    fk = ForeignKey("fk", "orders", ("customer_id",), "customers", ("id",))
    orders = table(
        "orders",
        col("id", "int", autoincrement=True, nullable=False),
        col("customer_id", "int", nullable=False),
        primary_key=("id",),
        foreign_keys=[fk],
    )
    text = infer_spec(Schema("sqlite", {"orders": orders, "customers": customers}), rows=7)
    spec = parse_text(text)
    assert list(spec.tables) == ["customers", "orders"]  # parents first
    assert spec.tables["customers"].rows == 7
    assert spec.tables["orders"].rows == PerSpec("customers", 0, 4)  # fan-out per customer
    assert "email: {fake: email, unique: true}" in text
    assert "nickname: {fake: user_name, null_rate: 0.1}" in text
    assert "customer_id: {ref: customers.id}" in text


def test_a_fan_out_that_does_not_plan_falls_back_to_rows() -> None:
    orders = table(
        "orders",
        col("id", "int", autoincrement=True, nullable=False),
        col("note"),
        col("placed", "date"),
        primary_key=("id",),
    )
    fk = ForeignKey("fk", "lines", ("order_id",), "orders", ("id",))
    lines = table(
        "lines",
        col("order_id", "int", nullable=False),
        col("flag", "bool", nullable=False),  # two values: 1..4 lines per order cannot be unique
        primary_key=("order_id", "flag"),
        foreign_keys=[fk],
    )
    text = infer_spec(Schema("sqlite", {"orders": orders, "lines": lines}), rows=10)
    spec = parse_text(text)
    assert spec.tables["lines"].rows == 10
    assert spec.tables["orders"].rows == 10
    assert "# NOTE: lines: rows: 10, as rows per parent row do not plan" in text
