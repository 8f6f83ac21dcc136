"""The run's summary: per-table rows, transformed columns and seconds; JSON for --report."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from dataops.anonymize.atomic import atomic_file
from dataops.anonymize.engine_api import TableStats


@dataclass
class PreviewRow:
    column: str
    before: str | None
    after: str | None


@dataclass
class Report:
    format: str
    input: str
    output: str
    seconds: float = 0.0
    bytes_in: int = 0
    bytes_out: int = 0
    tables: list[TableStats] = field(default_factory=list)
    preview: dict[str, list[list[PreviewRow]]] | None = None
    verify_restore: dict[str, Any] | None = None  # --verify-restore: where and how long

    @property
    def rows(self) -> int:
        return sum(t.rows for t in self.tables)

    @property
    def mb_per_s(self) -> float:
        return self.bytes_in / 1e6 / self.seconds if self.seconds > 0 else 0.0

    def as_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "format": self.format,
            "input": self.input,
            "output": self.output,
            "seconds": round(self.seconds, 3),
            "bytes_in": self.bytes_in,
            "bytes_out": self.bytes_out,
            "rows": self.rows,
            "mb_per_s": round(self.mb_per_s, 1),
            "tables": [
                {
                    "table": t.table,
                    "action": t.action,
                    "rows": t.rows,
                    "columns_transformed": list(t.columns_transformed),
                    "seconds": round(t.seconds, 3),
                    "bytes_in": t.bytes_in,
                    "bytes_out": t.bytes_out,
                }
                for t in self.tables
            ],
        }
        if self.verify_restore is not None:
            data["verify_restore"] = self.verify_restore
        if self.preview is not None:
            data["preview"] = {
                table: [[asdict(c) for c in row] for row in rows]
                for table, rows in self.preview.items()
            }
        return data

    def write_json(self, path: str | Path) -> None:
        with atomic_file(path) as fh:
            fh.write(json.dumps(self.as_dict(), indent=2, ensure_ascii=False).encode() + b"\n")
