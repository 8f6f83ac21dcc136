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
exact number of rows returned).  Every problem is reported at once as
``file:line: path: message``; unknown keys are errors; ``${VAR}`` and
``${VAR:-default}`` read the environment.
"""

from __future__ import annotations

import datetime as dt
import decimal
import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from dataops.errors import ConfigError

_VAR = re.compile(r"\$(\$)?\{([A-Za-z_][A-Za-z0-9_]*)(?::-([^}]*))?\}")
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


class _Problems:
    def __init__(self, source: str) -> None:
        self.source = source
        self.items: list[tuple[int, str]] = []

    def add(self, node: yaml.Node | None, path: str, message: str) -> None:
        line = node.start_mark.line + 1 if node is not None else 0
        self.items.append((line, f"{self.source}:{line}: {path}: {message}"))

    def raise_if_any(self) -> None:
        if self.items:
            ordered = [msg for _, msg in sorted(self.items, key=lambda t: t[0])]
            raise ConfigError(
                f"{self.source}: {len(ordered)} problem(s) in the checks file", details=ordered
            )


def _interpolate(text: str, node: yaml.Node, path: str, problems: _Problems) -> str:
    def repl(match: re.Match[str]) -> str:
        if match.group(1):
            return match.group(0)[1:]
        name, default = match.group(2), match.group(3)
        value = os.environ.get(name)
        if value is None or value == "":
            if default is None:
                problems.add(node, path, f"${{{name}}} is not set")
                return ""
            return default
        return value

    return _VAR.sub(repl, text)


def _scalar(node: yaml.Node, path: str, problems: _Problems) -> Any:
    """A YAML scalar with ${VAR} interpolation, typed after interpolation."""
    if not isinstance(node, yaml.ScalarNode):
        problems.add(node, path, "expected a single value")
        return None
    if node.tag != "tag:yaml.org,2002:str" or "${" not in node.value:
        return (
            yaml.safe_load(yaml.serialize(node))
            if node.tag != "tag:yaml.org,2002:str"
            else node.value
        )
    text = _interpolate(node.value, node, path, problems)
    return text


def _mapping(
    node: yaml.Node, path: str, keys: set[str], problems: _Problems
) -> dict[str, yaml.Node]:
    if not isinstance(node, yaml.MappingNode):
        problems.add(node, path, "expected a mapping")
        return {}
    out: dict[str, yaml.Node] = {}
    for key_node, value_node in node.value:
        key = key_node.value if isinstance(key_node, yaml.ScalarNode) else str(key_node)
        where = f"{path}.{key}" if path else key
        if key not in keys:
            problems.add(
                key_node, where, f"unknown key (expected one of: {', '.join(sorted(keys))})"
            )
        elif key in out:
            problems.add(key_node, where, "duplicate key")
        else:
            out[key] = value_node
    return out


def _text(node: yaml.Node | None, path: str, problems: _Problems, *, required: bool) -> str | None:
    if node is None:
        return None
    value = _scalar(node, path, problems)
    if value is None:
        if required:
            problems.add(node, path, "must not be empty")
        return None
    text = str(value).strip()
    if required and not text:
        problems.add(node, path, "must not be empty")
    return text


def _timeout(node: yaml.Node | None, path: str, problems: _Problems, default: float) -> float:
    if node is None:
        return default
    value = _scalar(node, path, problems)
    number = _number(value) if not isinstance(value, str) else _number(value.strip())
    if number is None or not (0 < number <= MAX_TIMEOUT):
        problems.add(node, path, f"must be a number of seconds in (0, {MAX_TIMEOUT:g}]")
        return default
    return number


def _expect(node: yaml.Node | None, path: str, problems: _Problems, owner: yaml.Node) -> Expect:
    if node is None:
        problems.add(owner, path, "missing (one or more of: equals, min, max, rows)")
        return Expect()
    fields = _mapping(node, path, _EXPECT_KEYS, problems)
    if isinstance(node, yaml.MappingNode) and not fields and not node.value:
        problems.add(node, path, "empty (one or more of: equals, min, max, rows)")
    bounds: dict[str, float | None] = {"min": None, "max": None}
    for key in ("min", "max"):
        if key in fields:
            value = _scalar(fields[key], f"{path}.{key}", problems)
            number = None if isinstance(value, str) else _number(value)
            if number is None:
                problems.add(fields[key], f"{path}.{key}", "must be a number")
            bounds[key] = number
    low, high = bounds["min"], bounds["max"]
    if low is not None and high is not None and low > high:
        problems.add(node, path, f"min {low:g} is greater than max {high:g}")
    rows: int | None = None
    if "rows" in fields:
        value = _scalar(fields["rows"], f"{path}.rows", problems)
        if isinstance(value, bool) or not isinstance(value, int) or value < 0:
            problems.add(fields["rows"], f"{path}.rows", "must be a whole number >= 0")
        else:
            rows = value
    has_equals = "equals" in fields
    equals = _scalar(fields["equals"], f"{path}.equals", problems) if has_equals else None
    return Expect(equals=equals, has_equals=has_equals, min=low, max=high, rows=rows)


def parse(text: str, source: str) -> ChecksFile:
    problems = _Problems(source)
    try:
        root = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 1 if mark is not None else 0
        raise ConfigError(
            f"{source}:{line}: not valid YAML: {getattr(exc, 'problem', exc)}"
        ) from None
    if root is None:
        raise ConfigError(f"{source}: the checks file is empty")
    top = _mapping(root, "", _TOP_KEYS, problems)
    if "version" not in top:
        problems.add(root, "version", "missing (version: 1)")
    elif _scalar(top["version"], "version", problems) != 1:
        problems.add(top["version"], "version", "unsupported version (expected 1)")
    database = _text(top.get("database"), "database", problems, required=True) or "postgres"
    timeout = _timeout(top.get("timeout"), "timeout", problems, DEFAULT_TIMEOUT)

    freshness = None
    if "freshness" in top:
        fnode = top["freshness"]
        fields = _mapping(fnode, "freshness", _FRESHNESS_KEYS, problems)
        query = _text(fields.get("query"), "freshness.query", problems, required=True)
        if "query" not in fields and isinstance(fnode, yaml.MappingNode):
            problems.add(fnode, "freshness.query", "missing")
        freshness = Freshness(
            query=query or "",
            database=_text(fields.get("database"), "freshness.database", problems, required=True)
            or database,
            timeout=_timeout(fields.get("timeout"), "freshness.timeout", problems, timeout),
            line=fnode.start_mark.line + 1,
        )

    checks: list[SqlCheck] = []
    seen: dict[str, int] = {}
    cnode = top.get("checks")
    if cnode is not None:
        if not isinstance(cnode, yaml.SequenceNode):
            problems.add(cnode, "checks", "expected a list of checks")
        else:
            for index, item in enumerate(cnode.value):
                path = f"checks[{index}]"
                fields = _mapping(item, path, _CHECK_KEYS, problems)
                if not isinstance(item, yaml.MappingNode):
                    continue
                for required in ("name", "query"):
                    if required not in fields:
                        problems.add(item, f"{path}.{required}", "missing")
                name = _text(fields.get("name"), f"{path}.name", problems, required=True) or ""
                if name and name in seen:
                    problems.add(
                        fields["name"],
                        f"{path}.name",
                        f"duplicate name (also on line {seen[name]})",
                    )
                elif name:
                    seen[name] = item.start_mark.line + 1
                checks.append(
                    SqlCheck(
                        name=name,
                        query=_text(fields.get("query"), f"{path}.query", problems, required=True)
                        or "",
                        expect=_expect(fields.get("expect"), f"{path}.expect", problems, item),
                        database=_text(
                            fields.get("database"), f"{path}.database", problems, required=True
                        )
                        or database,
                        timeout=_timeout(
                            fields.get("timeout"), f"{path}.timeout", problems, timeout
                        ),
                        line=item.start_mark.line + 1,
                    )
                )
    problems.raise_if_any()
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
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"--checks {path}: cannot read: {exc}") from None
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
