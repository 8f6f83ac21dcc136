"""The statement splitter and the statement classifiers."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dataops.migrate.splitter import (
    line_col,
    non_transactional_reason,
    split,
    transaction_control,
)


def texts(sql: str, dialect: str = "postgresql") -> list[str]:
    return [s.text for s in split(sql, dialect)]  # type: ignore[arg-type]


def test_simple_statements_and_lines() -> None:
    sql = "CREATE TABLE a (x int);\n\n  INSERT INTO a VALUES (1);\nSELECT 1"
    stmts = split(sql, "postgresql")
    assert [s.text for s in stmts] == [
        "CREATE TABLE a (x int)",
        "INSERT INTO a VALUES (1)",
        "SELECT 1",
    ]
    assert [s.line for s in stmts] == [1, 3, 4]
    assert sql[stmts[1].start :].startswith("INSERT")
    assert stmts[0].words[:3] == ("CREATE", "TABLE", "A")


def test_postgres_quotes_comments_and_dollar_bodies() -> None:
    sql = """
    -- comment; with semicolon
    INSERT INTO t VALUES ('a;b', 'it''s;', E'\\';x', "we;ird");
    /* block; /* nested; */ still comment; */
    CREATE FUNCTION f() RETURNS int AS $$ BEGIN RETURN 1; END; $$ LANGUAGE plpgsql;
    CREATE FUNCTION g() RETURNS int AS $body$ SELECT $$;$$; $body$ LANGUAGE sql;
    SELECT $1, a$b$c FROM x;
    """
    out = texts(sql)
    assert len(out) == 4, out
    assert out[0].startswith("INSERT") and out[0].endswith('"we;ird")')
    assert out[1].endswith("LANGUAGE plpgsql")
    assert "$body$ SELECT $$;$$; $body$" in out[2]
    assert out[3] == "SELECT $1, a$b$c FROM x"


def test_postgres_begin_atomic_and_parentheses() -> None:
    sql = """CREATE FUNCTION c() RETURNS bigint LANGUAGE sql
BEGIN ATOMIC
  SELECT CASE WHEN true THEN 1 ELSE 2 END;
  SELECT count(*) FROM users;
END;
CREATE RULE r AS ON INSERT TO t DO ALSO (INSERT INTO u VALUES (1); INSERT INTO u VALUES (2));
SELECT 1;"""
    out = texts(sql)
    assert len(out) == 3, out
    assert out[0].endswith("END")
    assert out[1].endswith("VALUES (2))")


def test_comment_only_statements_are_dropped() -> None:
    assert texts("-- nothing\n/* here */ ;\n;  ; -- really") == []


def test_unterminated_string_runs_to_end() -> None:
    assert texts("SELECT 'abc; def") == ["SELECT 'abc; def"]


def test_mysql_rules() -> None:
    sql = r"""
    INSERT INTO t VALUES ('it\'s; ok', "dq\";", `odd;name`); # hash; comment
    SELECT 1--1;
    -- real comment;
    CREATE TRIGGER tr BEFORE INSERT ON t FOR EACH ROW
    BEGIN
      IF NEW.x < 0 THEN SET NEW.x = 0; END IF;
      CASE NEW.y WHEN 1 THEN SET NEW.y = 2; ELSE BEGIN END; END CASE;
    END;
    CREATE PROCEDURE p() lbl: BEGIN LOOP LEAVE lbl; END LOOP; END lbl;
    BEGIN NOT ATOMIC SELECT 1; SELECT 2; END;
    CREATE TABLE begin_end (x int);
    """
    out = texts(sql, "mysql")
    assert len(out) == 6, out
    assert out[0].endswith("`odd;name`)")
    assert out[1] == "SELECT 1--1"
    assert out[2].startswith("CREATE TRIGGER") and out[2].endswith("END")
    assert out[3].endswith("END lbl")
    assert out[4].startswith("BEGIN NOT ATOMIC")
    assert out[5] == "CREATE TABLE begin_end (x int)"


def test_sqlite_trigger_and_brackets() -> None:
    sql = """CREATE TABLE [a;b] (x);
CREATE TRIGGER t AFTER INSERT ON x BEGIN
  INSERT INTO y VALUES (CASE WHEN NEW.x THEN 1 END);
  UPDATE z SET n = n + 1;
END;
BEGIN TRANSACTION;
COMMIT;"""
    out = texts(sql, "sqlite")
    assert out == [
        "CREATE TABLE [a;b] (x)",
        out[1],
        "BEGIN TRANSACTION",
        "COMMIT",
    ]
    assert out[1].startswith("CREATE TRIGGER") and out[1].endswith("END")


@pytest.mark.parametrize(
    ("sql", "dialect", "kind"),
    [
        ("BEGIN", "postgresql", "begin"),
        ("START TRANSACTION", "mysql", "begin"),
        ("COMMIT", "postgresql", "commit"),
        ("END", "postgresql", "commit"),
        ("ROLLBACK", "sqlite", "rollback"),
        ("ROLLBACK TO SAVEPOINT a", "postgresql", None),
        ("SAVEPOINT a", "postgresql", None),
        ("BEGIN NOT ATOMIC SELECT 1; END", "mysql", None),
        ("COMMIT PREPARED 'x'", "postgresql", None),
    ],
)
def test_transaction_control(sql: str, dialect: str, kind: str | None) -> None:
    (stmt,) = split(sql, dialect)  # type: ignore[arg-type]
    assert transaction_control(stmt, dialect) == kind  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("sql", "server", "blocked"),
    [
        ("CREATE INDEX CONCURRENTLY i ON t (x)", 150000, True),
        ("create unique index concurrently i on t (x)", 150000, True),
        ("CREATE INDEX i ON t (x)", 150000, False),
        ("DROP INDEX CONCURRENTLY i", 150000, True),
        ("REINDEX TABLE CONCURRENTLY t", 150000, True),
        ("VACUUM ANALYZE t", 150000, True),
        ("ALTER SYSTEM SET work_mem = '8MB'", 150000, True),
        ("CREATE DATABASE x", 150000, True),
        ("ALTER TABLE p DETACH PARTITION c CONCURRENTLY", 150000, True),
        ("ALTER TYPE mood ADD VALUE 'meh'", 110000, True),
        ("ALTER TYPE mood ADD VALUE 'meh'", 120000, False),
        ("SELECT 'CREATE INDEX CONCURRENTLY'", 150000, False),
        ("INSERT INTO t VALUES (1)", 150000, False),
    ],
)
def test_non_transactional_postgres(sql: str, server: int, blocked: bool) -> None:
    (stmt,) = split(sql, "postgresql")
    assert (non_transactional_reason(stmt, "postgresql", server) is not None) is blocked


def test_non_transactional_sqlite() -> None:
    vacuum, pragma, other = split(
        "VACUUM; PRAGMA foreign_keys = OFF; PRAGMA user_version = 3", "sqlite"
    )
    assert non_transactional_reason(vacuum, "sqlite")
    assert non_transactional_reason(pragma, "sqlite")
    assert non_transactional_reason(other, "sqlite") is None


def test_line_col() -> None:
    text = "ab\ncde\nf"
    assert line_col(text, 0) == (1, 1)
    assert line_col(text, 4) == (2, 2)
    assert line_col(text, 7) == (3, 1)


# -- property: statements built from adversarial pieces survive a round trip ----------------------

_PG_PIECES = st.sampled_from(
    [
        "x",
        "'a;b'",
        "'it''s;'",
        "E'\\';'",
        '"q;id"',
        "$$ ; $$",
        "$t$ ;'\" $t$",
        "/* ; */",
        "/* a /* ; */ b */",
        "(1; 2)",
        "$1",
        "a$b",
        "3.5e2",
        "--;\n",
        "'--;'",
        "\n",
    ]
)
_MYSQL_PIECES = st.sampled_from(
    [
        "x",
        "'a;b'",
        "'it\\';'",
        '"d\\";q"',
        "`b;t`",
        "# ;\n",
        "-- ;\n",
        "1--1",
        "/* ; */",
        "(a; b)",
        "\n",
    ]
)


def _statement(pieces: list[str]) -> str:
    return "SELECT " + " ".join(pieces)


@settings(max_examples=200, deadline=None)
@given(st.lists(st.lists(_PG_PIECES, max_size=8), min_size=1, max_size=6))
def test_roundtrip_postgres(parts: list[list[str]]) -> None:
    statements = [_statement(p) for p in parts]
    sql = ";\n".join(statements) + ";"
    out = split(sql, "postgresql")
    assert [s.text for s in out] == [s.rstrip() for s in statements]
    for s in out:
        assert sql[s.start : s.start + len(s.text)] == s.text


@settings(max_examples=200, deadline=None)
@given(st.lists(st.lists(_MYSQL_PIECES, max_size=8), min_size=1, max_size=6))
def test_roundtrip_mysql(parts: list[list[str]]) -> None:
    statements = [_statement(p) for p in parts]
    sql = ";\n".join(statements) + ";"
    assert [s.text for s in split(sql, "mysql")] == [s.rstrip() for s in statements]


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=200), st.sampled_from(["postgresql", "mysql", "sqlite"]))
def test_never_crashes_and_offsets_are_exact(sql: str, dialect: str) -> None:
    for s in split(sql, dialect):  # type: ignore[arg-type]
        assert s.text
        assert sql[s.start : s.start + len(s.text)] == s.text
        assert s.line == sql.count("\n", 0, s.start) + 1
