"""``date_between``: dates (or timestamps) between two ISO dates, inclusive."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from dataops.demo.generators.base import (
    BindContext,
    Domain,
    Evaluator,
    Generator,
    SpecError,
    as_date,
    check_keys,
    register,
)

_PRECOMPUTE = 200_000


class DateDomain:
    """Every day (or second, for timestamps) from ``start``, ``count`` of them."""

    def __init__(
        self, start: dt.date | dt.datetime, count: int, unit: dt.timedelta, fmt: bool
    ) -> None:
        self.start, self.count, self.unit, self.as_text = start, count, unit, fmt
        self._table: list[Any] | None = None
        if count <= _PRECOMPUTE:
            self._table = [self._make(i) for i in range(count)]

    @property
    def size(self) -> int:
        return self.count

    def _make(self, i: int) -> Any:
        value = self.start + self.unit * i
        return value.isoformat() if self.as_text else value

    def values(self, indexes: Sequence[int]) -> list[Any]:
        if self._table is not None:
            table = self._table
            return [table[i] for i in indexes]
        make = self._make
        return [make(i) for i in indexes]

    def index_of(self, value: Any) -> int | None:
        try:
            if isinstance(value, str):
                value = dt.datetime.fromisoformat(value)
                if isinstance(self.start, dt.date) and not isinstance(self.start, dt.datetime):
                    value = value.date()
            delta = value - self.start
        except (TypeError, ValueError):
            return None
        i, rem = divmod(delta, self.unit)
        return int(i) if not rem and 0 <= i < self.count else None


@register
class DateBetween(Generator):
    """``{date_between: ["2020-01-01", "2024-12-31"]}``."""

    family = "date_between"
    summary = "a date (or timestamp, to the second) between two ISO dates, inclusive"

    def __init__(self, arg: Any, opts: dict[str, Any]) -> None:
        super().__init__(arg, opts)
        check_keys(opts, self.options)
        if not isinstance(arg, list) or len(arg) != 2:
            raise SpecError('date_between needs ["YYYY-MM-DD", "YYYY-MM-DD"]')
        self.first, self.last = as_date(arg[0]), as_date(arg[1])
        if _as_dt(self.first) > _as_dt(self.last, end=True):
            raise SpecError("the first date is after the last")
        self._domain: DateDomain | None = None
        self._types: set[type] = {dt.date}

    def describe(self) -> str:
        return f"date_between [{self.first}, {self.last}]"

    def bind(self, ctx: BindContext) -> None:
        kind = ctx.column.kind
        if kind == "datetime":
            tz = dt.UTC if ctx.column.timezone else None
            start = _as_dt(self.first).replace(tzinfo=tz)
            end = _as_dt(self.last, end=True).replace(tzinfo=tz)
            unit = dt.timedelta(seconds=1)
            self._domain = DateDomain(start, (end - start) // unit + 1, unit, False)
            self._types = {dt.datetime}
        elif kind in ("date", "text", "other", "json"):
            first, last = _day(self.first), _day(self.last)
            unit = dt.timedelta(days=1)
            text = kind != "date"
            self._domain = DateDomain(first, (last - first).days + 1, unit, text)
            self._types = {str} if text else {dt.date}
        else:
            ctx.problem(f"date_between cannot fill a {ctx.column.type_text} column")

    def python_types(self) -> set[type] | None:
        return self._types

    def domain(self) -> Domain | None:
        return self._domain

    def finite_values(self) -> list[Any] | None:
        return None

    def bounds(self) -> tuple[Any, Any] | None:
        if self._domain is None:
            return self.first, self.last
        first, last = self._domain.values([0, self._domain.size - 1])
        return first, last

    def max_len(self) -> int | None:
        return 10 if self._types == {str} else None

    def values(self, ev: Evaluator, rows: Sequence[int]) -> list[Any]:
        assert self._domain is not None
        return self._domain.values(ev.stream("pick").below(rows, self._domain.size))


def _day(value: dt.date | dt.datetime) -> dt.date:
    return value.date() if isinstance(value, dt.datetime) else value


def _as_dt(value: dt.date | dt.datetime, end: bool = False) -> dt.datetime:
    if isinstance(value, dt.datetime):
        return (
            value.replace(tzinfo=None)
            if value.tzinfo is None
            else value.astimezone(dt.UTC).replace(tzinfo=None)
        )
    if end:
        return dt.datetime(value.year, value.month, value.day, 23, 59, 59)
    return dt.datetime(value.year, value.month, value.day)
