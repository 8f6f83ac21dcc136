"""``uuid``: version-4-shaped UUIDs, distinct by construction (a keyed bijection of the row)."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from typing import Any

from dataops.demo.generators.base import (
    BindContext,
    Evaluator,
    Generator,
    SpecError,
    check_keys,
    register,
)
from dataops.demo.rand import key_int

_BITS = 122
_MASK = (1 << _BITS) - 1
_MUL1 = 0x2545F4914F6CDD1D9E3779B97F4A7C15 & _MASK | 1
_MUL2 = 0x5851F42D4C957F2D14057B7EF767814F & _MASK | 1


def row_uuid(key: int, row: int) -> uuid.UUID:
    x = (row * _MUL1 + key) & _MASK  # each step is a bijection of [0, 2**122)
    x ^= x >> 61
    x = (x * _MUL2) & _MASK
    x ^= x >> 59
    hi48, mid12, lo62 = x >> 74, (x >> 62) & 0xFFF, x & ((1 << 62) - 1)
    return uuid.UUID(int=(hi48 << 80) | (0x4 << 76) | (mid12 << 64) | (0b10 << 62) | lo62)


@register
class Uuid(Generator):
    """``{uuid: true}``."""

    family = "uuid"
    summary = "a random-looking version-4 UUID, distinct by construction"
    injective = True

    def __init__(self, arg: Any, opts: dict[str, Any]) -> None:
        super().__init__(arg, opts)
        check_keys(opts, self.options)
        if arg is not True:
            raise SpecError("write {uuid: true}")
        self._text = False

    def bind(self, ctx: BindContext) -> None:
        self._text = ctx.column.kind != "uuid"
        if ctx.column.kind not in ("uuid", "text", "other"):
            ctx.problem(f"uuid cannot fill a {ctx.column.type_text} column")

    def python_types(self) -> set[type] | None:
        return {str} if self._text else {uuid.UUID}

    def max_len(self) -> int | None:
        return 36

    def values(self, ev: Evaluator, rows: Sequence[int]) -> list[Any]:
        key = key_int(ev.stream("uuid").key) & _MASK
        out = [row_uuid(key, r) for r in rows]
        return [str(u) for u in out] if self._text else list(out)
