"""Verdicts -> a complete draft rules file that passes validation as written.

Every table and column of the dump is listed.  A personal column gets the first
transform of its kind's candidate list that the real validation (:class:`Plan` over
the dump's own catalog: types, lengths, CHECKs, NOT NULL, keys, foreign keys) accepts;
columns joined by a foreign key share one rule.  The draft is validated in memory and
candidates are advanced column by column until no problem is left, so what is written
runs unchanged.  Each line carries its evidence and confidence as a comment.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import yaml

from dataops.anonymize.engine_api import TableData
from dataops.anonymize.formats.ddl import Catalog
from dataops.anonymize.plan import Plan
from dataops.anonymize.rules import parse_rules
from dataops.anonymize.scan import detect, names
from dataops.anonymize.scan.profile import ColumnProfile, Verdict, category
from dataops.errors import ConfigError

Spec = dict[str, Any]
KEEP = "keep"
NULL = "null"
_DRAFT = "<draft>"
_SIMPLE = re.compile(r"[A-Za-z_][A-Za-z0-9_]*\Z")
_RESERVED = frozenset(
    ["null", "true", "false", "yes", "no", "on", "off", "y", "n", "~", "keep", "truncate"]
)


def _t(name: str, **params: Any) -> Spec:
    return {"transform": name, **params}


_TEXT_CANDIDATES: dict[str, list[Spec]] = {
    detect.EMAIL: [_t("email", domain="example.com")],
    detect.FIRST_NAME: [_t("fake", provider="first_name")],
    detect.LAST_NAME: [_t("fake", provider="last_name")],
    detect.PERSON_NAME: [_t("fake", provider="name")],
    detect.ADDRESS: [_t("fake", provider="street_address")],
    names.CITY: [_t("fake", provider="city")],
    detect.FREE_TEXT: [_t("fake", provider="sentence"), _t("mask")],
    names.SECRET: [_t("hash", length=32), _t("hash", length=16)],
}


def candidates(kind: str, p: ColumnProfile, unique: bool) -> list[Spec | str]:
    """Transforms to try for a personal column, best first; ``null``/``keep`` last."""
    cat = category(p.type)
    out: list[Spec | str] = []
    if cat == "text":
        out += [dict(s) for s in _TEXT_CANDIDATES.get(kind, [])]
        out += [_t("tokenize"), _t("hash", length=32), _t("hash", length=20), _t("mask")]
    elif cat == "integer":
        out += [_t("tokenize"), _t("hash")]
    elif cat == "numeric":
        out += [_t("hash"), _t("number_noise", ratio=0.1)]
    elif cat == "date":
        out += [_t("date_shift", max_days=365)]
    elif cat == "inet":
        out += [_t("ip")]
    elif cat == "uuid":
        out += [_t("uuid")]
    if unique:
        for spec in out:
            if isinstance(spec, dict) and spec["transform"] in (
                "email",
                "hash",
                "uuid",
                "tokenize",
            ):
                spec["unique"] = True
    out += [NULL, KEEP]
    return out


def json_candidates(v: Verdict) -> list[Spec | str]:
    paths: dict[str, Spec] = {}
    for path, kind in sorted(v.json_paths.items()):
        if kind == detect.EMAIL:
            paths[path] = _t("email", domain="example.com")
        elif kind in (detect.FIRST_NAME, detect.LAST_NAME, detect.PERSON_NAME):
            paths[path] = _t(
                "fake",
                provider={detect.FIRST_NAME: "first_name", detect.LAST_NAME: "last_name"}.get(
                    kind, "name"
                ),
            )
        elif kind == detect.ADDRESS:
            paths[path] = _t("fake", provider="street_address")
        elif kind == detect.FREE_TEXT:
            paths[path] = _t("fake", provider="sentence")
        else:
            paths[path] = _t("hash", length=24)
    return [_t("json", paths=paths), _t("json", paths=dict.fromkeys(paths, _t("hash", length=24))),
            NULL, KEEP]  # fmt: skip


@dataclass
class ColumnDecision:
    table: TableData
    column: str
    profile: ColumnProfile
    verdict: Verdict
    options: list[Spec | str]
    index: int = 0
    group: int | None = None
    note: str = ""

    @property
    def rule(self) -> Spec | str:
        return self.options[self.index] if self.options else KEEP

    def describe(self) -> str:
        r = self.rule
        return r if isinstance(r, str) else _flow(r)


@dataclass
class Draft:
    text: str
    decisions: list[ColumnDecision] = field(default_factory=list)
    tables: list[TableData] = field(default_factory=list)


def _flow(value: Any) -> str:
    return str(yaml.safe_dump(value, default_flow_style=True, sort_keys=False, width=10**9)).strip()


def yaml_key(name: str) -> str:
    if _SIMPLE.match(name) and name.lower() not in _RESERVED:
        return name
    return json.dumps(name, ensure_ascii=False)


def table_key(t: TableData) -> str:
    if not t.schema:  # a MySQL dump that names no database: bare table names
        return yaml_key(t.table)
    if _SIMPLE.match(t.schema) and _SIMPLE.match(t.table):
        return f"{t.schema}.{t.table}"
    quoted = ".".join('"' + p.replace('"', '""') + '"' for p in (t.schema, t.table))
    return json.dumps(quoted, ensure_ascii=False)


def _comment(text: str) -> str:
    return " ".join(text.split())


def build(
    catalog: Catalog,
    tables: Sequence[TableData],
    profiles: dict[tuple[str, str], ColumnProfile],
    verdicts: dict[tuple[str, str], Verdict],
    *,
    source: str,
    sample: int,
    has_large_objects: bool = False,
) -> Draft:
    decisions: dict[tuple[str, str], ColumnDecision] = {}
    keys = {(k.table, c) for k in catalog.unique_keys for c in k.columns}
    for t in tables:
        qname = (t.schema, t.table)
        unique_cols = {c for (q, c) in keys if q in [qname, *catalog.partition_ancestors(qname)]}
        for col in t.columns:
            p = profiles[(t.qualified, col)]
            v = verdicts[(t.qualified, col)]
            if v.kind is None:
                opts: list[Spec | str] = [KEEP]
            elif v.kind == detect.JSON:
                opts = json_candidates(v)
            else:
                opts = candidates(v.kind, p, col in unique_cols)
            decisions[(t.qualified, col)] = ColumnDecision(t, col, p, v, opts)
    _link_foreign_keys(catalog, tables, decisions)
    draft = _settle(catalog, tables, decisions, source, sample, has_large_objects)
    return draft


def _link_foreign_keys(
    catalog: Catalog, tables: Sequence[TableData], decisions: dict[tuple[str, str], ColumnDecision]
) -> None:
    """Columns joined by a FOREIGN KEY get one rule: the referenced side's candidates if it
    is personal, else the referencing side's."""
    by_qname: dict[tuple[str, str], list[str]] = {}
    for t in tables:
        by_qname.setdefault((t.schema, t.table), []).append(t.qualified)
    parent: dict[tuple[str, str], tuple[str, str]] = {}

    def find(x: tuple[str, str]) -> tuple[str, str]:
        while parent.get(x, x) != x:
            x = parent[x]
        return x

    for fk in catalog.foreign_keys:
        for child in catalog.leaves(fk.table):
            for ref in catalog.leaves(fk.ref_table):
                for c, r in zip(fk.columns, fk.ref_columns, strict=False):
                    for cq in by_qname.get(child, []):
                        for rq in by_qname.get(ref, []):
                            a, b = (cq, c), (rq, r)
                            if a in decisions and b in decisions:
                                parent[find(a)] = find(b)
    groups: dict[tuple[str, str], list[ColumnDecision]] = {}
    for key, d in decisions.items():
        if key in parent or any(find(k) == key for k in parent):
            groups.setdefault(find(key), []).append(d)
    for gid, (root, members) in enumerate(groups.items()):
        personal = [m for m in members if m.verdict.personal]
        if not personal:
            continue
        leader = decisions[root] if decisions[root].verdict.personal else personal[0]
        for m in members:
            m.group = gid
            if m is not leader:
                m.options = [dict(o) if isinstance(o, dict) else o for o in leader.options]
                m.note = (
                    f"same rule as {leader.table.qualified}.{leader.column} "
                    "(a FOREIGN KEY joins them)"
                )


def _settle(
    catalog: Catalog,
    tables: Sequence[TableData],
    decisions: dict[tuple[str, str], ColumnDecision],
    source: str,
    sample: int,
    has_large_objects: bool,
) -> Draft:
    for _ in range(12):
        text, lines = render(tables, decisions, source, sample, has_large_objects)
        try:
            rules = parse_rules(text, _DRAFT, {"DATAOPS_ANONYMIZE_SECRET": "scan-draft-check"})
            Plan(rules).check(catalog, list(tables), has_large_objects=has_large_objects)
        except ConfigError as exc:
            bad = _problem_columns(exc, lines)
            if not bad:
                raise ConfigError(
                    f"scan: the draft rules do not validate ({exc.message})", details=exc.details
                ) from None
            advanced = False
            for key in bad:
                d = decisions[key]
                members = (
                    [m for m in decisions.values() if m.group == d.group]
                    if d.group is not None
                    else [d]
                )
                for m in members:
                    if m.index + 1 < len(m.options):
                        m.index += 1
                        advanced = True
            if not advanced:
                raise ConfigError("scan: no rule fits some columns", details=exc.details) from None
            continue
        return Draft(text, list(decisions.values()), list(tables))
    raise ConfigError("scan: the draft rules did not settle after 12 rounds")


def _problem_columns(exc: ConfigError, lines: dict[int, tuple[str, str]]) -> list[tuple[str, str]]:
    out = []
    for detail in exc.details or []:
        m = re.match(re.escape(_DRAFT) + r":(\d+):", detail)
        if m and int(m.group(1)) in lines:
            key = lines[int(m.group(1))]
            if key not in out:
                out.append(key)
    return out


def render(
    tables: Sequence[TableData],
    decisions: dict[tuple[str, str], ColumnDecision],
    source: str,
    sample: int,
    has_large_objects: bool,
) -> tuple[str, dict[int, tuple[str, str]]]:
    """The YAML text and which line holds which (table, column)."""
    today = dt.datetime.now(dt.UTC).strftime("%Y-%m-%d")
    out = [
        f"# Draft anonymization rules written by `dataops anonymize scan` on {today}",
        f"# from {_comment(source)} ({sample:,} sampled rows per table).",
        "# Every table and column is listed; personal columns found by their values (and",
        "# names) get a transform, everything else is kept.  Each decision says why and how",
        "# sure it is: review the low-confidence ones before relying on this file.",
        "version: 1",
        "secret: ${DATAOPS_ANONYMIZE_SECRET}",
        "unknown_tables: fail",
        "unknown_columns: fail",
    ]
    if has_large_objects:
        out.append("large_objects: empty  # large object contents are not scanned: emptied")
    out.append("tables:")
    lines: dict[int, tuple[str, str]] = {}
    seen: set[str] = set()
    for t in tables:
        if t.qualified in seen:
            continue
        seen.add(t.qualified)
        if not t.columns:
            out.append(f"  {table_key(t)}: keep  # no columns")
            continue
        out.append(f"  {table_key(t)}:")
        out.append("    columns:")
        for col in t.columns:
            d = decisions[(t.qualified, col)]
            v = d.verdict
            if v.kind is None:
                why = v.evidence
            else:
                why = f"{v.kind.replace('_', ' ')}: {v.evidence}; confidence {v.confidence}"
                if d.note:
                    why += f"; {d.note}"
                if d.index:
                    why += f"; first choice {_first(d)} does not fit the column"
                if d.rule == KEEP:
                    why = "REVIEW: personal but no transform fits; " + why
            out.append(f"      {yaml_key(col)}: {d.describe()}  # {_comment(why)}")
            lines[len(out)] = (t.qualified, col)
    return "\n".join(out) + "\n", lines


def _first(d: ColumnDecision) -> str:
    r = d.options[0]
    return r if isinstance(r, str) else str(r.get("transform"))
