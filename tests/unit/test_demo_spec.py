"""The demo spec: YAML with lines, interpolation, strict schema, every problem at once."""

from __future__ import annotations

from pathlib import Path

import pytest

from dataops.config.yamlsource import load
from dataops.demo.generators.choice import Choice
from dataops.demo.spec import PerSpec, load_spec, parse_text
from dataops.errors import ConfigError

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "demo" / "spec.yaml"


def problems(text: str, environ: dict[str, str] | None = None) -> list[str]:
    with pytest.raises(ConfigError) as info:
        parse_text(text, "s.yaml", environ)
    return info.value.details


def test_example_spec_parses() -> None:
    spec = load_spec(EXAMPLE, environ={})
    assert spec.seed == 42 and spec.locale == "en_US"
    assert spec.tables["customers"].rows == 2000
    assert spec.tables["orders"].rows == PerSpec(parent="customers", min=0, max=8)
    assert spec.tables["users"].fixed[0]["email"] == "admin@example.com"
    tier = spec.tables["customers"].columns["tier"]
    assert isinstance(tier.generator, Choice) and tier.generator.cumulative == [80, 95, 100]
    assert spec.tables["customers"].columns["email"].unique
    assert spec.tables["orders"].columns["note"].null_rate == 0.7
    assert (
        spec.tables["customers"].columns["email"].where.endswith(": tables.customers.columns.email")
    )


def test_interpolation_retypes_unquoted_values() -> None:
    text = 'version: 1\nseed: ${SEED:-5}\ntables:\n  t:\n    rows: ${ROWS}\n    columns:\n      a: {constant: "${NAME:-x}-$$1"}\n'
    spec = parse_text(text, "s.yaml", {"ROWS": "12"})
    assert spec.seed == 5 and spec.tables["t"].rows == 12
    assert spec.tables["t"].columns["a"].generator.arg == "x-$1"
    assert problems(text) == ["s.yaml:5: tables.t.rows: environment variable ROWS is not set"]


def test_every_problem_is_reported_with_its_line() -> None:
    text = """\
version: 2
seeds: 1
tables:
  customers:
    rows: -1
    columns:
      email: {fake: email, unique: maybe}
      name: {lorem: 3}
      tier: {choice: [a, b], weights: [1]}
      total: {range: [10, 1], decimals: 2}
      when: {date_between: [2020-13-01, 2021-01-01]}
      code: {template: "{row!r}"}
      x: {fake: name, choice: [a]}
      y: {range: [1, 2], step: 3}
  orders:
    rows: {per: customers, min: 3, max: 1, every: 2}
"""
    found = problems(text)
    assert found == [
        "s.yaml:1: version: unsupported version 2 (only 1)",
        "s.yaml:2: seeds: unknown key (expected one of: locale, pool_size, seed, tables, version)",
        "s.yaml:5: tables.customers.rows: must be >= 0",
        "s.yaml:7: tables.customers.columns.email.unique: must be true or false",
        "s.yaml:8: tables.customers.columns.name: unknown generator 'lorem'; expected one of: "
        "choice, constant, date_between, fake, range, ref, sequence, template, type, uuid",
        "s.yaml:9: tables.customers.columns.tier.choice: weights must be a list as long as the choices",
        "s.yaml:10: tables.customers.columns.total.range: low must not exceed high",
        "s.yaml:11: tables.customers.columns.when.date_between[0]: invalid value '2020-13-01': "
        "month must be in 1..12",
        "s.yaml:12: tables.customers.columns.code.template: placeholder {row!r}: conversions are not allowed",
        "s.yaml:13: tables.customers.columns.x: more than one generator: fake, choice",
        "s.yaml:14: tables.customers.columns.y.step: unknown option for range (expected one of: "
        "decimals, null_rate, unique)",
        "s.yaml:16: tables.orders.rows.every: unknown key (expected one of: max, min, per, via)",
        "s.yaml:16: tables.orders.rows.max: must be >= min (3)",
    ]


def test_yaml_errors_and_duplicates() -> None:
    assert problems("version: 1\ntables: [\n") == [
        "s.yaml:3: expected the node content, but found '<stream end>'"
    ]
    dup = problems("version: 1\ntables:\n  t: {rows: 1}\n  t: {rows: 2}\n")
    assert dup == ["s.yaml:4: tables.t: duplicate key"]
    assert problems("") == ["s.yaml:1: the file is empty"]
    assert problems("version: 1\n") == [
        "s.yaml:1: tables: missing: the spec must name at least one table"
    ]


def test_scaling_rounds_counts_and_keeps_per_and_fixed() -> None:
    spec = load_spec(EXAMPLE, environ={}).scaled(0.25)
    assert spec.tables["customers"].rows == 500
    assert spec.tables["users"].rows == 13 and len(spec.tables["users"].fixed) == 1
    assert isinstance(spec.tables["orders"].rows, PerSpec)


def test_locator_paths() -> None:
    doc = load("a:\n  b:\n    - x\n    - {c: 1}\n", "f.yaml", {})
    assert doc.where(("a", "b", 1, "c")) == "f.yaml:4: a.b[1].c"
    assert doc.where(("a", "missing")) == "f.yaml:1: a.missing"
