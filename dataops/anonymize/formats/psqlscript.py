"""How psql reads a plain SQL dump, line by line, outside its COPY data blocks.

:class:`Lexer` classifies each line: a psql meta-command, SQL (with the statements it
completes) or the end of a ``COPY ... FROM stdin`` statement -- in any case, spacing,
quoting or number of lines -- after which a data block starts.  Whatever could start a
data block or run hidden SQL without being positively identified is a ConfigError
naming the line.  The plain engine (:mod:`dataops.anonymize.engines.plain`) drives it.
"""

from __future__ import annotations

import re
from typing import Any

from dataops.anonymize.engine_api import TableData
from dataops.anonymize.formats.sqlscan import (
    CopyFormError,
    CopyStatement,
    MetaCommandInStatement,
    StatementSplitter,
    conforming_strings,
    copy_from_stdin,
    starts_with_word,
    tokenize,
)
from dataops.errors import ConfigError


def decode_line(line: bytes) -> str:
    return line.decode("utf-8", "surrogateescape")


#: psql meta-commands that may stand on their own line in a dump: pg_dump writes
#: ``\\connect``, ``\\restrict`` and ``\\unrestrict``; the others only print.  Any other
#: meta-command (``\\g`` re-runs the last query, ``\\set`` + ``:var`` can run a COPY,
#: ``\\i`` includes a file...) is refused: the reader could not tell what it does.
SAFE_META = frozenset(
    {"connect", "c", "restrict", "unrestrict", "encoding", "echo", "qecho", "warn"}
)
_META_NAME = re.compile(rb"\\([A-Za-z]+|.?)")
_OTHER_MAGIC = {
    b"BZh": "bzip2",
    b"\xfd7zXZ\x00": "xz",
    b"\x04\x22\x4d\x18": "lz4",
    b"PK\x03\x04": "zip",
    b"\x28\xb5\x2f\xfd": "zstd",
    b"\x1f\x8b": "gzip",
}


def _bad(message: str) -> ConfigError:
    return ConfigError(message)


class Lexer:
    """Follows the SQL a plain dump passes through, line by line, as psql would read it.

    :meth:`line` classifies each line outside data blocks: psql meta-command, SQL (with
    the statements it completes) or the end of a ``COPY ... FROM stdin`` statement --
    in any case, spacing, quoting or number of lines -- after which a data block
    starts.  Anything that could start a data block or run hidden SQL and is not
    positively identified is an error naming the line.
    """

    def __init__(self) -> None:
        self.splitter = StatementSplitter(psql=True)
        self.statement_line = 0  # where the pending statement started
        self.search_path: str | None = "public"  # first schema of search_path
        self.statements = 0

    @property
    def at_boundary(self) -> bool:
        return self.splitter.at_statement_start

    def line(self, line: bytes, lineno: int) -> tuple[str, Any]:
        """``("meta", None)``, ``("sql", statements)`` or ``("copy", TableData)``."""
        splitter = self.splitter
        if lineno == 1 and what_magic(line):
            raise _bad(
                f"line 1: {what_magic(line)}-compressed data; the input is not a PostgreSQL "
                "dump (only gzip and zstd inputs are decompressed, by their magic bytes)"
            )
        if b"\x00" in line:
            raise _bad(
                f"line {lineno}: binary data; the input is not a PostgreSQL dump (plain SQL, "
                "custom or directory archive)"
                + (f"; it looks like {what_magic(line)} data" if what_magic(line) else "")
            )
        if splitter.at_statement_start:
            self.statement_line = lineno
            stripped = line.lstrip(b" \t")
            if stripped.startswith(b"\\"):
                return self._meta(stripped, lineno)
        text = decode_line(line)
        try:
            statements = list(splitter.feed(text))
        except MetaCommandInStatement as exc:
            splitter.reset()
            raise _bad(
                f"line {lineno}: a backslash outside quotes (psql meta-command "
                f"{text[exc.args[0] : exc.args[0] + 3].strip()!r} inside SQL) is not supported: "
                "it could run a statement or start a data block"
            ) from None
        table: TableData | None = None
        for i, stmt in enumerate(statements):
            self.statements += 1
            start = self.statement_line if i == 0 else lineno
            if starts_with_word(stmt, "set") or "set_config" in stmt:
                self._settings(stmt)
            if not starts_with_word(stmt, "copy"):
                continue
            try:
                parsed = copy_from_stdin(stmt)
            except CopyFormError as exc:
                raise _bad(f"line {start}: {exc}") from None
            if parsed is None:
                continue
            if i != len(statements) - 1 or not splitter.at_statement_start:
                raise _bad(
                    f"line {lineno}: text after COPY ... FROM stdin; on the same line is not "
                    "supported (the data block starts on the next line)"
                )
            table = self._table(parsed, start)
        if splitter.at_statement_start:
            self.statement_line = lineno + 1
        if table is not None:
            return "copy", table
        return "sql", statements

    def _meta(self, stripped: bytes, lineno: int) -> tuple[str, Any]:
        m = _META_NAME.match(stripped)
        name = m.group(1).decode("ascii", "replace") if m else ""
        if name == ".":
            raise _bad(
                f"line {lineno}: an end-of-data line (\\.) outside a data block: a COPY header "
                "before it was not recognised; the dump is damaged or not from pg_dump"
            )
        if name == "copy":
            return self._psql_copy(stripped, lineno)
        if name not in SAFE_META:
            allowed = ", ".join("\\" + n for n in sorted(SAFE_META))
            raise _bad(
                f"line {lineno}: psql meta-command \\{name} is not supported in a dump "
                f"(allowed: {allowed})"
            )
        if b"\\" in stripped[1:]:
            raise _bad(
                f"line {lineno}: a second backslash on a meta-command line (\\\\ starts SQL "
                "after it) is not supported"
            )
        return "meta", None

    def _psql_copy(self, stripped: bytes, lineno: int) -> tuple[str, Any]:
        args = decode_line(stripped[len(b"\\copy") :])
        try:
            parsed = copy_from_stdin("COPY " + args, sources=("stdin", "pstdin"))
        except CopyFormError as exc:
            raise _bad(f"line {lineno}: \\copy: {exc}") from None
        if parsed is None:
            if re.search(r"(?i)\bfrom\b", args) and not re.search(r"(?i)\bto\b", args):
                raise _bad(f"line {lineno}: \\copy ... FROM a file is not supported in a dump")
            return "meta", None
        self.statement_line = lineno + 1
        return "copy", self._table(parsed, lineno)

    def _table(self, parsed: CopyStatement, start: int) -> TableData:
        schema = parsed.schema
        if schema is None:
            if not self.search_path:
                raise _bad(
                    f"line {start}: COPY of an unqualified table ({parsed.table}) with an empty "
                    "or unknown search_path: its schema is unknown"
                )
            schema = self.search_path
        return TableData(schema, parsed.table, parsed.columns, f"line {start}")

    def _settings(self, stmt: str) -> None:
        conforming = conforming_strings(stmt)
        if conforming is not None:
            self.splitter.backslash_quotes = not conforming
        path = search_path_of(stmt)
        if path is not False:
            self.search_path = path  # type: ignore[assignment]


def search_path_of(stmt: str) -> str | bool | None:
    """First schema of a ``SET search_path`` / ``set_config('search_path', ...)``,
    None when empty or not understood, False when ``stmt`` does not set it."""
    toks = [t for t in tokenize(stmt) if not t.is_op(";")]
    words = [t.text for t in toks]
    low = [w.lower() for w in words]
    if len(low) >= 3 and low[0] == "set":
        i = 2 if low[1] in ("session", "local") else 1
        if i < len(low) and low[i] == "search_path":
            values = [
                w for w, t in zip(words[i + 2 :], toks[i + 2 :], strict=True) if t.kind != "op"
            ]
            first = values[0] if values else None
            return None if first in (None, "", "default") else first
        return False
    if "set_config" in low and "search_path" in low:
        i = low.index("search_path")
        value = words[i + 2] if i + 2 < len(words) and toks[i + 2].kind == "str" else None
        if value is None:
            return None
        first = value.split(",")[0].strip()
        if first.startswith('"') and first.endswith('"'):
            return first[1:-1]
        return first.lower() or None
    return False


def what_magic(data: bytes) -> str | None:
    for magic, name in _OTHER_MAGIC.items():
        if data.startswith(magic):
            return name
    return None
