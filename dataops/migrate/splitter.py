"""Split a migration file into statements, and classify them.

The splitter knows each dialect's lexical rules well enough to find the ``;``
that ends a statement:

* PostgreSQL: ``'...'`` (``''`` escapes), ``E'...'`` (backslash escapes),
  ``"..."``, ``$$...$$`` and ``$tag$...$tag$`` bodies, ``--`` and nested ``/* */``
  comments, ``BEGIN ATOMIC ... END`` function bodies;
* MySQL/MariaDB: ``'...'`` and ``"..."`` with backslash escapes, backticks, ``#``,
  ``-- `` and ``/* */`` comments, ``BEGIN ... END`` bodies of routines, triggers and
  events (and MariaDB's ``BEGIN NOT ATOMIC``);
* SQLite: ``'...'``, ``"..."``, backticks, ``[...]``, comments, ``CREATE TRIGGER ... BEGIN ... END``.

Semicolons inside parentheses never split (``CREATE RULE ... DO (a; b)``).
Every statement keeps its offset in the file, so errors point at file lines.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

Dialect = Literal["postgresql", "mysql", "sqlite"]

MAX_WORDS = 64

_WORD = re.compile(r"[A-Za-z_\x80-\U0010ffff][A-Za-z0-9_$\x80-\U0010ffff]*")
_NUMBER = re.compile(r"[0-9]+(?:\.[0-9]*)?(?:[eE][+-]?[0-9]+)?")
_PG_DOLLAR = re.compile(r"\$([A-Za-z_\x80-\U0010ffff][A-Za-z0-9_\x80-\U0010ffff]*)?\$")
_PG_PARAM = re.compile(r"\$[0-9]+")
_NEXT_WORD = re.compile(r"\s*([A-Za-z_]+)")
_SPACE = re.compile(r"\s+")
# characters that never start a token the splitter cares about (runs of them are skipped)
_PUNCT_CHARS = frozenset(",.=<>+*%!:@&|^~{}?]")
_PUNCT = re.compile(r"[,.=<>+*%!:@&|^~{}?\]]+")

# closing pattern (regex from just after the opening quote) per dialect and quote
_STD_SQ = re.compile(r"(?:[^']|'')*'")
_STD_DQ = re.compile(r'(?:[^"]|"")*"')
_BS_SQ = re.compile(r"(?:[^'\\]|\\.|'')*'", re.DOTALL)
_BS_DQ = re.compile(r'(?:[^"\\]|\\.|"")*"', re.DOTALL)
_BACKTICK = re.compile(r"(?:[^`]|``)*`")
_BRACKET = re.compile(r"[^\]]*\]")

_BLOCK_END_NOT_CLOSING = frozenset({"IF", "LOOP", "WHILE", "REPEAT", "FOR"})
_ROUTINE_KINDS = frozenset({"PROCEDURE", "FUNCTION", "TRIGGER", "EVENT"})


@dataclass(frozen=True)
class Statement:
    """One statement: its text as in the file (no trailing ``;``) and where it starts."""

    text: str
    start: int  # offset of text[0] in the file
    line: int  # 1-based line of text[0]
    words: tuple[str, ...]  # the first top-level words, upper-cased

    @property
    def first_line(self) -> str:
        return self.text.strip().splitlines()[0] if self.text.strip() else ""

    def summary(self, width: int = 80) -> str:
        flat = " ".join(self.text.split())
        return flat if len(flat) <= width else flat[: width - 3] + "..."


def line_col(text: str, offset: int) -> tuple[int, int]:
    """1-based line and column of ``offset`` in ``text``."""
    line = text.count("\n", 0, offset) + 1
    col = offset - (text.rfind("\n", 0, offset) + 1) + 1
    return line, col


class _Scanner:
    def __init__(self, sql: str, dialect: Dialect) -> None:
        self.sql = sql
        self.dialect = dialect
        self.n = len(sql)
        self.statements: list[Statement] = []
        self._line_at = (0, 1)  # (offset, line) of the last line computed, to count incrementally
        self._reset(0)

    def _reset(self, pos: int) -> None:
        self.stmt_start: int | None = None  # first significant char of the current statement
        self.words: list[str] = []
        self.paren = 0
        self.block = 0  # BEGIN ... END nesting in routine bodies
        self.compound = False  # the current statement may contain BEGIN ... END bodies
        self.after_end = False  # the previous word was END (END CASE, END IF...)
        self.seg_start = pos

    # -- helpers ---------------------------------------------------------
    def _mark(self, pos: int) -> None:
        if self.stmt_start is None:
            self.stmt_start = pos

    def _finish(self, end: int) -> None:
        if self.stmt_start is not None:
            text = self.sql[self.stmt_start : end].rstrip()
            if text:
                offset, line = self._line_at
                line += self.sql.count("\n", offset, self.stmt_start)
                self._line_at = (self.stmt_start, line)
                self.statements.append(
                    Statement(text, self.stmt_start, line, tuple(self.words[:MAX_WORDS]))
                )

    def _close(self, pattern: re.Pattern[str], pos: int) -> int:
        m = pattern.match(self.sql, pos)
        return m.end() if m else self.n  # unterminated: runs to the end of the file

    def _nested_comment(self, pos: int) -> int:
        depth, i = 1, pos + 2
        nested = self.dialect == "postgresql"
        while i < self.n and depth:
            if self.sql.startswith("*/", i):
                depth -= 1
                i += 2
            elif nested and self.sql.startswith("/*", i):
                depth += 1
                i += 2
            else:
                i += 1
        return i

    def _line_comment(self, pos: int) -> int:
        end = self.sql.find("\n", pos)
        return self.n if end < 0 else end + 1

    def _next_word(self, pos: int) -> str:
        m = _NEXT_WORD.match(self.sql, pos)
        return m.group(1).upper() if m else ""

    def _word(self, word: str, end: int) -> None:
        upper = word.upper()
        if len(self.words) < MAX_WORDS:
            self.words.append(upper)
        if self.after_end:  # END CASE / END IF / END label: not an opener
            self.after_end = False
            return
        if upper == "END":
            self.after_end = True
        if self.dialect == "postgresql":
            opens_body = upper == "BEGIN" and self._next_word(end) == "ATOMIC"
            if opens_body or (self.block and upper == "CASE"):
                self.block += 1
            elif self.block and upper == "END":
                self.block -= 1
            return
        if not self.compound:
            first = self.words[0]
            if first == "CREATE" and upper in _ROUTINE_KINDS:
                self.compound = True
            elif (
                self.dialect == "mysql"
                and len(self.words) == 1
                and upper == "BEGIN"
                and self._next_word(end) == "NOT"
            ):
                self.compound = True  # MariaDB anonymous block: BEGIN NOT ATOMIC ... END
                self.block = 1
                return
        if not self.compound:
            return
        if upper in ("BEGIN", "CASE") and not (upper == "BEGIN" and self._is_txn_begin(end)):
            self.block += 1
        elif upper == "END" and self.block and self._next_word(end) not in _BLOCK_END_NOT_CLOSING:
            self.block -= 1

    def _is_txn_begin(self, end: int) -> bool:
        return self._next_word(end) in ("WORK", "TRANSACTION", "DEFERRED", "IMMEDIATE", "EXCLUSIVE")

    # -- main loop -------------------------------------------------------
    def run(self) -> list[Statement]:
        sql, n, dialect = self.sql, self.n, self.dialect
        i = 0
        while i < n:
            c = sql[i]
            if c.isspace():
                i = _SPACE.match(sql, i).end()  # type: ignore[union-attr]
                continue
            if c in _PUNCT_CHARS:
                self._mark(i)
                i = _PUNCT.match(sql, i).end()  # type: ignore[union-attr]
                continue
            if (
                c == "-"
                and sql.startswith("--", i)
                and (dialect != "mysql" or i + 2 >= n or sql[i + 2] in " \t\r\n\f\v")
            ):
                i = self._line_comment(i)
                continue
            if c == "#" and dialect == "mysql":
                i = self._line_comment(i)
                continue
            if c == "/" and sql.startswith("/*", i):
                if dialect == "mysql" and sql.startswith("/*!", i):
                    self._mark(i)  # executable comment: part of the statement
                i = self._nested_comment(i)
                continue
            self._mark(i)
            if c == ";":
                self.after_end = False
                if self.paren == 0 and self.block == 0:
                    self._finish(i)
                    self._reset(i + 1)
                i += 1
            elif c == "(":
                self.paren += 1
                i += 1
            elif c == ")":
                self.paren = max(0, self.paren - 1)
                i += 1
            elif c == "'":
                i = self._close(_BS_SQ if dialect == "mysql" else _STD_SQ, i + 1)
            elif c == '"':
                i = self._close(_BS_DQ if dialect == "mysql" else _STD_DQ, i + 1)
            elif c == "`" and dialect != "postgresql":
                i = self._close(_BACKTICK, i + 1)
            elif c == "[" and dialect == "sqlite":
                i = self._close(_BRACKET, i + 1)
            elif c == "$" and dialect == "postgresql":
                m = _PG_DOLLAR.match(sql, i)
                if m:
                    close = sql.find(m.group(0), m.end())
                    i = n if close < 0 else close + len(m.group(0))
                else:
                    p = _PG_PARAM.match(sql, i)
                    i = p.end() if p else i + 1
            elif c.isdigit():
                m = _NUMBER.match(sql, i)
                i = m.end() if m else i + 1
            else:
                m = _WORD.match(sql, i)
                if not m:
                    i += 1
                    continue
                word = m.group(0)
                i = m.end()
                if dialect == "postgresql" and word in ("e", "E") and i < n and sql[i] == "'":
                    i = self._close(_BS_SQ, i + 1)
                    continue
                self._word(word, i)
        self._finish(n)
        return self.statements


def split(sql: str, dialect: Dialect) -> list[Statement]:
    """The statements of ``sql`` (comment-only and empty statements are dropped)."""
    return _Scanner(sql, dialect).run()


# -- classification -------------------------------------------------------------------------------


def transaction_control(stmt: Statement, dialect: Dialect) -> str | None:
    """``begin``, ``commit`` or ``rollback`` if the statement controls the transaction."""
    w = stmt.words
    if not w:
        return None
    first = w[0]
    second = w[1] if len(w) > 1 else ""
    if first == "BEGIN" and second not in ("ATOMIC", "NOT"):
        return "begin"
    if first == "START" and second == "TRANSACTION":
        return "begin"
    if first == "COMMIT" and second != "PREPARED":
        return "commit"
    if first == "END" and dialect != "mysql":
        return "commit"
    if first in ("ROLLBACK", "ABORT") and "TO" not in w[1:3] and second != "PREPARED":
        return "rollback"
    return None


def non_transactional_reason(
    stmt: Statement, dialect: Dialect, server_version_num: int = 0
) -> str | None:
    """Why ``stmt`` cannot run inside a transaction block, or None if it can."""
    w = stmt.words
    if not w:
        return None
    first = w[0]
    second = w[1] if len(w) > 1 else ""
    if dialect == "sqlite":
        if first == "VACUUM":
            return "VACUUM cannot run inside a transaction"
        if first == "PRAGMA" and second in ("FOREIGN_KEYS", "JOURNAL_MODE", "LEGACY_ALTER_TABLE"):
            return f"PRAGMA {second.lower()} has no effect inside a transaction"
        return None
    if dialect != "postgresql":
        return None
    if first == "CREATE" and "INDEX" in w[1:3] and "CONCURRENTLY" in w[2:4]:
        return "CREATE INDEX CONCURRENTLY cannot run inside a transaction block"
    if first == "DROP" and second == "INDEX" and "CONCURRENTLY" in w[2:3]:
        return "DROP INDEX CONCURRENTLY cannot run inside a transaction block"
    if first == "REINDEX" and ("CONCURRENTLY" in w or second in ("SYSTEM", "DATABASE")):
        return "REINDEX CONCURRENTLY/DATABASE/SYSTEM cannot run inside a transaction block"
    if first == "ALTER" and second == "TABLE" and "DETACH" in w and "CONCURRENTLY" in w:
        return "DETACH PARTITION CONCURRENTLY cannot run inside a transaction block"
    if first == "VACUUM":
        return "VACUUM cannot run inside a transaction block"
    if first == "CLUSTER" and len(w) == 1:
        return "CLUSTER without a table cannot run inside a transaction block"
    if first in ("CREATE", "DROP") and second in ("DATABASE", "TABLESPACE"):
        return f"{first} {second} cannot run inside a transaction block"
    if first == "ALTER" and second == "DATABASE" and "TABLESPACE" in w:
        return "ALTER DATABASE ... SET TABLESPACE cannot run inside a transaction block"
    if first == "ALTER" and second == "SYSTEM":
        return "ALTER SYSTEM cannot run inside a transaction block"
    if first in ("CREATE", "DROP") and second == "SUBSCRIPTION":
        return f"{first} SUBSCRIPTION cannot run inside a transaction block"
    if (
        first == "ALTER"
        and second == "TYPE"
        and "ADD" in w
        and "VALUE" in w
        and server_version_num
        and server_version_num < 120000
    ):
        return "ALTER TYPE ... ADD VALUE cannot run inside a transaction block before PostgreSQL 12"
    return None
