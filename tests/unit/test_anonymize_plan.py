"""The plan's fail-closed checks against the dump's own DDL, every problem at once."""

from __future__ import annotations

import pytest

from dataops.anonymize.engine_api import TableAction, TableData
from dataops.anonymize.formats.ddl import Catalog
from dataops.anonymize.plan import Plan
from dataops.anonymize.rules import parse_rules
from dataops.errors import ConfigError

DDL = """
CREATE TABLE public.customer (id integer NOT NULL, email text NOT NULL, name text,
  full_name text GENERATED ALWAYS AS (name) STORED, phone text);
CREATE TABLE public.orders (id integer NOT NULL, customer_id integer, customer_email text);
CREATE TABLE public.payment (id integer NOT NULL, d date NOT NULL, amount numeric) PARTITION BY RANGE (d);
CREATE TABLE public.payment_p2007_01 (id integer NOT NULL, d date NOT NULL, amount numeric);
ALTER TABLE ONLY public.payment ATTACH PARTITION public.payment_p2007_01 FOR VALUES FROM ('2007-01-01') TO ('2007-02-01');
CREATE TABLE public.film (id integer, title text);
ALTER TABLE ONLY public.customer ADD CONSTRAINT customer_pkey PRIMARY KEY (id);
ALTER TABLE ONLY public.customer ADD CONSTRAINT customer_email_key UNIQUE (email);
ALTER TABLE ONLY public.orders ADD CONSTRAINT orders_c FOREIGN KEY (customer_id) REFERENCES public.customer(id);
ALTER TABLE ONLY public.orders ADD CONSTRAINT orders_e FOREIGN KEY (customer_email) REFERENCES public.customer(email);
"""

HEAD = "version: 1\nsecret: plan-test-secret\n"


def check(rules_text: str, ddl: str = DDL) -> Plan:
    catalog = Catalog()
    catalog.add_sql(ddl)
    plan = Plan(parse_rules(HEAD + rules_text, "rules.yaml", {}))
    plan.check(catalog, catalog.data_tables())
    return plan


GOOD = """\
tables:
  public.customer:
    columns:
      id: keep
      email: {transform: email, unique: true}
      name: {transform: fake, provider: name}
      phone: null
  public.orders:
    columns: {id: keep, customer_id: keep, customer_email: {transform: email, unique: true}}
  public.payment: {columns: {id: keep, d: keep, amount: {transform: number_noise}}}
  public.film: keep
"""


def test_good_rules_resolve_every_table() -> None:
    plan = check(GOOD)
    actions = {t.qualified: plan.action(t) for t in plan.catalog.data_tables()}
    assert actions == {
        "public.customer": TableAction.TRANSFORM,
        "public.orders": TableAction.TRANSFORM,
        "public.payment_p2007_01": TableAction.TRANSFORM,  # the partitioned parent's rule
        "public.film": TableAction.KEEP,
    }
    part = TableData("public", "payment_p2007_01", ("id", "d", "amount"))
    assert plan.transformed_columns(part) == ["amount"]


def test_coverage_problems_all_at_once() -> None:
    rules = """\
tables:
  public.customer:
    columns:
      id: keep
      emial: keep
      full_name: keep
  public.orders: keep
  public.nothere: keep
  public.pay_*: keep
"""
    with pytest.raises(ConfigError) as info:
        check(rules)
    details = "\n".join(info.value.details)
    for expected in (
        "rules.yaml:4: tables.public.customer: column public.customer.email is not covered",
        "rules.yaml:4: tables.public.customer: column public.customer.name is not covered",
        "rules.yaml:4: tables.public.customer: column public.customer.phone is not covered",
        "rules.yaml:7: tables.public.customer.columns.emial: table public.customer has no column 'emial'",
        "rules.yaml:8: tables.public.customer.columns.full_name: public.customer.full_name is a generated column",
        "rules.yaml: tables: no rule for table public.payment_p2007_01",
        "rules.yaml: tables: no rule for table public.film",
        "rules.yaml:10: tables.public.nothere: table is not in the dump",
        "rules.yaml:11: tables.public.pay_*: pattern matches no table",
    ):
        assert expected in details, expected


def test_policies_cover_the_rest() -> None:
    rules = """\
unknown_tables: truncate
unknown_columns: null
tables:
  public.customer: {columns: {id: keep, email: {transform: email, unique: true}}}
  public.orders: {unknown_columns: keep, columns: {customer_email: {transform: email, unique: true}}}
"""
    plan = check(rules)
    tables = {t.qualified: t for t in plan.catalog.data_tables()}
    assert plan.action(tables["public.film"]) is TableAction.TRUNCATE
    assert plan.transformed_columns(tables["public.customer"]) == ["email", "name", "phone"]
    assert plan.transformed_columns(tables["public.orders"]) == ["customer_email"]


def test_constraint_problems() -> None:
    rules = """\
tables:
  public.customer:
    columns:
      id: {transform: mask}
      email: null
      name: keep
      phone: keep
  public.orders:
    columns: {id: keep, customer_id: {transform: hash}, customer_email: keep}
  public.payment: truncate
  public.film: keep
"""
    with pytest.raises(ConfigError) as info:
        check(rules)
    details = "\n".join(info.value.details)
    for expected in (
        "rules.yaml:7: tables.public.customer.columns.email: public.customer.email is NOT NULL in the dump; null would fail the restore",
        "public.customer.id is part of PRIMARY KEY customer_pkey and transform 'mask' is lossy",
        "rules.yaml:11: tables.public.orders.columns.customer_id: FOREIGN KEY orders_c: public.orders.customer_id (hash) and public.customer.id (mask) must use the same rule",
        "FOREIGN KEY orders_e: public.orders.customer_email (keep) and public.customer.email (null)",
    ):
        assert expected in details, expected


def test_unique_needs_an_injective_transform_and_truncate_breaks_references() -> None:
    rules = """\
tables:
  public.customer: {columns: {id: keep, email: {transform: email}, name: keep, phone: keep}}
  public.orders: {columns: {id: keep, customer_id: keep, customer_email: {transform: email}}}
  public.payment: keep
  public.film: keep
"""
    with pytest.raises(ConfigError) as info:
        check(rules)
    assert any(
        "UNIQUE customer_email_key and transform 'email' is lossy" in d and "unique: true" in d
        for d in info.value.details
    )
    rules2 = GOOD.replace(
        "  public.customer:\n    columns:\n      id: keep\n      email: {transform: email, unique: true}\n      name: {transform: fake, provider: name}\n      phone: null\n",
        "  public.customer: truncate\n",
    )
    with pytest.raises(ConfigError) as info:
        check(rules2)
    assert any(
        "public.customer is truncated but public.orders keeps rows" in d for d in info.value.details
    )


def test_large_objects_and_inserts_need_a_decision() -> None:
    ddl = DDL + "SELECT pg_catalog.lo_create('123');\nINSERT INTO public.film VALUES (1, 'x');\n"
    with pytest.raises(ConfigError) as info:
        check(GOOD, ddl)
    text = "\n".join(info.value.details)
    assert "large object" in text and "large_objects: keep or large_objects: empty" in text
    assert "INSERT statements" in text and "public.film" in text
    plan = check("large_objects: empty\n" + GOOD, DDL + "SELECT pg_catalog.lo_create('123');\n")
    assert plan.large_objects == "empty"
