"""The simple CHECK expressions pg_dump writes, evaluated on one value.

:func:`check_expression` evaluates comparisons, LIKE, ``~``, lengths, IN / ANY lists,
AND / OR / NOT over ``VALUE``; anything else raises :class:`CannotEvaluate`.
"""

from __future__ import annotations

import decimal
import re
from collections.abc import Callable, Sequence

from dataops.anonymize.coltypes import Check
from dataops.anonymize.formats.ddlsyntax import Cursor
from dataops.anonymize.formats.sqlscan import Token, tokenize


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


class _Eval(Cursor):
    """A recursive-descent evaluator walking the expression's tokens (a DDL cursor)."""

    def __init__(self, tokens: Sequence[Token], value: str, numeric: bool) -> None:
        super().__init__(list(tokens))
        self.value = value
        self.numeric = numeric

    def take(self) -> Token:
        tok = self.next()
        if tok is None:
            raise CannotEvaluate("unexpected end")
        return tok

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
            nxt = self.peek(1)
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
