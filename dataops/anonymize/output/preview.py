"""``--preview N``: N before/after sample rows per transformed table; nothing written.

:class:`PreviewPlan` wraps a plan for any engine: its transformers transform only
the first N rows of a table, hand them to the :class:`PreviewCollector` and
return nothing (the engine writes into a null sink).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from dataops.anonymize.engine_api import CopyTransformer, TableAction, TableData
from dataops.anonymize.formats import copytext
from dataops.anonymize.output.report import PreviewRow


def _text(value: bytes | None) -> str | None:
    return None if value is None else value.decode("utf-8", "replace")


class PreviewCollector:
    def __init__(self, rows: int) -> None:
        self.limit = rows
        self.plan: Any = None
        self._rows: dict[str, list[list[PreviewRow]]] = {}

    def record(self, table: TableData, before: bytes, after: bytes) -> None:
        columns = list(table.columns)
        wanted = self.plan.transformed_columns(table) if self.plan is not None else columns
        idx = [(columns.index(c), c) for c in wanted if c in columns]
        rows = self._rows.setdefault(table.qualified, [])
        for b_line, a_line in zip(before.split(b"\n"), after.split(b"\n"), strict=False):
            if not b_line and not a_line:
                continue
            if len(rows) >= self.limit:
                break
            b_fields, a_fields = b_line.split(b"\t"), a_line.split(b"\t")
            rows.append(
                [
                    PreviewRow(
                        name,
                        _text(copytext.unescape(b_fields[i])) if i < len(b_fields) else None,
                        _text(copytext.unescape(a_fields[i])) if i < len(a_fields) else None,
                    )
                    for i, name in idx
                ]
            )

    def result(self) -> dict[str, list[list[PreviewRow]]]:
        return dict(self._rows)


class _PreviewTransformer:
    def __init__(
        self, inner: CopyTransformer, table: TableData, collector: PreviewCollector
    ) -> None:
        self.inner = inner
        self.table = table
        self.collector = collector
        self.rows = 0
        self._tail = b""

    def feed(self, chunk: bytes) -> bytes:
        limit = self.collector.limit
        if self.rows >= limit:
            self.rows += chunk.count(b"\n")
            return b""
        data = self._tail + chunk
        cut = data.rfind(b"\n")
        if cut < 0:
            self._tail = data
            return b""
        self._tail = data[cut + 1 :]
        lines = data[: cut + 1].split(b"\n")[:-1]
        take = lines[: limit - self.rows]
        block = b"\n".join(take) + b"\n"
        out = self.inner.feed(block)
        self.collector.record(self.table, block, out)
        self.rows += len(lines)
        return b""

    def finish(self) -> bytes:
        self._tail = b""
        return b""


class PreviewPlan:
    """A DumpPlan that previews instead of transforming everything."""

    def __init__(self, plan: Any, collector: PreviewCollector) -> None:
        self.plan = plan
        self.collector = collector
        collector.plan = plan

    @property
    def large_objects(self) -> str:
        return str(getattr(self.plan, "large_objects", "keep"))

    def check(
        self, catalog: Any, tables: Sequence[TableData], has_large_objects: bool | None = None
    ) -> None:
        self.plan.check(catalog, tables, has_large_objects=has_large_objects)

    def check_table(self, table: TableData) -> None:
        self.plan.check_table(table)

    def action(self, table: TableData) -> TableAction:
        action: TableAction = self.plan.action(table)
        return action

    def transformed_columns(self, table: TableData) -> list[str]:
        cols: list[str] = self.plan.transformed_columns(table)
        return cols

    def transformer(self, table: TableData) -> CopyTransformer:
        return _PreviewTransformer(self.plan.transformer(table), table, self.collector)
