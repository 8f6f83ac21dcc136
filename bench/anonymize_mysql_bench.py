"""Benchmark: ``dataops anonymize`` on a ``mariadb-dump`` dump vs ``mariadb-dump`` itself.

Starts a throwaway MariaDB (the test harness's), fills a ``users`` table with 11
PII-like columns (8 transformed) and a kept ``orders`` table on the server (MariaDB's
``seq_1_to_N`` tables, no client round trips), then times

* ``mariadb-dump`` writing the dump (its own speed on the same data),
* ``dataops anonymize`` on the dump file (first pass + transform),
* ``dataops anonymize`` reading stdin (no first pass),
* ``sed`` over the dump as the floor of a streaming filter,

and prints wall time, MB/s of the dump and the peak RSS of each process.

    .venv/bin/python bench/anonymize_mysql_bench.py                 # 1M users, 3M orders
    .venv/bin/python bench/anonymize_mysql_bench.py --scale 0.2     # smaller
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tests.harness.mariadb import start_mariadb

RULES = """\
version: 1
secret: bench-secret
tables:
  users:
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
  orders: keep
"""

SCHEMA = """
CREATE TABLE users (
  id bigint PRIMARY KEY, first_name varchar(40), last_name varchar(40),
  email varchar(120) UNIQUE, phone varchar(20), street varchar(80), city varchar(40),
  birth date, ssn varchar(11), country char(2), signup_ip varchar(45)
) DEFAULT CHARSET=utf8mb4;
CREATE TABLE orders (
  id bigint PRIMARY KEY, user_id bigint, total decimal(10,2), status varchar(12),
  note varchar(200), created datetime
) DEFAULT CHARSET=utf8mb4;
INSERT INTO users SELECT seq, concat('First', seq % 997), concat('Last\\'', seq % 1009),
  concat('user', seq, '@corp.example'), concat('+49 ', 100000000 + seq), concat(seq, ' Main St'),
  concat('City', seq % 101), date_add('1950-01-01', INTERVAL seq % 20000 DAY),
  lpad(seq, 11, '0'), 'DE', concat('10.', seq % 256, '.', seq % 199, '.1')
  FROM seq_1_to_{users};
INSERT INTO orders SELECT seq, 1 + seq % {users}, (seq % 100000) / 100, 'shipped',
  concat('note "', seq, '" with \\\\ backslash and \\n newline'),
  date_add('2020-01-01', INTERVAL seq MINUTE) FROM seq_1_to_{orders};
"""


def timed(
    argv: list[str],
    *,
    stdin: Path | None = None,
    stdout: Path | None = None,
    env: dict[str, str] | None = None,
) -> tuple[float, int, float]:
    """Wall seconds, peak RSS (KiB) and CPU seconds (user + sys, its workers included) of one
    command (its rusage, via wait4): on a shared machine CPU time is the steadier figure."""
    start = time.monotonic()
    with open(stdin or os.devnull, "rb") as fin, open(stdout or os.devnull, "wb") as fout:
        proc = subprocess.Popen(argv, stdin=fin, stdout=fout, env=env)
        _, status, usage = os.wait4(proc.pid, 0)
    seconds = time.monotonic() - start
    if status != 0:
        raise SystemExit(f"{argv[0]} failed ({status})")
    return seconds, usage.ru_maxrss, usage.ru_utime + usage.ru_stime


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=float, default=1.0)
    parser.add_argument(
        "--jobs", default=None, help="--jobs for dataops (default: its own, one per CPU)"
    )
    args = parser.parse_args()
    users = int(1_000_000 * args.scale)
    orders = int(3_000_000 * args.scale)
    server = start_mariadb()
    work = Path(tempfile.mkdtemp(prefix="dataops-mysql-bench-"))
    try:
        options = work / "client.cnf"
        options.write_text(
            f"[client]\nuser={server.user}\npassword={server.password}\n"
            f"host=127.0.0.1\nport={server.port}\nprotocol=TCP\n"
        )
        options.chmod(0o600)
        sql = SCHEMA.replace("{users}", str(users)).replace("{orders}", str(orders))
        subprocess.run(
            ["mariadb", f"--defaults-extra-file={options}", "dataops"],
            input=sql.encode(),
            check=True,
        )
        dump = work / "dump.sql"
        secs, rss, cpu = timed(
            ["mariadb-dump", f"--defaults-extra-file={options}", "--single-transaction", "dataops"],
            stdout=dump,
        )
        size = dump.stat().st_size
        mb = size / 1e6
        rows = [("mariadb-dump (server -> file)", secs, rss, cpu)]
        rules = work / "rules.yaml"
        rules.write_text(RULES)
        # PYTHONDONTWRITEBYTECODE would recompile every module at each start (~1 s here)
        env = {
            k: v
            for k, v in os.environ.items()
            if not k.startswith("DATAOPS_") and k != "PYTHONDONTWRITEBYTECODE"
        }
        env["DATAOPS_ANONYMIZE_POOL_CACHE"] = str(work / "pools")
        base = [
            sys.executable,
            "-m",
            "dataops",
            "anonymize",
            "--config",
            str(rules),
            "--no-progress",
            *(["--jobs", args.jobs] if args.jobs else []),
        ]
        timed([*base, str(dump), "-o", str(work / "warm.sql")], env=env)  # warm the pool cache
        secs, rss, cpu = timed([*base, str(dump), "-o", str(work / "anon.sql")], env=env)
        rows.append(("dataops anonymize FILE -o FILE", secs, rss, cpu))
        secs, rss, cpu = timed(base, stdin=dump, stdout=work / "anon-stdin.sql", env=env)
        rows.append(("dataops anonymize < FILE > FILE", secs, rss, cpu))
        secs, rss, cpu = timed(
            ["sed", "s/Main St/Main Street/", str(dump)], stdout=work / "sed.sql"
        )
        rows.append(("sed (floor of a streaming filter)", secs, rss, cpu))
        print(
            f"dump: {mb:.0f} MB ({users:,} users, {orders:,} orders), mariadb-dump default options"
        )
        print(
            f"{'':36} {'seconds':>8} {'MB/s':>8} {'CPU s':>7} {'MB/CPU s':>9} {'peak RSS MB':>12}"
        )
        for name, s, r, c in rows:
            print(f"{name:36} {s:8.2f} {mb / s:8.1f} {c:7.2f} {mb / c:9.1f} {r / 1024:12.0f}")
        same = (work / "anon.sql").read_bytes() == (work / "anon-stdin.sql").read_bytes()
        print(f"file and stdin outputs identical: {same}")
    finally:
        server.destroy()
        subprocess.run(["rm", "-rf", str(work)], check=False)


if __name__ == "__main__":
    main()
