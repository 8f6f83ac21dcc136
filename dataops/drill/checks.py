"""``checks.yaml``: the user's SQL checks of a restored database, and the freshness query.

Shape (``configs/checks.example.yaml``)::

    version: 1
    database: app              # default database of every query (default: postgres)
    timeout: 30                # default seconds per check
    freshness:                 # optional: newest committed data, for the achieved RPO
      query: SELECT max(created_at) FROM orders
    checks:
      - name: orders exist
        query: SELECT count(*) FROM orders
        expect: {min: 1}
      - name: no orphan order lines
        query: SELECT count(*) FROM order_lines l LEFT JOIN orders o ON o.id = l.order_id WHERE o.id IS NULL
        expect: {equals: 0}
        timeout: 10
      - name: one admin
        database: app
        query: SELECT id FROM users WHERE admin
        expect: {rows: 1}

``expect`` takes ``equals`` (the first column of the first row, compared as a number
when both sides are numbers, else as text; ``null`` matches SQL NULL), ``min`` and
``max`` (numeric bounds of that value, inclusive; may be combined) and ``rows`` (the
exact number of rows returned).  The file is read by the project's one YAML
reader (:mod:`dataops.config.yamlsource`: ``${VAR}`` / ``${VAR:-default}``, bounded
aliases); every problem is reported at once as ``file:line: path: message`` and unknown
keys are errors.
"""

from __future__ import annotations

import datetime as dt
import decimal
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from dataops.config import yamlsource
from dataops.config.yamlsource import PathT
from dataops.errors import ConfigError

_TOP_KEYS = {"version", "database", "timeout", "freshness", "checks"}
_CHECK_KEYS = {"name", "query", "expect", "database", "timeout"}
_FRESHNESS_KEYS = {"query", "database", "timeout"}
_EXPECT_KEYS = {"equals", "min", "max", "rows"}
DEFAULT_TIMEOUT = 30.0
MAX_TIMEOUT = 86400.0


@dataclass(frozen=True)
class Expect:
    equals: Any = None
    has_equals: bool = False
    min: float | None = None
    max: float | None = None
    rows: int | None = None

    def describe(self) -> str:
        parts = []
        if self.has_equals:
            parts.append(f"equals {self.equals!r}")
        if self.min is not None:
            parts.append(f"min {self.min:g}")
        if self.max is not None:
            parts.append(f"max {self.max:g}")
        if self.rows is not None:
            parts.append(f"rows {self.rows}")
        return ", ".join(parts)

    def evaluate(self, rows: list[tuple[Any, ...]]) -> str | None:
        """None when the rows meet the expectation, else why not."""
        if self.rows is not None and len(rows) != self.rows:
            return f"expected {self.rows} row(s), got {len(rows)}"
        if not (self.has_equals or self.min is not None or self.max is not None):
            return None
        if not rows or not rows[0]:
            return "the query returned no rows (expected a value)"
        value = rows[0][0]
        if self.has_equals and not _equal(value, self.equals):
            return f"expected {self.equals!r}, got {_show(value)}"
        if self.min is not None or self.max is not None:
            number = _number(value)
            if number is None:
                return f"expected a number, got {_show(value)}"
            if self.min is not None and number < self.min:
                return f"expected at least {self.min:g}, got {_show(value)}"
            if self.max is not None and number > self.max:
                return f"expected at most {self.max:g}, got {_show(value)}"
        return None


@dataclass(frozen=True)
class SqlCheck:
    name: str
    query: str
    expect: Expect
    database: str
    timeout: float
    line: int = 0


@dataclass(frozen=True)
class Freshness:
    query: str
    database: str
    timeout: float
    line: int = 0


@dataclass(frozen=True)
class ChecksFile:
    path: str
    checks: tuple[SqlCheck, ...] = ()
    freshness: Freshness | None = None
    database: str = "postgres"
    timeout: float = DEFAULT_TIMEOUT
    databases: tuple[str, ...] = field(default_factory=tuple)


EMPTY = ChecksFile(path="")


def _number(value: Any) -> float | None:
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, int | float | decimal.Decimal):
        return float(value)
    try:
        return float(str(value))
    except ValueError:
        return None


def _equal(actual: Any, expected: Any) -> bool:
    if expected is None or actual is None:
        return actual is None and expected is None
    if isinstance(expected, bool) or isinstance(actual, bool):
        return str(actual).lower() in (str(expected).lower(), "t" if expected is True else "f")
    left, right = _number(actual), _number(expected)
    if left is not None and right is not None and not isinstance(expected, str):
        return left == right
    if isinstance(actual, dt.datetime | dt.date):
        return actual.isoformat() == str(expected)
    return str(actual) == str(expected)


def _show(value: Any) -> str:
    text = repr(value) if isinstance(value, str) else str(value)
    return text if len(text) <= 200 else text[:200] + "..."


def _number_or_none(value: Any) -> float | None:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    return float(value)


class _Reader:
    """Typed reads of the located document; every problem lands in ``doc``."""

    def __init__(self, doc: yamlsource.Located) -> None:
        self.doc = doc

    def mapping(self, value: Any, path: PathT, keys: set[str]) -> dict[str, Any]:
        if not isinstance(value, dict):
            self.doc.add(path, "expected a mapping")
            return {}
        for key in value:
            if key not in keys:
                self.doc.add(
                    (*path, key), f"unknown key (expected one of: {', '.join(sorted(keys))})"
                )
        return {k: v for k, v in value.items() if k in keys}

    def text(self, fields: dict[str, Any], key: str, path: PathT) -> str | None:
        if key not in fields:
            return None
        value = fields[key]
        if value is None or not str(value).strip() or isinstance(value, dict | list):
            self.doc.add((*path, key), "must be a non-empty text")
            return None
        return str(value).strip()

    def timeout(self, fields: dict[str, Any], path: PathT, default: float) -> float:
        if "timeout" not in fields:
            return default
        number = _number_or_none(fields["timeout"])
        if number is None or not (0 < number <= MAX_TIMEOUT):
            self.doc.add((*path, "timeout"), f"must be a number of seconds in (0, {MAX_TIMEOUT:g}]")
            return default
        return number

    def expect(self, fields: dict[str, Any], path: PathT) -> Expect:
        where = (*path, "expect")
        if "expect" not in fields:
            self.doc.add(where, "missing (one or more of: equals, min, max, rows)")
            return Expect()
        values = self.mapping(fields["expect"], where, _EXPECT_KEYS)
        if isinstance(fields["expect"], dict) and not fields["expect"]:
            self.doc.add(where, "empty (one or more of: equals, min, max, rows)")
        bounds: dict[str, float | None] = {"min": None, "max": None}
        for key in ("min", "max"):
            if key in values:
                bounds[key] = _number_or_none(values[key])
                if bounds[key] is None:
                    self.doc.add((*where, key), "must be a number")
        low, high = bounds["min"], bounds["max"]
        if low is not None and high is not None and low > high:
            self.doc.add(where, f"min {low:g} is greater than max {high:g}")
        rows: int | None = None
        if "rows" in values:
            raw = values["rows"]
            if isinstance(raw, bool) or not isinstance(raw, int) or raw < 0:
                self.doc.add((*where, "rows"), "must be a whole number >= 0")
            else:
                rows = raw
        return Expect(
            equals=values.get("equals"), has_equals="equals" in values, min=low, max=high, rows=rows
        )


def parse(text: str, source: str) -> ChecksFile:
    """Validate a checks file; ConfigError listing every problem as ``file:line: path: message``."""
    doc = yamlsource.load(text, source, what="checks file")
    read = _Reader(doc)
    top = read.mapping(doc.data, (), _TOP_KEYS)
    if isinstance(doc.data, dict) and "version" not in top:
        doc.add(("version",), "missing (version: 1)")
    elif "version" in top and top["version"] != 1:
        doc.add(("version",), "unsupported version (expected 1)")
    database = read.text(top, "database", ()) or "postgres"
    timeout = read.timeout(top, (), DEFAULT_TIMEOUT)

    freshness = None
    if "freshness" in top:
        path: PathT = ("freshness",)
        fields = read.mapping(top["freshness"], path, _FRESHNESS_KEYS)
        if isinstance(top["freshness"], dict) and "query" not in fields:
            doc.add((*path, "query"), "missing")
        freshness = Freshness(
            query=read.text(fields, "query", path) or "",
            database=read.text(fields, "database", path) or database,
            timeout=read.timeout(fields, path, timeout),
            line=doc.line(path),
        )

    checks: list[SqlCheck] = []
    seen: dict[str, int] = {}
    items = top.get("checks")
    if items is not None and not isinstance(items, list):
        doc.add(("checks",), "expected a list of checks")
    for index, item in enumerate(items if isinstance(items, list) else []):
        path = ("checks", index)
        fields = read.mapping(item, path, _CHECK_KEYS)
        if not isinstance(item, dict):
            continue
        for required in ("name", "query"):
            if required not in fields:
                doc.add((*path, required), "missing")
        name = read.text(fields, "name", path) or ""
        line = doc.line(path)
        if name and name in seen:
            doc.add((*path, "name"), f"duplicate name (also on line {seen[name]})")
        elif name:
            seen[name] = line
        checks.append(
            SqlCheck(
                name=name,
                query=read.text(fields, "query", path) or "",
                expect=read.expect(fields, path),
                database=read.text(fields, "database", path) or database,
                timeout=read.timeout(fields, path, timeout),
                line=line,
            )
        )
    doc.raise_if_any(f"invalid checks file {source}")
    databases = sorted(
        {c.database for c in checks} | ({freshness.database} if freshness else set())
    )
    return ChecksFile(
        path=source,
        checks=tuple(checks),
        freshness=freshness,
        database=database,
        timeout=timeout,
        databases=tuple(databases),
    )


def load(path: Path) -> ChecksFile:
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ConfigError(f"--checks {path}: no such file") from None
    except OSError as exc:
        raise ConfigError(f"--checks {path}: cannot read: {exc.strerror}") from None
    except UnicodeDecodeError:
        raise ConfigError(f"--checks {path}: not UTF-8 text") from None
    return parse(text, str(path))


def run_check(connect: Any, check: SqlCheck) -> str:
    """Run one check on a connection factory ``connect(dbname, timeout)``; CheckFailed if unmet."""
    import psycopg

    from dataops.drill.report import CheckFailed

    try:
        with connect(check.database, check.timeout) as conn:
            conn.execute(f"SET statement_timeout = {max(1, int(check.timeout * 1000))}")
            cursor = conn.execute(check.query)
            rows = cursor.fetchall() if cursor.description else []
    except psycopg.errors.QueryCanceled:
        raise CheckFailed(f"timed out after {check.timeout:g} s") from None
    except psycopg.Error as exc:
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise CheckFailed(f"the query failed: {first}") from None
    problem = check.expect.evaluate(rows)
    if problem:
        raise CheckFailed(problem)
    shown = _show(rows[0][0]) if rows and rows[0] else f"{len(rows)} row(s)"
    return f"{check.expect.describe()}: got {shown}"
