"""``range`` (integers or fixed decimals) and ``sequence``."""

from __future__ import annotations

import bisect
from collections.abc import Sequence
from decimal import Decimal, InvalidOperation
from typing import Any

from dataops.demo.generators.base import (
    BindContext,
    Domain,
    Evaluator,
    Generator,
    SpecError,
    check_keys,
    register,
)

_PRECOMPUTE = 200_000


def _decimal(value: Any, what: str) -> Decimal:
    if isinstance(value, bool) or not isinstance(value, int | float | Decimal | str):
        raise SpecError(f"{what} must be a number")
    try:
        d = Decimal(str(value))
    except InvalidOperation:
        raise SpecError(f"{what} must be a number") from None
    if not d.is_finite():
        raise SpecError(f"{what} must be finite")
    return d


class RangeDomain:
    """``lo, lo + step, ..., hi`` as ints (decimals=0) or Decimals."""

    def __init__(self, lo_scaled: int, count: int, decimals: int) -> None:
        self.lo_scaled = lo_scaled
        self.count = count
        self.decimals = decimals
        self._table: list[Any] | None = None
        if decimals and count <= _PRECOMPUTE:
            self._table = [self._make(i) for i in range(count)]

    @property
    def size(self) -> int:
        return self.count

    def _make(self, i: int) -> Any:
        if not self.decimals:
            return self.lo_scaled + i
        return Decimal(self.lo_scaled + i).scaleb(-self.decimals)

    def values(self, indexes: Sequence[int]) -> list[Any]:
        if not self.decimals:
            lo = self.lo_scaled
            return [lo + i for i in indexes]
        if self._table is not None:
            table = self._table
            return [table[i] for i in indexes]
        make = self._make
        return [make(i) for i in indexes]

    def index_of(self, value: Any) -> int | None:
        try:
            scaled = Decimal(str(value)).scaleb(self.decimals)
        except (InvalidOperation, ValueError):
            return None
        if scaled != scaled.to_integral_value():
            return None
        i = int(scaled) - self.lo_scaled
        return i if 0 <= i < self.count else None


@register
class Range(Generator):
    """``{range: [1, 500]}`` integers, ``{range: [1, 500], decimals: 2}`` fixed-point."""

    family = "range"
    options = frozenset({"decimals"})
    summary = "a number between two bounds, inclusive (decimals: digits after the point)"

    def __init__(self, arg: Any, opts: dict[str, Any]) -> None:
        super().__init__(arg, opts)
        check_keys(opts, self.options)
        if not isinstance(arg, list) or len(arg) != 2:
            raise SpecError("range needs [low, high]")
        lo, hi = _decimal(arg[0], "low"), _decimal(arg[1], "high")
        if lo > hi:
            raise SpecError("low must not exceed high")
        decimals = opts.get("decimals")
        if decimals is None:
            decimals = max(0, -min(lo.as_tuple().exponent, hi.as_tuple().exponent, 0))  # type: ignore[operator]
        if isinstance(decimals, bool) or not isinstance(decimals, int) or not 0 <= decimals <= 30:
            raise SpecError("decimals must be an integer between 0 and 30")
        lo_scaled, hi_scaled = lo.scaleb(decimals), hi.scaleb(decimals)
        if lo_scaled != lo_scaled.to_integral_value() or hi_scaled != hi_scaled.to_integral_value():
            raise SpecError(f"the bounds have more than {decimals} decimals")
        self.lo, self.hi, self.decimals = lo, hi, decimals
        self._domain = RangeDomain(int(lo_scaled), int(hi_scaled) - int(lo_scaled) + 1, decimals)

    def describe(self) -> str:
        return f"range [{self.lo}, {self.hi}]"

    def python_types(self) -> set[type] | None:
        return {Decimal} if self.decimals else {int}

    def bind(self, ctx: BindContext) -> None:
        col = ctx.column
        if col.kind in ("int", "bits"):
            if self.decimals:
                ctx.problem(f"range with decimals: {self.decimals} cannot fill integer column")
            if col.int_min is not None and self.lo < col.int_min:
                ctx.problem(f"range low {self.lo} is below the column's minimum {col.int_min}")
            if col.int_max is not None and self.hi > col.int_max:
                ctx.problem(f"range high {self.hi} is above the column's maximum {col.int_max}")
        elif col.kind == "decimal":
            if col.scale is not None and self.decimals > col.scale:
                ctx.problem(
                    f"decimals: {self.decimals} exceeds the column's scale {col.scale} "
                    f"(values would be rounded)"
                )
            if col.precision is not None:
                digits = len(str(int(max(abs(self.lo), abs(self.hi)))))
                if digits > col.precision - (col.scale or 0):
                    ctx.problem(f"range [{self.lo}, {self.hi}] does not fit {col.type_text}")

    def domain(self) -> Domain | None:
        return self._domain

    def finite_values(self) -> list[Any] | None:
        return None

    def bounds(self) -> tuple[Any, Any] | None:
        if self.decimals:
            return self.lo, self.hi
        return int(self.lo), int(self.hi)

    def max_len(self) -> int | None:
        return max(len(str(v)) for v in self._domain.values([0, self._domain.size - 1]))


@register
class Sequence_(Generator):
    """``{sequence: 1000}`` or ``{sequence: true, start: 1000, step: 10}``: start, start+step, ..."""

    family = "sequence"
    options = frozenset({"start", "step"})
    summary = "consecutive integers (start, step), distinct by construction"
    injective = True

    def __init__(self, arg: Any, opts: dict[str, Any]) -> None:
        super().__init__(arg, opts)
        check_keys(opts, self.options)
        start = opts.get("start", 1)
        if isinstance(arg, int) and not isinstance(arg, bool):
            if "start" in opts:
                raise SpecError("give the start either as the value or as start:, not both")
            start = arg
        elif arg is not True:
            raise SpecError("sequence takes a start integer or true")
        step = opts.get("step", 1)
        for name, value in (("start", start), ("step", step)):
            if isinstance(value, bool) or not isinstance(value, int):
                raise SpecError(f"{name} must be an integer")
        if step == 0:
            raise SpecError("step must not be 0")
        self.start, self.step = start, step
        self.rows = 0
        self._skip: list[int] = []  # positions whose value a fixed row already holds
        self._fixed_rows: list[int] = []  # rows that hold their own value

    def describe(self) -> str:
        return f"sequence from {self.start}"

    def python_types(self) -> set[type] | None:
        return {int}

    def bind(self, ctx: BindContext) -> None:
        self.rows = ctx.rows
        col = ctx.column
        lo, hi = self._ends()
        if col.kind == "int" and (
            (col.int_min is not None and lo < col.int_min)
            or (col.int_max is not None and hi > col.int_max)
        ):
            ctx.problem(f"sequence {lo}..{hi} does not fit {col.type_text}")

    def exclude(self, taken: Sequence[Any], rows: Sequence[int] = ()) -> None:
        """Fixed ``rows`` hold the ``taken`` values: skip those values, give those rows no slot."""
        positions = set()
        for value in taken:
            if isinstance(value, int) and not isinstance(value, bool):
                pos, rem = divmod(value - self.start, self.step)
                if rem == 0 and pos >= 0:
                    positions.add(pos)
        self._skip = sorted(positions)
        self._fixed_rows = sorted(rows)

    def _ends(self) -> tuple[int, int]:
        last = self.start + self.step * max(0, self.rows - 1 + len(self._skip))
        return (min(self.start, last), max(self.start, last))

    def bounds(self) -> tuple[Any, Any] | None:
        return self._ends()

    def max_len(self) -> int | None:
        lo, hi = self._ends()
        return max(len(str(lo)), len(str(hi)))

    def value_at(self, row: int) -> int:
        slot = row - bisect.bisect_left(self._fixed_rows, row) if self._fixed_rows else row
        pos = slot
        if self._skip:
            while True:
                nxt = slot + bisect.bisect_right(self._skip, pos)
                if nxt == pos:
                    break
                pos = nxt
        return int(self.start + self.step * pos)

    def index_of_value(self, value: Any) -> int | None:
        """The generated row holding ``value`` (None for values no generated row holds)."""
        if isinstance(value, bool) or not isinstance(value, int):
            return None
        pos, rem = divmod(value - self.start, self.step)
        if rem or pos < 0 or (self._skip and pos in self._skip):
            return None
        slot = pos - bisect.bisect_left(self._skip, pos)
        for fixed in self._fixed_rows:  # rows are slots shifted past the fixed rows before them
            if fixed <= slot:
                slot += 1
        return int(slot)

    def values(self, ev: Evaluator, rows: Sequence[int]) -> list[Any]:
        if not self._skip and not self._fixed_rows:
            start, step = self.start, self.step
            return [start + step * r for r in rows]
        at = self.value_at
        return [at(r) for r in rows]
