"""Benchmark the migration splitter and the per-statement runner overhead.

    .venv/bin/python bench/migrate_bench.py [--statements 20000]

1. splits a generated PostgreSQL file (INSERTs with quoted strings, a dollar-quoted
   function body, comments) and reports MB/s;
2. applies the same kind of file as one migration to a SQLite database (one transaction,
   one statement at a time) and reports statements/s.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from dataops.migrate.golang import GolangMigrator
from dataops.migrate.splitter import split


def postgres_file(n: int) -> str:
    parts = [
        "-- generated seed\n",
        "CREATE FUNCTION f() RETURNS int AS $$ BEGIN RETURN 1; END; $$ LANGUAGE plpgsql;\n",
    ]
    for i in range(n):
        parts.append(
            f"INSERT INTO items (id, name, note) VALUES ({i}, 'item; {i}', E'it\\'s #{i}'); /* c */\n"
        )
    return "".join(parts)


def sqlite_file(n: int) -> str:
    rows = "".join(f"INSERT INTO items (id, name) VALUES ({i}, 'item; {i}');\n" for i in range(n))
    return "CREATE TABLE items (id INTEGER PRIMARY KEY, name TEXT);\n" + rows


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--statements", type=int, default=20000)
    args = parser.parse_args()

    sql = postgres_file(args.statements)
    size_mb = len(sql.encode()) / 1e6
    started = time.perf_counter()
    statements = split(sql, "postgresql")
    seconds = time.perf_counter() - started
    assert len(statements) == args.statements + 1
    print(
        f"split: {len(statements)} statements, {size_mb:.1f} MB in {seconds:.2f} s "
        f"= {size_mb / seconds:.1f} MB/s"
    )

    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "migrations"
        folder.mkdir()
        (folder / "1_seed.up.sql").write_text(sqlite_file(args.statements))
        migrator = GolangMigrator(f"sqlite:///{tmp}/bench.db", folder)
        started = time.perf_counter()
        result = migrator.up()
        seconds = time.perf_counter() - started
        count = result.applied[0].statements
        print(
            f"apply (SQLite, one transaction): {count} statements in {seconds:.2f} s "
            f"= {count / seconds:,.0f} statements/s"
        )


if __name__ == "__main__":
    main()
