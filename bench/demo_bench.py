"""Benchmark `dataops demo load`: a 6-column customers table into PostgreSQL and MariaDB.

    .venv/bin/python bench/demo_bench.py [--rows 1000000] [--db postgresql|mariadb|both] [--pool-cache]
                                         [--case customers|cycle|both]

``--case cycle`` loads a NOT NULL foreign-key cycle instead (``store.manager_staff_id
-> staff``, ``staff.store_id -> store``, neither nullable nor deferrable; ``--rows``
staff, a tenth as many stores): PostgreSQL drops one FK and re-creates it in the
load's transaction (validating every row), MariaDB loads with foreign_key_checks=0
and runs one orphan query per FK before commit; the time of that check is printed.

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

CYCLE_SPEC = """\
version: 1
seed: 7
tables:
  store:
    rows: {stores}
    columns:
      manager_staff_id: {{ref: staff.staff_id}}
      address: {{fake: street_address}}
  staff:
    rows: {{per: store, min: 8, max: 12}}
    columns:
      store_id: {{ref: store.store_id}}
      first_name: {{fake: first_name}}
      username: {{template: "user{{row}}"}}
"""

PG_CYCLE = [
    "CREATE TABLE store (store_id serial PRIMARY KEY, manager_staff_id integer NOT NULL, "
    "address text NOT NULL)",
    "CREATE TABLE staff (staff_id serial PRIMARY KEY, "
    "store_id integer NOT NULL REFERENCES store(store_id), first_name text NOT NULL, "
    "username text NOT NULL UNIQUE)",
    "ALTER TABLE store ADD CONSTRAINT store_manager_fk FOREIGN KEY (manager_staff_id) "
    "REFERENCES staff(staff_id)",
]

MY_CYCLE = [
    "CREATE TABLE store (store_id int AUTO_INCREMENT PRIMARY KEY, "
    "manager_staff_id int NOT NULL, address varchar(200) NOT NULL) ENGINE=InnoDB",
    "CREATE TABLE staff (staff_id int AUTO_INCREMENT PRIMARY KEY, store_id int NOT NULL, "
    "first_name varchar(60) NOT NULL, username varchar(40) NOT NULL UNIQUE, "
    "CONSTRAINT staff_store_fk FOREIGN KEY (store_id) REFERENCES store(store_id)) ENGINE=InnoDB",
    "ALTER TABLE store ADD CONSTRAINT store_manager_fk FOREIGN KEY (manager_staff_id) "
    "REFERENCES staff(staff_id)",
]

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
        checked = (
            f"  FKs {', '.join(report.checked)} checked in {report.check_seconds:.2f}s"
            if report.checked
            else ""
        )
        print(
            f"{name:<20} {attempt:<6} rows={report.rows:>9,}  wall={wall:6.2f}s  "
            f"{report.rows / wall:>9,.0f} rows/s overall  {report.rows / insert:>9,.0f} rows/s insert  "
            f"peak RSS {peak_rss_mb():.0f} MB{checked}",
            flush=True,
        )


def _my_execute(url: str, sql: str) -> None:
    from dataops import db

    engine = db.engine(url)
    with engine.begin() as conn:
        conn.exec_driver_sql(sql)
    engine.dispose()


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--db", choices=["postgresql", "mariadb", "both"], default="both")
    parser.add_argument("--pool-cache", action="store_true", help="use the Faker pool disk cache")
    parser.add_argument("--case", choices=["customers", "cycle", "both"], default="customers")
    args = parser.parse_args()
    if not args.pool_cache:
        os.environ["DATAOPS_DEMO_POOL_CACHE"] = "off"
    cases = ["customers", "cycle"] if args.case == "both" else [args.case]
    with tempfile.TemporaryDirectory() as tmp:
        specs = {
            "customers": Path(tmp) / "bench.yaml",
            "cycle": Path(tmp) / "cycle.yaml",
        }
        specs["customers"].write_text(SPEC.format(rows=args.rows))
        specs["cycle"].write_text(CYCLE_SPEC.format(stores=max(1, args.rows // 10)))
        if args.db in ("postgresql", "both"):
            from tests.harness.postgres import start_postgres

            pg = start_postgres()
            try:
                for case in cases:
                    pg.execute(f"CREATE DATABASE {case}")
                    for ddl in [PG_DDL] if case == "customers" else PG_CYCLE:
                        pg.execute(ddl, case)
                    run(f"postgresql {case}", pg.url(case), args.rows, specs[case])
            finally:
                pg.destroy()
        if args.db in ("mariadb", "both"):
            from tests.harness.mariadb import start_mariadb

            my = start_mariadb()
            try:
                for case in cases:
                    url = my.create_database(case) if case != "customers" else my.url("dataops")
                    for ddl in [MY_DDL] if case == "customers" else MY_CYCLE:
                        _my_execute(url, ddl)
                    run(f"mariadb {case}", url, args.rows, specs[case])
            finally:
                my.destroy()


if __name__ == "__main__":
    main()
