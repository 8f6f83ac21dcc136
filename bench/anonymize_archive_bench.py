"""Benchmark: ``dataops anonymize`` on custom (-Fc) and directory (-Fd) archives vs plain.

Builds a database on a throwaway PostgreSQL cluster (the test harness's): a
``users`` table with 10 PII-like columns (8 transformed) and a kept ``orders``
table, dumps it with ``pg_dump`` in plain, custom and directory formats
(uncompressed and gzip), runs ``dataops anonymize`` on each and prints wall time,
throughput, rows/s and peak RSS (largest process and whole process tree), with
``sed`` over the plain dump as the baseline.

    .venv/bin/python bench/anonymize_archive_bench.py                # 2M users, 3M orders (~650 MB plain)
    .venv/bin/python bench/anonymize_archive_bench.py --scale 0.5    # half size
    .venv/bin/python bench/anonymize_archive_bench.py --jobs 2 --formats directory-z0,plain

Throughput is given against the plain dump's size (the same data in every
format), so the formats compare directly.
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import sys
import tempfile
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from dataops import tools
from dataops.execute import run, stream
from tests.harness.postgres import PgServer, start_postgres

RULES = """\
version: 1
secret: bench-secret
unknown_tables: fail
unknown_columns: fail
tables:
  public.users:
    columns:
      id: keep
      first_name: {transform: fake, provider: first_name}
      last_name: {transform: fake, provider: last_name}
      email: {transform: email, domain: example.com, unique: true}
      phone: {transform: mask, keep_last: 2}
      street: {transform: hash, length: 16}
      city: {transform: fake, provider: city}
      birth: {transform: date_shift, max_days: 30}
      ssn: {transform: hash, length: 11}
      country: keep
      signup_ip: keep
  public.orders: keep
"""

SCHEMA = """
CREATE TABLE users (
  id bigint PRIMARY KEY, first_name text, last_name text, email text UNIQUE, phone text,
  street text, city text, birth date, ssn text, country text, signup_ip text
);
CREATE TABLE orders (
  id bigint PRIMARY KEY, user_id bigint REFERENCES users(id), amount numeric(10,2),
  status text, created timestamptz, note text
);
"""

FILL = """
INSERT INTO users SELECT g, 'First' || (g % 5000), 'Last' || (g % 7919),
  'user' || g || '@corp-mail.example', '+1 555 ' || lpad((g % 10000000)::text, 7, '0'),
  g || ' Long Street Name Avenue', 'City' || (g % 1000), date '1950-01-01' + (g % 20000),
  lpad((g::bigint * 7919 % 1000000000)::text, 9, '0'), 'US', '10.' || (g % 256) || '.' || (g % 200) || '.1'
FROM generate_series(1, {users}) g;
INSERT INTO orders SELECT g, 1 + g % {users}, (g % 100000) / 100.0,
  (ARRAY['new','paid','shipped','returned'])[1 + g % 4], timestamptz '2024-01-01' + g * interval '1 second',
  'order note number ' || g
FROM generate_series(1, {orders}) g;
"""

VARIANTS = {
    "plain": ("-Fp",),
    "custom-z0": ("-Fc", "-Z0"),
    "custom-gzip": ("-Fc",),
    "directory-z0": ("-Fd", "-Z0"),
    "directory-gzip": ("-Fd",),
}


def size_of(path: Path) -> int:
    if path.is_dir():
        return sum(p.stat().st_size for p in path.iterdir())
    return path.stat().st_size


def tree_rss(root: int) -> tuple[int, int]:
    """(largest process RSS, sum over the process tree) in bytes."""
    children: dict[int, list[int]] = {}
    rss: dict[int, int] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/status") as fh:
                fields = dict(line.split(":", 1) for line in fh if ":" in line)
        except OSError:
            continue
        pid = int(entry)
        children.setdefault(int(fields["PPid"].strip()), []).append(pid)
        rss[pid] = int(fields.get("VmRSS", "0 kB").split()[0]) * 1024
    todo, seen = [root], []
    while todo:
        pid = todo.pop()
        seen.append(pid)
        todo.extend(children.get(pid, []))
    values = [rss.get(p, 0) for p in seen]
    return max(values, default=0), sum(values)


def timed(argv: list[str], env: dict[str, str] | None = None) -> tuple[float, int, int, float]:
    """Run argv, sampling the process tree's RSS.

    Returns (seconds, peak process RSS, peak tree RSS, CPU seconds of the whole tree).
    """
    peak = [0, 0]
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.monotonic()
    with stream(argv, env=env, inherit_env=True, timeout=3600) as proc:
        done = threading.Event()

        def sample() -> None:
            while not done.is_set():
                one, total = tree_rss(proc.proc.pid)
                peak[0], peak[1] = max(peak[0], one), max(peak[1], total)
                done.wait(0.05)

        sampler = threading.Thread(target=sample, daemon=True)
        sampler.start()
        for _ in iter(lambda: proc.stdout.read(1 << 16), b""):
            pass
        done.set()
        sampler.join()
    seconds = time.monotonic() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return seconds, peak[0], peak[1], cpu


def build(pg: PgServer, dbname: str, users: int, orders: int) -> None:
    pg.create_database(dbname)
    with pg.connect(dbname) as conn, conn.cursor() as cur:
        cur.execute(SCHEMA)  # type: ignore[arg-type]
        cur.execute(FILL.format(users=users, orders=orders))  # type: ignore[arg-type]
        cur.execute("VACUUM ANALYZE")


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--scale", type=float, default=1.0, help="1.0 = 2M users + 3M orders")
    parser.add_argument(
        "--jobs", type=int, default=None, help="--jobs for dataops (default: CPU count)"
    )
    parser.add_argument(
        "--formats", default=",".join(VARIANTS), help="comma-separated: " + ", ".join(VARIANTS)
    )
    parser.add_argument(
        "--workdir", type=Path, default=None, help="where dumps go (default: a temp dir)"
    )
    parser.add_argument(
        "--repeat", type=int, default=1, help="runs per format; the fastest is shown"
    )
    args = parser.parse_args()
    users, orders = int(2_000_000 * args.scale), int(3_000_000 * args.scale)
    workdir = Path(tempfile.mkdtemp(prefix="anon-archive-bench-", dir=args.workdir))
    pg = start_postgres()
    try:
        t0 = time.monotonic()
        build(pg, "bench", users, orders)
        print(
            f"built {users:,} users + {orders:,} orders in {time.monotonic() - t0:.1f} s",
            flush=True,
        )
        env = pg.libpq_env("bench")
        (workdir / "rules.yaml").write_text(RULES)
        dumps: dict[str, Path] = {}
        for name in ["plain", *[f for f in args.formats.split(",") if f != "plain"]]:
            path = workdir / name
            t0 = time.monotonic()
            run([tools.find("pg_dump"), "-f", str(path), *VARIANTS[name]], env=env, timeout=3600)
            dumps[name] = path
            print(
                f"pg_dump {name:15s} {size_of(path) / 1e6:8.1f} MB in {time.monotonic() - t0:5.1f} s",
                flush=True,
            )
        plain_mb = size_of(dumps["plain"]) / 1e6
        rows = users + orders
        sed_s, sed_rss, _, sed_cpu = timed(
            ["sh", "-c", f"sed 's/a/a/' {dumps['plain']} > {workdir / 'sed.out'}"]
        )
        print()
        print(
            f"{'format':15s} {'input MB':>9s} {'seconds':>8s} {'CPU s':>6s} {'MB/s*':>7s} "
            f"{'rows/s':>11s} {'RSS MB':>7s} {'tree MB':>8s}"
        )
        print(
            f"{'sed (plain)':15s} {plain_mb:9.1f} {sed_s:8.2f} {sed_cpu:6.1f} {plain_mb / sed_s:7.0f} "
            f"{rows / sed_s:11,.0f} {sed_rss / 1e6:7.0f} {'':>8s}"
        )
        jobs = ["--jobs", str(args.jobs)] if args.jobs else []
        for name in args.formats.split(","):
            src = dumps[name]
            out = workdir / f"{name}.anon"
            if out.is_dir():
                shutil.rmtree(out)
            argv = [
                sys.executable,
                "-m",
                "dataops",
                "anonymize",
                "--config",
                str(workdir / "rules.yaml"),
                str(src),
                "-o",
                str(out),
                *jobs,
            ]
            best: tuple[float, int, int, float] | None = None
            for _ in range(max(1, args.repeat)):
                result = timed(argv, env={"DATAOPS_LOG_LEVEL": "warning"})
                best = result if best is None or result[0] < best[0] else best
                if out.is_dir():
                    shutil.rmtree(out)
                else:
                    out.unlink()
            assert best is not None
            seconds, rss, tree, cpu = best
            print(
                f"{name:15s} {size_of(src) / 1e6:9.1f} {seconds:8.2f} {cpu:6.1f} {plain_mb / seconds:7.0f} "
                f"{rows / seconds:11,.0f} {rss / 1e6:7.0f} {tree / 1e6:8.0f}",
                flush=True,
            )
        print("\n* MB/s of the plain dump's size: the same data in every format")
    finally:
        pg.destroy()
        shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    main()
