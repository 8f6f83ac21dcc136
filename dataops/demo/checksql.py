"""A small parser for the text of CHECK constraints (PostgreSQL, MariaDB/MySQL, SQLite).

It reads boolean conditions over columns and constants (AND/OR/NOT, comparisons,
IN, BETWEEN, IS [NOT] NULL, ``= ANY (ARRAY[...])``, function calls, casts) into a
tree of :class:`Col`, :class:`Lit`, :class:`Func`, :class:`Array` and :class:`Node`;
:mod:`dataops.demo.checks` turns the tree into per-column rules.  Anything else
raises :class:`UnsupportedCheck`.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any


class UnsupportedCheck(Exception):
    """The CHECK is valid SQL we do not interpret."""


# --------------------------------------------------------------------- AST
@dataclass(frozen=True)
class Col:
    name: str


@dataclass(frozen=True)
class Lit:
    value: Any


@dataclass(frozen=True)
class Func:
    name: str
    args: tuple[Any, ...]


@dataclass(frozen=True)
class Array:
    items: tuple[Any, ...]


@dataclass(frozen=True)
class Node:
    op: str  # and, or, not, cmp, in, notin, between, isnull, notnull, any
    args: tuple[Any, ...]
    extra: str = ""


_TOKEN = re.compile(
    r"""
    (?P<ws>\s+)
  | (?P<num>\d+(?:\.\d+)?(?:[eE][-+]?\d+)?)
  | (?P<str>[eEnN]?'(?:[^']|'')*')
  | (?P<qid>"(?:[^"]|"")*"|`(?:[^`]|``)*`)
  | (?P<id>[A-Za-z_][A-Za-z0-9_$]*)
  | (?P<op>::|<=|>=|<>|!=|==|\|\||[-+*/%<>=(),.\[\]~!])
    """,
    re.VERBOSE,
)

_KEYWORDS = {
    "and", "or", "not", "in", "between", "is", "null", "true", "false", "array",
    "any", "some", "like", "ilike", "collate",
}  # fmt: skip


@dataclass
class _Tok:
    kind: str
    text: str


def tokenize(text: str) -> list[_Tok]:
    pos, out = 0, []
    while pos < len(text):
        m = _TOKEN.match(text, pos)
        if m is None:
            raise UnsupportedCheck(f"unexpected character {text[pos]!r}")
        pos = m.end()
        kind = m.lastgroup or ""
        if kind == "ws":
            continue
        value = m.group()
        if kind == "qid":
            inner = value[1:-1]
            value = inner.replace('""', '"') if m.group()[0] == '"' else inner.replace("``", "`")
            kind = "id"
        elif kind == "id" and value.lower() in _KEYWORDS:
            kind, value = "kw", value.lower()
        elif kind == "str" and value[0] != "'":
            value = value[1:]
        out.append(_Tok(kind, value))
    return out


class Parser:
    def __init__(self, text: str) -> None:
        self.toks = tokenize(text)
        self.pos = 0

    def peek(self, offset: int = 0) -> _Tok | None:
        i = self.pos + offset
        return self.toks[i] if i < len(self.toks) else None

    def accept(self, kind: str, text: str | None = None) -> bool:
        tok = self.peek()
        if tok is not None and tok.kind == kind and (text is None or tok.text == text):
            self.pos += 1
            return True
        return False

    def expect(self, kind: str, text: str | None = None) -> _Tok:
        tok = self.peek()
        if tok is None or tok.kind != kind or (text is not None and tok.text != text):
            raise UnsupportedCheck(f"expected {text or kind}")
        self.pos += 1
        return tok

    def parse(self) -> Any:
        node = self.expr()
        if self.peek() is not None:
            raise UnsupportedCheck(f"unexpected {self.peek().text!r}")  # type: ignore[union-attr]
        return node

    def expr(self) -> Any:
        parts = [self.and_expr()]
        while self.accept("kw", "or"):
            parts.append(self.and_expr())
        return parts[0] if len(parts) == 1 else Node("or", tuple(parts))

    def and_expr(self) -> Any:
        parts = [self.not_expr()]
        while self.accept("kw", "and"):
            parts.append(self.not_expr())
        return parts[0] if len(parts) == 1 else Node("and", tuple(parts))

    def not_expr(self) -> Any:
        if self.accept("kw", "not"):
            return Node("not", (self.not_expr(),))
        return self.predicate()

    def predicate(self) -> Any:
        left = self.operand()
        negated = self.accept("kw", "not")
        if self.accept("kw", "in"):
            self.expect("op", "(")
            items = [self.operand()]
            while self.accept("op", ","):
                items.append(self.operand())
            self.expect("op", ")")
            return Node("notin" if negated else "in", (left, tuple(items)))
        if self.accept("kw", "between"):
            lo = self.operand()
            self.expect("kw", "and")
            hi = self.operand()
            node = Node("between", (left, lo, hi))
            return Node("not", (node,)) if negated else node
        if negated:
            raise UnsupportedCheck("NOT LIKE and similar are not supported")
        if self.accept("kw", "is"):
            neg = self.accept("kw", "not")
            if self.accept("kw", "null"):
                return Node("notnull" if neg else "isnull", (left,))
            raise UnsupportedCheck("IS TRUE/DISTINCT FROM are not supported")
        tok = self.peek()
        if (
            tok is not None
            and tok.kind == "op"
            and tok.text in ("=", "==", "<>", "!=", "<", "<=", ">", ">=")
        ):
            self.pos += 1
            op = {"==": "=", "!=": "<>"}.get(tok.text, tok.text)
            if self.accept("kw", "any") or self.accept("kw", "some"):
                self.expect("op", "(")
                arr = self.operand()
                self.expect("op", ")")
                return Node("any", (left, arr), op)
            return Node("cmp", (left, self.operand()), op)
        return left

    def operand(self) -> Any:
        if self.accept("op", "-"):
            inner = self.operand()
            if isinstance(inner, Lit) and isinstance(inner.value, int | Decimal):
                return Lit(-inner.value)
            raise UnsupportedCheck("arithmetic is not supported")
        node = self.primary()
        while True:
            if self.accept("op", "::"):
                node = self.cast(node, self.type_name())
            elif self.accept("kw", "collate"):
                self.expect("id")
            else:
                break
        tok = self.peek()
        if tok is not None and tok.kind == "op" and tok.text in ("+", "*", "/", "%", "||", "~"):
            raise UnsupportedCheck("arithmetic and pattern operators are not supported")
        return node

    def type_name(self) -> str:
        words = [self.expect("id").text.lower()]
        while (tok := self.peek()) is not None and tok.kind == "id":
            words.append(tok.text.lower())
            self.pos += 1
        if self.accept("op", "("):
            depth = 1
            while depth:
                tok = self.peek()
                if tok is None:
                    raise UnsupportedCheck("unbalanced parentheses")
                self.pos += 1
                if tok.kind == "op" and tok.text == "(":
                    depth += 1
                elif tok.kind == "op" and tok.text == ")":
                    depth -= 1
        while self.accept("op", "["):
            self.expect("op", "]")
            words.append("[]")
        return " ".join(words)

    @staticmethod
    def cast(node: Any, type_name: str) -> Any:
        if isinstance(node, Lit) and isinstance(node.value, str) and type_name.endswith("[]"):
            body = node.value.strip()
            if body.startswith("{") and body.endswith("}"):
                items = [p.strip().strip('"') for p in body[1:-1].split(",") if p.strip()]
                return Array(tuple(Lit(i) for i in items))
        if isinstance(node, Lit) and isinstance(node.value, str) and type_name == "date":
            try:
                return Lit(dt.date.fromisoformat(node.value))
            except ValueError:
                return node
        if (
            isinstance(node, Lit)
            and isinstance(node.value, str)
            and type_name.startswith(("numeric", "integer", "bigint", "smallint", "decimal"))
        ):
            try:
                return Lit(_number(node.value))
            except (InvalidOperation, ValueError):
                return node
        return node  # casts of columns and arrays do not change what we check

    def primary(self) -> Any:
        tok = self.peek()
        if tok is None:
            raise UnsupportedCheck("unexpected end")
        self.pos += 1
        if tok.kind == "num":
            return Lit(_number(tok.text))
        if tok.kind == "str":
            return Lit(tok.text[1:-1].replace("''", "'"))
        if tok.kind == "kw" and tok.text in ("true", "false"):
            return Lit(tok.text == "true")
        if tok.kind == "kw" and tok.text == "null":
            return Lit(None)
        if tok.kind == "kw" and tok.text == "array":
            self.expect("op", "[")
            items = [self.operand()]
            while self.accept("op", ","):
                items.append(self.operand())
            self.expect("op", "]")
            return Array(tuple(items))
        if tok.kind == "op" and tok.text == "(":
            inner = self.expr()
            if self.accept("op", ","):  # a row / list in parentheses
                raise UnsupportedCheck("row values are not supported")
            self.expect("op", ")")
            return inner
        if tok.kind == "id":
            if self.accept("op", "("):
                args = []
                if not self.accept("op", ")"):
                    args.append(self.expr())
                    while self.accept("op", ","):
                        args.append(self.expr())
                    self.expect("op", ")")
                return Func(tok.text.lower(), tuple(args))
            if self.accept("op", "."):
                return Col(self.expect("id").text)
            return Col(tok.text)
        raise UnsupportedCheck(f"unexpected {tok.text!r}")


def _number(text: str) -> int | Decimal:
    if re.fullmatch(r"\d+", text):
        return int(text)
    return Decimal(text)
