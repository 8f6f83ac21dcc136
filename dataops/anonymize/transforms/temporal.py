"""``date_shift``: move dates and timestamps by a keyed number of days, keeping the type.

The text form PostgreSQL writes (``2020-01-31``, ``2020-01-31 10:00:00.5+02``,
``... BC``) keeps everything after the date part unchanged, so times, fractions
and zones survive.  ``infinity`` / ``-infinity`` are not personal data and pass.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from typing import TYPE_CHECKING

from dataops.anonymize import speedups
from dataops.anonymize.transforms.base import (
    BuildContext,
    Family,
    Kernel,
    Output,
    Param,
    TransformSpec,
    ValueFn,
    int_range,
    register,
)
from dataops.errors import OperationError

_DATE = re.compile(rb"^(\d{4,})-(\d\d)-(\d\d)")

if TYPE_CHECKING:
    from dataops.anonymize.coltypes import ColType


class DateShift(Family):
    name = "date_shift"
    summary = (
        "shift dates/timestamps by 1..`max_days` days (default 365) either way, keyed per value"
    )
    params = {"max_days": Param((int,), default=365, check=int_range(1, 100_000))}

    def produces(self, spec: TransformSpec, col: ColType) -> Output:
        return Output(
            "the input's date or timestamp, shifted",
            frozenset({"date", "timestamp", "timestamptz"}),
            hint="date_shift works on date, timestamp and timestamptz columns",
        )

    def build_fast(self, spec: TransformSpec, key: bytes, ctx: BuildContext) -> ValueFn | None:
        return self.build(spec, key, ctx)  # digits and the value's own (escape-free) tail

    def build_kernel(self, spec: TransformSpec, key: bytes, ctx: BuildContext) -> Kernel | None:
        # only compiled: the date arithmetic per value is what costs (see build)
        if speedups.enabled():
            return speedups.DateShift(key, int(spec.params["max_days"]))
        return None

    def build(self, spec: TransformSpec, key: bytes, ctx: BuildContext) -> ValueFn:
        max_days = int(spec.params["max_days"])
        blake = hashlib.blake2b

        def fn(value: bytes) -> bytes:
            m = _DATE.match(value)
            if m is None:
                if value in (b"infinity", b"-infinity"):
                    return value
                raise OperationError("date_shift: a value is not a date or timestamp")
            r = int.from_bytes(blake(key + value, digest_size=8).digest()) % (2 * max_days)
            days = r - max_days if r < max_days else r - max_days + 1  # never 0
            bc = value.endswith(b" BC")
            try:
                day = dt.date(int(m[1]), int(m[2]), int(m[3]))
            except (ValueError, OverflowError):  # e.g. a 12-digit year
                raise OperationError(
                    "date_shift: a value is not a valid date in the years 1..9999"
                ) from None
            delta = dt.timedelta(days=-days if bc else days)
            try:
                shifted = day + delta
            except OverflowError:  # at the ends of the calendar, shift the other way
                shifted = day - delta
            return (
                f"{shifted.year:04d}-{shifted.month:02d}-{shifted.day:02d}".encode()
                + value[m.end() :]
            )

        return fn


register(DateShift())
