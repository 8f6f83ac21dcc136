"""The SQL lexer and statement splitter on pg_dump's tricky constructs."""

from __future__ import annotations

from dataops.anonymize.formats.sqlscan import StatementSplitter, split_statements, tokenize


def test_dollar_quoted_body_hides_copy_and_semicolons() -> None:
    script = (
        "CREATE FUNCTION f() RETURNS text LANGUAGE plpgsql AS $$\n"
        "BEGIN\n  RETURN 'COPY public.t (a) FROM stdin;\n\\.\n';\nEND $$;\n"
        "CREATE FUNCTION g() RETURNS text AS $body$ SELECT 'x;y' $body$;\n"
    )
    statements = split_statements(script)
    assert len(statements) == 2
    assert "COPY public.t" in statements[0]


def test_splitter_tracks_state_across_lines() -> None:
    splitter = StatementSplitter()
    assert splitter.at_statement_start
    assert list(splitter.feed("-- a comment; not a statement\n")) == []
    assert splitter.at_statement_start
    assert list(splitter.feed("SELECT 'a;\n")) == []
    assert not splitter.at_statement_start
    assert list(splitter.feed("b' /* c; */, E'it\\'s;';\n")) == [
        "SELECT 'a;\nb' /* c; */, E'it\\'s;';"
    ]
    assert splitter.at_statement_start
    list(splitter.feed("/* open\n"))
    assert not splitter.at_statement_start
    list(splitter.feed("still; comment */\n"))
    assert splitter.at_statement_start


def test_tokens_fold_plain_identifiers_and_keep_quoted_ones() -> None:
    toks = tokenize('ALTER TABLE ONLY "Audit Trail"."Event ""Log""" ADD x')
    assert [t.text for t in toks] == [
        "alter",
        "table",
        "only",
        "Audit Trail",
        ".",
        'Event "Log"',
        "add",
        "x",
    ]
    assert toks[3].kind == "qident"
