"""MySQL/MariaDB partitioning, from ``information_schema.PARTITIONS``.

A partitioned table is one table to the loader (the server routes every row), but a
row whose key no partition takes is an error: the key column gets the bounds the
partitions cover.  ``RANGE COLUMNS (col)`` and ``RANGE (col)``: below the last
``LESS THAN`` (and, so that keys spread over the partitions, from one partition's
width below the first); ``RANGE (YEAR(col))`` and ``RANGE (TO_DAYS(col))`` the same in
dates; ``LIST [COLUMNS] (col)``: the listed values.  ``MAXVALUE``, ``HASH``/``KEY`` and
other expressions: no bound.
"""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal, InvalidOperation
from typing import Any

from sqlalchemy import text
from sqlalchemy.engine import Connection

from dataops.demo.checks import Rules
from dataops.demo.schema import Table

_QUERY = """
SELECT TABLE_NAME, PARTITION_METHOD, PARTITION_EXPRESSION, PARTITION_DESCRIPTION
FROM information_schema.PARTITIONS
WHERE TABLE_SCHEMA = DATABASE() AND PARTITION_NAME IS NOT NULL AND SUBPARTITION_NAME IS NULL
ORDER BY TABLE_NAME, PARTITION_ORDINAL_POSITION
"""


def _items(description: str) -> list[str]:
    return [m.group(1) if m.group(1) is not None else m.group(2) for m in re.finditer(
        r"'((?:[^']|'')*)'|([^,\s]+)", description
    )]  # fmt: skip


def _key(expression: str) -> tuple[str | None, str]:
    """(column, function) of a partition expression: `col`, year(`col`), to_days(`col`)."""
    expr = expression.strip().replace("`", "")
    m = re.fullmatch(r"(\w+)", expr)
    if m:
        return m.group(1), ""
    m = re.fullmatch(r"(year|to_days)\((\w+)\)", expr, re.I)
    if m:
        return m.group(2), m.group(1).lower()
    return None, ""


def _value(raw: str, func: str, kind: str) -> Any:
    if func == "year":
        return dt.date(int(raw), 1, 1)
    if func == "to_days":
        return dt.date(1, 1, 1) + dt.timedelta(days=int(raw) - 366)
    if kind in ("date", "datetime"):
        return dt.date.fromisoformat(raw[:10]) if len(raw) <= 10 else dt.datetime.fromisoformat(raw)
    if kind == "int":
        return int(raw)
    if kind in ("decimal", "float"):
        return Decimal(raw)
    return raw


def apply(conn: Connection, tables: dict[str, Table]) -> None:
    """Merge partition bounds into the rules of each partitioned table's key column."""
    found: dict[str, list[tuple[str, str, str]]] = {}
    for name, method, expression, description in conn.execute(text(_QUERY)):
        if name in tables and method:
            found.setdefault(str(name), []).append(
                (str(method).upper(), str(expression or ""), str(description or ""))
            )
    for name, parts in found.items():
        method, expression = parts[0][0], parts[0][1]
        column, func = _key(expression)
        table = tables[name]
        if column is None or column not in table.columns or "," in expression:
            continue
        target = table.columns[column]
        try:
            rules = _rules(method, func, [p[2] for p in parts], target.kind)
        except (ValueError, InvalidOperation, OverflowError):
            continue
        if rules is not None:
            rules.sources.append(f"partitions of {name}: {method} ({expression})")
            target.rules.merge(rules)


def _rules(method: str, func: str, descriptions: list[str], kind: str) -> Rules | None:
    if method.startswith("LIST"):
        if func:
            return None
        values = [v for d in descriptions for v in _items(d) if v.upper() != "NULL"]
        return Rules(allowed=[_value(v, "", kind) for v in values])
    if not method.startswith("RANGE"):
        return None  # HASH, KEY, LINEAR ...: every value has a partition
    bounds = [_items(d)[0] for d in descriptions]
    if any(b.upper() == "MAXVALUE" for b in bounds):
        return None
    limits: list[Any] = [_value(b, func, kind) for b in bounds]
    rules = Rules(hi=limits[-1], hi_incl=False)
    if len(limits) >= 2 and not isinstance(limits[0], str):
        rules.lo = limits[0] - (limits[1] - limits[0])
        rules.lo_incl = True
    return rules
