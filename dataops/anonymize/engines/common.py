"""What the custom and directory engines share: TOC -> catalog + table list, stats."""

from __future__ import annotations

import inspect
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from dataops.anonymize.engine_api import (
    CatalogLike,
    DumpPlan,
    TableAction,
    TableData,
    TableStats,
    check_unambiguous,
)
from dataops.anonymize.formats.pgarchive import Archive, ArchiveError, TocEntry, parse_copy_stmt
from dataops.errors import OperationError

if TYPE_CHECKING:
    from dataops.anonymize.formats.ddl import Catalog

log = logging.getLogger(__name__)

#: What pg_dump stores after the rows of a table: the end-of-data line and blank lines.
END_MARKER = b"\\.\n\n\n"

#: Progress callback: (current table or "", input bytes consumed so far).
Progress = Callable[[str, int], None]
#: Preview callback: (table, rows in, rows out) as COPY text.
RowHook = Callable[[TableData, bytes, bytes], None]


class Ticker:
    """Calls a progress callback at most every ``interval`` seconds."""

    def __init__(self, progress: Progress | None, interval: float = 0.2) -> None:
        self.progress = progress
        self.interval = interval
        self.last = 0.0

    def __call__(self, table: str, consumed: int, force: bool = False) -> None:
        if self.progress is None:
            return
        now = time.monotonic()
        if force or now - self.last >= self.interval:
            self.last = now
            self.progress(table, consumed)


def preview(
    plan: DumpPlan, table: TableData, data: bytes, rows: int, row_hook: RowHook | None
) -> int:
    """Transform the first ``rows`` rows of ``data`` and hand both sides to ``row_hook``."""
    end = 0
    for _ in range(rows):
        nl = data.find(b"\n", end)
        if nl < 0:
            break
        end = nl + 1
    head = data[:end]
    if head.startswith(b"\\.\n"):
        head = b""
    elif (cut := head.find(b"\n\\.\n")) >= 0:
        head = head[: cut + 1]
    transformer = plan.transformer(table)
    out = transformer.feed(head) + transformer.finish()
    if row_hook is not None:
        row_hook(table, head, out)
    return transformer.rows


def new_catalog() -> Catalog:
    from dataops.anonymize.formats.ddl import Catalog

    return Catalog()


def is_table_data(entry: TocEntry) -> bool:
    return entry.desc == b"TABLE DATA" and entry.has_data


def table_of(entry: TocEntry) -> TableData:
    """The table a TABLE DATA entry fills, from its COPY statement."""
    if not entry.copy_stmt:
        raise ArchiveError(
            f"{entry.label} holds INSERT statements (pg_dump --inserts / --column-inserts); "
            "only COPY data (pg_dump's default) can be anonymized"
        )
    schema, table, columns = parse_copy_stmt(TocEntry.text(entry.copy_stmt))
    if schema is None:
        schema = TocEntry.text(entry.namespace) or "public"
    return TableData(schema, table, columns, location=f"TOC entry {entry.dump_id}")


def load_catalog(archive: Archive, catalog: CatalogLike) -> None:
    for entry in archive.entries:
        if entry.defn:
            catalog.add_sql(TocEntry.text(entry.defn), f"TOC entry {entry.dump_id}")


@dataclass
class Planned:
    """The plan's decisions for every table data entry of an archive, made before any output."""

    tables: dict[int, TableData]
    actions: dict[int, TableAction]
    stats: dict[int, TableStats] = field(default_factory=dict)
    lo_policy: str = "keep"

    @property
    def any_transform(self) -> bool:
        return TableAction.TRANSFORM in self.actions.values()


LARGE_OBJECT_DESCS = (b"BLOBS", b"BLOB", b"BLOB METADATA")


def has_large_objects(archive: Archive) -> bool:
    return any(e.desc in LARGE_OBJECT_DESCS for e in archive.entries)


def large_object_policy(plan: DumpPlan) -> str:
    """``keep`` (default) or ``empty``: what to do with large object contents."""
    return str(getattr(plan, "large_objects", "keep"))


def plan_archive(archive: Archive, plan: DumpPlan, catalog: CatalogLike | None = None) -> Planned:
    """Collect DDL and tables, let the plan check them (fail closed), decide per table."""
    cat = catalog if catalog is not None else new_catalog()
    load_catalog(archive, cat)
    tables = {e.dump_id: table_of(e) for e in archive.entries if is_table_data(e)}
    check_unambiguous(tables.values())
    if "has_large_objects" in inspect.signature(plan.check).parameters:
        plan.check(cat, list(tables.values()), has_large_objects=has_large_objects(archive))  # type: ignore[call-arg]
    else:
        plan.check(cat, list(tables.values()))
    actions = {dump_id: plan.action(t) for dump_id, t in tables.items()}
    planned = Planned(tables, actions, lo_policy=large_object_policy(plan))
    for dump_id, table in tables.items():
        action = actions[dump_id]
        cols = plan.transformed_columns(table) if action is TableAction.TRANSFORM else []
        planned.stats[dump_id] = TableStats(table.qualified, action.value, columns_transformed=cols)
        if action is TableAction.TRANSFORM:
            plan.transformer(table)  # build value pools etc. once, before worker processes fork
    return planned


def check_rows(table: TableData, stats: TableStats, expected: int) -> None:
    """A transformed table's data lines must all have come back transformed: anything
    else (a transformer that skipped rows) must not pass as a success."""
    if stats.rows != expected:
        raise OperationError(
            f"{table.qualified} ({table.location}): {expected} data lines but {stats.rows} "
            "rows transformed; refusing to write an output that may hold original values"
        )


class Timer:
    def __init__(self, stats: TableStats) -> None:
        self.stats = stats
        self.start = time.monotonic()

    def stop(self) -> None:
        self.stats.seconds += time.monotonic() - self.start
