"""What the planner's parts share while they check a spec against a schema.

The planner (:mod:`dataops.demo.plan`), the row counter (:mod:`dataops.demo.rows`),
the unique-set builder (:mod:`dataops.demo.unique`) and the load order
(:mod:`dataops.demo.order`) each get this one object instead of inheriting from
each other: the spec and schema, the models built so far, and the problems found.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

from dataops.config.problems import Problems
from dataops.demo.model import ExistingTable, PerLayout, TableModel
from dataops.demo.pools import PoolStore
from dataops.demo.reflect import Schema
from dataops.demo.spec import Spec


class DbFacts(Protocol):
    """What planning reads from the database (nothing is written)."""

    def max_value(self, table: str, column: str) -> int:
        """Current maximum of an integer column (0 for an empty table)."""
        ...

    def rows(self, table: str, columns: Sequence[str]) -> list[tuple[Any, ...]]:
        """Existing rows of a table not in the spec, ordered by ``columns``."""
        ...


@dataclass
class PlanState:
    spec: Spec
    schema: Schema
    facts: DbFacts
    pools: PoolStore
    problems: Problems = field(default_factory=Problems)
    models: dict[str, TableModel] = field(default_factory=dict)
    existing: dict[str, ExistingTable] = field(default_factory=dict)
    totals: dict[str, int] = field(default_factory=dict)
    layouts: dict[str, PerLayout] = field(default_factory=dict)
    spec_unique: dict[str, set[str]] = field(default_factory=dict)

    def values(self, table: str, column: str, rows: Sequence[int]) -> list[Any]:
        """A column's values at ``rows``, of a planned table or of an existing one."""
        if table in self.models:
            return self.models[table].column_values(column, rows)
        return self.existing[table].column_values(column, rows)
