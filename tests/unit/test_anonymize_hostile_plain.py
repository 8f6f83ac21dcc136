"""Hostile plain dumps (issue #10): every way psql can start a data block is recognised,
anything else that could be data is an error naming the line, never passed through."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
import zstandard

from dataops.anonymize.engines.plain import anonymize_plain, scan
from dataops.anonymize.plan import Plan
from dataops.anonymize.rules import parse_rules
from dataops.anonymize.run import AnonymizeOptions, anonymize
from dataops.config.settings import Settings
from dataops.errors import ConfigError

SECRET_VALUES = (b"alice@real-customer.com", b"bob@real-customer.com")

# the issue's reproduction: a newline inside a quoted identifier puts the COPY header
# of the kept table on two lines
ISSUE_DUMP = (
    b"SET standard_conforming_strings = on;\n\n"
    b'CREATE TABLE public."a\nb" (\n    id integer\n);\n\n'
    b"CREATE TABLE public.customer (\n    id integer NOT NULL,\n    email text NOT NULL\n);\n\n"
    b'COPY public."a\nb" (id) FROM stdin;\n1\n\\.\n\n\n'
    b"COPY public.customer (id, email) FROM stdin;\n"
    b"1\talice@real-customer.com\n2\tbob@real-customer.com\n\\.\n\n"
)
ISSUE_RULES = """\
version: 1
secret: "0123456789abcdef"
tables:
  "public.\\"a\\nb\\"": keep
  public.customer:
    columns:
      id: keep
      email: {transform: email}
"""

SCHEMA = (
    b"SET standard_conforming_strings = on;\n\n"
    b"CREATE TABLE public.film (\n    id integer\n);\n\n"
    b"CREATE TABLE public.customer (\n    id integer NOT NULL,\n    email text NOT NULL\n);\n\n"
)
FILM = b"COPY public.film (id) FROM stdin;\n1\n\\.\n\n"
ROWS = b"1\talice@real-customer.com\n2\tbob@real-customer.com\n\\.\n"
RULES = """\
version: 1
secret: "0123456789abcdef"
tables:
  public.film: keep
  public.customer:
    columns:
      id: keep
      email: {transform: email}
"""


def _plan(text: str) -> Plan:
    return Plan(parse_rules(text, "rules.yaml", {}))


def run(dump: bytes, rules: str = RULES, *, prescan: bool = True, jobs: int = 1) -> bytes:
    out = io.BytesIO()
    pre = scan(io.BytesIO(dump)) if prescan else None
    anonymize_plain(_plan(rules), io.BytesIO(dump), out, prescan=pre, jobs=jobs)
    return out.getvalue()


def assert_masked(out: bytes) -> None:
    for value in SECRET_VALUES:
        assert value not in out
    assert b"@example.com" in out


@pytest.mark.parametrize("prescan", [True, False])
def test_two_line_copy_header_from_the_issue_is_recognised(prescan: bool) -> None:
    out = run(ISSUE_DUMP, ISSUE_RULES, prescan=prescan)
    assert_masked(out)
    assert b'COPY public."a\nb" (id) FROM stdin;\n1\n\\.\n' in out  # the kept table as is


def test_two_line_copy_header_through_the_action(tmp_path: Path) -> None:
    src = tmp_path / "dump.sql"
    src.write_bytes(ISSUE_DUMP)
    (tmp_path / "rules.yaml").write_text(ISSUE_RULES)
    target = tmp_path / "out.sql"
    report = anonymize(
        Settings(),
        AnonymizeOptions(config=tmp_path / "rules.yaml", input=str(src), output=str(target)),
    )
    assert_masked(target.read_bytes())
    assert {t.table: t.rows for t in report.tables}["public.customer"] == 2


@pytest.mark.parametrize(
    "header",
    [
        b"copy public.customer (id, email) from stdin;\n",  # lowercase
        b"   COPY public.customer (id, email) FROM stdin;\n",  # indented
        b"\tCopy public . customer ( id , email ) From STDIN ;\n",  # spaced, mixed case
        b"COPY public.customer\n  (id,\n   email)\nFROM stdin;\n",  # over several lines
        b"/* c */ COPY -- x\n public.customer (id, email) FROM stdin;\n",  # comments
        b'COPY "public"."customer" ("id", "email") FROM stdin;\n',  # quoted
        b"SET x = 1; COPY public.customer (id, email) FROM stdin;\n",  # two statements
        b"\\copy public.customer (id, email) from stdin\n",  # psql's \copy
        b"  \\copy public.customer (id, email) from pstdin;\n",  # indented, pstdin
        b"SET search_path = public, pg_catalog;\nCOPY customer (id, email) FROM stdin;\n",
    ],
)
@pytest.mark.parametrize("prescan", [True, False])
def test_every_form_of_copy_header_is_transformed(header: bytes, prescan: bool) -> None:
    out = run(SCHEMA + FILM + header + ROWS, prescan=prescan)
    assert_masked(out)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            b"COPY public.customer (id, email) FROM stdin WITH (FORMAT csv);\n",
            "line 16: unsupported COPY",
        ),
        (b"COPY public.customer (id, email) FROM stdin CSV;\n", "line 16: unsupported COPY"),
        (b"COPY public.customer (id, email) FROM stdin; SELECT 1;\n", "line 16: text after COPY"),
        (b"COPY public.customer (id, email) FROM stdin \\g\n", "line 16: a backslash"),
        (b"COPY public.customer (id, email) FROM stdin\n\\g\n", "line 17: a backslash"),
        (b"\\g\n", "line 16: psql meta-command \\\\g"),
        (b"\\set c 'COPY public.customer FROM stdin'\n:c;\n", "line 16: psql meta-command \\\\set"),
        (b"\\connect db \\\\ COPY public.customer FROM stdin;\n", "line 16: a second backslash"),
        (b"\\copy public.customer (id, email) from stdin csv\n", "line 16: \\\\copy: unsupported"),
        (b"COPY customer (id, email) FROM stdin;\n", None),  # search_path '' below
    ],
)
def test_unrecognisable_data_starts_are_errors_naming_the_line(
    text: bytes, message: str | None
) -> None:
    dump = SCHEMA + FILM + text + ROWS
    if message is None:
        dump = b"SELECT pg_catalog.set_config('search_path', '', false);\n" + dump
        message = "line 17: COPY of an unqualified table"
    for prescan in (True, False):
        out = io.BytesIO()
        with pytest.raises(ConfigError, match=message):
            pre = scan(io.BytesIO(dump)) if prescan else None
            anonymize_plain(_plan(RULES), io.BytesIO(dump), out, prescan=pre)
        for value in SECRET_VALUES:
            assert value not in out.getvalue()


def test_end_of_data_line_outside_a_block_is_an_error() -> None:
    with pytest.raises(ConfigError, match=r"line 16: an end-of-data line \(\\\.\) outside"):
        run(SCHEMA + FILM + b"\\.\n", prescan=False)
    dump = SCHEMA + FILM + b"1\talice@real-customer.com\n\\.\n"
    with pytest.raises(ConfigError, match=r"line 17: a backslash outside quotes"):
        run(dump, prescan=False)


def test_crlf_end_of_data_line_is_refused() -> None:
    # psql ends a block at "\.\r\n": what follows is SQL and another table's data
    dump = (
        SCHEMA
        + b"COPY public.film (id) FROM stdin;\r\n1\r\n\\.\r\n"
        + b"COPY public.customer (id, email) FROM stdin;\n"
        + ROWS
    )
    for prescan in (True, False):
        with pytest.raises(ConfigError, match=r"public.film .*CRLF"):
            run(dump, prescan=prescan)


def test_truncated_post_data_is_an_error() -> None:
    dump = SCHEMA + FILM + b"COPY public.customer (id, email) FROM stdin;\n" + ROWS
    cut = dump + b"\nALTER TABLE ONLY public.customer\n    ADD CONSTRAINT customer_pkey PRIMA"
    for prescan in (True, False):
        with pytest.raises(ConfigError, match=r"ends inside a statement that starts at line 21"):
            run(cut, prescan=prescan)
    assert run(dump + b"\n-- a comment at the end") != b""  # a boundary: fine


def test_truncated_zstd_post_data_fails_with_no_output(tmp_path: Path) -> None:
    dump = SCHEMA + FILM + b"COPY public.customer (id, email) FROM stdin;\n" + ROWS
    dump += b"\nALTER TABLE ONLY public.customer ADD CONSTRAINT customer_pkey PRIMARY KEY (id);\n"
    src = tmp_path / "dump.sql.zst"
    src.write_bytes(zstandard.ZstdCompressor().compress(dump[:-20]))
    (tmp_path / "rules.yaml").write_text(RULES)
    target = tmp_path / "out.sql"
    with pytest.raises(ConfigError, match="ends inside a statement"):
        anonymize(
            Settings(),
            AnonymizeOptions(config=tmp_path / "rules.yaml", input=str(src), output=str(target)),
        )
    assert sorted(p.name for p in tmp_path.iterdir()) == ["dump.sql.zst", "rules.yaml"]


def test_conforming_strings_off_backslash_quotes_are_followed() -> None:
    # with standard_conforming_strings off, 'it\'s' is one string: a splitter that does not
    # know would stay inside a string and miss the COPY header
    dump = (
        b"SET standard_conforming_strings = off;\n"
        + SCHEMA.replace(b"SET standard_conforming_strings = on;\n", b"")
        + b"COMMENT ON TABLE public.film IS 'it\\'s';\n"
        + FILM
        + b"COPY public.customer (id, email) FROM stdin;\n"
        + ROWS
    )
    assert_masked(run(dump))
    assert_masked(run(dump, prescan=False))


def test_binary_garbage_is_not_a_postgresql_dump() -> None:
    with pytest.raises(
        ConfigError, match="line 1: binary data; the input is not a PostgreSQL dump"
    ):
        run(b"\x00\x01\x02garbage\xff\n" * 3)
    with pytest.raises(ConfigError, match="bzip2-compressed data; the input is not a PostgreSQL"):
        run(b"BZh91AY&SY" + bytes(range(1, 40)))


def test_role_password_hashes_are_dropped_by_default() -> None:
    dumpall = (
        b"CREATE ROLE app;\n"
        b"ALTER ROLE app WITH NOSUPERUSER INHERIT LOGIN PASSWORD "
        b"'SCRAM-SHA-256$4096:c2FsdA==$c3RvcmVk:c2VydmVy';\n"
        b"CREATE ROLE other WITH LOGIN ENCRYPTED PASSWORD 'md5abcdef0123456789';\n"
        b"ALTER USER third\n    PASSWORD 'plain secret';\n"
        b"CREATE USER MAPPING FOR app SERVER s OPTIONS (user 'u');\n"
    )
    dump = dumpall + SCHEMA + FILM + b"COPY public.customer (id, email) FROM stdin;\n" + ROWS
    for prescan in (True, False):
        out = run(dump, prescan=prescan)
        assert b"SCRAM-SHA-256" not in out and b"md5abcdef" not in out
        assert b"plain secret" not in out
        assert b"ALTER ROLE app WITH NOSUPERUSER INHERIT LOGIN;\n" in out
        assert b"CREATE ROLE other WITH LOGIN;\n" in out
        assert b"ALTER USER third;\n" in out
        assert b"CREATE USER MAPPING FOR app SERVER s OPTIONS (user 'u');\n" in out
    kept = io.BytesIO()
    anonymize_plain(_plan(RULES), io.BytesIO(dump), kept, prescan=None, role_passwords="keep")
    assert b"SCRAM-SHA-256$4096" in kept.getvalue()


def test_transformed_table_with_rows_but_none_transformed_fails() -> None:
    dump = SCHEMA + FILM + b"COPY public.customer (id, email) FROM stdin;\n" + ROWS

    class Lazy:
        """A transformer that drops every row: the run must not report success."""

        rows = 0

        def feed(self, data: bytes) -> bytes:
            return data

        def finish(self) -> bytes:
            return b""

    plan = _plan(RULES)
    plan.transformer = lambda table: Lazy()  # type: ignore[method-assign]
    with pytest.raises(Exception, match=r"2 data lines but 0 rows transformed"):
        anonymize_plain(plan, io.BytesIO(dump), io.BytesIO(), prescan=scan(io.BytesIO(dump)))
