"""``--preview N``: N before/after sample rows per transformed table; nothing written.

Every engine previews through the same hook (``EngineJob.row_hook`` with
``EngineJob.preview_rows``): it transforms the first N rows of each transformed
table (:func:`dataops.anonymize.engines.common.preview`) and hands both sides, as
COPY text, to :meth:`PreviewCollector.record`, which keeps the transformed columns.
"""

from __future__ import annotations

from typing import Any

from dataops.anonymize.engine_api import TableData
from dataops.anonymize.formats import copytext
from dataops.anonymize.output.report import PreviewRow


def _text(value: bytes | None) -> str | None:
    return None if value is None else value.decode("utf-8", "replace")


class PreviewCollector:
    """The row hook of a ``--preview`` run: up to ``rows`` rows per table, the plan's
    transformed columns before and after."""

    def __init__(self, rows: int, plan: Any = None) -> None:
        self.limit = rows
        self.plan: Any = plan
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
