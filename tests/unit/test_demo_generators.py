"""Generator families on their own: values, domains, uniqueness properties."""

from __future__ import annotations

import datetime as dt
import uuid
from collections import Counter
from collections.abc import Sequence
from decimal import Decimal
from typing import Any

import pytest

from dataops.demo.generators import REGISTRY, BindContext, SpecError
from dataops.demo.generators.choice import Choice
from dataops.demo.generators.dates import DateBetween
from dataops.demo.generators.numeric import Range, Sequence_
from dataops.demo.generators.text import Template
from dataops.demo.pools import PoolDomain, PoolStore
from dataops.demo.rand import Stream, derive_key
from dataops.demo.reflect import Column


class Ev:
    """A minimal evaluator: keyed streams and sibling columns from a dict."""

    def __init__(self, siblings: dict[str, list[Any]] | None = None, rows: int = 1000) -> None:
        self.siblings = siblings or {}
        self.row_count = rows

    def stream(self, *purpose: str) -> Stream:
        return Stream(derive_key("test", *purpose))

    def shared_stream(self, *purpose: str) -> Stream:
        return Stream(derive_key("shared", *purpose))

    def sibling(self, column: str, rows: Sequence[int]) -> list[Any]:
        return [self.siblings[column][r] for r in rows]

    def parent_values(self, table: str, column: str, indexes: Sequence[int]) -> list[Any]:
        return [f"{table}.{column}#{i}" for i in indexes]


def bind(gen: Any, kind: str = "text", rows: int = 1000, **column: Any) -> list[str]:
    ctx = BindContext(
        table="t",
        column=Column(name="c", kind=kind, type_text=kind, **column),  # type: ignore[arg-type]
        locale="en_US",
        pools=PoolStore(256),
        pool_size=256,
        rows=rows,
    )
    gen.bind(ctx)
    return ctx.problems


def test_registry_has_every_family() -> None:
    assert set(REGISTRY) == {
        "fake", "choice", "constant", "range", "sequence", "date_between", "template", "ref", "uuid",
        "type",
    }  # fmt: skip


def test_weighted_choice_follows_weights() -> None:
    gen = Choice(["free", "pro", "enterprise"], {"weights": [80, 15, 5]})
    counts = Counter(gen.values(Ev(), range(20000)))
    assert (
        15000 < counts["free"] < 17000
        and 2500 < counts["pro"] < 3500
        and 700 < counts["enterprise"] < 1300
    )
    zero = Choice(["a", "b"], {"weights": [0, 1.5]})
    assert set(zero.values(Ev(), range(500))) == {"b"} and zero.finite_values() == ["b"]


def test_range_decimals_and_bounds() -> None:
    gen = Range([1, 500], {"decimals": 2})
    values = gen.values(Ev(), range(2000))
    assert all(isinstance(v, Decimal) and Decimal(1) <= v <= Decimal(500) for v in values)
    assert all(v == v.quantize(Decimal("0.01")) for v in values)
    assert gen.domain() is not None and gen.domain().size == 49901  # type: ignore[union-attr]
    assert Range([1.5, 3], {}).decimals == 1
    assert bind(Range([1, 10], {"decimals": 2}), "int") == [
        "range with decimals: 2 cannot fill integer column"
    ]
    assert bind(Range([0, 70000], {}), "int", int_min=-32768, int_max=32767) == [
        "range high 70000 is above the column's maximum 32767"
    ]
    with pytest.raises(SpecError):
        Range([1, 2.345], {"decimals": 2})


def test_dates_follow_the_column_kind() -> None:
    gen = DateBetween(["2020-01-01", "2020-12-31"], {})
    assert bind(gen, "date") == []
    days = gen.values(Ev(), range(1000))
    assert all(dt.date(2020, 1, 1) <= d <= dt.date(2020, 12, 31) for d in days)
    stamps = DateBetween(["2020-01-01", "2020-01-02"], {})
    assert bind(stamps, "datetime", timezone=True) == []
    values = stamps.values(Ev(), range(500))
    assert all(v.tzinfo is dt.UTC and dt.datetime(2020, 1, 1, tzinfo=dt.UTC) <= v for v in values)
    assert max(values) <= dt.datetime(2020, 1, 2, 23, 59, 59, tzinfo=dt.UTC)
    assert bind(DateBetween(["2020-01-01", "2020-01-02"], {}), "int") == [
        "date_between cannot fill a int column"
    ]


def test_sequence_skips_fixed_values() -> None:
    gen = Sequence_(True, {"start": 10, "step": 5})
    gen.exclude([15, 30])
    assert gen.values(Ev(), range(5)) == [10, 20, 25, 35, 40]
    assert gen.index_of_value(25) == 2 and gen.index_of_value(15) is None
    gen.exclude([15, 30], [0, 2])  # rows 0 and 2 are fixed rows holding 15 and 30
    values = gen.values(Ev(), range(5))
    assert [values[i] for i in (1, 3, 4)] == [10, 20, 25]
    assert [gen.index_of_value(v) for v in (10, 20, 25)] == [1, 3, 4]


@pytest.mark.parametrize(
    ("template", "unique"),
    [
        ("user{row}@example.com", True),
        ("{row}", True),
        ("SKU-{row:05d}", True),
        ("{first}.{row}", True),
        ("{first}{row}", False),  # "ab1" + 1 and "ab" + 11 collide
        ("a{row}1", False),
        ("{row}-{first}", False),
        ("{first}", False),
    ],
)
def test_template_uniqueness_rule(template: str, unique: bool) -> None:
    assert Template(template, {}).injective is unique


def test_template_values_and_length() -> None:
    gen = Template("{first}.{row}@x.org", {})
    assert gen.deps() == {"first"}
    ev = Ev({"first": ["ann", None, "bo"]})
    assert gen.values(ev, range(3)) == ["ann.1@x.org", ".2@x.org", "bo.3@x.org"]
    with pytest.raises(SpecError):
        Template("{a.b}", {})


def test_uuid_is_distinct_and_version_4() -> None:
    gen = REGISTRY["uuid"](True, {})
    assert bind(gen, "uuid") == []
    values = gen.values(Ev(), range(5000))
    assert len(set(values)) == 5000
    assert all(isinstance(v, uuid.UUID) and v.version == 4 for v in values)


def test_ref_points_to_parent_rows() -> None:
    gen = REGISTRY["ref"]("customers.id", {})
    gen.parent_count = 7  # type: ignore[attr-defined]
    values = gen.values(Ev(), range(100))
    assert set(values) <= {f"customers.id#{i}" for i in range(7)}
    gen.self_ref = True  # type: ignore[attr-defined]
    indexes = gen.parent_indexes(Ev(), range(50))  # type: ignore[attr-defined]
    assert indexes[0] is None and all(i < r for r, i in enumerate(indexes) if i is not None)


def test_pools_are_deterministic_and_decorate_injectively() -> None:
    a = PoolStore(300).pool("email", "en_US")
    b = PoolStore(300).pool("email", "en_US")
    assert a.values == b.values and a.open
    domain = PoolDomain(a.distinct, True).with_rounds(3)
    values = domain.values(range(domain.size))
    assert len(set(values)) == domain.size == 3 * len(a.distinct)
    assert "+2@" in values[-1]
    assert all(domain.index_of(v) == i for i, v in enumerate(values))
    closed = PoolStore(300).pool("state_abbr", "en_US")
    assert not closed.open and len(closed.distinct) < 80


def test_pool_cache_round_trip(tmp_path: Any) -> None:
    first = PoolStore(64, tmp_path).pool("name", "en_US")
    assert len(list(tmp_path.iterdir())) == 1
    second = PoolStore(64, tmp_path).pool("name", "en_US")
    assert second.values == first.values
    next(tmp_path.iterdir()).write_text("{broken")
    assert PoolStore(64, tmp_path).pool("name", "en_US").values == first.values


def test_fake_filters_by_length_and_rejects_unknown_providers() -> None:
    gen = REGISTRY["fake"]("name", {})
    assert bind(gen, "text", length=12) == []
    assert all(len(v) <= 12 for v in gen.values(Ev(), range(200)))
    assert bind(REGISTRY["fake"]("no_such_thing", {})) == ["unknown Faker provider 'no_such_thing'"]
    assert bind(REGISTRY["fake"]("pyint", {"args": {"nope": 1}}))[0].startswith(
        "Faker pyint: TypeError"
    )


def test_parallel_prefetch_draws_the_same_pools() -> None:
    requests = [
        ("name", "en_US", None, 128),
        ("city", "en_US", None, 128),
        ("pyint", "en_US", {"max_value": 9}, 64),
    ]
    parallel = PoolStore(128)
    parallel.prefetch(requests)
    assert len(parallel._pools) == 3  # drawn by the worker processes
    sequential = PoolStore(128)
    for provider, locale, args, size in requests:
        assert (
            parallel.pool(provider, locale, args, size).values
            == sequential.pool(provider, locale, args, size).values
        )
