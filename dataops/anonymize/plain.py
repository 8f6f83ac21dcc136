"""The plain-format engine: a ``pg_dump -Fp`` SQL script in, an anonymized one out.

The dump is read in 1 MB blocks.  Outside COPY blocks it is cut into lines and
statements (quotes, ``$$`` bodies and comments tracked across lines, so a function
body that contains ``COPY ... FROM stdin;`` or ``\\.`` is never taken for data);
CREATE/ALTER statements go to the :class:`~dataops.anonymize.ddl.Catalog`.  The
first COPY header triggers the plan's check -- by then all pre-data DDL has been
seen -- and only then is anything written.  A COPY block of a kept table is copied
through in big slices without looking at its rows; a transformed one streams
through the plan's transformer; a truncated one keeps its header and terminator.

When the input is a regular file, a quick first pass (which skips COPY data with
``bytes.find``) collects the whole catalog, post-data constraints included, so the
check sees PRIMARY KEY / UNIQUE / FOREIGN KEY constraints before any output.  On a
stream the constraint checks are repeated at the end, and a failure still fails the
run (the atomic output is then removed).
"""

from __future__ import annotations

import logging
import os
import time
from collections.abc import Callable, Generator, Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, BinaryIO

from dataops.anonymize.ddl import Catalog, parse_copy_header
from dataops.anonymize.engine_api import TableAction, TableData, TableStats
from dataops.anonymize.plan import Plan

if TYPE_CHECKING:
    from dataops.anonymize.run import EngineJob
from dataops.anonymize.sqlscan import StatementSplitter
from dataops.errors import OperationError

log = logging.getLogger(__name__)

BLOCK = 1 << 20
TERMINATOR = b"\\.\n"
Progress = Callable[..., None]  # (current table, input bytes consumed, rows so far)


class _Input:
    """A byte source read in big blocks, handing out lines or raw data."""

    def __init__(self, source: BinaryIO) -> None:
        self.source = source
        self.buf = b""
        self.pos = 0
        self.consumed = 0  # bytes handed out so far
        self.lineno = 0  # lines handed out so far
        self.eof = False
        reader = getattr(source, "read1", None)
        self._read: Callable[[int], bytes] = reader if reader is not None else source.read

    def _fill(self) -> bool:
        if self.eof:
            return False
        chunk = self._read(BLOCK)
        if not chunk:
            self.eof = True
            return False
        if self.pos:
            self.buf = self.buf[self.pos :] + chunk
            self.pos = 0
        else:
            self.buf += chunk
        return True

    def readline(self) -> bytes:
        while True:
            i = self.buf.find(b"\n", self.pos)
            if i >= 0:
                line = self.buf[self.pos : i + 1]
                self.pos = i + 1
                self.consumed += len(line)
                self.lineno += 1
                return line
            if not self._fill():
                line = self.buf[self.pos :]
                self.buf = b""
                self.pos = 0
                self.consumed += len(line)
                if line:
                    self.lineno += 1
                return line

    def copy_data(self) -> Iterator[bytes]:
        """Yield the rows of a COPY block in slices of whole lines; consume the terminator.

        Raises _Truncated when the input ends before the ``\\.`` line.
        """
        while True:
            buf, pos = self.buf, self.pos
            if buf.startswith(TERMINATOR, pos):
                self.pos = pos + len(TERMINATOR)
                self.consumed += len(TERMINATOR)
                self.lineno += 1
                return
            end = _find_terminator(buf, pos)
            if end >= 0:
                data = buf[pos : end + 1]
                self.pos = end + 1 + len(TERMINATOR)
                self.consumed += len(data) + len(TERMINATOR)
                self.lineno += data.count(b"\n") + 1
                yield data
                return
            cut = buf.rfind(b"\n", pos)
            if cut >= 0 and cut + 1 - pos > 0 and len(buf) - pos > BLOCK // 2:
                data = buf[pos : cut + 1]
                self.pos = cut + 1
                self.consumed += len(data)
                self.lineno += data.count(b"\n")
                yield data
                continue
            if not self._fill():
                if (yield from self._copy_data_eof()):
                    return
                raise _Truncated()

    def _copy_data_eof(self) -> Generator[bytes, None, bool]:
        """The input ended inside COPY data: the last whole lines, if any; True when
        what is left is the terminator without its newline."""
        rest = self.buf[self.pos :]
        if rest == b"\\." or rest.endswith(b"\n\\."):  # terminator without a final newline
            data = rest[:-2]
            if data:
                self.consumed += len(data)
                self.lineno += data.count(b"\n")
                yield data
            self.pos = len(self.buf)
            self.consumed += 2
            self.lineno += 1
            return True
        if rest:
            cut = rest.rfind(b"\n")
            if cut >= 0:
                data = rest[: cut + 1]
                self.pos += cut + 1
                self.consumed += len(data)
                self.lineno += data.count(b"\n")
                yield data
        return False

    def copy_views(self) -> Iterator[bytes | memoryview]:
        """Like :meth:`copy_data` (same rows, line count and errors), for data passed on
        untouched: yields views into the read buffer instead of copies, and a row that
        spans two reads is joined on its own instead of the reads being concatenated.
        """
        while True:
            buf, pos = self.buf, self.pos
            if buf.startswith(TERMINATOR, pos):
                self.pos = pos + len(TERMINATOR)
                self.consumed += len(TERMINATOR)
                self.lineno += 1
                return
            end = _find_terminator(buf, pos)
            if end >= 0:
                self.pos = end + 1 + len(TERMINATOR)
                self.consumed += end + 1 - pos + len(TERMINATOR)
                self.lineno += buf.count(b"\n", pos, end + 1) + 1
                yield memoryview(buf)[pos : end + 1]
                return
            cut = buf.rfind(b"\n", pos)
            if cut >= pos:
                self.consumed += cut + 1 - pos
                self.lineno += buf.count(b"\n", pos, cut + 1)
                self.pos = cut + 1
                yield memoryview(buf)[pos : cut + 1]
            # the buffer now holds at most a partial line: join it with the next read's start
            rest = self.buf[self.pos :]
            chunk = b"" if self.eof else self._read(BLOCK)
            if not chunk:
                self.eof = True
                if (yield from self._copy_data_eof()):
                    return
                raise _Truncated()
            nl = chunk.find(b"\n")
            if nl < 0 or rest == b"\\." or not rest:
                self.buf, self.pos = rest + chunk, 0  # a line longer than a read: join
                continue
            line = rest + chunk[: nl + 1]
            self.buf, self.pos = chunk, nl + 1
            self.consumed += len(line)
            self.lineno += 1
            if line == TERMINATOR:
                return
            yield line

    def skip_copy_data(self) -> None:
        """Consume a COPY block like :meth:`copy_data` without handing out its rows."""
        for _ in self.copy_views():
            pass


def _find_terminator(buf: bytes, pos: int) -> int:
    """``buf.find(b"\\n\\\\.\\n", pos)``, faster: backslashes are rare in most data, and
    ``find`` of a single byte is a ``memchr``."""
    i = buf.find(b"\\", pos + 1)
    tries = 0
    while i >= 0:
        if buf[i - 1] == 0x0A and buf.startswith(b".\n", i + 1):
            return i - 1
        tries += 1
        if tries > 32:  # data full of backslashes: let find() do it
            return buf.find(b"\n\\.\n", i - 1)
        i = buf.find(b"\\", i + 1)
    return -1


class _Truncated(Exception):
    pass


@dataclass
class Scan:
    """What a pre-pass over a plain dump found."""

    catalog: Catalog
    tables: list[TableData] = field(default_factory=list)


def _decode(line: bytes) -> str:
    return line.decode("utf-8", "surrogateescape")


def _is_meta(line: bytes) -> bool:
    """psql meta-commands pg_dump writes: ``\\connect``, ``\\restrict``, ``\\unrestrict``."""
    return line.startswith(b"\\")


def _copy_header(line: bytes, splitter: StatementSplitter, lineno: int) -> TableData | None:
    if not line.startswith(b"COPY ") or not splitter.at_statement_start:
        return None
    parsed = parse_copy_header(_decode(line))
    if parsed is None:
        if line.rstrip().endswith(b"FROM stdin;"):
            raise OperationError(f"line {lineno}: cannot parse the COPY header")
        return None
    schema, table, columns = parsed
    return TableData(schema, table, columns, f"line {lineno}")


def scan(source: BinaryIO) -> Scan:
    """First pass: the whole catalog and every data section, skipping rows quickly."""
    src = _Input(source)
    result = Scan(Catalog())
    splitter = StatementSplitter()
    while True:
        line = src.readline()
        if not line:
            break
        table = _copy_header(line, splitter, src.lineno)
        if table is not None:
            result.tables.append(table)
            try:
                src.skip_copy_data()
            except _Truncated:
                raise OperationError(
                    f"the dump ends inside the data of {table.qualified} (COPY at {table.location}); "
                    "it is truncated"
                ) from None
            continue
        if splitter.at_statement_start and _is_meta(line):
            continue
        for stmt in splitter.feed(_decode(line)):
            result.catalog.add_sql(stmt, f"line {src.lineno}")
    return result


def anonymize_plain(
    plan: Plan,
    source: BinaryIO,
    out: BinaryIO,
    *,
    prescan: Scan | None = None,
    progress: Progress | None = None,
    jobs: int | None = 1,
) -> list[TableStats]:
    """Stream ``source`` (a plain dump) to ``out``; return per-table statistics.

    Nothing is written to ``out`` before the plan has accepted the dump.  With
    ``jobs`` > 1 (None: one per CPU) the rows of transformed tables are transformed
    in that many worker processes, in slices, and written back in order.
    """
    engine = _PlainEngine(plan, source, out, prescan, progress)
    engine.jobs = _default_jobs() if jobs is None else max(1, jobs)
    try:
        return engine.run()
    except BaseException:
        engine.close_pool(ok=False)
        raise
    finally:
        engine.close_pool(ok=True)


def _default_jobs() -> int:
    return (
        len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)
    )


def engine(job: EngineJob) -> list[TableStats]:
    """The ``plain`` entry of :data:`dataops.anonymize.run.ENGINES`."""
    assert job.stream is not None and job.output is not None
    return anonymize_plain(
        job.plan, job.stream, job.output, prescan=job.prescan, progress=job.progress, jobs=job.jobs
    )


class _PlainEngine:
    def __init__(
        self,
        plan: Plan,
        source: BinaryIO,
        out: BinaryIO,
        prescan: Scan | None,
        progress: Progress | None,
    ) -> None:
        self.plan = plan
        self.src = _Input(source)
        self.out = out
        self.prescan = prescan
        self.catalog = prescan.catalog if prescan is not None else Catalog()
        self.progress = progress
        self.rows_done = 0
        self.jobs = 1
        self.pool: Any = None
        self.pending: list[bytes] | None = []  # output held back until the plan is checked
        self.stats: list[TableStats] = []
        self.tables_seen: list[TableData] = []
        self.splitter = StatementSplitter()
        self.lo_empty = plan.large_objects == "empty"
        self._last_progress = 0.0

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

    def write(self, data: bytes | memoryview) -> None:
        if self.pending is not None:
            self.pending.append(bytes(data))
        else:
            self.out.write(data)

    def _check(self) -> None:
        tables = self.prescan.tables if self.prescan is not None else self.catalog.data_tables()
        self.plan.check(self.catalog, tables)
        pending, self.pending = self.pending, None
        if pending:
            self.out.write(b"".join(pending))

    def _tick(self, table: str, rows: int) -> None:
        if self.progress is None:
            return
        now = time.monotonic()
        if now - self._last_progress >= 0.2:
            self._last_progress = now
            self.progress(table, self.src.consumed, self.rows_done + rows)

    def run(self) -> list[TableStats]:
        src = self.src
        feed_catalog = self.prescan is None
        while True:
            line = src.readline()
            if not line:
                break
            table = _copy_header(line, self.splitter, src.lineno)
            if table is not None:
                if self.pending is not None:
                    self._check()
                self._copy_block(line, table)
                continue
            if self.splitter.at_statement_start:
                if _is_meta(line):
                    self.write(line)
                    continue
                if self.lo_empty and line.startswith(b"SELECT pg_catalog.lowrite("):
                    continue  # large object contents dropped; lo_create/lo_open/lo_close stay
            for stmt in self.splitter.feed(_decode(line)):
                if feed_catalog or stmt.lstrip().upper().startswith("INSERT INTO"):
                    self.catalog.add_sql(stmt, f"line {src.lineno}")
            self.write(line)
        if self.pending is not None:
            self._check()
        elif self.prescan is None:
            # post-data constraints (keys, foreign keys) arrive after the data on a stream
            self.plan.check(self.catalog, self.tables_seen)
        if self.progress is not None:
            self.progress("", src.consumed)
        return self.stats

    def _copy_block(self, header: bytes, table: TableData) -> None:
        self.tables_seen.append(table)
        self.plan.check_table(table)
        action = self.plan.action(table)
        stats = TableStats(table.qualified, action.value)
        started = time.monotonic()
        start_bytes = self.src.consumed
        self.write(header)
        out_bytes = 0
        try:
            if action is TableAction.TRANSFORM:
                stats.columns_transformed = self.plan.transformed_columns(table)
                pool = self._get_pool()
                if pool is not None:
                    out_bytes = self._transform_parallel(pool, table, stats)
                else:
                    transformer = self.plan.transformer(table)
                    for data in self.src.copy_data():
                        result = transformer.feed(data)
                        out_bytes += len(result)
                        self.write(result)
                        self._tick(table.qualified, transformer.rows)
                    self.write(transformer.finish())
                    stats.rows = transformer.rows
            elif action is TableAction.KEEP:
                first_line = self.src.lineno
                for view in self.src.copy_views():
                    out_bytes += len(view)
                    self.write(view)
                    self._tick(table.qualified, self.src.lineno - first_line)
                stats.rows = self.src.lineno - first_line - 1  # less the terminator line
            else:
                first_line = self.src.lineno
                for _ in self.src.copy_views():
                    self._tick(table.qualified, self.src.lineno - first_line)
                stats.rows = self.src.lineno - first_line - 1
        except _Truncated:
            raise OperationError(
                f"the dump ends inside the data of {table.qualified} (COPY at {table.location}, "
                f"input line {self.src.lineno}); it is truncated"
            ) from None
        self.write(TERMINATOR)
        stats.seconds = time.monotonic() - started
        stats.bytes_in = self.src.consumed - start_bytes
        stats.bytes_out = out_bytes
        self.rows_done += stats.rows
        self.stats.append(stats)
        log.debug(
            "anonymize.table",
            extra={"table": table.qualified, "action": action.value, "rows": stats.rows},
        )

    def _transform_parallel(self, pool: Any, table: TableData, stats: TableStats) -> int:
        from dataops.anonymize.engines.pieces import MODE_RAW, transform_piece

        written = [0]

        def deliver(result: Any) -> None:
            self.write(result.data)
            written[0] += len(result.data)
            stats.rows += result.rows
            self._tick(table.qualified, stats.rows)

        parts: list[bytes | memoryview] = []  # whole rows, views into the reads
        size = 0
        for view in self.src.copy_views():
            parts.append(view)
            size += len(view)
            if size >= BLOCK // 2:  # a slice: one copy of the rows (a row spanning two
                piece = bytes(view) if len(parts) == 1 else b"".join(parts)  # reads: joined)
                pool.submit(transform_piece, (table, piece, MODE_RAW, 0), deliver)
                parts, size = [], 0
        if parts:
            pool.submit(transform_piece, (table, b"".join(parts), MODE_RAW, 0), deliver)
        pool.drain()
        return written[0]
