"""The load order: parents before children, foreign-key cycles broken by deferred updates."""

from __future__ import annotations

from dataops.demo import cycles
from dataops.demo.generators import Generator
from dataops.demo.generators.constant import Constant
from dataops.demo.reflect import ForeignKey, load_order
from dataops.demo.state import PlanState


def load_sequence(
    state: PlanState, names: list[str]
) -> tuple[list[str], list[ForeignKey], list[ForeignKey]]:
    """Tables in foreign-key order, the FKs of cycles to set after loading, and the
    FKs of NOT NULL cycles to check at the end (:mod:`dataops.demo.cycles`)."""
    fks: list[ForeignKey] = []
    nullable: dict[ForeignKey, bool] = {}
    for name in names:
        table = state.schema.tables[name]
        model = state.models[name]
        for fk in table.foreign_keys:
            if fk.ref_table not in state.models:
                continue
            generated = [
                c
                for c in fk.columns
                if c in model.columns and not all_null(model.columns[c].generator)
            ]
            if not generated:
                continue
            fks.append(fk)
            nullable[fk] = all(table.columns[c].nullable for c in fk.columns)
    order, problems = load_order(names, fks, nullable)
    for message in problems:
        state.problems.add("", message)
    for fk in order.suspended:
        if cycles.how(state.schema, fk) is None:
            state.problems.add(state.spec.tables[fk.table].where, cycles.needs(fk))
    for fk in order.deferred:
        table = state.schema.tables[fk.table]
        model = state.models[fk.table]
        if not table.primary_key or not all(c in model.columns for c in table.primary_key):
            state.problems.add(
                state.spec.tables[fk.table].where,
                f"{fk.label} closes a foreign-key cycle and must be set after loading, "
                f"which needs a primary key on {fk.table}",
            )
        for c in fk.columns:
            if c in state.models[fk.table].columns:
                state.models[fk.table].columns[c].insert_null = True
    return order.tables, order.deferred, order.suspended


def all_null(gen: Generator) -> bool:
    """A generator that only ever gives NULL (``constant: null``)."""
    return isinstance(gen, Constant) and gen.value is None
