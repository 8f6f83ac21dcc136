"""What the rules do with each table and column, resolved as the real run resolves them."""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from dataops.anonymize.engine_api import TableData
from dataops.anonymize.formats.ddl import Catalog
from dataops.anonymize.plan import Plan
from dataops.anonymize.plancheck import ResolvedTable
from dataops.anonymize.rules import Rules, load_rules
from dataops.config.settings import Settings
from dataops.errors import ConfigError

_PLACEHOLDER = "checked-without-the-secret"


def load(settings: Settings, path: Path, notes: list[str]) -> Rules:
    """The rules file; without DATAOPS_ANONYMIZE_SECRET a placeholder stands in (check and
    audit transform nothing, so a CI gate need not hold the secret)."""
    environ: dict[str, str] | None = None
    if settings.anonymize_secret is None:
        environ = {**os.environ, "DATAOPS_ANONYMIZE_SECRET": _PLACEHOLDER}
        notes.append("DATAOPS_ANONYMIZE_SECRET is not set: checked with a placeholder")
    return load_rules(path, environ)


def validate(plan: Plan, catalog: Catalog, tables: Sequence[TableData], lo: bool) -> list[str]:
    """The real run's validation; its problems as lines (empty: the rules fit)."""
    try:
        plan.check(catalog, list(tables), has_large_objects=lo)
    except ConfigError as exc:
        return list(exc.details or [exc.message])
    return []


def resolve(plan: Plan, catalog: Catalog, tables: Sequence[TableData]) -> dict[str, ResolvedTable]:
    """Each table's resolved rule (tables whose rule is an error are left out)."""
    out: dict[str, ResolvedTable] = {}
    for t in tables:
        res = resolve_one(plan, catalog, t)
        if res is not None:
            out[t.qualified] = res
    return out


def resolve_one(plan: Plan, catalog: Catalog, table: TableData) -> ResolvedTable | None:
    """One table's rule as the plan resolves it (its problems are :func:`validate`'s)."""
    plan.catalog = catalog
    return plan._checker().resolve(table, [])


def describe(res: ResolvedTable, column: str) -> str:
    rule = res.columns.get(column)
    if rule is None:
        return "keep"
    line = f" (line {rule.line})" if rule.line else ""
    return rule.describe() + line


def json_paths(res: ResolvedTable, column: str) -> dict[str, Any]:
    """A ``json`` rule's paths (normalised ``.key`` form) -> transform name."""
    rule = res.columns.get(column)
    if rule is None or rule.spec is None or rule.spec.name != "json":
        return {}
    out: dict[str, Any] = {}
    for path, spec in dict(rule.spec.params.get("paths", {})).items():
        out[normalise_path(str(path))] = getattr(spec, "name", spec)
    return out


def normalise_path(path: str) -> str:
    import re

    path = re.sub(r"\[(\d+)\]", "[*]", path)
    return re.sub(r"\['([A-Za-z_][A-Za-z0-9_]*)'\]|\[\"([A-Za-z_][A-Za-z0-9_]*)\"\]",
                  lambda m: "." + (m.group(1) or m.group(2)), path)  # fmt: skip
