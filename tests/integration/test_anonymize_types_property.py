"""Hypothesis over random (column type, transform) pairs, checked by a real PostgreSQL.

For every pair, either validation refuses the rules (ConfigError, before any
output) or every value the transform gives is accepted by PostgreSQL's own input
function for that column type -- an ``INSERT`` into a column of the type (an
assignment, so ``varchar(n)`` limits, enum labels, domain CHECKs... all apply).
"""

from __future__ import annotations

import json
import re
import uuid
from collections.abc import Iterator
from typing import Any

import psycopg
import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from dataops.anonymize import arrays
from dataops.anonymize.checkexpr import CannotEvaluate
from dataops.anonymize.engine_api import TableData
from dataops.anonymize.formats import copytext
from dataops.anonymize.formats.ddl import Catalog
from dataops.anonymize.plan import Plan
from dataops.anonymize.rules import parse_rules
from dataops.anonymize.typeinput import accepts_value, sample_inputs, value_problem
from dataops.errors import ConfigError
from tests.harness.postgres import PgServer

pytestmark = pytest.mark.integration

TYPES_SQL = """
CREATE TYPE public.mood AS ENUM ('sad', 'ok', 'happy');
CREATE DOMAIN public.posint AS integer CHECK (VALUE > 0);
CREATE DOMAIN public.code AS varchar(10) CHECK (VALUE ~ '^[A-Z]{2}-[0-9]+$');
CREATE DOMAIN public.mail AS text CHECK (VALUE LIKE '%@%');
"""
TYPES = [
    "integer",
    "smallint",
    "bigint",
    "numeric(6,2)",
    "numeric(4,0)",
    "double precision",
    "varchar(3)",
    "varchar(8)",
    "varchar(30)",
    "char(2)",
    "char(6)",
    "text",
    "uuid",
    "inet",
    "cidr",
    "date",
    "timestamp",
    "timestamptz",
    "boolean",
    "json",
    "jsonb",
    "bytea",
    "public.mood",
    "public.posint",
    "public.code",
    "public.mail",
    "text[]",
    "integer[]",
    "varchar(4)[]",
    "public.code[]",
    "public.mood[]",
]

scalars = st.one_of(
    st.text(alphabet="abcXY09-@. ", max_size=12),
    st.integers(-(2**40), 2**40),
    st.sampled_from(["sad", "2020-01-01", "true", "10.0.0.1", "{a,b}", "AB-12", "x@y"]),
    st.booleans(),
)
transforms = st.one_of(
    st.builds(
        lambda n, p, u: {"transform": "hash", "length": n, "prefix": p, "unique": u},
        st.integers(4, 40),
        st.sampled_from(["", "h_"]),
        st.booleans(),
    ),
    st.builds(
        lambda d, u: {"transform": "email", "domain": d, "unique": u},
        st.sampled_from(["example.com", "e.io", "keep"]),
        st.booleans(),
    ),
    st.builds(
        lambda p: {"transform": "fake", "provider": p},
        st.sampled_from(
            [
                "name",
                "first_name",
                "word",
                "city",
                "date",
                "pybool",
                "ipv4",
                "ipv6",
                "uuid4",
                "iso8601",
                "random_int",
                "pyfloat",
                "pydecimal",
                "date_time",
                "json",
                "country_code",
            ]
        ),
    ),
    st.builds(
        lambda k, c: {"transform": "mask", "keep_first": k, "char": c},
        st.integers(0, 3),
        st.sampled_from(["*", "#", "0"]),
    ),
    st.builds(lambda v: {"transform": "constant", "value": v}, scalars),
    st.builds(
        lambda v: {"transform": "choice", "values": v}, st.lists(scalars, min_size=1, max_size=3)
    ),
    st.just({"transform": "uuid"}),
    st.builds(
        lambda r: {"transform": "regex_replace", "pattern": "[0-9]", "replacement": r},
        st.sampled_from(["", "#", "long"]),
    ),
    st.builds(lambda d: {"transform": "date_shift", "max_days": d}, st.integers(1, 2000)),
    st.builds(lambda r: {"transform": "number_noise", "ratio": r}, st.sampled_from([0.01, 0.5, 2])),
    st.just({"transform": "tokenize"}),
    st.builds(lambda k: {"transform": "ip", "keep_network": k}, st.booleans()),
    st.just({"transform": "json", "paths": {"$.a": {"transform": "hash", "length": 6}}}),
)


def _slug(type_name: str) -> str:
    return "p_" + re.sub(r"[^a-z0-9]+", "_", type_name.lower().replace("[]", " arr"))


@pytest.fixture(scope="module")
def probe(pg: PgServer) -> Iterator[psycopg.Connection[Any]]:
    name = "probe_" + uuid.uuid4().hex[:8]
    pg.create_database(name)
    conn = pg.connect(name)
    with conn.cursor() as cur:
        cur.execute(TYPES_SQL.encode())
        for type_name in TYPES:
            cur.execute(f"CREATE TABLE {_slug(type_name)} (v {type_name})".encode())
    yield conn
    conn.close()
    pg.drop_database(name)


def _inputs(catalog: Catalog) -> list[bytes | None]:
    col = catalog.column_type(("public", "p"), "v")
    element = col.element()
    values = [v for v in sample_inputs(element) if value_problem(element, v) is None]
    if col.is_array:
        nested = [values[:1] * 2, [None, values[-1]]] if values else []
        return [
            arrays.format_nested([*values, None]).encode(),
            arrays.format_nested(nested).encode(),  # two dimensions
            b"{}",
            None,
        ]
    return [v.encode() for v in values] + [None]


@settings(
    max_examples=150,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(type_name=st.sampled_from(TYPES), spec=transforms)
def test_validation_refuses_or_postgres_accepts(
    probe: psycopg.Connection[Any], type_name: str, spec: dict[str, Any]
) -> None:
    catalog = Catalog()
    catalog.add_sql(TYPES_SQL + f"CREATE TABLE public.p (id integer, v {type_name});")
    rules = (
        "version: 1\nsecret: property-secret\ntables:\n  public.p:\n    columns:\n"
        f"      id: keep\n      v: {json.dumps(spec)}\n"
    )
    table = TableData("public", "p", ("id", "v"))
    try:
        plan = Plan(parse_rules(rules, "r.yaml", {}))
        plan.check(catalog, [table])
    except ConfigError:
        event("refused")
        return  # refused before any output
    event("accepted")
    inputs = _inputs(catalog)
    block = b"\n".join(copytext.format_row([b"1", v]) for v in inputs)
    out = plan.row_transformer(table).transform_rows(block)
    values = [copytext.parse_row(line)[1] for line in out.split(b"\n")[:-1]]
    assert len(values) == len(inputs)
    with probe.cursor() as cur:
        for value in values:
            text = None if value is None else value.decode("utf-8")
            try:
                with probe.transaction(force_rollback=True):
                    cur.execute(f"INSERT INTO {_slug(type_name)} (v) VALUES (%s)".encode(), [text])
            except psycopg.Error as exc:
                pytest.fail(f"{type_name} {spec}: PostgreSQL refused {text!r}: {exc}")


value_texts = st.one_of(
    st.text(alphabet='0123456789-+.:eE TZ/abcdefx{},"\\[]@ NaIfinty', max_size=16),
    st.sampled_from(
        [
            "2020-02-29",
            "2021-02-29",
            "2020-01-01 24:00:00",
            "1e400",
            "-0",
            "+5",
            "10.0.0.1/33",
            "::ffff:1.2.3.4",
            "0x10",
            "1_000",
            " 7 ",
            "{1,NULL}",
            "\\x0g",
            "sad",
            "Sad",
        ]
    ),
)


@settings(
    max_examples=300,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(type_name=st.sampled_from(TYPES), text=value_texts)
def test_the_input_model_never_accepts_what_postgres_refuses(
    probe: psycopg.Connection[Any], type_name: str, text: str
) -> None:
    catalog = Catalog()
    catalog.add_sql(TYPES_SQL + f"CREATE TABLE public.p (v {type_name});")
    col = catalog.column_type(("public", "p"), "v")
    try:
        problem = accepts_value(col, text)
    except CannotEvaluate:  # a CHECK outside the evaluated language: the model declines
        return
    if problem is not None:
        event("model refuses")
        return
    event("model accepts")
    try:
        with probe.transaction(force_rollback=True), probe.cursor() as cur:
            cur.execute(f"INSERT INTO {_slug(type_name)} (v) VALUES (%s)".encode(), [text])
    except psycopg.Error as exc:
        pytest.fail(f"the model accepts {text!r} for {type_name}, PostgreSQL does not: {exc}")
