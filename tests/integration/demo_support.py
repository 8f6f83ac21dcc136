"""Helpers for the demo-data tests: apply the example schemas, check every constraint, checksum tables."""

from __future__ import annotations

import hashlib
import re
import sqlite3
import warnings
from pathlib import Path
from typing import Any

from sqlalchemy import inspect, text

from dataops import db
from dataops.cli import run

REPO = Path(__file__).resolve().parents[2]
EXAMPLES = REPO / "examples" / "demo"
TABLES = ("departments", "employees", "customers", "products", "orders", "order_items", "users")


def apply_schema(url: str, dialect: str) -> None:
    apply_sql(url, (EXAMPLES / f"schema.{dialect}.sql").read_text())


def apply_sql(url: str, sql: str) -> None:
    """Run a schema script (statements end with ';' at the end of a line)."""
    if url.startswith("sqlite"):
        path = db.parse(url).database
        assert path
        conn = sqlite3.connect(path)
        conn.executescript(sql)
        conn.close()
        return
    statements = [s for s in re.split(r";\s*\n", re.sub(r"--[^\n]*", "", sql)) if s.strip()]
    engine = db.engine(url)
    with engine.begin() as conn:
        for statement in statements:
            conn.exec_driver_sql(statement)
    engine.dispose()


def small_spec(tmp_path: Path, pool_size: int = 512, extra: str = "") -> Path:
    """The example spec with small pools (fast to build) and optional extra tables."""
    spec = (EXAMPLES / "spec.yaml").read_text()
    spec = spec.replace("locale: en_US\n", f"locale: en_US\npool_size: {pool_size}\n") + extra
    path = tmp_path / "spec.yaml"
    path.write_text(spec)
    return path


def cli(*args: str) -> int:
    """Run the dataops CLI in this process (the same code path as the console script)."""
    return run(list(args))


def scalar(url: str, sql: str) -> Any:
    engine = db.engine(url)
    with engine.connect() as conn:
        value = conn.execute(text(sql)).scalar()
    engine.dispose()
    return value


def execute(url: str, *statements: str) -> None:
    """Run statements in one committed transaction."""
    engine = db.engine(url)
    with engine.begin() as conn:
        for statement in statements:
            conn.exec_driver_sql(statement)
    engine.dispose()


def rows(url: str, sql: str) -> list[tuple[Any, ...]]:
    engine = db.engine(url)
    with engine.connect() as conn:
        out = [tuple(r) for r in conn.execute(text(sql))]
    engine.dispose()
    return out


def assert_integrity(url: str) -> dict[str, int]:
    """Every FK resolves, every PK/unique set is distinct, every CHECK holds; returns row counts."""
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", "Did not recognize type")  # inet6...: not read here
        return _integrity(url)


def _integrity(url: str) -> dict[str, int]:
    engine = db.engine(url)
    insp = inspect(engine)
    counts: dict[str, int] = {}
    dialect = engine.dialect.name
    with engine.connect() as conn:
        q = conn.dialect.identifier_preparer.quote
        for table in insp.get_table_names():
            counts[table] = conn.execute(text(f"SELECT COUNT(*) FROM {q(table)}")).scalar_one()
            for fk in insp.get_foreign_keys(table):
                pairs = list(zip(fk["constrained_columns"], fk["referred_columns"], strict=True))
                present = " AND ".join(f"c.{q(a)} IS NOT NULL" for a, _ in pairs)
                match = " AND ".join(f"p.{q(b)} = c.{q(a)}" for a, b in pairs)
                orphans = conn.execute(
                    text(
                        f"SELECT COUNT(*) FROM {q(table)} c WHERE {present} AND NOT EXISTS "
                        f"(SELECT 1 FROM {q(fk['referred_table'])} p WHERE {match})"
                    )
                ).scalar_one()
                assert orphans == 0, f"{table}: {orphans} rows break {fk}"
            sets = [tuple(insp.get_pk_constraint(table)["constrained_columns"])]
            sets += [tuple(u["column_names"]) for u in insp.get_unique_constraints(table)]
            sets += [tuple(i["column_names"]) for i in insp.get_indexes(table) if i.get("unique")]
            for cols in {s for s in sets if s and None not in s}:  # expressions: the db checked
                listed = ", ".join(q(c) for c in cols)
                present = " AND ".join(f"{q(c)} IS NOT NULL" for c in cols)
                dups = conn.execute(
                    text(
                        f"SELECT COUNT(*) FROM (SELECT {listed} FROM {q(table)} WHERE {present} "
                        f"GROUP BY {listed} HAVING COUNT(*) > 1) d"
                    )
                ).scalar_one()
                assert dups == 0, f"{table}: duplicate values of {cols}"
            if dialect == "mysql":
                checks = conn.execute(
                    text(
                        "SELECT CONSTRAINT_NAME, CHECK_CLAUSE FROM information_schema.CHECK_CONSTRAINTS "
                        "WHERE CONSTRAINT_SCHEMA = DATABASE() AND TABLE_NAME = :t"
                    ),
                    {"t": table},
                ).all()
                clauses = [(str(n), str(c)) for n, c in checks]
            else:
                clauses = [(c["name"], c["sqltext"]) for c in insp.get_check_constraints(table)]
            for name, clause in clauses:
                bad = conn.execute(
                    text(f"SELECT COUNT(*) FROM {q(table)} WHERE NOT ({clause})")
                ).scalar_one()
                assert bad == 0, f"{table}: {bad} rows violate CHECK {name} ({clause})"
    engine.dispose()
    return counts


def checksums(url: str, tables: tuple[str, ...] = TABLES) -> dict[str, str]:
    """md5 of each table's rows (sorted, so any column type works)."""
    engine = db.engine(url)
    inspect(engine)
    out = {}
    with engine.connect() as conn:
        q = conn.dialect.identifier_preparer.quote
        for table in tables:
            digest = hashlib.md5(usedforsecurity=False)
            result = conn.execute(text(f"SELECT * FROM {q(table)}"))
            for line in sorted(repr(tuple(row)) for row in result):  # any column type
                digest.update(line.encode())
            out[table] = digest.hexdigest()
    engine.dispose()
    return out
