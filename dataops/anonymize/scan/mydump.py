"""MySQL / MariaDB dumps (``mysqldump``, ``mariadb-dump``) as a :class:`Source`.

One streaming pass with the anonymizer's own reader (:mod:`..formats.mysqldump`): DDL
statements go into a :class:`MySQLCatalog` as they come, the rows of consecutive
INSERTs into one table are that table's rows (generated columns' values dropped, as the
real run does), and tables the DDL declares without any INSERT come last, empty.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from dataops.anonymize.engine_api import TableData
from dataops.anonymize.formats import compression
from dataops.anonymize.formats import mysqldump as my
from dataops.anonymize.scan.source import Row, SourceColumn, SourceTable, decode, open_dump
from dataops.errors import ConfigError


def looks_like(path: Path) -> bool:
    if path.is_dir():
        return False
    try:
        raw = path.open("rb", buffering=0)
    except OSError:
        return False
    with raw:
        stream = compression.reader(raw, str(path))
        return my.looks_like_mysqldump(stream.peek(8192)[:8192])


def _columns(catalog: my.MySQLCatalog, table: TableData) -> list[SourceColumn]:
    qname = (table.schema, table.table)
    return [
        SourceColumn(c, catalog.column_type(qname, c), catalog.is_not_null(qname, c))
        for c in table.columns
    ]


class MyDump:
    dialect = "mysql"
    format = "mysql"

    def __init__(self, path: Path) -> None:
        if not path.exists():
            raise ConfigError(f"input {path} does not exist")
        self.path = path
        self.name = str(path)
        self._catalog = my.MySQLCatalog()

    @property
    def catalog(self) -> my.MySQLCatalog:
        return self._catalog

    def tables(self) -> Iterator[SourceTable]:
        with open_dump(self.path) as stream:
            reader = my.DumpReader(stream, name=self.name)
            events = reader.events()
            pending: list[my.InsertStart] = []
            done: set[tuple[str, str]] = set()
            while True:
                start = pending.pop() if pending else self._next_insert(events)
                if start is None:
                    break
                key = (start.database, start.table)
                table = my.table_data(self._catalog, start)
                rows = _Rows(self._catalog, events, start, pending)
                item = SourceTable(table, _columns(self._catalog, table), iter(rows))
                yield item
                rows.drain()
                item.row_count = rows.count
                done.add(key)
            self._catalog.database = reader.database
        for table in my.data_tables(self._catalog):
            if (table.schema, table.table) not in done:
                yield SourceTable(table, _columns(self._catalog, table), iter(()))

    def _next_insert(self, events: Iterator[object]) -> my.InsertStart | None:
        for ev in events:
            if isinstance(ev, my.Chunk):
                if ev.kind == "statement":
                    self._catalog.add_statement(ev.sql, ev.database, f"line {ev.line}")
            elif isinstance(ev, my.InsertStart):
                return ev
        return None


class _Rows:
    """The rows of one table: its consecutive INSERTs (statements between them go to the
    catalog); stops at another table's INSERT, which is handed back through ``pending``."""

    def __init__(
        self,
        catalog: my.MySQLCatalog,
        events: Iterator[object],
        start: my.InsertStart,
        pending: list[my.InsertStart],
    ) -> None:
        self.catalog = catalog
        self.events = events
        self.key = (start.database, start.table)
        self.pending = pending
        self.skip = set(my.generated_positions(catalog, start))
        self.count = 0
        self.finished = False

    def _decoded(self, literals: list[bytes]) -> Row:
        values = [my.decode_literal(v) for i, v in enumerate(literals) if i not in self.skip]
        return [decode(v) for v in values]

    def __iter__(self) -> Iterator[Row]:
        for ev in self.events:
            if isinstance(ev, my.Rows):
                for m in my._ROW_RE.finditer(ev.data):
                    self.count += 1
                    yield self._decoded(my.split_row(m.group()))
            elif isinstance(ev, my.InsertStart):
                if (ev.database, ev.table) != self.key:
                    self.pending.append(ev)
                    self.finished = True
                    return
                self.skip = set(my.generated_positions(self.catalog, ev))
            elif isinstance(ev, my.Chunk) and ev.kind == "statement":
                self.catalog.add_statement(ev.sql, ev.database, f"line {ev.line}")
        self.finished = True

    def drain(self) -> None:
        if self.finished:
            return
        for ev in self.events:
            if isinstance(ev, my.Rows):
                self.count += sum(1 for _ in my._ROW_RE.finditer(ev.data))
            elif isinstance(ev, my.InsertStart):
                if (ev.database, ev.table) != self.key:
                    self.pending.append(ev)
                    break
            elif isinstance(ev, my.Chunk) and ev.kind == "statement":
                self.catalog.add_statement(ev.sql, ev.database, f"line {ev.line}")
        self.finished = True
