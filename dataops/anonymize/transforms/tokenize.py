"""``tokenize``: a keyed, format-preserving permutation (see :mod:`dataops.anonymize.fpe`).

Text keeps its length and its character classes position by position: ASCII
digits stay digits, ``a-z`` stay lower-case letters, ``A-Z`` upper-case letters,
every other character (punctuation, spaces, non-ASCII letters) stays as it is.
The classed positions form one mixed-radix number, permuted with a tweak naming
the value's shape, so the map is a bijection on every shape: distinct inputs stay
distinct at any length.  On integer columns the value is permuted within the
column type's whole range.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from dataops.anonymize import speedups
from dataops.anonymize.fpe import Permutation
from dataops.anonymize.transforms.base import (
    TEXT,
    BuildContext,
    Family,
    Kernel,
    Output,
    TransformSpec,
    TypeMismatch,
    ValueFn,
    register,
)
from dataops.errors import OperationError

if TYPE_CHECKING:
    from dataops.anonymize.coltypes import ColType

_CLASSES = (
    ("0", 10, "\x01"),
    ("a", 26, "\x02"),
    ("A", 26, "\x03"),
)


def _int_range(col: ColType | None) -> tuple[int, int] | None:
    if col is not None and col.category == "integer":
        return col.int_range
    return None


class Tokenize(Family):
    name = "tokenize"
    summary = (
        "keyed format-preserving permutation: text keeps its length and character classes "
        "(digits, a-z, A-Z; other characters stay), integers stay in the type's range; "
        "unique by construction"
    )
    params = {}

    def can_be_unique(self, params: Mapping[str, Any]) -> str | None:
        return None

    def injective(self, spec: TransformSpec) -> bool:
        return True

    def produces(self, spec: TransformSpec, col: ColType) -> Output:
        rng = _int_range(col)
        if rng is not None:
            return Output(
                f"integers {rng[0]}..{rng[1]} (a permutation)",
                frozenset({"integer"}),
                type_key=f"{rng[0]}:{rng[1]}",
            )
        if col.category == "text":
            return Output("the input's length and character classes", TEXT, col.length)
        hint = {"uuid": "use uuid or hash", "inet": "use ip", "cidr": "use ip"}.get(
            col.category, "tokenize keeps text and integers"
        )
        raise TypeMismatch("keeps the shape of text and integers", hint)

    def build_fast(self, spec: TransformSpec, key: bytes, ctx: BuildContext) -> ValueFn | None:
        return self.build(spec, key, ctx)  # classed characters map to classed characters

    def build_kernel(self, spec: TransformSpec, key: bytes, ctx: BuildContext) -> Kernel | None:
        rng = _int_range(ctx.coltype)
        if rng is None or not speedups.enabled():
            return None
        size = rng[1] - rng[0] + 1  # 2**16, 2**32 or 2**64: no cycle-walking
        return speedups.IntPermute(
            Permutation(key, size, b"integer").prefixes, size.bit_length() - 1
        )

    def build(self, spec: TransformSpec, key: bytes, ctx: BuildContext) -> ValueFn:
        rng = _int_range(ctx.coltype)
        if rng is not None:
            lo, hi = rng
            perm = Permutation(key, hi - lo + 1, b"integer")

            def int_fn(value: bytes) -> bytes:
                try:
                    x = int(value)
                except ValueError:
                    raise OperationError("tokenize: a value is not an integer") from None
                if not lo <= x <= hi:
                    raise OperationError("tokenize: a value is outside the column type's range")
                return str(perm.encrypt(x - lo) + lo).encode()

            return int_fn

        @functools.lru_cache(maxsize=4096)
        def permutation(n: int, shape: str) -> Permutation:
            return Permutation(key, n, shape.encode("utf-8", "surrogatepass"))

        def fn(value: bytes) -> bytes:
            text = ctx.decode(value)
            radices: list[int] = []
            shape: list[str] = []
            x = 0
            for ch in text:
                if "0" <= ch <= "9":
                    x = x * 10 + (ord(ch) - 48)
                    radices.append(10)
                    shape.append("\x01")
                elif "a" <= ch <= "z":
                    x = x * 26 + (ord(ch) - 97)
                    radices.append(26)
                    shape.append("\x02")
                elif "A" <= ch <= "Z":
                    x = x * 26 + (ord(ch) - 65)
                    radices.append(26)
                    shape.append("\x03")
                else:
                    shape.append(ch)
            if not radices:
                return value
            n = 1
            for r in radices:
                n *= r
            y = permutation(n, "".join(shape)).encrypt(x)
            chars: list[str] = []
            for r in reversed(radices):
                y, d = divmod(y, r)
                chars.append(chr(d + (48 if r == 10 else 97)))
            out = []
            it = reversed(chars)
            for ch, cls in zip(text, shape, strict=True):
                if cls == "\x01" or cls == "\x02":
                    out.append(next(it))
                elif cls == "\x03":
                    out.append(next(it).upper())
                else:
                    out.append(ch)
            return ctx.encode("".join(out))

        return fn


register(Tokenize())
