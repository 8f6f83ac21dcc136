"""Do the planned values fit their columns?  Types, enum labels, fixed rows, CHECKs.

The planner's part that checks values (one :class:`ValueChecker` per plan, on the
shared :class:`~dataops.demo.state.PlanState`): a generator's values convert to the
column's type (and a converter is chosen when they need one), fixed rows hold
values their columns accept and refs that exist, and every CHECK is shown to hold
or listed under ``trust_checks``.
"""

from __future__ import annotations

from dataops.demo.fit import ACCEPTS, effective_rules, violations
from dataops.demo.generators.numeric import Sequence_
from dataops.demo.generators.ref import Ref
from dataops.demo.model import (
    ColumnModel,
    ConversionError,
    TableModel,
    converter_for,
    needs_conversion,
)
from dataops.demo.reflect import Table
from dataops.demo.spec import TableSpec
from dataops.demo.state import PlanState


class ValueChecker:
    def __init__(self, state: PlanState) -> None:
        self.state = state

    def conversion(self, cm: ColumnModel, where: str) -> None:
        column = cm.column
        gen = cm.generator
        conv = converter_for(column)
        values = gen.finite_values()
        if values is not None and conv is not None:
            bad = []
            for v in values[:10_000]:
                if v is None:
                    continue
                try:
                    conv(v)
                except ConversionError as exc:
                    bad.append(str(exc))
            if bad:
                self.state.problems.add(
                    where, f"{gen.describe()} cannot fill {column.type_text} column: {bad[0]}"
                )
                return
            if None in values and not column.nullable:
                self.state.problems.add(
                    where, f"{gen.describe()} produces NULL for NOT NULL column {column.name}"
                )
        elif values is None:
            types = gen.python_types() or set()
            ok = ACCEPTS.get(column.kind)
            if ok is not None and types and not all(issubclass(t, ok) for t in types):
                names = ", ".join(sorted(t.__name__ for t in types))
                self.state.problems.add(
                    where,
                    f"{gen.describe()} produces {names} values; the column is {column.type_text}",
                )
                return
        if column.kind == "enum" and column.enum_values and values is not None:
            outside = [v for v in values if v is not None and str(v) not in column.enum_values]
            if outside:
                self.state.problems.add(
                    where,
                    f"{outside[0]!r} is not a value of enum {column.type_text} "
                    f"({', '.join(column.enum_values)})",
                )
        if conv is not None and needs_conversion(column, gen.python_types()):
            cm.converter = conv

    # ---------------------------------------------------------------- fixed rows
    def fixed_rows(self, tspec: TableSpec, table: Table) -> None:
        model = self.state.models[table.name]
        converted = []
        for row, where in zip(model.fixed, tspec.fixed_where, strict=True):
            out = {}
            for key, value in row.items():
                column = table.columns.get(key)
                if column is None:
                    continue
                if value is None and not column.nullable:
                    self.state.problems.add(where, f"{key}: NULL in a NOT NULL column")
                    continue
                conv = converter_for(column)
                try:
                    value = conv(value) if conv is not None else value
                except ConversionError as exc:
                    self.state.problems.add(where, f"{key}: {exc}")
                    continue
                if column.kind == "enum" and column.enum_values and value not in column.enum_values:
                    self.state.problems.add(
                        where, f"{key}: {value!r} is not a value of {column.type_text}"
                    )
                rules = effective_rules(column)
                if not rules.accepts(value):
                    self.state.problems.add(
                        where, f"{key}: {value!r} violates {rules.describe() or 'the column type'}"
                    )
                out[key] = value
            converted.append(out)
        model.fixed = converted
        for cm in model.columns.values():
            if isinstance(cm.generator, Sequence_):
                cm.generator.exclude(
                    [r[cm.name] for r in converted if cm.name in r],
                    [i for i, r in enumerate(converted) if cm.name in r],
                )
        for cm in model.columns.values():
            if not isinstance(cm.generator, Ref):
                continue
            gen = cm.generator
            for row, where in zip(converted, tspec.fixed_where, strict=True):
                if cm.name in row and row[cm.name] is not None:
                    if gen.table in self.state.models:
                        found = self.state.models[gen.table].index_of(gen.column, row[cm.name])
                    elif gen.table in self.state.existing:
                        found = self.state.existing[gen.table].index_of(gen.column, row[cm.name])
                    else:
                        continue
                    if found is None and not _may_exist(
                        self.state.models.get(gen.table), gen.column
                    ):
                        self.state.problems.add(
                            where,
                            f"{cm.name}: {row[cm.name]!r} is not a row of {gen.table}.{gen.column}",
                        )

    # ---------------------------------------------------------------- checks
    def checks(self, tspec: TableSpec, table: Table) -> None:
        model = self.state.models[table.name]
        names = {c.name for c in table.checks}
        for trusted in tspec.trust_checks:
            if trusted not in names:
                self.state.problems.add(
                    tspec.where, f"trust_checks: table {table.name} has no CHECK named {trusted!r}"
                )
        for cm in model.columns.values():
            where = tspec.columns[cm.name].where if cm.name in tspec.columns else tspec.where
            if isinstance(cm.generator, Ref):
                continue
            rules = effective_rules(cm.column, include_checks=False)
            if not rules.empty():
                for message in violations(cm, rules):
                    self.state.problems.add(where, message)
        for check in table.checks:
            if check.name in tspec.trust_checks:
                continue
            if check.parsed is None:
                involved = [c for c in check.columns if c in model.columns]
                if involved or not check.columns:
                    self.state.problems.add(
                        tspec.where,
                        f"CHECK {check.name} ({check.sqltext.strip()}) cannot be interpreted "
                        f"({check.error}); list it under trust_checks if the generators satisfy it",
                    )
                continue
            for col_name, rules in check.parsed.rules.items():
                found = model.columns.get(col_name)
                if found is None:
                    column = table.columns.get(col_name)
                    if (
                        rules.not_null
                        and column is not None
                        and column.nullable
                        and not column.has_default
                    ):
                        self.state.problems.add(
                            tspec.where, f"CHECK {check.name} needs {col_name}; add it to columns"
                        )
                    continue
                where = tspec.columns[col_name].where if col_name in tspec.columns else tspec.where
                if rules.not_null and found.null_rate > 0:
                    self.state.problems.add(
                        where, f"null_rate, but CHECK {check.name} requires a value"
                    )
                if isinstance(found.generator, Ref):
                    continue
                for message in violations(found, rules):
                    self.state.problems.add(where, message)


def _may_exist(model: TableModel | None, column: str) -> bool:
    """Whether a fixed ref value might match a parent row we cannot locate by value."""
    if model is None:
        return False
    cm = model.columns.get(column)
    return cm is not None and not isinstance(cm.generator, Sequence_)
