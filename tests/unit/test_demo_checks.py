"""CHECK constraints as PostgreSQL, MariaDB and SQLite print them."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from dataops.demo.checks import Rules, UnsupportedCheck, parse_check, referenced_columns


@pytest.mark.parametrize(
    ("sqltext", "column", "expected"),
    [
        (
            "((price >= (0)::numeric) AND (price <= (1000)::numeric))",
            "price",
            {"lo": 0, "hi": 1000},
        ),
        ("(status = ANY (ARRAY['a'::text, 'b'::text]))", "status", {"allowed": ["a", "b"]}),
        (
            "((status)::text = ANY ((ARRAY['new'::character varying, 'x'::character varying])::text[]))",
            "status",
            {"allowed": ["new", "x"]},
        ),
        ("`qty` between 1 and 10", "qty", {"lo": 1, "hi": 10}),
        ("status IN ('x','y')", "status", {"allowed": ["x", "y"]}),
        ("(length(name) <= 50)", "name", {"max_len": 50}),
        ("(char_length((code)::text) = 3)", "code", {"min_len": 3, "max_len": 3}),
        ("json_valid(`doc`)", "doc", {"json": True}),
        ("((note IS NULL) OR (length(note) > 3))", "note", {"min_len": 4}),
        ("(created_at >= '2020-01-01'::date)", "created_at", {"lo": dt.date(2020, 1, 1)}),
        ("qty > -5 AND qty <> 0", "qty", {"lo": -5, "lo_incl": False, "excluded": [0]}),
        ("\"Name\" <> ''", "Name", {"excluded": [""]}),
        ("price > 0.5", "price", {"lo": Decimal("0.5"), "lo_incl": False}),
    ],
)
def test_supported_checks(sqltext: str, column: str, expected: dict[str, object]) -> None:
    rules = parse_check("c", sqltext).rules[column]
    for key, value in expected.items():
        assert getattr(rules, key) == value, key


@pytest.mark.parametrize(
    "sqltext",
    [
        "(ends > starts)",
        "x ~ '^a'",
        "a + 1 > 2",
        "NOT (a IN (1, 2))",
        "a = 1 OR b = 2",
        "lower(a) = 'x'",
    ],
)
def test_unsupported_checks(sqltext: str) -> None:
    with pytest.raises(UnsupportedCheck):
        parse_check("c", sqltext)


def test_referenced_columns_of_unsupported_checks() -> None:
    assert referenced_columns("(ends > starts::date)") == {"ends", "starts"}


def test_rules_accept_and_merge() -> None:
    r = parse_check("a", "qty BETWEEN 1 AND 10").rules["qty"]
    r.merge(parse_check("b", "qty <> 5").rules["qty"])
    assert [v for v in range(0, 12) if r.accepts(v)] == [1, 2, 3, 4, 6, 7, 8, 9, 10]
    assert r.accepts(None)  # NULL satisfies any CHECK
    assert "CHECK a" in r.describe() and "CHECK b" in r.describe()
    dates = Rules(lo=dt.date(2020, 1, 1))
    assert dates.accepts(dt.datetime(2020, 1, 1, 5, tzinfo=dt.UTC))
    assert not dates.accepts(dt.date(2019, 12, 31))


@given(lo=st.integers(-1000, 1000), width=st.integers(0, 100), value=st.integers(-2000, 2000))
def test_between_matches_arithmetic(lo: int, width: int, value: int) -> None:
    hi = lo + width
    rules = parse_check("c", f"(v >= {lo}) AND (v <= {hi})".replace("-", "-")).rules["v"]
    assert rules.accepts(value) == (lo <= value <= hi)
