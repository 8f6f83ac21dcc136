"""Understand simple CHECK constraints well enough to generate values that satisfy them.

:func:`parse_check` reads the text of a CHECK constraint as PostgreSQL
(``pg_get_constraintdef``), MariaDB/MySQL (``information_schema``) or SQLite
(the ``CREATE TABLE`` text) print it and turns a conjunction of single-column
conditions into :class:`Rules` per column:

* ``col IN (...)``, ``col = ANY (ARRAY[...])``, ``col = 'x'``  -> allowed values
* ``col BETWEEN a AND b``, ``col >= a``, ``col < b`` ...        -> bounds
* ``length(col) <= n`` (``char_length``, ``octet_length``...)   -> length bounds
* ``col <> ''``, ``col NOT IN (...)``                           -> excluded values
* ``col IS NOT NULL``, ``json_valid(col)``                      -> not null, JSON
* ``col IS NULL OR <condition>``                                -> the condition

Anything else (cross-column comparisons, regular expressions, arithmetic) raises
:class:`UnsupportedCheck`; the planner reports it unless the spec trusts it.  The
parser itself lives in :mod:`dataops.demo.checksql`.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from dataops.demo.checksql import (
    Array,
    Col,
    Func,
    Lit,
    Node,
    Parser,
    UnsupportedCheck,
    tokenize,
)

__all__ = ["ParsedCheck", "Rules", "UnsupportedCheck", "parse_check", "referenced_columns"]


# ------------------------------------------------------------------- rules
@dataclass
class Rules:
    """What a column's values must satisfy (intersection of all its CHECKs)."""

    allowed: list[Any] | None = None
    excluded: list[Any] = field(default_factory=list)
    lo: Any = None
    lo_incl: bool = True
    hi: Any = None
    hi_incl: bool = True
    min_len: int | None = None
    max_len: int | None = None
    not_null: bool = False
    json: bool = False
    sources: list[str] = field(default_factory=list)

    def empty(self) -> bool:
        return (
            self.allowed is None
            and not self.excluded
            and self.lo is None
            and self.hi is None
            and self.min_len is None
            and self.max_len is None
        )

    def merge(self, other: Rules) -> None:
        if other.allowed is not None:
            if self.allowed is None:
                self.allowed = list(other.allowed)
            else:
                self.allowed = [v for v in self.allowed if _in(v, other.allowed)]
        self.excluded.extend(other.excluded)
        if other.lo is not None and (
            self.lo is None or _gt(other.lo, self.lo) or (other.lo == self.lo and not other.lo_incl)
        ):
            self.lo, self.lo_incl = other.lo, other.lo_incl
        if other.hi is not None and (
            self.hi is None or _gt(self.hi, other.hi) or (other.hi == self.hi and not other.hi_incl)
        ):
            self.hi, self.hi_incl = other.hi, other.hi_incl
        if other.min_len is not None:
            self.min_len = max(self.min_len or 0, other.min_len)
        if other.max_len is not None:
            self.max_len = (
                other.max_len if self.max_len is None else min(self.max_len, other.max_len)
            )
        self.not_null = self.not_null or other.not_null
        self.json = self.json or other.json
        self.sources.extend(other.sources)

    def accepts(self, value: Any) -> bool:
        """Does a non-NULL value satisfy the rules?  (NULL satisfies any CHECK.)"""
        if value is None:
            return True
        if self.allowed is not None and not _in(value, self.allowed):
            return False
        if self.excluded and _in(value, self.excluded):
            return False
        try:
            if self.lo is not None and not (
                _ge(value, self.lo) if self.lo_incl else _gt(value, self.lo)
            ):
                return False
            if self.hi is not None and not (
                _ge(self.hi, value) if self.hi_incl else _gt(self.hi, value)
            ):
                return False
        except TypeError:
            return False
        if self.min_len is not None or self.max_len is not None:
            n = len(value) if isinstance(value, str | bytes) else len(str(value))
            if self.min_len is not None and n < self.min_len:
                return False
            if self.max_len is not None and n > self.max_len:
                return False
        return True

    def describe(self) -> str:
        return "; ".join(self.sources) if self.sources else "no rules"


def _as_datetime(value: Any) -> dt.datetime:
    if isinstance(value, dt.datetime):
        if value.tzinfo is not None:
            return value.astimezone(dt.UTC).replace(tzinfo=None)
        return value
    if isinstance(value, dt.date):
        return dt.datetime(value.year, value.month, value.day)
    if isinstance(value, str):
        try:
            return _as_datetime(dt.datetime.fromisoformat(value))
        except ValueError:
            pass
    raise TypeError(f"not a date: {value!r}")


as_datetime = _as_datetime


def _datey(value: Any) -> bool:
    return isinstance(value, dt.date) or (
        isinstance(value, str) and re.match(r"\d{4}-\d{2}-\d{2}", value) is not None
    )


def _comparable(a: Any, b: Any) -> tuple[Any, Any]:
    if isinstance(a, bool) or isinstance(b, bool):
        return a, b
    numbers = (int, float, Decimal)
    if isinstance(a, numbers) and isinstance(b, numbers):
        return Decimal(str(a)), Decimal(str(b))
    if isinstance(a, numbers) and isinstance(b, str):
        return Decimal(str(a)), Decimal(b)
    if isinstance(b, numbers) and isinstance(a, str):
        return Decimal(a), Decimal(str(b))
    if (isinstance(a, dt.date) or isinstance(b, dt.date)) and _datey(a) and _datey(b):
        return _as_datetime(a), _as_datetime(b)
    return a, b


def _eq(a: Any, b: Any) -> bool:
    try:
        x, y = _comparable(a, b)
    except (TypeError, ArithmeticError, ValueError):
        return False
    return bool(x == y) and isinstance(a, bool) == isinstance(b, bool)


def _in(value: Any, items: Iterable[Any]) -> bool:
    return any(_eq(value, i) for i in items)


def _gt(a: Any, b: Any) -> bool:
    try:
        x, y = _comparable(a, b)
    except (ArithmeticError, ValueError) as exc:
        raise TypeError(str(exc)) from None
    return bool(x > y)


def _ge(a: Any, b: Any) -> bool:
    return _eq(a, b) or _gt(a, b)


@dataclass
class ParsedCheck:
    """One CHECK constraint, interpreted per column."""

    name: str
    sqltext: str
    rules: dict[str, Rules]


def _col_of(node: Any) -> str | None:
    if isinstance(node, Col):
        return node.name
    return None


def _column(node: Any, what: str) -> str:
    name = _col_of(node)
    if name is None:
        raise UnsupportedCheck(f"{what} of an expression")
    return name


_LENGTH_FUNCS = ("length", "char_length", "character_length", "octet_length", "len")


def _length_col(node: Any) -> str | None:
    if isinstance(node, Func) and node.name in _LENGTH_FUNCS and len(node.args) == 1:
        return _col_of(node.args[0])
    return None


def _lit(node: Any) -> Any:
    if isinstance(node, Lit):
        return node.value
    raise UnsupportedCheck("comparison with something other than a constant")


_FLIP = {"<": ">", "<=": ">=", ">": "<", ">=": "<=", "=": "=", "<>": "<>"}


def _compare_rules(op: str, value: Any) -> Rules:
    r = Rules()
    if op == "=":
        r.allowed = [value]
    elif op == "<>":
        r.excluded = [value]
    elif op in (">", ">="):
        r.lo, r.lo_incl = value, op == ">="
    else:
        r.lo = None
        r.hi, r.hi_incl = value, op == "<="
    return r


def _length_rules(op: str, n: Any) -> Rules:
    if not isinstance(n, int):
        raise UnsupportedCheck("length compared with a non-integer")
    r = Rules()
    if op == "=":
        r.min_len = r.max_len = n
    elif op == ">":
        r.min_len = n + 1
    elif op == ">=":
        r.min_len = n
    elif op == "<":
        r.max_len = n - 1
    elif op == "<=":
        r.max_len = n
    elif op == "<>" and n == 0:
        r.min_len = 1
    else:
        raise UnsupportedCheck("length comparison not supported")
    return r


def _rules(node: Any) -> dict[str, Rules]:
    if isinstance(node, Node):
        if node.op == "and":
            out: dict[str, Rules] = {}
            for part in node.args:
                for col, rules in _rules(part).items():
                    out.setdefault(col, Rules()).merge(rules)
            return out
        if node.op == "or":
            nulls = [a for a in node.args if isinstance(a, Node) and a.op == "isnull"]
            rest = [a for a in node.args if a not in nulls]
            null_cols = {_col_of(a.args[0]) for a in nulls}
            if nulls and len(rest) == 1:
                inner = _rules(rest[0])
                if set(inner) <= null_cols:
                    return inner
            raise UnsupportedCheck("OR is supported only as 'col IS NULL OR condition'")
        if node.op == "notnull":
            col = _column(node.args[0], "IS NOT NULL")
            return {col: Rules(not_null=True)}
        if node.op in ("in", "notin"):
            col = _column(node.args[0], "IN")
            values = [_lit(i) for i in node.args[1]]
            return {col: Rules(allowed=values) if node.op == "in" else Rules(excluded=values)}
        if node.op == "any":
            any_col, arr = _col_of(node.args[0]), node.args[1]
            if any_col is None or not isinstance(arr, Array) or node.extra != "=":
                raise UnsupportedCheck("= ANY of this form")
            return {any_col: Rules(allowed=[_lit(i) for i in arr.items])}
        if node.op == "between":
            col = _column(node.args[0], "BETWEEN")
            return {col: Rules(lo=_lit(node.args[1]), hi=_lit(node.args[2]))}
        if node.op == "cmp":
            left, right, op = node.args[0], node.args[1], node.extra
            if isinstance(left, Lit) and not isinstance(right, Lit):
                left, right, op = right, left, _FLIP[op]
            plain = _col_of(left)
            if plain is not None:
                return {plain: _compare_rules(op, _lit(right))}
            measured = _length_col(left)
            if measured is not None:
                return {measured: _length_rules(op, _lit(right))}
            if (
                isinstance(left, Func)
                and left.name in ("btrim", "trim")
                and len(left.args) == 1
                and (trimmed := _col_of(left.args[0])) is not None
                and op == "<>"
                and _lit(right) == ""
            ):
                return {trimmed: Rules(min_len=1)}
            raise UnsupportedCheck("comparison of an expression")
        if node.op == "not":
            raise UnsupportedCheck("NOT of a condition")
    if isinstance(node, Func) and node.name == "json_valid" and len(node.args) == 1:
        json_col = _col_of(node.args[0])
        if json_col is not None:
            return {json_col: Rules(json=True)}
    if isinstance(node, Lit) and node.value is True:
        return {}
    raise UnsupportedCheck("condition not supported")


def parse_check(name: str, sqltext: str) -> ParsedCheck:
    """Interpret a CHECK's text; raise UnsupportedCheck when it is beyond us."""
    text = sqltext.strip()
    if text.upper().startswith("CHECK"):
        text = text[5:].strip()
    tree = Parser(text).parse()
    rules = _rules(tree)
    for col_rules in rules.values():
        col_rules.sources.append(f"CHECK {name}: {sqltext.strip()}")
    return ParsedCheck(name=name, sqltext=sqltext, rules=rules)


def referenced_columns(sqltext: str) -> set[str]:
    """Best-effort list of the identifiers a CHECK mentions (for unsupported ones)."""
    try:
        toks = tokenize(sqltext)
    except UnsupportedCheck:
        return set()
    names = set()
    for i, tok in enumerate(toks):
        nxt = toks[i + 1] if i + 1 < len(toks) else None
        prev = toks[i - 1] if i > 0 else None
        if (
            tok.kind == "id"
            and not (nxt is not None and nxt.kind == "op" and nxt.text == "(")
            and not (prev is not None and prev.kind == "op" and prev.text == "::")
        ):
            names.add(tok.text)
    return names
