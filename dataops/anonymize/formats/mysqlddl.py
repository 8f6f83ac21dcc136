"""MySQL/MariaDB DDL as mysqldump writes it: ``CREATE TABLE`` -> :class:`TableDef`, and
:class:`MySQLCatalog`, the :class:`~dataops.anonymize.formats.ddl.Catalog` the plan checks.

Part of the parser whose public names :mod:`dataops.anonymize.formats.mysqldump` re-exports.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

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

IDENT = rb"`(?:[^`]|``)+`|[A-Za-z0-9_$]+"
USE = re.compile(rb"\s*USE\s+(" + IDENT + rb")\s*;?", re.I)


def unquote_ident(raw: bytes) -> str:
    text = raw.decode("utf-8", "surrogateescape")
    if text.startswith("`") and text.endswith("`") and len(text) >= 2:
        return text[1:-1].replace("``", "`")
    return text


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
        use = USE.match(sql.encode("utf-8", "surrogateescape"))
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

    def insert_columns(
        self, database: str, table: str, columns: tuple[str, ...] | None
    ) -> tuple[str, ...] | None:
        """The columns an INSERT's values are for: its list, or every column of the DDL."""
        if columns is not None:
            return columns
        found = self.defs.get((database, table))
        if found is None:
            return None
        return tuple(c.name for c in found.columns)


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
