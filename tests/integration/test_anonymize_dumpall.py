"""A real ``pg_dumpall`` through ``dataops anonymize`` (issue #10, finding 4): its psql
meta-commands are understood, and the roles' password hashes are dropped by default."""

from __future__ import annotations

import subprocess
import uuid
from collections.abc import Callable
from pathlib import Path

import pytest

from dataops import tools
from dataops.execute import run
from tests.harness.postgres import PgServer

pytestmark = pytest.mark.integration

RunCli = Callable[..., subprocess.CompletedProcess[str]]

RULES = """\
version: 1
secret: "0123456789abcdef"
unknown_tables: keep
tables:
  public.customer:
    columns:
      id: keep
      email: {transform: email}
"""


def test_pg_dumpall_role_passwords_are_dropped(
    pg_factory: Callable[..., PgServer], tmp_path: Path, run_cli: RunCli
) -> None:
    pg = pg_factory()  # its own cluster: pg_dumpall reads every database of it
    role = "r_" + uuid.uuid4().hex[:8]
    dbname = "dumpall_" + uuid.uuid4().hex[:8]
    pg.execute(f"CREATE ROLE {role} LOGIN PASSWORD 'role-password-77'")
    pg.create_database(dbname)
    pg.execute(
        "CREATE TABLE public.customer (id integer PRIMARY KEY, email text NOT NULL);"
        "INSERT INTO public.customer SELECT i, 'p' || i || '@real-customer.example' "
        "FROM generate_series(1, 50) i",
        dbname,
    )
    dump = tmp_path / "all.sql"
    env = pg.libpq_env()
    run([tools.find("pg_dumpall"), "-f", str(dump)], env=env, timeout=120)
    text = dump.read_bytes()
    assert b"SCRAM-SHA-256$" in text and b"real-customer.example" in text
    assert b"\\connect" in text
    (tmp_path / "rules.yaml").write_text(RULES)
    out = tmp_path / "anon.sql"
    result = run_cli("anonymize", "-c", str(tmp_path / "rules.yaml"), str(dump), "-o", str(out))
    assert result.returncode == 0, result.stderr
    data = out.read_bytes()
    assert b"SCRAM-SHA-256$" not in data
    assert b"real-customer.example" not in data
    assert f"ALTER ROLE {role} WITH".encode() in data
    assert b"\\connect" in data
