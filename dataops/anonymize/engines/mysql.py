"""The MySQL/MariaDB engine: a ``mysqldump`` / ``mariadb-dump`` SQL script in, an anonymized one out.

:class:`~dataops.anonymize.formats.mysqldump.DumpReader` cuts the dump into events
(SQL chunks, INSERT headers, each INSERT's rows as one block, INSERT ends); everything
but the values of transformed columns is written back byte for byte.

* Before any output the plan is checked against the whole dump: a regular input file
  gets a quick first pass (:func:`~dataops.anonymize.formats.mysqldump.scan`: the end of
  each INSERT found by one C scan over its strings, rows never split), ``--source``
  hands over the schema it dumped first.  A stream is checked table by table at each
  table's first INSERT (mysqldump writes each CREATE TABLE, foreign keys included, just
  before the table's data) and as a whole at the end (a failure then still fails the
  run and removes the output file).
* Kept tables: their rows are copied as they are (counted, not split).  Truncated
  tables: their INSERT statements are left out.
* Transformed tables: each row is split (C, ``speedups.mysql_split``; a per-table
  regular expression in pure Python) only as far as the last value needed (transformed
  columns, template references, generated columns), its value count checked on the
  way; the needed literals are converted to COPY text and go through the plan's
  :class:`~dataops.anonymize.rowtransform.RowTransformer` -- the same kernels, caches,
  unique guards and value functions as the PostgreSQL engines, hence the same outputs
  for the same inputs -- and come back as MySQL literals of the same kind (numbers stay
  bare where the output is a number, ``0x..`` stays hex, ``_binary '..'`` keeps its
  introducer).  Generated columns' computed values (which mariadb-dump writes without
  a column list) become ``DEFAULT`` in transformed tables: the server recomputes them
  on restore, from the anonymized columns.  ``--jobs``: transformed INSERTs go to the
  worker processes of :class:`~dataops.anonymize.engines.pieces.OrderedPool`.
"""

from __future__ import annotations

import functools
import itertools
import logging
import operator
import os
import re
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, BinaryIO

from dataops.anonymize import speedups
from dataops.anonymize.engine_api import TableAction, TableData, TableStats, check_unambiguous
from dataops.anonymize.formats import copytext
from dataops.anonymize.formats import mysqldump as my
from dataops.anonymize.rowtransform import RowTransformer
from dataops.errors import ConfigError, OperationError

if TYPE_CHECKING:
    from dataops.anonymize import speedups
from dataops.anonymize.engine_api import EngineJob

log = logging.getLogger(__name__)

Progress = Callable[..., None]
_NULL = copytext.NULL
_COPY_UNSAFE = re.compile(rb"[\\'\t\n\r]")
_NUMBER_START = frozenset(b"+-.0123456789")
_DUMP_HEADER = re.compile(rb"^-- (?:MySQL|MariaDB) dump \d", re.M)
_ACCOUNT = re.compile(
    rb"\s*(?:/\*M?!\d*\s*)?(?:CREATE\s+(?:OR\s+REPLACE\s+)?USER|ALTER\s+USER|GRANT|SET\s+PASSWORD)\b",
    re.I,
)
_PASSWORD = re.compile(rb"\bIDENTIFIED\b|\bPASSWORD\s*(?:FOR\b|=|\()", re.I)


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
        jobs=job.jobs,
        role_passwords=job.role_passwords,
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
    jobs: int | None = 1,
    role_passwords: str = "drop",
) -> list[TableStats]:
    """Stream a mysqldump from ``source`` to ``out``; return per-table statistics.

    With ``jobs`` > 1 (None: one per CPU) and the whole catalog known first
    (``prescan``), the rows of transformed tables are transformed in that many worker
    processes, one INSERT's rows at a time, and written back in order; the output is
    the same bytes."""
    engine = _Engine(plan, source, out, prescan, progress, name, row_hook, preview_rows)
    engine.refuse_passwords = role_passwords != "keep"
    if prescan is not None and row_hook is None:
        engine.jobs = _default_jobs() if jobs is None else max(1, jobs)
    try:
        stats = engine.run()
    except BaseException:
        engine.close_pool(ok=False)
        raise
    engine.close_pool(ok=True)
    return stats


def _default_jobs() -> int:
    return (
        len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)
    )


_WORKER_ROWS: dict[tuple[str, str, tuple[str, ...] | None], _MyRows] = {}


def _transform_block(table: TableData, start: my.InsertStart, rows: my.Rows) -> tuple[bytes, int]:
    """Worker entry point: one block of rows of a transformed table -> (output, rows)."""
    from dataops.anonymize.engines import pieces

    plan = pieces._PLAN
    assert plan is not None, "worker started without a plan"
    key = (table.schema, table.table, start.columns)
    transformer = _WORKER_ROWS.get(key)
    if transformer is None:
        catalog = plan.catalog  # type: ignore[attr-defined]
        transformer = _WORKER_ROWS[key] = _MyRows(plan, table, start, catalog)
    transformer.start = start
    before = transformer.rows
    data = transformer.transform(rows)
    return data, transformer.rows - before


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
        self.jobs = 1
        self.pool: Any = None
        self.refuse_passwords = True  # account password hashes (--role-passwords keep)
        self.reader.raw = self._raw_rows

    def _tick(self, table: str, rows: int) -> None:
        if self.progress is None:
            return
        now = time.monotonic()
        if now - self._last_progress >= 0.2:
            self._last_progress = now
            self.progress(table, self.reader.consumed, rows)

    def _get_pool(self) -> Any:
        if self.pool is None and self.jobs > 1:
            from dataops.anonymize.engines.pieces import OrderedPool

            prepare = getattr(self.plan, "prepare", None)
            if prepare is not None:
                prepare()  # Faker pools etc. built once, inherited by the forked workers
            self.pool = OrderedPool(self.jobs, self.plan)
        return self.pool

    def close_pool(self, ok: bool) -> None:
        if self.pool is not None:
            pool, self.pool = self.pool, None
            if ok:
                pool.close()
            else:
                pool.terminate()

    def write(self, data: bytes) -> None:
        """Write now, or behind the transformed blocks still in the workers."""
        pool = self.pool
        if pool is not None and pool.pending:
            pool.then(functools.partial(self.out.write, data))
        else:
            self.out.write(data)

    def _account(self, chunk: my.Chunk) -> None:
        """Account statements with password hashes (mariadb-dump --system=users) are refused:
        dropping the clause would leave an account without a password."""
        if _PASSWORD.search(chunk.data):
            raise my.DumpError(
                f"{self.reader.name}, line {chunk.line}: the dump holds an account's password "
                "hash (CREATE USER / ALTER USER / GRANT / SET PASSWORD ... IDENTIFIED); dump "
                "without accounts (no --system=users), or pass --role-passwords keep"
            )

    def _raw_rows(self, start: my.InsertStart) -> bool:
        return True  # every INSERT's rows as one block: kept ones are never split

    def run(self) -> list[TableStats]:
        if self.prescan is not None:
            self.plan.check(self.catalog, self.prescan.tables)
        elif hasattr(self.plan, "catalog"):
            # a stream: the catalog fills as the DDL goes by; each table's check and
            # transforms (type adaptations) see its CREATE TABLE, met before its data
            self.plan.catalog = self.catalog
        write = self.write
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
                    if self.refuse_passwords and _ACCOUNT.match(event.data):
                        self._account(event)
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
        if self.pool is not None:
            self.pool.drain()
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
                transformer.preview = self.row_hook is not None
                self.transformers[tkey] = transformer
            transformer.start = start  # for messages: the INSERT being read
        return _Current(table, action, stats, transformer, start, time.monotonic())

    def _rows(self, current: _Current, rows: my.Rows) -> None:
        stats = current.stats
        stats.bytes_in += len(rows.data)
        if current.action is TableAction.KEEP:  # copied as is, never split
            stats.rows += rows.count or 0  # counted by the compiled scan
            stats.bytes_out += len(rows.data)
            self.write(rows.data)
        elif current.action is TableAction.TRUNCATE:
            pass
        elif self._get_pool() is not None:

            def deliver(result: tuple[bytes, int]) -> None:
                data, count = result
                self.out.write(data)
                stats.rows += count
                stats.bytes_out += len(data)
                self._tick(current.table.qualified, stats.rows)

            self.pool.submit(_transform_block, (current.table, current.start, rows), deliver)
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
        value_columns = my.insert_columns(catalog, start) or table.columns
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
        self.wanted = sorted({self.positions[i] for i in self.needed} | set(self.generated))
        self._compiled = speedups.enabled() and 0 < len(self.wanted) <= 256
        k = max(self.wanted) + 1 if self.wanted else 0
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
        self._row_pattern = b"".join(parts)
        self._row_re: re.Pattern[bytes] | None = None  # compiled when first needed
        self.ncols = len(table.columns)
        self.rows = 0
        self.last_copy: tuple[bytes, bytes] | None = None
        self.preview = False  # keep the last block as COPY text (--preview)

    def transform(self, block: my.Rows) -> bytes:
        data = block.data
        if self._compiled:
            split = speedups.mysql_split(data, self.wanted, self.nvalues)
            if split is not None:  # None: a bad row, named by the path below
                literals, spans, n = split
                if n == 0:
                    return data
                by_pos: dict[int, Sequence[bytes]] = dict(zip(self.wanted, literals, strict=True))
                self._columns(block, by_pos, n)
                return speedups.join_columns(data, spans, [by_pos[w] for w in self.wanted])[:-1]
        if self._row_re is None:
            self._row_re = re.compile(self._row_pattern)
        rows = self._row_re.findall(data)
        if b"".join(itertools.chain.from_iterable(rows)) != data:
            raise self._bad_row(block)
        n = len(rows)
        if n == 0:
            return data
        cols: list[Sequence[bytes]] = list(zip(*rows, strict=True))
        by_pos = {w: cols[1 + 2 * w] for w in self.wanted}
        self._columns(block, by_pos, n)
        for w in self.wanted:
            cols[1 + 2 * w] = by_pos[w]
        return b"".join(itertools.chain.from_iterable(zip(*cols, strict=True)))

    def _columns(self, block: my.Rows, by_pos: dict[int, Sequence[bytes]], n: int) -> None:
        """Replace the transformed (and generated) columns' literals in ``by_pos``."""
        copy_cols: dict[int, list[bytes]] = {}
        quoted: dict[int, bool] = {}
        for i in self.needed:
            literals = by_pos[self.positions[i]]
            try:
                copy_cols[i], quoted[i] = _column_to_copy(literals)
            except ValueError as exc:
                raise self._value_error(block, literals, i, exc) from None
        out_cols: dict[int, Sequence[bytes]] = {}
        if not self.rt.templates and not self.preview:
            try:  # column by column: the transformer's kernels, caches and unique guards
                for i, fns in self.rt._choices:
                    out_cols[i] = list(self.rt._column(copy_cols[i], fns))
            except (ConfigError, OperationError, ValueError, ArithmeticError):
                out_cols = {}  # the row path below names the table, column and row
        if not out_cols:
            out_cols = self._by_rows(block, copy_cols, n)
        self.rows += n
        for i in self.transformed:
            pos = self.positions[i]
            by_pos[pos] = _column_to_mysql(out_cols[i], by_pos[pos], quoted[i])
        for pos in self.generated:
            by_pos[pos] = [b"DEFAULT"] * n

    def _by_rows(
        self, block: my.Rows, copy_cols: dict[int, list[bytes]], n: int
    ) -> dict[int, Sequence[bytes]]:
        """The rows as COPY text lines through the RowTransformer (templates, preview,
        and the located error of a value a transform cannot read)."""
        blank = [b""] * n
        lines = b"\n".join(
            map(b"\t".join, zip(*(copy_cols.get(i, blank) for i in range(self.ncols)), strict=True))
        )
        self.rt.rows = self.rows
        try:
            out = self.rt.transform_rows(lines)
        except (ConfigError, OperationError) as exc:
            raise type(exc)(
                exc.message.replace("(COPY at ", "(INSERT at ")
                + f" [{self.rt.table.qualified}: rows from line {block.line}]"
            ) from None
        if self.preview:
            self.last_copy = (lines, out)
        out_fields = [line.split(b"\t") for line in out[:-1].split(b"\n")]
        columns = list(zip(*out_fields, strict=True))
        return {i: columns[i] for i in self.transformed}

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


_INNER = operator.itemgetter(slice(1, -1))
_COPY_UNSAFE_ANY = re.compile(rb"[\\\t\n\r]")
_MYSQL_UNSAFE_COPY = re.compile(b"[\\\\'\"\0\x1a\n\r]")
_QUOTED = b"'%b'".__mod__


def _column_to_copy(literals: Sequence[bytes]) -> tuple[list[bytes], bool]:
    """A column of literals -> COPY text fields, and whether all were plain quoted strings
    (then the fields are the literals without their quotes: C-level slicing)."""
    if speedups.enabled():
        fields = speedups.mysql_to_copy(literals)
        if fields is not None:
            return fields, True
    n = len(literals)
    joined = b"".join(literals)
    if (
        joined.count(b"'") == 2 * n
        and _COPY_UNSAFE_ANY.search(joined) is None
        and sum(map(bytes.startswith, literals, itertools.repeat(b"'", n))) == n
    ):
        return list(map(_INNER, literals)), True
    return list(map(_to_copy, literals)), False


def _column_to_mysql(
    fields: Sequence[bytes], originals: Sequence[bytes], all_quoted: bool
) -> list[bytes]:
    if all_quoted and speedups.enabled():
        quoted = speedups.copy_to_mysql(fields)
        if quoted is not None:
            return quoted
    if all_quoted and _MYSQL_UNSAFE_COPY.search(b"".join(fields)) is None:
        return list(map(_QUOTED, fields))
    return list(map(_to_mysql, fields, originals))


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
    if first == 0x27 and literal[-1] == 0x27:
        inner = literal[1:-1]
        if b"'" not in inner.replace(b"\\\\", b"").replace(b"\\'", b""):
            return copytext.escape(my.unescape(inner))  # one string, no '' or 'a' 'b'
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
