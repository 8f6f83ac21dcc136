"""MySQL/MariaDB column types -> :class:`~dataops.anonymize.coltypes.ColType`.

The type checks of the plan (:mod:`dataops.anonymize.typecheck`) work on ColTypes
whose names and categories follow PostgreSQL's; this module maps the types of a
``mysqldump`` / ``mariadb-dump`` ``CREATE TABLE`` onto them, conservatively (a
mapping may refuse an output the server would take, never the other way round):

* ``char(n)`` / ``varchar(n)`` -> ``char(n)`` / ``varchar(n)`` (MySQL counts characters);
  ``binary(n)`` / ``varbinary(n)`` -> ``varchar(n)`` (bytes: ASCII outputs fit exactly);
  ``tinytext`` / ``text`` (255 / 65,535 *bytes*) -> ``varchar(63)`` / ``varchar(16383)``
  (four bytes per character in utf8mb4); ``mediumtext`` / ``longtext`` / blobs -> ``text``;
* ``tinyint`` ... ``bigint`` ``[unsigned]`` -> integers with the exact MySQL range
  (``coltypes.MYSQL_INT_RANGES``); ``decimal(p,s)`` -> ``numeric(p,s)`` (``decimal`` alone
  is ``decimal(10,0)``); ``float`` / ``double`` -> ``real`` / ``double precision``;
* ``date`` -> ``date``; ``datetime`` / ``timestamp`` -> ``timestamp``; ``time`` -> ``time``;
* ``enum('a','b')`` -> an enum with those labels; ``set('a','b')`` -> the same (one member
  per value: combinations are refused by the checks, conservatively);
* ``json`` (and MariaDB's ``longtext ... CHECK (json_valid(col))``) -> ``json``;
  ``uuid`` -> ``uuid``; ``inet4`` / ``inet6`` -> ``inet``; anything else keeps its own
  name (category "other": only ``choice`` / ``constant`` / ``fake`` with checked values).
"""

from __future__ import annotations

import re

from dataops.anonymize.coltypes import UNKNOWN, ColType

_WORD = re.compile(r"\s*([A-Za-z_][A-Za-z0-9_]*)")
_ARGS = re.compile(r"\s*\(((?:[^()'\"]|'(?:[^'\\]|\\.|'')*'|\"(?:[^\"\\]|\\.)*\")*)\)", re.S)
_LABEL = re.compile(r"'((?:[^'\\]|\\.|'')*)'", re.S)

_INTS = {
    "tinyint": "tinyint",
    "smallint": "smallint",
    "mediumint": "mediumint",
    "int": "integer",
    "integer": "integer",
    "bigint": "bigint",
    "bool": "tinyint",
    "boolean": "tinyint",
}
_TEXT_BYTES = {"tinytext": 255, "text": 65535, "tinyblob": 255, "blob": 65535}
_UNBOUNDED = frozenset({"mediumtext", "longtext", "mediumblob", "longblob", "long"})
_SAME = {
    "date": "date",
    "datetime": "timestamp",
    "timestamp": "timestamp",
    "time": "time",
    "json": "json",
    "uuid": "uuid",
    "inet4": "inet",
    "inet6": "inet",
    "double": "double precision",
    "real": "double precision",
    "float": "real",
}


def unquote_label(text: str) -> str:
    """The value of a quoted label as ``SHOW CREATE TABLE`` writes it (``''`` and ``\\``)."""
    out = []
    i = 0
    while i < len(text):
        c = text[i]
        if c == "\\" and i + 1 < len(text):
            out.append(_UNESCAPE.get(text[i + 1], text[i + 1]))
            i += 2
            continue
        if c == "'" and text[i + 1 : i + 2] == "'":
            out.append("'")
            i += 2
            continue
        out.append(c)
        i += 1
    return "".join(out)


_UNESCAPE = {"0": "\0", "n": "\n", "r": "\r", "t": "\t", "b": "\b", "Z": "\x1a"}


def parse_mysql_type(text: str, *, json_check: bool = False) -> ColType:
    """The ColType of a MySQL column type text (``varchar(20)``, ``int(10) unsigned``,
    ``enum('a','b')``, ``decimal(8,2)``...); ``json_check``: MariaDB's JSON alias (a
    ``longtext`` with ``CHECK (json_valid(col))``)."""
    source = text.strip()
    m = _WORD.match(source)
    if m is None:
        return UNKNOWN
    word = m.group(1).lower()
    rest = source[m.end() :]
    args = ""
    am = _ARGS.match(rest)
    if am is not None:
        args = am.group(1)
        rest = rest[am.end() :]
    flags = {w.lower() for w in re.findall(r"[A-Za-z_]+", rest)}
    if word == "double" and rest.strip().lower().startswith("precision"):
        word = "double"
    if word == "character" and rest.strip().lower().startswith("varying"):
        word = "varchar"
    numbers = tuple(int(n) for n in re.findall(r"\d+", args)) if word not in ("enum", "set") else ()
    if word in _INTS:
        name = _INTS[word]
        if "unsigned" in flags or "zerofill" in flags:
            name = f"{name} unsigned"
        return ColType(source, name)
    if word in ("decimal", "numeric", "dec", "fixed"):
        p = numbers[0] if numbers else 10
        s = numbers[1] if len(numbers) > 1 else 0
        return ColType(source, "numeric", (p, s))
    if word in ("char", "character", "nchar", "binary"):
        return ColType(source, "char" if word != "binary" else "varchar", (numbers[:1] or (1,)))
    if word in ("varchar", "nvarchar", "varbinary", "varcharacter"):
        return ColType(source, "varchar", numbers[:1])
    if word in _TEXT_BYTES:
        if json_check:
            return ColType(source, "json")
        return ColType(source, "varchar", (_TEXT_BYTES[word] // 4,))
    if word in _UNBOUNDED:
        return ColType(source, "json" if json_check else "text")
    if word in ("enum", "set"):
        labels = tuple(unquote_label(lab) for lab in _LABEL.findall(args))
        return ColType(source, "enum", (), 0, labels)
    if word in _SAME:
        return ColType(source, _SAME[word])
    return ColType(source, word)
