"""What every generator family implements, and the registry that finds them by name.

A generator is created from its spec entry (``{range: [1, 500], decimals: 2}``:
family ``range``, argument ``[1, 500]``, option ``decimals``) and checks that entry
statically (:class:`SpecError`).  :meth:`Generator.bind` then adapts it to the
column it fills (kind, length, CHECK rules), reporting problems instead of
raising.  At load time :meth:`Generator.values` returns the values of a batch of
rows; everything random comes from ``ev.stream(...)``, a keyed hash of (seed,
table, column, purpose, row), never from shared state.

Generators with a finite :meth:`Generator.domain` (an indexable list of distinct
values) can be made unique by construction; ``injective`` ones (sequences,
``{row}`` templates, UUIDs) are unique by themselves.
"""

from __future__ import annotations

import contextlib
import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import TYPE_CHECKING, Any, ClassVar, Protocol

from dataops.demo.rand import Stream

if TYPE_CHECKING:
    from dataops.demo.pools import PoolStore
    from dataops.demo.reflect import Column


class SpecError(Exception):
    """A generator's spec entry is invalid; the message says why."""


class Domain(Protocol):
    """Distinct values indexed ``0..size-1``."""

    @property
    def size(self) -> int: ...

    def values(self, indexes: Sequence[int]) -> list[Any]: ...

    def index_of(self, value: Any) -> int | None: ...


class Evaluator(Protocol):
    """What a generator may ask while producing values (see :mod:`dataops.demo.model`)."""

    row_count: int

    def stream(self, *purpose: str) -> Stream:
        """Words keyed by (seed, table, this column, purpose)."""
        ...

    def shared_stream(self, *purpose: str) -> Stream:
        """Words keyed by (seed, table, purpose): shared by the columns of one composite key."""
        ...

    def sibling(self, column: str, rows: Sequence[int]) -> list[Any]: ...

    def parent_values(self, table: str, column: str, indexes: Sequence[int]) -> list[Any]: ...


@dataclass
class BindContext:
    """The column a generator fills and the tools it may use."""

    table: str
    column: Column
    locale: str
    pools: PoolStore
    pool_size: int
    rows: int  # rows the table will hold (fixed + generated)
    problems: list[str] = field(default_factory=list)
    sibling_max_len: Callable[[str], int | None] = lambda name: None

    def problem(self, message: str) -> None:
        self.problems.append(message)


class ListDomain:
    """A finite list of distinct values."""

    def __init__(self, items: Sequence[Any]) -> None:
        self.items = list(items)
        self._index: dict[Any, int] = {}
        for i, v in enumerate(self.items):
            with contextlib.suppress(TypeError):  # unhashable values are found by scanning
                self._index.setdefault(_key(v), i)

    @property
    def size(self) -> int:
        return len(self.items)

    def values(self, indexes: Sequence[int]) -> list[Any]:
        items = self.items
        return [items[i] for i in indexes]

    def index_of(self, value: Any) -> int | None:
        try:
            return self._index.get(_key(value))
        except TypeError:
            return None


def _key(value: Any) -> Any:
    if isinstance(value, dict | list):
        import json

        return "json:" + json.dumps(value, sort_keys=True, default=str)
    if isinstance(value, bool):
        return ("bool", value)
    if isinstance(value, int | float | Decimal):
        return ("num", Decimal(str(value)))
    return value


def distinct(values: Sequence[Any]) -> list[Any]:
    seen: set[Any] = set()
    out = []
    for v in values:
        k = _key(v)
        if k not in seen:
            seen.add(k)
            out.append(v)
    return out


class Generator:
    """Base class of every generator family."""

    family: ClassVar[str] = ""
    options: ClassVar[frozenset[str]] = frozenset()
    summary: ClassVar[str] = ""

    injective: bool = False  # distinct rows give distinct values by construction

    def __init__(self, arg: Any, opts: dict[str, Any]) -> None:
        self.arg = arg
        self.opts = opts

    # --- static description -------------------------------------------------
    def describe(self) -> str:
        return self.family

    def deps(self) -> set[str]:
        """Columns of the same row this generator reads."""
        return set()

    def python_types(self) -> set[type] | None:
        """Types of the values produced (None: unknown until bound)."""
        return None

    # --- binding ------------------------------------------------------------
    def bind(self, ctx: BindContext) -> None:
        """Adapt to the column; report problems with ``ctx.problem``."""

    def domain(self) -> Domain | None:
        """Finite distinct values, for unique construction and CHECK validation."""
        return None

    def finite_values(self) -> list[Any] | None:
        """Every value this generator can produce, when that list is small enough to check."""
        d = self.domain()
        if d is not None and d.size <= 100_000:
            return d.values(range(d.size))
        return None

    def bounds(self) -> tuple[Any, Any] | None:
        """(lowest, highest) value for ordered generators (ranges, dates, sequences)."""
        return None

    def max_len(self) -> int | None:
        """Longest text produced, when known."""
        values = self.finite_values()
        if values is not None and values and all(isinstance(v, str) for v in values):
            return max(len(v) for v in values)
        return None

    # --- values -------------------------------------------------------------
    def values(self, ev: Evaluator, rows: Sequence[int]) -> list[Any]:
        d = self.domain()
        if d is None:  # pragma: no cover - every family overrides one of the two
            raise NotImplementedError(self.family)
        return d.values(ev.stream("pick").below(rows, d.size))


REGISTRY: dict[str, type[Generator]] = {}


def register(cls: type[Generator]) -> type[Generator]:
    REGISTRY[cls.family] = cls
    return cls


def check_keys(opts: dict[str, Any], allowed: frozenset[str]) -> None:
    unknown = sorted(set(opts) - allowed)
    if unknown:
        raise SpecError(f"unknown option(s) {', '.join(unknown)}")


def as_date(value: Any) -> dt.date | dt.datetime:
    if isinstance(value, dt.datetime | dt.date):
        return value
    if isinstance(value, str):
        try:
            parsed = dt.datetime.fromisoformat(value)
        except ValueError:
            raise SpecError(f"{value!r} is not an ISO date (YYYY-MM-DD)") from None
        return parsed.date() if len(value) <= 10 else parsed
    raise SpecError(f"{value!r} is not a date")
