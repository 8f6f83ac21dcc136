"""PostgreSQL COPY text format on bytes: split rows and fields, unescape, escape.

In COPY text format a row is one line ending in ``\\n``; fields are separated by a
raw tab; inside a field a backslash starts an escape (``\\b \\f \\n \\r \\t \\v``,
``\\\\``, octal ``\\NNN``, hex ``\\xHH``, any other ``\\c`` means ``c``) and a field
that is exactly ``\\N`` is NULL.  Because raw tabs and newlines never occur inside
a field, splitting on them is exact, and it works on any bytes (the database may
hold invalid UTF-8 in a SQL_ASCII database).

Values handed to transforms are *unescaped* bytes (``None`` for NULL); their
outputs are re-escaped the way PostgreSQL's own COPY TO writes them.
"""

from __future__ import annotations

import re

NULL = b"\\N"
TERMINATOR = b"\\."

_SIMPLE = {
    ord("b"): b"\x08",
    ord("f"): b"\x0c",
    ord("n"): b"\n",
    ord("r"): b"\r",
    ord("t"): b"\t",
    ord("v"): b"\x0b",
}
_OCTAL = frozenset(b"01234567")
_HEX = frozenset(b"0123456789abcdefABCDEF")

_ESCAPE_MAP = {
    b"\\": b"\\\\",
    b"\x08": b"\\b",
    b"\x0c": b"\\f",
    b"\n": b"\\n",
    b"\r": b"\\r",
    b"\t": b"\\t",
    b"\x0b": b"\\v",
}
_NEEDS_ESCAPE = re.compile(rb"[\\\x08\x0c\n\r\t\x0b]")


def _escape_one(match: re.Match[bytes]) -> bytes:
    return _ESCAPE_MAP[match.group()]


def unescape(field: bytes) -> bytes | None:
    """One COPY text field -> its value (``None`` for ``\\N``)."""
    if b"\\" not in field:
        return field
    if field == NULL:
        return None
    out = bytearray()
    i = 0
    n = len(field)
    while i < n:
        j = field.find(b"\\", i)
        if j < 0:
            out += field[i:]
            break
        out += field[i:j]
        if j + 1 >= n:  # a lone trailing backslash: keep it (COPY would reject it)
            out += b"\\"
            break
        c = field[j + 1]
        simple = _SIMPLE.get(c)
        if simple is not None:
            out += simple
            i = j + 2
        elif c in _OCTAL:
            k = j + 1
            while k < n and k < j + 4 and field[k] in _OCTAL:
                k += 1
            out.append(int(field[j + 1 : k], 8) & 0xFF)
            i = k
        elif c == ord("x") and j + 2 < n and field[j + 2] in _HEX:
            k = j + 2
            while k < n and k < j + 4 and field[k] in _HEX:
                k += 1
            out.append(int(field[j + 2 : k], 16))
            i = k
        else:
            out.append(c)
            i = j + 2
    return bytes(out)


def escape(value: bytes | None) -> bytes:
    """A value -> one COPY text field (``\\N`` for ``None``)."""
    if value is None:
        return NULL
    if _NEEDS_ESCAPE.search(value) is None:
        return value
    return _NEEDS_ESCAPE.sub(_escape_one, value)


def split_fields(row: bytes) -> list[bytes]:
    """One row (without its newline) -> its raw (still escaped) fields."""
    return row.split(b"\t")


def join_fields(fields: list[bytes]) -> bytes:
    return b"\t".join(fields)


def parse_row(row: bytes) -> list[bytes | None]:
    """One row (without its newline) -> unescaped values."""
    return [unescape(f) for f in row.split(b"\t")]


def format_row(values: list[bytes | None]) -> bytes:
    """Values -> one row without its newline."""
    return b"\t".join(escape(v) for v in values)
