"""``template``: text built from the row number and other columns of the same row."""

from __future__ import annotations

import re
import string
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

_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_ROW_SPEC = re.compile(r"0?[0-9]*d?")


@register
class Template(Generator):
    """``{template: "user{row}@example.com"}``, ``{template: "{first_name}.{last_name}"}``.

    ``{row}`` is the 1-based row number (format specs such as ``{row:05d}`` work);
    any other ``{name}`` is that column's value in the same row.  A template whose
    ``{row}`` is followed only by literal text that does not start with a digit,
    and is preceded by a non-digit literal, is unique by construction.
    """

    family = "template"
    summary = "text with {row} (1-based row number) and {column} placeholders"

    def __init__(self, arg: Any, opts: dict[str, Any]) -> None:
        super().__init__(arg, opts)
        check_keys(opts, self.options)
        if not isinstance(arg, str):
            raise SpecError('template needs text such as "user{row}@example.com"')
        try:
            parts = list(string.Formatter().parse(arg))
        except ValueError as exc:
            raise SpecError(f"invalid template: {exc}") from None
        self.parts: list[tuple[str, str | None, str]] = []
        for literal, field, spec, conversion in parts:
            if field is not None:
                if not _NAME.fullmatch(field):
                    raise SpecError(f"placeholder {{{field}}} must be row or a column name")
                if conversion:
                    raise SpecError(
                        f"placeholder {{{field}!{conversion}}}: conversions are not allowed"
                    )
                if spec and "{" in spec:
                    raise SpecError("nested placeholders are not allowed")
                if field == "row" and spec and not _ROW_SPEC.fullmatch(spec):
                    raise SpecError(f"{{row:{spec}}}: only integer formats such as 05d")
            self.parts.append((literal, field, spec or ""))
        self.template = arg
        self.rows = 0
        self._sibling_len: dict[str, int | None] = {}
        self.injective = self._row_unique()

    def describe(self) -> str:
        return f"template {self.template!r}"

    def _row_unique(self) -> bool:
        fields = [i for i, (_, f, _) in enumerate(self.parts) if f == "row"]
        if not fields:
            return False
        last = fields[-1]
        before = self.parts[last][0]
        if before and before[-1].isdigit():
            return False
        if not before and last > 0:
            return False  # another placeholder right before {row}
        after = self.parts[last + 1 :]
        if any(f is not None for _, f, _ in after):
            return False
        tail = "".join(lit for lit, _, _ in after)
        return not (tail and tail[0].isdigit())

    def deps(self) -> set[str]:
        return {f for _, f, _ in self.parts if f is not None and f != "row"}

    def python_types(self) -> set[type] | None:
        return {str}

    def bind(self, ctx: BindContext) -> None:
        self.rows = ctx.rows
        self._sibling_len = {name: ctx.sibling_max_len(name) for name in self.deps()}

    def max_len(self) -> int | None:
        total = 0
        for literal, field, spec in self.parts:
            total += len(literal)
            if field == "row":
                total += max(len(str(max(self.rows, 1))), int(re.sub(r"\D", "", spec) or 0))
            elif field is not None:
                n = self._sibling_len.get(field)
                if n is None:
                    return None
                total += n
        return total

    def values(self, ev: Evaluator, rows: Sequence[int]) -> list[Any]:
        columns = {name: ev.sibling(name, rows) for name in self.deps()}
        out = []
        parts = self.parts
        for i, r in enumerate(rows):
            pieces = []
            for literal, field, spec in parts:
                pieces.append(literal)
                if field is None:
                    continue
                value: Any = r + 1 if field == "row" else columns[field][i]
                if value is None:
                    value = ""
                pieces.append(format(value, spec) if spec else str(value))
            out.append("".join(pieces))
        return out
