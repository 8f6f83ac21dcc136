"""How many rows ``demo infer`` gives each table, and what ``--from-stats`` reads.

Proportions that look like an application: *lookup* tables (no foreign key out, few
column or a lookup-like name such as ``country`` or ``status``) get a tenth of
``--rows``; tables with a NOT NULL reference to an earlier, non-lookup table get
``rows: {per: parent, min, max}`` (the reference in the primary key first, ``via:``
when several columns reference the parent); the rest get ``--rows``.

``--from-stats`` (PostgreSQL, MySQL/MariaDB for row counts) shapes the spec from the
catalog without reading a row: ``pg_class.reltuples`` for row counts and fan-out,
``pg_stats.null_frac`` for null rates, ``n_distinct`` for the size of a choice of
made-up labels, and the first and last histogram bound of numeric and date columns
for ranges.  Values of text columns (``most_common_vals``, histograms) are never
read: the query asks for histogram bounds of numeric and date/time columns only.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import ROUND_CEILING, ROUND_FLOOR, Decimal, InvalidOperation
from typing import Any

from sqlalchemy import text
from sqlalchemy.engine import Connection

from dataops.demo.reflect import ForeignKey, Schema, Table

_LOOKUP = re.compile(
    r"(^|_)(type|types|status|statuses|kind|kinds|categor(y|ies)|language|languages|countr(y|ies)"
    r"|currenc(y|ies)|region|regions|state|states|role|roles|tag|tags|level|levels|genre|genres"
    r"|unit|units|lookup|code|codes)$"
)

_PG_TABLES = """
SELECT c.relname, c.reltuples, c.relkind, c.relispartition,
       (SELECT p.relname FROM pg_inherits i JOIN pg_class p ON p.oid = i.inhparent
         WHERE i.inhrelid = c.oid LIMIT 1)
FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
WHERE n.nspname = current_schema() AND c.relkind IN ('r', 'p')
"""
# histogram bounds of numeric and date/time columns only: text values never leave the server
_PG_COLUMNS = """
SELECT s.tablename, s.attname, s.null_frac, s.n_distinct, s.inherited,
       CASE WHEN t.typcategory IN ('N', 'D') THEN s.histogram_bounds::text END
FROM pg_stats s
JOIN pg_namespace n ON n.nspname = s.schemaname
JOIN pg_class c ON c.relnamespace = n.oid AND c.relname = s.tablename
JOIN pg_attribute a ON a.attrelid = c.oid AND a.attname = s.attname
JOIN pg_type t ON t.oid = a.atttypid
WHERE s.schemaname = current_schema()
ORDER BY s.inherited
"""


@dataclass
class ColumnStats:
    null_frac: float = 0.0
    n_distinct: float = 0.0  # > 0: distinct values; < 0: minus the fraction of rows
    low: str | None = None  # first / last histogram bound (numeric and date columns)
    high: str | None = None


@dataclass
class Stats:
    rows: dict[str, float] = field(default_factory=dict)
    columns: dict[tuple[str, str], ColumnStats] = field(default_factory=dict)


def _bounds(histogram: str | None) -> tuple[str | None, str | None]:
    if not histogram or not histogram.startswith("{") or not histogram.endswith("}"):
        return None, None
    items = [i.strip().strip('"') for i in histogram[1:-1].split(",")]
    if len(items) < 2:
        return None, None
    return items[0], items[-1]


def read_stats(conn: Connection) -> Stats:
    """Catalog statistics of the connection's default schema (no row is read)."""
    stats = Stats()
    if conn.dialect.name == "postgresql":
        parents: dict[str, str] = {}
        for name, tuples, _kind, is_partition, parent in conn.execute(text(_PG_TABLES)):
            if is_partition and parent:
                parents[str(name)] = str(parent)
            if tuples is not None and float(tuples) > 0:  # -1 or 0: never analyzed / empty
                stats.rows[str(name)] = float(tuples)
        for child, parent in parents.items():  # partitions: their rows are the parent's
            if child in stats.rows:
                stats.rows[parent] = stats.rows.get(parent, 0.0) + stats.rows.pop(child)
        for table, column, null_frac, n_distinct, _inh, hist in conn.execute(text(_PG_COLUMNS)):
            low, high = _bounds(hist)
            stats.columns[(str(table), str(column))] = ColumnStats(
                float(null_frac or 0), float(n_distinct or 0), low, high
            )
    elif conn.dialect.name in ("mysql", "mariadb"):
        result = conn.execute(
            text(
                "SELECT TABLE_NAME, TABLE_ROWS FROM information_schema.TABLES "
                "WHERE TABLE_SCHEMA = DATABASE() AND TABLE_TYPE = 'BASE TABLE'"
            )
        )
        for name, count in result:
            if count:
                stats.rows[str(name)] = float(count)
    return stats


def is_lookup(table: Table, schema: Schema) -> bool:
    """A small reference table: nothing referenced from it, something references it."""
    if table.foreign_keys:
        return False
    referenced = any(
        fk.ref_table == table.name and t.name != table.name
        for t in schema.tables.values()
        for fk in t.foreign_keys
    )
    if not referenced:
        return False
    plain = [c for c in table.columns if c not in table.primary_key]
    return bool(_LOOKUP.search(table.name.lower())) or len(plain) <= 1


def _parent_fk(
    table: Table, schema: Schema, before: set[str], skipped: set[ForeignKey]
) -> ForeignKey | None:
    """The NOT NULL reference that groups a child's rows (None: not a child)."""
    options = []
    for fk in table.foreign_keys:
        if fk in skipped or fk.ref_table == table.name or fk.ref_table not in before:
            continue
        if any(table.columns[c].nullable for c in fk.columns if c in table.columns):
            continue
        if any(u == fk.columns or set(u) <= set(fk.columns) for u in table.unique_sets()):
            continue  # one row per parent at most: not a fan-out
        parent = schema.tables.get(fk.ref_table)
        if parent is None or is_lookup(parent, schema):
            continue
        in_pk = bool(table.primary_key) and table.primary_key[0] in fk.columns
        position = min(list(table.columns).index(c) for c in fk.columns)
        options.append((not in_pk, position, fk))
    return min(options, key=lambda o: (o[0], o[1]))[2] if options else None


def row_counts(
    schema: Schema,
    order: list[str],
    rows: int,
    skipped: set[ForeignKey],
    stats: Stats | None = None,
) -> dict[str, Any]:
    """``rows:`` of every table: a count, or ``{per: parent, min, max[, via]}``."""
    out: dict[str, Any] = {}
    before: set[str] = set()
    counted: dict[str, float] = {}
    for name in order:
        table = schema.tables[name]
        known = stats.rows.get(name) if stats is not None else None
        fk = _parent_fk(table, schema, before, skipped) if rows > 0 else None
        if fk is not None:
            parent_rows = counted.get(fk.ref_table, float(rows))
            if known is not None and parent_rows > 0:
                avg = known / parent_rows
                lo, hi = 0, max(1, round(2 * avg))  # mean avg
            elif is_item_table(table, fk):
                lo, hi = 1, 4
            else:
                lo, hi = 0, 4
            per: dict[str, Any] = {"per": fk.ref_table, "min": lo, "max": hi}
            refs = [f for f in table.foreign_keys if f.ref_table == fk.ref_table]
            if len(refs) > 1:
                per["via"] = fk.columns[0]
            out[name] = per
            counted[name] = parent_rows * (lo + hi) / 2
        elif known is not None:
            out[name] = max(1, round(known)) if known >= 1 else rows
            counted[name] = float(out[name])
        elif is_lookup(table, schema):
            out[name] = max(5, rows // 10)
            counted[name] = float(out[name])
        else:
            out[name] = rows
            counted[name] = float(rows)
        before.add(name)
    return out


def is_item_table(table: Table, fk: ForeignKey) -> bool:
    """Lines of a document (order_items, film_actor): the parent key leads the primary key."""
    return bool(table.primary_key) and table.primary_key[0] in fk.columns


def apply_column_stats(
    table: Table, column: Any, entry: dict[str, Any], stats: Stats
) -> dict[str, Any]:
    """A copy of ``entry`` shaped by the column's statistics (no real text value is used)."""
    found = stats.columns.get((table.name, column.name))
    if found is None:
        return entry
    out = dict(entry)
    if "ref" in out or "unique" in out:
        if column.nullable and found.null_frac > 0:
            out["null_rate"] = round(min(found.null_frac, 0.99), 2)
        return out
    if column.nullable:
        rate = round(min(found.null_frac, 0.99), 2)
        if rate > 0:
            out["null_rate"] = rate
        else:
            out.pop("null_rate", None)
    if found.low is not None and found.high is not None:
        if "range" in out:
            try:
                q = Decimal(1).scaleb(-int(out.get("decimals", 0)))
                low = Decimal(found.low).quantize(q, rounding=ROUND_CEILING)
                high = Decimal(found.high).quantize(q, rounding=ROUND_FLOOR)
            except (InvalidOperation, ValueError):
                return out
            if low <= high:
                out["range"] = [_plain(low), _plain(high)]
        elif "date_between" in out:
            out["date_between"] = [found.low[:10], found.high[:10]]
    elif (
        column.kind == "text"
        and _generic(out)
        and 2 <= found.n_distinct <= 20
        and not any(u == (column.name,) for u in table.unique_sets())
    ):
        count = int(found.n_distinct)
        out = {k: v for k, v in out.items() if k == "null_rate"}
        out["choice"] = [f"{column.name}-{i + 1}" for i in range(count)]
    return out


def _plain(value: Decimal) -> int | float:
    return int(value) if value == value.to_integral_value() else float(value)


def _generic(entry: dict[str, Any]) -> bool:
    """A text entry that says nothing about the column (no name hint matched)."""
    return entry.get("fake") in ("word", "lexify")
