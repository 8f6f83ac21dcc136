"""Benchmark `dataops demo load`: a 6-column customers table into PostgreSQL and MariaDB.

    .venv/bin/python bench/demo_bench.py [--rows 1000000] [--db postgresql|mariadb|both] [--pool-cache]

Starts throwaway servers with the test harness (tests/harness), creates the table,
loads it twice (first into the empty table, then with --reset, which empties it in
the same transaction) and prints rows/s for the whole `load()` call (spec, connect,
reflect, plan, Faker pools, bulk load, commit), rows/s of the bulk load alone and
the peak RSS of this process.  The Faker pool disk cache is off unless
--pool-cache is given, so the figures include building the pools with Faker.
"""

from __future__ import annotations

import argparse
import os
import resource
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from dataops.config.settings import Settings  # noqa: E402
from dataops.demo.load import LoadOptions, load  # noqa: E402

SPEC = """\
version: 1
seed: 7
tables:
  customers:
    rows: {rows}
    columns:
      name: {{fake: name}}
      email: {{fake: email, unique: true}}
      phone: {{fake: phone_number}}
      address: {{fake: address}}
      signed_up: {{date_between: ["2018-01-01", "2024-12-31"]}}
      tier: {{choice: [free, pro, enterprise], weights: [80, 15, 5]}}
"""

PG_DDL = """
CREATE TABLE customers (
    id bigserial PRIMARY KEY,
    name text NOT NULL,
    email text NOT NULL UNIQUE,
    phone text NOT NULL,
    address text NOT NULL,
    signed_up date NOT NULL,
    tier text NOT NULL
)"""

MY_DDL = """
CREATE TABLE customers (
    id bigint AUTO_INCREMENT PRIMARY KEY,
    name varchar(100) NOT NULL,
    email varchar(200) NOT NULL UNIQUE,
    phone varchar(40) NOT NULL,
    address varchar(300) NOT NULL,
    signed_up date NOT NULL,
    tier varchar(20) NOT NULL
) ENGINE=InnoDB"""


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def run(name: str, url: str, rows: int, spec: Path) -> None:
    settings = Settings()
    for attempt, reset in (("empty", False), ("reset", True)):
        started = time.perf_counter()
        report = load(settings, LoadOptions(config=spec, database_url=url, reset=reset))
        wall = time.perf_counter() - started
        insert = sum(t.seconds for t in report.tables)
        print(
            f"{name:<10} {attempt:<6} rows={report.rows:>9,}  wall={wall:6.2f}s  "
            f"{report.rows / wall:>9,.0f} rows/s overall  {report.rows / insert:>9,.0f} rows/s insert  "
            f"peak RSS {peak_rss_mb():.0f} MB",
            flush=True,
        )


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--db", choices=["postgresql", "mariadb", "both"], default="both")
    parser.add_argument("--pool-cache", action="store_true", help="use the Faker pool disk cache")
    args = parser.parse_args()
    if not args.pool_cache:
        os.environ["DATAOPS_DEMO_POOL_CACHE"] = "off"
    with tempfile.TemporaryDirectory() as tmp:
        spec = Path(tmp) / "bench.yaml"
        spec.write_text(SPEC.format(rows=args.rows))
        if args.db in ("postgresql", "both"):
            from tests.harness.postgres import start_postgres

            pg = start_postgres()
            try:
                pg.execute("CREATE DATABASE bench")
                pg.execute(PG_DDL, "bench")
                run("postgresql", pg.url("bench"), args.rows, spec)
            finally:
                pg.destroy()
        if args.db in ("mariadb", "both"):
            from tests.harness.mariadb import start_mariadb

            my = start_mariadb()
            try:
                my.execute(MY_DDL)
                run("mariadb", my.url("dataops"), args.rows, spec)
            finally:
                my.destroy()


if __name__ == "__main__":
    main()
