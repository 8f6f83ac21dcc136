"""What scan, check and audit read: tables with typed columns and their rows, streamed.

A :class:`Source` yields one :class:`SourceTable` per data section, in dump order; its
``rows`` iterator is lazy (the consumer may stop after a sample; the source skips the
rest when the next table is asked for) and ``row_count`` is final once the next table
(or the end) has been reached.  ``catalog`` is complete (post-data constraints
included) once :meth:`Source.tables` is exhausted.  Values are text (``None`` for NULL),
decoded as UTF-8 with ``surrogateescape`` so no byte is lost.
"""

from __future__ import annotations

import contextlib
import io
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

from dataops.anonymize.coltypes import ColType
from dataops.anonymize.engine_api import TableData
from dataops.anonymize.formats import compression, copytext
from dataops.errors import ConfigError

Row = list[str | None]


@dataclass(frozen=True)
class SourceColumn:
    name: str
    type: ColType
    not_null: bool = False


@dataclass
class SourceTable:
    data: TableData
    columns: list[SourceColumn]
    rows: Iterator[Row]
    row_count: int = 0  # final after the source moved past this table
    extra: dict[str, object] = field(default_factory=dict)

    @property
    def qualified(self) -> str:
        return self.data.qualified


class Source(Protocol):
    name: str  # shown in reports (a path, or a masked URL)
    dialect: str  # postgresql | mysql
    format: str  # plain | custom | directory | live | mysqldump

    def tables(self) -> Iterator[SourceTable]: ...

    @property
    def catalog(self) -> object: ...


@contextlib.contextmanager
def read_errors() -> Iterator[None]:
    """An OS error while reading a source is one line naming the file (exit 2), never a
    traceback."""
    try:
        yield
    except OSError as exc:
        where = f" {exc.filename}" if exc.filename else ""
        raise ConfigError(f"cannot read{where}: {exc.strerror or exc}") from None


def decode(value: bytes | None) -> str | None:
    return None if value is None else value.decode("utf-8", "surrogateescape")


class CopyRows:
    """COPY text chunks (any slicing) -> rows; counts every row, parses only as asked.

    Iterate it for parsed rows; :meth:`drain` consumes the rest counting lines only.
    """

    def __init__(self, chunks: Iterator[bytes]) -> None:
        self.chunks = chunks
        self.count = 0
        self._done = False

    def __iter__(self) -> Iterator[Row]:
        rest = b""
        for chunk in self.chunks:
            if self._done:
                continue
            data = rest + chunk if rest else chunk
            cut = data.rfind(b"\n")
            if cut < 0:
                rest = data
                continue
            rest = data[cut + 1 :]
            lines = data[:cut].split(b"\n")
            try:
                lines = lines[: lines.index(b"\\.")]
                self._done = True
            except ValueError:
                pass
            self.count += len(lines)  # counted whole, so a consumer may stop anywhere
            for line in lines:
                yield [decode(v) for v in copytext.parse_row(line)]
        if rest and rest != b"\\." and not self._done:
            self.count += 1
            yield [decode(v) for v in copytext.parse_row(rest)]

    def drain(self) -> None:
        """Consume what is left, counting rows (an archive's ``\\.`` marker excluded)."""
        if self._done:
            for _ in self.chunks:
                pass
            return
        tail = b""
        for chunk in self.chunks:
            self.count += chunk.count(b"\n")
            tail = (tail + chunk)[-8:]
        # archives end their data with "\\.\n\n\n": not rows
        if tail.endswith(b"\\.\n\n\n"):
            self.count -= 3
        elif tail.endswith(b"\\.\n"):
            self.count -= 1


@contextlib.contextmanager
def open_dump(path: Path) -> Iterator[io.BufferedReader]:
    """A dump file read through its compression (none, gzip, zstd…); unreadable: ConfigError."""
    try:
        raw = path.open("rb", buffering=0)
    except OSError as exc:
        raise ConfigError(f"cannot read {path}: {exc.strerror}") from None
    with raw:
        yield compression.reader(raw, str(path))
