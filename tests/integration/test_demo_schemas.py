"""`demo infer` then `demo load` with no edit, on every schema of the test suite.

tests/data/demo/*.{postgres,mysql}.sql hold small schemas with what real ones have:
declarative partitions (range by month, list, hash, default), inheritance children with a
CHECK, NOT NULL foreign-key cycles (deferrable or not), NOT NULL self-references,
composite keys, triggers, domains and every built-in PostgreSQL type family.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.integration.demo_support import EXAMPLES, apply_sql, assert_integrity, checksums, cli

pytestmark = pytest.mark.integration

DATA = Path(__file__).resolve().parents[1] / "data" / "demo"
SCHEMAS = [
    *sorted(DATA.glob("*.sql")),
    EXAMPLES / "schema.postgres.sql",
    EXAMPLES / "schema.mysql.sql",
]


def _url(path: Path, request: pytest.FixtureRequest) -> str:
    return str(request.getfixturevalue("pg_db" if ".postgres." in path.name else "mariadb_db"))


@pytest.mark.parametrize("schema", SCHEMAS, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_infer_then_load_unchanged(
    schema: Path, request: pytest.FixtureRequest, tmp_path: Path
) -> None:
    url = _url(schema, request)
    apply_sql(url, schema.read_text())
    spec = tmp_path / "spec.yaml"
    assert cli("demo", "infer", "--db", url, "-o", str(spec), "--rows", "30") == 0
    assert cli("demo", "load", "--config", str(spec), "--db", url) == 0, spec.read_text()
    counts = assert_integrity(url)
    assert sum(counts.values()) > 0
    tables = tuple(sorted(t for t, n in counts.items() if n))
    first = checksums(url, tables)
    assert cli("demo", "load", "--config", str(spec), "--db", url, "--reset") == 0
    assert checksums(url, tables) == first
