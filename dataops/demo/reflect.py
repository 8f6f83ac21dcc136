"""The target schema as the demo loader needs it, reflected with SQLAlchemy.

For every table: columns with a value *kind* (text, int, decimal, date, json...)
and its limits (length, precision, integer range, enum labels), nullability,
defaults and auto-increment; the primary key, unique constraints and unique
indexes; foreign keys; CHECK constraints interpreted by :mod:`dataops.demo.checks`.

:func:`load_order` sorts tables so parents load before children and breaks FK
cycles by choosing a nullable foreign key to insert as NULL and update later.
"""

from __future__ import annotations

import logging
import warnings
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import inspect, text, types
from sqlalchemy.engine import Connection
from sqlalchemy.exc import NoSuchTableError, SAWarning, SQLAlchemyError

from dataops.demo.checks import (
    ParsedCheck,
    UnsupportedCheck,
    parse_check,
    referenced_columns,
)
from dataops.demo.schema import Check, Column, ForeignKey, Kind, Schema, Table

__all__ = ["Check", "Column", "ForeignKey", "Kind", "LoadOrder", "Schema", "Table", "reflect"]
from dataops.errors import DependencyError

log = logging.getLogger(__name__)

_INT_BOUNDS = {
    "tiny": (-(2**7), 2**7 - 1),
    "small": (-(2**15), 2**15 - 1),
    "medium": (-(2**23), 2**23 - 1),
    "int": (-(2**31), 2**31 - 1),
    "big": (-(2**63), 2**63 - 1),
}


def _kind(sqltype: Any, dialect: str) -> tuple[Kind, dict[str, Any]]:
    """Map a reflected SQLAlchemy type to a kind and its limits."""
    extra: dict[str, Any] = {}
    name = type(sqltype).__name__.upper()
    if isinstance(sqltype, types.Enum) or name in ("ENUM",):
        labels = getattr(sqltype, "enums", None)
        if labels:
            extra["enum_values"] = tuple(str(v) for v in labels)
            return "enum", extra
    if isinstance(sqltype, types.Boolean) or name == "BOOL":
        return "bool", extra
    if name == "SET" and getattr(sqltype, "values", None):
        extra["enum_values"] = tuple(str(v) for v in sqltype.values)  # one member is a value
        return "enum", extra
    if name == "YEAR":
        extra.update(int_min=1901, int_max=2155)
        return "int", extra
    if name == "BIT" and dialect == "mysql":
        extra.update(int_min=0, int_max=2 ** int(getattr(sqltype, "length", None) or 1) - 1)
        return "bits", extra
    if name == "TINYINT" and getattr(sqltype, "display_width", None) == 1:
        return "bool", extra
    if isinstance(sqltype, types.Integer):
        size = "int"
        if name in ("TINYINT",):
            size = "tiny"
        elif isinstance(sqltype, types.SmallInteger) or name == "SMALLINT":
            size = "small"
        elif name == "MEDIUMINT":
            size = "medium"
        elif isinstance(sqltype, types.BigInteger) or name == "BIGINT":
            size = "big"
        lo, hi = _INT_BOUNDS[size]
        if getattr(sqltype, "unsigned", False):
            lo, hi = 0, hi * 2 + 1
        if dialect == "sqlite":
            lo, hi = _INT_BOUNDS["big"]
        extra.update(int_min=lo, int_max=hi)
        return "int", extra
    if isinstance(sqltype, types.Float) or name in ("REAL", "DOUBLE", "DOUBLE_PRECISION", "FLOAT"):
        return "float", extra
    if isinstance(sqltype, types.Numeric):
        extra.update(precision=sqltype.precision, scale=sqltype.scale)
        return "decimal", extra
    if isinstance(sqltype, types.DateTime) or name in ("TIMESTAMP", "DATETIME"):
        extra["timezone"] = bool(getattr(sqltype, "timezone", False))
        return "datetime", extra
    if isinstance(sqltype, types.Date):
        return "date", extra
    if isinstance(sqltype, types.Time):
        return "time", extra
    if isinstance(sqltype, types.Uuid) or name == "UUID":
        return "uuid", extra
    if isinstance(sqltype, types.JSON) or name in ("JSON", "JSONB"):
        return "json", extra
    if isinstance(sqltype, types.LargeBinary | types._Binary) or name in ("BYTEA", "BLOB"):
        return "bytes", extra
    if isinstance(sqltype, types.String):
        length = getattr(sqltype, "length", None)
        if length:
            extra["length"] = int(length)
        return "text", extra
    if isinstance(sqltype, types.NullType) and dialect == "sqlite":
        return "text", extra
    return "other", extra


def _type_text(sqltype: Any, sa_dialect: Any = None) -> str:
    try:
        return str(sqltype.compile(dialect=sa_dialect)) if sa_dialect is not None else str(sqltype)
    except Exception:  # some reflected types cannot render
        return type(sqltype).__name__


def _is_serial_default(default: str | None) -> bool:
    return bool(default) and "nextval(" in str(default).lower()


def _mysql_checks(conn: Connection, table: str) -> list[dict[str, str]]:
    rows = conn.execute(
        text(
            "SELECT CONSTRAINT_NAME, CHECK_CLAUSE FROM information_schema.CHECK_CONSTRAINTS "
            "WHERE CONSTRAINT_SCHEMA = DATABASE() AND TABLE_NAME = :t ORDER BY CONSTRAINT_NAME"
        ),
        {"t": table},
    )
    return [{"name": str(r[0]), "sqltext": str(r[1])} for r in rows]


def _mysql_type(conn: Connection, table: str, column: str) -> str | None:
    value = conn.execute(
        text(
            "SELECT DATA_TYPE FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = DATABASE() "
            "AND TABLE_NAME = :t AND COLUMN_NAME = :c"
        ),
        {"t": table, "c": column},
    ).scalar()
    name = str(value).lower() if value else None
    return name if name in ("inet6", "inet4") else None  # geometry needs WKB: no generator


def _sqlite_unique_indexes(conn: Connection, table: str) -> list[tuple[str, ...]]:
    """Inline ``UNIQUE`` column constraints, which SQLAlchemy's SQLite reflection skips."""
    out = []
    quoted = conn.dialect.identifier_preparer.quote(table)
    for row in conn.exec_driver_sql(f"PRAGMA index_list({quoted})").fetchall():
        index_name, unique, partial = row[1], row[2], row[4] if len(row) > 4 else 0
        if not unique or partial:
            continue
        quoted_index = conn.dialect.identifier_preparer.quote(str(index_name))
        info = conn.exec_driver_sql(f"PRAGMA index_info({quoted_index})").fetchall()
        cols = tuple(str(r[2]) for r in sorted(info) if r[2] is not None)
        if cols:
            out.append(cols)
    return out


def reflect(conn: Connection, only: Iterable[str] | None = None) -> Schema:
    """Reflect the tables of the connection's default schema."""
    dialect = conn.dialect.name
    dialect = "mysql" if dialect == "mariadb" else dialect
    try:
        insp = inspect(conn)
        names = sorted(insp.get_table_names())
        wanted = set(only) if only is not None else None
        pg = None
        if dialect == "postgresql":
            from dataops.demo import pgcatalog

            pg = pgcatalog.read(conn)
            names = [n for n in names if n not in pg.partitions]  # rows go to the parent
        tables: dict[str, Table] = {}
        with warnings.catch_warnings():
            warnings.filterwarnings("ignore", "Did not recognize type", SAWarning)
            for name in names:
                if wanted is not None and name not in wanted:
                    continue
                tables[name] = _reflect_table(conn, insp, name, dialect)
        if pg is not None:
            pgcatalog.apply(tables, pg)
        if dialect == "mysql":
            from dataops.demo import mycatalog

            mycatalog.apply(conn, tables)
    except NoSuchTableError as exc:
        raise DependencyError(f"table disappeared during reflection: {exc}") from None
    except SQLAlchemyError as exc:
        orig = getattr(exc, "orig", None) or exc
        raise DependencyError(
            f"cannot reflect the database schema: {str(orig).splitlines()[0]}"
        ) from None
    return Schema(dialect=dialect, tables=tables)


def _reflect_table(conn: Connection, insp: Any, name: str, dialect: str) -> Table:
    columns: dict[str, Column] = {}
    pk = tuple(insp.get_pk_constraint(name).get("constrained_columns") or ())
    for info in insp.get_columns(name):
        kind, extra = _kind(info["type"], dialect)
        default = info.get("default")
        col = Column(
            name=info["name"],
            kind=kind,
            type_text=_type_text(info["type"], conn.dialect),
            nullable=bool(info.get("nullable", True)),
            has_default=default is not None,
            computed=bool(info.get("computed")),
            **extra,
        )
        if (
            info.get("identity")
            or _is_serial_default(default)
            or (dialect == "mysql" and info.get("autoincrement") is True)
        ):
            col.autoincrement = True
        elif (
            dialect == "sqlite"
            and pk == (col.name,)
            and col.type_text.upper() in ("INTEGER", "INT")
            and kind == "int"
        ):
            col.autoincrement = True  # INTEGER PRIMARY KEY is the rowid
        if col.name in pk:
            col.nullable = False
        if kind == "other" and dialect == "mysql":
            col.pg_type = _mysql_type(conn, name, col.name)  # inet6, inet4...
        columns[col.name] = col
    uniques: list[tuple[str, ...]] = []
    for uc in insp.get_unique_constraints(name):
        cols = tuple(c for c in uc.get("column_names") or () if c)
        if cols and cols not in uniques:
            uniques.append(cols)
    for ix in insp.get_indexes(name):
        names = list(ix.get("column_names") or ())
        expressions = list(ix.get("expressions") or ())
        for i, c in enumerate(names):
            if c is None and i < len(expressions):
                # lower(email), btrim(code)...: distinct values of the one column it reads
                found = referenced_columns(str(expressions[i])) & set(columns)
                names[i] = next(iter(found)) if len(found) == 1 else None
        cols = tuple(c for c in names if c)
        complete = None not in names
        if ix.get("unique") and cols and complete and cols not in uniques and cols != pk:
            uniques.append(cols)
    if dialect == "sqlite":
        for cols in _sqlite_unique_indexes(conn, name):
            if cols not in uniques and cols != pk:
                uniques.append(cols)
    fks = []
    for fk in insp.get_foreign_keys(name):
        if not fk.get("referred_table"):
            continue
        fks.append(
            ForeignKey(
                name=fk.get("name") or f"{name}_{'_'.join(fk['constrained_columns'])}_fkey",
                table=name,
                columns=tuple(fk["constrained_columns"]),
                ref_table=fk["referred_table"],
                ref_columns=tuple(fk["referred_columns"]),
            )
        )
    raw_checks = (
        _mysql_checks(conn, name) if dialect == "mysql" else insp.get_check_constraints(name)
    )
    checks = []
    for i, chk in enumerate(raw_checks):
        cname = chk.get("name") or f"{name}_check{i + 1}"
        sqltext = str(chk.get("sqltext") or "")
        try:
            parsed: ParsedCheck | None = parse_check(cname, sqltext)
            error = ""
        except UnsupportedCheck as exc:
            parsed, error = None, str(exc)
        involved = set(parsed.rules) if parsed else referenced_columns(sqltext) & set(columns)
        checks.append(
            Check(name=cname, sqltext=sqltext, parsed=parsed, columns=involved, error=error)
        )
        if parsed is not None:
            for col_name, rules in parsed.rules.items():
                if col_name in columns:
                    columns[col_name].rules.merge(rules)
                    if rules.json and columns[col_name].kind == "text":
                        columns[col_name].kind = "json"
    return Table(
        name=name, columns=columns, primary_key=pk, uniques=uniques, foreign_keys=fks, checks=checks
    )


# ------------------------------------------------------------------ FK order
@dataclass
class LoadOrder:
    tables: list[str]
    deferred: list[ForeignKey]  # inserted as NULL, updated after every table is loaded
    suspended: list[ForeignKey] = field(default_factory=list)  # NOT NULL cycles: checked at the end


def _sccs(nodes: Sequence[str], edges: dict[str, set[str]]) -> list[list[str]]:
    """Tarjan's strongly connected components (iterative, deterministic)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    on_stack: set[str] = set()
    stack: list[str] = []
    out: list[list[str]] = []
    counter = 0
    for root in nodes:
        if root in index:
            continue
        work = [(root, iter(sorted(edges.get(root, ()))))]
        index[root] = low[root] = counter
        counter += 1
        stack.append(root)
        on_stack.add(root)
        while work:
            node, it = work[-1]
            advanced = False
            for nxt in it:
                if nxt not in index:
                    index[nxt] = low[nxt] = counter
                    counter += 1
                    stack.append(nxt)
                    on_stack.add(nxt)
                    work.append((nxt, iter(sorted(edges.get(nxt, ())))))
                    advanced = True
                    break
                if nxt in on_stack:
                    low[node] = min(low[node], index[nxt])
            if advanced:
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[node])
            if low[node] == index[node]:
                comp = []
                while True:
                    top = stack.pop()
                    on_stack.discard(top)
                    comp.append(top)
                    if top == node:
                        break
                out.append(sorted(comp))
    return out


def load_order(
    tables: Sequence[str], fks: Sequence[ForeignKey], nullable: dict[ForeignKey, bool]
) -> tuple[LoadOrder, list[str]]:
    """Parents first; break cycles with nullable FKs, else suspend one FK of the cycle.

    A cycle of NOT NULL references cannot be inserted row by row: one of its
    foreign keys (a deferrable one when there is one) is *suspended* (checked once
    every table is in, see :mod:`dataops.demo.cycles`).  Returns (order, problems).
    """
    names = sorted(set(tables))
    active = [
        fk for fk in fks if fk.table in names and fk.ref_table in names and fk.table != fk.ref_table
    ]
    deferred: list[ForeignKey] = []
    suspended: list[ForeignKey] = []
    problems: list[str] = []
    while True:
        edges: dict[str, set[str]] = {}
        for fk in active:
            edges.setdefault(fk.table, set()).add(fk.ref_table)  # child depends on parent
        cyclic = [c for c in _sccs(names, edges) if len(c) > 1]
        if not cyclic:
            break
        changed = False
        for comp in cyclic:
            inside = [fk for fk in active if fk.table in comp and fk.ref_table in comp]
            breakable = sorted(
                (fk for fk in inside if nullable.get(fk)), key=lambda f: (f.table, f.name)
            )
            if not breakable:
                pick = sorted(inside, key=lambda f: (not f.deferrable, f.table, f.name))[0]
                suspended.append(pick)
                active.remove(pick)
            else:
                deferred.append(breakable[0])
                active.remove(breakable[0])
            changed = True
        if not changed:
            break
    # Kahn's algorithm with a sorted ready list: deterministic.
    deps = {n: {fk.ref_table for fk in active if fk.table == n} for n in names}
    order: list[str] = []
    ready = sorted(n for n in names if not deps[n])
    while ready:
        node = ready.pop(0)
        order.append(node)
        for other in names:
            if node in deps[other]:
                deps[other].discard(node)
                if not deps[other] and other not in order and other not in ready:
                    ready.append(other)
                    ready.sort()
    for n in names:  # only reachable when a problem was reported above
        if n not in order:
            order.append(n)
    return LoadOrder(tables=order, deferred=deferred, suspended=suspended), problems
