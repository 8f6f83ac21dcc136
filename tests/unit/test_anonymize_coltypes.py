"""Column types, PostgreSQL's input model, domain CHECKs, arrays and the keyed permutation."""

from __future__ import annotations

import ipaddress
import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dataops.anonymize import arrays
from dataops.anonymize.checkexpr import CannotEvaluate, check_expression
from dataops.anonymize.coltypes import parse_type
from dataops.anonymize.engine_api import TableData
from dataops.anonymize.formats import copytext
from dataops.anonymize.formats.ddl import Catalog
from dataops.anonymize.fpe import Permutation
from dataops.anonymize.plan import Plan
from dataops.anonymize.rules import parse_rules
from dataops.anonymize.typeinput import accepts
from dataops.errors import ConfigError


@pytest.mark.parametrize(
    ("text", "name", "mods", "dims", "length"),
    [
        ("integer", "integer", (), 0, None),
        ("int4", "integer", (), 0, None),
        ("character varying(8)", "varchar", (8,), 0, 8),
        ("varchar", "varchar", (), 0, None),
        ("character(4)", "char", (4,), 0, 4),
        ("character", "char", (), 0, 1),
        ("numeric(10, 2)", "numeric", (10, 2), 0, None),
        ("timestamp(3) with time zone", "timestamptz", (), 0, None),
        ("timestamp without time zone", "timestamp", (), 0, None),
        ("text[]", "text", (), 1, None),
        ("integer[][]", "integer", (), 2, None),
        ("character varying(10)[]", "varchar", (10,), 1, 10),
        ("pg_catalog.int8", "bigint", (), 0, None),
        ("double precision", "double precision", (), 0, None),
        ("tsvector", "tsvector", (), 0, None),
    ],
)
def test_parse_type(
    text: str, name: str, mods: tuple[int, ...], dims: int, length: int | None
) -> None:
    col = parse_type(text)
    assert (col.name, col.mods, col.array_dims, col.length) == (name, mods, dims, length)


def test_enums_domains_and_partitions_from_the_ddl() -> None:
    cat = Catalog()
    cat.add_sql(
        """
        CREATE TYPE public.mood AS ENUM ('sad', 'ok');
        ALTER TYPE public.mood ADD VALUE 'happy';
        CREATE DOMAIN public.posint AS integer CONSTRAINT posint_check CHECK ((VALUE > 0));
        CREATE DOMAIN public.small AS public.posint CHECK (VALUE < 100);
        ALTER DOMAIN public.small ADD CONSTRAINT odd CHECK (((VALUE % 2) = 1)) NOT VALID;
        CREATE TABLE public.t (m public.mood, s public.small, ms public.mood[]);
        CREATE TABLE public.p (id int, v varchar(5)) PARTITION BY RANGE (id);
        CREATE TABLE public.p1 PARTITION OF public.p FOR VALUES FROM (1) TO (10);
        """
    )
    m = cat.column_type(("public", "t"), "m")
    assert m.category == "enum" and m.labels == ("sad", "ok", "happy")
    s = cat.column_type(("public", "t"), "s")
    assert s.name == "integer" and s.domain == "public.small"
    assert [c.expression for c in s.checks] == [
        "VALUE < 100",
        "((VALUE % 2) = 1)",
        "(VALUE > 0)",
    ]
    assert "a domain over integer" in s.describe()
    assert cat.column_type(("public", "t"), "ms").is_array
    assert cat.column_type(("public", "p1"), "v").length == 5  # PARTITION OF: the parent's type
    assert cat.column_type(("public", "t"), "nope").name == "unknown"


@pytest.mark.parametrize(
    ("type_text", "good", "bad"),
    [
        ("integer", ["0", "-2147483648", " 42 "], ["2147483648", "1.5", "x", "0x10"]),
        ("smallint", ["32767"], ["32768"]),
        ("numeric(5,2)", ["999.99", "-1.5", "0.001"], ["1000", "999.999", "abc"]),
        ("double precision", ["1.5", "NaN", "-Infinity", "1e10"], ["x", "1e999"]),
        ("varchar(3)", ["abc", "é☃x"], ["abcd"]),
        ("char(2)", ["ab", "a  "], ["abc"]),
        ("boolean", ["t", "false", "YES", "0"], ["maybe", "2"]),
        ("uuid", ["a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11"], ["a0eebc99", "zz"]),
        ("date", ["2020-02-29", "infinity"], ["2021-02-29", "Kimberly Anderson"]),
        ("timestamp", ["2020-01-01 10:00:00.5"], ["2020-01-01 25:00"]),
        ("timestamptz", ["2020-01-01 10:00:00+02"], ["2020-01-01 10:00 Europe"]),
        ("inet", ["10.0.0.1", "10.1.2.3/24", "::1"], ["10.0.0.256", "x"]),
        ("cidr", ["10.0.0.0/8"], ["10.0.0.1/8"]),
        ("jsonb", ['{"a": [1, null]}', '"x"'], ["{a}", "NaN", '"\\u0000"']),
        ("bytea", ["\\x00ff", "plain", "a\\\\b", "\\001"], ["\\xzz", "a\\b"]),
        ("text", ["anything"], ["nul\x00byte"]),
    ],
)
def test_accepts_models_the_input_functions(
    type_text: str, good: list[str], bad: list[str]
) -> None:
    col = parse_type(type_text)
    for value in good:
        assert accepts(col, value) is None, value
    for value in bad:
        assert accepts(col, value) is not None, value


def test_check_expressions() -> None:
    assert check_expression("((VALUE ~~ '%@%'::text))", "a@b")
    assert not check_expression("((VALUE ~~ '%@%'::text))", "ab")
    assert check_expression("(VALUE > 0)", "5", numeric=True)
    assert not check_expression("(VALUE > 0)", "-5", numeric=True)
    assert check_expression("((VALUE)::text ~ '^[A-Z]{2}-[0-9]+$'::text)", "AB-12")
    assert check_expression(
        "(VALUE = ANY (ARRAY['a'::text, 'b'::text]))", "b"
    ) and not check_expression("(VALUE = ANY (ARRAY['a'::text, 'b'::text]))", "c")
    assert check_expression("((char_length((VALUE)::text) <= 5) AND (VALUE IS NOT NULL))", "abc")
    with pytest.raises(CannotEvaluate):
        check_expression("(length(VALUE) BETWEEN 1 AND 2) OR false", "abc")
    with pytest.raises(CannotEvaluate):
        check_expression("(my_function(VALUE))", "x")
    with pytest.raises(CannotEvaluate):
        check_expression("(VALUE > 'm'::text)", "x")  # depends on the collation


texts = st.text(alphabet=st.sampled_from(list("ab ,{}\"\\'NUL\té")), max_size=6)


@given(st.lists(st.one_of(st.none(), texts), max_size=5))
def test_array_literals_round_trip(items: list[str | None]) -> None:
    literal = arrays.format_nested(items)  # type: ignore[arg-type]
    assert arrays.parse(literal) == items
    assert arrays.format_nested(arrays.parse(literal)) == literal


def test_array_literals_nested_and_decorated() -> None:
    assert arrays.parse_full("[0:1]={{1,2},{NULL,4}}") == ("[0:1]=", [["1", "2"], [None, "4"]])
    assert arrays.parse('{"NULL",null, x }') == ["NULL", None, "x"]
    upper = arrays.element_wise(lambda v: v.upper(), "utf-8")
    assert upper(b'{a,"b c",NULL}') == b'{A,"B C",NULL}'
    for bad in ("x", "{a", '{"a}', "{a}b"):
        with pytest.raises(ValueError):
            arrays.parse(bad)


@pytest.mark.parametrize("n", [1, 2, 3, 10, 26, 100, 257, 1000, 4099])
def test_permutation_is_a_bijection(n: int) -> None:
    perm = Permutation(b"k" * 64, n, b"tweak")
    assert sorted(perm.encrypt(x) for x in range(n)) == list(range(n))
    other = Permutation(b"j" * 64, n, b"tweak")
    if n > 10:
        assert [perm.encrypt(x) for x in range(n)] != [other.encrypt(x) for x in range(n)]


def test_permutation_of_huge_domains() -> None:
    n = 26**120  # a long identifier: round outputs longer than one BLAKE2b block
    perm = Permutation(b"k" * 64, n)
    outs = {perm.encrypt(x) for x in range(200)}
    assert len(outs) == 200 and all(0 <= y < n for y in outs)


# ------------------------------------------------------------ transforms x types
DDL = """
CREATE TABLE public.t (id integer, login varchar(12), n integer, big bigint, code char(6),
  addr inet, net cidr, u uuid, mail varchar(30), tags text[], scores integer[]);
"""


def _plan(columns: str) -> tuple[Plan, TableData]:
    cat = Catalog()
    cat.add_sql(DDL)
    rules = f"version: 1\nsecret: coltypes-secret\nunknown_columns: keep\ntables:\n  public.t:\n    columns:\n{columns}"
    plan = Plan(parse_rules(rules, "r.yaml", {}))
    table = cat.data_tables()[0]
    plan.check(cat, [table])
    return plan, table


def _column(plan: Plan, table: TableData, name: str, values: list[bytes]) -> list[bytes | None]:
    index = table.columns.index(name)
    rows = [
        copytext.format_row([v if i == index else None for i in range(len(table.columns))])
        for v in values
    ]
    out = plan.row_transformer(table).transform_rows(b"\n".join(rows))
    return [copytext.parse_row(line)[index] for line in out.split(b"\n")[:-1]]


def test_tokenize_keeps_length_classes_and_distinctness() -> None:
    plan, table = _plan(
        "      login: {transform: tokenize}\n      n: {transform: tokenize}\n"
        "      big: {transform: tokenize}\n"
    )
    logins = [f"user_{i}.Ab".encode() for i in range(3000)]
    out = _column(plan, table, "login", logins)
    assert len(set(out)) == len(out)
    for before, after in zip(logins, out, strict=True):
        assert after is not None and after != before
        shape = re.sub(rb"[0-9]", b"9", re.sub(rb"[a-z]", b"a", re.sub(rb"[A-Z]", b"A", before)))
        assert (
            re.sub(rb"[0-9]", b"9", re.sub(rb"[a-z]", b"a", re.sub(rb"[A-Z]", b"A", after)))
            == shape
        )
    ints = _column(plan, table, "n", [b"-2147483648", b"0", b"2147483647", b"7"])
    assert all(-(2**31) <= int(v or b"") < 2**31 for v in ints) and len(set(ints)) == 4
    bigs = _column(plan, table, "big", [str(2**63 - 1).encode(), b"1"])
    assert all(-(2**63) <= int(v or b"") < 2**63 for v in bigs)


def test_ip_keeps_family_prefix_and_cidr_host_bits() -> None:
    plan, table = _plan(
        "      addr: {transform: ip, keep_network: true}\n      net: {transform: ip}\n"
    )
    out = _column(plan, table, "addr", [b"10.1.2.3/24", b"192.168.0.1", b"2001:db8::1/64"])
    a, b, c = (v.decode() for v in out if v is not None)
    assert a.startswith("10.1.2.") and a.endswith("/24") and a != "10.1.2.3/24"
    assert "/" not in b and ipaddress.ip_address(b).version == 4 and b != "192.168.0.1"
    assert c.startswith("2001:db8:") and c.endswith("/64")
    nets = _column(plan, table, "net", [b"10.1.0.0/16", b"2001:db8::/32", b"0.0.0.0/0"])
    for v in nets:
        ipaddress.ip_network((v or b"").decode(), strict=True)
    assert nets[2] == b"0.0.0.0/0"


def test_email_fits_varchar_30_unique() -> None:
    plan, table = _plan("      mail: {transform: email, unique: true}\n")
    out = _column(plan, table, "mail", [f"person{i}@corp.example".encode() for i in range(5000)])
    assert len(set(out)) == 5000
    assert all(v is not None and len(v) <= 30 and v.endswith(b"@example.com") for v in out)


def test_hash_adapts_to_integer_and_uuid_columns_and_arrays() -> None:
    plan, table = _plan(
        "      n: {transform: hash}\n      u: {transform: hash}\n"
        "      tags: {transform: hash, length: 6}\n      scores: {transform: tokenize}\n"
    )
    assert all(0 <= int(v or b"") < 2**31 for v in _column(plan, table, "n", [b"1", b"2"]))
    (u,) = _column(plan, table, "u", [b"a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11"])
    assert re.fullmatch(rb"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}", u or b"")
    (tags,) = _column(plan, table, "tags", [b'{alpha,NULL,"b c"}'])
    assert re.fullmatch(rb"\{[0-9a-f]{6},NULL,[0-9a-f]{6}\}", tags or b"")
    (scores,) = _column(plan, table, "scores", [b"{1,NULL,3}"])
    assert re.fullmatch(rb"\{-?\d+,NULL,-?\d+\}", scores or b"")


def test_mismatches_are_reported_at_once_with_file_and_line() -> None:
    with pytest.raises(ConfigError) as info:
        _plan(
            "      login: {transform: hash, length: 16}\n"
            "      n: {transform: hash, prefix: x}\n"
            "      big: {transform: hash, unique: true}\n"
            "      code: {transform: uuid}\n"
            "      addr: {transform: date_shift}\n"
            "      net: {transform: ip, keep_network: true}\n"
            "      u: {transform: tokenize}\n"
            "      mail: {transform: email, domain: keep}\n"
            "      tags: {transform: number_noise}\n"
        )
    details = info.value.details
    assert details == [
        "r.yaml:7: public.t.login: hash produces 16 hex characters; column login is "
        "varchar(12): use length: 12 or less",
        "r.yaml:8: public.t.n: hash with prefix 'x' produces text; column n is integer: "
        "remove the prefix on integer columns",
        "r.yaml:9: public.t.big: hash with unique: true needs 80 bits for an honest collision "
        "bound, and the type's range keeps 63; column big is bigint: use tokenize (a keyed "
        "permutation of the type's range: unique by construction)",
        "r.yaml:10: public.t.code: uuid produces UUIDs (36 characters); column code is "
        "char(6): a UUID needs 36 characters",
        "r.yaml:11: public.t.addr: date_shift produces the input's date or timestamp, shifted; "
        "column addr is inet: date_shift works on date, timestamp and timestamptz columns",
        "r.yaml:12: public.t.net: ip with keep_network: true would keep cidr values (they are "
        "networks) unchanged; column net is cidr: remove keep_network",
        "r.yaml:13: public.t.u: tokenize keeps the shape of text and integers; column u is "
        "uuid: use uuid or hash",
        "r.yaml:14: public.t.mail: email with domain: keep can exceed a length limit (the "
        "domains' lengths are only known in the data); column mail is varchar(30): give a "
        "fixed domain (e.g. domain: example.com)",
        "r.yaml:15: public.t.tags: number_noise produces numbers of the input's shape; column "
        "tags is text[]: number_noise works on integer, numeric, real and double precision "
        "columns",
    ]


@settings(max_examples=50, deadline=None)
@given(
    st.lists(
        st.text(alphabet="aZ9-_. é", min_size=1, max_size=14), min_size=2, max_size=20, unique=True
    )
)
def test_tokenize_is_injective_on_any_text(values: list[str]) -> None:
    plan, table = _plan("      login: {transform: tokenize}\n")
    out = _column(plan, table, "login", [v.encode() for v in values])
    assert len(set(out)) == len(values)
    assert [len((v or b"").decode()) for v in out] == [len(v) for v in values]


def test_single_column_table_checks_are_checked_before_any_output() -> None:
    cat = Catalog()
    cat.add_sql(
        """
        CREATE TABLE public.acct (id integer, login varchar(20), n integer, a int, b int,
          CONSTRAINT login_len CHECK ((char_length((login)::text) >= 5)),
          CONSTRAINT n_pos CHECK ((n > 0)),
          CONSTRAINT a_lt_b CHECK ((a < b)),
          CONSTRAINT weird CHECK ((md5((login)::text) <> ''::text)));
        """
    )
    login = cat.column_type(("public", "acct"), "login")
    assert [c.owner for c in login.checks] == [
        "constraint login_len of public.acct",
        "constraint weird of public.acct",
    ]
    assert login.checks[0].expression == "(char_length((VALUE)::text) >= 5)"
    assert cat.column_type(("public", "acct"), "a").checks == ()  # two columns: not checked
    rules = (
        "version: 1\nsecret: coltypes-secret\ntables:\n  public.acct:\n    columns:\n"
        "      id: keep\n      login: {transform: choice, values: [abc, abcdef]}\n"
        "      n: {transform: constant, value: 0}\n      a: keep\n      b: keep\n"
    )
    plan = Plan(parse_rules(rules, "r.yaml", {}))
    with pytest.raises(ConfigError) as info:
        plan.check(cat, cat.data_tables())
    assert info.value.details == [
        "r.yaml:7: public.acct.login: choice value 'abc' fails CHECK "
        "((char_length((VALUE)::text) >= 5)) of constraint login_len of public.acct "
        "(column login (varchar(20)))",
        "r.yaml:8: public.acct.n: constant value '0' fails CHECK ((VALUE > 0)) of constraint "
        "n_pos of public.acct (column n (integer))",
    ]
    # a CHECK dataops cannot evaluate (md5) is not enforced on table constraints
    fixed = rules.replace("[abc, abcdef]", "[abcdef]").replace("value: 0", "value: 7")
    Plan(parse_rules(fixed, "r.yaml", {})).check(cat, cat.data_tables())


def test_foreign_keys_across_types_an_adaptation_would_break_are_refused() -> None:
    cat = Catalog()
    cat.add_sql(
        """
        CREATE TABLE public.parent (id bigint PRIMARY KEY, code varchar(40) UNIQUE);
        CREATE TABLE public.child (pid integer REFERENCES public.parent(id),
          code text REFERENCES public.parent(code));
        """
    )
    rules = (
        "version: 1\nsecret: coltypes-secret\ntables:\n"
        "  public.parent: {columns: {id: {transform: tokenize}, code: {transform: tokenize}}}\n"
        "  public.child: {columns: {pid: {transform: tokenize}, code: {transform: tokenize}}}\n"
    )
    with pytest.raises(ConfigError) as info:
        Plan(parse_rules(rules, "r.yaml", {})).check(cat, cat.data_tables())
    assert info.value.details == [
        "r.yaml:5: tables.public.child.columns.pid: FOREIGN KEY child_pid_fkey: "
        "public.child.pid (integer) and public.parent.id "
        "(bigint) use the same rule, but tokenize adapts to the column type and would give "
        "different values: give both columns the same type, or keep"
    ]  # the text columns: tokenize keeps the shape whatever the length limit
