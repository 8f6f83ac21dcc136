"""``type``: values of a database type, as text its input function accepts.

``{type: inet}``, ``{type: tsvector}``, ``{type: int4range}``, ``{type: "text[]"}``:
every PostgreSQL type family without a natural Faker provider (text search,
intervals, money, bit strings, network addresses, geometry, ranges and
multiranges, XML, ``jsonpath``, snapshots, ``tid``, ``pg_lsn``, ``"char"``, ``timetz``) and arrays of any type
(``[]`` once per dimension).  Value ``i`` of a type is a pure function of ``i``
over a finite, indexed domain, so columns of these types can be unique by
construction, and ranges, multiranges and shapes of distinct values never overlap (so
an ``EXCLUDE ... WITH &&`` constraint holds once the column is unique).  Enum arrays take the enum's labels (``labels``); ``bit(n)`` and
``varbit(n)`` take their length from the name.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Sequence
from typing import Any

from dataops.demo.generators.base import (
    BindContext,
    Domain,
    Generator,
    SpecError,
    check_keys,
    register,
)

_WORDS = (
    "alpha", "bravo", "cargo", "delta", "echo", "fjord", "gamma", "harbor", "island", "jade",
    "kilo", "lima", "meadow", "north", "orbit", "pine", "quartz", "river", "sierra", "tango",
    "umber", "violet", "willow", "xenon", "yonder", "zephyr",
)  # fmt: skip
_EPOCH = dt.datetime(2020, 1, 1)
_DAY0 = dt.date(2020, 1, 1)


def _xy(i: int) -> tuple[int, int]:
    """Grid points 3 apart: the unit shapes drawn at distinct points never touch."""
    return 3 * (i % 1000), 3 * (i // 1000)


def _two_words(i: int) -> tuple[str, str]:
    n = len(_WORDS)
    return _WORDS[i % n], _WORDS[(i // n) % n]


def _hours(i: int) -> tuple[dt.datetime, dt.datetime]:
    start = _EPOCH + dt.timedelta(hours=8 * i)
    return start, start + dt.timedelta(hours=1 + i % 7)


# name -> (size, value of index i); sizes keep every value valid for the type
SCALARS: dict[str, tuple[int, Callable[[int], str]]] = {
    "tsvector": (26 * 26, lambda i: "'{}':1 '{}':2".format(*_two_words(i))),
    "tsquery": (26 * 26, lambda i: "{} & {}".format(*_two_words(i))),
    "interval": (1_000_000, lambda i: f"{i // 60} hours {i % 60} minutes"),
    "money": (1_000_000, lambda i: f"{i // 100}.{i % 100:02d}"),
    "inet": (1 << 24, lambda i: f"10.{(i >> 16) & 255}.{(i >> 8) & 255}.{i & 255}"),
    "inet4": (1 << 24, lambda i: f"10.{(i >> 16) & 255}.{(i >> 8) & 255}.{i & 255}"),
    "inet6": (1 << 32, lambda i: f"2001:db8::{i >> 16:x}:{i & 0xFFFF:x}"),
    "cidr": (1 << 16, lambda i: f"10.{(i >> 8) & 255}.{i & 255}.0/24"),
    "macaddr": (1 << 24, lambda i: f"08:00:2b:{(i >> 16) & 255:02x}:{(i >> 8) & 255:02x}:{i & 255:02x}"),
    "macaddr8": (1 << 24, lambda i: f"08:00:2b:ff:fe:{(i >> 16) & 255:02x}:{(i >> 8) & 255:02x}:{i & 255:02x}"),
    "point": (1_000_000, lambda i: "({},{})".format(*_xy(i))),
    "line": (1_000_000, lambda i: "{{1,{},{}}}".format(*_xy(i))),
    "lseg": (1_000_000, lambda i: "[({},{}),({},{})]".format(*_xy(i), _xy(i)[0] + 1, _xy(i)[1] + 1)),
    "box": (1_000_000, lambda i: "(({2},{3}),({0},{1}))".format(*_xy(i), _xy(i)[0] + 1, _xy(i)[1] + 1)),
    "path": (1_000_000, lambda i: "[({0},{1}),({2},{1}),({2},{3})]".format(*_xy(i), _xy(i)[0] + 1, _xy(i)[1] + 1)),
    "polygon": (1_000_000, lambda i: "(({0},{1}),({2},{1}),({0},{3}))".format(*_xy(i), _xy(i)[0] + 1, _xy(i)[1] + 1)),
    "circle": (1_000_000, lambda i: "<({},{}),1>".format(*_xy(i))),
    "int4range": (1_000_000, lambda i: f"[{10 * i},{10 * i + 1 + i % 9})"),
    "int8range": (1_000_000, lambda i: f"[{10 * i},{10 * i + 1 + i % 9})"),
    "numrange": (1_000_000, lambda i: f"[{2 * i},{2 * i + 1}.{i % 100:02d})"),
    "tsrange": (100_000, lambda i: '["{}","{}")'.format(*(t.isoformat(" ") for t in _hours(i)))),
    "tstzrange": (100_000, lambda i: '["{}+00","{}+00")'.format(*(t.isoformat(" ") for t in _hours(i)))),
    "daterange": (30_000, lambda i: f"[{_DAY0 + dt.timedelta(days=3 * i)},{_DAY0 + dt.timedelta(days=3 * i + 1 + i % 2)})"),
    "int4multirange": (1_000_000, lambda i: f"{{[{10 * i},{10 * i + 1}),[{10 * i + 3},{10 * i + 5})}}"),
    "int8multirange": (1_000_000, lambda i: f"{{[{10 * i},{10 * i + 1}),[{10 * i + 3},{10 * i + 5})}}"),
    "nummultirange": (1_000_000, lambda i: f"{{[{10 * i}.5,{10 * i + 1}),[{10 * i + 3},{10 * i + 4}.25)}}"),
    "datemultirange": (20_000, lambda i: f"{{[{_DAY0 + dt.timedelta(days=5 * i)},{_DAY0 + dt.timedelta(days=5 * i + 1)}),[{_DAY0 + dt.timedelta(days=5 * i + 2)},{_DAY0 + dt.timedelta(days=5 * i + 4)})}}"),
    "tsmultirange": (100_000, lambda i: '{{["{}","{}")}}'.format(*(t.isoformat(" ") for t in _hours(i)))),
    "tstzmultirange": (100_000, lambda i: '{{["{}+00","{}+00")}}'.format(*(t.isoformat(" ") for t in _hours(i)))),
    "xml": (1_000_000, lambda i: f'<item n="{i}">{_WORDS[i % 26]}</item>'),
    "jsonpath": (1_000_000, lambda i: f"$.k{i}"),
    "pg_snapshot": (1_000_000, lambda i: f"{10 + i}:{20 + i}:"),
    "txid_snapshot": (1_000_000, lambda i: f"{10 + i}:{20 + i}:"),
    "tid": (1_000_000, lambda i: f"({i // 100},{1 + i % 100})"),
    "pg_lsn": (1 << 40, lambda i: f"{i >> 32:X}/{i & 0xFFFFFFFF:X}"),
    "char": (26, lambda i: chr(97 + i)),
    "timetz": (86_400, lambda i: f"{i // 3600:02d}:{i // 60 % 60:02d}:{i % 60:02d}+00"),
    "time": (86_400, lambda i: f"{i // 3600:02d}:{i // 60 % 60:02d}:{i % 60:02d}"),
    "bool": (2, lambda i: "tf"[i]),
    "text": (1_000_000, lambda i: f"{_WORDS[i % 26]}{i // 26}"),
    "varchar": (1_000_000, lambda i: f"{_WORDS[i % 26]}{i // 26}"),
    "bpchar": (26, lambda i: chr(97 + i)),
    "citext": (1_000_000, lambda i: f"{_WORDS[i % 26]}{i // 26}"),
    "name": (1_000_000, lambda i: f"{_WORDS[i % 26]}{i // 26}"),
    "int2": (30_000, str),
    "int4": (1_000_000, str),
    "int8": (1_000_000, str),
    "oid": (1_000_000, str),
    "numeric": (1_000_000, lambda i: f"{i // 100}.{i % 100:02d}"),
    "float4": (1_000_000, lambda i: f"{i / 8}"),
    "float8": (1_000_000, lambda i: f"{i / 8}"),
    "date": (100_000, lambda i: (_DAY0 + dt.timedelta(days=i)).isoformat()),
    "timestamp": (1_000_000, lambda i: (_EPOCH + dt.timedelta(minutes=i)).isoformat(" ")),
    "timestamptz": (1_000_000, lambda i: (_EPOCH + dt.timedelta(minutes=i)).isoformat(" ") + "+00"),
    "uuid": (1 << 40, lambda i: f"00000000-0000-4000-8000-{i:012x}"),
    "json": (1_000_000, lambda i: f'{{"n": {i}}}'),
    "jsonb": (1_000_000, lambda i: f'{{"n": {i}}}'),
    "bytea": (1 << 24, lambda i: f"\\x{i:06x}"),
}  # fmt: skip
_ALIASES = {
    "bit varying": "varbit", "character varying": "varchar", "character": "bpchar",
    "integer": "int4", "bigint": "int8", "smallint": "int2", "boolean": "bool",
    "double precision": "float8", "real": "float4", "timestamp without time zone": "timestamp",
    "timestamp with time zone": "timestamptz", "time with time zone": "timetz",
    "time without time zone": "time", '"char"': "char",
}  # fmt: skip
_BITS = re.compile(r"^(bit|varbit|bit varying)(?:\((\d+)\))?$")


def _bits(kind: str, n: int) -> tuple[int, Callable[[int], str]]:
    width = min(n, 20)
    if kind == "bit":
        return 1 << width, lambda i: format(i, f"0{n}b")
    return 1 << width, lambda i: format(i, "b")


def scalar(name: str) -> tuple[int, Callable[[int], str]] | None:
    name = _ALIASES.get(name.strip().lower(), name.strip().lower())
    m = _BITS.match(name)
    if m:
        kind = "bit" if m.group(1) == "bit" else "varbit"
        return _bits(kind, int(m.group(2) or (1 if kind == "bit" else 16)))
    return SCALARS.get(name)


def _quote(element: str) -> str:
    return '"' + element.replace("\\", "\\\\").replace('"', '\\"') + '"'


class TypedDomain:
    """Value ``i`` of a scalar type, or an array whose first element is value ``i``."""

    def __init__(self, size: int, make: Callable[[int], str], dims: int) -> None:
        self.size = size
        self.make = make
        self.dims = dims

    def value(self, i: int) -> str:
        if not self.dims:
            return self.make(i)
        n = self.size
        items = [self.make(i), self.make((i * 7 + 1) % n)]
        text = "{" + ",".join(_quote(v) for v in items) + "}"
        for _ in range(self.dims - 1):
            text = "{" + text + "}"
        return text

    def values(self, indexes: Sequence[int]) -> list[Any]:
        v = self.value
        return [v(i) for i in indexes]

    def index_of(self, value: Any) -> int | None:
        return None


@register
class Typed(Generator):
    """``{type: tsvector}``, ``{type: "inet[]"}``, ``{type: "mood[]", labels: [sad, ok]}``."""

    family = "type"
    options = frozenset({"labels"})
    summary = "a value of a database type (ranges, geometry, network, text search, arrays...)"

    def __init__(self, arg: Any, opts: dict[str, Any]) -> None:
        super().__init__(arg, opts)
        check_keys(opts, self.options)
        if not isinstance(arg, str) or not arg.strip():
            raise SpecError('type needs a type name, e.g. {type: inet} or {type: "text[]"}')
        base, dims = arg.strip(), 0
        while base.endswith("[]"):
            base, dims = base[:-2].strip(), dims + 1
        labels = opts.get("labels")
        if labels is not None:
            if (
                not isinstance(labels, list)
                or not labels
                or not all(isinstance(v, str) for v in labels)
            ):
                raise SpecError("labels must be a non-empty list of text values")
            found: tuple[int, Callable[[int], str]] | None = (
                len(labels),
                lambda i: str(labels[i]),
            )
        else:
            found = scalar(base)
        if found is None:
            known = ", ".join(sorted(SCALARS))
            raise SpecError(f"no values for type {base!r} (known: {known}; enums need labels)")
        self.type_name = arg.strip()
        self._domain = TypedDomain(found[0], found[1], dims)

    def describe(self) -> str:
        return f"type {self.type_name}"

    def bind(self, ctx: BindContext) -> None:
        if ctx.column.kind not in ("other", "text", "json"):
            ctx.problem(f"type {self.type_name} cannot fill a {ctx.column.type_text} column")

    def python_types(self) -> set[type] | None:
        return {str}

    def domain(self) -> Domain | None:
        return self._domain

    def max_len(self) -> int | None:
        d = self._domain
        return max(len(d.value(i)) for i in {0, d.size - 1, d.size // 2})
