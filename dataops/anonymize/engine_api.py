"""The contract between the rules/plan layer and the dump-format engines.

An engine (plain SQL stream, custom archive, directory archive, ...) knows the
dump's layout; the plan knows what to do with each table.  The engine:

1. collects the dump's DDL into a :class:`dataops.anonymize.formats.ddl.Catalog`
   (``catalog.add_sql(statement)`` for every CREATE/ALTER statement it meets,
   e.g. the ``defn`` of custom-archive TOC entries) and the list of
   :class:`TableData` sections (schema, table, COPY column list);
2. calls ``plan.check(catalog, tables)`` **before writing any output**; it raises
   ConfigError listing every problem at once (fail closed);
3. for each data section asks ``plan.action(table)``: KEEP -> copy bytes
   through untouched, TRUNCATE -> emit an empty data section, TRANSFORM ->
   stream the COPY text data through ``plan.transformer(table)``.

COPY text data handed to a transformer is the bytes between the COPY header and
the ``\\.`` terminator (plain) or the decompressed data block of an archive, whose
own ``\\.`` end-of-data line the archive engines hold back and append unchanged.  Transformers work on bytes: rows are split on ``\\n``,
fields on ``\\t``, values unescaped before and re-escaped after transforming.
"""

from __future__ import annotations

import enum
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, BinaryIO, Protocol

from dataops.errors import ConfigError


@dataclass(frozen=True)
class TableData:
    """One table's data section as the dump names it."""

    schema: str
    table: str
    columns: tuple[str, ...]  # COPY column list, identifiers unquoted
    location: str = ""  # where in the dump, for error messages ("line 1234", "TOC entry 3456")

    @property
    def qualified(self) -> str:
        return f"{self.schema}.{self.table}"


class TableAction(enum.Enum):
    KEEP = "keep"
    TRUNCATE = "truncate"
    TRANSFORM = "transform"


@dataclass
class TableStats:
    """Per-table summary for the report."""

    table: str
    action: str
    rows: int = 0
    columns_transformed: list[str] = field(default_factory=list)
    seconds: float = 0.0
    bytes_in: int = 0
    bytes_out: int = 0


class CopyTransformer(Protocol):
    """Streams one table's COPY text data; stateful, one instance per data section."""

    rows: int

    def feed(self, chunk: bytes) -> bytes:
        """Take any slice of the data; return the transformed complete rows so far."""
        ...

    def finish(self) -> bytes:
        """End of data: return what is left; raise OperationError on a partial row."""
        ...


class CatalogLike(Protocol):
    """The dump's DDL as engines collect it (:class:`dataops.anonymize.formats.ddl.Catalog`)."""

    def add_sql(self, sql: str, location: str = "") -> None: ...

    def data_tables(self) -> list[TableData]: ...


class DumpPlan(Protocol):
    def check(self, catalog: Any, tables: Sequence[TableData]) -> None:
        """``catalog`` is the :class:`~dataops.anonymize.formats.ddl.Catalog` the engine filled."""
        """Raise ConfigError listing every uncovered/unknown table or column and constraint problem."""
        ...

    def action(self, table: TableData) -> TableAction: ...

    def transformer(self, table: TableData) -> CopyTransformer: ...

    def transformed_columns(self, table: TableData) -> list[str]: ...


def check_unambiguous(tables: Iterable[TableData]) -> None:
    """Refuse two different tables whose ``schema.table`` names read the same (a dot
    inside a quoted name: ``"a.b".c`` and ``a."b.c"``): a rule for one would apply to
    both."""
    seen: dict[str, tuple[str, str]] = {}
    for t in tables:
        key = (t.schema, t.table)
        other = seen.setdefault(t.qualified, key)
        if other != key:
            raise ConfigError(
                f"two tables are both named {t.qualified!r} once quoted names are joined "
                f"({_quoted(*other)} and {_quoted(*key)}, {t.location}); rename one: rules "
                "could not tell them apart"
            )


def _quoted(schema: str, table: str) -> str:
    return ".".join('"' + part.replace('"', '""') + '"' for part in (schema, table))


@dataclass
class EngineJob:
    """What an engine gets: the plan, where to read and write, and the knobs.

    An engine is a function ``engine(job: EngineJob) -> list[TableStats]`` registered in
    :data:`dataops.anonymize.run.ENGINES`.
    """

    plan: Any  # a DumpPlan (the anonymize Plan)
    input_path: Path | None  # None when reading a stream
    stream: BinaryIO | None  # the (decompressed) input stream; None for directories
    output: BinaryIO | None  # the (compressing) output stream; None for directories
    output_path: Path | None  # a directory archive's target (it writes atomically itself)
    jobs: int | None
    progress: Callable[..., None] | None
    preview_rows: int | None = None
    # the dump's DDL when it is known before the data (``--source`` reads the schema
    # first); otherwise the engine collects it (plain: a pre-scan of a regular file)
    catalog: CatalogLike | None = None
    # --preview (``preview_rows`` set): every engine hands (table, rows in, rows out) as
    # COPY text for the first rows of each transformed table to this hook, writes no rows
    row_hook: Callable[[TableData, bytes, bytes], None] | None = None
    role_passwords: str = "drop"  # plain: ALTER ROLE ... PASSWORD lines (drop | keep)
    drop_unreferenced: bool = False  # archives: drop data the TOC does not explain
    # directory: runs with the stats before the rename (returns what to commit with it)
    before_commit: Callable[[list[TableStats]], Any] | None = None


EngineFn = Callable[[EngineJob], list[TableStats]]
