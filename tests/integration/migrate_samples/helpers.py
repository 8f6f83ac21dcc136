"""Shared helpers for the migrate tests: sample folders, schema snapshots, history rows."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

from sqlalchemy import inspect, text

from dataops import db

SAMPLES = Path(__file__).resolve().parent
ALEMBIC_INI = SAMPLES / "alembic_project" / "alembic.ini"


def copy_sample(name: str, dest: Path) -> Path:
    """A private copy of a sample folder (tests edit files)."""
    target = dest / name
    shutil.copytree(SAMPLES / name, target)
    return target


def snapshot(url: str) -> dict[str, Any]:
    """The schema as SQLAlchemy reflects it (plus PostgreSQL enums, functions and views)."""
    engine = db.engine(url)
    try:
        insp = inspect(engine)
        out: dict[str, Any] = {}
        for table in sorted(insp.get_table_names()):
            out[table] = {
                "columns": [
                    (c["name"], str(c["type"]), c["nullable"], str(c.get("default")))
                    for c in insp.get_columns(table)
                ],
                "pk": insp.get_pk_constraint(table).get("constrained_columns"),
                "fks": sorted(
                    (tuple(f["constrained_columns"]), f["referred_table"])
                    for f in insp.get_foreign_keys(table)
                ),
                "indexes": sorted(
                    (i["name"], tuple(str(c) for c in i["column_names"]), bool(i["unique"]))
                    for i in insp.get_indexes(table)
                ),
                "unique": sorted(
                    tuple(u["column_names"]) for u in insp.get_unique_constraints(table)
                ),
            }
        out["views"] = sorted(insp.get_view_names())
        if engine.dialect.name == "postgresql":
            with engine.connect() as conn:
                out["enums"] = [
                    tuple(r)
                    for r in conn.execute(
                        text(
                            "SELECT t.typname, string_agg(e.enumlabel, ',' ORDER BY e.enumsortorder)"
                            " FROM pg_type t JOIN pg_enum e ON e.enumtypid = t.oid"
                            " GROUP BY t.typname ORDER BY 1"
                        )
                    )
                ]
                out["functions"] = [
                    tuple(r)
                    for r in conn.execute(
                        text(
                            "SELECT p.proname, md5(pg_get_functiondef(p.oid)) FROM pg_proc p"
                            " JOIN pg_namespace n ON n.oid = p.pronamespace"
                            " WHERE n.nspname = 'public' ORDER BY 1"
                        )
                    )
                ]
        elif engine.dialect.name == "mysql":
            with engine.connect() as conn:
                out["triggers"] = [
                    tuple(r)
                    for r in conn.execute(
                        text(
                            "SELECT trigger_name, md5(action_statement) FROM information_schema.triggers"
                            " WHERE trigger_schema = DATABASE() ORDER BY 1"
                        )
                    )
                ]
        else:
            with engine.connect() as conn:
                out["triggers"] = [
                    tuple(r)
                    for r in conn.execute(
                        text(
                            "SELECT name, sql FROM sqlite_master WHERE type = 'trigger' ORDER BY 1"
                        )
                    )
                ]
        return out
    finally:
        engine.dispose()


def rows(url: str, sql: str) -> list[tuple[Any, ...]]:
    engine = db.engine(url)
    try:
        with engine.connect() as conn:
            return [tuple(r) for r in conn.execute(text(sql))]
    finally:
        engine.dispose()


def version_row(url: str) -> list[tuple[Any, ...]]:
    return [(int(v), bool(d)) for v, d in rows(url, "SELECT version, dirty FROM schema_migrations")]


def history(url: str) -> list[tuple[Any, ...]]:
    """(version, direction, outcome) of every dataops_migrations row, oldest first."""
    return rows(
        url,
        "SELECT version, direction, outcome FROM dataops_migrations WHERE tool = 'migrate' ORDER BY id",
    )


def go_url(url: str) -> str:
    """The same database as golang-migrate's CLI wants it."""
    from sqlalchemy.engine import make_url

    u = make_url(url)
    if u.get_backend_name() == "postgresql":
        return (
            f"postgres://{u.username}:{u.password}@{u.host}:{u.port}/{u.database}?sslmode=disable"
        )
    return f"mysql://{u.username}:{u.password}@tcp({u.host}:{u.port})/{u.database}"


def execute(url: str, sql: str) -> None:
    """Run one statement and commit."""
    engine = db.engine(url)
    try:
        with engine.begin() as conn:
            conn.execute(text(sql))
    finally:
        engine.dispose()
