"""A small lexer for the SQL that ``pg_dump`` writes.

Two uses: :func:`tokenize` turns one statement into tokens (identifiers folded to
lower case unless quoted, ``""`` un-doubled), and :class:`StatementSplitter` cuts a
stream of lines into statements while tracking quotes, ``$tag$`` bodies and
comments across lines, so that a function body containing ``COPY ... FROM stdin;``
or ``\\.`` is never mistaken for data.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

_IDENT_START = r"A-Za-z_\u0080-\U0010ffff"
_IDENT_CHAR = r"A-Za-z0-9_$\u0080-\U0010ffff"

_TOKEN = re.compile(
    rf"""
    (?P<ws>\s+)
  | (?P<lc>--[^\n]*)
  | (?P<bc>/\*)
  | (?P<qi>"(?:[^"]|"")*")
  | (?P<estr>[eE]'(?:[^'\\]|\\.|'')*')
  | (?P<str>'(?:[^']|'')*')
  | (?P<dollar>\$(?:[{_IDENT_START}][A-Za-z0-9_\u0080-\U0010ffff]*)?\$)
  | (?P<param>\$\d+)
  | (?P<ident>[{_IDENT_START}][{_IDENT_CHAR}]*)
  | (?P<num>\d+(?:\.\d*)?(?:[eE][+-]?\d+)?|\.\d+)
  | (?P<op>::|[(),;.\[\]]|[-+*/<>=~!@#%^&|`?]+|.)
    """,
    re.VERBOSE | re.DOTALL,
)


@dataclass(frozen=True)
class Token:
    kind: str  # ident (folded), qident (quoted), str, num, op, body ($$ quoted)
    text: str  # the value: identifier name, string content, operator
    raw: str  # source text

    def is_kw(self, *words: str) -> bool:
        return self.kind == "ident" and self.text in words

    def is_op(self, op: str) -> bool:
        return self.kind == "op" and self.text == op


def tokenize(sql: str) -> list[Token]:
    """Tokens of ``sql``, comments and whitespace dropped."""
    out: list[Token] = []
    pos = 0
    n = len(sql)
    while pos < n:
        m = _TOKEN.match(sql, pos)
        if m is None:  # pragma: no cover - the last alternative matches anything
            break
        kind = m.lastgroup or "op"
        raw = m.group()
        if kind == "bc":
            end = _block_comment_end(sql, m.end(), 1)
            pos = n if end < 0 else end
            continue
        if kind == "dollar":
            close = sql.find(raw, m.end())
            end = n if close < 0 else close + len(raw)
            body = sql[m.end() : close if close >= 0 else n]
            out.append(Token("body", body, sql[m.start() : end]))
            pos = end
            continue
        pos = m.end()
        if kind in ("ws", "lc"):
            continue
        if kind == "qi":
            out.append(Token("qident", raw[1:-1].replace('""', '"'), raw))
        elif kind == "ident":
            out.append(Token("ident", raw.lower(), raw))
        elif kind == "str":
            out.append(Token("str", raw[1:-1].replace("''", "'"), raw))
        elif kind == "estr":
            out.append(Token("str", raw[2:-1].replace("''", "'"), raw))
        elif kind in ("num", "param"):
            out.append(Token("num", raw, raw))
        else:
            out.append(Token("op", raw, raw))
    return out


def _block_comment_end(text: str, pos: int, depth: int) -> int:
    """Index after the comment closing ``depth`` levels, or -1 if not closed in ``text``."""
    while depth:
        o = text.find("/*", pos)
        c = text.find("*/", pos)
        if c < 0:
            return -1
        if 0 <= o < c:
            depth += 1
            pos = o + 2
        else:
            depth -= 1
            pos = c + 2
    return pos


def split_statements(sql: str) -> list[str]:
    """Split a script into statements (each keeps its ``;``), comments kept inside."""
    splitter = StatementSplitter()
    out = list(splitter.feed(sql))
    rest = splitter.pending()
    if rest.strip():
        out.append(rest)
    return out


_NORMAL_SPECIAL = re.compile(
    rf"(?<![{_IDENT_CHAR}])[eE]'|'|\"|(?<![{_IDENT_CHAR}])\$(?:[{_IDENT_START}][A-Za-z0-9_\u0080-\U0010ffff]*)?\$|--|/\*|;"
)

_EQUOTE = re.compile(r"\\.|''|'", re.DOTALL)


class StatementSplitter:
    """Cuts text fed piecewise (e.g. line by line) into complete statements."""

    def __init__(self) -> None:
        self._buf: list[str] = []
        self._mode = "normal"  # normal | squote | equote | dquote | dollar | comment
        self._tag = ""
        self._depth = 0
        self._content = False  # statement text (not just blanks and comments) seen

    @property
    def at_statement_start(self) -> bool:
        """True when no statement text is pending (only whitespace/comments so far)."""
        return self._mode == "normal" and not self._content

    def pending(self) -> str:
        return "".join(self._buf) if self._content else ""

    def reset(self) -> None:
        self._buf.clear()
        self._mode = "normal"
        self._content = False

    def feed(self, text: str) -> Iterator[str]:
        """Yield every statement completed by ``text``."""
        pos = 0
        n = len(text)
        start = 0
        while pos < n:
            mode = self._mode
            if mode == "normal":
                m = _NORMAL_SPECIAL.search(text, pos)
                if m is None:
                    if text[pos:].strip():
                        self._content = True
                    break
                if not self._content and text[pos : m.start()].strip():
                    self._content = True
                tok = m.group()
                pos = m.end()
                if tok == ";":
                    self._buf.append(text[start:pos])
                    start = pos
                    stmt = "".join(self._buf)
                    self._buf.clear()
                    self._content = False
                    yield stmt
                elif tok == "--":
                    nl = text.find("\n", pos)
                    pos = n if nl < 0 else nl + 1
                elif tok == "/*":
                    self._mode = "comment"
                    self._depth = 1
                else:
                    self._content = True
                    if tok == "'":
                        self._mode = "squote"
                    elif tok == '"':
                        self._mode = "dquote"
                    elif tok in ("E'", "e'"):
                        self._mode = "equote"
                    else:
                        self._mode = "dollar"
                        self._tag = tok
            elif mode in ("squote", "dquote"):
                q = "'" if mode == "squote" else '"'
                i = text.find(q, pos)
                if i < 0:
                    pos = n
                elif i + 1 < n and text[i + 1] == q:
                    pos = i + 2
                else:
                    pos = i + 1
                    self._mode = "normal"
            elif mode == "equote":
                m2 = _EQUOTE.search(text, pos)
                if m2 is None:
                    pos = n
                elif m2.group() == "'":
                    pos = m2.end()
                    self._mode = "normal"
                else:
                    pos = m2.end()
            elif mode == "dollar":
                i = text.find(self._tag, pos)
                if i < 0:
                    pos = n
                else:
                    pos = i + len(self._tag)
                    self._mode = "normal"
            else:  # comment
                end = _block_comment_end(text, pos, self._depth)
                if end < 0:
                    self._depth += text.count("/*", pos) - text.count("*/", pos)
                    pos = n
                else:
                    pos = end
                    self._mode = "normal"
                    self._depth = 0
        if start < n:
            if self._content or self._mode != "normal":
                self._buf.append(text[start:])
            else:
                self._buf.clear()  # only blanks and comments so far: nothing to keep
