"""``ref``: a value of a parent table's column; every referenced value exists."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from dataops.demo.generators.base import Evaluator, Generator, SpecError, check_keys, register


class RefDomain:
    """The parent's rows ``0..count-1`` as distinct values (the parent column is unique)."""

    def __init__(
        self,
        count: int,
        resolve: Callable[[Sequence[int]], list[Any]],
        locate: Callable[[Any], int | None],
    ) -> None:
        self.count = count
        self._resolve = resolve
        self._locate = locate

    @property
    def size(self) -> int:
        return self.count

    def values(self, indexes: Sequence[int]) -> list[Any]:
        return self._resolve(indexes)

    def index_of(self, value: Any) -> int | None:
        return self._locate(value)


@register
class Ref(Generator):
    """``{ref: customers.id}``: picks a parent row for each row.

    The planner fills in where the parent rows come from (``parent_count``), the
    key shared by the columns of one composite foreign key (``pick``), whether
    the reference is to the same table (rows then point to earlier rows), and,
    for tables with ``rows: {per: parent}``, the parent of each row's group.
    """

    family = "ref"
    summary = "a value of table.column from a row of that table"

    def __init__(self, arg: Any, opts: dict[str, Any]) -> None:
        super().__init__(arg, opts)
        check_keys(opts, self.options)
        if not isinstance(arg, str) or arg.count(".") != 1 or "" in arg.split("."):
            raise SpecError("ref needs table.column, e.g. {ref: customers.id}")
        self.table, self.column = arg.split(".")
        self.parent_count = 0
        self.pick = "ref"
        self.self_ref = False
        self.self_nullable = True
        self.group_parent: Callable[[Sequence[int]], list[int | None]] | None = None
        self.domain_: RefDomain | None = None

    def describe(self) -> str:
        return f"ref {self.table}.{self.column}"

    def domain(self) -> RefDomain | None:
        return self.domain_

    def finite_values(self) -> list[Any] | None:
        return None

    def parent_indexes(self, ev: Evaluator, rows: Sequence[int]) -> list[int | None]:
        if self.group_parent is not None:
            return self.group_parent(rows)
        words = ev.shared_stream("ref", self.pick).words(rows)
        if self.self_ref:
            first = None if self.self_nullable else 0
            return [(w * r) >> 64 if r > 0 else first for w, r in zip(words, rows, strict=True)]
        n = self.parent_count
        return [(w * n) >> 64 for w in words]

    def values(self, ev: Evaluator, rows: Sequence[int]) -> list[Any]:
        indexes = self.parent_indexes(ev, rows)
        present = [i for i in indexes if i is not None]
        found = iter(ev.parent_values(self.table, self.column, present))
        return [next(found) if i is not None else None for i in indexes]
