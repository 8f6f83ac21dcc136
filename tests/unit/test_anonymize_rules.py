"""Rules file validation: every problem at once, as file:line: path: message."""

from __future__ import annotations

from pathlib import Path

import pytest

from dataops.anonymize.rules import load_rules, parse_rules
from dataops.errors import ConfigError

GOOD = """\
version: 1
secret: ${SECRET:-fallback-secret}
locale: en_US
unknown_tables: fail
unknown_columns: keep
tables:
  public.customer:
    columns:
      customer_id: keep
      first_name: {transform: fake, provider: first_name}
      email: {transform: email, domain: example.com, unique: true}
      phone:
        transform: mask
        keep_last: ${KEEP:-2}
      picture: null
      note: "null"
  public.payment_p2007_*: keep
  '"Audit ""T"" Trail"."Event Log"': truncate
"""


def test_a_valid_file_with_interpolation() -> None:
    rules = parse_rules(GOOD, "rules.yaml", {"SECRET": "s3cret-from-env"})
    assert rules.secret == b"s3cret-from-env"
    assert rules.unknown_columns == "keep"
    customer, payments, audit = rules.tables
    assert customer.columns["phone"].spec is not None
    assert customer.columns["phone"].spec.params["keep_last"] == 2  # ${KEEP:-2} is an int
    assert customer.columns["picture"].action == "null"
    assert customer.columns["note"].action == "null"
    assert customer.columns["email"].spec.unique  # type: ignore[union-attr]
    assert customer.columns["first_name"].spec.params["locale"] == "en_US"  # type: ignore[union-attr]
    assert payments.is_glob and payments.matches("public.payment_p2007_01")
    assert audit.pattern == 'Audit "T" Trail.Event Log'
    assert "s3cret" not in repr(rules)
    assert parse_rules(GOOD, "r", {}).secret == b"fallback-secret"


def test_every_problem_is_listed_with_file_line_and_path(tmp_path: Path) -> None:
    bad = """\
version: 2
secret: ${MISSING_SECRET}
colour: blue
unknown_tables: maybe
tables:
  .customer: keep
  public.a:
    columns:
      x: {transform: nope}
      y: {transform: hash, length: two}
      z: {transform: mask, unique: true}
      w: {transform: fake, provider: not_a_provider}
      v: {transform: regex_replace, pattern: "("}
      u: {transform: hash, colour: red}
      t: {provider: first_name}
      s: drop
      r: {transform: hash, length: 8, unique: true}
  public.b:
    rows: 1
  public.c: sometimes
"""
    path = tmp_path / "rules.yaml"
    path.write_text(bad)
    with pytest.raises(ConfigError) as info:
        load_rules(path, environ={})
    details = info.value.details
    text = "\n".join(details)
    expected = [
        f"{path}:1: version: must be 1",
        f"{path}:2: secret: environment variable MISSING_SECRET is not set",
        f"{path}:3: colour: unknown key",
        f"{path}:4: unknown_tables: must be one of fail, keep, truncate",
        f"{path}:6: tables..customer: table must be given as schema.table (or table)",
        f"{path}:9: tables.public.a.columns.x.transform: unknown transform 'nope'",
        f"{path}:10: tables.public.a.columns.y.length: must be an integer",
        f"{path}:11: tables.public.a.columns.z.unique: transform 'mask' cannot guarantee distinct outputs",
        f"{path}:12: tables.public.a.columns.w.provider: Faker has no provider 'not_a_provider'",
        f"{path}:13: tables.public.a.columns.v.pattern: invalid regular expression",
        f"{path}:14: tables.public.a.columns.u.colour: unknown parameter for hash",
        f"{path}:15: tables.public.a.columns.t: transform: is required",
        f"{path}:16: tables.public.a.columns.s: must be keep, null or a mapping with transform:",
        f"{path}:17: tables.public.a.columns.r.unique: hash with unique: true needs length >= 20",
        f"{path}:19: tables.public.b: columns: is required",
        f"{path}:19: tables.public.b.rows: unknown key",
        f"{path}:20: tables.public.c: must be keep, truncate or a mapping with columns:",
    ]
    for line in expected:
        assert line in text, line
    assert len(details) == len(expected), details


def test_secret_and_shape_errors() -> None:
    with pytest.raises(ConfigError) as info:
        parse_rules("version: 1\nsecret: short\ntables: {}\n", "r.yaml", {})
    assert "r.yaml:2: secret: must be at least 8 characters" in info.value.details
    with pytest.raises(ConfigError) as info:
        parse_rules("version: 1\n", "r.yaml", {})
    assert info.value.details == ["r.yaml:1: secret: is required", "r.yaml:1: tables: is required"]
    with pytest.raises(ConfigError, match=r"invalid rules file r.yaml") as info:
        parse_rules("version: 1\n  bad: [\n", "r.yaml", {})
    assert info.value.details[0].startswith("r.yaml:2: ")
    with pytest.raises(ConfigError) as info:
        parse_rules(
            "version: 1\nsecret: long-enough\ntables:\n  public.a: keep\n  public.a: keep\n",
            "r.yaml",
            {},
        )
    assert info.value.details == ["r.yaml:5: tables.public.a: duplicate key"]


def test_json_paths_are_validated_recursively() -> None:
    text = """\
version: 1
secret: long-enough-secret
tables:
  public.t:
    columns:
      doc:
        transform: json
        paths:
          $.name: {transform: fake, provider: name}
          name: {transform: hash}
          $.x: {transform: hash, length: 1}
"""
    with pytest.raises(ConfigError) as info:
        parse_rules(text, "r.yaml", {})
    assert info.value.details == [
        "r.yaml:10: tables.public.t.columns.doc.paths.name: a JSONPath starts with $",
        "r.yaml:11: tables.public.t.columns.doc.paths.$.x.length: must be >= 4",
    ]
