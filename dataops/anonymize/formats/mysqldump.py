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
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import BinaryIO

from dataops.anonymize import speedups
from dataops.anonymize.engine_api import TableData
from dataops.anonymize.formats.ddl import QName
from dataops.anonymize.formats.mysqlddl import (
    IDENT,
    USE,
    ColumnDef,
    MySQLCatalog,
    MyTableData,
    TableDef,
    data_tables,
    parse_create_table,
    strip_conditional,
    unquote_ident,
)
from dataops.errors import ConfigError

__all__ = [
    "ROW_RE",
    "Chunk",
    "ColumnDef",
    "DumpError",
    "DumpReader",
    "InsertEnd",
    "InsertStart",
    "MySQLCatalog",
    "MyTableData",
    "Rows",
    "Scan",
    "TableDef",
    "data_tables",
    "decode_literal",
    "escape",
    "generated_positions",
    "insert_columns",
    "iter_rows",
    "looks_like_mysqldump",
    "parse_create_table",
    "quote",
    "scan",
    "split_row",
    "strip_conditional",
    "table_data",
    "unescape",
    "unquote_ident",
]

BLOCK = 1 << 20
MAX_PENDING = 64 << 20  # a row (or statement) longer than this is refused


class DumpError(ConfigError):
    """The dump cannot be read (truncated, malformed): exit 2, named by table and line."""


# ------------------------------------------------------------------ literals
_IDENT = IDENT
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
    escaped = m.group(1)
    if escaped is None:  # a doubled quote
        return m.group()[:1]
    return _UNESCAPES.get(escaped[0], escaped)


_UNESCAPE_RES = {
    b"'": re.compile(rb"\\([\s\S])|''"),
    b'"': re.compile(rb'\\([\s\S])|""'),
}


def unescape(inner: bytes, quote_char: bytes = b"'") -> bytes:
    """The value of a string literal's body (between its quotes) as the server reads it:
    backslash escapes and doubled quotes, left to right."""
    if b"\\" not in inner and quote_char not in inner:
        return inner
    return _UNESCAPE_RES[quote_char].sub(_unescape_one, inner)


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
    count: int | None = None  # rows in data, when the reader counted them (raw blocks)


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
_USE = USE
_STRING_END = {
    b"'": re.compile(rb"(?:[^'\\]++|\\[\s\S]|'')*+'"),
    b'"': re.compile(rb'(?:[^"\\]++|\\[\s\S]|"")*+"'),
    b"`": re.compile(rb"(?:[^`]++|``)*+`"),
}


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
        # asked at each INSERT: True -> its rows come as one raw block (kept tables, scans)
        self.raw: Callable[[InsertStart], bool] | None = None

    # ----------------------------------------------------------- buffer
    def _fill(self) -> bool:
        if self.eof:
            return False
        data = self._read(BLOCK)
        if not data:
            self.eof = True
            return False
        self.buf += data
        return True

    def _compact(self) -> None:
        """Drop what was handed out (only where no caller holds a position into buf)."""
        if self.pos > BLOCK:
            self.buf = self.buf[self.pos :]
            self.pos = 0

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
            self._compact()
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

    def _raw_end(self) -> tuple[int, int, int | None] | None:
        """Where the rows of the INSERT at pos end (before ``;``) and the statement ends
        (after it), found without splitting rows: a ``);`` candidate (mysqldump ends every
        INSERT so) outside any string, which holds when the single quotes before it are
        balanced once escaped characters are taken out.  None when that cannot be told
        (double quotes in the data): the caller then delimits the rows one by one."""
        start = self.pos
        at = start
        if speedups.enabled():  # exact: strings skipped in C
            while True:
                found, count = speedups.mysql_statement_end(self.buf, start)
                if found >= 0:
                    return found, found + 1, count
                if found == -2 or len(self.buf) - start > MAX_PENDING or not self._fill():
                    return None
        while True:
            buf = self.buf
            cand = buf.find(b");", at)
            if cand < 0 or cand + 2 >= len(buf):
                if len(buf) - start > MAX_PENDING or not self._fill():
                    return None
                continue
            segment = buf[start : cand + 1]
            if b"\\" in segment:  # inside strings: \\ pairs, then one escaped character
                segment = segment.replace(b"\\\\", b"")
            if segment.count(b'"') != segment.count(b'\\"'):
                return None  # double-quoted strings: not told apart this way
            if (segment.count(b"'") - segment.count(b"\\'")) % 2 == 0:
                return cand + 1, cand + 2, None
            at = cand + 2

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
        if self.raw is not None and self.delimiter == b";" and self.raw(header):
            end = self._raw_end()
            if end is not None:
                body_line = self.line
                body = self._take(end[0])
                yield Rows(body, body_line, end[2])
                end_line = self.line
                yield InsertEnd(self._take(end[1]), end_line)
                return
        delim = re.escape(self.delimiter)
        last_re = re.compile(rb"(" + ROW + rb")(\s*+" + delim + rb")")
        while True:
            self._compact()
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


def insert_columns(catalog: MySQLCatalog, start: InsertStart) -> tuple[str, ...] | None:
    """The columns an INSERT's values are for: its list, or every column of the DDL."""
    return catalog.insert_columns(start.database, start.table, start.columns)


def table_data(catalog: MySQLCatalog, start: InsertStart) -> TableData:
    """The :class:`TableData` of an INSERT: the columns its values are for (its list or
    the DDL's), generated columns left out (their values are recomputed on restore);
    () when unknown (no column list and no CREATE TABLE)."""
    columns = insert_columns(catalog, start) or ()
    table = catalog.defs.get((start.database, start.table))
    if table is not None:
        generated = {c.name for c in table.columns if c.generated}
        columns = tuple(c for c in columns if c not in generated)
    return MyTableData(start.database, start.table, columns, f"line {start.line}")


def generated_positions(catalog: MySQLCatalog, start: InsertStart) -> tuple[int, ...]:
    """Positions of generated columns among an INSERT's values (mariadb-dump writes their
    computed values when it writes no column list)."""
    columns = insert_columns(catalog, start) or ()
    table = catalog.defs.get((start.database, start.table))
    if table is None:
        return ()
    generated = {c.name for c in table.columns if c.generated}
    return tuple(i for i, c in enumerate(columns) if c in generated)


@dataclass
class Scan:
    catalog: MySQLCatalog
    tables: list[TableData]  # every table (DDL and INSERTs), first occurrence


def scan(source: BinaryIO, name: str = "the dump") -> Scan:
    """First pass: the catalog and every table with data (rows are delimited, not split)."""
    catalog = MySQLCatalog()
    inserts: dict[QName, TableData] = {}
    reader = DumpReader(source, name=name)
    reader.raw = _always
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


def _always(_: InsertStart) -> bool:
    return True


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
