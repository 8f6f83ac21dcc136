"""Streaming COPY-text transformer for one table (the CopyTransformer of engine_api).

Rows are split only as far as the last transformed column needs
(``split(b"\\t", maxsplit)``); each transformed field goes through a cached
``escaped bytes -> escaped bytes`` column function, so NULLs, unescaping and
re-escaping cost nothing on a cache hit.  Columns that are kept are never
touched: the bytes of the row around them are re-joined as they were.
"""

from __future__ import annotations

import functools
import gc
import itertools
import operator
import threading
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from dataops.anonymize import speedups
from dataops.anonymize.engine_api import TableData
from dataops.anonymize.formats import copytext
from dataops.anonymize.transforms.base import Kernel, ValueFn
from dataops.errors import ConfigError, OperationError

ColumnFn = Callable[[bytes], bytes]
UNIQUE_CHECK_LIMIT = 200_000


class UniqueGuard:
    """Detects two different inputs of one column mapping to the same output.

    Keeps (hash(output) -> hash(input)) for the first ``limit`` distinct values of
    the column (bounded memory); beyond that, uniqueness rests on the transform's
    construction (>= 80-bit keyed hash).
    """

    def __init__(self, where: str, limit: int = UNIQUE_CHECK_LIMIT) -> None:
        self.where = where
        self.limit = limit
        self.seen: dict[int, int] = {}

    def check_block(self, ins: Sequence[bytes], outs: Sequence[bytes]) -> None:
        """The same check for a whole column block, with set operations in C."""
        if len(set(outs)) != len(set(ins)):
            self.collision()
        seen = self.seen
        if len(seen) >= self.limit:
            return
        pairs = dict(zip(map(hash, outs), map(hash, ins), strict=True))
        for h_out in pairs.keys() & seen.keys():
            if seen[h_out] != pairs[h_out]:
                self.collision()
        seen.update(pairs)

    def collision(self) -> None:
        """Raise the collision error (the compiled loop calls it when it finds one)."""
        raise OperationError(
            f"unique: two different values of {self.where} were anonymized to the same "
            "value (a collision); change the transform's parameters (e.g. a longer hash)"
        )

    def check(self, raw: bytes, out: bytes) -> None:
        seen = self.seen
        if len(seen) >= self.limit:
            return
        h_in = hash(raw)
        if seen.setdefault(hash(out), h_in) != h_in:
            self.collision()


@dataclass(frozen=True)
class ColumnFns:
    """How to transform one column: per value with or without the LRU cache, or a whole
    column at once with a kernel (C-level map chains); the transformer picks per block."""

    cached: ColumnFn
    raw: ColumnFn
    kernel: Kernel | None = None
    guard: UniqueGuard | None = None


@dataclass
class TemplateColumn:
    index: int
    name: str
    fn: Callable[[bytes, Mapping[str, bytes | None]], bytes | None]
    refs: list[str] = field(default_factory=list)


# a column block with more than this share of distinct values skips the LRU cache
DISTINCT_SHARE_UNCACHED = 0.5
DISTINCT_SAMPLE = 1024
_BACKSLASH = itertools.repeat(b"\\")


def _run_kernel(kernel: Kernel, column: Sequence[bytes]) -> Iterable[bytes] | None:
    """Apply a kernel to a column block; NULLs pass, other escaped values decline it."""
    if isinstance(kernel, speedups.FieldKernel):
        return kernel(column)  # compiled: handles NULLs and declines escapes itself
    escaped = sum(map(operator.contains, column, _BACKSLASH))
    if not escaped:
        return kernel(column)
    nulls = column.count(copytext.NULL)
    if nulls != escaped:
        return None  # values with escapes: the per-value path unescapes them
    positions = []
    at = -1
    for _ in range(nulls):
        at = column.index(copytext.NULL, at + 1)
        positions.append(at)
    values = list(column)
    for at in positions:
        values[at] = b""
    result = kernel(values)
    if result is None:
        return None
    out = list(result)
    for at in positions:
        out[at] = copytext.NULL
    return out


def _column_list(column: Sequence[bytes], fns: ColumnFns) -> list[bytes]:
    return list(RowTransformer._column(column, fns))


class RowTransformer:
    """feed()/finish() over one table's COPY text data; counts rows.

    Rows of a block are split (only as far as the last transformed column), the
    fields transposed into columns with ``zip(*rows)``, each transformed column
    mapped through its function, and the rows re-joined.  With the compiled module
    the whole loop is one :class:`speedups.Program` call per block; this Python path
    is the reference it must equal byte for byte.
    """

    def __init__(
        self,
        table: TableData,
        columns: Sequence[str],
        fns: Sequence[tuple[int, ColumnFns]],
        templates: Sequence[TemplateColumn] = (),
        programs: dict[object, speedups.Program] | None = None,
    ) -> None:
        self.table = table
        self.columns = list(columns)
        self.ncols = len(self.columns)
        self.fns: list[tuple[int, ColumnFn]] = [(i, f.cached) for i, f in fns]
        self._choices = list(fns)
        self.templates = list(templates)
        self.rows = 0
        self.row_offset = 0  # rows before this transformer's data (a piece of a table)
        self._tail = b""
        indexes = [i for i, _ in self.fns] + [t.index for t in self.templates]
        for t in self.templates:
            indexes.extend(self.columns.index(r) for r in t.refs if r in self.columns)
        self.max_index = max(indexes) if indexes else -1
        if self.max_index + 2 >= self.ncols:
            self.maxsplit = -1  # split the whole row
            self.width = self.ncols
        else:
            self.maxsplit = self.max_index + 1  # the rest of the row stays one field
            self.width = self.max_index + 2
        # compiled: the whole split -> transform -> join loop of a block in C
        self._program: speedups.Program | None = None
        if speedups.enabled() and self._choices and not self.templates:
            self._program = self._get_program(programs)

    @property
    def gil_free(self) -> bool:
        """Every transformed column runs in C, which releases the GIL: threads can share
        the work (see engines/pieces.py) instead of processes."""
        return self._program is not None and all(
            isinstance(fns.kernel, speedups.FieldKernel) for _, fns in self._choices
        )

    def _get_program(self, programs: dict[object, speedups.Program] | None) -> speedups.Program:
        """The table's program: one per thread and plan (``programs``, kept by the plan), so
        the value caches and unique guards carry over from piece to piece like the Python
        path's, and no two threads share one."""
        key = (
            threading.get_ident(),
            self.ncols,
            self.maxsplit,
            tuple((i, id(fns)) for i, fns in self._choices),
        )
        program = programs.get(key) if programs is not None else None
        if program is None:
            program = self._build_program()
            if programs is not None:
                programs[key] = program
        return program

    def _build_program(self) -> speedups.Program:
        """C ops for the columns whose kernel has one (the per-value Python function as the
        fallback for values it declines); the other columns go through :meth:`_column`."""
        columns: list[speedups.ProgramColumn] = []
        for i, fns in sorted(self._choices, key=operator.itemgetter(0)):
            if isinstance(fns.kernel, speedups.FieldKernel):
                collision = fns.guard.collision if fns.guard is not None else None
                columns.append((i, fns.kernel.op, fns.raw, collision))
            else:
                columns.append((i, None, functools.partial(_column_list, fns=fns), None))
        return speedups.Program(self.ncols, self.maxsplit, columns)

    def feed(self, chunk: bytes) -> bytes:
        data = self._tail + chunk if self._tail else chunk
        cut = data.rfind(b"\n")
        if cut < 0:
            self._tail = data
            return b""
        self._tail = data[cut + 1 :]
        if not self.fns and not self.templates:
            self.rows += data.count(b"\n", 0, cut + 1)
            return data[: cut + 1]
        return self.transform_rows(data[:cut])

    def finish(self) -> bytes:
        if self._tail:
            raise OperationError(
                f"{self.table.qualified}: the data ends inside a row"
                + (f" ({self.table.location})" if self.table.location else "")
                + "; the dump is truncated or damaged"
            )
        return b""

    def transform_rows(self, block: bytes) -> bytes:
        """Transform complete rows (``block`` without its final newline) -> rows + newline."""
        rows_before = self.rows
        try:
            if self.templates:
                return self._process_templates(block)
            gc_was_enabled = gc.isenabled()
            gc.disable()  # millions of short-lived lists/tuples: collections would cost ~half
            try:
                return self._columnar(block)
            finally:
                if gc_was_enabled:
                    gc.enable()
        except (OperationError, ValueError, ArithmeticError) as exc:
            raise self._locate(block, rows_before, exc) from None

    def _locate(self, block: bytes, rows_before: int, exc: Exception) -> Exception:
        """The error of the first value that fails, named by table, column and row (never
        by its value, which is what is being anonymized)."""
        message = exc.message if isinstance(exc, OperationError) else str(exc)
        for n, line in enumerate(block.split(b"\n")):
            fields = line.split(b"\t")
            if len(fields) != self.ncols:
                continue
            for i, fns in self._choices:
                try:
                    fns.raw(fields[i])
                except (OperationError, ValueError, ArithmeticError) as err:
                    # this value's own message, so the column and the reason agree
                    why = err.message if isinstance(err, OperationError) else str(err)
                    row = self.row_offset + rows_before + n + 1
                    return ConfigError(  # bad input (exit 2), named without its value
                        f"{self.table.qualified}, column {self.columns[i]}, row {row}"
                        + (f" (COPY at {self.table.location})" if self.table.location else "")
                        + f": {why}"
                    )
        return exc if isinstance(exc, OperationError) else OperationError(message)

    def _columnar(self, block: bytes) -> bytes:
        if self._program is not None:
            done = self._program.run(block)
            if done is not None:  # None: a bad row, reported by the path below
                out, rows = done
                self.rows += rows
                return out
        lines = block.split(b"\n")
        maxsplit = self.maxsplit
        parts = [line.split(b"\t", maxsplit) for line in lines]
        width = self.width
        lengths = set(map(len, parts))
        if lengths != {width}:
            for n, p in enumerate(parts):
                if len(p) != width:
                    raise self._bad_row(lines[n], n)
        cols: list[Any] = list(zip(*parts, strict=True))
        for i, fns in self._choices:
            cols[i] = self._column(cols[i], fns)
        self.rows += len(lines)
        return b"\n".join(map(b"\t".join, zip(*cols, strict=True))) + b"\n"

    @staticmethod
    def _column(column: Sequence[bytes], fns: ColumnFns) -> Iterable[bytes]:
        """One block of one column: a kernel for columns of mostly distinct values, the
        cached per-value function for repetitive ones, the uncached one otherwise."""
        many = len(column) >= 64
        sample = column[:DISTINCT_SAMPLE]
        mostly_distinct = (
            many and fns.guard is None and len(set(sample)) > DISTINCT_SHARE_UNCACHED * len(sample)
        )
        if fns.kernel is not None and (mostly_distinct or fns.guard is not None or not many):
            out = _run_kernel(fns.kernel, column)
            if out is not None:
                if fns.guard is not None:
                    out = list(out)
                    fns.guard.check_block(column, out)
                return out
        if fns.guard is not None or mostly_distinct:
            return map(fns.raw, column)
        return map(fns.cached, column)

    def _bad_row(self, line: bytes, n: int) -> OperationError:
        fields = line.count(b"\t") + 1
        return OperationError(
            f"{self.table.qualified}: row {self.row_offset + self.rows + n + 1} of the data has {fields} field(s), "
            f"the COPY column list {self.ncols}"
            + (f" ({self.table.location})" if self.table.location else "")
        )

    def _process_templates(self, block: bytes) -> bytes:
        out: list[bytes] = []
        unescape = copytext.unescape
        escape = copytext.escape
        for n, line in enumerate(block.split(b"\n")):
            p = line.split(b"\t")
            if len(p) != self.ncols:
                raise self._bad_row(line, n)
            original = list(p)
            for i, f in self.fns:
                p[i] = f(p[i])
            row: dict[str, bytes | None] = {}
            for t in self.templates:
                for ref in t.refs:
                    if ref not in row and ref in self.columns:
                        row[ref] = unescape(p[self.columns.index(ref)])
                raw = original[t.index]
                value = None if raw == copytext.NULL else t.fn(unescape(raw) or b"", row)
                p[t.index] = escape(value)
                row[t.name] = value
            out.append(b"\t".join(p))
        self.rows += len(out)
        out.append(b"")
        return b"\n".join(out)


# ------------------------------------------------- column functions of a plan
def order_templates(templates: Iterable[TemplateColumn]) -> list[TemplateColumn]:
    """Templates that read other templates come after them; a cycle is a ValueError."""
    pending = {t.name: t for t in templates}
    ordered: list[TemplateColumn] = []
    done: set[str] = set()
    while pending:
        ready = [
            t for t in pending.values() if not any(r in pending and r != t.name for r in t.refs)
        ]
        for t in pending.values():
            if t.name in t.refs:
                raise ValueError(f"template of column {t.name} refers to itself")
        if not ready:
            raise ValueError(
                "templates refer to each other in a cycle: " + ", ".join(sorted(pending))
            )
        for t in ready:
            ordered.append(t)
            done.add(t.name)
            del pending[t.name]
    return ordered


COLUMN_CACHE_SIZE = 1 << 16


def _null_column(raw: bytes) -> bytes:
    return copytext.NULL


NULL_FNS = ColumnFns(_null_column, _null_column, speedups.NullOut())  # a C op in a Program


def column_wrapper(
    value_fn: ValueFn, guard: UniqueGuard | None, safe: bool, fast: ValueFn | None = None
) -> ColumnFn:
    """escaped field -> escaped field, NULL passing through."""
    unescape = copytext.unescape
    escape = copytext.escape
    null = copytext.NULL

    if guard is None and fast is not None:
        general = column_wrapper(value_fn, None, safe)

        def fused(raw: bytes) -> bytes:
            if b"\\" in raw:
                return general(raw)
            out = fast(raw)
            return null if out is None else out

        return fused

    if guard is None and safe:

        def fast(raw: bytes) -> bytes:
            if b"\\" in raw:
                if raw == null:
                    return null
                value = unescape(raw)
                assert value is not None
                out = value_fn(value)
            else:
                out = value_fn(raw)
            return null if out is None else out

        return fast

    if guard is None:

        def fn(raw: bytes) -> bytes:
            if b"\\" in raw:
                if raw == null:
                    return null
                value = unescape(raw)
                assert value is not None
            else:
                value = raw
            return escape(value_fn(value))

        return fn

    check = guard.check

    def guarded(raw: bytes) -> bytes:
        if b"\\" in raw:
            if raw == null:
                return null
            value = unescape(raw)
            assert value is not None
        else:
            value = raw
        out = escape(value_fn(value))
        check(raw, out)
        return out

    return guarded


def cached(fn: ColumnFn, cacheable: bool) -> ColumnFn:
    if not cacheable:
        return fn
    cached: Callable[[bytes], bytes] = functools.lru_cache(maxsize=COLUMN_CACHE_SIZE)(fn)
    return cached
