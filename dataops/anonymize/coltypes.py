"""Column types as the dump's DDL declares them, and which text values they accept.

:func:`parse_type` turns a column's type text (``character varying(8)``,
``numeric(10,2)``, ``timestamp(3) with time zone``, ``public.mood[]``...) into a
:class:`ColType`: a normalised base name, its modifiers (length, precision,
scale), array dimensions, enum labels, and -- for domains -- the base type with
every CHECK expression met on the way down.

:func:`accepts` is a conservative model of PostgreSQL's input functions: it says
``None`` only for text the server is known to accept (it may refuse some the
server would take, never the other way round).  :func:`check_expression`
evaluates the simple domain CHECKs pg_dump writes (comparisons, LIKE, ``~``,
lengths, IN / ANY lists, AND / OR / NOT); anything else is "cannot evaluate".
"""

from __future__ import annotations

import datetime as dt
import decimal
import ipaddress
import json
import re
from collections.abc import Callable, Mapping, Sequence
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


# ----------------------------------------------------------------- input model
_INT = re.compile(r"^\s*[+-]?\d+\s*$")
_NUM = re.compile(r"^\s*([+-]?)(\d*)(?:\.(\d*))?(?:[eE]([+-]?\d+))?\s*$")
_DATE = re.compile(r"^(\d{4})-(\d\d)-(\d\d)( BC)?$")
_TIME = r"(\d\d):(\d\d)(?::(\d\d)(?:\.(\d{1,6}))?)?"
_TS = re.compile(rf"^(\d{{4}})-(\d\d)-(\d\d)[ T]{_TIME}( BC)?$")
_TSTZ = re.compile(rf"^(\d{{4}})-(\d\d)-(\d\d)[ T]{_TIME}(?:Z|[+-]\d\d(?::?\d\d)?)?( BC)?$")
_TIMEONLY = re.compile(rf"^{_TIME}$")
_UUID = re.compile(r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$")
_BOOL = frozenset({"t", "f", "true", "false", "y", "n", "yes", "no", "on", "off", "1", "0"})
_BYTEA_ESC = re.compile(r"\\(?:\\|[0-3][0-7][0-7])")


def _valid_date(y: str, m: str, d: str) -> bool:
    try:
        dt.date(int(y), int(m), int(d))
    except ValueError:
        return False
    return True


def _valid_time(h: str, mi: str, s: str | None) -> bool:
    return int(h) < 24 and int(mi) < 60 and (s is None or int(s) < 60)


def _json_ok(value: str) -> bool:
    def bad_constant(_: str) -> object:
        raise ValueError("NaN/Infinity are not JSON")

    try:
        doc = json.loads(value, parse_constant=bad_constant)
    except (ValueError, RecursionError):
        return False
    stack = [doc]
    while stack:
        item = stack.pop()
        if isinstance(item, str):
            if "\x00" in item or any(0xD800 <= ord(c) <= 0xDFFF for c in item):
                return False
        elif isinstance(item, dict):
            stack.extend(item.keys())
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)
    return True


def _numeric_ok(col: ColType, value: str) -> bool:
    m = _NUM.match(value)
    if m is None or not (m[2] or m[3]):
        return not col.mods and value.strip().lower() in ("nan",)
    try:
        d = decimal.Decimal(value.strip())
    except decimal.InvalidOperation:
        return False
    if not col.mods:
        return abs(d.adjusted()) < 100_000
    p = col.mods[0]
    s = col.mods[1] if len(col.mods) > 1 else 0
    if not 1 <= p <= 1000:
        return False
    if d != 0 and d.adjusted() >= p - s:
        return False  # more integer digits than numeric(p, s) holds
    ctx = decimal.Context(prec=p + 10)
    try:
        q = d.quantize(decimal.Decimal(1).scaleb(-s), rounding=decimal.ROUND_HALF_UP, context=ctx)
    except decimal.InvalidOperation:
        return False
    return q == 0 or q.adjusted() < p - s


def accepts(col: ColType, value: str | None) -> str | None:
    """None when PostgreSQL's input function accepts ``value`` for ``col`` (element type)."""
    if value is None:
        return None
    try:
        return _accepts(col, value)
    except (ValueError, ArithmeticError):  # e.g. an integer of more than 4300 digits
        return "not a value dataops can check"


def _accepts(col: ColType, value: str) -> str | None:
    if "\x00" in value:
        return "contains a NUL character"
    cat = col.category
    if cat == "text":
        limit = col.length
        if limit is not None:
            n = len(value.rstrip(" ")) if col.name == "char" else len(value)
            if n > limit:
                return f"{len(value)} characters"
        return None
    if cat == "integer":
        lo, hi = INT_RANGES[col.name]
        if not _INT.match(value) or not lo <= int(value) <= hi:
            return "not an integer in range"
        return None
    if cat == "numeric":
        return None if _numeric_ok(col, value) else "not a number that fits"
    if cat == "float":
        v = value.strip().lower()
        if v in ("nan", "infinity", "-infinity", "inf", "-inf", "+infinity", "+inf"):
            return None
        m = _NUM.match(value)
        if m is None or not (m[2] or m[3]):
            return "not a number"
        try:
            f = float(value)
        except ValueError:
            return "not a number"
        return None if f == 0 or 1e-300 < abs(f) < 1e300 else "out of range"
    if cat == "boolean":
        return None if value.strip().lower() in _BOOL else "not a boolean"
    if cat == "uuid":
        return None if _UUID.match(value) else "not a UUID"
    if cat == "date":
        m = _DATE.match(value)
        ok = (m is not None and _valid_date(m[1], m[2], m[3])) or value in (
            "infinity",
            "-infinity",
        )
        return None if ok else "not a date (YYYY-MM-DD)"
    if cat in ("timestamp", "timestamptz"):
        m = (_TS if cat == "timestamp" else _TSTZ).match(value)
        if value in ("infinity", "-infinity"):
            return None
        if m is None or not _valid_date(m[1], m[2], m[3]) or not _valid_time(m[4], m[5], m[6]):
            return "not a timestamp (YYYY-MM-DD HH:MM:SS)"
        return None
    if cat == "time":
        m = _TIMEONLY.match(value)
        return None if m is not None and _valid_time(m[1], m[2], m[3]) else "not a time"
    if cat == "json" or cat == "jsonb":
        return None if _json_ok(value) else "not valid JSON"
    if cat == "bytea":
        if value.startswith("\\x"):
            hexpart = re.sub(r"\s", "", value[2:])
            return None if re.fullmatch(r"(?:[0-9a-fA-F]{2})*", hexpart) else "not bytea hex"
        rest = _BYTEA_ESC.sub("", value)
        return None if "\\" not in rest else "a backslash bytea does not accept"
    if cat == "inet" or cat == "cidr":
        return _ip_problem(cat, value)
    if cat == "enum":
        return None if value in col.labels else "not a label of the enum"
    return f"dataops cannot check values of type {col.base_text()}"


_IPV4 = re.compile(r"^\d{1,3}(\.\d{1,3}){3}(/\d{1,2})?$")


def _ip_problem(cat: str, value: str) -> str | None:
    if ":" not in value and not _IPV4.match(value):
        return "not an IP address"
    try:
        if cat == "cidr":
            ipaddress.ip_network(value, strict=True)
        else:
            ipaddress.ip_interface(value)
    except ValueError:
        return "not a network (host bits set?)" if cat == "cidr" else "not an IP address"
    return None


def accepts_value(col: ColType, value: str | None) -> str | None:
    """:func:`value_problem` for a whole column value: array literals element by element
    (CannotEvaluate passes up from domain CHECKs)."""
    if value is None or not col.is_array:
        return value_problem(col, value)
    from dataops.anonymize import arrays

    try:
        elements = arrays.parse(value)
    except ValueError as exc:
        return f"not an array literal ({exc})"
    element = col.element()
    for item in arrays.flatten(elements):
        problem = value_problem(element, item)
        if problem:
            return problem
    return None


# ------------------------------------------------------ domain CHECK evaluation
class CannotEvaluate(Exception):
    """A CHECK expression outside the small language dataops evaluates."""


Val = str | decimal.Decimal | bool | None | list[object]
_CMP: dict[str, Callable[[object, object], bool]] = {
    "=": lambda a, b: a == b,
    "<>": lambda a, b: a != b,
    "!=": lambda a, b: a != b,
    "<": lambda a, b: a < b,  # type: ignore[operator]
    "<=": lambda a, b: a <= b,  # type: ignore[operator]
    ">": lambda a, b: a > b,  # type: ignore[operator]
    ">=": lambda a, b: a >= b,  # type: ignore[operator]
}
_STR_FUNCS: dict[str, Callable[[str], object]] = {
    "char_length": lambda s: decimal.Decimal(len(s)),
    "character_length": lambda s: decimal.Decimal(len(s)),
    "length": lambda s: decimal.Decimal(len(s)),
    "lower": str.lower,
    "upper": str.upper,
    "btrim": lambda s: s.strip(" "),
    "trim": lambda s: s.strip(" "),
}


def _like_regex(pattern: str, ci: bool) -> re.Pattern[str]:
    out = []
    i = 0
    while i < len(pattern):
        c = pattern[i]
        if c == "\\" and i + 1 < len(pattern):
            out.append(re.escape(pattern[i + 1]))
            i += 2
            continue
        out.append(".*" if c == "%" else "." if c == "_" else re.escape(c))
        i += 1
    return re.compile("".join(out), re.DOTALL | (re.IGNORECASE if ci else 0))


class _Eval:
    def __init__(self, tokens: Sequence[Token], value: str, numeric: bool) -> None:
        self.t = list(tokens)
        self.i = 0
        self.value = value
        self.numeric = numeric

    def peek(self) -> Token | None:
        return self.t[self.i] if self.i < len(self.t) else None

    def take(self) -> Token:
        tok = self.peek()
        if tok is None:
            raise CannotEvaluate("unexpected end")
        self.i += 1
        return tok

    def kw(self, word: str) -> bool:
        tok = self.peek()
        if tok is not None and tok.is_kw(word):
            self.i += 1
            return True
        return False

    def op(self, text: str) -> bool:
        tok = self.peek()
        if tok is not None and tok.is_op(text):
            self.i += 1
            return True
        return False

    def run(self) -> bool:
        result = self.expr()
        if self.peek() is not None:
            raise CannotEvaluate(f"unexpected {self.peek().raw!r}")  # type: ignore[union-attr]
        return bool(result)

    def expr(self) -> object:
        left = self.conj()
        while self.kw("or"):
            right = self.conj()
            left = bool(left) or bool(right)
        return left

    def conj(self) -> object:
        left = self.neg()
        while self.kw("and"):
            right = self.neg()
            left = bool(left) and bool(right)
        return left

    def neg(self) -> object:
        if self.kw("not"):
            return not self.neg()
        return self.compare()

    def compare(self) -> object:
        left = self.operand()
        tok = self.peek()
        if tok is None:
            return left
        if tok.is_kw("is"):
            self.take()
            negate = self.kw("not")
            if not self.kw("null"):
                raise CannotEvaluate("IS ...")
            return (left is not None) if negate else (left is None)
        negate = False
        if tok.is_kw("not"):
            nxt = self.t[self.i + 1] if self.i + 1 < len(self.t) else None
            if nxt is not None and (nxt.is_kw("like") or nxt.is_kw("ilike") or nxt.is_kw("in")):
                self.take()
                negate = True
                tok = self.peek()
                assert tok is not None
        if tok.is_kw("like") or tok.is_kw("ilike"):
            self.take()
            right = self.operand()
            res = bool(_like_regex(str(right), tok.text == "ilike").fullmatch(str(left)))
            return res != negate
        if tok.is_kw("in"):
            self.take()
            items = self.paren_list()
            return (self._norm(left) in [self._norm(v) for v in items]) != negate
        if tok.kind != "op":
            return left
        text = tok.text
        if text in ("~~", "!~~", "~~*", "!~~*"):
            self.take()
            right = self.operand()
            res = bool(_like_regex(str(right), "*" in text).fullmatch(str(left)))
            return res != text.startswith("!")
        if text in ("~", "!~", "~*", "!~*"):
            self.take()
            right = self.operand()
            try:
                pattern = re.compile(str(right), re.IGNORECASE if "*" in text else 0)
            except re.error as exc:
                raise CannotEvaluate(f"regular expression: {exc}") from None
            res = pattern.search(str(left)) is not None
            return res != text.startswith("!")
        if text in _CMP:
            self.take()
            if self.kw("any"):
                if not self.op("("):
                    raise CannotEvaluate("ANY")
                listed = self.operand()
                self.op(")")
                if not isinstance(listed, list):
                    raise CannotEvaluate("ANY of a non-array")
                return any(self._cmp(text, left, v) for v in listed)
            right = self.operand()
            return self._cmp(text, left, right)
        return left

    def _norm(self, v: object) -> object:
        if isinstance(v, str) and self.numeric:
            try:
                return decimal.Decimal(v)
            except decimal.InvalidOperation:
                return v
        return v

    def _cmp(self, text: str, a: object, b: object) -> bool:
        a, b = self._norm(a), self._norm(b)
        if a is None or b is None:
            return True  # NULL: a CHECK passes
        if isinstance(a, decimal.Decimal) != isinstance(b, decimal.Decimal):
            try:
                a = decimal.Decimal(str(a))
                b = decimal.Decimal(str(b))
            except decimal.InvalidOperation:
                raise CannotEvaluate("comparing a number with text") from None
        if isinstance(a, str) and text not in ("=", "<>", "!="):
            raise CannotEvaluate("ordering text depends on the collation")
        return _CMP[text](a, b)

    def paren_list(self) -> list[object]:
        if not self.op("("):
            raise CannotEvaluate("IN without a list")
        items: list[object] = []
        while not self.op(")"):
            items.append(self.operand())
            self.op(",")
        return items

    def operand(self) -> object:
        val = self.atom()
        while self.op("::"):
            type_words = []
            while self.peek() is not None and self.peek().kind in ("ident", "qident"):  # type: ignore[union-attr]
                type_words.append(self.take().text)
                if self.op("."):
                    continue
            if self.peek() is not None and self.peek().is_op("("):  # type: ignore[union-attr]
                while not self.op(")"):
                    self.take()
            if self.op("["):
                self.op("]")
            cast = " ".join(type_words)
            if cast in ("text", "character varying", "varchar", "bpchar", "character", "name"):
                val = None if val is None else str(val) if not isinstance(val, list) else val
            elif cast in ("integer", "bigint", "smallint", "numeric", "int", "int4", "int8"):
                if isinstance(val, str):
                    try:
                        val = decimal.Decimal(val)
                    except decimal.InvalidOperation:
                        raise CannotEvaluate("cast") from None
            elif type_words and not isinstance(val, list | str) and not self.numeric:
                raise CannotEvaluate(f"cast to {cast}")
        return val

    def atom(self) -> object:
        tok = self.take()
        if tok.is_op("("):
            inner = self.expr()
            if not self.op(")"):
                raise CannotEvaluate("unbalanced parentheses")
            return inner
        if tok.is_kw("value"):
            return self._norm(self.value)
        if tok.kind == "str":
            return tok.text
        if tok.kind == "num":
            return decimal.Decimal(tok.text)
        if tok.is_op("-"):
            inner = self.atom()
            if isinstance(inner, decimal.Decimal):
                return -inner
            raise CannotEvaluate("unary minus")
        if tok.is_kw("true") or tok.is_kw("false"):
            return tok.text == "true"
        if tok.is_kw("null"):
            return None
        if tok.is_kw("array"):
            if not self.op("["):
                raise CannotEvaluate("ARRAY")
            items: list[object] = []
            while not self.op("]"):
                items.append(self.operand())
                self.op(",")
            return items
        if tok.kind == "ident" and tok.text in _STR_FUNCS:
            if not self.op("("):
                raise CannotEvaluate(tok.text)
            arg = self.expr()
            if not self.op(")"):
                raise CannotEvaluate(tok.text)
            if arg is None:
                return None
            return _STR_FUNCS[tok.text](str(arg))
        raise CannotEvaluate(f"{tok.raw!r}")


def check_expression(expression: str, value: str | None, numeric: bool = False) -> bool:
    """Whether ``value`` passes the CHECK ``expression`` (raises CannotEvaluate)."""
    if value is None:
        return True
    return _Eval(tokenize(expression), value, numeric).run()


def evaluable(check: Check, numeric: bool = False) -> bool:
    if check.whole_array:
        return False
    try:
        check_expression(check.expression, "0" if numeric else "x", numeric)
    except CannotEvaluate:
        return False
    except (TypeError, ValueError, decimal.InvalidOperation):
        return False
    return True


def checks_problem(col: ColType, value: str | None) -> str | None:
    """The first CHECK of ``col`` that ``value`` fails (CannotEvaluate passes up from a
    domain's CHECK; table CHECKs dataops cannot evaluate are skipped)."""
    numeric = col.category in ("integer", "numeric", "float")
    for check in col.checks:
        if not check.strict and not evaluable(check, numeric):
            continue
        try:
            ok = check_expression(check.expression, value, numeric)
        except (TypeError, ValueError, decimal.InvalidOperation) as exc:
            raise CannotEvaluate(str(exc)) from None
        if not ok:
            return f"fails CHECK ({check.expression}) of {check.owner}"
    return None


def value_problem(col: ColType, value: str | None) -> str | None:
    """:func:`accepts` and then the domain CHECKs (CannotEvaluate passes up)."""
    return accepts(col, value) or (checks_problem(col, value) if col.checks else None)


_SAMPLES: dict[str, list[str]] = {
    "text": ["alice.smith@example.org", "Bob Smith", "x", "AB-123", "42", "Zoë Ünïcode"],
    "integer": ["0", "1", "42", "-7", "1000"],
    "numeric": ["0", "1", "12.5", "-3.25", "99"],
    "float": ["0", "1.5", "-2.25", "1e10"],
    "uuid": ["a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11", "00000000-0000-0000-0000-000000000000"],
    "inet": ["192.168.1.10", "10.1.2.3/24", "2001:db8::1", "::1/128"],
    "cidr": ["10.0.0.0/8", "192.168.1.0/24", "2001:db8::/32", "10.1.2.3/32"],
    "date": ["2020-02-29", "1999-12-31", "2024-01-01"],
    "timestamp": ["2020-01-01 10:00:00", "1999-12-31 23:59:59.5"],
    "timestamptz": ["2020-01-01 10:00:00+02", "1999-12-31 23:59:59.5+00"],
    "time": ["10:00:00", "23:59:59"],
    "boolean": ["t", "f"],
    "json": ['{"a": 1, "b": "x"}', '[1, "two", null]', '"s"'],
    "jsonb": ['{"a": 1, "b": "x"}', '[1, "two", null]', '"s"'],
    "bytea": ["\\x00ff10", "\\x"],
}


def sample_inputs(col: ColType) -> list[str]:
    """A few values ``col`` accepts (inputs to try a transform on)."""
    if col.category == "enum":
        return list(col.labels)
    values = _SAMPLES.get(col.category, [])
    if col.category == "integer":
        lo, hi = INT_RANGES[col.name]
        values = [*values, str(lo), str(hi)]
    return [v for v in values if accepts(col, v) is None]
