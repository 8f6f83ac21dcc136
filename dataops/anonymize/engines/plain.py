"""The plain-format engine: a ``pg_dump -Fp`` SQL script in, an anonymized one out.

The dump is read in 1 MB blocks.  Outside COPY blocks it is cut into lines and
statements (quotes, ``$$`` bodies and comments tracked across lines, so a function
body that contains ``COPY ... FROM stdin;`` or ``\\.`` is never taken for data);
CREATE/ALTER statements go to the :class:`~dataops.anonymize.formats.ddl.Catalog`.  The
first COPY header triggers the plan's check -- by then all pre-data DDL has been
seen -- and only then is anything written.  A COPY block of a kept table is copied
through in big slices without looking at its rows; a transformed one streams
through the plan's transformer; a truncated one keeps its header and terminator.

Fail closed on the dump itself: :class:`~dataops.anonymize.formats.psqlscript.Lexer` reads the SQL as psql would, so a
data block starts exactly where psql would start one (``COPY ... FROM stdin`` in any
case, spacing, quoting or number of lines; ``\\copy ... from stdin``), and whatever
could start one or run hidden SQL without being positively identified -- COPY
options, unknown psql meta-commands, a backslash outside quotes, a stray ``\\.``
line, a CRLF end-of-data line, an input ending inside a statement -- is an error
naming the line.  ``PASSWORD '...'`` clauses of role statements (pg_dumpall) are
dropped unless ``role_passwords="keep"``.

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
from pathlib import Path
from typing import TYPE_CHECKING, Any, BinaryIO

from dataops.anonymize.engine_api import TableAction, TableData, TableStats, check_unambiguous
from dataops.anonymize.formats.ddl import Catalog
from dataops.anonymize.plan import Plan
from dataops.anonymize.speedups import count_lines

if TYPE_CHECKING:
    from dataops.anonymize.engine_api import EngineJob
    from dataops.anonymize.engines.common import RowHook
from dataops.anonymize.formats.psqlscript import Lexer, decode_line
from dataops.anonymize.formats.sqlscan import (
    StatementSplitter,
    is_role_statement_start,
    starts_with_word,
    strip_role_passwords,
)
from dataops.errors import ConfigError, OperationError

log = logging.getLogger(__name__)

BLOCK = 1 << 20
TERMINATOR = b"\\.\n"
CR_TERMINATOR = b"\\.\r\n"
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
        chunk = self._read_block()
        if not chunk:
            self.eof = True
            return False
        if self.pos:
            self.buf = self.buf[self.pos :] + chunk
            self.pos = 0
        else:
            self.buf += chunk
        return True

    def _read_block(self) -> bytes:
        """Up to :data:`BLOCK` bytes, at least half of it unless the input ends: a pipe
        hands out what it holds (64 KB by default), and every short read would cost a
        copy of the buffered rest and a trip through the loops below."""
        chunk = self._read(BLOCK)
        if len(chunk) >= BLOCK // 2 or not chunk:
            return chunk
        parts = [chunk]
        size = len(chunk)
        while size < BLOCK // 2:
            more = self._read(BLOCK - size)
            if not more:
                break
            parts.append(more)
            size += len(more)
        return b"".join(parts)

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
            if buf.startswith(CR_TERMINATOR, pos):
                raise _CrTerminator()
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
                self.lineno += count_lines(data) + 1
                yield data
                return
            cut = buf.rfind(b"\n", pos)
            if cut >= 0 and cut + 1 - pos > 0 and len(buf) - pos > BLOCK // 2:
                data = buf[pos : cut + 1]
                self.pos = cut + 1
                self.consumed += len(data)
                self.lineno += count_lines(data)
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
                self.lineno += count_lines(data)
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
                self.lineno += count_lines(data)
                yield data
        return False

    def copy_views(self) -> Iterator[bytes | memoryview]:
        """Like :meth:`copy_data` (same rows, line count and errors), for data passed on
        untouched: yields views into the read buffer instead of copies, and a row that
        spans two reads is joined on its own instead of the reads being concatenated.
        """
        while True:
            buf, pos = self.buf, self.pos
            if buf.startswith(CR_TERMINATOR, pos):
                raise _CrTerminator()
            if buf.startswith(TERMINATOR, pos):
                self.pos = pos + len(TERMINATOR)
                self.consumed += len(TERMINATOR)
                self.lineno += 1
                return
            end = _find_terminator(buf, pos)
            if end >= 0:
                self.pos = end + 1 + len(TERMINATOR)
                self.consumed += end + 1 - pos + len(TERMINATOR)
                self.lineno += count_lines(buf, pos, end + 1) + 1
                yield memoryview(buf)[pos : end + 1]
                return
            cut = buf.rfind(b"\n", pos)
            if cut >= pos:
                self.consumed += cut + 1 - pos
                self.lineno += count_lines(buf, pos, cut + 1)
                self.pos = cut + 1
                yield memoryview(buf)[pos : cut + 1]
            # the buffer now holds at most a partial line: join it with the next read's start
            rest = self.buf[self.pos :]
            chunk = b"" if self.eof else self._read_block()
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
            if line == CR_TERMINATOR:
                raise _CrTerminator()
            yield line

    def skip_copy_data(self) -> None:
        """Consume a COPY block like :meth:`copy_data` without handing out its rows."""
        for _ in self.copy_views():
            pass


def _find_terminator(buf: bytes, pos: int) -> int:
    """``buf.find(b"\\n\\\\.\\n", pos)``, faster: backslashes are rare in most data, and
    ``find`` of a single byte is a ``memchr``.  Raises _CrTerminator at a ``\\.`` line
    ending in CR LF (psql's other end-of-data line)."""
    i = buf.find(b"\\", pos + 1)
    tries = 0
    while i >= 0:
        if buf[i - 1] == 0x0A:
            if buf.startswith(b".\n", i + 1):
                return i - 1
            if buf.startswith(b".\r\n", i + 1):
                raise _CrTerminator()
        tries += 1
        if tries > 32:  # data full of backslashes: let find() do it
            end = buf.find(b"\n\\.\n", i - 1)
            cr = buf.find(b"\n\\.\r\n", i - 1)
            if cr >= 0 and (end < 0 or cr < end):
                raise _CrTerminator()
            return end
        i = buf.find(b"\\", i + 1)
    return -1


class _Truncated(Exception):
    pass


class _CrTerminator(Exception):
    """A ``\\.`` line ending in CR LF: psql ends the data there, so must we (we refuse)."""


@dataclass
class Scan:
    """What a pre-pass over a plain dump found."""

    catalog: Catalog
    tables: list[TableData] = field(default_factory=list)


def scan_file(path: Path) -> Scan:
    """:func:`scan` of a (possibly compressed) dump file."""
    from dataops.anonymize.formats import compression

    try:
        raw = path.open("rb", buffering=0)
    except OSError as exc:
        raise ConfigError(f"cannot read {path}: {exc.strerror}") from None
    with raw:
        return scan(compression.reader(raw, str(path)))


def scan(source: BinaryIO) -> Scan:
    """First pass: the whole catalog and every data section, skipping rows quickly."""
    src = _Input(source)
    result = Scan(Catalog())
    lexer = Lexer()
    while True:
        line = src.readline()
        if not line:
            break
        kind, value = lexer.line(line, src.lineno)
        if kind == "copy":
            table = value
            result.tables.append(table)
            try:
                src.skip_copy_data()
            except _Truncated:
                raise _truncated(table, None) from None
            except _CrTerminator:
                raise _cr_terminator(table) from None
            continue
        if kind == "sql":
            for stmt in value:
                result.catalog.add_sql(stmt, f"line {src.lineno}")
    _check_end(lexer)
    check_unambiguous(result.tables)
    return result


def _truncated(table: TableData, lineno: int | None) -> ConfigError:
    where = f", input line {lineno}" if lineno is not None else ""
    return ConfigError(
        f"the dump ends inside the data of {table.qualified} (COPY at {table.location}{where}); "
        "it is truncated"
    )


def _cr_terminator(table: TableData) -> ConfigError:
    return ConfigError(
        f"the data of {table.qualified} (COPY at {table.location}) ends with a \\. line in "
        "CRLF line endings: psql accepts it but it cannot be anonymized safely; convert the "
        "dump's line endings"
    )


def _check_end(lexer: Lexer) -> None:
    if not lexer.at_boundary:
        raise ConfigError(
            f"the dump ends inside a statement that starts at line {lexer.statement_line}; "
            "it is truncated (or not a PostgreSQL dump)"
        )


def anonymize_plain(
    plan: Plan,
    source: BinaryIO,
    out: BinaryIO,
    *,
    prescan: Scan | None = None,
    progress: Progress | None = None,
    jobs: int | None = 1,
    role_passwords: str = "drop",
    row_hook: RowHook | None = None,
    preview_rows: int | None = None,
) -> list[TableStats]:
    """Stream ``source`` (a plain dump) to ``out``; return per-table statistics.

    Nothing is written to ``out`` before the plan has accepted the dump.  With
    ``jobs`` > 1 (None: one per CPU) the rows of transformed tables are transformed
    in that many worker processes, in slices, and written back in order.
    ``role_passwords="drop"`` removes the ``PASSWORD '...'`` clauses of the
    ``CREATE/ALTER ROLE`` statements pg_dumpall writes (``keep``: pass them through).
    With ``preview_rows`` (``--preview``), the first rows of each transformed table go
    through the transformer and to ``row_hook``, and no row is written.
    """
    engine = _PlainEngine(plan, source, out, prescan, progress, role_passwords)
    engine.jobs = _default_jobs() if jobs is None else max(1, jobs)
    engine.preview_rows, engine.row_hook = preview_rows, row_hook
    try:
        stats = engine.run()
        if engine.role_passwords_dropped:
            log.info(
                "anonymize.role_passwords_dropped",
                extra={"count": engine.role_passwords_dropped},
            )
        return stats
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
    """The ``plain`` entry of :data:`dataops.anonymize.run.ENGINES`.

    Its own first step is the pre-scan: the whole catalog before any data is read --
    handed over (``job.catalog``, e.g. ``--source`` dumped the schema first), or read
    from a regular input file in a quick pass; a stream is checked table by table.
    """
    assert job.stream is not None and job.output is not None
    prescan: Scan | None = None
    if isinstance(job.catalog, Catalog):
        prescan = Scan(job.catalog, job.catalog.data_tables())
    elif job.input_path is not None and job.input_path.is_file():
        prescan = scan_file(job.input_path)
    return anonymize_plain(
        job.plan,
        job.stream,
        job.output,
        prescan=prescan,
        progress=job.progress,
        jobs=job.jobs,
        role_passwords=job.role_passwords,
        row_hook=job.row_hook,
        preview_rows=job.preview_rows,
    )


class _PlainEngine:
    def __init__(
        self,
        plan: Plan,
        source: BinaryIO,
        out: BinaryIO,
        prescan: Scan | None,
        progress: Progress | None,
        role_passwords: str = "drop",
    ) -> None:
        self.plan = plan
        self.src = _Input(source)
        self.out = out
        self.prescan = prescan
        self.catalog = prescan.catalog if prescan is not None else Catalog()
        self.progress = progress
        self.rows_done = 0
        self.jobs = 1
        self.pools: dict[str, Any] = {}  # "threads" / "processes" -> a pool (engines/pieces)
        self.pending: list[bytes] | None = []  # output held back until the plan is checked
        self.stats: list[TableStats] = []
        self.tables_seen: list[TableData] = []
        self.names: dict[str, TableData] = {}  # qualified name -> the first table so named
        self.lexer = Lexer()
        self.lo_empty = plan.large_objects == "empty"
        self.drop_passwords = role_passwords == "drop"
        self.held: list[bytes] | None = None  # a role statement, until it is complete
        self.role_passwords_dropped = 0
        self._last_progress = 0.0
        self.preview_rows: int | None = None  # --preview: rows per table to the row hook
        self.row_hook: RowHook | None = None

    def _get_pool(self, table: TableData) -> Any:
        """Worker threads for a table transformed wholly in C (it releases the GIL), else
        worker processes; None with one job."""
        if self.jobs <= 1:
            return None
        from dataops.anonymize.engines.pieces import OrderedPool, ThreadPool

        threads = bool(getattr(self.plan.transformer(table), "gil_free", False))
        kind = "threads" if threads else "processes"
        if kind not in self.pools:
            prepare = getattr(self.plan, "prepare", None)
            if prepare is not None:
                prepare()  # Faker pools etc. built once (inherited by forked workers)
            pool_type = ThreadPool if threads else OrderedPool
            self.pools[kind] = pool_type(self.jobs, self.plan)
        return self.pools[kind]

    def close_pool(self, ok: bool) -> None:
        pools, self.pools = self.pools, {}
        for pool in pools.values():
            if ok:
                pool.close()
            else:
                pool.terminate()

    def write(self, data: bytes | memoryview) -> None:
        if self.held is not None:
            self.held.append(bytes(data))
        elif self.pending is not None:
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
        lexer = self.lexer
        feed_catalog = self.prescan is None
        while True:
            line = src.readline()
            if not line:
                break
            at_start = lexer.at_boundary
            if at_start and self.lo_empty and line.startswith(b"SELECT pg_catalog.lowrite("):
                continue  # large object contents dropped; lo_create/lo_open/lo_close stay
            if at_start and self.drop_passwords and is_role_statement_start(decode_line(line)):
                self.held = []
            kind, value = lexer.line(line, src.lineno)
            self.write(line)
            if kind == "sql":
                for stmt in value:
                    if feed_catalog or starts_with_word(stmt, "insert"):
                        self.catalog.add_sql(stmt, f"line {src.lineno}")
            if self.held is not None and lexer.at_boundary:
                self._release_held()
            if kind == "copy":
                if self.pending is not None:
                    self._check()
                self._copy_block(value)
        _check_end(lexer)
        if self.held is not None:
            self._release_held()
        if self.pending is not None:
            self._check()
        elif self.prescan is None:
            # post-data constraints (keys, foreign keys) arrive after the data on a stream
            self.plan.check(self.catalog, self.tables_seen)
        if self.progress is not None:
            self.progress("", src.consumed)
        return self.stats

    def _release_held(self) -> None:
        """Write a held role statement without its password clauses."""
        held, self.held = self.held, None
        assert held is not None
        text = decode_line(b"".join(held))
        splitter = StatementSplitter()
        statements = list(splitter.feed(text))
        done = sum(len(stmt) for stmt in statements)
        out = []
        for stmt in statements:
            stripped, count = strip_role_passwords(stmt)
            self.role_passwords_dropped += count
            out.append(stripped)
        out.append(text[done:])
        self.write("".join(out).encode("utf-8", "surrogateescape"))

    def _copy_block(self, table: TableData) -> None:
        self.tables_seen.append(table)
        known = self.names.setdefault(table.qualified, table)
        if (known.schema, known.table) != (table.schema, table.table):
            check_unambiguous([known, table])
        self.plan.check_table(table)
        action = self.plan.action(table)
        stats = TableStats(table.qualified, action.value)
        started = time.monotonic()
        start_bytes = self.src.consumed
        first_line = self.src.lineno
        out_bytes = 0
        try:
            if action is TableAction.TRANSFORM:
                stats.columns_transformed = self.plan.transformed_columns(table)
                pool = None if self.preview_rows is not None else self._get_pool(table)
                if self.preview_rows is not None:
                    stats.rows = self._preview(table, self.preview_rows)
                elif pool is not None:
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
                for view in self.src.copy_views():
                    out_bytes += len(view)
                    self.write(view)
                    self._tick(table.qualified, self.src.lineno - first_line)
                stats.rows = self.src.lineno - first_line - 1  # less the terminator line
            else:
                for _ in self.src.copy_views():
                    self._tick(table.qualified, self.src.lineno - first_line)
                stats.rows = self.src.lineno - first_line - 1
        except _Truncated:
            raise _truncated(table, self.src.lineno) from None
        except _CrTerminator:
            raise _cr_terminator(table) from None
        data_lines = self.src.lineno - first_line - 1
        if action is TableAction.TRANSFORM and data_lines > 0 and stats.rows != data_lines:
            raise OperationError(
                f"{table.qualified} (COPY at {table.location}): {data_lines} data lines but "
                f"{stats.rows} rows transformed; refusing to write an output that may hold "
                "original values"
            )
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

    def _preview(self, table: TableData, rows: int) -> int:
        """--preview: the block's first ``rows`` rows through :func:`common.preview` (to
        the row hook), nothing written; returns the block's data lines."""
        from dataops.anonymize.engines.common import preview

        first = self.src.lineno
        head = bytearray()
        lines_before = 0  # data lines before the current view
        for view in self.src.copy_views():
            if lines_before < rows:
                head += view
            lines_before = self.src.lineno - first
            self._tick(table.qualified, lines_before)
        preview(self.plan, table, bytes(head), rows, self.row_hook)
        return self.src.lineno - first - 1  # less the terminator line

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
        piece_size = getattr(pool, "piece_size", BLOCK // 2)
        first = self.src.lineno
        rows_before = 0  # rows submitted so far: input lines since the header
        for view in self.src.copy_views():
            parts.append(view)
            size += len(view)
            if size >= piece_size:  # a slice: one copy of the rows (a row spanning two
                piece = bytes(view) if len(parts) == 1 else b"".join(parts)  # reads: joined)
                pool.submit(transform_piece, (table, piece, MODE_RAW, 0, rows_before), deliver)
                rows_before = self.src.lineno - first  # counted by copy_views already
                parts, size = [], 0
        if parts:
            piece = b"".join(parts)
            pool.submit(transform_piece, (table, piece, MODE_RAW, 0, rows_before), deliver)
        pool.drain()
        return written[0]
