"""Column types as the dump's DDL declares them.

:func:`parse_type` turns a column's type text (``character varying(8)``,
``numeric(10,2)``, ``timestamp(3) with time zone``, ``public.mood[]``...) into a
:class:`ColType`: a normalised base name, its modifiers (length, precision,
scale), array dimensions, enum labels, and -- for domains -- the base type with
every CHECK expression met on the way down.

Which text values a type accepts is :mod:`dataops.anonymize.typeinput`; the CHECK
expressions are evaluated by :mod:`dataops.anonymize.checkexpr`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace

from dataops.anonymize.formats.sqlscan import Token, tokenize

QName = tuple[str, str]

# base name -> category
_NAMES: dict[str, str] = {
    "smallint": "integer",
    "integer": "integer",
    "bigint": "integer",
    "numeric": "numeric",
    "real": "float",
    "double precision": "float",
    "varchar": "text",
    "char": "text",
    "text": "text",
    "name": "text",
    "citext": "text",
    "uuid": "uuid",
    "inet": "inet",
    "cidr": "cidr",
    "date": "date",
    "timestamp": "timestamp",
    "timestamptz": "timestamptz",
    "time": "time",
    "boolean": "boolean",
    "json": "json",
    "jsonb": "jsonb",
    "bytea": "bytea",
}
_ALIASES: dict[str, str] = {
    "int": "integer",
    "int4": "integer",
    "serial": "integer",
    "serial4": "integer",
    "int2": "smallint",
    "smallserial": "smallint",
    "serial2": "smallint",
    "int8": "bigint",
    "bigserial": "bigint",
    "serial8": "bigint",
    "decimal": "numeric",
    "float4": "real",
    "float8": "double precision",
    "float": "double precision",
    "double": "double precision",
    "character varying": "varchar",
    "char varying": "varchar",
    "character": "char",
    "bpchar": "char",
    "timestamp without time zone": "timestamp",
    "timestamp with time zone": "timestamptz",
    "time without time zone": "time",
    "bool": "boolean",
}
INT_RANGES: dict[str, tuple[int, int]] = {
    "smallint": (-(2**15), 2**15 - 1),
    "integer": (-(2**31), 2**31 - 1),
    "bigint": (-(2**63), 2**63 - 1),
}
# MySQL/MariaDB integer types (dataops.anonymize.mysqltypes maps their DDL to these names)
MYSQL_INT_RANGES: dict[str, tuple[int, int]] = {
    "tinyint": (-(2**7), 2**7 - 1),
    "mediumint": (-(2**23), 2**23 - 1),
    "tinyint unsigned": (0, 2**8 - 1),
    "smallint unsigned": (0, 2**16 - 1),
    "mediumint unsigned": (0, 2**24 - 1),
    "integer unsigned": (0, 2**32 - 1),
    "bigint unsigned": (0, 2**64 - 1),
}
INT_RANGES.update(MYSQL_INT_RANGES)
_NAMES.update(dict.fromkeys(MYSQL_INT_RANGES, "integer"))
TEXT_CATEGORIES = frozenset({"text"})


@dataclass(frozen=True)
class Check:
    """One CHECK on a column's values: its expression (``VALUE`` for the value) and who
    declares it (``domain public.posint``, ``constraint t_n_check of public.t``)."""

    owner: str
    expression: str
    whole_array: bool = False  # a CHECK of a domain over an array type (not evaluated)
    strict: bool = True  # domains: a CHECK dataops cannot evaluate refuses the transform


@dataclass(frozen=True)
class ColType:
    text: str  # as declared ('' when unknown)
    name: str  # normalised base name ('varchar', 'integer', 'enum', or the type's own name)
    mods: tuple[int, ...] = ()
    array_dims: int = 0
    labels: tuple[str, ...] = ()  # enum labels
    domain: str | None = None  # outermost domain name
    checks: tuple[Check, ...] = ()

    @property
    def category(self) -> str:
        if self.name == "enum":
            return "enum"
        return _NAMES.get(self.name, "other")

    @property
    def is_array(self) -> bool:
        return self.array_dims > 0

    def element(self) -> ColType:
        return replace(self, array_dims=0)

    @property
    def length(self) -> int | None:
        """The maximum number of characters of a text type (None: unbounded)."""
        if self.name == "char":
            return self.mods[0] if self.mods else 1
        if self.name == "varchar" and self.mods:
            return self.mods[0]
        if self.name == "name":
            return 63
        return None

    @property
    def int_range(self) -> tuple[int, int] | None:
        """The integer range of an integer type, or of ``numeric(p, 0..p)`` integers."""
        if self.name in INT_RANGES:
            return INT_RANGES[self.name]
        if self.name == "numeric" and self.mods:
            p = self.mods[0]
            s = self.mods[1] if len(self.mods) > 1 else 0
            top = 10 ** max(p - s, 0) - 1
            return (-top, top)
        return None

    def base_text(self) -> str:
        if self.name == "enum":
            return self.text.rstrip("[]") if not self.domain else "enum"
        if self.mods:
            return f"{self.name}({','.join(map(str, self.mods))})"
        return self.name

    def describe(self) -> str:
        """``varchar(8)``, ``integer[]``, ``public.posint (a domain over integer)``."""
        base = self.base_text() + "[]" * self.array_dims
        if self.domain:
            return f"{self.text} (a domain over {self.base_text()})"
        if self.name == "enum":
            return f"{self.text} (an enum)"
        return base


UNKNOWN = ColType("", "unknown")


class TypeResolver:
    """Looks up enums and domains (a :class:`~dataops.anonymize.formats.ddl.Catalog` provides them)."""

    def __init__(
        self,
        enums: Mapping[QName, tuple[str, ...]],
        domains: Mapping[QName, tuple[str, tuple[str, ...]]],  # base type text, CHECKs
    ) -> None:
        self.enums = enums
        self.domains = domains

    def parse(self, text: str, depth: int = 0) -> ColType:
        return parse_type(text, self, depth)


def _strip_pg_catalog(words: list[Token]) -> list[Token]:
    if len(words) >= 3 and words[0].text == "pg_catalog" and words[1].is_op("."):
        return words[2:]
    return words


def parse_type(text: str, resolver: TypeResolver | None = None, depth: int = 0) -> ColType:
    """The :class:`ColType` of a column type text (unknown names keep their text)."""
    if not text.strip():
        return UNKNOWN
    toks = tokenize(text)
    dims = 0
    # trailing [] / [n] pairs and ARRAY / ARRAY[n]
    while toks and toks[-1].is_op("]"):
        j = len(toks) - 1
        while j >= 0 and not toks[j].is_op("["):
            j -= 1
        if j < 0:
            break
        toks = toks[:j]
        dims += 1
    if toks and toks[-1].is_kw("array"):
        toks = toks[:-1]
        dims = max(dims, 1)
    mods: list[int] = []
    words: list[Token] = []
    i = 0
    while i < len(toks):
        tok = toks[i]
        if tok.is_op("("):
            j = i + 1
            while j < len(toks) and not toks[j].is_op(")"):
                if toks[j].kind == "num" and toks[j].text.isdigit():
                    mods.append(int(toks[j].text))
                j += 1
            i = j + 1
            continue
        words.append(tok)
        i += 1
    words = _strip_pg_catalog(words)
    qualified = [w for w in words if not w.is_op(".")]
    if len(words) == 3 and words[1].is_op("."):
        qname: QName | None = (words[0].text, words[2].text)
    elif len(words) == 1 and words[0].kind in ("ident", "qident"):
        qname = ("public", words[0].text)
    else:
        qname = None
    if resolver is not None and qname is not None and depth < 10:
        if qname in resolver.enums:
            return ColType(text.strip(), "enum", (), dims, resolver.enums[qname], None, ())
        if qname in resolver.domains:
            base_text, checks = resolver.domains[qname]
            base = resolver.parse(base_text, depth + 1)
            name = f"{qname[0]}.{qname[1]}"
            # a domain over an array type checks whole arrays: not evaluated element-wise
            whole = base.array_dims > 0
            own = tuple(Check(f"domain {name}", c, whole) for c in checks)
            return replace(
                base,
                text=text.strip(),
                array_dims=base.array_dims + dims,
                domain=name,
                checks=own + base.checks,
            )
    name = " ".join(w.text for w in qualified if w.kind in ("ident", "qident"))
    name = _ALIASES.get(name, name)
    if name == "double precision" and mods:
        mods = []
    if name in ("timestamp", "timestamptz", "time"):
        mods = []  # fractional-second precision: any value fits (it is rounded)
    if qname is not None and qname[0] != "public" and name not in _NAMES:
        name = f"{qname[0]}.{qname[1]}"
    return ColType(text.strip(), name, tuple(mods), dims)
