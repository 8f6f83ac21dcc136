"""COPY text format codec: adversarial values round-trip; escapes match PostgreSQL's."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from dataops.anonymize.formats import copytext


@given(st.binary(max_size=64))
def test_escape_unescape_round_trip(value: bytes) -> None:
    field = copytext.escape(value)
    assert b"\t" not in field and b"\n" not in field and b"\r" not in field
    assert copytext.unescape(field) == value


@given(st.lists(st.one_of(st.none(), st.binary(max_size=16)), min_size=1, max_size=8))
def test_rows_round_trip(values: list[bytes | None]) -> None:
    row = copytext.format_row(values)
    assert copytext.parse_row(row) == values


def test_null_versus_literal_backslash_n() -> None:
    assert copytext.unescape(b"\\N") is None
    assert copytext.unescape(b"\\\\N") == b"\\N"
    assert copytext.escape(None) == b"\\N"
    assert copytext.escape(b"\\N") == b"\\\\N"


def test_escapes_postgresql_writes_and_reads() -> None:
    assert copytext.unescape(b"a\\tb\\nc\\rd\\be\\ff\\vg\\\\h") == b"a\tb\nc\rd\x08e\x0cf\x0bg\\h"
    assert copytext.escape(b"a\tb\nc\rd\x08e\x0cf\x0bg\\h") == b"a\\tb\\nc\\rd\\be\\ff\\vg\\\\h"
    assert copytext.unescape(b"\\101\\0\\7x") == b"A\x00\x07x"  # octal, 1-3 digits
    assert copytext.unescape(b"\\x41\\x4g") == b"A\x04g"  # hex, 1-2 digits
    assert copytext.unescape(b"\\q\\.") == b"q."  # any other character stands for itself


def test_invalid_utf8_passes_untouched() -> None:
    assert copytext.escape(b"\xff\xfe") == b"\xff\xfe"
    assert copytext.unescape(b"\xff\\t\xfe") == b"\xff\t\xfe"
