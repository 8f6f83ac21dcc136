"""Check a column's transform against the column's type, before any output.

Every family declares with :meth:`Family.produces` what it gives on a column of a
given type (an :class:`Output`), adapting where that is the obvious intent (a
shorter email, a pool of fitting values, integers from ``hash``...).  This module
compares that declaration with the type -- category, length, each value of a
finite output set, and the CHECKs of domains -- and returns every problem as a
sentence; the plan prefixes them with ``file:line: table.column:``.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from dataops.anonymize.checkexpr import CannotEvaluate, evaluable
from dataops.anonymize.coltypes import ColType
from dataops.anonymize.transforms.base import (
    Output,
    TransformSpec,
    TypeMismatch,
    ValueFn,
    get_family,
)
from dataops.anonymize.typeinput import accepts, accepts_value, checks_problem, sample_inputs

log = logging.getLogger(__name__)

Builder = Callable[[TransformSpec, ColType], ValueFn]

# which transforms serve a category (for the hint when nothing fits)
_SUGGEST = {
    "text": "mask, tokenize, hash, fake, email, choice, constant",
    "integer": "tokenize, hash, number_noise, choice, constant",
    "numeric": "number_noise, hash (integers), choice, constant",
    "float": "number_noise, choice, constant",
    "uuid": "uuid, hash",
    "inet": "ip, choice, constant",
    "cidr": "ip, choice, constant",
    "date": "date_shift, fake (a date provider), choice, constant",
    "timestamp": "date_shift, choice, constant",
    "timestamptz": "date_shift, choice, constant",
    "time": "choice, constant",
    "boolean": "choice, constant, fake with provider: pybool",
    "json": "json, constant",
    "jsonb": "json, constant",
    "bytea": "constant, null",
    "enum": "choice or constant with labels of the enum",
}


def whole_value(spec: TransformSpec, col: ColType) -> bool:
    """constant / choice on an array column whose values are array literals: used whole."""
    if not col.is_array or spec.name not in ("constant", "choice"):
        return False
    if spec.name == "constant" and spec.params["value"] is None:
        return True  # constant: null blanks the whole array
    values = [spec.params["value"]] if spec.name == "constant" else list(spec.params["values"])
    return any(isinstance(v, str) and v.lstrip().startswith(("{", "[")) for v in values)


def _values_of(spec: TransformSpec) -> list[str | None]:
    from dataops.anonymize.transforms.text import scalar_text

    if spec.name == "constant":
        return [scalar_text(spec.params["value"])]
    return [scalar_text(v) for v in spec.params["values"]]


def column_problems(spec: TransformSpec, col: ColType, column: str, build: Builder) -> list[str]:
    """Why ``spec`` cannot run on ``column`` of type ``col`` (empty when it fits)."""
    if col.name == "unknown":
        return []  # no DDL for this column: nothing to check against
    shown = col.describe()
    if whole_value(spec, col):
        out = []
        for value in _values_of(spec):
            problem = accepts_value(col, value)
            if problem:
                out.append(
                    f"{spec.name} value {value!r} does not fit column {column} ({shown}): {problem}"
                )
        return out
    target = col.element() if col.is_array else col
    family = get_family(spec.name)
    try:
        output = family.produces(spec, target)
    except TypeMismatch as exc:
        hint = f": {exc.args[1]}" if len(exc.args) > 1 and exc.args[1] else ""
        return [f"{spec.name} {exc.args[0]}; column {column} is {shown}{hint}"]
    problems = _fit(spec, output, target, column, shown)
    if problems or not target.checks:
        return problems
    return _domain_checks(spec, output, target, column, build)


def _fit(spec: TransformSpec, output: Output, col: ColType, column: str, shown: str) -> list[str]:
    hint = f": {output.hint}" if output.hint else ""
    if output.values is not None:
        bad = [(v, p) for v in output.values if (p := accepts(col, v))]
        return [
            f"{spec.name} value {v!r} does not fit column {column} ({shown}): {p}"
            for v, p in bad[:5]
        ]
    if col.category not in output.categories:
        suggest = _SUGGEST.get(col.category, "keep or null")
        return [
            f"{spec.name} produces {output.describe}; column {column} is {shown}"
            + (hint or f": use {suggest}")
        ]
    limit = col.length if col.category == "text" else None
    if limit is not None and (output.max_chars is None or output.max_chars > limit):
        return [f"{spec.name} produces {output.describe}; column {column} is {shown}{hint}"]
    return []


def _domain_checks(
    spec: TransformSpec, output: Output, col: ColType, column: str, build: Builder
) -> list[str]:
    numeric = col.category in ("integer", "numeric", "float")
    where = f"column {column} ({col.describe()})"
    bad = [c for c in col.checks if not evaluable(c, numeric)]
    for c in bad:
        if not c.strict:
            log.warning(
                "anonymize.check_not_evaluated",
                extra={"column": column, "constraint": c.owner, "check": c.expression},
            )
    bad = [c for c in bad if c.strict]
    if bad:
        c = bad[0]
        return [
            f"{c.owner} has CHECK ({c.expression}), which dataops cannot evaluate, so "
            f"{spec.name} on {where} could fail the restore: use keep or null "
            "(dataops evaluates comparisons, LIKE, ~, lengths and IN/ANY lists)"
        ]
    try:
        if output.values is not None:
            for value in output.values:
                problem = checks_problem(col, value)
                if problem:
                    return [f"{spec.name} value {value!r} {problem} ({where})"]
            return []
        fn = build(spec, col)
        inputs = [v for v in sample_inputs(col) if _passes(col, v)] or sample_inputs(col)
        for value in inputs:
            got = fn(value.encode("utf-8"))
            text = None if got is None else got.decode("utf-8", "replace")
            problem = checks_problem(col, text)
            if problem:
                return [f"{spec.name} gives {text!r}, which {problem} ({where})"]
    except CannotEvaluate as exc:
        return [f"cannot evaluate the CHECKs of {where}: {exc}; use keep or null"]
    return []


def _passes(col: ColType, value: str) -> bool:
    try:
        return checks_problem(col, value) is None
    except CannotEvaluate:
        return False


def injective(spec: TransformSpec, col: ColType) -> bool:
    family = get_family(spec.name)
    if col.name == "unknown":
        return family.injective(spec)
    return family.injective_on(spec, col.element() if col.is_array else col)


def type_key(spec: TransformSpec, col: ColType) -> str:
    """What of ``col`` changes the output of ``spec`` ('' when nothing): two columns joined
    by a foreign key must agree on it as well as on the rule."""
    if col.name == "unknown" or whole_value(spec, col):
        return ""
    try:
        return get_family(spec.name).produces(spec, col.element()).type_key
    except TypeMismatch:
        return ""
