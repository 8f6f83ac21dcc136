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

_PSQL_SPECIAL = re.compile(_NORMAL_SPECIAL.pattern + r"|\\")

_EQUOTE = re.compile(r"\\.|''|'", re.DOTALL)


class MetaCommandInStatement(Exception):
    """A backslash outside quotes and comments: a psql meta-command inside a line of SQL
    (``\\g``, ``\\gexec``, ``\\;``, ``\\.`` ...), which can start a data block or run
    a statement a plain reader cannot see; only raised by a ``psql=True`` splitter."""


class StatementSplitter:
    """Cuts text fed piecewise (e.g. line by line) into complete statements."""

    def __init__(self, *, psql: bool = False) -> None:
        self.psql = psql  # a backslash outside quotes/comments raises MetaCommandInStatement
        #: ``standard_conforming_strings = off``: backslashes escape in '' strings too
        self.backslash_quotes = False
        self._special = _PSQL_SPECIAL if psql else _NORMAL_SPECIAL
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
                m = self._special.search(text, pos)
                if m is None:
                    if text[pos:].strip():
                        self._content = True
                    break
                if not self._content and text[pos : m.start()].strip():
                    self._content = True
                tok = m.group()
                pos = m.end()
                if tok == "\\":
                    raise MetaCommandInStatement(m.start())
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
                        self._mode = "equote" if self.backslash_quotes else "squote"
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


# --------------------------------------------------------------------------- COPY statements


class CopyFormError(ValueError):
    """A COPY that reads inline data (``FROM stdin``) in a form other than pg_dump's."""


@dataclass(frozen=True)
class CopyStatement:
    schema: str | None
    table: str
    columns: tuple[str, ...]


_INLINE_SOURCES = ("stdin", "pstdin")


def copy_from_stdin(stmt: str, *, sources: tuple[str, ...] = ("stdin",)) -> CopyStatement | None:
    """The table a ``COPY ... FROM stdin`` statement fills, or None if ``stmt`` does not read
    inline data (not a COPY, ``COPY ... TO``, ``FROM 'file'``, ``FROM PROGRAM``).

    Only pg_dump's exact form is accepted: ``COPY [schema.]table [(col, ...)] FROM stdin``
    and an optional ``;``, any case, spacing, comments and quoting (newlines inside quoted
    identifiers included).  A COPY that reads inline data in any other form (options,
    CSV, BINARY, a query) raises :class:`CopyFormError`: its data could not be read
    correctly, so it must never be passed through.
    """
    toks = tokenize(stmt)
    if not toks or not toks[0].is_kw("copy"):
        return None
    depth = 0
    inline = False
    for i, tok in enumerate(toks):
        if tok.is_op("("):
            depth += 1
        elif tok.is_op(")"):
            depth -= 1
        elif (
            depth == 0
            and tok.is_kw("from")
            and i + 1 < len(toks)
            and toks[i + 1].kind == "ident"
            and toks[i + 1].text in _INLINE_SOURCES
        ):
            inline = True
    if not inline:
        return None
    pos = 1

    def name() -> str:
        nonlocal pos
        if pos < len(toks) and toks[pos].kind in ("ident", "qident"):
            pos += 1
            return toks[pos - 1].text
        raise CopyFormError("expected a name")

    try:
        parts = [name()]
        while pos < len(toks) and toks[pos].is_op("."):
            pos += 1
            parts.append(name())
        if len(parts) > 2:
            raise CopyFormError("a table name has at most two parts")
        columns: list[str] = []
        if pos < len(toks) and toks[pos].is_op("("):
            pos += 1
            columns.append(name())
            while pos < len(toks) and toks[pos].is_op(","):
                pos += 1
                columns.append(name())
            if pos >= len(toks) or not toks[pos].is_op(")"):
                raise CopyFormError("expected ) after the column list")
            pos += 1
        if not (
            pos + 1 < len(toks)
            and toks[pos].is_kw("from")
            and toks[pos + 1].kind == "ident"
            and toks[pos + 1].text in sources
        ):
            raise CopyFormError("expected FROM stdin after the table")
        pos += 2
        if pos < len(toks) and toks[pos].is_op(";"):
            pos += 1
        if pos != len(toks):
            raise CopyFormError(f"options after FROM {toks[pos - 1].raw} are not supported")
    except CopyFormError as exc:
        raise CopyFormError(
            f"unsupported COPY ... FROM stdin form ({exc}); only pg_dump's "
            "COPY schema.table (columns) FROM stdin; can be anonymized"
        ) from None
    schema, table = (parts[0], parts[1]) if len(parts) == 2 else (None, parts[0])
    return CopyStatement(schema, table, tuple(columns))


def starts_with_word(stmt: str, word: str) -> bool:
    """Whether the first word of ``stmt`` (after blanks and comments) is ``word`` (any case)."""
    pos = 0
    n = len(stmt)
    while pos < n:
        c = stmt[pos]
        if c.isspace():
            pos += 1
        elif stmt.startswith("--", pos):
            nl = stmt.find("\n", pos)
            pos = n if nl < 0 else nl + 1
        elif stmt.startswith("/*", pos):
            end = _block_comment_end(stmt, pos + 2, 1)
            pos = n if end < 0 else end
        else:
            break
    end = pos + len(word)
    if stmt[pos:end].lower() != word:
        return False
    return end >= n or not re.match(rf"[{_IDENT_CHAR}]", stmt[end])


def conforming_strings(stmt: str) -> bool | None:
    """``SET standard_conforming_strings = on|off`` (or ``set_config``): its value, else None."""
    toks = [t for t in tokenize(stmt) if not t.is_op(";")]
    words = [t.text.lower() for t in toks]
    if len(words) >= 4 and words[0] == "set":
        if words[1] in ("session", "local"):
            words = words[1:]
        if words[1] == "standard_conforming_strings" and words[2] in ("=", "to"):
            return words[3] in ("on", "true", "yes", "1")
    if "set_config" in words and "standard_conforming_strings" in words:
        i = words.index("standard_conforming_strings")
        if i + 2 < len(words):
            return words[i + 2] in ("on", "true", "yes", "1")
    return None


# --------------------------------------------------------------------------- role passwords

_ROLE_STMT = re.compile(r"\s*(?:CREATE|ALTER)\s+(?:ROLE|USER|GROUP)\b", re.IGNORECASE)


def is_role_statement_start(line: str) -> bool:
    """A line starting ``CREATE|ALTER ROLE|USER|GROUP`` (``USER MAPPING`` excluded)."""
    return bool(_ROLE_STMT.match(line)) and not re.match(
        r"\s*\w+\s+USER\s+MAPPING\b", line, re.IGNORECASE
    )


def _positioned_tokens(sql: str) -> list[tuple[Token, int, int]]:
    out: list[tuple[Token, int, int]] = []
    pos = 0
    n = len(sql)
    while pos < n:
        m = _TOKEN.match(sql, pos)
        if m is None:  # pragma: no cover - the last alternative matches anything
            break
        kind = m.lastgroup or "op"
        if kind == "bc":
            end = _block_comment_end(sql, m.end(), 1)
            pos = n if end < 0 else end
            continue
        if kind == "dollar":
            close = sql.find(m.group(), m.end())
            end = n if close < 0 else close + len(m.group())
            out.append((Token("body", "", sql[m.start() : end]), m.start(), end))
            pos = end
            continue
        pos = m.end()
        if kind in ("ws", "lc"):
            continue
        raw = m.group()
        if kind == "ident":
            out.append((Token("ident", raw.lower(), raw), m.start(), pos))
        elif kind in ("str", "estr"):
            out.append((Token("str", "", raw), m.start(), pos))
        else:
            out.append((Token(kind, raw, raw), m.start(), pos))
    return out


def strip_role_passwords(stmt: str) -> tuple[str, int]:
    """Remove ``[ENCRYPTED] PASSWORD '...'`` from a CREATE/ALTER ROLE|USER|GROUP statement.

    Returns the statement and how many clauses were removed (``PASSWORD NULL`` stays).
    """
    toks = _positioned_tokens(stmt)
    if (
        len(toks) < 3
        or not toks[0][0].is_kw("create", "alter")
        or not toks[1][0].is_kw("role", "user", "group")
        or toks[2][0].is_kw("mapping")
    ):
        return stmt, 0
    spans: list[tuple[int, int]] = []
    for i, (tok, start, _) in enumerate(toks):
        if tok.is_kw("password") and i + 1 < len(toks) and toks[i + 1][0].kind == "str":
            if i > 0 and toks[i - 1][0].is_kw("encrypted", "unencrypted"):
                start = toks[i - 1][1]
            spans.append((start, toks[i + 1][2]))
    for start, end in reversed(spans):
        right = stmt[end:].lstrip(" \t")
        left = stmt[:start].rstrip() if right.startswith(";") else stmt[:start].rstrip(" \t")
        sep = "" if right.startswith((";", "\n")) or left.endswith("\n") else " "
        stmt = left + sep + right
    return stmt, len(spans)
