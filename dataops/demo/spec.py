"""The demo-data spec: YAML in, validated :class:`Spec` out, every problem reported at once.

```yaml
version: 1
seed: 42
locale: en_US
tables:
  customers:
    rows: 2000
    columns:
      email: {fake: email, unique: true}
      tier: {choice: [free, pro, enterprise], weights: [80, 15, 5]}
  orders:
    rows: {per: customers, min: 0, max: 8}
    columns:
      customer_id: {ref: customers.id}
      note: {fake: sentence, null_rate: 0.7}
  users:
    fixed:
      - {email: admin@example.com, role: admin}
    rows: 50
```

Problems are ``file:line: path: message``; unknown keys are rejected; values
may use ``${VAR:-default}`` (see :mod:`dataops.config.yamlsource` for the rules).  This module checks the spec on its own; what needs
the database (tables, columns, constraints) is checked by :mod:`dataops.demo.plan`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from dataops.config.yamlsource import Located, PathT, load, load_file
from dataops.demo.generators import REGISTRY, Generator, SpecError
from dataops.demo.pools import DEFAULT_POOL_SIZE
from dataops.errors import ConfigError

TOP_KEYS = frozenset({"version", "seed", "locale", "pool_size", "tables"})
TABLE_KEYS = frozenset({"rows", "fixed", "columns", "unique", "trust_checks"})
PER_KEYS = frozenset({"per", "min", "max", "via"})
MODIFIERS = frozenset({"unique", "null_rate"})


@dataclass
class ColumnSpec:
    name: str
    generator: Generator
    unique: bool = False
    null_rate: float = 0.0
    where: str = ""


@dataclass
class PerSpec:
    parent: str
    min: int
    max: int
    via: str | None = None


@dataclass
class TableSpec:
    name: str
    rows: int | PerSpec
    columns: dict[str, ColumnSpec] = field(default_factory=dict)
    fixed: list[dict[str, Any]] = field(default_factory=list)
    unique: list[tuple[str, ...]] = field(default_factory=list)
    trust_checks: list[str] = field(default_factory=list)
    where: str = ""
    fixed_where: list[str] = field(default_factory=list)


@dataclass
class Spec:
    version: int
    seed: int
    locale: str
    pool_size: int
    tables: dict[str, TableSpec]
    source: str = "<spec>"
    located: Located | None = None

    def scaled(self, factor: float) -> Spec:
        """The spec with every ``rows: N`` multiplied by ``factor`` (``per:`` follows its parents)."""
        tables = {}
        for name, table in self.tables.items():
            rows = table.rows
            if isinstance(rows, int):
                rows = int(rows * factor + 0.5)
            tables[name] = TableSpec(
                name=table.name,
                rows=rows,
                columns=table.columns,
                fixed=table.fixed,
                unique=table.unique,
                trust_checks=table.trust_checks,
                where=table.where,
                fixed_where=table.fixed_where,
            )
        return Spec(
            self.version, self.seed, self.locale, self.pool_size, tables, self.source, self.located
        )


class _Checker:
    def __init__(self, doc: Located) -> None:
        self.doc = doc

    def add(self, path: PathT, message: str) -> None:
        self.doc.add(path, message)

    def unknown_keys(self, data: Mapping[str, Any], allowed: frozenset[str], path: PathT) -> None:
        for key in data:
            if key not in allowed:
                self.add(
                    (*path, key), f"unknown key (expected one of: {', '.join(sorted(allowed))})"
                )

    def integer(self, value: Any, path: PathT, minimum: int | None = None) -> int | None:
        if isinstance(value, bool) or not isinstance(value, int):
            self.add(path, f"must be an integer, not {value!r}")
            return None
        if minimum is not None and value < minimum:
            self.add(path, f"must be >= {minimum}")
            return None
        return int(value)


def parse(doc: Located) -> Spec:
    """Validate parsed YAML into a Spec; raise ConfigError listing every problem."""
    ck = _Checker(doc)
    data = doc.data
    if not isinstance(data, dict):
        raise ConfigError(
            f"invalid spec {doc.filename}", details=[f"{doc.where(())}: the spec must be a mapping"]
        )
    ck.unknown_keys(data, TOP_KEYS, ())
    version = data.get("version")
    if version is None:
        ck.add(("version",), "missing (write version: 1)")
    elif version != 1:
        ck.add(("version",), f"unsupported version {version!r} (only 1)")
    seed = 0
    if "seed" in data:
        seed = ck.integer(data["seed"], ("seed",), 0) or 0
    locale = data.get("locale", "en_US")
    if not isinstance(locale, str):
        ck.add(("locale",), "must be text such as en_US")
        locale = "en_US"
    else:
        from dataops.demo.pools import available_locales

        if locale not in available_locales():
            ck.add(("locale",), f"unknown Faker locale {locale!r}")
    pool_size = DEFAULT_POOL_SIZE
    if "pool_size" in data:
        pool_size = ck.integer(data["pool_size"], ("pool_size",), 1) or DEFAULT_POOL_SIZE
    tables: dict[str, TableSpec] = {}
    raw_tables = data.get("tables")
    if raw_tables is None:
        ck.add(("tables",), "missing: the spec must name at least one table")
    elif not isinstance(raw_tables, dict) or not raw_tables:
        ck.add(("tables",), "must be a mapping of table names to table specs")
    else:
        for name, raw in raw_tables.items():
            table = _table(ck, str(name), raw, ("tables", name))
            if table is not None:
                tables[str(name)] = table
    doc.raise_if_any(f"invalid spec {doc.filename}")
    return Spec(
        version=1,
        seed=seed,
        locale=locale,
        pool_size=pool_size,
        tables=tables,
        source=doc.filename,
        located=doc,
    )


def _table(ck: _Checker, name: str, raw: Any, path: PathT) -> TableSpec | None:
    if not isinstance(raw, dict):
        ck.add(path, "must be a mapping with rows, columns and/or fixed")
        return None
    ck.unknown_keys(raw, TABLE_KEYS, path)
    rows: int | PerSpec = 0
    if "rows" in raw:
        rows_raw = raw["rows"]
        if isinstance(rows_raw, dict):
            per = _per(ck, rows_raw, (*path, "rows"))
            if per is not None:
                rows = per
        else:
            rows = ck.integer(rows_raw, (*path, "rows"), 0) or 0
    elif "fixed" not in raw:
        ck.add(path, "needs rows (a count or {per: table, min: N, max: M}) or fixed rows")
    table = TableSpec(name=name, rows=rows, where=ck.doc.where(path))
    columns = raw.get("columns", {})
    if columns is None:
        columns = {}
    if not isinstance(columns, dict):
        ck.add((*path, "columns"), "must be a mapping of column names to generators")
    else:
        for col, col_raw in columns.items():
            spec = _column(ck, str(col), col_raw, (*path, "columns", col))
            if spec is not None:
                table.columns[str(col)] = spec
    fixed = raw.get("fixed", [])
    if fixed is None:
        fixed = []
    if not isinstance(fixed, list):
        ck.add((*path, "fixed"), "must be a list of rows (column: value mappings)")
    else:
        for i, row in enumerate(fixed):
            if not isinstance(row, dict) or not row:
                ck.add((*path, "fixed", i), "must be a mapping of column names to values")
                continue
            table.fixed.append({str(k): v for k, v in row.items()})
            table.fixed_where.append(ck.doc.where((*path, "fixed", i)))
    uniques = raw.get("unique", [])
    if not isinstance(uniques, list) or not all(
        isinstance(u, list) and u and all(isinstance(c, str) for c in u) for u in uniques
    ):
        ck.add((*path, "unique"), "must be a list of column lists, e.g. [[first_name, last_name]]")
    else:
        table.unique = [tuple(u) for u in uniques]
    trust = raw.get("trust_checks", [])
    if not isinstance(trust, list) or not all(isinstance(t, str) for t in trust):
        ck.add((*path, "trust_checks"), "must be a list of CHECK constraint names")
    else:
        table.trust_checks = list(trust)
    return table


def _per(ck: _Checker, raw: dict[str, Any], path: PathT) -> PerSpec | None:
    ck.unknown_keys(raw, PER_KEYS, path)
    parent = raw.get("per")
    if not isinstance(parent, str) or not parent:
        ck.add((*path, "per"), "must name the parent table")
        return None
    lo = ck.integer(raw.get("min", 1), (*path, "min"), 0)
    hi = ck.integer(raw.get("max", raw.get("min", 1)), (*path, "max"), 0)
    via = raw.get("via")
    if via is not None and not isinstance(via, str):
        ck.add((*path, "via"), "must be the column that references the parent")
        via = None
    if lo is None or hi is None:
        return None
    if hi < lo:
        ck.add((*path, "max"), f"must be >= min ({lo})")
        return None
    return PerSpec(parent=parent, min=lo, max=hi, via=via)


def _column(ck: _Checker, name: str, raw: Any, path: PathT) -> ColumnSpec | None:
    if not isinstance(raw, dict):
        ck.add(path, "must be a mapping such as {fake: email} or {constant: 1}")
        return None
    families = [k for k in raw if k in REGISTRY]
    if not families:
        unknown = [k for k in raw if k not in MODIFIERS]
        hint = f"unknown generator {unknown[0]!r}; " if unknown else ""
        ck.add(path, f"{hint}expected one of: {', '.join(sorted(REGISTRY))}")
        return None
    if len(families) > 1:
        ck.add(path, f"more than one generator: {', '.join(families)}")
        return None
    family = families[0]
    cls = REGISTRY[family]
    opts = {k: v for k, v in raw.items() if k != family and k not in MODIFIERS}
    unknown = sorted(set(opts) - cls.options)
    problems = False
    for key in unknown:
        allowed = sorted(cls.options | MODIFIERS)
        ck.add((*path, key), f"unknown option for {family} (expected one of: {', '.join(allowed)})")
        problems = True
    unique = raw.get("unique", False)
    if not isinstance(unique, bool):
        ck.add((*path, "unique"), "must be true or false")
        problems = True
    null_rate = raw.get("null_rate", 0.0)
    if (
        isinstance(null_rate, bool)
        or not isinstance(null_rate, int | float)
        or not 0 <= null_rate <= 1
    ):
        ck.add((*path, "null_rate"), "must be a number between 0 and 1")
        problems = True
        null_rate = 0.0
    if problems:
        return None
    try:
        generator = cls(raw[family], opts)
    except SpecError as exc:
        ck.add((*path, family), str(exc))
        return None
    return ColumnSpec(
        name=name,
        generator=generator,
        unique=bool(unique),
        null_rate=float(null_rate),
        where=ck.doc.where(path),
    )


def load_spec(path: Path | str, environ: Mapping[str, str] | None = None) -> Spec:
    """Read and validate a spec file."""
    return parse(load_file(path, environ, what="spec"))


def parse_text(
    text: str, filename: str = "<spec>", environ: Mapping[str, str] | None = None
) -> Spec:
    return parse(load(text, filename, environ, what="spec"))
