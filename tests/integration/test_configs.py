"""configs/: every example is loaded or run by a test (the Prometheus files by promtool, the
anonymize rules on the bundled dump, the demo spec into a real PostgreSQL)."""

from __future__ import annotations

import shutil
import subprocess
from collections.abc import Callable
from pathlib import Path

import psycopg
import pytest

REPO = Path(__file__).resolve().parents[2]
CONFIGS = REPO / "configs"
DEPLOY = REPO / "deploy"


def _promtool(*args: str) -> subprocess.CompletedProcess[str]:
    tool = shutil.which("promtool")
    assert tool, "promtool is missing: scripts/bootstrap installs Debian's prometheus"
    return subprocess.run([tool, *args], capture_output=True, text=True, timeout=120)


def test_prometheus_config_loads_the_alert_rules() -> None:
    result = _promtool("check", "config", str(CONFIGS / "prometheus" / "prometheus.yml"))
    assert result.returncode == 0, result.stdout + result.stderr
    assert "alerts.yml" in result.stdout and "SUCCESS" in result.stdout


def test_alert_rules_are_valid() -> None:
    result = _promtool("check", "rules", str(CONFIGS / "prometheus" / "alerts.yml"))
    assert result.returncode == 0, result.stdout + result.stderr
    assert "SUCCESS" in result.stdout


def test_anonymize_rules_example_runs_on_the_example_dump(
    run_cli: Callable[..., subprocess.CompletedProcess[str]], tmp_path: Path
) -> None:
    rules = CONFIGS / "anonymize" / "rules.example.yaml"
    dump = REPO / "examples" / "anonymize" / "shop.sql"
    out = tmp_path / "shop.anon.sql"
    missing = run_cli("anonymize", "--config", str(rules), str(dump), "-o", str(out))
    assert missing.returncode == 2, "the example has no default secret"
    assert "DATAOPS_ANONYMIZE_SECRET" in missing.stderr
    assert not out.exists()
    result = run_cli(
        "anonymize",
        "--config",
        str(rules),
        str(dump),
        "-o",
        str(out),
        env={"DATAOPS_ANONYMIZE_SECRET": "configs-test-secret"},
    )
    assert result.returncode == 0, result.stderr
    original, anonymized = dump.read_text(), out.read_text()
    assert "COPY public.customer" in anonymized
    emails = [w for w in original.split() if "@" in w and w.count("@") == 1][:20]
    assert emails and not any(email in anonymized for email in emails if "example.com" not in email)


@pytest.mark.integration
def test_demo_spec_example_loads_into_postgres(
    pg_db: str, run_cli: Callable[..., subprocess.CompletedProcess[str]]
) -> None:
    with psycopg.connect(pg_db, autocommit=True) as conn:
        conn.execute((REPO / "examples" / "demo" / "schema.postgres.sql").read_text())  # type: ignore[arg-type]
    result = run_cli(
        "demo",
        "load",
        "--config",
        str(CONFIGS / "demo" / "spec.example.yaml"),
        "--db",
        pg_db,
        "--scale",
        "0.25",
        "--reset",
        "--json",
    )
    assert result.returncode == 0, result.stderr
    with psycopg.connect(pg_db) as conn:
        row = conn.execute("SELECT count(*) FROM customers").fetchone()
    assert row is not None and row[0] == 500


def test_every_shipped_config_is_read_by_a_test() -> None:
    """Nothing in configs/ or deploy/ may be a file no test reads."""
    tests_text = "\n".join(p.read_text() for p in (REPO / "tests").rglob("*.py"))
    shipped = [p for root in (CONFIGS, DEPLOY) for p in root.rglob("*") if p.is_file()]
    unread = []
    for path in shipped:
        rel = path.relative_to(REPO).as_posix()
        if rel.startswith("deploy/kubernetes/"):
            continue  # every file there is a kustomization resource, rendered as a whole
        if rel.startswith("deploy/compose/secrets/"):
            continue  # read through docker-compose.test.yml's secrets (checked to exist)
        if rel.endswith("README.md"):
            continue
        if rel not in tests_text and path.name not in tests_text:
            unread.append(rel)
    assert unread == []
