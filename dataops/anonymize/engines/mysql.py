"""The MySQL/MariaDB engine: a ``mysqldump`` / ``mariadb-dump`` SQL script in, an anonymized one out.

:class:`~dataops.anonymize.formats.mysqldump.DumpReader` cuts the dump into events
(SQL chunks, INSERT headers, blocks of complete rows, INSERT ends); everything but
the values of transformed columns is written back byte for byte.

* Before any output the plan is checked against the whole dump: a regular input file
  gets a quick first pass (:func:`~dataops.anonymize.formats.mysqldump.scan`: rows are
  delimited by one regular expression, never split), ``--source`` hands over the
  schema it dumped first.  A stream is checked table by table at each table's first
  INSERT (mysqldump writes each CREATE TABLE, foreign keys included, just before the
  table's data) and as a whole at the end (a failure then still fails the run and
  removes the output file).
* Kept tables: their rows are copied in blocks without looking at values.  Truncated
  tables: their INSERT statements are left out.
* Transformed tables: one regular expression per table splits each row only as far as
  the last value needed (transformed columns, template references, generated columns)
  and checks the row's value count at the same time; the needed literals are decoded
  to COPY text and go through the plan's :class:`~dataops.anonymize.rowtransform.RowTransformer`
  -- the same kernels, caches, unique guards and value functions as the PostgreSQL
  engines, hence the same outputs for the same inputs -- and come back as MySQL literals
  of the same kind (numbers stay bare where the output is a number, ``0x..`` stays hex,
  ``_binary '..'`` keeps its introducer).  Generated columns' computed values (which
  mariadb-dump writes without a column list) become ``DEFAULT`` in transformed tables:
  the server recomputes them on restore, from the anonymized columns.
"""

from __future__ import annotations

import itertools
import logging
import re
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, BinaryIO

from dataops.anonymize.engine_api import TableAction, TableData, TableStats, check_unambiguous
from dataops.anonymize.formats import copytext
from dataops.anonymize.formats import mysqldump as my
from dataops.anonymize.rowtransform import RowTransformer
from dataops.errors import ConfigError, OperationError

if TYPE_CHECKING:
    from dataops.anonymize.engine_api import EngineJob

log = logging.getLogger(__name__)

Progress = Callable[..., None]
_NULL = copytext.NULL
_COPY_UNSAFE = re.compile(rb"[\\'\t\n\r]")
_NUMBER_START = frozenset(b"+-.0123456789")
_DUMP_HEADER = re.compile(rb"^-- (?:MySQL|MariaDB) dump \d", re.M)


def engine(job: EngineJob) -> list[TableStats]:
    """The ``mysql`` entry of :data:`dataops.anonymize.run.ENGINES`."""
    assert job.stream is not None and job.output is not None
    name = str(job.input_path) if job.input_path is not None else "the input"
    prescan: my.Scan | None = None
    if isinstance(job.catalog, my.MySQLCatalog):
        prescan = my.Scan(job.catalog, my.data_tables(job.catalog))
    elif job.input_path is not None and job.input_path.is_file():
        prescan = scan_file(job.input_path)
    return anonymize_mysql(
        job.plan,
        job.stream,
        job.output,
        prescan=prescan,
        progress=job.progress,
        name=name,
        row_hook=job.row_hook,
        preview_rows=job.preview_rows,
    )


def scan_file(path: Path) -> my.Scan:
    """:func:`mysqldump.scan` of a (possibly compressed) dump file."""
    from dataops.anonymize.formats import compression

    try:
        raw = path.open("rb", buffering=0)
    except OSError as exc:
        raise ConfigError(f"cannot read {path}: {exc.strerror}") from None
    with raw:
        scanned = my.scan(compression.reader(raw, str(path)), str(path))
    check_unambiguous(scanned.tables)
    return scanned


def anonymize_mysql(
    plan: Any,
    source: BinaryIO,
    out: BinaryIO,
    *,
    prescan: my.Scan | None = None,
    progress: Progress | None = None,
    name: str = "the input",
    row_hook: Callable[[TableData, bytes, bytes], None] | None = None,
    preview_rows: int | None = None,
) -> list[TableStats]:
    """Stream a mysqldump from ``source`` to ``out``; return per-table statistics."""
    return _Engine(plan, source, out, prescan, progress, name, row_hook, preview_rows).run()


@dataclass
class _Current:
    """The INSERT statement being copied."""

    table: TableData
    action: TableAction
    stats: TableStats
    transformer: _MyRows | None
    start: my.InsertStart
    started: float


class _Engine:
    def __init__(
        self,
        plan: Any,
        source: BinaryIO,
        out: BinaryIO,
        prescan: my.Scan | None,
        progress: Progress | None,
        name: str,
        row_hook: Callable[[TableData, bytes, bytes], None] | None,
        preview_rows: int | None,
    ) -> None:
        self.plan = plan
        self.reader = my.DumpReader(source, name=name)
        self.out = out
        self.prescan = prescan
        self.catalog = prescan.catalog if prescan is not None else my.MySQLCatalog()
        self.catalog.encoding = "UTF8"
        self.progress = progress
        self.row_hook = row_hook
        self.preview_rows = preview_rows
        self.stats: dict[str, TableStats] = {}
        self.transformers: dict[tuple[str, str, tuple[str, ...] | None], _MyRows] = {}
        self.seen: dict[tuple[str, str], TableData] = {}
        self.rows_done = 0
        self._last_progress = 0.0

    def _tick(self, table: str, rows: int) -> None:
        if self.progress is None:
            return
        now = time.monotonic()
        if now - self._last_progress >= 0.2:
            self._last_progress = now
            self.progress(table, self.reader.consumed, rows)

    def run(self) -> list[TableStats]:
        if self.prescan is not None:
            self.plan.check(self.catalog, self.prescan.tables)
        write = self.out.write
        current: _Current | None = None
        header_seen = False
        completed = False
        for event in self.reader.events():
            if isinstance(event, my.Rows):
                assert current is not None
                self._rows(current, event)
                continue
            if isinstance(event, my.Chunk):
                if event.line < 50 and _DUMP_HEADER.search(event.data):
                    header_seen = True
                if b"-- Dump completed" in event.data:
                    completed = True
                elif event.kind == "statement":
                    completed = False
                    if self.prescan is None:
                        self.catalog.add_statement(event.sql, event.database, f"line {event.line}")
                write(event.data)
            elif isinstance(event, my.InsertStart):
                completed = False
                current = self._start(event)
                if current.action is not TableAction.TRUNCATE:
                    write(event.data)
            else:  # InsertEnd
                assert current is not None
                if current.action is not TableAction.TRUNCATE:
                    write(event.data)
                current.stats.seconds += time.monotonic() - current.started
                current = None
        if header_seen and not completed:
            raise my.DumpError(
                f"{self.reader.name}: the dump has no '-- Dump completed' line at its end: "
                "it is truncated"
            )
        if self.prescan is None:
            tables = {(t.schema, t.table): t for t in my.data_tables(self.catalog)}
            for key, td in self.seen.items():
                tables.setdefault(key, td)
            self.plan.check(self.catalog, list(tables.values()))
        if self.progress is not None:
            self.progress("", self.reader.consumed)
        return list(self.stats.values())

    def _start(self, start: my.InsertStart) -> _Current:
        table = my.table_data(self.catalog, start)
        key = (table.schema, table.table)
        known = self.seen.setdefault(key, table)
        if known.qualified != table.qualified:
            check_unambiguous([known, table])
        if self.prescan is None:
            self.plan.check_table(table)
        action: TableAction = self.plan.action(table)
        stats = self.stats.get(table.qualified)
        if stats is None:
            stats = self.stats[table.qualified] = TableStats(table.qualified, action.value)
        transformer = None
        if action is TableAction.TRANSFORM:
            if not table.columns:
                raise my.DumpError(
                    f"{table.qualified} (INSERT at line {start.line}): no column list and no "
                    "CREATE TABLE before it: its columns are unknown"
                )
            stats.columns_transformed = self.plan.transformed_columns(table)
            tkey = (table.schema, table.table, start.columns)
            transformer = self.transformers.get(tkey)
            if transformer is None:
                transformer = _MyRows(self.plan, table, start, self.catalog)
                self.transformers[tkey] = transformer
            transformer.start = start  # for messages: the INSERT being read
        return _Current(table, action, stats, transformer, start, time.monotonic())

    def _rows(self, current: _Current, rows: my.Rows) -> None:
        stats = current.stats
        stats.bytes_in += len(rows.data)
        if current.action is TableAction.KEEP:  # copied as is (rows are not counted)
            stats.bytes_out += len(rows.data)
            self.out.write(rows.data)
        elif current.action is TableAction.TRUNCATE:
            pass
        else:
            assert current.transformer is not None
            data = current.transformer.transform(rows)
            stats.rows = current.transformer.rows
            stats.bytes_out += len(data)
            self.out.write(data)
            hook = self.row_hook
            if hook is not None and current.transformer.last_copy is not None:
                before, after = current.transformer.last_copy
                hook(current.table, before, after)
        self._tick(current.table.qualified, stats.rows)


class _MyRows:
    """Transforms blocks of rows of one table (one INSERT column list)."""

    def __init__(
        self, plan: Any, table: TableData, start: my.InsertStart, catalog: my.MySQLCatalog
    ) -> None:
        self.table = table
        self.start = start
        self.rt: RowTransformer = plan.row_transformer(table)
        value_columns = catalog.insert_columns(start) or table.columns
        self.nvalues = len(value_columns)
        position = {c: i for i, c in enumerate(value_columns)}
        self.positions = [position[c] for c in table.columns]
        rt = self.rt
        transformed = {i for i, _ in rt._choices} | {t.index for t in rt.templates}
        needed = set(transformed)
        for t in rt.templates:
            needed.update(rt.columns.index(r) for r in t.refs if r in rt.columns)
        self.transformed = sorted(transformed)
        self.needed = sorted(needed)
        self.generated = my.generated_positions(catalog, start)
        wanted = [self.positions[i] for i in self.needed] + list(self.generated)
        k = max(wanted) + 1 if wanted else 0
        self.k = k
        value = my.VALUE
        sep = rb"\s*+,\s*+"
        parts = [rb"(\s*+\(\s*+)"]
        for n in range(k):
            parts.append(rb"(" + value + rb")")
            if n < k - 1:
                parts.append(rb"(" + sep + rb")")
        rest = (sep + value) * (self.nvalues - k)
        if k == 0:
            rest = rest[len(sep) :]
        parts.append(rb"(" + rest + rb"\s*+\)(?:\s*+,\s*+)?)")
        self.row_re = re.compile(b"".join(parts))
        self.ncols = len(table.columns)
        self.rows = 0
        self.last_copy: tuple[bytes, bytes] | None = None
        self.preview = True

    def transform(self, block: my.Rows) -> bytes:
        data = block.data
        rows = self.row_re.findall(data)
        if b"".join(itertools.chain.from_iterable(rows)) != data:
            raise self._bad_row(block)
        n = len(rows)
        if n == 0:
            return data
        cols: list[Sequence[bytes]] = list(zip(*rows, strict=True))
        copy_cols: list[Any] = [itertools.repeat(b"", n) for _ in range(self.ncols)]
        for i in self.needed:
            g = 1 + 2 * self.positions[i]
            try:
                copy_cols[i] = list(map(_to_copy, cols[g]))
            except ValueError as exc:
                raise self._value_error(block, cols[g], i, exc) from None
        lines = b"\n".join(map(b"\t".join, zip(*copy_cols, strict=True)))
        try:
            out = self.rt.transform_rows(lines)
        except (ConfigError, OperationError) as exc:
            raise type(exc)(
                exc.message.replace("(COPY at ", "(INSERT at ")
                + f" [{self.rt.table.qualified}: rows from line {block.line}]"
            ) from None
        self.rows += n
        if self.preview:
            self.last_copy = (lines, out)
        out_fields = [line.split(b"\t") for line in out[:-1].split(b"\n")]
        out_cols = list(zip(*out_fields, strict=True))
        for i in self.transformed:
            g = 1 + 2 * self.positions[i]
            cols[g] = list(map(_to_mysql, out_cols[i], cols[g]))
        for pos in self.generated:
            cols[1 + 2 * pos] = [b"DEFAULT"] * n
        return b"".join(itertools.chain.from_iterable(zip(*cols, strict=True)))

    def _bad_row(self, block: my.Rows) -> my.DumpError:
        data = block.data
        for number, m in enumerate(my.ROW_RE.finditer(data), start=1):
            line = block.line + data.count(b"\n", 0, m.start())
            try:
                values = my.split_row(m.group())
            except ValueError as exc:
                return my.DumpError(
                    f"{self.table.qualified} (INSERT at line {self.start.line}), line {line}: "
                    f"cannot read the row: {exc}"
                )
            if len(values) != self.nvalues:
                return my.DumpError(
                    f"{self.table.qualified} (INSERT at line {self.start.line}), line {line}: "
                    f"a row has {len(values)} values, the table has {self.nvalues} columns"
                    f" (row {self.rows + number} of the table)"
                )
        return my.DumpError(
            f"{self.table.qualified} (INSERT at line {self.start.line}), line {block.line}: "
            "rows dataops cannot read"
        )

    def _value_error(
        self, block: my.Rows, literals: Sequence[bytes], column: int, exc: ValueError
    ) -> my.DumpError:
        for number, lit in enumerate(literals):
            try:
                _to_copy(lit)
            except ValueError:
                return my.DumpError(
                    f"{self.table.qualified}, column {self.table.columns[column]}, row "
                    f"{self.rows + number + 1} (INSERT at line {self.start.line}): {exc}"
                )
        return my.DumpError(f"{self.table.qualified}: {exc}")


def _to_copy(literal: bytes) -> bytes:
    """A MySQL value literal -> the COPY text field of its value."""
    first = literal[0]
    if first == 0x27:  # '
        inner = literal[1:-1]
        if literal[-1] == 0x27 and _COPY_UNSAFE.search(inner) is None:
            return inner
    elif literal == b"NULL" or literal == b"null":
        return _NULL
    elif first in _NUMBER_START and my.is_number(literal):
        return literal
    elif first not in b'_"0xXbBnN':
        raise ValueError(
            f"a value dataops cannot read (the keyword {literal[:20].decode(errors='replace')!r})"
        )
    value = my.decode_literal(literal)
    return copytext.escape(value)


def _to_mysql(field: bytes, original: bytes) -> bytes:
    """A transformed COPY text field -> a MySQL literal of the original's kind."""
    if field == _NULL:
        return b"NULL"
    value = field if b"\\" not in field else copytext.unescape(field)
    assert value is not None
    first = original[0]
    if first == 0x27:
        return my.quote(value)
    if original[:2] in (b"0x", b"0X"):
        return b"0x" + value.hex().upper().encode()
    if first in _NUMBER_START:
        return value if my.is_number(value) else my.quote(value)
    if first == 0x5F:  # _charset introducer
        at = original.find(b"'")
        if at > 0:
            return original[:at] + my.quote(value)
    if original[:2] in (b"X'", b"x'"):
        return b"X'" + value.hex().upper().encode() + b"'"
    return my.quote(value)
