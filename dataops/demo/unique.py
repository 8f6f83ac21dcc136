"""Unique constraints built by construction: the planner's part that assigns domains.

For every unique set of a table (primary key, UNIQUE constraints and indexes,
``unique: true`` columns, the spec's ``unique:`` lists) the planner either sees it
satisfied already (a sequence, ``{row}`` template or UUID column; a column that is
always NULL; a smaller set already unique) or builds it: the set's free columns
get finite domains whose mixed-radix product is permuted by row number (per parent
row in ``per:`` tables), with the combinations fixed rows hold skipped.  Open
Faker pools grow by decorated variants when the space is too small; otherwise
more rows than combinations is a configuration error.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

from dataops.demo.generators.fake import Fake
from dataops.demo.generators.ref import Ref, RefDomain
from dataops.demo.model import TableModel, UniqueGroup
from dataops.demo.reflect import Table
from dataops.demo.spec import TableSpec
from dataops.demo.state import PlanState


def is_unique_column(table: Table, column: str, model: TableModel | None) -> bool:
    if any(u == (column,) for u in table.unique_sets()):
        return True
    if model is not None and column in model.columns:
        return model.columns[column].generator.injective
    return False


class UniqueBuilder:
    """Builds the unique sets of one table at a time (the planner holds one)."""

    def __init__(self, state: PlanState) -> None:
        self.state = state

    def _resolve(self, table: str, column: str, rows: Sequence[int]) -> list[Any]:
        return self.state.values(table, column, rows)

    def build(self, tspec: TableSpec, table: Table) -> None:
        """Check or construct every unique set of ``table``."""
        self._uniques(tspec, table)

    def _uniques(self, tspec: TableSpec, table: Table) -> None:
        model = self.state.models[table.name]
        sets: list[tuple[str, ...]] = []
        for u in table.unique_sets():
            if u not in sets:
                sets.append(u)
        for col in sorted(self.state.spec_unique[table.name]):
            if (col,) not in sets:
                sets.append((col,))
        for u in tspec.unique:
            unknown = [c for c in u if c not in table.columns]
            if unknown:
                self.state.problems.add(
                    tspec.where, f"unique: unknown column(s) {', '.join(unknown)}"
                )
            elif u not in sets:
                sets.append(u)
        sets.sort(key=len)
        done: list[tuple[str, ...]] = []
        claimed: dict[str, tuple[str, ...]] = {}
        group_cols = {
            cm.name
            for cm in model.columns.values()
            if isinstance(cm.generator, Ref) and cm.generator.group_parent is not None
        }
        for u in sets:
            if any(set(d) <= set(u) for d in done):
                continue
            where = (
                tspec.columns[u[0]].where if len(u) == 1 and u[0] in tspec.columns else tspec.where
            )
            label = f"unique ({', '.join(u)})"
            free: list[str] = []
            satisfied = False
            for c in u:
                cm = model.columns.get(c)
                if cm is None:
                    column = table.columns[c]
                    if column.nullable and not column.has_default:
                        satisfied = True  # always NULL: NULLs never collide
                    continue
                if cm.generator.injective or cm.null_rate >= 1:
                    satisfied = True
                elif c not in group_cols:
                    free.append(c)
            if satisfied:
                done.append(u)
                continue
            followers: dict[str, str] = {}  # later columns of one composite FK -> the first
            leaders: dict[tuple[str, str], str] = {}
            for c in free:
                gen = model.columns[c].generator
                if isinstance(gen, Ref) and gen.pick.startswith("fk:"):
                    key = (gen.table, gen.pick)
                    if key in leaders:
                        followers[c] = leaders[key]
                    else:
                        leaders[key] = c
            free = [c for c in free if c not in followers]
            grouped = model.layout is not None and any(c in group_cols for c in u)
            need = model.layout.max_group() if grouped and model.layout else model.total
            if grouped:
                need = max(need, 0)
            if not free:
                if need <= 1:
                    done.append(u)
                else:
                    self.state.problems.add(
                        where, f"impossible {label}: {need} rows would share the same values"
                    )
                continue
            clash = [c for c in free if c in claimed]
            if clash:
                self.state.problems.add(
                    where,
                    f"{label}: column {clash[0]} is already made unique for "
                    f"({', '.join(claimed[clash[0]])}); give one of them a sequence or {{row}} template",
                )
                continue
            partial = [
                i
                for i, row in enumerate(model.fixed)
                if any(c in row for c in u) and not all(c in row for c in u)
            ]
            if partial:
                self.state.problems.add(
                    tspec.fixed_where[partial[0]],
                    f"{label}: a fixed row must set all of these columns or none",
                )
                continue
            if (
                grouped
                and any(i for i, row in enumerate(model.fixed) if not all(c in row for c in u))
                and model.fixed
            ):
                self.state.problems.add(
                    tspec.where, f"{label}: fixed rows of a per: table must set all of its columns"
                )
                continue
            domains = []
            for c in free:
                d = self._domain(model, c, where, label)
                if d is None:
                    break
                domains.append(d)
            if len(domains) != len(free):
                continue
            fixed_full = [i for i, row in enumerate(model.fixed) if all(c in row for c in u)]
            if not grouped:
                need = model.total - len(fixed_full)  # fully fixed rows take no slot
            space = math.prod(d.size for d in domains)
            if space < need + len(fixed_full):
                ext = next(
                    (
                        (i, model.columns[c].generator)
                        for i, c in enumerate(free)
                        if isinstance(model.columns[c].generator, Fake)
                        and model.columns[c].generator.extensible_domain() is not None  # type: ignore[attr-defined]
                    ),
                    None,
                )
                if ext is not None:
                    i, gen = ext
                    assert isinstance(gen, Fake)
                    base = gen.extensible_domain()
                    assert base is not None
                    other = space // base.size
                    rounds = -(-(need + len(fixed_full)) // (other * len(base.base)))
                    gen.set_rounds(rounds)
                    domains[i] = gen.domain()
                    space = math.prod(d.size for d in domains)
                    limit = model.columns[free[i]].column.length
                    longest = gen.max_len()
                    if limit is not None and longest is not None and longest > limit:
                        self.state.problems.add(
                            where,
                            f"{label}: {need} distinct values of {gen.describe()} need variants "
                            f"up to {longest} characters; the column holds {limit}",
                        )
                        continue
            excluded = self._exclusions(model, u, free, domains, fixed_full, group_cols, grouped)
            taken = max((len(codes) for codes in excluded.values()), default=0)
            if space - taken < need:
                gens = ", ".join(model.columns[c].generator.describe() for c in free)
                verb = "give" if len(free) > 1 else "gives"
                extra = f" ({taken} of them held by fixed rows)" if taken else ""
                self.state.problems.add(
                    where,
                    f"impossible {label}: {need + taken} rows need distinct values but "
                    f"{gens} {verb} only {space}{extra}",
                )
                continue
            ug = UniqueGroup(
                key=(self.state.spec.seed, table.name, "unique", *u),
                columns=free,
                domains=domains,
                layout=model.layout if grouped else None,
                excluded=excluded,
                skip_rows=[] if grouped else fixed_full,
            )
            for c in free:
                model.columns[c].unique = ug
                claimed[c] = u
            for c, leader in followers.items():
                d = self._domain(model, c, where, label, composite=True)
                if d is not None:
                    ug.linked[c] = (leader, d)
                    model.columns[c].unique = ug
                    claimed[c] = u
            done.append(u)

    def _exclusions(
        self,
        model: TableModel,
        u: tuple[str, ...],
        free: list[str],
        domains: list[Any],
        fixed_full: list[int],
        group_cols: set[str],
        grouped: bool,
    ) -> dict[int | None, list[int]]:
        """Codes of the value combinations fixed rows hold, per group."""
        excluded: dict[int | None, list[int]] = {}
        for r in fixed_full:
            row = model.fixed[r]
            idx = [d.index_of(row[c]) for c, d in zip(free, domains, strict=True)]
            if any(i is None for i in idx):
                continue  # outside the generated values: no clash possible
            code, mult = 0, 1
            for i, d in zip(idx, domains, strict=True):
                assert i is not None
                code += i * mult
                mult *= d.size
            group: int | None = None
            if grouped:
                gcol = next(c for c in u if c in group_cols)
                gen = model.columns[gcol].generator
                assert isinstance(gen, Ref)
                group = self._parent_index(gen, row[gcol])
                if group is None:
                    continue
            if code not in excluded.setdefault(group, []):
                excluded[group].append(code)
        return excluded

    def _parent_index(self, gen: Ref, value: Any) -> int | None:
        if gen.table in self.state.models:
            return self.state.models[gen.table].index_of(gen.column, value)
        if gen.table in self.state.existing:
            return self.state.existing[gen.table].index_of(gen.column, value)
        return None

    def _domain(
        self, model: TableModel, column: str, where: str, label: str, composite: bool = False
    ) -> Any:
        cm = model.columns[column]
        gen = cm.generator
        if isinstance(gen, Ref):
            parent_table = self.state.schema.tables[gen.table]
            parent_model = self.state.models.get(gen.table)
            fk = self.state.schema.tables[model.name].fk_of(column)
            if fk is not None and len(fk.columns) > 1 and gen.pick.startswith("fk:"):
                composite = True  # the referenced columns are unique together
            if not composite and not is_unique_column(parent_table, gen.column, parent_model):
                self.state.problems.add(
                    where,
                    f"{label}: {gen.table}.{gen.column} is not unique, so refs to it cannot be",
                )
                return None
            table_name, col_name = gen.table, gen.column

            def resolve(idx: Sequence[int]) -> list[Any]:
                return self._resolve(table_name, col_name, idx)

            def locate(value: Any) -> int | None:
                return self._parent_index(gen, value)

            gen.domain_ = RefDomain(gen.parent_count, resolve, locate)
            return gen.domain_
        d = gen.domain()
        if d is None or d.size == 0:
            self.state.problems.add(
                where, f"{label}: {gen.describe()} cannot be made unique (no finite set of values)"
            )
            return None
        return d
