"""The ``scan`` action: a dump or database -> per-column verdicts + a draft rules file."""

from __future__ import annotations

import itertools
import json
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from dataops import fsutil
from dataops.anonymize.engine_api import TableData
from dataops.anonymize.scan import draft as drafting
from dataops.anonymize.scan.open import DEFAULT_SAMPLE, open_source
from dataops.anonymize.scan.profile import ColumnProfile, Verdict, verdict
from dataops.anonymize.scan.source import Source, read_errors
from dataops.config.settings import Settings
from dataops.errors import ConfigError, OperationError


@dataclass
class ScanOptions:
    input: str | None = None  # a dump file or directory
    source: str | None = None  # a database URL
    output: Path | None = None  # the draft rules file (-o); None: not written
    json: Path | None = None  # per-column findings as JSON
    sample: int = DEFAULT_SAMPLE
    format: str = "auto"


@dataclass
class ColumnFinding:
    table: str
    column: str
    type: str
    sampled: int
    verdict: Verdict
    rule: str

    def as_dict(self) -> dict[str, Any]:
        return {
            "table": self.table,
            "column": self.column,
            "type": self.type,
            "sampled": self.sampled,
            **self.verdict.as_dict(),
            "rule": self.rule,
        }


@dataclass
class ScanResult:
    source: str
    format: str
    sample: int
    tables: int = 0
    rows_seen: int = 0
    seconds: float = 0.0
    columns: list[ColumnFinding] = field(default_factory=list)
    rules_text: str = ""
    output: str | None = None

    @property
    def personal(self) -> list[ColumnFinding]:
        return [c for c in self.columns if c.verdict.personal]

    def as_dict(self) -> dict[str, Any]:
        return {
            "source": self.source,
            "format": self.format,
            "sample": self.sample,
            "tables": self.tables,
            "rows_seen": self.rows_seen,
            "seconds": round(self.seconds, 3),
            "output": self.output,
            "personal_columns": len(self.personal),
            "columns": [c.as_dict() for c in self.columns],
        }


@dataclass
class Profiled:
    """What one pass over a source gives: tables, profiles, verdicts, row counts."""

    source: Source
    tables: list[TableData] = field(default_factory=list)
    profiles: dict[tuple[str, str], ColumnProfile] = field(default_factory=dict)
    verdicts: dict[tuple[str, str], Verdict] = field(default_factory=dict)
    row_counts: dict[str, int] = field(default_factory=dict)


def profile_source(source: Source, sample: int) -> Profiled:
    """Sample ``sample`` rows of every table (the rest is skipped) and judge each column."""
    out = Profiled(source)
    items = []
    for item in source.tables():
        out.tables.append(item.data)
        profiles = [ColumnProfile(item.qualified, c.name, c.type, c.not_null) for c in item.columns]
        for row in itertools.islice(item.rows, sample):
            for prof, value in zip(profiles, row, strict=False):
                prof.add(value)
        for prof in profiles:
            out.profiles[(item.qualified, prof.column)] = prof
        items.append(item)
    for item in items:  # final once the source moved past them
        out.row_counts[item.qualified] = item.row_count
    siblings = _partition_groups(source, out.tables)
    for key, prof in out.profiles.items():
        others = [
            out.profiles[(q, key[1])]
            for q in siblings.get(key[0], [])
            if q != key[0] and (q, key[1]) in out.profiles
        ]
        out.verdicts[key] = verdict(prof.merged(others) if others else prof)
    return out


def _partition_groups(source: Source, tables: list[TableData]) -> dict[str, list[str]]:
    """Partitions of one partitioned table, judged together (one empty partition must
    not keep what its siblings transform)."""
    catalog: Any = source.catalog
    ancestors = getattr(catalog, "partition_ancestors", None)
    if ancestors is None:
        return {}
    groups: dict[tuple[str, str], list[str]] = {}
    for t in tables:
        roots = ancestors((t.schema, t.table))
        if roots:
            groups.setdefault(roots[-1], []).append(t.qualified)
    return {q: members for members in groups.values() if len(members) > 1 for q in members}


def has_large_objects(source: Source) -> bool:
    catalog: Any = source.catalog
    return bool(getattr(catalog, "large_objects", 0))


def scan(settings: Settings, options: ScanOptions) -> ScanResult:
    if options.sample < 1:
        raise ConfigError("--sample must be at least 1")
    for path in (options.output, options.json):
        if (
            path is not None
            and options.input
            and Path(path).resolve() == Path(options.input).resolve()
        ):
            raise ConfigError(f"{path} is the input: it would be replaced")
    started = time.monotonic()
    source = open_source(settings, options.input, options.source, sample=options.sample,
                         fmt=options.format)  # fmt: skip
    with read_errors():
        profiled = profile_source(source, options.sample)
    draft = drafting.build(
        source.catalog,  # type: ignore[arg-type]
        profiled.tables,
        profiled.profiles,
        profiled.verdicts,
        source=source.name,
        sample=options.sample,
        has_large_objects=has_large_objects(source),
    )
    result = ScanResult(source.name, source.format, options.sample, tables=len(profiled.tables))
    result.rows_seen = sum(profiled.row_counts.values())
    for d in draft.decisions:
        result.columns.append(
            ColumnFinding(
                d.table.qualified,
                d.column,
                d.profile.type.describe() or "unknown",
                d.profile.sampled + d.profile.nulls,
                d.verdict,
                d.describe(),
            )
        )
    result.rules_text = draft.text
    result.seconds = time.monotonic() - started
    try:
        if options.output is not None:
            fsutil.atomic_write(options.output, draft.text)
            result.output = str(options.output)
        if options.json is not None:
            data = json.dumps(result.as_dict(), indent=2, ensure_ascii=False) + "\n"
            fsutil.atomic_write(options.json, data)
    except OSError as exc:
        raise OperationError(f"cannot write {exc.filename}: {exc.strerror}") from None
    return result
