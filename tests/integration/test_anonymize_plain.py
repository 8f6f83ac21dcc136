"""Plain dumps from the real pg_dump, anonymized by the CLI and restored with psql.

The tricky database (``anonymize_fixtures``) is created and dumped once for the
module; the anonymized dump must restore with ``ON_ERROR_STOP`` and every
constraint, keep what the rules keep, change what they transform and contain no
original value of a transformed column.
"""

from __future__ import annotations

import signal
import subprocess
import sys
import time
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from dataops import tools
from dataops.anonymize.formats import copytext
from dataops.execute import run
from tests.conftest import clean_env
from tests.harness.postgres import PgServer
from tests.integration.anonymize_fixtures import (
    KEPT_TABLES,
    SECRET_VALUES,
    TRANSFORMED,
    TRICKY_RULES,
    column_values,
    create_tricky_database,
    row_counts,
    table_bytes,
)

pytestmark = pytest.mark.integration

ORDER_BY = {
    "public.customer": "customer_id",
    'sales."Order"': "id",
    "public.vehicle": "id",
    "public.truck": "id",
    "public.user_account": "id",
    "public.raw_bytes": "id",
}
SECRET_ENV = {"DATAOPS_ANONYMIZE_SECRET": "integration-secret-1"}


@dataclass
class Tricky:
    pg: PgServer
    dbname: str
    dump: Path
    rules: Path
    workdir: Path

    def restore(self, path: Path) -> str:
        name = "r_" + uuid.uuid4().hex[:10]
        self.pg.create_database(name, encoding="SQL_ASCII")
        run(
            [tools.find("psql"), "-X", "-q", "-v", "ON_ERROR_STOP=1", "-f", str(path)],
            env=self.pg.libpq_env(name),
            timeout=120,
        )
        return name


@pytest.fixture(scope="module")
def tricky(pg: PgServer, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Tricky]:
    workdir = tmp_path_factory.mktemp("anon-plain")
    name = "tricky_" + uuid.uuid4().hex[:8]
    create_tricky_database(pg, name)
    dump = workdir / "tricky.sql"
    run([tools.find("pg_dump"), "-f", str(dump)], env=pg.libpq_env(name), timeout=120)
    rules = workdir / "rules.yaml"
    rules.write_text(TRICKY_RULES)
    yield Tricky(pg, name, dump, rules, workdir)
    pg.drop_database(name)


def _anonymize(
    run_cli: Callable[..., subprocess.CompletedProcess[str]], t: Tricky, *args: str
) -> subprocess.CompletedProcess[str]:
    return run_cli("anonymize", "--config", str(t.rules), *args, env=SECRET_ENV)


def test_anonymized_plain_dump_restores_and_keeps_its_promises(
    tricky: Tricky, run_cli: Callable[..., subprocess.CompletedProcess[str]]
) -> None:
    out = tricky.workdir / "anon.sql"
    report = tricky.workdir / "report.json"
    result = _anonymize(run_cli, tricky, str(tricky.dump), "-o", str(out), "--report", str(report))
    assert result.returncode == 0, result.stderr
    data = out.read_bytes()
    for secret in SECRET_VALUES:
        assert secret not in data and copytext.escape(secret) not in data, secret
    assert b"pg_catalog.lowrite" not in data  # large_objects: empty
    restored = tricky.restore(out)
    try:
        pg, src = tricky.pg, tricky.dbname
        counts = row_counts(pg, src)
        counts["public.audit_log"] = 0  # truncate
        assert row_counts(pg, restored) == counts
        for table in KEPT_TABLES:
            assert table_bytes(pg, restored, table) == table_bytes(pg, src, table)
        # kept columns are identical, byte for byte (invalid UTF-8 included)
        assert column_values(pg, restored, "public.raw_bytes", "kept", "id") == column_values(
            pg, src, "public.raw_bytes", "kept", "id"
        )
        for table, column in TRANSFORMED:
            only = f"ONLY {table}" if table == "public.vehicle" else table
            before = column_values(pg, src, only, column, ORDER_BY[table])
            after = column_values(pg, restored, only, column, ORDER_BY[table])
            assert len(before) == len(after)
            for b, a in zip(before, after, strict=True):
                assert b == a == b"\\N" or b != a, (table, column, b)
        # foreign keys still join, unique values stay unique, generated columns recompute
        join = (
            'SELECT count(*) FROM sales."Order" o JOIN public.customer c '
            "ON c.email = o.customer_email AND c.customer_id = o.customer_id"
        )
        assert pg.execute(join, restored) == pg.execute(join, src)
        assert pg.execute(
            "SELECT count(DISTINCT email) = count(*) FROM public.customer", restored
        ) == [(True,)]
        full = pg.execute(
            "SELECT count(*) FROM public.customer WHERE full_name = \"FirstName\" || ' ' || "
            'coalesce("Last ""Quoted"" Name", \'\')',
            restored,
        )
        assert full == pg.execute("SELECT count(*) FROM public.customer", restored)
        assert pg.execute("SELECT count(*) FROM pg_largeobject_metadata", restored) == [(1,)]
        assert pg.execute("SELECT count(*) FROM pg_largeobject", restored) == [(0,)]
    finally:
        tricky.pg.drop_database(restored)
    assert '"table": "public.customer"' in report.read_text()
    # deterministic: a second run, on one worker, streamed from stdin, gives the same bytes
    again = tricky.workdir / "again.sql"
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "dataops",
            "anonymize",
            "--config",
            str(tricky.rules),
            "-o",
            str(again),
            "--jobs",
            "1",
        ],
        stdin=tricky.dump.open("rb"),
        env={**clean_env(), **SECRET_ENV},
        capture_output=True,
        timeout=120,
    )
    assert proc.returncode == 0, proc.stderr
    assert again.read_bytes() == data


def test_source_runs_pg_dump_itself(
    tricky: Tricky, run_cli: Callable[..., subprocess.CompletedProcess[str]]
) -> None:
    from_file = tricky.workdir / "from_file.sql"
    from_source = tricky.workdir / "from_source.sql"
    assert _anonymize(run_cli, tricky, str(tricky.dump), "-o", str(from_file)).returncode == 0
    url = tricky.pg.url(tricky.dbname)
    result = _anonymize(run_cli, tricky, "--source", url, "-o", str(from_source))
    assert result.returncode == 0, result.stderr
    assert tricky.pg.password not in result.stderr

    def strip(data: bytes) -> list[bytes]:  # \restrict keys are random per pg_dump run
        return [
            ln for ln in data.split(b"\n") if not ln.startswith((b"\\restrict", b"\\unrestrict"))
        ]

    assert strip(from_source.read_bytes()) == strip(from_file.read_bytes())


def test_config_errors_fail_before_any_output(
    tricky: Tricky, run_cli: Callable[..., subprocess.CompletedProcess[str]]
) -> None:
    rules = tricky.workdir / "bad.yaml"
    rules.write_text(
        TRICKY_RULES.replace("      phone: {transform: mask, keep_last: 2}\n", "")
        .replace("      customer_id: keep\n", "      customer_id: {transform: mask}\n", 1)
        .replace("  public.film: keep\n", "  public.flim: keep\n")
    )
    out = tricky.workdir / "never.sql"
    result = run_cli("anonymize", "--config", str(rules), str(tricky.dump), "-o", str(out))
    assert result.returncode == 2
    assert "column public.customer.phone is not covered" in result.stderr
    assert "tables.public.flim: table is not in the dump" in result.stderr
    assert "no rule for table public.film" in result.stderr
    assert "PRIMARY KEY customer_pkey and transform 'mask' is lossy" in result.stderr
    assert "FOREIGN KEY Order_customer_id_fkey" in result.stderr
    assert not out.exists()
    assert not list(tricky.workdir.glob(".never.sql*"))
    result = run_cli("anonymize", "--config", str(rules), str(tricky.dump))  # to stdout
    assert result.returncode == 2 and result.stdout == ""


def test_sigterm_leaves_no_output(tricky: Tricky) -> None:
    out = tricky.workdir / "interrupted.sql"
    data = tricky.dump.read_bytes()
    cut = data.index(b"COPY public.customer")
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "dataops",
            "anonymize",
            "--config",
            str(tricky.rules),
            "-o",
            str(out),
        ],
        stdin=subprocess.PIPE,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        env={**clean_env(), **SECRET_ENV},
    )
    assert proc.stdin is not None
    proc.stdin.write(data[: cut + 200])  # mid-COPY: the run is writing its temp file
    proc.stdin.flush()
    deadline = time.monotonic() + 60
    while not list(tricky.workdir.glob(".interrupted.sql.*")) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert list(tricky.workdir.glob(".interrupted.sql.*"))
    proc.send_signal(signal.SIGTERM)
    _, err = proc.communicate(timeout=60)
    assert proc.returncode == 128 + signal.SIGTERM, err
    assert not out.exists()
    assert not list(tricky.workdir.glob(".interrupted.sql.*"))
