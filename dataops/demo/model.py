"""Evaluating a planned table: the value of any column at any row, as a pure function.

A :class:`TableModel` knows its rows (fixed rows first, then generated ones; for
``per:`` tables, generated rows are grouped by parent), its columns and their
generators, and its :class:`UniqueGroup` s.  ``column_values(name, rows)`` gives
the values of one column for any list of row numbers; children's ``ref`` columns
call it on their parent with the parent rows they picked, so parent keys never
need to be held in memory or read back from the database.
"""

from __future__ import annotations

import bisect
import datetime as dt
import json
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING, Any

from dataops.demo.generators.base import Domain, Generator
from dataops.demo.rand import Permutation, Stream, derive_key, key_int, mix64, mixed_radix

_GOLDEN = 0x9E3779B97F4A7C15

if TYPE_CHECKING:
    from dataops.demo.reflect import Column, Table

Converter = Callable[[Any], Any]


# ------------------------------------------------------------------ conversion
class ConversionError(ValueError):
    pass


def _to_text(v: Any) -> Any:
    if v is None or isinstance(v, str):
        return v
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, dt.date | dt.time):
        return v.isoformat()
    if isinstance(v, dict | list):
        return json.dumps(v, ensure_ascii=False)
    if isinstance(v, bytes):
        return v.decode("utf-8", "replace")
    return str(v)


def _to_int(v: Any) -> Any:
    if v is None or (isinstance(v, int) and not isinstance(v, bool)):
        return v
    if isinstance(v, bool):
        return int(v)
    if isinstance(v, Decimal | float) and v == int(v):
        return int(v)
    if isinstance(v, str) and v.strip().lstrip("-").isdigit():
        return int(v)
    raise ConversionError(f"{v!r} is not an integer")


def _to_number(v: Any) -> Any:
    if v is None or (isinstance(v, int | float | Decimal) and not isinstance(v, bool)):
        return v
    if isinstance(v, str):
        try:
            return Decimal(v)
        except InvalidOperation:
            pass
    raise ConversionError(f"{v!r} is not a number")


def _to_bool(v: Any) -> Any:
    if v is None or isinstance(v, bool):
        return v
    if isinstance(v, int) and v in (0, 1):
        return bool(v)
    if isinstance(v, str) and v.lower() in ("true", "false", "t", "f", "yes", "no", "1", "0"):
        return v.lower() in ("true", "t", "yes", "1")
    raise ConversionError(f"{v!r} is not a boolean")


def _to_date(v: Any) -> Any:
    if v is None:
        return v
    if isinstance(v, dt.datetime):
        return v.date()
    if isinstance(v, dt.date):
        return v
    if isinstance(v, str):
        try:
            return dt.date.fromisoformat(v[:10])
        except ValueError:
            pass
    raise ConversionError(f"{v!r} is not a date")


def _datetime_converter(timezone: bool) -> Converter:
    def conv(v: Any) -> Any:
        if v is None:
            return v
        if isinstance(v, str):
            try:
                v = dt.datetime.fromisoformat(v)
            except ValueError:
                raise ConversionError(f"{v!r} is not a timestamp") from None
        if isinstance(v, dt.date) and not isinstance(v, dt.datetime):
            v = dt.datetime(v.year, v.month, v.day)
        if not isinstance(v, dt.datetime):
            raise ConversionError(f"{v!r} is not a timestamp")
        if timezone and v.tzinfo is None:
            return v.replace(tzinfo=dt.UTC)
        if not timezone and v.tzinfo is not None:
            return v.astimezone(dt.UTC).replace(tzinfo=None)
        return v

    return conv


def _to_time(v: Any) -> Any:
    if v is None or isinstance(v, dt.time):
        return v
    if isinstance(v, dt.datetime):
        return v.time()
    if isinstance(v, str):
        try:
            return dt.time.fromisoformat(v)
        except ValueError:
            pass
    raise ConversionError(f"{v!r} is not a time")


def _to_uuid(v: Any) -> Any:
    if v is None or isinstance(v, uuid.UUID):
        return v
    if isinstance(v, str):
        try:
            return uuid.UUID(v)
        except ValueError:
            pass
    raise ConversionError(f"{v!r} is not a UUID")


def _to_json(v: Any) -> Any:
    if v is None:
        return v
    if isinstance(v, Decimal):
        v = float(v) if v != v.to_integral_value() else int(v)
    if isinstance(v, dt.date | dt.time | uuid.UUID):
        v = str(v)
    try:
        return json.dumps(v, ensure_ascii=False)
    except (TypeError, ValueError):
        raise ConversionError(f"{v!r} cannot be stored as JSON") from None


def _to_bytes(v: Any) -> Any:
    if v is None or isinstance(v, bytes):
        return v
    if isinstance(v, str):
        return v.encode("utf-8")
    raise ConversionError(f"{v!r} is not binary data")


_NATIVE: dict[str, tuple[type, ...]] = {
    "text": (str,),
    "enum": (str,),
    "int": (int,),
    "bits": (int,),
    "decimal": (int, Decimal, float),
    "float": (int, Decimal, float),
    "bool": (bool,),
    "date": (dt.date,),
    "datetime": (dt.datetime,),
    "time": (dt.time,),
    "uuid": (uuid.UUID,),
    "bytes": (bytes,),
}


def converter_for(column: Column) -> Converter | None:
    kind = column.kind
    if kind in ("text", "enum"):
        return _to_text
    if kind in ("int", "bits"):
        return _to_int
    if kind in ("decimal", "float"):
        return _to_number
    if kind == "bool":
        return _to_bool
    if kind == "date":
        return _to_date
    if kind == "datetime":
        return _datetime_converter(column.timezone)
    if kind == "time":
        return _to_time
    if kind == "uuid":
        return _to_uuid
    if kind == "json":
        return _to_json
    if kind == "bytes":
        return _to_bytes
    return None


def needs_conversion(column: Column, types: set[type] | None) -> bool:
    """False when every produced type is already what the column stores."""
    if column.kind == "json":
        return True
    native = _NATIVE.get(column.kind)
    if native is None or types is None:
        return True
    if column.kind == "int" and bool in types:
        return True
    if column.kind == "date" and dt.datetime in types:
        return True
    if column.kind == "datetime":
        return True  # time zones are normalised
    return not all(issubclass(t, native) for t in types)


# ------------------------------------------------------------------ layouts
@dataclass
class PerLayout:
    """Generated rows of a ``per:`` table, grouped by parent row."""

    parent: str
    offsets: list[int]  # offsets[p] = first generated row (0-based, after fixed rows) of group p
    fixed_count: int

    @property
    def generated(self) -> int:
        return self.offsets[-1]

    def group_of(self, row: int) -> tuple[int, int] | None:
        """(parent row, position in group) of a generated row; None for fixed rows."""
        g = row - self.fixed_count
        if g < 0:
            return None
        p = bisect.bisect_right(self.offsets, g) - 1
        return p, g - self.offsets[p]

    def max_group(self) -> int:
        return max((b - a for a, b in zip(self.offsets, self.offsets[1:], strict=False)), default=0)


class UniqueGroup:
    """Columns whose combination is distinct by construction (mixed radix over a permutation).

    Ungrouped: row ``r`` takes code ``perm(r)``.  Grouped (a ``per:`` table whose
    unique set contains the parent reference): the ``k``-th row of parent ``p``
    takes ``perm_p(k)``, so values differ within each parent.  Codes held by fixed
    rows are skipped.
    """

    def __init__(
        self,
        key: tuple[str | int, ...],
        columns: list[str],
        domains: list[Domain],
        layout: PerLayout | None,
        excluded: dict[int | None, list[int]],
        skip_rows: Sequence[int] = (),
    ) -> None:
        self.key = key
        self.columns = columns
        self.domains = domains
        self.sizes = [d.size for d in domains]
        self.space = 1
        for s in self.sizes:
            self.space *= s
        self.layout = layout
        self.excluded = {g: sorted(set(codes)) for g, codes in excluded.items()}
        self.skip_rows = sorted(skip_rows)  # fixed rows holding the whole set: no slot
        self._perms: dict[int | None, Permutation] = {}
        self._base = key_int(derive_key(*key))
        # Faker pools are in random order already: an affine bijection is enough there
        self.affine = all(getattr(d, "shuffled", False) for d in domains)
        self._last: tuple[Any, dict[str, list[int]]] | None = None
        # columns of a composite FK after its first: they follow the first's parent row
        self.linked: dict[str, tuple[str, Domain]] = {}

    def domain_of(self, column: str) -> Domain:
        if column in self.linked:
            return self.linked[column][1]
        return self.domains[self.columns.index(column)]

    def _perm(self, group: int | None) -> Permutation:
        perm = self._perms.get(group)
        if perm is None:
            size = self.space - len(self.excluded.get(group, ()))
            key = self._base if group is None else mix64(self._base + (group + 1) * _GOLDEN)
            perm = Permutation(key, max(size, 1), self.affine)
            if len(self._perms) > 4096:
                self._perms.clear()
            self._perms[group] = perm
        return perm

    def _skip(self, group: int | None, codes: list[int]) -> list[int]:
        skip = self.excluded.get(group)
        if not skip:
            return codes
        out = []
        for code in codes:
            for e in skip:
                if e <= code:
                    code += 1
                else:
                    break
            out.append(code)
        return out

    def indexes(self, column: str, rows: Sequence[int]) -> list[int]:
        if column in self.linked:
            column = self.linked[column][0]
        rows_key: Any = (rows.start, rows.stop) if isinstance(rows, range) else rows
        if self._last is not None and (
            self._last[0] is rows_key or (isinstance(rows, range) and self._last[0] == rows_key)
        ):
            return self._last[1][column]
        layout = self.layout
        if layout is None:
            slots: Sequence[int] = rows
            if self.skip_rows:
                skip = self.skip_rows
                slots = [r - bisect.bisect_left(skip, r) for r in rows]
            codes = self._skip(None, self._perm(None).many(slots))
        else:
            codes = []
            pending: list[int] = []  # positions k of consecutive rows of one group
            current: int | None = None
            for r in rows:
                gk = layout.group_of(r)
                group = None if gk is None else gk[0]
                if pending and group != current:
                    codes.extend(self._skip(current, self._perm(current).many(pending)))
                    pending = []
                if gk is None:  # a fixed row: it holds the whole set explicitly
                    codes.append(0)
                    continue
                current = group
                pending.append(gk[1])
            if pending:
                codes.extend(self._skip(current, self._perm(current).many(pending)))
        if len(self.columns) == 1:
            digits = {self.columns[0]: codes}
        else:
            digits = {c: [] for c in self.columns}
            lists = [digits[c] for c in self.columns]
            sizes = self.sizes
            for code in codes:
                for lst, d in zip(lists, mixed_radix(code, sizes), strict=True):
                    lst.append(d)
        self._last = (rows_key, digits)
        return digits[column]


# ------------------------------------------------------------------ models
@dataclass
class ColumnModel:
    name: str
    column: Column
    generator: Generator
    null_rate: float = 0.0
    unique: UniqueGroup | None = None
    converter: Converter | None = None
    insert_null: bool = False  # deferred FK: NULL on insert, set by an UPDATE afterwards
    origin: str = "spec"  # spec, inferred, auto


class _Ev:
    """The evaluator a generator sees for one column of one batch."""

    __slots__ = ("column", "memo", "model", "row_count", "rows")

    def __init__(
        self, model: TableModel, column: str, rows: Sequence[int], memo: dict[str, list[Any]]
    ) -> None:
        self.model = model
        self.column = column
        self.rows = rows
        self.memo = memo
        self.row_count = model.total

    def stream(self, *purpose: str) -> Stream:
        return self.model.stream(self.column, *purpose)

    def shared_stream(self, *purpose: str) -> Stream:
        return self.model.stream("*", *purpose)

    def sibling(self, column: str, rows: Sequence[int]) -> list[Any]:
        if rows is self.rows and column in self.memo:
            return self.memo[column]
        values = self.model.column_values(column, rows, self.memo if rows is self.rows else None)
        return values

    def parent_values(self, table: str, column: str, indexes: Sequence[int]) -> list[Any]:
        return self.model.resolver(table, column, indexes)


class ExistingTable:
    """A parent that is not in the spec: its rows as they are in the database (sorted)."""

    def __init__(self, name: str, columns: tuple[str, ...], rows: list[tuple[Any, ...]]) -> None:
        self.name = name
        self.columns = columns
        self.rows = rows
        self.total = len(rows)
        self._index: dict[str, dict[Any, int]] = {}

    def column_values(self, column: str, rows: Sequence[int]) -> list[Any]:
        i = self.columns.index(column)
        data = self.rows
        return [data[r][i] for r in rows]

    def index_of(self, column: str, value: Any) -> int | None:
        if column not in self._index:
            i = self.columns.index(column)
            self._index[column] = {row[i]: n for n, row in reversed(list(enumerate(self.rows)))}
        return self._index[column].get(value)


@dataclass
class TableModel:
    name: str
    table: Table
    seed: int
    fixed: list[dict[str, Any]]
    generated: int
    columns: dict[str, ColumnModel] = field(default_factory=dict)
    order: list[str] = field(default_factory=list)  # evaluation order (dependencies first)
    layout: PerLayout | None = None
    resolver: Callable[[str, str, Sequence[int]], list[Any]] = lambda t, c, i: []
    _streams: dict[tuple[str, ...], Stream] = field(default_factory=dict)

    @property
    def fixed_count(self) -> int:
        return len(self.fixed)

    @property
    def total(self) -> int:
        return len(self.fixed) + self.generated

    @property
    def insert_columns(self) -> list[str]:
        """Columns in the INSERT/COPY, in table order."""
        return [c for c in self.table.columns if c in self.columns]

    def stream(self, column: str, *purpose: str) -> Stream:
        key = (column, *purpose)
        s = self._streams.get(key)
        if s is None:
            s = Stream(derive_key(self.seed, self.name, *key))
            self._streams[key] = s
        return s

    def column_values(
        self, name: str, rows: Sequence[int], memo: dict[str, list[Any]] | None = None
    ) -> list[Any]:
        if memo is not None and name in memo:
            return memo[name]
        col = self.columns[name]
        ev = _Ev(self, name, rows, memo if memo is not None else {})
        if col.unique is not None:
            d = col.unique.domain_of(name)
            values = d.values(col.unique.indexes(name, rows))
        else:
            values = col.generator.values(ev, rows)
        if col.null_rate > 0:
            threshold = int(col.null_rate * (1 << 64))
            words = self.stream(name, "null").words(rows)
            values = [None if w < threshold else v for v, w in zip(values, words, strict=True)]
        if self.fixed and rows and min(rows) < len(self.fixed):
            fixed = self.fixed
            values = list(values)
            for i, r in enumerate(rows):
                if r < len(fixed) and name in fixed[r]:
                    values[i] = fixed[r][name]
        if col.converter is not None:
            conv = col.converter
            values = [conv(v) for v in values]
        if memo is not None:
            memo[name] = values
        return values

    def batch(
        self, rows: Sequence[int], columns: Sequence[str] | None = None
    ) -> dict[str, list[Any]]:
        """Values of ``columns`` (default: the insert columns) for ``rows``."""
        memo: dict[str, list[Any]] = {}
        wanted = list(columns) if columns is not None else self.insert_columns
        for name in self.order:
            if name in wanted or any(name in self.columns[w].generator.deps() for w in wanted):
                self.column_values(name, rows, memo)
        return {name: memo[name] for name in wanted}

    def index_of(self, column: str, value: Any) -> int | None:
        """The row holding ``value`` in a unique column (used to skip fixed values)."""
        for r, row in enumerate(self.fixed):
            if row.get(column) == value:
                return r
        col = self.columns.get(column)
        if col is None:
            return None
        gen = col.generator
        locate = getattr(gen, "index_of_value", None)
        if locate is not None:
            pos = locate(value)
            return None if pos is None or pos >= self.total else pos
        return None
