"""``number_noise``: multiply by a keyed factor in [1 - ratio, 1 + ratio], keeping the shape.

Integers stay integers, a decimal keeps its number of fraction digits, and the
result never has more integer digits than the input (nor leaves the column's
integer type range), so it fits the column's ``numeric(p, s)`` / ``int`` type.
"""

from __future__ import annotations

import decimal
import hashlib
import re
from typing import TYPE_CHECKING

from dataops.anonymize.transforms.base import (
    BuildContext,
    Family,
    Output,
    Param,
    TransformSpec,
    ValueFn,
    register,
)
from dataops.errors import OperationError

_NUMBER = re.compile(rb"^([+-]?)(\d*)(?:\.(\d*))?$")
_INT_RANGES = {
    "smallint": 2**15 - 1,
    "int2": 2**15 - 1,
    "integer": 2**31 - 1,
    "int": 2**31 - 1,
    "int4": 2**31 - 1,
    "bigint": 2**63 - 1,
    "int8": 2**63 - 1,
    # MySQL/MariaDB (dataops.anonymize.mysqltypes)
    "tinyint": 2**7 - 1,
    "mediumint": 2**23 - 1,
    "tinyint unsigned": 2**8 - 1,
    "smallint unsigned": 2**16 - 1,
    "mediumint unsigned": 2**24 - 1,
    "integer unsigned": 2**32 - 1,
    "bigint unsigned": 2**64 - 1,
}

if TYPE_CHECKING:
    from dataops.anonymize.coltypes import ColType


def _ratio(value: object) -> str | None:
    if isinstance(value, bool) or not isinstance(value, int | float) or not 0 < value <= 10:
        return "must be a number in (0, 10]"
    return None


class NumberNoise(Family):
    name = "number_noise"
    summary = "multiply by a keyed factor in [1-`ratio`, 1+`ratio`] (default 0.1); keeps integer/decimal shape"
    params = {"ratio": Param((float, int), default=0.1, check=_ratio)}

    def produces(self, spec: TransformSpec, col: ColType) -> Output:
        return Output(
            "numbers of the input's shape",
            frozenset({"integer", "numeric", "float"}),
            hint="number_noise works on integer, numeric, real and double precision columns",
        )

    def build(self, spec: TransformSpec, key: bytes, ctx: BuildContext) -> ValueFn:
        ratio = decimal.Decimal(str(spec.params["ratio"]))
        type_max = _INT_RANGES.get(ctx.column_type.lower())
        blake = hashlib.blake2b
        dctx = decimal.Context(prec=60)

        def fn(value: bytes) -> bytes:
            r = int.from_bytes(blake(key + value, digest_size=8).digest())
            unit = decimal.Decimal(r) / decimal.Decimal(2**64 - 1) * 2 - 1  # [-1, 1]
            factor = dctx.add(1, dctx.multiply(unit, ratio))
            m = _NUMBER.match(value)
            if m is None:
                if value in (b"NaN", b"Infinity", b"-Infinity"):
                    return value
                try:
                    f = float(value)
                except ValueError:
                    raise OperationError("number_noise: a value is not a number") from None
                return repr(f * float(factor)).encode()
            sign, whole, frac = m[1], m[2] or b"0", m[3]
            scale = len(frac) if frac is not None else 0
            x = decimal.Decimal(value.decode())
            y = dctx.multiply(x, factor)
            digits = len(whole.lstrip(b"0")) or 1
            limit = decimal.Decimal(10) ** digits - decimal.Decimal(1).scaleb(-scale)
            if type_max is not None:
                limit = min(limit, decimal.Decimal(type_max))
            if y > limit:
                y = limit
            elif y < -limit:
                y = -limit
            q = y.quantize(
                decimal.Decimal(1).scaleb(-scale), rounding=decimal.ROUND_HALF_EVEN, context=dctx
            )
            text = f"{q:f}"
            if scale == 0 and "." in text:
                text = text.split(".")[0]
            if frac is not None and scale == 0:
                text += "."
            if text.startswith("-") and q == 0:
                text = text[1:]
            if sign == b"+" and not text.startswith("-"):
                text = "+" + text
            return text.encode()

        return fn


register(NumberNoise())
