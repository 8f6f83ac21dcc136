"""What SQLAlchemy's reflection does not say about a PostgreSQL schema, from the catalog.

* **partitions**: partitions of a declaratively partitioned table are not tables of
  their own for the demo: rows go to the parent and PostgreSQL routes them.  The
  parent's partition key gets the bounds the partitions cover (range: the covered
  span; list: the listed values; hash or a default partition: anything);
* **inheritance**: old-style children stay tables (each filled inside its CHECK);
* **types**: the base type behind domains, arrays and their element type, enum
  labels, and the domain's CHECKs (as CHECKs of the column);
* **triggers**: NOT NULL columns a ``BEFORE INSERT`` row trigger assigns
  (``tsvector_update_trigger`` and ``NEW.col :=`` in PL/pgSQL);
* **foreign keys**: which are ``DEFERRABLE``; which tables the role may alter.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import text
from sqlalchemy.engine import Connection

from dataops.demo.checks import Rules, UnsupportedCheck, parse_check
from dataops.demo.schema import Check, ForeignKey, Kind, Table

_SCHEMA = "n.nspname = current_schema()"

_TABLES = f"""
SELECT c.relname, c.relkind, c.relispartition,
       CASE WHEN c.relkind = 'p' THEN pg_get_partkeydef(c.oid) END,
       pg_get_expr(c.relpartbound, c.oid),
       (SELECT p.relname FROM pg_inherits i JOIN pg_class p ON p.oid = i.inhparent
         WHERE i.inhrelid = c.oid ORDER BY i.inhseqno LIMIT 1),
       pg_has_role(c.relowner, 'USAGE')
FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
WHERE {_SCHEMA} AND c.relkind IN ('r', 'p')
"""

_COLUMNS = f"""
SELECT c.relname, a.attname, a.attndims,
       CASE WHEN t.typtype = 'd' THEN t.typname END AS domain,
       b.typname, b.typtype, b.typcategory, format_type(a.atttypid, a.atttypmod),
       e.typname, e.typtype,
       COALESCE(
         (SELECT array_agg(enumlabel::text ORDER BY enumsortorder) FROM pg_enum
           WHERE enumtypid = CASE WHEN e.oid IS NOT NULL THEN e.oid ELSE b.oid END),
         ARRAY[]::text[]),
       format_type(b.oid, CASE WHEN t.typtype = 'd' THEN t.typtypmod ELSE a.atttypmod END),
       t.oid
FROM pg_attribute a
JOIN pg_class c ON c.oid = a.attrelid
JOIN pg_namespace n ON n.oid = c.relnamespace
JOIN pg_type t ON t.oid = a.atttypid
JOIN pg_type b ON b.oid = CASE WHEN t.typtype = 'd' THEN t.typbasetype ELSE t.oid END
LEFT JOIN pg_type e ON e.oid = b.typelem AND b.typcategory = 'A'
WHERE {_SCHEMA} AND c.relkind IN ('r', 'p') AND a.attnum > 0 AND NOT a.attisdropped
"""

_DOMAIN_CHECKS = """
WITH RECURSIVE d(oid, base) AS (
  SELECT t.oid, t.oid FROM pg_type t WHERE t.oid = ANY(:oids)
  UNION
  SELECT d.oid, t.typbasetype FROM d JOIN pg_type t ON t.oid = d.base WHERE t.typtype = 'd'
)
SELECT d.oid, con.conname, pg_get_constraintdef(con.oid)
FROM d JOIN pg_constraint con ON con.contypid = d.base AND con.contype = 'c'
ORDER BY d.oid, con.conname
"""

_TRIGGERS = f"""
SELECT c.relname, p.proname, p.prosrc, encode(tg.tgargs, 'escape')
FROM pg_trigger tg
JOIN pg_class c ON c.oid = tg.tgrelid
JOIN pg_namespace n ON n.oid = c.relnamespace
JOIN pg_proc p ON p.oid = tg.tgfoid
WHERE {_SCHEMA} AND NOT tg.tgisinternal AND tg.tgenabled <> 'D'
  AND (tg.tgtype & 1) = 1 AND (tg.tgtype & 2) = 2 AND (tg.tgtype & 4) = 4
"""  # ROW, BEFORE, INSERT

_FKS = f"""
SELECT c.relname, con.conname, con.condeferrable, pg_get_constraintdef(con.oid), r.relname,
       ARRAY(SELECT a.attname::text FROM unnest(con.conkey) WITH ORDINALITY k(n, i)
             JOIN pg_attribute a ON a.attrelid = con.conrelid AND a.attnum = k.n ORDER BY k.i),
       ARRAY(SELECT a.attname::text FROM unnest(con.confkey) WITH ORDINALITY k(n, i)
             JOIN pg_attribute a ON a.attrelid = con.confrelid AND a.attnum = k.n ORDER BY k.i)
FROM pg_constraint con JOIN pg_class c ON c.oid = con.conrelid
JOIN pg_class r ON r.oid = con.confrelid
JOIN pg_namespace n ON n.oid = c.relnamespace
WHERE {_SCHEMA} AND con.contype = 'f'
ORDER BY c.relname, con.conname
"""

_EXCLUSIONS = f"""
SELECT c.relname, pg_get_constraintdef(con.oid)
FROM pg_constraint con JOIN pg_class c ON c.oid = con.conrelid
JOIN pg_namespace n ON n.oid = c.relnamespace
WHERE {_SCHEMA} AND con.contype = 'x'
ORDER BY c.relname, con.conname
"""

# base type name -> (kind, extra) for types SQLAlchemy leaves as "other" (domains, citext...)
_KINDS: dict[str, str] = {
    "int2": "int", "int4": "int", "int8": "int", "numeric": "decimal", "float4": "float",
    "float8": "float", "bool": "bool", "date": "date", "timestamp": "datetime",
    "timestamptz": "datetime", "time": "time", "uuid": "uuid", "json": "json", "jsonb": "json",
    "bytea": "bytes", "text": "text", "varchar": "text", "bpchar": "text", "citext": "text",
    "name": "text",
}  # fmt: skip
_INT = {"int2": 2**15, "int4": 2**31, "int8": 2**63}


@dataclass
class Partitioning:
    """A partitioned table's key and what its partitions accept."""

    strategy: str  # range, list, hash
    columns: tuple[str, ...]
    partitions: list[str] = field(default_factory=list)
    ranges: list[tuple[str | None, str | None]] = field(default_factory=list)  # None: MIN/MAX
    values: list[str | None] = field(default_factory=list)
    default: bool = False
    unknown: bool = False  # a bound we could not read: no rule

    def describe(self) -> str:
        return f"partitions of {self.strategy} ({', '.join(self.columns)})"


@dataclass
class PgFacts:
    """Catalog facts per table (names are of the connection's current schema)."""

    partitions: dict[str, str] = field(default_factory=dict)  # partition -> partitioned parent
    partitioning: dict[str, Partitioning] = field(default_factory=dict)
    inherits: dict[str, str] = field(default_factory=dict)  # inheritance child -> parent
    owned: set[str] = field(default_factory=set)
    columns: dict[tuple[str, str], dict[str, Any]] = field(default_factory=dict)
    trigger_filled: dict[str, set[str]] = field(default_factory=dict)
    deferrable: dict[tuple[str, str], bool] = field(default_factory=dict)
    fk_defs: dict[tuple[str, str], str] = field(default_factory=dict)
    exclusions: dict[str, list[str]] = field(default_factory=dict)
    partition_fks: dict[str, list[tuple[str, tuple[str, ...], str, tuple[str, ...], bool]]] = field(
        default_factory=dict
    )


_BOUND_RANGE = re.compile(r"^FOR VALUES FROM \((.*)\) TO \((.*)\)$", re.S)
_BOUND_LIST = re.compile(r"^FOR VALUES IN \((.*)\)$", re.S)


def _literals(body: str) -> list[str | None]:
    """``'a', 'b', NULL, MINVALUE`` -> ['a', 'b', None, None]."""
    out: list[str | None] = []
    for m in re.finditer(r"'((?:[^']|'')*)'|([^,\s]+)", body):
        if m.group(1) is not None:
            out.append(m.group(1).replace("''", "'"))
        else:
            word = m.group(2)
            out.append(None if word.upper() in ("NULL", "MINVALUE", "MAXVALUE") else word)
    return out


def read(conn: Connection) -> PgFacts:
    facts = PgFacts()
    rows = conn.execute(text(_TABLES)).all()
    keydefs: dict[str, str] = {}
    bounds: dict[str, tuple[str, str]] = {}
    for name, relkind, is_partition, keydef, bound, parent, owned in rows:
        if owned:
            facts.owned.add(name)
        if relkind == "p" and keydef:
            keydefs[name] = keydef
        if is_partition and parent:
            facts.partitions[name] = parent
            bounds[name] = (parent, bound or "")
        elif parent:
            facts.inherits[name] = parent
    for name, keydef in keydefs.items():
        m = re.match(r"^(\w+) \((.*)\)$", keydef)
        strategy = m.group(1).lower() if m else "?"
        cols = tuple(c.strip().strip('"') for c in m.group(2).split(",")) if m else ()
        part = Partitioning(strategy, cols)
        if not m or any(not re.fullmatch(r"\w+", c) for c in cols):
            part.unknown = True  # expressions as keys: no rule we can check
        facts.partitioning[name] = part
    for child, (parent, bound) in sorted(bounds.items()):
        found = facts.partitioning.get(parent)
        if found is None:
            continue
        part = found
        part.partitions.append(child)
        if bound == "DEFAULT":
            part.default = True
        elif (mr := _BOUND_RANGE.match(bound)) is not None:
            lo, hi = _literals(mr.group(1)), _literals(mr.group(2))
            if len(part.columns) != 1 or len(lo) != 1 or len(hi) != 1:
                part.unknown = True
            else:
                part.ranges.append((lo[0], hi[0]))
        elif (ml := _BOUND_LIST.match(bound)) is not None:
            part.values.extend(_literals(ml.group(1)))
        elif not bound.startswith("FOR VALUES WITH"):
            part.unknown = True
        if child in keydefs:  # sub-partitioned: its own partitions decide; be conservative
            part.unknown = True
    domain_oids: dict[int, list[tuple[str, str]]] = {}
    for (
        table, column, ndims, domain, base, btype, bcat, fmt, elem, etype, labels, basefmt, oid,
    ) in conn.execute(text(_COLUMNS)):  # fmt: skip
        info = {
            "ndims": int(ndims or 0) or (1 if bcat == "A" else 0),
            "domain": domain,
            "base": str(base),
            "typtype": str(btype),
            "array": bcat == "A",
            "format": str(fmt),
            "base_format": str(basefmt),
            "elem": str(elem) if elem else None,
            "elem_typtype": str(etype) if etype else None,
            "labels": tuple(labels or ()),
        }
        facts.columns[(table, column)] = info
        if domain:
            domain_oids.setdefault(int(oid), []).append((table, column))
    if domain_oids:
        for oid, name, sqltext in conn.execute(text(_DOMAIN_CHECKS), {"oids": list(domain_oids)}):
            for key in domain_oids[int(oid)]:
                facts.columns[key].setdefault("checks", []).append((str(name), str(sqltext)))
    for table, proname, prosrc, args in conn.execute(text(_TRIGGERS)):
        filled = facts.trigger_filled.setdefault(str(table), set())
        argv = [a for a in str(args or "").split("\\000") if a]
        if proname in ("tsvector_update_trigger", "tsvector_update_trigger_column") and argv:
            filled.add(argv[0])
        for m in re.finditer(r"\bnew\.\"?(\w+)\"?\s*:?=(?!=)", str(prosrc or ""), re.I):
            filled.add(m.group(1))
    for table, conname, deferrable, definition, ref, cols, ref_cols in conn.execute(text(_FKS)):
        facts.deferrable[(str(table), str(conname))] = bool(deferrable)
        facts.fk_defs[(str(table), str(conname))] = str(definition)
        parent = facts.partitions.get(str(table))
        if parent is not None and str(ref) not in facts.partitions:
            # declared on a partition only (older dumps): every row of the parent needs it
            facts.partition_fks.setdefault(parent, []).append(
                (str(conname), tuple(cols), str(ref), tuple(ref_cols), bool(deferrable))
            )
    for table, definition in conn.execute(text(_EXCLUSIONS)):
        facts.exclusions.setdefault(str(table), []).append(str(definition))
    return facts


def exclusion_sets(definition: str) -> list[tuple[str, ...]] | None:
    """Unique sets that make an ``EXCLUDE`` constraint hold (None: not understood).

    ``EXCLUDE USING gist (room WITH =, during WITH &&)``: ``during`` unique alone (the
    ``type`` values of distinct rows never overlap); only ``=``: those columns together.
    """
    m = re.match(r"^EXCLUDE USING \w+ \((.*?)\)(?: WHERE .*)?$", definition.strip(), re.S)
    if not m:
        return None
    equal: list[str] = []
    other: list[str] = []
    for element in m.group(1).split(","):
        e = re.fullmatch(r'\s*"?(\w+)"?\s+WITH\s+(\S+)\s*', element)
        if e is None:
            return None
        (equal if e.group(2) == "=" else other).append(e.group(1))
    if other:
        return [(c,) for c in other]
    return [tuple(equal)]


def column_type(info: dict[str, Any]) -> tuple[Kind | None, dict[str, Any]]:
    """(kind, extra) of a domain or base type SQLAlchemy did not map, or (None, {})."""
    if info["array"]:
        return None, {}
    base = info["base"]
    kind: Kind | None = _KINDS.get(base)  # type: ignore[assignment]
    if kind is None:
        return None, {}
    extra: dict[str, Any] = {}
    fmt = info["base_format"]
    if kind == "int":
        extra.update(int_min=-_INT[base], int_max=_INT[base] - 1)
    elif kind == "decimal":
        m = re.search(r"\((\d+)(?:,(\d+))?\)", fmt)
        if m:
            extra.update(precision=int(m.group(1)), scale=int(m.group(2) or 0))
    elif kind == "text":
        m = re.search(r"\((\d+)\)", fmt)
        if m:
            extra["length"] = int(m.group(1))
    elif kind == "datetime":
        extra["timezone"] = base == "timestamptz"
    return kind, extra


def domain_rules(column: str, checks: list[tuple[str, str]]) -> tuple[Rules, list[str]]:
    """Rules of a domain's CHECKs on ``column`` (``VALUE`` renamed); unreadable ones named."""
    rules, unreadable = Rules(), []
    for name, sqltext in checks:
        renamed = re.sub(r"\bVALUE\b", f'"{column}"', sqltext)
        try:
            parsed = parse_check(name, renamed)
        except UnsupportedCheck:
            unreadable.append(f"{name}: {sqltext}")
            continue
        for col_rules in parsed.rules.values():
            rules.merge(col_rules)
    return rules, unreadable


def partition_rules(part: Partitioning, kind: str) -> Rules | None:
    """What every row's key must satisfy to find a partition (None: anything)."""
    if part.default or part.unknown or part.strategy == "hash" or len(part.columns) != 1:
        return None
    source = [f"{part.describe()}"]
    if part.strategy == "list":
        return Rules(allowed=[v for v in part.values if v is not None], sources=source)
    if part.strategy != "range" or not part.ranges:
        return None
    run = covered_span(part.ranges, kind)
    if run is None:
        return Rules(allowed=[], sources=source)
    lo, hi = run
    return Rules(lo=lo, lo_incl=True, hi=hi, hi_incl=False, sources=source)


def _value(text_: str, kind: str) -> Any:
    if kind == "int":
        return int(text_)
    if kind in ("decimal", "float"):
        from decimal import Decimal

        return Decimal(text_)
    if kind in ("date", "datetime"):
        value = dt.datetime.fromisoformat(text_.strip())
        if kind == "date":
            return value.date()
        return value
    return text_


def covered_span(ranges: list[tuple[str | None, str | None]], kind: str) -> tuple[Any, Any] | None:
    """The longest contiguous [lo, hi) the range partitions cover (None when unbounded/unreadable)."""
    try:
        spans = sorted(
            ((_value(lo, kind), _value(hi, kind)) for lo, hi in ranges if lo and hi),
            key=lambda s: _sort_key(s[0]),
        )
    except (ValueError, ArithmeticError):
        return None
    if not spans:
        return None
    best: tuple[Any, Any] | None = None
    cur_lo, cur_hi = spans[0]
    for lo, hi in spans[1:]:
        if _sort_key(lo) == _sort_key(cur_hi):
            cur_hi = hi
            continue
        if best is None or _longer((cur_lo, cur_hi), best):
            best = (cur_lo, cur_hi)
        cur_lo, cur_hi = lo, hi
    if best is None or _longer((cur_lo, cur_hi), best):
        best = (cur_lo, cur_hi)
    return best


def _sort_key(v: Any) -> Any:
    if isinstance(v, dt.datetime):
        return v.astimezone(dt.UTC).replace(tzinfo=None) if v.tzinfo else v
    return v


def _longer(a: tuple[Any, Any], b: tuple[Any, Any]) -> bool:
    try:
        return bool(_sort_key(a[1]) - _sort_key(a[0]) > _sort_key(b[1]) - _sort_key(b[0]))
    except TypeError:
        return False


def apply(tables: dict[str, Table], facts: PgFacts) -> None:
    """Fold the catalog facts into reflected :class:`~dataops.demo.schema.Table` s."""
    for name, table in tables.items():
        table.owned = name in facts.owned
        table.inherits = facts.inherits.get(name)
        filled = facts.trigger_filled.get(name, set())
        for column in table.columns.values():
            info = facts.columns.get((name, column.name))
            if info is None:
                continue
            if column.type_text == "NullType":  # a type SQLAlchemy does not know
                column.type_text = info["format"]
            if info["domain"] or column.kind == "other":
                kind, extra = column_type(info)
                if kind is not None:
                    column.kind = kind
                    for key, value in extra.items():
                        setattr(column, key, value)
            if info["typtype"] == "e" and not info["array"] and column.kind != "enum":
                column.kind = "enum"
                column.enum_values = info["labels"]
            if column.kind == "other":
                if info["array"]:
                    elem = info["elem"] or "text"
                    column.pg_type = elem + "[]" * max(1, info["ndims"])
                    if info["elem_typtype"] == "e":
                        column.labels = info["labels"]
                else:
                    column.pg_type = info["base_format"] if info["base"] in (
                        "bit", "varbit"
                    ) else info["base"]  # fmt: skip
            for cname, sqltext in info.get("checks", ()):
                rules, unreadable = domain_rules(column.name, [(cname, sqltext)])
                renamed = re.sub(r"\bVALUE\b", column.name, sqltext)
                if unreadable:
                    table.checks.append(
                        Check(cname, renamed, None, {column.name}, "a domain CHECK we cannot read")
                    )
                else:
                    column.rules.merge(rules)
                    table.checks.append(
                        Check(cname, renamed, parse_check(cname, renamed), {column.name})
                    )
            if column.name in filled and not column.nullable and not column.has_default:
                column.trigger_filled = True
        for definition in facts.exclusions.get(name, []):
            sets = exclusion_sets(definition)
            if sets is None or any(c not in table.columns for u in sets for c in u):
                table.notes.append(f"{definition} was not interpreted; check the generators")
                continue
            table.uniques.extend(u for u in sets if u not in table.uniques)
        layout = facts.partitioning.get(name)
        if layout is not None:
            table.partitions = list(layout.partitions)
            if len(layout.columns) == 1 and layout.columns[0] in table.columns:
                key_column = table.columns[layout.columns[0]]
                bounds = partition_rules(layout, key_column.kind)
                if bounds is not None:
                    key_column.rules.merge(bounds)
            if (layout.unknown or len(layout.columns) != 1) and not layout.default:
                table.notes.append(
                    f"{layout.describe()} (no default partition) could not be read; make sure "
                    "the generators of the key give values some partition takes"
                )
        fks = []
        for fk in table.foreign_keys:
            fks.append(
                ForeignKey(
                    name=fk.name,
                    table=fk.table,
                    columns=fk.columns,
                    ref_table=fk.ref_table,
                    ref_columns=fk.ref_columns,
                    deferrable=facts.deferrable.get((name, fk.name), False),
                    definition=facts.fk_defs.get((name, fk.name), ""),
                )
            )
        for conname, cols, ref, ref_cols, deferrable in facts.partition_fks.get(name, []):
            if any((f.columns, f.ref_table, f.ref_columns) == (cols, ref, ref_cols) for f in fks):
                continue
            fks.append(ForeignKey(conname, name, cols, ref, ref_cols, deferrable=deferrable))
        table.foreign_keys = fks
