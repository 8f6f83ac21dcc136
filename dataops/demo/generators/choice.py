"""``choice``: one of a list of values, optionally weighted."""

from __future__ import annotations

import bisect
from collections.abc import Sequence
from fractions import Fraction
from math import lcm
from typing import Any

from dataops.demo.generators.base import (
    Domain,
    Evaluator,
    Generator,
    ListDomain,
    SpecError,
    check_keys,
    distinct,
    register,
)


@register
class Choice(Generator):
    """``{choice: [free, pro, enterprise], weights: [80, 15, 5]}``."""

    family = "choice"
    options = frozenset({"weights"})
    summary = "one of the listed values (weights: relative frequencies)"

    def __init__(self, arg: Any, opts: dict[str, Any]) -> None:
        super().__init__(arg, opts)
        check_keys(opts, self.options)
        if not isinstance(arg, list) or not arg:
            raise SpecError("choice needs a non-empty list of values")
        self.items = list(arg)
        weights = opts.get("weights")
        self.cumulative: list[int] | None = None
        if weights is not None:
            if not isinstance(weights, list) or len(weights) != len(arg):
                raise SpecError("weights must be a list as long as the choices")
            fracs = []
            for w in weights:
                if isinstance(w, bool) or not isinstance(w, int | float) or w < 0:
                    raise SpecError("weights must be numbers >= 0")
                fracs.append(Fraction(str(w)))
            if sum(fracs) <= 0:
                raise SpecError("weights must not all be 0")
            scale = lcm(*(f.denominator for f in fracs))
            ints = [int(f * scale) for f in fracs]
            total, acc = 0, []
            for w in ints:
                total += w
                acc.append(total)
            self.cumulative = acc
        self._domain = ListDomain(distinct(self.finite_values() or []))

    def describe(self) -> str:
        return "choice"

    def python_types(self) -> set[type] | None:
        return {type(v) for v in self.items if v is not None}

    def domain(self) -> Domain | None:
        return self._domain

    def finite_values(self) -> list[Any] | None:
        if self.cumulative is None:
            return list(self.items)
        prev, out = 0, []
        for item, acc in zip(self.items, self.cumulative, strict=True):
            if acc > prev:
                out.append(item)
            prev = acc
        return out

    def values(self, ev: Evaluator, rows: Sequence[int]) -> list[Any]:
        words = ev.stream("pick").words(rows)
        items = self.items
        if self.cumulative is None:
            n = len(items)
            return [items[(w * n) >> 64] for w in words]
        acc = self.cumulative
        total = acc[-1]
        right = bisect.bisect_right
        return [items[right(acc, (w * total) >> 64)] for w in words]
