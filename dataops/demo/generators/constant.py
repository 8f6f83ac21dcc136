"""``constant``: the same value in every row."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from dataops.demo.generators.base import (
    Domain,
    Evaluator,
    Generator,
    ListDomain,
    check_keys,
    register,
)


@register
class Constant(Generator):
    """``{constant: 42}``, ``{constant: {theme: dark}}`` (JSON), ``{constant: null}``."""

    family = "constant"
    summary = "the same value in every row (any YAML value; mappings and lists become JSON)"

    def __init__(self, arg: Any, opts: dict[str, Any]) -> None:
        super().__init__(arg, opts)
        check_keys(opts, self.options)
        self.value = arg
        self._domain = ListDomain([arg])

    def describe(self) -> str:
        return "constant"

    def python_types(self) -> set[type] | None:
        return set() if self.value is None else {type(self.value)}

    def domain(self) -> Domain | None:
        return self._domain

    def values(self, ev: Evaluator, rows: Sequence[int]) -> list[Any]:
        return [self.value] * len(rows)
