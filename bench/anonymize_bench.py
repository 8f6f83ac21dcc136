"""Benchmark ``dataops anonymize`` against ``sed`` on the same dump.

Starts a throwaway PostgreSQL cluster (the test harness), generates a database
with a ``users`` table (2M rows x scale, 10 PII-like columns) and a kept
``orders`` table (3M rows x scale), dumps it with the real ``pg_dump`` (plain,
and directory/custom when asked), then times on the same files:

* ``sed`` (one substitution over the whole dump) -- the speed of a byte filter;
* ``dataops anonymize`` with 8 transformed columns, per format,

and prints MB/s (of the input dump), rows/s and the peak RSS of the largest
process (``wait4``: the anonymizer or one of its workers).

    .venv/bin/python bench/anonymize_bench.py                 # scales 0.5 and 1.0 (~325 / ~650 MB)
    .venv/bin/python bench/anonymize_bench.py --scales 0.1 --formats plain,directory,custom
"""

from __future__ import annotations

import argparse
import os
import random
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from tests.harness.postgres import PgServer, start_postgres  # noqa: E402

USERS = 2_000_000
ORDERS = 3_000_000

RULES = """
version: 1
secret: ${DATAOPS_ANONYMIZE_SECRET:-bench-secret-not-for-production}
tables:
  public.users:
    columns:
      id: keep
      first_name: {transform: fake, provider: first_name}
      last_name: {transform: fake, provider: last_name}
      email: {transform: email, domain: example.com, unique: true}
      phone: {transform: mask, keep_last: 2}
      street: {transform: fake, provider: street_address}
      city: keep
      zip: keep
      birth_date: {transform: date_shift, max_days: 180}
      ssn: {transform: hash, length: 24, unique: true}
      iban: {transform: hash, length: 22, prefix: DE}
      created_at: keep
  public.orders: keep
"""


def _words(seed: int, n: int, kind: str) -> list[str]:
    from faker import Faker

    fake = Faker("en_US")
    fake.seed_instance(seed)
    method = getattr(fake, kind)
    out = sorted({method().replace("'", "") for _ in range(n * 3)})
    random.Random(seed).shuffle(out)
    return out[:n]


def _array(values: list[str]) -> str:
    return "ARRAY[" + ",".join("'" + v + "'" for v in values) + "]"


def create_database(pg: PgServer, name: str, scale: float) -> tuple[int, int]:
    users = int(USERS * scale)
    orders = int(ORDERS * scale)
    first_words, last_words = _words(1, 400, "first_name"), _words(2, 600, "last_name")
    nf, nl = len(first_words), len(last_words)
    firsts, lasts = _array(first_words), _array(last_words)
    cities = _array(_words(3, 300, "city"))
    streets = _array(_words(4, 200, "street_name"))
    products = _array(_words(5, 100, "catch_phrase"))
    pg.create_database(name)
    sql = f"""
    CREATE TABLE public.users (
      id bigint PRIMARY KEY,
      first_name text NOT NULL,
      last_name text NOT NULL,
      email text NOT NULL UNIQUE,
      phone text,
      street text,
      city text,
      zip text,
      birth_date date,
      ssn text UNIQUE,
      iban text,
      created_at timestamptz NOT NULL
    );
    CREATE TABLE public.orders (
      id bigint PRIMARY KEY,
      user_id bigint NOT NULL,
      product text NOT NULL,
      quantity integer NOT NULL,
      amount numeric(10,2) NOT NULL,
      status text NOT NULL,
      created_at timestamptz NOT NULL
    );
    INSERT INTO public.users
    SELECT g,
      ({firsts})[(1 + g % {nf})::int],
      ({lasts})[(1 + (g * 7) % {nl})::int],
      lower(({firsts})[(1 + g % {nf})::int]) || '.' || lower(({lasts})[(1 + (g * 7) % {nl})::int]) || g || '@mail'
        || (g % 97) || '.example.org',
      '+1 ' || lpad(((g::bigint * 7919) % 10000000000)::text, 10, '0'),
      (1 + g % 9973) || ' ' || ({streets})[(1 + g % array_length({streets}, 1))::int],
      ({cities})[(1 + (g * 13) % array_length({cities}, 1))::int],
      lpad(((g * 31) % 99999)::text, 5, '0'),
      date '1940-01-01' + ((g * 37) % 25000)::int,
      lpad(((g::bigint * 104729) % 1000000000)::text, 9, '0'),
      'DE' || lpad(((g::bigint * 2654435761) % 100000000000000000000)::text, 20, '0'),
      timestamptz '2020-01-01 00:00:00+00' + make_interval(secs => (g * 17) % 100000000)
    FROM generate_series(1, {users}::bigint) g;
    INSERT INTO public.orders
    SELECT g, 1 + (g * 7) % {users}, ({products})[(1 + g % array_length({products}, 1))::int], (1 + g % 5)::int,
      ((g * 7919) % 100000) / 100.0, (ARRAY['paid','shipped','refunded','pending'])[(1 + g % 4)::int],
      timestamptz '2021-01-01 00:00:00+00' + make_interval(secs => (g * 13) % 90000000)
    FROM generate_series(1, {orders}::bigint) g;
    ALTER TABLE public.orders ADD FOREIGN KEY (user_id) REFERENCES public.users(id);
    """
    with pg.connect(name) as conn, conn.cursor() as cur:
        cur.execute(sql.encode())
    return users, orders


@dataclass
class Run:
    label: str
    seconds: float
    size: int
    rows: int
    rss_mb: float
    cpu: float = field(default_factory=lambda: LAST_CPU[0])  # of the last timed() run

    def line(self) -> str:
        mbs = self.size / 1e6 / self.seconds
        rows = f"{self.rows / self.seconds:>12,.0f}" if self.rows else f"{'':>12}"
        return (
            f"{self.label:<34} {self.size / 1e6:>8.0f} MB {self.seconds:>7.2f} s "
            f"{mbs:>7.1f} MB/s {rows} rows/s {self.rss_mb:>7.0f} MB RSS {self.cpu:>6.1f} s CPU"
        )


LAST_CPU = [0.0]


def timed(
    argv: list[str], env: dict[str, str], stdout_path: Path | None = None
) -> tuple[float, float]:
    """(seconds, peak RSS MB of the largest process of the run)."""
    out = open(stdout_path, "wb") if stdout_path else subprocess.DEVNULL  # noqa: SIM115
    started = time.monotonic()
    proc = subprocess.Popen(argv, env=env, stdout=out, stderr=subprocess.PIPE)
    assert proc.stderr is not None
    err = proc.stderr.read()
    _, status, usage = os.wait4(proc.pid, 0)
    seconds = time.monotonic() - started
    proc.returncode = os.waitstatus_to_exitcode(status)
    if stdout_path:
        out.close()  # type: ignore[union-attr]
    if proc.returncode != 0:
        raise SystemExit(f"{argv[0]} failed ({proc.returncode}): {err.decode()[-2000:]}")
    LAST_CPU[0] = usage.ru_utime + usage.ru_stime  # the run and its reaped workers
    return seconds, usage.ru_maxrss / 1024


def size_of(path: Path) -> int:
    if path.is_dir():
        return sum(p.stat().st_size for p in path.iterdir())
    return path.stat().st_size


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--scales", default="0.5,1.0", help="comma-separated sizes (1.0 = ~650 MB)")
    parser.add_argument("--formats", default="plain,directory", help="plain,directory,custom")
    parser.add_argument("--jobs", type=int, default=None, help="--jobs for dataops (default: CPUs)")
    parser.add_argument("--workdir", default=None, help="where dumps go (default: a temp dir)")
    args = parser.parse_args()
    formats = args.formats.split(",")
    work = Path(args.workdir or tempfile.mkdtemp(prefix="dataops-bench-"))
    work.mkdir(parents=True, exist_ok=True)
    rules = work / "rules.yaml"
    rules.write_text(RULES)
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DATAOPS_", "PG"))}
    env["DATAOPS_LOG_LEVEL"] = "warning"
    jobs = ["--jobs", str(args.jobs)] if args.jobs else []
    pg = start_postgres()
    results: list[str] = []
    try:
        pg_env = {**env, **pg.libpq_env()}
        from dataops import tools

        pg_dump = tools.find("pg_dump")
        print(f"CPUs: {os.cpu_count()}  pg_dump: {pg_dump}  workdir: {work}", flush=True)
        for scale in [float(s) for s in args.scales.split(",")]:
            name = f"bench_{str(scale).replace('.', '_')}"
            t0 = time.monotonic()
            users, orders = create_database(pg, name, scale)
            print(
                f"scale {scale}: generated {users:,} users + {orders:,} orders in "
                f"{time.monotonic() - t0:.0f} s",
                flush=True,
            )
            dump = work / f"{name}.sql"
            env_db = {**pg_env, "PGDATABASE": name}
            secs, _ = timed([pg_dump, "-Fp", "-f", str(dump)], env_db)
            size = dump.stat().st_size
            rows = users + orders
            results.append(Run(f"pg_dump -Fp (scale {scale})", secs, size, rows, 0).line())
            secs, rss = timed(["sed", "-e", "s/@mail/@post/", str(dump)], env, work / "sed.out")
            results.append(Run(f"sed (scale {scale})", secs, size, rows, rss).line())
            (work / "sed.out").unlink()
            dataops = [
                sys.executable,
                "-m",
                "dataops",
                "anonymize",
                "--config",
                str(rules),
                "--no-progress",
            ]
            if "plain" in formats:
                out = work / "anon.sql"
                secs, rss = timed([*dataops, *jobs, str(dump), "-o", str(out)], env)
                results.append(Run(f"dataops plain (scale {scale})", secs, size, rows, rss).line())
                secs, rss = timed([*dataops, "--jobs", "1", str(dump), "-o", str(out)], env)
                results.append(
                    Run(f"dataops plain -j1 (scale {scale})", secs, size, rows, rss).line()
                )
                out.unlink()
            if "directory" in formats:
                ddir = work / f"{name}.dir"
                shutil.rmtree(ddir, ignore_errors=True)
                timed([pg_dump, "-Fd", "-Z", "0", "-j", "2", "-f", str(ddir)], env_db)
                out = work / "anon.dir"
                shutil.rmtree(out, ignore_errors=True)
                secs, rss = timed([*dataops, *jobs, str(ddir), "-o", str(out)], env)
                results.append(
                    Run(
                        f"dataops directory -Z0 (scale {scale})", secs, size_of(ddir), rows, rss
                    ).line()
                )
                shutil.rmtree(out, ignore_errors=True)
                shutil.rmtree(ddir, ignore_errors=True)
            if "custom" in formats:
                cdump = work / f"{name}.dump"
                timed([pg_dump, "-Fc", "-Z", "0", "-f", str(cdump)], env_db)
                out = work / "anon.dump"
                secs, rss = timed([*dataops, *jobs, str(cdump), "-o", str(out)], env)
                results.append(
                    Run(
                        f"dataops custom -Z0 (scale {scale})", secs, size_of(cdump), rows, rss
                    ).line()
                )
                out.unlink()
                cdump.unlink()
            dump.unlink()
            pg.drop_database(name)
            print("\n".join(results[-8:]), flush=True)
        print("\nsummary")
        print("\n".join(results))
    finally:
        pg.destroy()
        if not args.workdir:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
