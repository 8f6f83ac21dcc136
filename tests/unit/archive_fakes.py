"""A tiny plan implementing the engine contract, for archive unit tests."""

from __future__ import annotations

from collections.abc import Sequence

from dataops.anonymize.engine_api import TableAction, TableData
from dataops.errors import ConfigError, OperationError


class FakeCatalog:
    def __init__(self) -> None:
        self.sql: list[str] = []

    def add_sql(self, sql: str, location: str = "") -> None:
        self.sql.append(sql)


class UpperTransformer:
    """Uppercases one column (ASCII letters) of every row."""

    def __init__(self, index: int) -> None:
        self.index = index
        self.rows = 0
        self.buf = b""

    def feed(self, chunk: bytes) -> bytes:
        data = self.buf + chunk
        cut = data.rfind(b"\n") + 1
        self.buf = data[cut:]
        out = []
        for row in data[:cut].split(b"\n")[:-1]:
            fields = row.split(b"\t")
            if fields[self.index] != b"\\N":
                fields[self.index] = fields[self.index].upper()
            out.append(b"\t".join(fields) + b"\n")
            self.rows += 1
        return b"".join(out)

    def finish(self) -> bytes:
        if self.buf:
            raise OperationError(f"partial row at end of data: {self.buf[:40]!r}")
        return b""


class FakePlan:
    """``rules`` maps "schema.table" to "keep", "truncate" or a column name to uppercase."""

    def __init__(self, rules: dict[str, str], default: str = "keep") -> None:
        self.rules = rules
        self.default = default
        self.checked: list[TableData] = []

    def check(self, catalog: object, tables: Sequence[TableData]) -> None:
        self.checked = list(tables)
        for t in tables:
            rule = self.rules.get(t.qualified, self.default)
            if rule not in ("keep", "truncate") and rule not in t.columns:
                raise ConfigError(f"{t.qualified}: no column {rule}")

    def _rule(self, table: TableData) -> str:
        return self.rules.get(table.qualified, self.default)

    def action(self, table: TableData) -> TableAction:
        rule = self._rule(table)
        if rule == "keep":
            return TableAction.KEEP
        if rule == "truncate":
            return TableAction.TRUNCATE
        return TableAction.TRANSFORM

    def transformer(self, table: TableData) -> UpperTransformer:
        return UpperTransformer(table.columns.index(self._rule(table)))

    def transformed_columns(self, table: TableData) -> list[str]:
        rule = self._rule(table)
        return [] if rule in ("keep", "truncate") else [rule]
