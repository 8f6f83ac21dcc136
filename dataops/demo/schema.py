"""The target schema as the demo loader sees it: tables, columns with a value *kind* and
its limits, keys, foreign keys and CHECKs (a leaf: filled by :mod:`dataops.demo.reflect`
and :mod:`dataops.demo.pgcatalog`)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

from dataops.demo.checks import ParsedCheck, Rules

Kind = Literal[
    "text", "int", "decimal", "float", "bool", "date", "datetime", "time", "uuid", "json",
    "bytes", "enum", "bits", "other",
]  # fmt: skip


@dataclass
class Column:
    name: str
    kind: Kind
    type_text: str
    nullable: bool = True
    has_default: bool = False
    autoincrement: bool = False
    computed: bool = False
    length: int | None = None
    precision: int | None = None
    scale: int | None = None
    int_min: int | None = None
    int_max: int | None = None
    enum_values: tuple[str, ...] | None = None
    timezone: bool = False
    rules: Rules = field(default_factory=Rules)
    pg_type: str | None = None  # PostgreSQL type name for kind "other" (arrays end in [])
    labels: tuple[str, ...] = ()  # enum labels of an enum array's elements
    trigger_filled: bool = False  # a BEFORE INSERT trigger assigns it

    @property
    def required(self) -> bool:
        """NOT NULL without a default: the loader must supply a value."""
        return (
            not self.nullable
            and not self.has_default
            and not self.autoincrement
            and not self.trigger_filled
        )


@dataclass(frozen=True)
class ForeignKey:
    name: str
    table: str
    columns: tuple[str, ...]
    ref_table: str
    ref_columns: tuple[str, ...]
    deferrable: bool = False
    definition: str = ""  # PostgreSQL: pg_get_constraintdef, to re-create it

    @property
    def label(self) -> str:
        return f"{self.table}({', '.join(self.columns)}) -> {self.ref_table}({', '.join(self.ref_columns)})"


@dataclass
class Check:
    name: str
    sqltext: str
    parsed: ParsedCheck | None
    columns: set[str]
    error: str = ""


@dataclass
class Table:
    name: str
    columns: dict[str, Column]
    primary_key: tuple[str, ...] = ()
    uniques: list[tuple[str, ...]] = field(default_factory=list)
    foreign_keys: list[ForeignKey] = field(default_factory=list)
    checks: list[Check] = field(default_factory=list)
    owned: bool = True  # the role may ALTER it (PostgreSQL: owner or member of the owner)
    inherits: str | None = None  # old-style inheritance parent
    partitions: list[str] = field(default_factory=list)  # declarative partitions (PostgreSQL)
    notes: list[str] = field(default_factory=list)  # what demo infer should tell the reader

    def unique_sets(self) -> list[tuple[str, ...]]:
        out: list[tuple[str, ...]] = []
        for cols in ([self.primary_key] if self.primary_key else []) + self.uniques:
            if cols and cols not in out:
                out.append(cols)
        return out

    def fk_of(self, column: str) -> ForeignKey | None:
        for fk in self.foreign_keys:
            if column in fk.columns:
                return fk
        return None


@dataclass
class Schema:
    dialect: str
    tables: dict[str, Table]
