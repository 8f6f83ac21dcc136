"""Streaming COPY-text transformer for one table (the CopyTransformer of engine_api).

Rows are split only as far as the last transformed column needs
(``split(b"\\t", maxsplit)``); each transformed field goes through a cached
``escaped bytes -> escaped bytes`` column function, so NULLs, unescaping and
re-escaping cost nothing on a cache hit.  Columns that are kept are never
touched: the bytes of the row around them are re-joined as they were.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field

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


@dataclass
class TemplateColumn:
    index: int
    name: str
    fn: Callable[[bytes, Mapping[str, bytes | None]], bytes | None]
    refs: list[str] = field(default_factory=list)


class RowTransformer:
    """feed()/finish() over one table's COPY text data; counts rows."""

    def __init__(
        self,
        table: TableData,
        columns: Sequence[str],
        fns: Sequence[tuple[int, ColumnFn]],
        templates: Sequence[TemplateColumn] = (),
    ) -> None:
        self.table = table
        self.columns = list(columns)
        self.ncols = len(self.columns)
        self.fns = list(fns)
        self.templates = list(templates)
        self.rows = 0
        self._tail = b""
        indexes = [i for i, _ in self.fns] + [t.index for t in self.templates]
        for t in self.templates:
            indexes.extend(self.columns.index(r) for r in t.refs if r in self.columns)
        self.max_index = max(indexes) if indexes else -1
        # split one field further than needed only when that covers the whole row
        self.maxsplit = self.max_index + 1 if self.max_index + 1 < self.ncols - 1 else -1
        self._process = self._build()

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
        return self._process(data[:cut])

    def finish(self) -> bytes:
        if self._tail:
            raise OperationError(
                f"{self.table.qualified}: the data ends inside a row"
                + (f" ({self.table.location})" if self.table.location else "")
                + "; the dump is truncated or damaged"
            )
        return b""

    def transform_rows(self, block: bytes) -> bytes:
        """Transform complete rows (``block`` without its final newline)."""
        return self._process(block)

    def _bad_row(self, line: bytes) -> OperationError:
        fields = line.count(b"\t") + 1
        return OperationError(
            f"{self.table.qualified}: row {self.rows + 1} of the data has {fields} field(s), "
            f"the COPY column list {self.ncols}"
            + (f" ({self.table.location})" if self.table.location else "")
        )

    def _build(self) -> Callable[[bytes], bytes]:
        if self.templates:
            return self._process_templates
        fns = self.fns
        maxsplit = self.maxsplit
        need = self.max_index
        ncols = self.ncols

        if len(fns) == 1:
            ((i0, f0),) = fns

            def one(block: bytes) -> bytes:
                out: list[bytes] = []
                append = out.append
                for line in block.split(b"\n"):
                    p = line.split(b"\t", maxsplit)
                    if len(p) <= need or (maxsplit < 0 and len(p) != ncols):
                        raise self._bad_row(line)
                    p[i0] = f0(p[i0])
                    append(b"\t".join(p))
                self.rows += len(out)
                out.append(b"")
                return b"\n".join(out)

            return one

        def many(block: bytes) -> bytes:
            out: list[bytes] = []
            append = out.append
            for line in block.split(b"\n"):
                p = line.split(b"\t", maxsplit)
                if len(p) <= need or (maxsplit < 0 and len(p) != ncols):
                    raise self._bad_row(line)
                for i, f in fns:
                    p[i] = f(p[i])
                append(b"\t".join(p))
            self.rows += len(out)
            out.append(b"")
            return b"\n".join(out)

        return many

    def _process_templates(self, block: bytes) -> bytes:
        out: list[bytes] = []
        unescape = copytext.unescape
        escape = copytext.escape
        for line in block.split(b"\n"):
            p = line.split(b"\t")
            if len(p) != self.ncols:
                raise self._bad_row(line)
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
