"""The ``check`` action: do the rules still fit the schema, and is anything kept personal?

The rules are validated against the dump's (or database's) own DDL exactly as the real
run validates them, without anonymizing anything; then a sample of every table is
profiled, and every column the rules keep whose values look personal (medium or high
confidence) is a problem.  Name-only signals on kept columns are warnings.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from dataops.anonymize.formats.ddl import Catalog
from dataops.anonymize.plan import Plan
from dataops.anonymize.scan import rulesview
from dataops.anonymize.scan.open import DEFAULT_SAMPLE, open_source
from dataops.anonymize.scan.profile import Verdict
from dataops.anonymize.scan.scan import has_large_objects, profile_source
from dataops.anonymize.scan.source import read_errors
from dataops.config.settings import Settings
from dataops.errors import ConfigError


@dataclass
class CheckOptions:
    config: Path
    input: str | None = None
    source: str | None = None
    sample: int = DEFAULT_SAMPLE
    format: str = "auto"


@dataclass
class KeptPersonal:
    table: str
    column: str
    kind: str
    confidence: str
    evidence: str
    rule: str

    def as_dict(self) -> dict[str, Any]:
        return dict(self.__dict__)

    def line(self) -> str:
        return (
            f"{self.table}.{self.column} is kept ({self.rule}) but looks personal: "
            f"{self.kind.replace('_', ' ')}, {self.evidence} (confidence {self.confidence})"
        )


@dataclass
class CheckResult:
    source: str
    config: str
    rule_problems: list[str] = field(default_factory=list)
    kept_personal: list[KeptPersonal] = field(default_factory=list)
    warnings: list[KeptPersonal] = field(default_factory=list)
    tables: int = 0
    seconds: float = 0.0
    notes: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.rule_problems and not self.kept_personal

    @property
    def problems(self) -> list[str]:
        return self.rule_problems + [k.line() for k in self.kept_personal]

    def as_dict(self) -> dict[str, Any]:
        return {
            "source": self.source,
            "config": self.config,
            "ok": self.ok,
            "tables": self.tables,
            "seconds": round(self.seconds, 3),
            "rule_problems": self.rule_problems,
            "kept_personal": [k.as_dict() for k in self.kept_personal],
            "warnings": [k.as_dict() for k in self.warnings],
            "notes": self.notes,
        }


def _json_paths_kept(
    result: CheckResult, table: str, column: str, v: Verdict, covered: dict[str, object]
) -> None:
    """A ``json`` rule leaves every path it does not name unchanged: personal values at
    such paths are kept personal data."""
    for path, kind in sorted(v.json_paths.items()):
        if path in covered or any(p.endswith("*") and path.startswith(p[:-1]) for p in covered):
            continue
        result.kept_personal.append(
            KeptPersonal(
                table,
                f"{column} {path}",
                kind,
                v.confidence,
                f"JSON path {path} holds {kind.replace('_', ' ')} values",
                "json (path not listed)",
            )
        )


def check(settings: Settings, options: CheckOptions) -> CheckResult:
    if options.sample < 1:
        raise ConfigError("--sample must be at least 1")
    started = time.monotonic()
    result = CheckResult("", str(options.config))
    try:
        rules = rulesview.load(settings, options.config, result.notes)
    except ConfigError as exc:
        result.rule_problems = list(exc.details or [exc.message])
        rules = None
    source = open_source(settings, options.input, options.source, sample=options.sample,
                         fmt=options.format)  # fmt: skip
    result.source = source.name
    with read_errors():
        profiled = profile_source(source, options.sample)
    result.tables = len(profiled.tables)
    if rules is None:
        result.seconds = time.monotonic() - started
        return result
    catalog: Catalog = source.catalog  # type: ignore[assignment]
    plan = Plan(rules)
    lo = has_large_objects(source)
    result.rule_problems = rulesview.validate(plan, catalog, profiled.tables, lo)
    resolved = rulesview.resolve(Plan(rules), catalog, profiled.tables)
    for t in profiled.tables:
        res = resolved.get(t.qualified)
        if res is None or res.action.value == "truncate":
            continue
        for col in t.columns:
            rule = res.columns.get(col)
            v = profiled.verdicts[(t.qualified, col)]
            if rule is not None and rule.spec is not None and rule.spec.name == "json":
                _json_paths_kept(result, t.qualified, col, v, rulesview.json_paths(res, col))
                continue
            if rule is None or rule.action != "keep":
                continue  # transformed, or not covered (a rule problem already)
            if v.kind is None:
                continue
            item = KeptPersonal(
                t.qualified, col, v.kind, v.confidence, v.evidence, rulesview.describe(res, col)
            )
            (result.kept_personal if v.confidence != "low" else result.warnings).append(item)
    result.seconds = time.monotonic() - started
    return result
