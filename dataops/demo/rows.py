"""How many rows each spec table gets: ``rows: N``, fixed rows, ``per:`` a parent's rows.

``per:`` counts are drawn per parent row from the seed; the resulting
:class:`~dataops.demo.model.PerLayout` tells a model which parent row each of its
rows belongs to.  :meth:`RowCounter.estimate` is the upper bound the generator
heuristics use before the counts are drawn.
"""

from __future__ import annotations

from dataops.demo.model import PerLayout
from dataops.demo.rand import Stream, derive_key
from dataops.demo.state import PlanState


class RowCounter:
    def __init__(self, state: PlanState) -> None:
        self.state = state

    def estimate(self, name: str, depth: int = 0) -> int:
        """An upper bound of a spec table's rows, before ``per:`` counts are drawn."""
        tspec = self.state.spec.tables.get(name)
        if tspec is None or depth > 10:
            return 1
        rows = tspec.rows
        if isinstance(rows, int):
            return max(1, rows + len(tspec.fixed))
        return max(1, self.estimate(rows.parent, depth + 1) * rows.max + len(tspec.fixed))

    def count(self, name: str, stack: list[str]) -> int | None:
        if name in self.state.totals:
            return self.state.totals[name]
        if name not in self.state.models:
            if name in self.state.existing:
                return self.state.existing[name].total
            return None
        tspec = self.state.spec.tables[name]
        model = self.state.models[name]
        model.fixed = [dict(r) for r in tspec.fixed]
        rows = tspec.rows
        if isinstance(rows, int):
            model.generated = rows
        else:
            if name in stack:
                self.state.problems.add(
                    tspec.where, f"rows: per: forms a loop ({' -> '.join([*stack, name])})"
                )
                return None
            if rows.parent not in self.state.schema.tables:
                self.state.problems.add(
                    tspec.where, f"rows: per: {rows.parent!r} is not a table in the database"
                )
                return None
            parents = self.count(rows.parent, [*stack, name])
            if parents is None:
                return None
            counts = per_counts(self.state.spec.seed, name, parents, rows.min, rows.max)
            offsets = [0]
            for c in counts:
                offsets.append(offsets[-1] + c)
            self.state.layouts[name] = PerLayout(rows.parent, offsets, len(tspec.fixed))
            model.generated = offsets[-1]
        self.state.totals[name] = model.total
        return model.total

    def layout(self, name: str) -> None:
        self.state.models[name].layout = self.state.layouts.get(name)


def per_counts(seed: int, table: str, parents: int, lo: int, hi: int) -> list[int]:
    """How many child rows each parent row gets (drawn from the seed)."""
    if hi == lo:
        return [lo] * parents
    stream = Stream(derive_key(seed, table, "*", "per"))
    span = hi - lo + 1
    return [lo + ((w * span) >> 64) for w in stream.words(range(parents))]
