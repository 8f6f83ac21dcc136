"""The scratch server of a drill, without a backup engine: a pg_basebackup copy of a real
cluster started by ScratchServer (loopback port, private socket, own pg_hba), measured
(RPO from the heartbeat and commit timestamps), checked (pg_amcheck, every table read,
user checks) and torn down -- also when SIGTERM/SIGINT arrive mid-drill."""

from __future__ import annotations

import datetime as dt
import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from dataops import execute, tools
from dataops.config.settings import Settings
from dataops.drill import checks, integrity, rpo
from dataops.drill.report import CheckFailed
from dataops.drill.scratch import create_scratch, new_server
from tests.harness.postgres import PgServer

pytestmark = pytest.mark.integration
REPO = Path(__file__).resolve().parents[2]


def _settings(tmp_base: Path | None = None) -> Settings:
    return Settings(drill_scratch_dir=tmp_base) if tmp_base else Settings()


def _basebackup(source: PgServer, data: Path) -> None:
    env = source.libpq_env()
    execute.run(
        [tools.find("pg_basebackup"), "-D", data, "-X", "stream", "--no-sync", "-c", "fast"],
        env=env,
        user="postgres" if os.geteuid() == 0 else None,
        timeout=120,
    )


def _seed(source: PgServer) -> str:
    name = "drillsrc"
    source.drop_database(name)
    source.create_database(name)
    source.execute(
        "CREATE TABLE orders (id int PRIMARY KEY, created_at timestamptz NOT NULL DEFAULT now());"
        "INSERT INTO orders SELECT g, now() - g * interval '1 minute' FROM generate_series(1, 500) g;"
        "CREATE INDEX ON orders (created_at);"
        + rpo.HEARTBEAT_DDL
        + ";"
        + rpo.HEARTBEAT_UPSERT.replace("%s", "'test'"),
        name,
    )
    return name


def _postmasters(root: Path) -> list[str]:
    out = subprocess.run(["ps", "-eo", "pid,args"], capture_output=True, text=True, check=True)
    return [ln for ln in out.stdout.splitlines() if str(root) in ln and "postgres" in ln]


def test_scratch_server_checks_and_teardown(
    pg_factory: Callable[..., PgServer], tmp_path: Path
) -> None:
    source = pg_factory(track_commit_timestamp="on")
    dbname = _seed(source)
    settings = _settings()
    owner = "postgres" if os.geteuid() == 0 else os.environ.get("USER", "")
    root = create_scratch(settings, owner)
    assert oct(root.stat().st_mode & 0o777) == "0o700"
    server = new_server(settings, root, owner)
    assert server.port not in (source.port, 5432)
    try:
        _basebackup(source, server.data_dir)
        began = time.monotonic()
        server.start()
        server.wait_ready(120)
        assert time.monotonic() - began < 120
        assert server.superuser == "postgres"
        with server.connect(dbname) as conn:
            row = conn.execute(
                "SELECT current_setting('archive_mode'), current_setting('listen_addresses'),"
                " current_setting('port')::int"
            )
            assert row.fetchone() == ("off", "127.0.0.1", server.port)
        newest = rpo.newest_data(server, None, server.log_tail())
        assert newest is not None and newest.source == "heartbeat"
        assert abs((dt.datetime.now(dt.UTC) - newest.at).total_seconds()) < 600
        fresh = rpo.freshness_query(
            server, checks.Freshness("SELECT max(created_at) FROM orders", dbname, 5)
        )
        assert fresh is not None and fresh.source == "freshness_query"
        with pytest.raises(ValueError, match="not a timestamp"):
            rpo.freshness_query(server, checks.Freshness("SELECT 42", dbname, 5))
        # commit timestamps: none replayed (the base backup's checkpoint came after the
        # last commit), then one written on the copy
        with server.connect(dbname) as conn:
            conn.execute("CREATE TABLE probe (x int)")
            conn.execute("INSERT INTO probe VALUES (1)")
        last = rpo.commit_timestamp(server)
        assert last is not None and last.source == "commit_timestamp"
        assert abs((dt.datetime.now(dt.UTC) - last.at).total_seconds()) < 60

        assert "no corruption" in integrity.amcheck(server, 300)
        dbs = rpo.connectable_databases(server)
        assert dbname in dbs and "template0" not in dbs
        assert dbname in integrity.tables_readable(server, dbs, 300)

        loaded = checks.parse(
            f"version: 1\ndatabase: {dbname}\ntimeout: 5\nchecks:\n"
            "  - {name: orders, query: SELECT count(*) FROM orders, expect: {min: 500}}\n"
            "  - {name: too many, query: SELECT count(*) FROM orders, expect: {max: 10}}\n"
            "  - {name: slow, query: SELECT pg_sleep(5), expect: {rows: 1}, timeout: 0.5}\n"
            "  - {name: broken, query: SELECT nope FROM orders, expect: {rows: 1}}\n",
            "checks.yaml",
        )
        by_name = {c.name: c for c in loaded.checks}
        assert "got 500" in checks.run_check(server.connect, by_name["orders"])
        with pytest.raises(CheckFailed, match="expected at most 10, got 500"):
            checks.run_check(server.connect, by_name["too many"])
        with pytest.raises(CheckFailed, match=r"timed out after 0\.5 s"):
            checks.run_check(server.connect, by_name["slow"])
        with pytest.raises(CheckFailed, match='column "nope" does not exist'):
            checks.run_check(server.connect, by_name["broken"])
    finally:
        problems = server.teardown(keep=False)
    assert problems == []
    assert not root.exists()
    assert _postmasters(root) == []


def test_corruption_fails_amcheck(pg_factory: Callable[..., PgServer]) -> None:
    source = pg_factory()
    dbname = _seed(source)
    relpath = source.execute("SELECT pg_relation_filepath('orders_created_at_idx')", dbname)[0][0]
    settings = _settings()
    owner = "postgres" if os.geteuid() == 0 else os.environ.get("USER", "")
    root = create_scratch(settings, owner)
    server = new_server(settings, root, owner)
    try:
        _basebackup(source, server.data_dir)
        index = server.data_dir / str(relpath)
        raw = bytearray(index.read_bytes())
        page = 8192  # the first leaf page after the meta page
        for i in range(page + 200, min(len(raw), page + 4000)):
            raw[i] ^= 0x5A
        index.write_bytes(bytes(raw))
        server.start()
        server.wait_ready(120)
        with pytest.raises(CheckFailed, match=r"pg_amcheck reported (corruption|problems)"):
            integrity.amcheck(server, 300)
    finally:
        server.teardown(keep=False)
    assert not root.exists()


_CHILD = """
import sys, time
from pathlib import Path
from dataops.config.settings import Settings
from dataops.drill.scratch import ScratchServer, interrupts
server = ScratchServer(root=Path(sys.argv[1]), owner=sys.argv[2], settings=Settings(),
                       port=int(sys.argv[3]))
with interrupts():
    try:
        server.start()
        server.wait_ready(120)
        print("ready", flush=True)
        time.sleep(300)
    finally:
        server.teardown(keep=False)
"""


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGINT])
def test_signal_mid_drill_tears_down(
    pg_factory: Callable[..., PgServer], sig: signal.Signals
) -> None:
    source = pg_factory()
    settings = _settings()
    owner = "postgres" if os.geteuid() == 0 else os.environ.get("USER", "")
    root = create_scratch(settings, owner)
    server = new_server(settings, root, owner)
    _basebackup(source, server.data_dir)
    child = subprocess.Popen(
        [sys.executable, "-c", _CHILD, str(root), owner, str(server.port)],
        stdout=subprocess.PIPE,
        text=True,
        cwd=REPO,
    )
    try:
        assert child.stdout is not None
        assert child.stdout.readline().strip() == "ready"
        assert _postmasters(root)
        child.send_signal(sig)
        child.wait(90)
    finally:
        if child.poll() is None:
            child.kill()
            server.teardown(keep=False)
    assert child.returncode != 0
    assert _postmasters(root) == []
    assert not root.exists()
