"""``dataops demo infer``: write a complete, editable spec from a database's schema.

:func:`infer_spec` picks a generator for every column (the heuristics of
:mod:`dataops.demo.hints`, checked by :mod:`dataops.demo.fit`), so ``dataops demo
infer`` followed by ``dataops demo load`` works on any schema without a hand-written
spec; :func:`infer` is the action.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from dataops.config.settings import Settings
from dataops.demo.connect import connect, database_url
from dataops.demo.fit import fitting_entry
from dataops.demo.pools import PoolStore, default_cache_dir
from dataops.demo.reflect import Schema, load_order, reflect
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
) -> str:
    """A complete, editable spec for every table of ``schema`` as YAML text."""
    nullable = {
        fk: all(t.columns[c].nullable for c in fk.columns if c in t.columns)
        for t in schema.tables.values()
        for fk in t.foreign_keys
    }
    fks = [fk for t in schema.tables.values() for fk in t.foreign_keys]
    order, _ = load_order(list(schema.tables), fks, nullable)
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
            if entry is None:
                if col.required:
                    notes.append(
                        f"{name}.{col.name} ({col.type_text}): no generator found; fill it in"
                    )
                continue
            fk = table.fk_of(col.name)
            if col.nullable and fk is None and "unique" not in entry and not col.rules.not_null:
                entry["null_rate"] = 0.1
            if fk is not None and fk.ref_table == name and col.nullable:
                entry["null_rate"] = 0.2
            columns[col.name] = _Flow({k: _yaml_value(v) for k, v in entry.items()})
        spec_table: dict[str, Any] = {"rows": rows}
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
    doc = {"version": 1, "seed": seed, "locale": locale, "tables": tables}
    header = [
        "# Demo-data spec written by `dataops demo infer`; edit freely.",
        "# Load it with: dataops demo load --config THIS_FILE [--reset]",
        "# Generators: fake, choice (+weights), range (+decimals), date_between,",
        "# sequence (+start), template, constant, ref, uuid; modifiers: unique, null_rate.",
    ]
    header += [f"# NOTE: {n}" for n in notes]
    body = yaml.dump(doc, Dumper=_Dumper, sort_keys=False, allow_unicode=True, width=100)
    return "\n".join(header) + "\n" + body


# ------------------------------------------------------------------ the action
@dataclass
class InferOptions:
    database_url: str | None = None
    output: Path | None = None
    rows: int = 100
    seed: int = 1
    locale: str = "en_US"


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
    finally:
        conn.close()
        conn.engine.dispose()
    if not schema.tables:
        raise ConfigError("the database has no tables to describe")
    cache = default_cache_dir(settings.demo_pool_cache)
    text = infer_spec(
        schema, rows=options.rows, seed=options.seed, locale=options.locale, cache_dir=cache
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
