"""Streaming COPY-text transformer for one table (the CopyTransformer of engine_api).

Rows are split only as far as the last transformed column needs
(``split(b"\\t", maxsplit)``); each transformed field goes through a cached
``escaped bytes -> escaped bytes`` column function, so NULLs, unescaping and
re-escaping cost nothing on a cache hit.  Columns that are kept are never
touched: the bytes of the row around them are re-joined as they were.
"""

from __future__ import annotations

import gc
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from dataops.anonymize import copytext
from dataops.anonymize.engine_api import TableData
from dataops.errors import OperationError

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

    def check(self, raw: bytes, out: bytes) -> None:
        seen = self.seen
        if len(seen) >= self.limit:
            return
        h_in = hash(raw)
        if seen.setdefault(hash(out), h_in) != h_in:
            raise OperationError(
                f"unique: two different values of {self.where} were anonymized to the same "
                "value (a collision); change the transform's parameters (e.g. a longer hash)"
            )


@dataclass(frozen=True)
class ColumnFns:
    """A column's function with and without the LRU cache (the transformer picks)."""

    cached: ColumnFn
    raw: ColumnFn


@dataclass
class TemplateColumn:
    index: int
    name: str
    fn: Callable[[bytes, Mapping[str, bytes | None]], bytes | None]
    refs: list[str] = field(default_factory=list)


# a column whose first block has more than this share of distinct values skips the cache
DISTINCT_SHARE_UNCACHED = 0.6


class RowTransformer:
    """feed()/finish() over one table's COPY text data; counts rows.

    Rows of a block are split (only as far as the last transformed column), the
    fields transposed into columns with ``zip(*rows)``, each transformed column
    mapped through its function, and the rows re-joined: the per-row work happens
    in C, only the transforms themselves run Python code.
    """

    def __init__(
        self,
        table: TableData,
        columns: Sequence[str],
        fns: Sequence[tuple[int, ColumnFns]],
        templates: Sequence[TemplateColumn] = (),
    ) -> None:
        self.table = table
        self.columns = list(columns)
        self.ncols = len(self.columns)
        self.fns: list[tuple[int, ColumnFn]] = [(i, f.cached) for i, f in fns]
        self._choices = list(fns)
        self._decided = False
        self.templates = list(templates)
        self.rows = 0
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
        if self.templates:
            return self._process_templates(block)
        gc_was_enabled = gc.isenabled()
        gc.disable()  # millions of short-lived lists/tuples: collections would cost ~half
        try:
            return self._columnar(block)
        finally:
            if gc_was_enabled:
                gc.enable()

    def _columnar(self, block: bytes) -> bytes:
        lines = block.split(b"\n")
        maxsplit = self.maxsplit
        parts = [line.split(b"\t", maxsplit) for line in lines]
        width = self.width
        lengths = set(map(len, parts))
        if lengths != {width}:
            for n, p in enumerate(parts):
                if len(p) != width:
                    raise self._bad_row(lines[n], n)
        if not self._decided:
            self._decide(parts)
        cols: list[Any] = list(zip(*parts, strict=True))
        for i, f in self.fns:
            cols[i] = map(f, cols[i])
        self.rows += len(lines)
        return b"\n".join(map(b"\t".join, zip(*cols, strict=True))) + b"\n"

    def _decide(self, parts: list[list[bytes]]) -> None:
        """Skip the LRU cache for columns whose values rarely repeat (cache misses cost)."""
        self._decided = True
        if len(parts) < 1000:
            self._decided = False  # too few rows to judge; stay cached
            return
        sample = parts[:5000]
        fns = []
        for i, choice in self._choices:
            distinct = len({p[i] for p in sample})
            use_raw = distinct > DISTINCT_SHARE_UNCACHED * len(sample)
            fns.append((i, choice.raw if use_raw else choice.cached))
        self.fns = fns

    def _bad_row(self, line: bytes, n: int) -> OperationError:
        fields = line.count(b"\t") + 1
        return OperationError(
            f"{self.table.qualified}: row {self.rows + n + 1} of the data has {fields} field(s), "
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
