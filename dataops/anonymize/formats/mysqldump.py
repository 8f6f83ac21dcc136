"""``mysqldump`` / ``mariadb-dump`` output: the statement stream, INSERT rows, literals, DDL.

Public API (see also docs/anonymize.md):

* :class:`DumpReader` -- ``DumpReader(stream).events()`` cuts a dump (bytes) into
  events whose ``data`` concatenated is the input, byte for byte:

  - :class:`Chunk` -- SQL that is not table data (``kind``: ``"space"`` for whitespace
    and comments, ``"statement"`` for one statement with its delimiter, ``"delimiter"``
    for a client ``DELIMITER`` line), with ``line`` and ``database`` (``USE db`` or the
    dump header's ``Database:``);
  - :class:`InsertStart` -- ``INSERT [IGNORE] INTO `t` [(cols)] VALUES `` / ``REPLACE``
    (``verb``, ``database``, ``table``, ``columns`` or None);
  - :class:`Rows` -- complete rows ``(...)`` of that statement with their ``,``
    separators; :class:`InsertEnd` -- the delimiter closing it.

  The reader follows quotes, backticks, comments, ``/*!NNNNN ...*/`` conditional
  comments (their text is SQL) and ``DELIMITER`` blocks (triggers and routines), so an
  ``INSERT`` inside a trigger body is never taken for data.  A dump that ends inside a
  statement or a row, or an INSERT it cannot read, raises :class:`DumpError` (a
  ConfigError) naming the table and the line.
* :func:`split_row` -- ``b"(1,'a',NULL)"`` -> ``[b"1", b"'a'", b"NULL"]`` (the literals);
  :func:`decode_literal` -- a literal -> its value bytes (None for NULL);
  :func:`quote` / :func:`escape` / :func:`unescape` -- MySQL string escaping as
  ``mysqldump`` writes it (``\\0 \\' \\" \\b \\n \\r \\t \\Z \\\\``; ``\\%`` and ``\\_`` keep
  their backslash, as the server does).
* :func:`parse_create_table` -> :class:`TableDef` (columns with type text, NOT NULL,
  generated; primary key, unique keys, foreign keys); :class:`MySQLCatalog` collects
  them (a :class:`~dataops.anonymize.formats.ddl.Catalog`, so the plan's constraint and
  type checks run unchanged; types through :mod:`dataops.anonymize.mysqltypes`).
* :func:`scan` -- a first pass: the catalog and the :class:`TableData` of every table
  with data; :func:`iter_rows` -- ``(InsertStart, line, [value bytes | None, ...])`` for
  every row, values decoded.
* :func:`looks_like_mysqldump` -- the ``--format auto`` sniffer.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import BinaryIO

from dataops.anonymize.coltypes import UNKNOWN, ColType
from dataops.anonymize.engine_api import TableData
from dataops.anonymize.formats.ddl import (
    Catalog,
    ColumnInfo,
    ForeignKey,
    QName,
    TableInfo,
    UniqueKey,
)
from dataops.anonymize.mysqltypes import parse_mysql_type
from dataops.errors import ConfigError

BLOCK = 1 << 20
MAX_PENDING = 64 << 20  # a row (or statement) longer than this is refused


class DumpError(ConfigError):
    """The dump cannot be read (truncated, malformed): exit 2, named by table and line."""


# ------------------------------------------------------------------ literals
_IDENT = rb"`(?:[^`]|``)+`|[A-Za-z0-9_$]+"
_STR1 = rb"'(?:[^'\\]++|\\[\s\S])*+'"
_STR2 = rb"\"(?:[^\"\\]++|\\[\s\S])*+\""
# one value: an (introduced) string, possibly concatenated ('a' 'b', 'it''s'), or a bare token
VALUE = (
    rb"(?:(?:_[A-Za-z0-9]+[ \t]*|[bBxXnN](?='))?(?:" + _STR1 + rb"|" + _STR2 + rb")"
    rb"(?:[ \t]*(?:" + _STR1 + rb"|" + _STR2 + rb"))*+"
    rb"|[^,'\"()\s]++)"
)
ROW = rb"\((?:[^'\"()]++|" + _STR1 + rb"|" + _STR2 + rb")*+\)"
_ROW_RE = re.compile(ROW)
ROW_RE = _ROW_RE  # one row "(...)" (strings skipped)
_ROWS_RE = re.compile(rb"(?:" + ROW + rb"\s*+,\s*+)++")
_VALUES_RE = re.compile(rb"\s*+(" + VALUE + rb")\s*+(,|\))")

_UNESCAPES = {
    ord("0"): b"\0",
    ord("'"): b"'",
    ord('"'): b'"',
    ord("b"): b"\b",
    ord("n"): b"\n",
    ord("r"): b"\r",
    ord("t"): b"\t",
    ord("Z"): b"\x1a",
    ord("\\"): b"\\",
    ord("%"): b"\\%",
    ord("_"): b"\\_",
}
_ESCAPE_RE = re.compile(rb"\\([\s\S])")
_NEEDS_ESCAPE = re.compile(b"[\0\n\r\\\\'\"\x1a]")
_ESCAPES = {
    0: b"\\0",
    ord("\n"): b"\\n",
    ord("\r"): b"\\r",
    ord("\\"): b"\\\\",
    ord("'"): b"\\'",
    ord('"'): b'\\"',
    0x1A: b"\\Z",
}
_NUMBER_RE = re.compile(rb"[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?")


def _unescape_one(m: re.Match[bytes]) -> bytes:
    c = m.group(1)[0]
    return _UNESCAPES.get(c, m.group(1))


def unescape(inner: bytes, quote_char: bytes = b"'") -> bytes:
    """The value of a string literal's body (between its quotes) as the server reads it."""
    if b"\\" in inner:
        inner = _ESCAPE_RE.sub(_unescape_one, inner)
    doubled = quote_char * 2
    if doubled in inner:
        inner = inner.replace(doubled, quote_char)
    return inner


def _escape_one(m: re.Match[bytes]) -> bytes:
    return _ESCAPES[m.group()[0]]


def escape(value: bytes) -> bytes:
    """A string literal's body as ``mysqldump`` writes it (``mysql_real_escape_string``)."""
    if _NEEDS_ESCAPE.search(value) is None:
        return value
    return _NEEDS_ESCAPE.sub(_escape_one, value)


def quote(value: bytes) -> bytes:
    """``value`` as a single-quoted MySQL string literal."""
    return b"'" + escape(value) + b"'"


_STRING_PART = re.compile(rb"'((?:[^'\\]|\\[\s\S]|'')*)'|\"((?:[^\"\\]|\\[\s\S]|\"\")*)\"")


def decode_literal(literal: bytes) -> bytes | None:
    """A value literal of an INSERT -> its bytes (None for NULL).

    Strings (with ``_charset`` introducers, ``N'..'``, adjacent parts), ``0x..`` /
    ``X'..'`` hex and ``b'..'`` bit literals (as big-endian bytes), numbers and other
    bare words (as written).  Raises ValueError for a malformed literal.
    """
    lit = literal.strip()
    if not lit:
        raise ValueError("an empty value")
    if lit.upper() == b"NULL":
        return None
    first = lit[:1]
    if first == b"_" or first in b"'\"" or (lit[1:2] == b"'" and first in b"nNxXbB"):
        quote_at = min(i for i in (lit.find(b"'"), lit.find(b'"')) if i >= 0)
        prefix = lit[:quote_at].strip().lower()
        body = lit[quote_at:]
        parts = []
        end = 0
        for m in _STRING_PART.finditer(body):
            if body[end : m.start()].strip():
                raise ValueError("not a string literal")
            if m.group(1) is not None:
                parts.append(unescape(m.group(1), b"'"))
            else:
                parts.append(unescape(m.group(2), b'"'))
            end = m.end()
        if end != len(body) or not parts:
            raise ValueError("not a string literal")
        value = b"".join(parts)
        if prefix == b"x":
            return bytes.fromhex(value.decode("ascii"))
        if prefix == b"b":
            return _bits(value)
        return value
    if lit[:2] in (b"0x", b"0X"):
        digits = lit[2:].decode("ascii")
        return bytes.fromhex(digits if len(digits) % 2 == 0 else "0" + digits)
    if lit[:2] in (b"0b",):
        return _bits(lit[2:])
    return lit


def _bits(digits: bytes) -> bytes:
    if not digits:
        return b""
    if digits.strip(b"01"):
        raise ValueError("not a bit literal")
    n = int(digits, 2)
    return n.to_bytes((len(digits) + 7) // 8, "big")


def is_number(literal: bytes) -> bool:
    return _NUMBER_RE.fullmatch(literal) is not None


def split_row(row: bytes) -> list[bytes]:
    """``(1, 'a', NULL)`` -> the literals ``[b"1", b"'a'", b"NULL"]``; ValueError if malformed."""
    if not row.startswith(b"("):
        raise ValueError("a row starts with (")
    out: list[bytes] = []
    pos = 1
    end = len(row)
    if row[1:].strip() == b")":
        return out
    while pos < end:
        m = _VALUES_RE.match(row, pos)
        if m is None:
            raise ValueError(f"cannot read value {len(out) + 1} of the row")
        out.append(m.group(1))
        pos = m.end()
        if m.group(2) == b")":
            if row[pos:].strip():
                raise ValueError("text after the row's closing parenthesis")
            return out
    raise ValueError("the row has no closing parenthesis")


# --------------------------------------------------------------- the stream
@dataclass(frozen=True)
class Chunk:
    data: bytes
    line: int
    kind: str  # space | statement | delimiter
    database: str = ""

    @property
    def sql(self) -> str:
        return self.data.decode("utf-8", "surrogateescape")


@dataclass(frozen=True)
class InsertStart:
    data: bytes  # the header as written, up to the first row
    line: int
    verb: str  # INSERT | INSERT IGNORE | REPLACE ...
    database: str
    table: str
    columns: tuple[str, ...] | None  # the statement's column list (--complete-insert)

    @property
    def qualified(self) -> str:
        return f"{self.database}.{self.table}" if self.database else self.table


@dataclass(frozen=True)
class Rows:
    data: bytes  # complete rows with the separators after them
    line: int


@dataclass(frozen=True)
class InsertEnd:
    data: bytes  # whitespace + the delimiter
    line: int


Event = Chunk | InsertStart | Rows | InsertEnd

_LEADING = re.compile(
    rb"(?:[ \t\r\n]++|--(?:[ \t][^\n]*+)?\n|#[^\n]*+\n|/\*(?![!M])(?:[^*]++|\*(?!/))*+\*/)++"
)
_DELIMITER_CMD = re.compile(rb"[ \t]*delimiter[ \t]+(\S+)[^\n]*\n", re.I)
_INSERT_WORD = re.compile(rb"(?:INSERT|REPLACE)\b", re.I)
_HEADER = re.compile(
    rb"(INSERT|REPLACE)((?:\s+(?:LOW_PRIORITY|DELAYED|HIGH_PRIORITY|IGNORE))*)\s+(?:INTO\s+)?"
    rb"(" + _IDENT + rb")(?:\s*\.\s*(" + _IDENT + rb"))?\s*"
    rb"(\(\s*(?:" + _IDENT + rb")(?:\s*,\s*(?:" + _IDENT + rb"))*\s*\))?\s*VALUES?\s*(?=\()",
    re.I,
)
_HEADER_DB = re.compile(rb"^-- Host: [^\n]*?Database: ([^\r\n]+?)[ \t]*\r?$", re.M)
_USE = re.compile(rb"\s*USE\s+(" + _IDENT + rb")\s*;?", re.I)
_STRING_END = {
    b"'": re.compile(rb"(?:[^'\\]++|\\[\s\S]|'')*+'"),
    b'"': re.compile(rb'(?:[^"\\]++|\\[\s\S]|"")*+"'),
    b"`": re.compile(rb"(?:[^`]++|``)*+`"),
}


def unquote_ident(raw: bytes) -> str:
    text = raw.decode("utf-8", "surrogateescape")
    if text.startswith("`") and text.endswith("`") and len(text) >= 2:
        return text[1:-1].replace("``", "`")
    return text


def _ident_list(raw: bytes) -> tuple[str, ...]:
    return tuple(unquote_ident(m.group()) for m in re.finditer(_IDENT, raw.strip()[1:-1]))


class DumpReader:
    """Cuts a mysqldump / mariadb-dump stream into :data:`Event` s (see the module doc)."""

    def __init__(self, source: BinaryIO, *, name: str = "the dump") -> None:
        self.source = source
        self.name = name
        reader = getattr(source, "read1", None)
        self._read = reader if reader is not None else source.read
        self.buf = b""
        self.pos = 0
        self.eof = False
        self.line = 1  # line number at self.pos
        self.consumed = 0  # bytes handed out
        self.delimiter = b";"
        self.database = ""
        self._special = self._special_re(b";")

    # ----------------------------------------------------------- buffer
    def _fill(self) -> bool:
        if self.eof:
            return False
        data = self._read(BLOCK)
        if not data:
            self.eof = True
            return False
        if self.pos > BLOCK:
            self.buf = self.buf[self.pos :] + data
            self.pos = 0
        else:
            self.buf += data
        return True

    def _take(self, end: int) -> bytes:
        data = self.buf[self.pos : end]
        self.line += data.count(b"\n")
        self.consumed += len(data)
        self.pos = end
        return data

    @staticmethod
    def _special_re(delimiter: bytes) -> re.Pattern[bytes]:
        return re.compile(rb"['\"`]|/\*|--(?=[ \t\r\n])|#|" + re.escape(delimiter))

    # ----------------------------------------------------------- events
    def events(self) -> Iterator[Event]:
        while True:
            if not self._ensure_line():
                return
            lead = _LEADING.match(self.buf, self.pos)
            if lead is not None:
                if lead.end() == len(self.buf) and not self.eof:
                    self._fill()
                    continue
                line = self.line
                data = self._take(lead.end())
                if not self.database:
                    m = _HEADER_DB.search(data)
                    if m is not None:
                        self.database = unquote_ident(m.group(1).strip())
                yield Chunk(data, line, "space", self.database)
                continue
            m = _DELIMITER_CMD.match(self.buf, self.pos)
            if m is not None:
                self.delimiter = m.group(1)
                self._special = self._special_re(self.delimiter)
                line = self.line
                yield Chunk(self._take(m.end()), line, "delimiter", self.database)
                continue
            if _INSERT_WORD.match(self.buf, self.pos):
                yield from self._insert()
                continue
            line = self.line
            end = self._statement_end()
            data = self._take(end)
            use = _USE.match(data)
            if use is not None:
                self.database = unquote_ident(use.group(1))
            elif not self.database and line < 50:
                header = _HEADER_DB.search(data)
                if header is not None:
                    self.database = unquote_ident(header.group(1).strip())
            yield Chunk(data, line, "statement", self.database)

    def _ensure_line(self) -> bool:
        """At least one complete line (or the rest of the input) after pos; False at EOF."""
        while b"\n" not in self.buf[self.pos : self.pos + BLOCK] and not self.eof:
            if len(self.buf) - self.pos > MAX_PENDING:
                break
            self._fill()
        return self.pos < len(self.buf)

    def _statement_end(self) -> int:
        """The end (after the delimiter) of the statement starting at pos."""
        buf_start_line = self.line
        i = self.pos
        while True:
            buf = self.buf
            m = self._special.search(buf, i)
            if m is None or (m.end() >= len(buf) - 1 and not self.eof):
                if len(buf) - self.pos > MAX_PENDING:
                    raise DumpError(
                        f"{self.name}: a statement at line {buf_start_line} is longer than "
                        f"{MAX_PENDING >> 20} MB or never ends"
                    )
                if self._fill():
                    continue
                if m is None:  # end of input inside a statement
                    raise self._truncated(buf_start_line)
            tok = m.group()
            if tok == self.delimiter:
                return m.end()
            if tok in _STRING_END:
                end = _STRING_END[tok].match(buf, m.end())
                if end is None or (end.end() >= len(buf) and not self.eof):
                    if not self._fill():
                        raise self._truncated(buf_start_line)
                    continue  # i unchanged: rescan the string with more data
                i = end.end()
            elif tok == b"/*":
                if buf[m.end() : m.end() + 1] == b"!" or buf[m.end() : m.end() + 2] == b"M!":
                    i = m.end()  # a conditional comment: its text is SQL
                    continue
                close = buf.find(b"*/", m.end())
                if close < 0:
                    if not self._fill():
                        raise self._truncated(buf_start_line)
                    continue
                i = close + 2
            else:  # -- or #: to the end of the line
                nl = buf.find(b"\n", m.end())
                if nl < 0:
                    if not self._fill():
                        return len(self.buf)  # a final comment line without newline
                    continue
                i = nl + 1

    def _truncated(self, line: int) -> DumpError:
        return DumpError(
            f"{self.name}: the dump ends inside the statement at line {line}; it is truncated"
        )

    def _insert(self) -> Iterator[Event]:
        while True:
            m = _HEADER.match(self.buf, self.pos)
            if m is not None or self.eof or len(self.buf) - self.pos > (1 << 16):
                break
            self._fill()
        if m is None:
            raise DumpError(
                f"{self.name}, line {self.line}: an INSERT/REPLACE statement dataops cannot read "
                "(only INSERT|REPLACE [IGNORE] INTO table [(columns)] VALUES (...),(...) as "
                "mysqldump writes them)"
            )
        verb = (m.group(1) + m.group(2)).decode().upper()
        verb = " ".join(verb.split())
        first, second = m.group(3), m.group(4)
        database = unquote_ident(first) if second is not None else self.database
        table = unquote_ident(second if second is not None else first)
        columns = _ident_list(m.group(5)) if m.group(5) else None
        line = self.line
        header = InsertStart(self._take(m.end()), line, verb, database, table, columns)
        yield header
        delim = re.escape(self.delimiter)
        last_re = re.compile(rb"(" + ROW + rb")(\s*+" + delim + rb")")
        while True:
            buf = self.buf
            rows = _ROWS_RE.match(buf, self.pos)
            if rows is not None and (rows.end() < len(buf) or self.eof):
                line = self.line
                yield Rows(self._take(rows.end()), line)
                continue
            last = last_re.match(buf, self.pos)
            if last is not None and (last.end() < len(buf) or self.eof):
                line = self.line
                yield Rows(self._take(last.end(1)), line)
                line = self.line
                yield InsertEnd(self._take(last.end()), line)
                return
            if len(buf) - self.pos > MAX_PENDING:
                raise DumpError(
                    f"{header.qualified}: cannot read the row at line {self.line} of "
                    f"{self.name} (INSERT at line {header.line}): not a row of values"
                )
            if not self._fill():
                rest = self.buf[self.pos :]
                if _ROW_RE.match(rest) is None and rest.strip() and rest.lstrip()[:1] == b"(":
                    why = "the dump ends inside a row: it is truncated"
                elif not rest.strip():
                    why = "the dump ends inside the statement: it is truncated"
                else:
                    why = "not a row of values, or the dump is truncated"
                raise DumpError(
                    f"{header.qualified} (INSERT at line {header.line} of {self.name}), "
                    f"line {self.line}: {why}"
                )


# ------------------------------------------------------------------ the DDL
@dataclass
class ColumnDef:
    name: str
    type: str  # as written (``varchar(20)``, ``int(10) unsigned``...)
    not_null: bool = False
    generated: bool = False
    json: bool = False  # MariaDB's JSON: CHECK (json_valid(col))


@dataclass
class TableDef:
    database: str
    name: str
    columns: list[ColumnDef] = field(default_factory=list)
    primary_key: tuple[str, ...] = ()
    unique_keys: list[tuple[str, tuple[str, ...]]] = field(default_factory=list)  # (name, cols)
    # (name, columns, (database, table), ref columns)
    foreign_keys: list[tuple[str, tuple[str, ...], QName, tuple[str, ...]]] = field(
        default_factory=list
    )
    view_placeholder: bool = False  # /*!50001 CREATE TABLE ...*/ standing in for a view


_TOKEN = re.compile(
    r"`((?:[^`]|``)*)`|'((?:[^'\\]|\\.|'')*)'|\"((?:[^\"\\]|\\.)*)\"|([A-Za-z0-9_$]+)|(\S)",
    re.S,
)


@dataclass(frozen=True)
class _Tok:
    kind: str  # ident | qident | str | word | op
    text: str
    start: int
    end: int

    def word(self, *words: str) -> bool:
        return self.kind == "word" and self.text.lower() in words


def _tokens(sql: str) -> list[_Tok]:
    out = []
    for m in _TOKEN.finditer(sql):
        if m.group(1) is not None:
            out.append(_Tok("qident", m.group(1).replace("``", "`"), m.start(), m.end()))
        elif m.group(2) is not None:
            out.append(_Tok("str", m.group(2), m.start(), m.end()))
        elif m.group(3) is not None:
            out.append(_Tok("str", m.group(3), m.start(), m.end()))
        elif m.group(4) is not None:
            out.append(_Tok("word", m.group(4), m.start(), m.end()))
        else:
            out.append(_Tok("op", m.group(5), m.start(), m.end()))
    return out


_CONDITIONAL = re.compile(r"/\*M?!\d*\s?|\*/")
_COMMENTS = re.compile(r"--[ \t][^\n]*|#[^\n]*|/\*(?![!M])[\s\S]*?\*/")
_COLUMN_WORDS = frozenset(
    {
        "not",
        "null",
        "default",
        "auto_increment",
        "primary",
        "unique",
        "key",
        "comment",
        "collate",
        "character",
        "charset",
        "generated",
        "as",
        "check",
        "references",
        "on",
        "invisible",
        "visible",
        "column_format",
        "storage",
        "srid",
        "constraint",
        "virtual",
        "stored",
        "persistent",
    }
)


def _split_top(tokens: list[_Tok]) -> list[list[_Tok]]:
    parts: list[list[_Tok]] = [[]]
    depth = 0
    for tok in tokens:
        if tok.kind == "op" and tok.text == "(":
            depth += 1
        elif tok.kind == "op" and tok.text == ")":
            depth -= 1
        if depth == 0 and tok.kind == "op" and tok.text == ",":
            parts.append([])
        else:
            parts[-1].append(tok)
    return [p for p in parts if p]


def _group(tokens: list[_Tok], i: int) -> tuple[list[_Tok], int]:
    """Tokens inside the parenthesised group starting at ``tokens[i]`` and the index after it."""
    if i >= len(tokens) or tokens[i].text != "(" or tokens[i].kind != "op":
        return [], i
    depth = 0
    for j in range(i, len(tokens)):
        tok = tokens[j]
        if tok.kind == "op" and tok.text == "(":
            depth += 1
        elif tok.kind == "op" and tok.text == ")":
            depth -= 1
            if depth == 0:
                return tokens[i + 1 : j], j + 1
    return tokens[i + 1 :], len(tokens)


def _names(inner: list[_Tok]) -> tuple[str, ...]:
    """``(`a`(10), `b` DESC)`` -> ("a", "b")."""
    out = []
    for part in _split_top(inner):
        if part[0].kind in ("qident", "word"):
            out.append(part[0].text)
    return tuple(out)


def _qname(tokens: list[_Tok], i: int, database: str) -> tuple[QName | None, int]:
    if i >= len(tokens) or tokens[i].kind not in ("qident", "word"):
        return None, i
    first = tokens[i].text
    if (
        i + 2 < len(tokens)
        and tokens[i + 1].text == "."
        and tokens[i + 2].kind in ("qident", "word")
    ):
        return (first, tokens[i + 2].text), i + 3
    return (database, first), i + 1


def strip_conditional(sql: str) -> tuple[str, bool]:
    """The SQL of a statement with ``/*!NNNNN`` ... ``*/`` markers and comments removed."""
    stripped = _COMMENTS.sub(" ", sql)
    conditional = bool(re.match(r"\s*/\*M?!", stripped))
    return _CONDITIONAL.sub(" ", stripped), conditional


def parse_create_table(sql: str, database: str = "") -> TableDef | None:
    """A ``CREATE TABLE`` statement (as ``SHOW CREATE TABLE`` / mysqldump write it) -> TableDef."""
    text, conditional = strip_conditional(sql)
    toks = _tokens(text)
    i = 0
    if not (len(toks) > 2 and toks[0].word("create")):
        return None
    i = 1
    while i < len(toks) and toks[i].word("temporary", "or", "replace"):
        i += 1
    if not (i < len(toks) and toks[i].word("table")):
        return None
    i += 1
    if i + 2 < len(toks) and toks[i].word("if") and toks[i + 1].word("not"):
        i += 3
    name, i = _qname(toks, i, database)
    if name is None:
        return None
    table = TableDef(name[0], name[1], view_placeholder=conditional)
    inner, i = _group(toks, i)
    for element in _split_top(inner):
        _element(table, element, text)
    return table


def _element(table: TableDef, toks: list[_Tok], text: str) -> None:
    first = toks[0]
    if first.kind == "word" and first.text.lower() in (
        "primary",
        "unique",
        "key",
        "index",
        "fulltext",
        "spatial",
        "constraint",
        "foreign",
        "check",
        "period",
        "system",
    ):
        _table_constraint(table, toks)
        return
    col = ColumnDef(first.text, "")
    j = 1
    depth = 0
    while j < len(toks):
        tok = toks[j]
        if tok.kind == "op" and tok.text == "(":
            depth += 1
        elif tok.kind == "op" and tok.text == ")":
            depth -= 1
        elif depth == 0 and tok.kind == "word" and tok.text.lower() in _COLUMN_WORDS:
            break
        j += 1
    if j > 1:
        col.type = text[toks[1].start : toks[j - 1].end]
    while j < len(toks):
        tok = toks[j]
        if tok.word("not") and j + 1 < len(toks) and toks[j + 1].word("null"):
            col.not_null = True
            j += 2
            continue
        if tok.word("primary"):
            col.not_null = True
            table.primary_key = (col.name,)
        elif tok.word("unique"):
            table.unique_keys.append((col.name, (col.name,)))
        elif tok.word("as") and j + 1 < len(toks) and toks[j + 1].text == "(":
            col.generated = True
            _, j = _group(toks, j + 1)
            continue
        elif tok.word("check"):
            inner, j = _group(toks, j + 1)
            words = [t.text.lower() for t in inner if t.kind == "word"]
            if "json_valid" in words:
                col.json = True
            continue
        elif tok.word("references"):
            ref, j = _qname(toks, j + 1, table.database)
            cols, j = _group(toks, j)
            if ref is not None:
                name = f"{table.name}_{col.name}_fk"
                table.foreign_keys.append((name, (col.name,), ref, _names(cols) or (col.name,)))
            continue
        elif tok.kind == "op" and tok.text == "(":
            _, j = _group(toks, j)
            continue
        j += 1
    table.columns.append(col)


def _table_constraint(table: TableDef, toks: list[_Tok]) -> None:
    i = 0
    name = ""
    if toks[0].word("constraint"):
        i = 1
        if (
            i < len(toks)
            and toks[i].kind in ("qident", "word")
            and not toks[i].word("primary", "unique", "foreign", "check")
        ):
            name = toks[i].text
            i += 1
    if i >= len(toks):
        return
    tok = toks[i]
    if tok.word("primary"):
        i += 1
        while i < len(toks) and toks[i].text != "(":
            i += 1
        inner, _ = _group(toks, i)
        table.primary_key = _names(inner)
        for col in table.columns:
            if col.name in table.primary_key:
                col.not_null = True
    elif tok.word("unique"):
        i += 1
        key_name = name
        while i < len(toks) and toks[i].text != "(":
            if toks[i].kind in ("qident",) or (
                toks[i].kind == "word"
                and not toks[i].word("key", "index", "using", "btree", "hash")
            ):
                key_name = key_name or toks[i].text
            i += 1
        inner, _ = _group(toks, i)
        cols = _names(inner)
        if cols:
            table.unique_keys.append((key_name, cols))
    elif tok.word("foreign"):
        i += 1
        while i < len(toks) and toks[i].text != "(":
            i += 1
        inner, i = _group(toks, i)
        cols = _names(inner)
        if i < len(toks) and toks[i].word("references"):
            ref, i = _qname(toks, i + 1, table.database)
            ref_inner, i = _group(toks, i)
            if ref is not None and cols:
                table.foreign_keys.append((name, cols, ref, _names(ref_inner) or cols))
    elif tok.word("check"):
        inner, _ = _group(toks, i + 1)
        words = [t for t in inner if t.kind in ("word", "qident")]
        if len(words) == 2 and words[0].text.lower() == "json_valid":
            for col in table.columns:
                if col.name == words[1].text:
                    col.json = True


class MySQLCatalog(Catalog):
    """A :class:`Catalog` of MySQL tables (schema = database); types via mysqltypes."""

    dialect = "mysql"

    def __init__(self) -> None:
        super().__init__()
        self.database = ""  # USE db (add_sql) or the dump header's
        self.views: set[QName] = set()
        self.defs: dict[QName, TableDef] = {}

    def add_sql(self, sql: str, location: str = "") -> None:
        use = _USE.match(sql.encode("utf-8", "surrogateescape"))
        if use is not None:
            self.database = unquote_ident(use.group(1))
            return
        self.add_statement(sql, self.database, location)

    def add_statement(self, sql: str, database: str, location: str = "") -> None:
        """Record a CREATE TABLE / CREATE VIEW of ``database``; other statements are ignored."""
        text, _ = strip_conditional(sql)
        head = text.lstrip()[:200].lower()
        if re.match(
            r"create\s+(?:or\s+replace\s+)?(?:algorithm\s*=\s*\w+\s+)?", head
        ) and re.search(r"\bview\b", head.split("(")[0]):
            m = re.search(
                r"\bview\s+(`(?:[^`]|``)+`|\w+)(?:\s*\.\s*(`(?:[^`]|``)+`|\w+))?", text, re.I
            )
            if m is not None:
                first = unquote_ident(m.group(1).encode())
                qn = (
                    (first, unquote_ident(m.group(2).encode())) if m.group(2) else (database, first)
                )
                self.views.add(qn)
                self.tables.pop(qn, None)
            return
        if not re.match(r"\s*create\s+(?:temporary\s+)?table\b", text, re.I):
            return
        table = parse_create_table(sql, database)
        if table is None:
            return
        self.add_table(table, location)

    def add_table(self, table: TableDef, location: str = "") -> None:
        qname = (table.database, table.name)
        if table.view_placeholder:
            self.views.add(qname)
            return
        self.defs[qname] = table
        info = TableInfo(table.database, table.name, location=location)
        for col in table.columns:
            info.columns[col.name] = ColumnInfo(col.name, col.type, col.not_null, col.generated)
        self.tables[qname] = info
        self.unique_keys = [k for k in self.unique_keys if k.table != qname]
        self.foreign_keys = [k for k in self.foreign_keys if k.table != qname]
        if table.primary_key:
            self.unique_keys.append(UniqueKey(qname, "PRIMARY", "PRIMARY KEY", table.primary_key))
        for name, cols in table.unique_keys:
            self.unique_keys.append(UniqueKey(qname, name, "UNIQUE", cols))
        for name, cols, ref, ref_cols in table.foreign_keys:
            self.foreign_keys.append(ForeignKey(qname, name, cols, ref, ref_cols))

    def column_type(self, qname: QName, column: str) -> ColType:
        table = self.defs.get(qname)
        if table is None:
            return UNKNOWN
        for col in table.columns:
            if col.name == column:
                return parse_mysql_type(col.type, json_check=col.json) if col.type else UNKNOWN
        return UNKNOWN

    def is_not_null(self, qname: QName, column: str) -> bool:
        col = self.column(qname, column)
        return col is not None and col.not_null

    def insert_columns(self, start: InsertStart) -> tuple[str, ...] | None:
        """The columns an INSERT's values are for: its list, or every column of the DDL."""
        if start.columns is not None:
            return start.columns
        table = self.defs.get((start.database, start.table))
        if table is None:
            return None
        return tuple(c.name for c in table.columns)


def table_data(catalog: MySQLCatalog, start: InsertStart) -> TableData:
    """The :class:`TableData` of an INSERT: the columns its values are for (its list or
    the DDL's), generated columns left out (their values are recomputed on restore);
    () when unknown (no column list and no CREATE TABLE)."""
    columns = catalog.insert_columns(start) or ()
    table = catalog.defs.get((start.database, start.table))
    if table is not None:
        generated = {c.name for c in table.columns if c.generated}
        columns = tuple(c for c in columns if c not in generated)
    return MyTableData(start.database, start.table, columns, f"line {start.line}")


def generated_positions(catalog: MySQLCatalog, start: InsertStart) -> tuple[int, ...]:
    """Positions of generated columns among an INSERT's values (mariadb-dump writes their
    computed values when it writes no column list)."""
    columns = catalog.insert_columns(start) or ()
    table = catalog.defs.get((start.database, start.table))
    if table is None:
        return ()
    generated = {c.name for c in table.columns if c.generated}
    return tuple(i for i, c in enumerate(columns) if c in generated)


@dataclass(frozen=True)
class MyTableData(TableData):
    """A MySQL table: ``db.table``, or ``table`` when the dump names no database."""

    @property
    def qualified(self) -> str:
        return f"{self.schema}.{self.table}" if self.schema else self.table


def data_tables(catalog: MySQLCatalog) -> list[TableData]:
    """Every table of the DDL (views left out) with its non-generated columns."""
    out: list[TableData] = []
    for info in catalog.tables.values():
        cols = tuple(c.name for c in catalog.all_columns(info.qname) if not c.generated)
        out.append(MyTableData(info.schema, info.name, cols, info.location))
    return out


@dataclass
class Scan:
    catalog: MySQLCatalog
    tables: list[TableData]  # every table (DDL and INSERTs), first occurrence


def scan(source: BinaryIO, name: str = "the dump") -> Scan:
    """First pass: the catalog and every table with data (rows are delimited, not split)."""
    catalog = MySQLCatalog()
    inserts: dict[QName, TableData] = {}
    reader = DumpReader(source, name=name)
    for event in reader.events():
        if isinstance(event, Chunk):
            if event.kind == "statement":
                catalog.add_statement(event.sql, event.database, f"line {event.line}")
        elif isinstance(event, InsertStart):
            key = (event.database, event.table)
            if key not in inserts:
                inserts[key] = table_data(catalog, event)
    catalog.database = reader.database
    tables = {(t.schema, t.table): t for t in data_tables(catalog)}
    for key, td in inserts.items():
        if key not in tables:
            tables[key] = td
    return Scan(catalog, list(tables.values()))


def iter_rows(
    source: BinaryIO, name: str = "the dump"
) -> Iterator[tuple[InsertStart, int, list[bytes | None]]]:
    """Every row of every INSERT: (its statement, its line, its decoded values)."""
    reader = DumpReader(source, name=name)
    start: InsertStart | None = None
    for event in reader.events():
        if isinstance(event, InsertStart):
            start = event
        elif isinstance(event, Rows):
            assert start is not None
            line = event.line
            for m in _ROW_RE.finditer(event.data):
                literals = split_row(m.group())
                row_line = line + event.data.count(b"\n", 0, m.start())
                yield start, row_line, [decode_literal(v) for v in literals]


def looks_like_mysqldump(head: bytes) -> bool:
    """True for the start of a mysqldump / mariadb-dump output (or a MySQL-flavoured script)."""
    text = head[:8192]
    if re.search(rb"^-- (?:MySQL|MariaDB) dump \d", text, re.M):
        return True
    if text.startswith(b"/*M!999999"):
        return True
    markers = (
        rb"/\*!40101 SET",
        rb"/\*!40014 SET",
        rb"/\*!40103 SET",
        rb"^LOCK TABLES `",
        rb"^CREATE TABLE `",
        rb"^INSERT INTO `",
    )
    return any(re.search(m, text, re.M) for m in markers)
