"""Transforms: deterministic per secret, shapes kept, kernels equal to the value path."""

from __future__ import annotations

import json
import re
import uuid

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dataops.anonymize.engine_api import TableData
from dataops.anonymize.formats import copytext
from dataops.anonymize.formats.ddl import Catalog
from dataops.anonymize.plan import Plan
from dataops.anonymize.rowtransform import _run_kernel
from dataops.anonymize.rules import parse_rules

COLUMNS = {
    "hash": "{transform: hash, length: 24, prefix: h_}",
    "email": "{transform: email, domain: example.com, unique: true}",
    "email_keep": "{transform: email, domain: keep}",
    "fake": "{transform: fake, provider: first_name}",
    "mask": "{transform: mask, keep_last: 2}",
    "mask_first": "{transform: mask, keep_first: 1, char: '#'}",
    "constant": "{transform: constant, value: X}",
    "choice": "{transform: choice, values: [a, b, null]}",
    "uuid": "{transform: uuid}",
    "regex": "{transform: regex_replace, pattern: '[0-9]', replacement: '#'}",
    "shift": "{transform: date_shift, max_days: 10}",
    "noise": "{transform: number_noise, ratio: 0.5}",
    "doc": "{transform: json, paths: {$.name: {transform: fake, provider: name}, '$.tags[*]': {transform: hash, length: 8}}}",
    "label": "{transform: template, template: 'user {fake} <{email}>'}",
}

TYPES = {"noise": "numeric(6,2)", "shift": "timestamptz", "doc": "jsonb", "uuid": "uuid"}


def make_plan(phrase: str = "test-secret-one") -> tuple[Plan, TableData]:
    cols = "\n".join(f"      {name}: {spec}" for name, spec in COLUMNS.items())
    text = f"version: 1\nsecret: {phrase}\ntables:\n  public.t:\n    columns:\n{cols}\n"
    plan = Plan(parse_rules(text, "r.yaml", {}))
    catalog = Catalog()
    catalog.add_sql(
        "CREATE TABLE public.t (" + ", ".join(f"{c} {TYPES.get(c, 'text')}" for c in COLUMNS) + ");"
    )
    table = TableData("public", "t", tuple(COLUMNS))
    plan.check(catalog, [table])
    return plan, table


def run(
    plan: Plan, table: TableData, rows: list[dict[str, bytes | None]]
) -> list[dict[str, bytes | None]]:
    data = b"".join(copytext.format_row([r.get(c) for c in table.columns]) + b"\n" for r in rows)
    tr = plan.transformer(table)
    out = tr.feed(data) + tr.finish()
    assert tr.rows == len(rows)
    return [
        dict(zip(table.columns, copytext.parse_row(line), strict=True))
        for line in out.split(b"\n")[:-1]
    ]


ROW: dict[str, bytes | None] = {
    "hash": b"secret value",
    "email": b"Jane.Doe@corp.example",
    "email_keep": b"jane@corp.example",
    "fake": b"Jane",
    "mask": b"+1 555 0100",
    "mask_first": b"4111111111111111",
    "constant": b"anything",
    "choice": b"x",
    "uuid": b"a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11",
    "regex": b"tel 0123",
    "shift": b"2020-02-29 13:45:00.5+02",
    "noise": b"123.45",
    "doc": b'{"name": "Jane Doe", "tags": ["a", "b"], "n": 1.50}',
    "label": b"ignored",
}


def test_each_transform() -> None:
    plan, table = make_plan()
    (out,) = run(plan, table, [ROW])
    assert re.fullmatch(rb"h_[0-9a-f]{24}", out["hash"] or b"")
    assert re.fullmatch(rb"[a-z]+\.[a-z]+\.[0-9a-f]{20}@example\.com", out["email"] or b"")
    assert re.fullmatch(rb"[a-z]+\.[a-z]+\.[0-9a-f]{6}@corp\.example", out["email_keep"] or b"")
    assert out["fake"] and out["fake"] != b"Jane"
    assert out["mask"] == b"*********00"
    assert out["mask_first"] == b"4" + b"#" * 15
    assert out["constant"] == b"X"
    assert out["choice"] in (b"a", b"b", None)
    assert uuid.UUID((out["uuid"] or b"").decode()).version == 4
    assert out["regex"] == b"tel ####"
    shifted = out["shift"] or b""
    assert shifted.endswith(b" 13:45:00.5+02") and shifted != ROW["shift"]
    noise = float(out["noise"] or 0)
    assert 61.72 <= noise <= 185.18 and re.fullmatch(rb"\d+\.\d\d", out["noise"] or b"")
    doc = json.loads(out["doc"] or b"")
    assert doc["name"] != "Jane Doe" and len(doc["tags"]) == 2 and doc["tags"][0] != "a"
    assert b'"n": 1.50' in (out["doc"] or b"")  # untouched numbers keep their text
    assert out["label"] == b"user " + (out["fake"] or b"") + b" <" + (out["email"] or b"") + b">"


def test_deterministic_per_secret_and_null_passes() -> None:
    plan, table = make_plan()
    first = run(plan, table, [ROW])
    again = run(make_plan()[0], table, [ROW])
    other = run(make_plan("another-secret")[0], table, [ROW])
    assert first == again
    changed = [c for c in ("hash", "email", "fake", "uuid", "shift") if first[0][c] != other[0][c]]
    assert changed == ["hash", "email", "fake", "uuid", "shift"]
    (nulls,) = run(plan, table, [dict.fromkeys(COLUMNS)])
    assert nulls == dict.fromkeys(COLUMNS)


def test_same_transform_same_output_across_columns() -> None:
    text = """version: 1
secret: test-secret-one
tables:
  public.a: {columns: {x: {transform: hash, length: 32}}}
  public.b: {columns: {y: {transform: hash, length: 32}}}
"""
    plan = Plan(parse_rules(text, "r", {}))
    a, b = TableData("public", "a", ("x",)), TableData("public", "b", ("y",))
    plan.check(Catalog(), [a, b])
    assert plan.transformer(a).feed(b"v1\n") == plan.transformer(b).feed(b"v1\n")


ascii_values = st.binary(max_size=24).map(lambda b: bytes(c % 128 for c in b))


@settings(max_examples=60, deadline=None)
@given(st.lists(st.one_of(ascii_values, st.binary(max_size=12)), min_size=1, max_size=80))
def test_kernels_equal_the_value_path(values: list[bytes]) -> None:
    plan, table = make_plan()
    column = (*tuple(copytext.escape(v) for v in values), copytext.NULL)
    for name in ("hash", "email", "fake", "mask", "mask_first", "constant", "choice"):
        rule = plan._resolved[("public", "t")].columns[name]
        assert rule.spec is not None
        fns = plan._column_fn(table, name, rule.spec)
        assert fns.kernel is not None
        result = _run_kernel(fns.kernel, column)
        if result is None:
            continue  # declined (escaped or non-ASCII values for mask): the value path runs
        assert list(result) == [fns.raw(v) for v in column], name


def test_unique_collision_is_detected() -> None:
    from dataops.anonymize.rowtransform import UniqueGuard
    from dataops.errors import OperationError

    guard = UniqueGuard("public.t.c")
    guard.check(b"a", b"x")
    guard.check(b"a", b"x")  # the same input again is fine
    with pytest.raises(OperationError, match="collision"):
        guard.check(b"b", b"x")
    with pytest.raises(OperationError, match="collision"):
        UniqueGuard("t.c").check_block((b"a", b"b"), (b"x", b"x"))


def test_date_shift_and_noise_edges() -> None:
    plan, table = make_plan()
    rows = [
        {"shift": b"0001-01-01", "noise": b"9999.99"},
        {"shift": b"infinity", "noise": b"-0.5"},
        {"shift": b"2000-01-01 BC", "noise": b"NaN"},
    ]
    out = run(plan, table, rows)
    assert out[0]["shift"] != b"0001-01-01" and (out[0]["shift"] or b"").startswith(b"0001-")
    assert float(out[0]["noise"] or 0) <= 9999.99
    assert out[1]["shift"] == b"infinity" and (out[1]["noise"] or b"").startswith(b"-0.")
    assert (out[2]["shift"] or b"").endswith(b" BC") and out[2]["noise"] == b"NaN"
