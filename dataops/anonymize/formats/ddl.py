"""What the dump's own DDL says about its tables: columns, NOT NULL, keys, partitions.

Engines hand every DDL statement they meet to :meth:`Catalog.add_sql` (a statement
or a script; what it does not understand it ignores).  The plan then asks the
catalog which columns are NOT NULL, part of a PRIMARY KEY / UNIQUE constraint or
index, or the two ends of a FOREIGN KEY, and which tables are partitions of which.
Only ``pg_dump``'s own output style has to be understood, and it is regular:
schema-qualified names, one statement per object, constraints in ``ALTER TABLE``.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field, replace

from dataops.anonymize.coltypes import UNKNOWN, Check, ColType, TypeResolver
from dataops.anonymize.engine_api import TableData
from dataops.anonymize.formats.ddlsyntax import (
    COLUMN_CONSTRAINT_WORDS,
    TABLE_CONSTRAINT_WORDS,
    Cursor,
    expression_text,
    split_commas,
    type_text,
)
from dataops.anonymize.formats.ddlsyntax import (
    QName as QName,  # (schema, name); the plan reads it here
)
from dataops.anonymize.formats.sqlscan import Token, split_statements, tokenize


@dataclass
class ColumnInfo:
    name: str
    type: str
    not_null: bool = False
    generated: bool = False


@dataclass
class TableInfo:
    schema: str
    name: str
    kind: str = "table"  # table | partitioned | foreign
    columns: dict[str, ColumnInfo] = field(default_factory=dict)
    inherits: list[QName] = field(default_factory=list)
    partition_of: QName | None = None
    location: str = ""

    @property
    def qname(self) -> QName:
        return (self.schema, self.name)

    @property
    def qualified(self) -> str:
        return f"{self.schema}.{self.name}"


@dataclass(frozen=True)
class UniqueKey:
    table: QName
    name: str
    kind: str  # "PRIMARY KEY" | "UNIQUE" | "UNIQUE INDEX"
    columns: tuple[str, ...]


@dataclass(frozen=True)
class ForeignKey:
    table: QName
    name: str
    columns: tuple[str, ...]
    ref_table: QName
    ref_columns: tuple[str, ...]


@dataclass
class DomainInfo:
    base: str
    not_null: bool = False
    checks: list[str] = field(default_factory=list)  # CHECK expressions (without CHECK)


class Catalog:
    """Tables, columns and constraints collected from a dump's DDL."""

    def __init__(self) -> None:
        self.tables: dict[QName, TableInfo] = {}
        self.domains: dict[QName, DomainInfo] = {}
        self.enums: dict[QName, tuple[str, ...]] = {}
        self.table_checks: list[tuple[QName, str, str]] = []  # (table, constraint, expression)
        self.unique_keys: list[UniqueKey] = []
        self.foreign_keys: list[ForeignKey] = []
        self.large_objects = 0
        self.encoding: str | None = None  # client_encoding the dump sets
        self.insert_statements: list[str] = []  # tables filled by INSERT (pg_dump --inserts)
        self._not_null_later: set[tuple[QName, str]] = set()

    # ------------------------------------------------------------------ input
    def add_sql(self, sql: str, location: str = "") -> None:
        """Record what ``sql`` (one statement or a script) declares."""
        for stmt in split_statements(sql):
            tokens = tokenize(stmt)
            if tokens:
                self._statement(tokens, location)

    def _statement(self, tokens: list[Token], location: str) -> None:
        cur = Cursor(tokens)
        if cur.kw("create"):
            cur.kw("or", "replace")
            cur.kw("unlogged") or cur.kw("temporary") or cur.kw("temp")
            if cur.kw("foreign", "table"):
                self._create_table(cur, "foreign", location)
            elif cur.kw("table"):
                self._create_table(cur, "table", location)
            elif cur.kw("unique", "index"):
                self._create_index(cur)
            elif cur.kw("domain"):
                self._create_domain(cur)
            elif cur.kw("type"):
                self._create_type(cur)
        elif cur.kw("alter", "table"):
            self._alter_table(cur)
        elif cur.kw("alter", "domain"):
            self._alter_domain(cur)
        elif cur.kw("alter", "type"):
            self._alter_type(cur)
        elif cur.kw("set", "client_encoding"):
            cur.op("=") or cur.kw("to")
            tok = cur.next()
            if tok is not None and tok.kind in ("str", "ident", "qident"):
                self.encoding = tok.text.upper() if tok.kind != "str" else tok.text
        elif cur.kw("select"):
            if any(t.is_kw("lo_create") for t in tokens):
                self.large_objects += 1
        elif cur.kw("insert", "into"):
            name = cur.qname()
            if name is not None:
                self.insert_statements.append(f"{name[0]}.{name[1]}")

    def _create_table(self, cur: Cursor, kind: str, location: str) -> None:
        cur.kw("if", "not", "exists")
        name = cur.qname()
        if name is None:
            return
        info = TableInfo(name[0], name[1], kind=kind, location=location)
        if cur.kw("partition", "of"):
            info.partition_of = cur.qname()
        elif cur.kw("of"):
            cur.qname()  # typed table: columns come from the type; not tracked
        if cur.peek() is not None and cur.peek().is_op("("):  # type: ignore[union-attr]
            for element in split_commas(cur.group()):
                self._table_element(info, element)
        while cur.peek() is not None:
            if cur.kw("inherits"):
                inner = Cursor(cur.group())
                while inner.peek() is not None:
                    parent = inner.qname()
                    if parent is not None:
                        info.inherits.append(parent)
                    if not inner.op(","):
                        break
            elif cur.kw("partition", "by"):
                if info.kind == "table":
                    info.kind = "partitioned"
                cur.next()
                cur.group()
            else:
                cur.next()
        previous = self.tables.get(name)
        if previous is not None and not info.columns:
            info.columns = previous.columns
        self.tables[name] = info
        for column in info.columns.values():
            if (name, column.name) in self._not_null_later:
                column.not_null = True

    def _table_element(self, info: TableInfo, tokens: list[Token]) -> None:
        first = tokens[0]
        if first.kind == "ident" and first.text in TABLE_CONSTRAINT_WORDS:
            self._add_constraint(info.qname, Cursor(tokens))
            return
        column = ColumnInfo(first.text, "")
        type_end = 1
        while type_end < len(tokens):
            tok = tokens[type_end]
            if tok.kind == "ident" and tok.text in COLUMN_CONSTRAINT_WORDS:
                break
            type_end += 1
        column.type = type_text(tokens[1:type_end])
        cur = Cursor(tokens[type_end:])
        constraint = ""
        while cur.peek() is not None:
            if cur.kw("constraint"):
                constraint = cur.name() or ""
            elif cur.kw("check"):
                name = constraint or f"{info.name}_{column.name}_check"
                self.table_checks.append((info.qname, name, expression_text(cur.group())))
            elif cur.kw("not", "null"):
                column.not_null = True
            elif cur.kw("primary", "key"):
                column.not_null = True
                self.unique_keys.append(
                    UniqueKey(info.qname, f"{info.name}_pkey", "PRIMARY KEY", (column.name,))
                )
            elif cur.kw("unique"):
                self.unique_keys.append(
                    UniqueKey(
                        info.qname, f"{info.name}_{column.name}_key", "UNIQUE", (column.name,)
                    )
                )
            elif cur.kw("references"):
                ref = cur.qname()
                cols = cur.names_list() if cur.peek() is not None else ()
                if ref is not None:
                    self.foreign_keys.append(
                        ForeignKey(
                            info.qname,
                            f"{info.name}_{column.name}_fkey",
                            (column.name,),
                            ref,
                            cols or (column.name,),
                        )
                    )
            elif cur.kw("generated"):
                rest = []
                while cur.peek() is not None and not cur.peek().is_op("("):  # type: ignore[union-attr]
                    gen_tok = cur.next()
                    assert gen_tok is not None
                    rest.append(gen_tok.text)
                    if gen_tok.is_kw("identity"):
                        break
                if "identity" not in rest:  # GENERATED ALWAYS AS (expr) STORED
                    cur.group()
                    column.generated = True
            else:
                other = cur.next()
                if other is not None and other.is_op("("):
                    cur.i -= 1
                    cur.group()
        info.columns[column.name] = column

    def _add_constraint(self, table: QName, cur: Cursor) -> None:
        name = ""
        if cur.kw("constraint"):
            name = cur.name() or ""
        if cur.kw("primary", "key"):
            cols = cur.names_list()
            if cols:
                self.unique_keys.append(UniqueKey(table, name, "PRIMARY KEY", cols))
                for col in cols:
                    self._set_not_null(table, col)
        elif cur.kw("unique"):
            cur.kw("nulls", "not", "distinct") or cur.kw("nulls", "distinct")
            cols = cur.names_list()
            if cols:
                self.unique_keys.append(UniqueKey(table, name, "UNIQUE", cols))
        elif cur.kw("foreign", "key"):
            cols = cur.names_list()
            if cur.kw("references"):
                ref = cur.qname()
                ref_cols = cur.names_list() if cur.peek() is not None else ()
                if cols and ref is not None:
                    self.foreign_keys.append(ForeignKey(table, name, cols, ref, ref_cols or cols))
        elif cur.kw("check"):
            self.table_checks.append((table, name, expression_text(cur.group())))
        elif cur.kw("not", "null"):
            nn_col = cur.name()
            if nn_col is not None:
                self._set_not_null(table, nn_col)

    def _set_not_null(self, table: QName, column: str) -> None:
        info = self.tables.get(table)
        if info is not None and column in info.columns:
            info.columns[column].not_null = True
        else:
            self._not_null_later.add((table, column))

    def _alter_table(self, cur: Cursor) -> None:
        cur.kw("if", "exists")
        cur.kw("only")
        name = cur.qname()
        if name is None:
            return
        while cur.peek() is not None:
            if cur.kw("add"):
                self._add_constraint(name, cur)
            elif cur.kw("attach", "partition"):
                child = cur.qname()
                if child is not None:
                    info = self.tables.get(child)
                    if info is not None:
                        info.partition_of = name
            elif cur.kw("inherit"):
                parent = cur.qname()
                info = self.tables.get(name)
                if parent is not None and info is not None:
                    info.inherits.append(parent)
            elif cur.kw("alter", "column") or cur.kw("alter"):
                col = cur.name()
                if col is not None and cur.kw("set", "not", "null"):
                    self._set_not_null(name, col)
            else:
                cur.next()

    def _create_index(self, cur: Cursor) -> None:
        cur.kw("concurrently")
        cur.kw("if", "not", "exists")
        index_name = cur.name() or ""
        if not cur.kw("on"):
            return
        cur.kw("only")
        table = cur.qname()
        if table is None:
            return
        if cur.kw("using"):
            cur.next()
        cols = cur.names_list()
        if cols:  # a partial unique index still forbids duplicates among its rows
            self.unique_keys.append(UniqueKey(table, index_name, "UNIQUE INDEX", cols))

    def _create_domain(self, cur: Cursor) -> None:
        name = cur.qname()
        if name is None:
            return
        cur.kw("as")
        type_toks: list[Token] = []
        while cur.peek() is not None:
            tok = cur.peek()
            assert tok is not None
            if tok.kind == "ident" and tok.text in COLUMN_CONSTRAINT_WORDS:
                break
            type_toks.append(tok)
            cur.next()
        info = DomainInfo(type_text(type_toks))
        while cur.peek() is not None:
            if cur.kw("not", "null"):
                info.not_null = True
            elif cur.kw("check"):
                info.checks.append(expression_text(cur.group()))
            else:
                cur.next()
        self.domains[name] = info

    def _alter_domain(self, cur: Cursor) -> None:
        name = cur.qname()
        info = self.domains.get(name) if name is not None else None
        if info is None:
            return
        if cur.kw("add"):
            if cur.kw("constraint"):
                cur.name()
            if cur.kw("check"):
                info.checks.append(expression_text(cur.group()))
        elif cur.kw("set", "not", "null"):
            info.not_null = True

    def _create_type(self, cur: Cursor) -> None:
        name = cur.qname()
        if name is None or not cur.kw("as", "enum"):
            return
        labels = [t.text for t in cur.group() if t.kind == "str"]
        self.enums[name] = tuple(labels)

    def _alter_type(self, cur: Cursor) -> None:
        name = cur.qname()
        if name is None or name not in self.enums or not cur.kw("add", "value"):
            return
        cur.kw("if", "not", "exists")
        tok = cur.next()
        if tok is None or tok.kind != "str":
            return
        labels = list(self.enums[name])
        if cur.kw("before") or cur.kw("after"):
            pass  # the order does not matter for the labels' set
        labels.append(tok.text)
        self.enums[name] = tuple(labels)

    # ---------------------------------------------------------------- queries
    def table(self, schema: str, name: str) -> TableInfo | None:
        return self.tables.get((schema, name))

    def all_columns(self, qname: QName) -> list[ColumnInfo]:
        """Columns in COPY order: inherited ones first (parents in order), then own."""
        info = self.tables.get(qname)
        if info is None:
            return []
        out: dict[str, ColumnInfo] = {}
        for parent in info.inherits:
            for col in self.all_columns(parent):
                out.setdefault(col.name, col)
        for col in info.columns.values():
            if col.name in out:  # merged definition: child re-declares an inherited column
                merged = out[col.name]
                out[col.name] = ColumnInfo(
                    col.name,
                    col.type or merged.type,
                    col.not_null or merged.not_null,
                    col.generated or merged.generated,
                )
            else:
                out[col.name] = col
        return list(out.values())

    def column(self, qname: QName, column: str) -> ColumnInfo | None:
        for col in self.all_columns(qname):
            if col.name == column:
                return col
        for ancestor in self.partition_ancestors(qname):  # PARTITION OF: the parent's columns
            for col in self.all_columns(ancestor):
                if col.name == column:
                    return col
        return None

    def column_type(self, qname: QName, column: str) -> ColType:
        """The resolved type of a column (``coltypes.UNKNOWN`` without DDL for it)."""
        col = self.column(qname, column)
        if col is None or not col.type:
            for ancestor in self.partition_ancestors(qname):
                parent = self.column(ancestor, column)
                if parent is not None and parent.type:
                    col = parent
                    break
        if col is None or not col.type:
            return UNKNOWN
        resolver = TypeResolver(
            self.enums, {k: (d.base, tuple(d.checks)) for k, d in self.domains.items()}
        )
        parsed = resolver.parse(col.type)
        checks = self._column_checks(qname, column, parsed.is_array)
        return replace(parsed, checks=parsed.checks + checks) if checks else parsed

    def _lineage(self, qname: QName) -> list[QName]:
        """The table, its partition ancestors and inheritance parents (their CHECKs apply)."""
        out: list[QName] = []
        todo = [qname]
        while todo:
            name = todo.pop()
            if name in out:
                continue
            out.append(name)
            info = self.tables.get(name)
            if info is not None:
                todo.extend(info.inherits)
                if info.partition_of is not None:
                    todo.append(info.partition_of)
        return out

    def _column_checks(self, qname: QName, column: str, is_array: bool) -> tuple[Check, ...]:
        """Table CHECK constraints that read this column only, as CHECKs on ``VALUE``."""
        if not self.table_checks:
            return ()
        lineage = self._lineage(qname)
        names = {c.name for t in lineage for c in self.all_columns(t)}
        out = []
        for table, constraint, expression in self.table_checks:
            if table not in lineage:
                continue
            toks = tokenize(expression)
            refs = {t.text for t in toks if t.kind in ("ident", "qident") and t.text in names}
            if refs != {column}:
                continue  # several columns (or none): not checked before the output
            rewritten = [
                Token("ident", "value", "VALUE")
                if t.kind in ("ident", "qident") and t.text == column
                else t
                for t in toks
            ]
            out.append(
                Check(
                    f"constraint {constraint} of {table[0]}.{table[1]}",
                    expression_text(rewritten),
                    whole_array=is_array,
                    strict=False,
                )
            )
        return tuple(out)

    def is_not_null(self, qname: QName, column: str) -> bool:
        col = self.column(qname, column)
        if col is None:
            return False
        if col.not_null:
            return True
        domain = self._domain_of(col.type)
        return domain is not None and domain.not_null

    def _domain_of(self, type_text: str) -> DomainInfo | None:
        if not type_text:
            return None
        parts = Cursor(tokenize(type_text)).qname()
        if parts is None:
            return None
        return self.domains.get(parts)

    def keys_of(self, qname: QName) -> list[UniqueKey]:
        """PRIMARY KEY / UNIQUE constraints and unique indexes of a table (or its partition parents)."""
        out = [k for k in self.unique_keys if k.table == qname]
        for ancestor in self.partition_ancestors(qname):
            out.extend(k for k in self.unique_keys if k.table == ancestor)
        return out

    def partition_ancestors(self, qname: QName) -> list[QName]:
        out: list[QName] = []
        seen = {qname}
        info = self.tables.get(qname)
        while info is not None and info.partition_of is not None and info.partition_of not in seen:
            out.append(info.partition_of)
            seen.add(info.partition_of)
            info = self.tables.get(info.partition_of)
        return out

    def leaves(self, qname: QName) -> list[QName]:
        """The tables holding data for ``qname``: itself, or its leaf partitions."""
        info = self.tables.get(qname)
        if info is None or info.kind != "partitioned":
            return [qname]
        out: list[QName] = []
        for child in self.tables.values():
            if child.partition_of == qname:
                out.extend(self.leaves(child.qname))
        return out

    def data_tables(self) -> list[TableData]:
        """Every table that can hold rows, with its COPY column list (generated ones left out)."""
        out = []
        for info in self.tables.values():
            if info.kind != "table":
                continue
            cols = tuple(c.name for c in self.all_columns(info.qname) if not c.generated)
            out.append(TableData(info.schema, info.name, cols, info.location))
        return out

    def __iter__(self) -> Iterator[TableInfo]:
        return iter(self.tables.values())


def parse_copy_header(line: str) -> tuple[str, str, tuple[str, ...]] | None:
    """``COPY schema.table (a, "B") FROM stdin;`` -> (schema, table, columns)."""
    cur = Cursor(tokenize(line))
    if not cur.kw("copy"):
        return None
    name = cur.qname()
    if name is None:
        return None
    cols: tuple[str, ...] = ()
    if cur.peek() is not None and cur.peek().is_op("("):  # type: ignore[union-attr]
        cols = cur.names_list()
        if not cols:
            return None
    if not cur.kw("from", "stdin"):
        return None
    return name[0], name[1], cols
