"""Benchmark ``dataops anonymize scan`` on a ~1 GB dump, and audit's fingerprint memory.

Starts a throwaway PostgreSQL cluster (the test harness), generates a database of
about 1 GB x scale (``customer``: 2M rows x scale with emails, phones, names, free
text and JSON in badly named columns; ``event``: 8M rows x scale, nothing personal),
dumps it with the real ``pg_dump`` (plain and custom), then times ``dataops anonymize
scan DUMP -o rules.yaml`` as a separate process and prints wall time, MB/s and the
peak RSS (``wait4``).  Scan samples ``--sample`` rows per table and streams past the
rest, so its memory does not grow with the dump.

Then it measures :class:`FingerprintSet` (audit's keyed fingerprints): the peak RSS of
a process that adds N million distinct values.

    .venv/bin/python bench/anonymize_scan_bench.py                    # ~1 GB, 5M fingerprints
    .venv/bin/python bench/anonymize_scan_bench.py --scale 0.1 --fingerprints 1 --audit
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from dataops import tools  # noqa: E402
from tests.harness.postgres import start_postgres  # noqa: E402

CUSTOMERS = 2_000_000
EVENTS = 8_000_000

SCHEMA = """
CREATE TABLE customer (
  id bigint PRIMARY KEY, c1 text, c2 text, who text, notes text, payload jsonb, amount numeric(10,2)
);
CREATE TABLE event (id bigint PRIMARY KEY, customer_id bigint, kind text, body text, at timestamptz);
"""
FILL = """
INSERT INTO customer
SELECT i,
  'user' || i || '@mail' || (i % 97) || '.example.org',
  '+1 415 555 ' || lpad((i % 10000)::text, 4, '0'),
  (ARRAY['James','Mary','Robert','Linda'])[1 + i % 4] || ' ' ||
    (ARRAY['Smith','Jones','Brown','Miller'])[1 + i % 4],
  CASE WHEN i % 5 = 0 THEN 'please call back user' || i || '@mail.example.org about the refund'
       ELSE 'order ' || i || ' shipped on time' END,
  jsonb_build_object('contact', jsonb_build_object('email', 'u' || i || '@x.example.com'),
                     'tier', i % 4),
  (i % 100000) / 100.0
FROM generate_series(1, {customers}) i;
INSERT INTO event
SELECT i, i % {customers}, (ARRAY['click','view','buy'])[1 + i % 3],
  repeat(md5(i::text), 2), '2024-01-01'::timestamptz + (i || ' seconds')::interval
FROM generate_series(1, {events}) i;
"""


def timed(argv: list[str], env: dict[str, str]) -> tuple[float, int, int]:
    """(seconds, peak RSS in MB, exit code) of a child process."""
    started = time.monotonic()
    proc = subprocess.Popen(argv, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _pid, status, usage = os.wait4(proc.pid, 0)
    seconds = time.monotonic() - started
    assert proc.stderr is not None
    err = proc.stderr.read().decode(errors="replace")
    code = os.waitstatus_to_exitcode(status)
    if code != 0:
        print(err[-2000:], file=sys.stderr)
    return seconds, usage.ru_maxrss // 1024, code


FP_SCRIPT = """
import resource, sys, time
from dataops.anonymize.scan.fingerprint import FingerprintSet
n = int(float(sys.argv[1]) * 1e6)
fps = FingerprintSet()
t = time.monotonic()
for i in range(n):
    fps.add(b"user%d@mail.example.org" % i, i % 50)
hits = sum(fps.get(b"user%d@mail.example.org" % i) is not None for i in range(0, n, 97))
print(fps.count, hits, round(time.monotonic() - t, 1),
      resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024)
"""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--scale", type=float, default=1.0)
    parser.add_argument("--sample", type=int, default=1000)
    parser.add_argument("--fingerprints", type=float, default=5.0, help="millions of values")
    parser.add_argument(
        "--audit",
        action="store_true",
        help="also anonymize the plain dump with the draft and time audit on it",
    )
    args = parser.parse_args()
    env = {**os.environ, "DATAOPS_LOG_FORMAT": "json"}
    dataops = [sys.executable, "-m", "dataops"]
    with tempfile.TemporaryDirectory(prefix="scan-bench-") as tmp:
        work = Path(tmp)
        pg = start_postgres()
        try:
            pg.create_database("bench")
            customers, events = int(CUSTOMERS * args.scale), int(EVENTS * args.scale)
            with pg.connect("bench") as conn:
                conn.execute(SCHEMA)
                conn.execute(FILL.format(customers=customers, events=events))
            dumps = {"plain": work / "bench.sql", "custom": work / "bench.dump"}
            for fmt, path in dumps.items():
                flag = "p" if fmt == "plain" else "c"
                subprocess.run(
                    [tools.find("pg_dump"), "-F", flag, "-f", str(path)],
                    env={**env, **pg.libpq_env("bench")},
                    check=True,
                )
        finally:
            pg.destroy()
        print(f"scan (--sample {args.sample}), {os.cpu_count()} CPUs")
        for fmt, path in dumps.items():
            size = path.stat().st_size / 1e6
            rules = work / f"rules-{fmt}.yaml"
            argv = [*dataops, "anonymize", "scan", str(path), "-o", str(rules)]
            argv += ["--sample", str(args.sample)]
            seconds, rss, code = timed(argv, env)
            found = rules.read_text().count("confidence") if code == 0 else 0
            print(
                f"  {fmt:<7} {size:8.0f} MB  {seconds:6.1f} s  {size / seconds:6.0f} MB/s  "
                f"peak RSS {rss} MB  exit {code}  personal columns {found}"
            )
        if args.audit:
            plain, rules = dumps["plain"], work / "rules-plain.yaml"
            anon = work / "anon.sql"
            secret = {**env, "DATAOPS_ANONYMIZE_SECRET": "bench-secret-not-for-production"}
            cmd = [*dataops, "anonymize", "--config", str(rules), str(plain), "-o", str(anon)]
            seconds, rss, code = timed(cmd, secret)
            print(f"anonymize (the draft, unchanged): {seconds:.1f} s, exit {code}")
            argv = [*dataops, "anonymize", "audit", "--config", str(rules)]
            argv += ["--original", str(plain), "--anonymized", str(anon)]
            seconds, rss, code = timed(argv, secret)
            size = plain.stat().st_size / 1e6
            print(
                f"audit: {seconds:.1f} s ({2 * size / seconds:.1f} MB/s over both dumps), "
                f"peak RSS {rss} MB, exit {code}"
            )
    out = subprocess.run(
        [sys.executable, "-c", FP_SCRIPT, str(args.fingerprints)],
        capture_output=True,
        text=True,
        check=True,
        cwd=REPO,
    ).stdout.split()
    print(
        f"audit fingerprints: {int(out[0]):,} distinct values, {out[1]} lookups hit, "
        f"{out[2]} s, peak RSS {out[3]} MB"
    )


if __name__ == "__main__":
    main()
