"""Does a generator fit a column?  Types, lengths, ranges, CHECK rules; inferred entries.

Used by the planner for every column and by ``demo infer`` to keep the first
suggestion that fits.
"""

from __future__ import annotations

import datetime as dt
import uuid
from decimal import Decimal
from typing import Any

from dataops.demo.checks import Rules
from dataops.demo.generators import REGISTRY, BindContext, Generator, SpecError
from dataops.demo.generators.numeric import Sequence_
from dataops.demo.generators.text import Template
from dataops.demo.hints import candidates
from dataops.demo.model import ColumnModel, ConversionError, converter_for, needs_conversion
from dataops.demo.pools import PoolStore
from dataops.demo.reflect import Column, Schema, Table

# Python types a generator may produce for each column kind (values are converted).
ACCEPTS: dict[str, tuple[type, ...]] = {
    "int": (int,),
    "bits": (int,),
    "decimal": (int, Decimal, float),
    "float": (int, Decimal, float),
    "bool": (bool, int),
    "date": (dt.date,),
    "datetime": (dt.date,),
    "time": (dt.time, str),
    "uuid": (uuid.UUID, str),
    "bytes": (bytes, str),
}


def entry_generator(entry: dict[str, Any]) -> tuple[Generator, bool, float]:
    """Build a generator from an inferred spec entry."""
    family = next(k for k in entry if k in REGISTRY)
    opts = {k: v for k, v in entry.items() if k not in (family, "unique", "null_rate")}
    return (
        REGISTRY[family](entry[family], opts),
        bool(entry.get("unique")),
        float(entry.get("null_rate", 0)),
    )


def effective_rules(column: Column, include_checks: bool = True) -> Rules:
    """The column's CHECK rules plus what its type implies (length, integer range)."""
    rules = Rules()
    if include_checks:
        rules.merge(column.rules)
    if column.kind == "text" and column.length is not None:
        rules.merge(Rules(max_len=column.length, sources=[f"{column.type_text} length"]))
    if column.kind in ("int", "bits") and column.int_min is not None:
        rules.merge(
            Rules(lo=column.int_min, hi=column.int_max, sources=[f"{column.type_text} range"])
        )
    return rules


def violations(cm: ColumnModel, rules: Rules) -> list[str]:
    gen = cm.generator
    conv = cm.converter or (lambda v: v)
    values = gen.finite_values()
    label = f"{gen.describe()}"
    if values is not None:
        bad = []
        for v in values:
            try:
                cv = conv(v)
            except ConversionError:
                continue
            if not rules.accepts(cv):
                bad.append(v)
        if bad:
            shown = ", ".join(repr(b) for b in bad[:3])
            return [f"{label} produces {shown}, which {rules.describe()} rejects"]
        return []
    problems = []
    if rules.allowed is not None:
        allowed = ", ".join(repr(v) for v in rules.allowed)
        return [f"{label} cannot satisfy {rules.describe()}; use {{choice: [{allowed}]}}"]
    if rules.lo is not None or rules.hi is not None or rules.excluded:
        bounds = gen.bounds()
        if bounds is None:
            problems.append(f"{label} cannot be shown to satisfy {rules.describe()}")
        else:
            lo, hi = (conv(b) for b in bounds)
            if not (rules.accepts(lo) and rules.accepts(hi)) and (
                rules.lo is not None or rules.hi is not None
            ):
                problems.append(f"{label} ranges over [{lo}, {hi}], outside {rules.describe()}")
            elif any(_between(x, bounds) for x in rules.excluded):
                problems.append(f"{label} may produce a value {rules.describe()} excludes")
    if rules.max_len is not None:
        longest = gen.max_len()
        if longest is None:
            problems.append(f"{label}: cannot show values fit {rules.describe()}")
        elif longest > rules.max_len:
            problems.append(
                f"{label} produces text up to {longest} characters; {rules.describe()} allows {rules.max_len}"
            )
    if rules.min_len:
        shortest = _min_len(gen)
        if shortest is None or shortest < rules.min_len:
            problems.append(
                f"{label} may produce text shorter than {rules.min_len} ({rules.describe()})"
            )
    return problems


def _between(x: Any, bounds: tuple[Any, Any]) -> bool:
    try:
        return bool(bounds[0] <= x <= bounds[1])
    except TypeError:
        return False


def _min_len(gen: Generator) -> int | None:
    if isinstance(gen, Template):
        return sum(len(lit) for lit, _, _ in gen.parts) + sum(
            1 for _, f, _ in gen.parts if f == "row"
        )
    if isinstance(gen, Sequence_):
        return 1
    return None


def fitting_entry(
    table: Table, column: Column, schema: Schema, rows: int, locale: str, pools: PoolStore
) -> dict[str, Any] | None:
    """The first inferred spec entry whose generator fits the column (type, length, CHECKs).

    References are taken as they are (the planner resolves them); the last
    candidate is returned even when it does not fit, so its problems get reported.
    """
    found = candidates(table, column, schema)
    for i, entry in enumerate(found):
        if "ref" in entry or i == len(found) - 1:
            return entry
        if entry_fits(table, column, entry, rows, locale, pools):
            return entry
    return None


def entry_fits(
    table: Table, column: Column, entry: dict[str, Any], rows: int, locale: str, pools: PoolStore
) -> bool:
    """Does the generator of a spec entry fit the column (type, length, CHECKs)?"""
    try:
        gen, _, _ = entry_generator(entry)
    except SpecError:
        return False
    ctx = BindContext(table.name, column, locale, pools, pools.default_size, rows)
    gen.bind(ctx)
    if ctx.problems:
        return False
    cm = ColumnModel(name=column.name, column=column, generator=gen, origin="inferred")
    conv = converter_for(column)
    if conv is not None and needs_conversion(column, gen.python_types()):
        cm.converter = conv
    return not violations(cm, effective_rules(column))
