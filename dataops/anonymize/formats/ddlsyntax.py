"""Token-level helpers for reading pg_dump's DDL: a cursor over a statement's tokens,
comma splitting, and type / CHECK texts re-joined from tokens."""

from __future__ import annotations

from collections.abc import Sequence

from dataops.anonymize.formats.sqlscan import Token

QName = tuple[str, str]  # (schema, name), unquoted

COLUMN_CONSTRAINT_WORDS = frozenset(
    {
        "collate",
        "not",
        "null",
        "default",
        "generated",
        "constraint",
        "primary",
        "unique",
        "references",
        "check",
        "compression",
        "storage",
    }
)
TABLE_CONSTRAINT_WORDS = frozenset(
    {"constraint", "primary", "unique", "foreign", "check", "exclude", "like"}
)


class Cursor:
    """Walks a token list."""

    def __init__(self, tokens: Sequence[Token]) -> None:
        self.toks = tokens
        self.i = 0

    def peek(self, k: int = 0) -> Token | None:
        j = self.i + k
        return self.toks[j] if j < len(self.toks) else None

    def next(self) -> Token | None:
        tok = self.peek()
        if tok is not None:
            self.i += 1
        return tok

    def kw(self, *words: str) -> bool:
        """Consume the keyword sequence if it is next."""
        for k, w in enumerate(words):
            tok = self.peek(k)
            if tok is None or not tok.is_kw(w):
                return False
        self.i += len(words)
        return True

    def op(self, text: str) -> bool:
        tok = self.peek()
        if tok is not None and tok.is_op(text):
            self.i += 1
            return True
        return False

    def name(self) -> str | None:
        tok = self.peek()
        if tok is not None and tok.kind in ("ident", "qident"):
            self.i += 1
            return tok.text
        return None

    def qname(self) -> QName | None:
        first = self.name()
        if first is None:
            return None
        if self.op("."):
            second = self.name()
            if second is None:
                return None
            return (first, second)
        return ("public", first)

    def group(self) -> list[Token]:
        """Consume a parenthesised group; return the tokens inside (without the parens)."""
        if not self.op("("):
            return []
        depth = 1
        start = self.i
        while self.i < len(self.toks):
            tok = self.toks[self.i]
            self.i += 1
            if tok.is_op("("):
                depth += 1
            elif tok.is_op(")"):
                depth -= 1
                if depth == 0:
                    return list(self.toks[start : self.i - 1])
        return list(self.toks[start:])

    def names_list(self) -> tuple[str, ...]:
        """``(a, "B", c)`` -> names; empty if an element is not a plain column name."""
        inner = self.group()
        out: list[str] = []
        for part in split_commas(inner):
            if len(part) != 1 or part[0].kind not in ("ident", "qident"):
                return ()
            out.append(part[0].text)
        return tuple(out)


def split_commas(tokens: Sequence[Token]) -> list[list[Token]]:
    parts: list[list[Token]] = [[]]
    depth = 0
    for tok in tokens:
        if tok.is_op("(") or tok.is_op("["):
            depth += 1
        elif tok.is_op(")") or tok.is_op("]"):
            depth -= 1
        if depth == 0 and tok.is_op(","):
            parts.append([])
        else:
            parts[-1].append(tok)
    return [p for p in parts if p]


def type_text(tokens: Sequence[Token]) -> str:
    out = ""
    for tok in tokens:
        text = tok.text if tok.kind == "ident" else tok.raw
        if not out or text in ("(", ")", ",", "[", "]", ".") or out.endswith(("(", ".", "[")):
            out += text
        else:
            out += " " + text
    return out


def expression_text(tokens: Sequence[Token]) -> str:
    """A CHECK expression's source text, tokens re-joined (strings keep their quotes)."""
    out = ""
    previous: Token | None = None
    for tok in tokens:
        text = tok.raw
        call = (
            text == "("
            and previous is not None
            and previous.kind in ("ident", "qident")
            and previous.text not in _NOT_FUNCTIONS
        )
        if not out or out.endswith(("(", "::", "[")) or text in (")", ",", "::", "]", "[") or call:
            out += text
        else:
            out += " " + text
        previous = tok
    return out


_NOT_FUNCTIONS = frozenset({"and", "or", "not", "in", "any", "all", "some", "check", "is"})
