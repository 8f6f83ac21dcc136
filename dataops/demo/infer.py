"""``dataops demo infer``: write a complete, editable spec from a database's schema.

:func:`infer_spec` picks a generator for every column (the heuristics of
:mod:`dataops.demo.hints`, checked by :mod:`dataops.demo.fit`), so ``dataops demo
infer`` followed by ``dataops demo load`` works on any schema without a hand-written
spec; :func:`infer` is the action.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from dataops.config.settings import Settings
from dataops.demo.connect import connect, database_url
from dataops.demo.fit import entry_fits, fitting_entry
from dataops.demo.plan import build_plan
from dataops.demo.pools import PoolStore, default_cache_dir
from dataops.demo.reflect import Schema, load_order, reflect
from dataops.demo.shape import Stats, apply_column_stats, read_stats, row_counts
from dataops.demo.spec import parse_text
from dataops.errors import ConfigError, OperationError
from dataops.fsutil import atomic_write


# ------------------------------------------------------------------ whole spec
def _yaml_value(value: Any) -> Any:
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


class _Flow(dict[str, Any]):
    """A mapping written in flow style ({fake: email})."""


def _flow_representer(dumper: yaml.SafeDumper, data: _Flow) -> yaml.Node:
    return dumper.represent_mapping("tag:yaml.org,2002:map", data.items(), flow_style=True)


class _Dumper(yaml.SafeDumper):
    pass


_Dumper.add_representer(_Flow, _flow_representer)


def infer_spec(
    schema: Schema,
    rows: int = 100,
    seed: int = 1,
    locale: str = "en_US",
    cache_dir: Path | None = None,
    stats: Stats | None = None,
) -> str:
    """A complete, editable spec for every table of ``schema`` as YAML text.

    Row counts follow :mod:`dataops.demo.shape` (lookups small, children ``per:``
    their parent; ``stats`` from the catalog when given).  The spec is planned
    against ``schema`` before it is returned; when the shaped counts do not plan,
    every table gets ``rows`` instead, so ``demo load`` accepts what this writes.
    """
    nullable = {
        fk: all(t.columns[c].nullable for c in fk.columns if c in t.columns)
        for t in schema.tables.values()
        for fk in t.foreign_keys
    }
    fks = [fk for t in schema.tables.values() for fk in t.foreign_keys]
    order, _ = load_order(list(schema.tables), fks, nullable)
    skipped = set(order.deferred) | set(order.suspended)
    pools = PoolStore(cache_dir=cache_dir)
    tables: dict[str, Any] = {}
    notes: list[str] = []
    for name in order.tables:
        table = schema.tables[name]
        columns: dict[str, Any] = {}
        for col in table.columns.values():
            if col.computed or col.autoincrement:
                continue
            if col.trigger_filled:
                notes.append(f"{name}.{col.name}: left to its BEFORE INSERT trigger")
                continue
            entry = fitting_entry(table, col, schema, rows, locale, pools)
            if entry is not None and stats is not None and "ref" not in entry:
                shaped = apply_column_stats(table, col, entry, stats)
                if shaped != entry and entry_fits(table, col, shaped, rows, locale, pools):
                    entry = shaped
            if entry is None:
                if col.required:
                    notes.append(
                        f"{name}.{col.name} ({col.type_text}): no generator found; fill it in"
                    )
                continue
            fk = table.fk_of(col.name)
            if (
                col.nullable
                and fk is None
                and "unique" not in entry
                and not col.rules.not_null
                and stats is None
            ):
                entry["null_rate"] = 0.1
            if fk is not None and fk.ref_table == name and col.nullable:
                entry["null_rate"] = 0.2
            columns[col.name] = _Flow({k: _yaml_value(v) for k, v in entry.items()})
        notes += [f"{name}: {note}" for note in table.notes]
        spec_table: dict[str, Any] = {"rows": rows}  # shaped below
        trust = [c.name for c in table.checks if c.parsed is None]
        if trust:
            spec_table["trust_checks"] = trust
            for c in table.checks:
                if c.parsed is None:
                    notes.append(
                        f"{name}: CHECK {c.name} ({c.sqltext}) was not interpreted; "
                        "make sure the generators satisfy it"
                    )
        if columns:
            spec_table["columns"] = columns
        tables[name] = spec_table
    shaped = row_counts(schema, order.tables, rows, skipped, stats)
    flat = {name: dict(t) for name, t in tables.items()}
    for name, t in tables.items():
        t["rows"] = _Flow(shaped[name]) if isinstance(shaped[name], dict) else shaped[name]
    doc = {"version": 1, "seed": seed, "locale": locale, "tables": tables}
    problems = _plan_problems(doc, schema, pools)
    for _ in range(5):  # a table whose fan-out does not plan gets --rows; the rest keep theirs
        named = set(re.findall(r"tables\.([^.:\s]+)", " ".join(problems)))
        fan_out = {n for n in named if n in tables and isinstance(tables[n]["rows"], dict)}
        if not problems or not fan_out:
            break
        for n in sorted(fan_out):
            tables[n]["rows"] = rows
            notes.append(f"{n}: rows: {rows}, as rows per parent row do not plan")
        problems = _plan_problems(doc, schema, pools)
    if problems:
        doc["tables"] = flat
        notes.append("row counts are flat: the shaped ones do not plan (" + problems[0] + ")")
        problems = _plan_problems(doc, schema, pools)
        notes += [f"load will report: {p}" for p in problems]
    header = [
        "# Demo-data spec written by `dataops demo infer`; edit freely.",
        "# Load it with: dataops demo load --config THIS_FILE [--reset]",
        "# Generators: fake, choice (+weights), range (+decimals), date_between,",
        "# sequence (+start), template, constant, ref, uuid, type (+labels);",
        "# modifiers: unique, null_rate.  rows: N or {per: parent, min: N, max: M}.",
    ]
    header += [f"# NOTE: {n}" for n in notes]
    body = yaml.dump(doc, Dumper=_Dumper, sort_keys=False, allow_unicode=True, width=100)
    return "\n".join(header) + "\n" + body


class _NoRows:
    """Planning facts for a check of the inferred spec: an empty database."""

    def max_value(self, table: str, column: str) -> int:
        return 0

    def rows(self, table: str, columns: Sequence[str]) -> list[tuple[Any, ...]]:
        return []


def _plan_problems(doc: dict[str, Any], schema: Schema, pools: PoolStore) -> list[str]:
    """What ``demo load`` would reject in this spec (planned against ``schema``)."""
    text = yaml.dump(doc, Dumper=_Dumper, sort_keys=False, allow_unicode=True, width=100)
    try:
        spec = parse_text(text, "<inferred>")
        build_plan(spec, schema, _NoRows(), pools)
    except ConfigError as exc:
        return list(exc.details) or [str(exc)]
    return []


# ------------------------------------------------------------------ the action
@dataclass
class InferOptions:
    database_url: str | None = None
    output: Path | None = None
    rows: int = 100
    seed: int = 1
    locale: str = "en_US"
    from_stats: bool = False


@dataclass
class InferReport:
    spec: str
    tables: list[str]
    output: str | None


def infer(settings: Settings, options: InferOptions) -> InferReport:
    """Reflect the database and write a spec for all of its tables."""
    url = database_url(settings, options.database_url)
    conn = connect(url)
    try:
        schema = reflect(conn)
        stats = read_stats(conn) if options.from_stats else None
    finally:
        conn.close()
        conn.engine.dispose()
    if not schema.tables:
        raise ConfigError("the database has no tables to describe")
    cache = default_cache_dir(settings.demo_pool_cache)
    text = infer_spec(
        schema,
        rows=options.rows,
        seed=options.seed,
        locale=options.locale,
        cache_dir=cache,
        stats=stats,
    )
    if options.output is not None:
        try:
            atomic_write(options.output, text)
        except OSError as exc:
            raise OperationError(f"cannot write {options.output}: {exc.strerror}") from None
    return InferReport(
        spec=text,
        tables=sorted(schema.tables),
        output=str(options.output) if options.output else None,
    )
