"""Pure parts of `demo infer` on real schemas: partition bounds, domain CHECKs, typed
values, date windows inside CHECKs, lookup tables and fan-out."""

from __future__ import annotations

import datetime as dt
import itertools
from typing import Any

import pytest

from dataops.demo.checks import parse_check
from dataops.demo.generators import SpecError
from dataops.demo.generators.typed import SCALARS, Typed, scalar
from dataops.demo.hints import suggest
from dataops.demo.pgcatalog import Partitioning, covered_span, domain_rules, partition_rules
from dataops.demo.reflect import Column, ForeignKey, Schema, Table
from dataops.demo.shape import ColumnStats, Stats, apply_column_stats, is_lookup, row_counts


def col(name: str, kind: str = "text", **kw: Any) -> Column:
    return Column(name=name, kind=kind, type_text=kind, **kw)  # type: ignore[arg-type]


def table(name: str, *columns: Column, **kw: Any) -> Table:
    return Table(name=name, columns={c.name: c for c in columns}, **kw)


def test_monthly_partitions_give_the_covered_span() -> None:
    part = Partitioning("range", ("paid_at",))
    part.ranges = [
        ("2024-02-01 00:00:00+00", "2024-03-01 00:00:00+00"),
        ("2024-01-01 00:00:00+00", "2024-02-01 00:00:00+00"),
        ("2025-06-01 00:00:00+00", "2025-07-01 00:00:00+00"),  # a gap: a shorter run
    ]
    rules = partition_rules(part, "datetime")
    assert rules is not None and rules.lo_incl and not rules.hi_incl
    assert rules.lo == dt.datetime(2024, 1, 1, tzinfo=dt.UTC)
    assert rules.hi == dt.datetime(2024, 3, 1, tzinfo=dt.UTC)
    column = col("paid_at", "datetime", nullable=False)
    column.rules.merge(rules)
    assert suggest(table("payments", column), column) == {
        "date_between": ["2024-01-01", "2024-02-29"]
    }
    part.default = True  # a default partition takes anything
    assert partition_rules(part, "datetime") is None
    assert covered_span([("1", "10"), ("10", "20")], "int") == (1, 20)


def test_list_and_hash_partitions() -> None:
    listed = Partitioning("list", ("region",), values=["eu", "uk", None])
    rules = partition_rules(listed, "text")
    assert rules is not None and rules.allowed == ["eu", "uk"]
    assert partition_rules(Partitioning("hash", ("id",)), "uuid") is None


def test_inheritance_check_moves_the_date_window() -> None:
    column = col("rented_at", "datetime", nullable=False)
    check = parse_check(
        "c",
        "CHECK (rented_at >= '2007-01-01 00:00:00'::timestamp without time zone "
        "AND rented_at < '2008-01-01 00:00:00'::timestamp without time zone)",
    )
    column.rules.merge(check.rules["rented_at"])
    assert suggest(table("rentals_2007", column), column) == {
        "date_between": ["2007-01-01", "2007-12-31"]
    }


def test_domain_checks_become_column_rules() -> None:
    rules, unreadable = domain_rules(
        "release", [("year_check", "CHECK (VALUE >= 1901 AND VALUE <= 2155)")]
    )
    assert (rules.lo, rules.hi) == (1901, 2155) and not unreadable
    _, unreadable = domain_rules("zip", [("zip_check", "CHECK (VALUE ~ '^[0-9]{5}$')")])
    assert unreadable == ["zip_check: CHECK (VALUE ~ '^[0-9]{5}$')"]


@pytest.mark.parametrize("name", sorted(SCALARS))
def test_every_typed_value_is_distinct_text(name: str) -> None:
    size, make = SCALARS[name]
    picks = sorted(i for i in {0, 1, 2, size // 2, size - 1} if i < size)
    values = [make(i) for i in picks]
    assert all(isinstance(v, str) and v for v in values)
    assert len(set(values)) == len(values)


def test_arrays_bits_and_enum_labels() -> None:
    grid = Typed("integer[][]", {})
    assert grid.domain() is not None
    assert grid.domain().values([3]) == ['{{"3","22"}}']  # type: ignore[union-attr]
    texts = Typed("text[]", {}).domain().values([0])  # type: ignore[union-attr]
    assert texts == ['{"alpha0","bravo0"}']
    size, make = scalar("bit(8)") or (0, str)
    assert size == 256 and make(5) == "00000101"
    size, make = scalar("varbit(4)") or (0, str)
    assert size == 16 and len(make(15)) <= 4
    moods = Typed("mood[]", {"labels": ["sad", "ok"]})
    assert moods.domain().values([1]) == ['{"ok","sad"}']  # type: ignore[union-attr]
    with pytest.raises(SpecError, match="no values for type 'pair'"):
        Typed("pair", {})


def test_lookups_are_small_and_children_fan_out() -> None:
    country = table("country", col("id", "int"), col("name"), primary_key=("id",))
    customer = table(
        "customer",
        col("id", "int"),
        col("country_id", "int", nullable=False),
        col("email"),
        col("name"),
        primary_key=("id",),
        foreign_keys=[ForeignKey("f1", "customer", ("country_id",), "country", ("id",))],
    )
    items = table(
        "order_items",
        col("customer_id", "int", nullable=False),
        col("line", "int", nullable=False),
        primary_key=("customer_id", "line"),
        foreign_keys=[ForeignKey("f2", "order_items", ("customer_id",), "customer", ("id",))],
    )
    schema = Schema("postgresql", {"country": country, "customer": customer, "order_items": items})
    assert is_lookup(country, schema) and not is_lookup(customer, schema)
    counts = row_counts(schema, ["country", "customer", "order_items"], 100, set())
    assert counts == {
        "country": 10,
        "customer": 100,  # its parent is a lookup: not a fan-out
        "order_items": {"per": "customer", "min": 1, "max": 4},
    }
    stats = Stats(rows={"country": 4.0, "customer": 500.0, "order_items": 2500.0})
    shaped = row_counts(schema, ["country", "customer", "order_items"], 100, set(), stats)
    assert shaped["country"] == 4 and shaped["customer"] == 500
    assert shaped["order_items"] == {"per": "customer", "min": 0, "max": 10}


def test_stats_never_put_text_values_in_the_spec() -> None:
    status = col("status")
    t = table("orders", status)
    stats = Stats(columns={("orders", "status"): ColumnStats(0.25, 3.0)})
    entry = apply_column_stats(t, status, {"fake": "word", "null_rate": 0.1}, stats)
    assert entry == {"null_rate": 0.25, "choice": ["status-1", "status-2", "status-3"]}
    email = col("email")
    kept = apply_column_stats(table("orders", email), email, {"fake": "email"}, Stats())
    assert kept == {"fake": "email"}
    amount = col("amount", "decimal", nullable=False)
    stats = Stats(columns={("t", "amount"): ColumnStats(0.0, -0.5, "3.333", "97.5")})
    got = apply_column_stats(table("t", amount), amount, {"range": [1, 1000], "decimals": 2}, stats)
    assert got == {"range": [3.34, 97.5], "decimals": 2}


def test_mariadb_partition_bounds() -> None:
    from dataops.demo.mycatalog import _key, _rules

    assert _key("year(`at`)") == ("at", "year") and _key("`paid_on`") == ("paid_on", "")
    assert _key("`a` + `b`") == (None, "")
    years = _rules("RANGE", "year", ["2023", "2024"], "datetime")
    assert years is not None
    assert (years.lo, years.hi, years.hi_incl) == (
        dt.date(2022, 1, 1),
        dt.date(2024, 1, 1),
        False,
    )
    days = _rules("RANGE", "to_days", ["739251"], "date")  # TO_DAYS('2024-01-01')
    assert days is not None and days.hi == dt.date(2024, 1, 1) and days.lo is None
    listed = _rules("LIST", "", ["1,2", "3"], "int")
    assert listed is not None and listed.allowed == [1, 2, 3]
    assert _rules("RANGE COLUMNS", "", ["'2024-02-01'", "MAXVALUE"], "date") is None
    assert _rules("HASH", "", ["", ""], "int") is None


def test_exclusion_constraints_become_unique_sets() -> None:
    from dataops.demo.pgcatalog import exclusion_sets

    assert exclusion_sets("EXCLUDE USING gist (room WITH =, during WITH &&)") == [("during",)]
    assert exclusion_sets("EXCLUDE USING gist (a WITH =, b WITH =) WHERE (b > 0)") == [("a", "b")]
    assert exclusion_sets("EXCLUDE USING gist (lower(x) WITH =)") is None
    ranges = [SCALARS["int4range"][1](i) for i in range(50)]
    bounds = [tuple(int(v) for v in r.strip("[)").split(",")) for r in ranges]
    assert all(a[1] <= b[0] for a, b in itertools.pairwise(bounds))  # disjoint
