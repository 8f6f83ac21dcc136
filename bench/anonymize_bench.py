"""Benchmark ``dataops anonymize`` side by side with ``pg_dump`` and ``sed`` on one database.

Starts a throwaway PostgreSQL cluster (the test harness), generates a database with a
``users`` table (2M rows x scale, 12 columns, 8 transformed) and a kept ``orders`` table
(3M rows x scale), dumps it with the real ``pg_dump`` in each format, then times, in
one run (so under the same machine load):

* ``pg_dump -Fp`` to /dev/null -- the reference: what anonymizing is measured against;
* ``sed`` over the plain file -- the speed of a byte filter (the practical ceiling);
* ``dataops anonymize`` from each file format to a file (plain, custom ``-Z0``, custom
  gzip, directory ``-Z0``), and ``--source`` (pg_dump run by dataops, plain output);

and prints seconds, MB/s of the plain dump's size (the same data in every format),
rows/s, the ratio to ``pg_dump`` (throughput for files: target >= 1.0; wall time for
``--source``: target <= 1.5), peak RSS of the largest process (``wait4``) and CPU
seconds.  ``--repeat N`` interleaves N rounds and keeps the best of each.

Wall times on a shared machine are noisy (the load average is printed with each
round); ``--instructions`` adds a noise-free figure: instructions per transformed row
of the table transform (``valgrind --tool=callgrind`` on synthetic rows of the same
shape: the difference between transforming N rows and not, so start-up and making the
rows are not counted), compiled and pure-Python.

    .venv/bin/python bench/anonymize_bench.py                       # scale 1.0 (~650 MB), all
    .venv/bin/python bench/anonymize_bench.py --scale 0.5 --repeat 3 --instructions
    .venv/bin/python bench/anonymize_bench.py --formats plain --no-source
"""

from __future__ import annotations

import argparse
import os
import random
import re
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

USERS = 2_000_000
ORDERS = 3_000_000
FORMATS = ("plain", "custom", "custom-gz", "directory")

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

USERS_DDL = """CREATE TABLE public.users (
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
);"""


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


def create_database(pg: object, name: str, scale: float) -> tuple[int, int]:
    users = int(USERS * scale)
    orders = int(ORDERS * scale)
    first_words, last_words = _words(1, 400, "first_name"), _words(2, 600, "last_name")
    nf, nl = len(first_words), len(last_words)
    firsts, lasts = _array(first_words), _array(last_words)
    cities = _array(_words(3, 300, "city"))
    streets = _array(_words(4, 200, "street_name"))
    products = _array(_words(5, 100, "catch_phrase"))
    pg.create_database(name)  # type: ignore[attr-defined]
    sql = f"""
    {USERS_DDL}
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
    with pg.connect(name) as conn, conn.cursor() as cur:  # type: ignore[attr-defined]
        cur.execute(sql.encode())
    return users, orders


@dataclass
class Run:
    label: str
    seconds: float
    rss_mb: float
    cpu: float


GNU_TIME = shutil.which("time") if Path("/usr/bin/time").exists() else None


def timed(
    argv: list[str], env: dict[str, str], stdout_path: Path | None = None, cwd: Path | None = None
) -> Run:
    """Wall seconds, peak RSS of the largest process of the run and CPU seconds of the
    process tree.  The peak RSS comes from GNU ``time`` (a small parent: ``wait4`` of a
    child forked from this Python process would count this process's own RSS)."""
    out = open(stdout_path, "wb") if stdout_path else subprocess.DEVNULL  # noqa: SIM115
    report = Path(tempfile.mkstemp(prefix="dataops-bench-time-")[1])
    wrapper = [GNU_TIME, "-f", "%M", "-o", str(report)] if GNU_TIME else []
    started = time.monotonic()
    proc = subprocess.Popen([*wrapper, *argv], env=env, stdout=out, stderr=subprocess.PIPE, cwd=cwd)
    assert proc.stderr is not None
    err = proc.stderr.read()
    _, status, usage = os.wait4(proc.pid, 0)
    seconds = time.monotonic() - started
    if stdout_path:
        out.close()  # type: ignore[union-attr]
    code = os.waitstatus_to_exitcode(status)
    rss = usage.ru_maxrss / 1024
    if GNU_TIME:
        text = report.read_text().strip().splitlines()
        rss = int(text[-1]) / 1024 if text and text[-1].isdigit() else 0.0
    report.unlink(missing_ok=True)
    if code != 0:
        raise SystemExit(f"{argv[0]} failed ({code}): {err.decode()[-2000:]}")
    return Run("", seconds, rss, usage.ru_utime + usage.ru_stime)


def warm(path: Path) -> None:
    """Read an input once, untimed, so every run starts from the page cache (as pg_dump
    starts from a database in shared buffers and the page cache)."""
    for file in sorted(path.iterdir()) if path.is_dir() else [path]:
        with open(file, "rb") as fh:
            while fh.read(1 << 20):
                pass


def remove(path: Path) -> None:
    if path.is_dir():
        shutil.rmtree(path)
    else:
        path.unlink(missing_ok=True)


def table(best: dict[str, Run], size: int, rows: int, loads: list[float]) -> str:
    ref = best["pg_dump -Fp > /dev/null"].seconds
    lines = [
        f"load average (1 min) at the start of each round: {', '.join(f'{x:.1f}' for x in loads)}",
        f"{'run':<34} {'seconds':>8} {'MB/s':>7} {'rows/s':>11} {'vs pg_dump':>11} "
        f"{'peak RSS':>9} {'CPU s':>6}",
    ]
    for label, run in best.items():
        mbs = size / 1e6 / run.seconds
        if label.startswith("dataops --source"):
            ratio = f"{run.seconds / ref:.2f}x time"
        else:
            ratio = f"{ref / run.seconds:.2f}x thru"
        rss = f"{run.rss_mb:.0f} MB" if run.rss_mb else "-"
        lines.append(
            f"{label:<34} {run.seconds:>8.2f} {mbs:>7.0f} {rows / run.seconds:>11,.0f} "
            f"{ratio:>11} {rss:>9} {run.cpu:>6.1f}"
        )
    return "\n".join(lines)


# ---------------------------------------------------------------- instructions per row


def synthetic_users(n: int) -> bytes:
    """COPY text rows shaped like the generated ``users`` table (the same expressions)."""
    rng = random.Random(7)
    firsts = [f"First{i}" for i in range(400)]
    lasts = [f"Last{i}" for i in range(600)]
    streets = [f"Street {i} Way" for i in range(200)]
    out = []
    for g in range(1, n + 1):
        first, last = firsts[g % 400], lasts[(g * 7) % 600]
        day = 1 + (g * 37) % 25000 % 28
        out.append(
            f"{g}\t{first}\t{last}\t{first.lower()}.{last.lower()}{g}@mail{g % 97}.example.org\t"
            f"+1 {(g * 7919) % 10000000000:010d}\t{1 + g % 9973} {streets[g % 200]}\t"
            f"City{(g * 13) % 300}\t{(g * 31) % 99999:05d}\t"
            f"{1940 + (g * 37) % 80}-{1 + g % 12:02d}-{day:02d}\t{(g * 104729) % 10**9:09d}\t"
            f"DE{(g * 2654435761) % 10**20:020d}\t2020-01-0{1 + rng.randrange(9)} 00:00:00+00\n"
        )
    return "".join(out).encode()


def transform_rows(n: int, pure: bool, transform: bool = True) -> None:
    """Transform ``n`` synthetic users rows in 1 MB reads (run under callgrind); without
    ``transform`` only everything else (the rows are made, the plan is built)."""
    from dataops.anonymize import speedups
    from dataops.anonymize.engine_api import TableData
    from dataops.anonymize.formats.ddl import Catalog
    from dataops.anonymize.plan import Plan
    from dataops.anonymize.rules import parse_rules

    if pure:
        speedups.use(False)
    data = synthetic_users(n)
    rules = RULES.split("  public.orders: keep")[0]
    plan = Plan(parse_rules(rules, "bench.yaml", {}))
    catalog = Catalog()
    catalog.add_sql(USERS_DDL)
    columns = tuple(re.findall(r"^  (\w+) ", USERS_DDL, re.M))
    table = TableData("public", "users", columns)
    plan.check(catalog, [table])
    transformer = plan.transformer(table)
    transformer.feed(b"")  # everything built before the rows
    if not transform:
        return
    for at in range(0, len(data), 1 << 20):
        transformer.feed(data[at : at + (1 << 20)])
    transformer.finish()
    assert transformer.rows == n


def callgrind_instructions(n: int, pure: bool, transform: bool, code: str | None) -> int:
    out = Path(tempfile.mkdtemp(prefix="dataops-cg-")) / "cg.out"
    argv = ["valgrind", "--tool=callgrind", f"--callgrind-out-file={out}"]
    argv += [sys.executable, __file__, "--transform-rows", str(n)]
    argv += ["--pure"] * pure + ["--no-transform"] * (not transform)
    argv += ["--baseline", code] if code else []
    result = subprocess.run(argv, capture_output=True, text=True, check=True)
    match = re.search(r"Collected : (\d+)", result.stderr)
    shutil.rmtree(out.parent, ignore_errors=True)
    assert match, result.stderr[-2000:]
    return int(match.group(1))


def instructions_per_row(rows: int, baseline: str | None) -> str:
    if shutil.which("valgrind") is None:
        return "instructions per row: valgrind is not installed (apt-get install valgrind)"
    lines = []
    for code in (None, baseline) if baseline else (None,):
        for pure in (False, True):
            n = rows // 10 if pure else rows
            with_rows = callgrind_instructions(n, pure, True, code)
            per_row = (with_rows - callgrind_instructions(n, pure, False, code)) / n
            path = "pure Python" if pure else "compiled"
            which = " [baseline]" if code else ""
            lines.append(
                f"instructions per transformed users row{which} ({path}, {n:,} rows): {per_row:,.0f}"
            )
    return "\n".join(lines)


# ---------------------------------------------------------------- main


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--scale", type=float, default=1.0, help="1.0 = 2M users + 3M orders")
    parser.add_argument("--formats", default=",".join(FORMATS), help=",".join(FORMATS))
    parser.add_argument("--no-source", action="store_true", help="skip the --source run")
    parser.add_argument("--repeat", type=int, default=1, help="rounds (best of each kept)")
    parser.add_argument("--jobs", type=int, default=None, help="--jobs for dataops (default: CPUs)")
    parser.add_argument("--workdir", default=None, help="where dumps go (default: a temp dir)")
    parser.add_argument("--instructions", action="store_true", help="callgrind: Ir per row")
    parser.add_argument(
        "--baseline",
        default=None,
        help="another checkout of dataops (its extension built in place) to run side by side",
    )
    parser.add_argument("--instruction-rows", type=int, default=20_000, help=argparse.SUPPRESS)
    parser.add_argument("--transform-rows", type=int, default=None, help=argparse.SUPPRESS)
    parser.add_argument("--pure", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--no-transform", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.transform_rows is not None:  # the process callgrind measures
        if args.baseline:
            sys.path.insert(0, args.baseline)
        transform_rows(args.transform_rows, args.pure, not args.no_transform)
        return
    formats = [f for f in args.formats.split(",") if f]
    unknown = set(formats) - set(FORMATS)
    if unknown:
        raise SystemExit(f"unknown formats: {', '.join(sorted(unknown))}")

    from dataops import tools
    from tests.harness.postgres import start_postgres

    work = Path(args.workdir or tempfile.mkdtemp(prefix="dataops-bench-"))
    work.mkdir(parents=True, exist_ok=True)
    rules = work / "rules.yaml"
    rules.write_text(RULES)
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DATAOPS_", "PG"))}
    env["DATAOPS_LOG_LEVEL"] = "warning"
    jobs = ["--jobs", str(args.jobs)] if args.jobs else []
    pg = start_postgres()
    try:
        pg_dump = str(tools.find("pg_dump"))
        name = "bench"
        started = time.monotonic()
        users, orders = create_database(pg, name, args.scale)
        print(
            f"CPUs: {os.cpu_count()}  scale {args.scale}: {users:,} users + {orders:,} orders "
            f"generated in {time.monotonic() - started:.0f} s  workdir: {work}",
            flush=True,
        )
        env_db = {**env, **pg.libpq_env(name)}
        dump = work / "bench.sql"
        timed([pg_dump, "-Fp", "-f", str(dump)], env_db)
        size = dump.stat().st_size
        inputs = {
            "plain": dump,
            "custom": work / "bench-z0.dump",
            "custom-gz": work / "bench.dump",
            "directory": work / "bench.dir",
        }
        if "custom" in formats:
            timed([pg_dump, "-Fc", "-Z", "0", "-f", str(inputs["custom"])], env_db)
        if "custom-gz" in formats:
            timed([pg_dump, "-Fc", "-f", str(inputs["custom-gz"])], env_db)
        if "directory" in formats:
            remove(inputs["directory"])
            timed([pg_dump, "-Fd", "-Z", "0", "-f", str(inputs["directory"])], env_db)
        dataops = [sys.executable, "-m", "dataops", "anonymize", "--config", str(rules)]
        dataops += ["--no-progress", *jobs]
        runs: dict[str, list[str]] = {
            "pg_dump -Fp > /dev/null": [pg_dump, "-Fp", "--no-sync", "-f", "/dev/null"],
        }
        if "custom-gz" in formats:
            runs["pg_dump -Fc (gzip) > /dev/null"] = [
                pg_dump,
                "-Fc",
                "--no-sync",
                "-f",
                "/dev/null",
            ]
        labels = {
            "plain": "dataops plain",
            "custom": "dataops custom -Z0",
            "custom-gz": "dataops custom (gzip)",
            "directory": "dataops directory -Z0",
        }
        outputs = {
            "plain": work / "anon.sql",
            "custom": work / "anon-z0.dump",
            "custom-gz": work / "anon.dump",
            "directory": work / "anon.dir",
        }
        # PYTHONPATH names the code (python -m puts the working directory first: the runs
        # start in the work directory, so it holds no dataops)
        codes = {"": {**env, "PYTHONPATH": str(REPO)}}
        if args.baseline:
            codes[" [baseline]"] = {**env, "PYTHONPATH": str(Path(args.baseline).resolve())}
        run_env: dict[str, dict[str, str]] = {}
        for fmt in formats:
            for suffix, code_env in codes.items():
                label = labels[fmt] + suffix
                runs[label] = [*dataops, str(inputs[fmt]), "-o", str(outputs[fmt])]
                run_env[label] = code_env
        if not args.no_source:
            for suffix, code_env in codes.items():
                label = "dataops --source (plain)" + suffix
                out = str(work / "anon-source.sql")
                runs[label] = [*dataops, "--source", pg.url(name), "-o", out]
                run_env[label] = code_env
        sed_out = work / "sed.out"
        best: dict[str, Run] = {}
        loads: list[float] = []
        for _ in range(max(1, args.repeat)):
            loads.append(os.getloadavg()[0])
            for label, argv in runs.items():
                for fmt, path in inputs.items():
                    if label.startswith(labels.get(fmt, "-") + " ") or label == labels.get(fmt):
                        warm(path)
                if label.startswith("pg_dump"):
                    run = timed(argv, env_db, cwd=work)
                else:
                    run = timed(argv, run_env[label], cwd=work)
                if label not in best or run.seconds < best[label].seconds:
                    best[label] = run
                for out in (*outputs.values(), work / "anon-source.sql"):
                    remove(out)
                if label == "pg_dump -Fp > /dev/null":
                    run = timed(["sed", "-e", "s/@mail/@post/", str(dump)], env, sed_out)
                    remove(sed_out)
                    if "sed (ceiling)" not in best or run.seconds < best["sed (ceiling)"].seconds:
                        best["sed (ceiling)"] = run
        print(f"\nplain dump: {size / 1e6:.0f} MB, {users + orders:,} rows")
        print(table(best, size, users + orders, loads), flush=True)
        if args.instructions:
            print(instructions_per_row(args.instruction_rows, args.baseline), flush=True)
    finally:
        pg.destroy()
        if not args.workdir:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
