"""Spec + reflected schema -> a checked load plan, or a ConfigError listing every problem.

Nothing is written before the plan exists, and the plan exists only when the spec
can be loaded as written: known tables and columns, generators that fit their
columns, references to tables that exist, FK cycles that can be broken, every
NOT NULL column covered, CHECKs shown to hold, and every unique constraint
buildable by construction.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from dataops.demo.fit import entry_generator, fitting_entry
from dataops.demo.generators import BindContext, Generator
from dataops.demo.generators.fake import Fake
from dataops.demo.generators.numeric import Sequence_
from dataops.demo.generators.ref import Ref
from dataops.demo.model import (
    ColumnModel,
    ExistingTable,
    TableModel,
)
from dataops.demo.order import all_null, load_sequence
from dataops.demo.pools import PoolStore
from dataops.demo.reflect import Column, ForeignKey, Schema, Table
from dataops.demo.rows import RowCounter
from dataops.demo.spec import PerSpec, Spec, TableSpec
from dataops.demo.state import DbFacts, PlanState
from dataops.demo.unique import UniqueBuilder
from dataops.demo.valuecheck import ValueChecker

log = logging.getLogger(__name__)


@dataclass
class Plan:
    spec: Spec
    schema: Schema
    models: dict[str, TableModel]
    order: list[str]
    deferred: list[ForeignKey] = field(default_factory=list)
    suspended: list[ForeignKey] = field(default_factory=list)  # NOT NULL cycles
    existing: dict[str, ExistingTable] = field(default_factory=dict)

    def values(self, table: str, column: str, rows: Sequence[int]) -> list[Any]:
        if table in self.models:
            return self.models[table].column_values(column, rows)
        return self.existing[table].column_values(column, rows)


class Planner:
    """Checks a spec against a schema and builds the models, with its helpers:
    :class:`RowCounter` (row counts), :class:`UniqueBuilder` (unique sets) and
    :func:`load_sequence` (the load order) and :class:`ValueChecker` (values against
    column types, fixed rows, CHECKs), all on one :class:`PlanState`."""

    def __init__(self, spec: Spec, schema: Schema, facts: DbFacts, pools: PoolStore) -> None:
        self.state = PlanState(spec, schema, facts, pools)
        self.spec = spec
        self.schema = schema
        self.facts = facts
        self.pools = pools
        self.p = self.state.problems
        self.models = self.state.models
        self.existing = self.state.existing
        self.spec_unique = self.state.spec_unique
        self.rows = RowCounter(self.state)
        self.uniques = UniqueBuilder(self.state)
        self.values = ValueChecker(self.state)

    # ---------------------------------------------------------------- driver
    def build(self) -> Plan:
        spec, schema = self.spec, self.schema
        for name, tspec in spec.tables.items():
            if name not in schema.tables:
                self.p.add(tspec.where, f"unknown table {name!r} (not in the database)")
        names = [n for n in spec.tables if n in schema.tables]
        for name in names:
            self._columns(spec.tables[name], schema.tables[name])
        self._add_ref_targets(names)
        self._existing_parents(names)
        for name in names:
            self.rows.count(name, [])
        for name in names:
            self.rows.layout(name)
        for name in names:
            self._resolve_refs(spec.tables[name], schema.tables[name])
        self.pools.prefetch(
            [
                cm.generator.pool_request(self.spec.locale, self.spec.pool_size)
                for name in names
                for cm in self.models[name].columns.values()
                if isinstance(cm.generator, Fake)
            ]
        )
        for name in names:
            self._bind(spec.tables[name], schema.tables[name])
        for name in names:
            if self.models[name].total and not self.models[name].columns:
                self.p.add(
                    spec.tables[name].where,
                    f"table {name} has no column to fill (all have defaults); list one under columns",
                )
            self.values.fixed_rows(spec.tables[name], schema.tables[name])
            self.values.checks(spec.tables[name], schema.tables[name])
            self.uniques.build(spec.tables[name], schema.tables[name])
        order, deferred, suspended = load_sequence(self.state, names)
        self.p.raise_if_any(f"the spec {spec.source} cannot be loaded")
        for model in self.models.values():
            model.resolver = self.state.values
        return Plan(spec, schema, self.models, order, deferred, suspended, self.existing)

    # ---------------------------------------------------------------- columns
    def _columns(self, tspec: TableSpec, table: Table) -> None:
        model = TableModel(name=table.name, table=table, seed=self.spec.seed, fixed=[], generated=0)
        self.models[table.name] = model
        self.spec_unique[table.name] = set()
        for name, cspec in tspec.columns.items():
            column = table.columns.get(name)
            if column is None:
                self.p.add(cspec.where, f"unknown column {name!r} in table {table.name}")
                continue
            if column.computed:
                self.p.add(cspec.where, "a generated (computed) column cannot be filled")
                continue
            model.columns[name] = ColumnModel(
                name=name, column=column, generator=cspec.generator, null_rate=cspec.null_rate
            )
            if cspec.unique:
                self.spec_unique[table.name].add(name)
        fixed_cols: set[str] = set()
        for row, where in zip(tspec.fixed, tspec.fixed_where, strict=True):
            for key in row:
                if key not in table.columns:
                    self.p.add(where, f"unknown column {key!r} in table {table.name}")
                elif table.columns[key].computed:
                    self.p.add(where, f"{key} is a generated (computed) column")
                else:
                    fixed_cols.add(key)
        unique_cols = {c for u in table.unique_sets() for c in u}
        for column in table.columns.values():
            if column.name in model.columns or column.computed:
                continue
            if column.autoincrement and column.kind == "int":
                start = self._id_start(table, column.name)
                self._implicit(model, column, Sequence_(start, {}), "auto")
            elif (
                column.required
                or column.name in fixed_cols
                or (column.name in unique_cols and column.has_default and not column.nullable)
            ):
                if column.name in fixed_cols and column.nullable and not column.has_default:
                    from dataops.demo.generators.constant import Constant

                    self._implicit(model, column, Constant(None, {}), "auto")
                    continue
                self._infer(model, table, column, tspec.where)

    def _id_start(self, table: Table, column: str) -> int:
        """After the current maximum; an inheritance child also after its parent's and its
        earlier siblings' new ids (they share the parent's sequence)."""
        parent = table.inherits
        if parent is None or parent not in self.spec.tables or parent not in self.schema.tables:
            return self.facts.max_value(table.name, column) + 1
        start = self._id_start(self.schema.tables[parent], column) + self.rows.estimate(parent)
        for sibling in sorted(self.spec.tables):
            other = self.schema.tables.get(sibling)
            if sibling == table.name:
                break
            if other is not None and other.inherits == parent:
                start += self.rows.estimate(sibling)
        return start

    def _implicit(
        self, model: TableModel, column: Column, gen: Generator, origin: str
    ) -> ColumnModel:
        cm = ColumnModel(name=column.name, column=column, generator=gen, origin=origin)
        model.columns[column.name] = cm
        return cm

    def _infer(self, model: TableModel, table: Table, column: Column, where: str) -> None:
        rows = self.rows.estimate(table.name)
        entry = fitting_entry(table, column, self.schema, rows, self.spec.locale, self.pools)
        if entry is None:
            self.p.add(
                where,
                f"column {column.name} ({column.type_text}) is NOT NULL without a default and "
                "no generator could be inferred; add it to columns",
            )
            return
        gen, unique, _ = entry_generator(entry)
        self._implicit(model, column, gen, "inferred")
        if unique:
            self.spec_unique[table.name].add(column.name)

    def _add_ref_targets(self, names: list[str]) -> None:
        """Parent columns that refs point to must be generated (we need their values)."""
        for _ in range(5):  # chains of inferred refs settle quickly
            added = False
            for name in names:
                for cm in list(self.models[name].columns.values()):
                    gen = cm.generator
                    if not isinstance(gen, Ref) or gen.table not in self.models:
                        continue
                    target = self.models[gen.table]
                    column = target.table.columns.get(gen.column)
                    if column is None or gen.column in target.columns or column.computed:
                        continue
                    self._infer(target, target.table, column, self.spec.tables[gen.table].where)
                    added = True
            if not added:
                break

    def _existing_parents(self, names: list[str]) -> None:
        wanted: dict[str, set[str]] = {}
        for name in names:
            for cm in self.models[name].columns.values():
                gen = cm.generator
                if isinstance(gen, Ref) and gen.table not in self.models:
                    wanted.setdefault(gen.table, set()).add(gen.column)
            rows = self.spec.tables[name].rows
            if isinstance(rows, PerSpec) and rows.parent not in self.models:
                wanted.setdefault(rows.parent, set())
        for table, cols in sorted(wanted.items()):
            schema_table = self.schema.tables.get(table)
            if schema_table is None:
                continue  # reported where the ref or per is resolved
            cols = {c for c in cols if c in schema_table.columns}
            if not cols:
                cols = set(schema_table.primary_key) or {next(iter(schema_table.columns))}
            ordered = tuple(sorted(cols))
            self.existing[table] = ExistingTable(table, ordered, self.facts.rows(table, ordered))

    # ---------------------------------------------------------------- refs
    def _resolve_refs(self, tspec: TableSpec, table: Table) -> None:
        model = self.models[table.name]
        per = tspec.rows if isinstance(tspec.rows, PerSpec) else None
        picks_to_parent: dict[str, list[ColumnModel]] = {}
        for cm in model.columns.values():
            where = tspec.columns[cm.name].where if cm.name in tspec.columns else tspec.where
            fk = table.fk_of(cm.name)
            gen = cm.generator
            if not isinstance(gen, Ref):
                if fk is not None and cm.origin == "spec" and not all_null(gen):
                    self.p.add(
                        where,
                        f"{cm.name} is a foreign key to {fk.ref_table}; use "
                        f"{{ref: {fk.ref_table}.{fk.ref_columns[fk.columns.index(cm.name)]}}}",
                    )
                continue
            if gen.table not in self.schema.tables:
                self.p.add(where, f"ref to missing table {gen.table!r}")
                continue
            target_table = self.schema.tables[gen.table]
            if gen.column not in target_table.columns:
                self.p.add(where, f"ref to unknown column {gen.table}.{gen.column}")
                continue
            if fk is not None:
                expected = (fk.ref_table, fk.ref_columns[fk.columns.index(cm.name)])
                if (gen.table, gen.column) != expected:
                    self.p.add(
                        where,
                        f"{cm.name} is a foreign key to {expected[0]}.{expected[1]}, "
                        f"not {gen.table}.{gen.column}",
                    )
                    continue
            if gen.table in self.models:
                parent = self.models[gen.table]
                gen.parent_count = parent.total
                pcm = parent.columns.get(gen.column)
                if pcm is None:
                    self.p.add(where, f"ref target {gen.table}.{gen.column} is not generated")
                    continue
                if pcm.null_rate > 0:
                    self.p.add(
                        where,
                        f"ref target {gen.table}.{gen.column} has null_rate; refs need values",
                    )
            elif gen.table in self.existing:
                gen.parent_count = self.existing[gen.table].total
            else:
                self.p.add(where, f"ref to missing table {gen.table!r}")
                continue
            if gen.parent_count == 0 and model.total > 0 and gen.table != table.name:
                self.p.add(
                    where, f"ref to {gen.table}: the table has no rows and the spec adds none"
                )
            gen.self_ref = gen.table == table.name
            gen.self_nullable = cm.column.nullable
            if fk is not None and len(fk.columns) > 1:
                gen.pick = "fk:" + ",".join(fk.columns)
            else:
                gen.pick = "col:" + cm.name
            if per is not None and gen.table == per.parent and not gen.self_ref:
                picks_to_parent.setdefault(gen.pick, []).append(cm)
        if per is not None and picks_to_parent:
            chosen: list[ColumnModel] | None = None
            if per.via is not None:
                for cms in picks_to_parent.values():
                    if any(cm.name == per.via for cm in cms):
                        chosen = cms
                if chosen is None:
                    self.p.add(tspec.where, f"rows: via: {per.via!r} is not a ref to {per.parent}")
            elif len(picks_to_parent) == 1:
                chosen = next(iter(picks_to_parent.values()))
            else:
                cols = sorted(cm.name for cms in picks_to_parent.values() for cm in cms)
                self.p.add(
                    tspec.where,
                    f"several columns reference {per.parent} ({', '.join(cols)}); "
                    "say which one groups the rows with rows: {per: ..., via: COLUMN}",
                )
            if chosen is not None:
                for cm in chosen:
                    assert isinstance(cm.generator, Ref)
                    cm.generator.group_parent = _group_parent(model, cm.generator)

    # ---------------------------------------------------------------- binding
    def _bind(self, tspec: TableSpec, table: Table) -> None:
        model = self.models[table.name]
        order = self._eval_order(tspec, model)
        model.order = order

        def sibling_len(name: str) -> int | None:
            cm = model.columns.get(name)
            return cm.generator.max_len() if cm is not None else None

        for name in order:
            cm = model.columns[name]
            where = tspec.columns[name].where if name in tspec.columns else tspec.where
            label = (
                ""
                if cm.origin == "spec"
                else f"column {name} (inferred {cm.generator.describe()}): "
            )
            ctx = BindContext(
                table=table.name,
                column=cm.column,
                locale=self.spec.locale,
                pools=self.pools,
                pool_size=self.spec.pool_size,
                rows=model.total,
                sibling_max_len=sibling_len,
            )
            cm.generator.bind(ctx)
            for message in ctx.problems:
                self.p.add(where, label + message)
            if ctx.problems:
                continue
            if cm.null_rate > 0 and not cm.column.nullable:
                self.p.add(where, f"null_rate on NOT NULL column {name}")
            self.values.conversion(cm, where)
            if (
                isinstance(cm.generator, Ref)
                and cm.generator.table in self.models
                and not cm.insert_null
            ):
                pass

    def _eval_order(self, tspec: TableSpec, model: TableModel) -> list[str]:
        order: list[str] = []
        state: dict[str, int] = {}

        def visit(name: str, path: list[str]) -> None:
            if state.get(name) == 2:
                return
            if state.get(name) == 1:
                self.p.add(
                    tspec.where, f"template placeholders form a loop: {' -> '.join([*path, name])}"
                )
                return
            state[name] = 1
            cm = model.columns[name]
            for dep in sorted(cm.generator.deps()):
                if dep not in model.columns:
                    where = tspec.columns[name].where if name in tspec.columns else tspec.where
                    self.p.add(where, f"template placeholder {{{dep}}} is not a generated column")
                    continue
                visit(dep, [*path, name])
            state[name] = 2
            order.append(name)

        for name in model.columns:
            visit(name, [])
        return order


def _group_parent(model: TableModel, gen: Ref) -> Any:
    """rows -> parent row of each row's group (fixed rows pick like any ref)."""

    def parents(rows: Sequence[int]) -> list[int | None]:
        layout = model.layout
        assert layout is not None
        fixed = layout.fixed_count
        out: list[int | None] = []
        stream = model.stream("*", "ref", gen.pick)
        n = gen.parent_count
        for r in rows:
            if r < fixed:
                out.append((stream.word(r) * n) >> 64 if n else None)
            else:
                gk = layout.group_of(r)
                out.append(gk[0] if gk is not None else None)
        return out

    return parents


def build_plan(spec: Spec, schema: Schema, facts: DbFacts, pools: PoolStore | None = None) -> Plan:
    """Check ``spec`` against ``schema``; raise ConfigError listing every problem."""
    return Planner(spec, schema, facts, pools or PoolStore(spec.pool_size)).build()
