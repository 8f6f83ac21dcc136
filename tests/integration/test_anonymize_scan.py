"""``dataops anonymize scan | check | audit`` against real PostgreSQL dumps and a live database.

The database (``scan_fixtures``) hides personal data in badly named columns; scan must
find it by values, its draft must run unchanged, check must fail once a migration adds
a personal column marked keep, and audit must find leaks planted in a kept column and
in a JSON document while passing on a correct run.
"""

from __future__ import annotations

import json
import subprocess
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
import yaml

from dataops import tools
from dataops.anonymize import mysqlsource
from dataops.execute import run
from tests.harness.mariadb import MariaDBServer
from tests.harness.postgres import PgServer
from tests.integration.anonymize_fixtures import create_tricky_database
from tests.integration.scan_fixtures import create_pii_database, create_pii_mysql, rows

pytestmark = pytest.mark.integration

SECRET = {"DATAOPS_ANONYMIZE_SECRET": "scan-test-secret-1"}
RunCli = Callable[..., subprocess.CompletedProcess[str]]
HIDDEN = {  # column -> what scan must find there by its values
    "c1": "email",
    "c2": "phone",
    "notes": "free_text",
    "payload": "json",
    "x_card": "card",
    "whois": "ip",
    "ident": "national_id",
    "who": "person_name",
    "addr": "address",
    "dob": "date_of_birth",
}
NOT_PERSONAL = ("id", "amount", "status", "created")


@dataclass
class Db:
    pg: PgServer
    name: str
    workdir: Path

    def dump(self, fmt: str = "p", name: str = "dump") -> Path:
        path = self.workdir / f"{name}.{fmt}"
        run(
            [tools.find("pg_dump"), "-F", fmt, "-f", str(path)],
            env=self.pg.libpq_env(self.name),
            timeout=120,
        )
        return path


@pytest.fixture(scope="module")
def db(pg: PgServer, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Db]:
    name = "pii_" + uuid.uuid4().hex[:8]
    create_pii_database(pg, name)
    yield Db(pg, name, tmp_path_factory.mktemp("scan"))
    pg.drop_database(name)


def _scan(run_cli: RunCli, *args: str) -> subprocess.CompletedProcess[str]:
    result = run_cli("anonymize", "scan", *args)
    assert result.returncode == 0, result.stderr
    return result


@pytest.mark.parametrize("fmt", ["p", "c", "d"])
def test_scan_finds_hidden_pii_by_values_and_the_draft_runs_unchanged(
    db: Db, run_cli: RunCli, fmt: str
) -> None:
    dump = db.dump(fmt, f"orig-{fmt}")
    rules = db.workdir / f"rules-{fmt}.yaml"
    report = db.workdir / f"scan-{fmt}.json"
    _scan(run_cli, str(dump), "-o", str(rules), "--json", str(report), "--sample", "200")
    found = {
        c["column"]: c
        for c in json.loads(report.read_text())["columns"]
        if c["table"] == "public.t1"
    }
    for column, kind in HIDDEN.items():
        assert found[column]["kind"] == kind, found[column]
        assert found[column]["confidence"] in ("high", "medium")
    for column in NOT_PERSONAL:
        assert found[column]["kind"] is None, found[column]
        assert found[column]["rule"] == "keep"
    paths = found["payload"]["json_paths"]
    assert paths == {"$.contact.email": "email", "$.contact.name": "person_name"}
    text = rules.read_text()
    assert "secret: ${DATAOPS_ANONYMIZE_SECRET}" in text
    assert "# email: 100% of 200 sampled values are emails" in text
    data = yaml.safe_load(text)
    t1 = data["tables"]["public.t1"]["columns"]
    assert set(t1) == {*HIDDEN, *NOT_PERSONAL}  # every column listed
    assert t1["c1"]["transform"] == "email" and t1["c1"]["unique"] is True  # UNIQUE column
    # the FOREIGN KEY t2.owner -> t1.c1 gets the same rule
    assert data["tables"]["public.t2"]["columns"]["owner"] == t1["c1"]
    # the draft runs unchanged, restores, and leaves no original email or card behind
    out = db.workdir / f"anon-{fmt}"
    result = run_cli(
        "anonymize", "--config", str(rules), str(dump), "-o", str(out),
        "--verify-restore", db.pg.url(), env=SECRET,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    audit = run_cli(
        "anonymize", "audit", "--config", str(rules), "--original", str(dump),
        "--anonymized", str(out), env=SECRET,
    )  # fmt: skip
    assert audit.returncode == 0, audit.stdout + audit.stderr
    assert audit.stdout.strip().splitlines()[-1] == "audit: 7 passed, 0 failed"


def test_scan_live_database_is_read_only_and_sampled(db: Db, run_cli: RunCli) -> None:
    rules = db.workdir / "rules-live.yaml"
    result = _scan(run_cli, "--source", db.pg.url(db.name), "-o", str(rules), "--sample", "50")
    assert "personal column(s)" in result.stdout
    data = yaml.safe_load(rules.read_text())
    cols = data["tables"]["public.t1"]["columns"]
    assert cols["c1"]["transform"] == "email"
    assert cols["status"] == "keep"
    assert "50 sampled values" in rules.read_text()
    assert db.pg.url(db.name).split("@")[0].split(":")[-1] not in result.stdout + result.stderr


def test_check_fails_after_a_migration_adds_a_personal_column_marked_keep(
    pg: PgServer, tmp_path: Path, run_cli: RunCli
) -> None:
    name = "mig_" + uuid.uuid4().hex[:8]
    create_pii_database(pg, name, n=100)
    try:
        d = Db(pg, name, tmp_path)
        rules = tmp_path / "rules.yaml"
        _scan(run_cli, str(d.dump("c", "before")), "-o", str(rules))
        ok = run_cli("anonymize", "check", "--config", str(rules), str(d.dump("c", "before")))
        assert ok.returncode == 0, ok.stdout + ok.stderr
        assert ok.stdout.strip().splitlines()[-1] == "check: ok (2 tables)"
        # a migration adds a column full of emails, and someone marks it keep
        with pg.connect(name) as conn:
            conn.execute("ALTER TABLE public.t2 ADD COLUMN contact text")
            conn.execute("UPDATE public.t2 SET contact = 'someone' || id || '@corp.example.net'")
        before = rules.read_text()
        data = "".join(
            line + ("      contact: keep\n" if line.startswith("      label:") else "")
            for line in before.splitlines(keepends=True)
        )
        rules.write_text(data)
        after = d.dump("c", "after")
        bad = run_cli("anonymize", "check", "--config", str(rules), str(after))
        assert bad.returncode == 1, bad.stdout + bad.stderr
        assert "public.t2.contact is kept" in bad.stdout
        assert "emails" in bad.stdout
        # the same gate on the live database
        live = run_cli("anonymize", "check", "--config", str(rules), "--source", pg.url(name))
        assert live.returncode == 1 and "public.t2.contact is kept" in live.stdout
        # a json rule that stops naming a personal path leaves it kept: a problem too
        rules.write_text(before.replace(", $.contact.name: {transform: fake, provider: name}", ""))
        path_kept = run_cli("anonymize", "check", "--config", str(rules), str(after))
        assert path_kept.returncode == 1
        assert "public.t1.payload $.contact.name is kept" in path_kept.stdout
        # and a column the rules do not list is the real run's error
        rules.write_text(before)
        missing = run_cli("anonymize", "check", "--config", str(rules), str(after), "--json")
        assert missing.returncode == 1
        report = json.loads(missing.stdout)
        assert any("contact is not covered" in p for p in report["rule_problems"])
    finally:
        pg.drop_database(name)


def _plant(anon_sql: Path, target: Path, kept_value: str, json_value: str) -> None:
    """Copy a plain anonymized dump with an original value in the kept ``status`` column
    of row 5 and another inside the JSON document of row 7."""
    lines = anon_sql.read_text().split("\n")
    start = next(i for i, line in enumerate(lines) if line.startswith("COPY public.t1 "))
    row = lines[start + 5].split("\t")
    row[12] = kept_value
    lines[start + 5] = "\t".join(row)
    row = lines[start + 7].split("\t")
    doc = json.loads(row[4])
    doc["note"] = f"call {json_value} today"
    row[4] = json.dumps(doc)
    lines[start + 7] = "\t".join(row)
    target.write_text("\n".join(lines))


def test_audit_finds_leaks_in_a_kept_column_and_a_json_document(
    db: Db, run_cli: RunCli, tmp_path: Path
) -> None:
    dump = db.dump("p", "audit-orig")
    rules = tmp_path / "rules.yaml"
    _scan(run_cli, str(dump), "-o", str(rules))
    anon = tmp_path / "anon.sql"
    result = run_cli("anonymize", "--config", str(rules), str(dump), "-o", str(anon), env=SECRET)
    assert result.returncode == 0, result.stderr
    original = rows(300)
    email, phone = str(original[3][1]), str(original[0][2])
    leaked = tmp_path / "leaked.sql"
    _plant(anon, leaked, email, phone)
    report = tmp_path / "audit.json"
    audit = run_cli(
        "anonymize", "audit", "--config", str(rules), "--original", str(dump),
        "--anonymized", str(leaked), "--json", str(report), "--restore", db.pg.url(),
        env=SECRET,
    )  # fmt: skip
    assert audit.returncode == 1, audit.stdout + audit.stderr
    lines = audit.stdout.strip().splitlines()
    assert lines[-1] == "audit: 6 passed, 2 failed"
    assert "leak: public.t1.status row 5: a value of public.t1.c1" in audit.stdout
    assert "leak: public.t1.payload row 7 (at $.note): a value of public.t1.c2" in audit.stdout
    assert "FAIL kept columns identical: differ: public.t1.status" in audit.stdout
    assert "ok   restores into a scratch database" in audit.stdout
    assert email not in audit.stdout + audit.stderr + report.read_text()  # never the value
    assert phone not in audit.stdout + audit.stderr + report.read_text()
    data = json.loads(report.read_text())
    assert data["leak_count"] == 2 and data["failed"] == 2
    assert {(x["table"], x["column"], x["row"]) for x in data["leaks"]} == {
        ("public.t1", "status", 5),
        ("public.t1", "payload", 7),
    }
    assert leaked.exists()  # --restore never removes the audited dump


@pytest.fixture(scope="module")
def mysql_dump(
    mariadb: MariaDBServer, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[Path, str]]:
    name = "pii_" + uuid.uuid4().hex[:8]
    url = mariadb.create_database(name)
    conn = mariadb.connect(name)
    try:
        create_pii_mysql(conn)
    finally:
        conn.close()
    path = tmp_path_factory.mktemp("scan-my") / "orig.sql"
    source = mysqlsource.parse_source(url)
    with mysqlsource.option_file(source) as defaults:
        dumped = run(
            mysqlsource.dump_argv(mysqlsource.find_dump_tool(), defaults, name),
            capture=True,
            timeout=120,
        )
    path.write_bytes(dumped.stdout or b"")
    root = mariadb.connect(None, as_root=True)  # audit --restore creates dataops_verify_*
    try:
        with root.cursor() as cur:
            cur.execute(f"GRANT ALL ON `dataops\\_verify\\_%`.* TO '{mariadb.user}'@'%'")
    finally:
        root.close()
    yield path, url
    mariadb.drop_database(name)


def test_mariadb_scan_draft_runs_check_and_audit(
    mysql_dump: tuple[Path, str], run_cli: RunCli, tmp_path: Path
) -> None:
    dump, url = mysql_dump
    db_name = url.rsplit("/", 1)[-1]
    rules = tmp_path / "rules.yaml"
    report = tmp_path / "scan.json"
    _scan(run_cli, str(dump), "-o", str(rules), "--json", str(report))
    found = {
        c["column"]: c
        for c in json.loads(report.read_text())["columns"]
        if c["table"] == f"{db_name}.t1"
    }
    for column, kind in HIDDEN.items():
        assert found[column]["kind"] == kind, found[column]
    for column in NOT_PERSONAL:
        assert found[column]["kind"] is None, found[column]
    data = yaml.safe_load(rules.read_text())
    assert data["tables"][f"{db_name}.t2"]["columns"]["owner"]["unique"] is True  # FK to UNIQUE
    # the draft runs unchanged on the MySQL engine; audit passes; check passes
    anon = tmp_path / "anon.sql"
    result = run_cli("anonymize", "--config", str(rules), str(dump), "-o", str(anon), env=SECRET)
    assert result.returncode == 0, result.stderr
    audit = run_cli(
        "anonymize", "audit", "--config", str(rules), "--original", str(dump),
        "--anonymized", str(anon), "--restore", url, env=SECRET,
    )  # fmt: skip
    assert audit.returncode == 0, audit.stdout + audit.stderr
    assert "ok   restores into a scratch database" in audit.stdout
    assert audit.stdout.strip().splitlines()[-1] == "audit: 8 passed, 0 failed"
    check = run_cli("anonymize", "check", "--config", str(rules), str(dump))
    assert check.returncode == 0, check.stdout + check.stderr
    # the live database: read-only sample, the same findings; a kept email column fails check
    live_rules = tmp_path / "live.yaml"
    _scan(run_cli, "--source", url, "-o", str(live_rules), "--sample", "40")
    live = yaml.safe_load(live_rules.read_text())
    assert live["tables"][f"{db_name}.t1"]["columns"]["c1"]["transform"] == "email"
    kept = rules.read_text().replace(
        "c2: {transform: tokenize}", "c2: keep"
    )  # a phone column marked keep
    rules.write_text(kept)
    bad = run_cli("anonymize", "check", "--config", str(rules), "--source", url)
    assert bad.returncode == 1, bad.stdout + bad.stderr
    assert f"{db_name}.t1.c2 is kept" in bad.stdout
    # a leak planted in a kept column of the anonymized MySQL dump is found
    email = str(rows(300)[3][1])
    text = anon.read_text()
    text = text.replace("'new',", f"'{email}',", 1)
    leaked = tmp_path / "leaked.sql"
    leaked.write_text(text)
    audit = run_cli(
        "anonymize", "audit", "--config", str(rules), "--original", str(dump),
        "--anonymized", str(leaked), env=SECRET,
    )  # fmt: skip
    assert audit.returncode == 1, audit.stdout + audit.stderr
    assert f"leak: {db_name}.t1.status row 1: a value of {db_name}.t1.c1" in audit.stdout
    assert email not in audit.stdout + audit.stderr


def test_scan_draft_of_the_tricky_database_runs_restores_and_audits_clean(
    pg: PgServer, tmp_path: Path, run_cli: RunCli
) -> None:
    """Quoted names, partitions, inheritance, domains, enums, arrays, generated columns,
    a large object, invalid UTF-8: the draft still validates, runs and restores."""
    name = "tricky_" + uuid.uuid4().hex[:8]
    create_tricky_database(pg, name)
    try:
        dump = Db(pg, name, tmp_path).dump("c", "tricky")
        rules = tmp_path / "rules.yaml"
        _scan(run_cli, str(dump), "-o", str(rules))
        data = yaml.safe_load(rules.read_text())
        assert data["tables"]["public.customer"]["columns"]["email"]["unique"] is True
        assert '"Audit Trail"."Event Log"' in data["tables"]
        assert data["large_objects"] == "empty"
        out = tmp_path / "anon.dump"
        result = run_cli(
            "anonymize", "--config", str(rules), str(dump), "-o", str(out),
            "--verify-restore", pg.url(), env=SECRET,
        )  # fmt: skip
        assert result.returncode == 0, result.stderr
        audit = run_cli(
            "anonymize", "audit", "--config", str(rules), "--original", str(dump),
            "--anonymized", str(out), env=SECRET,
        )  # fmt: skip
        assert audit.returncode == 0, audit.stdout + audit.stderr
        assert audit.stdout.strip().splitlines()[-1] == "audit: 7 passed, 0 failed"
    finally:
        pg.drop_database(name)


def test_audit_restore_reports_a_dump_that_does_not_restore(
    mysql_dump: tuple[Path, str], run_cli: RunCli, tmp_path: Path, mariadb: MariaDBServer
) -> None:
    dump, url = mysql_dump
    rules = tmp_path / "rules.yaml"
    _scan(run_cli, str(dump), "-o", str(rules))
    anon = tmp_path / "anon.sql"
    result = run_cli("anonymize", "--config", str(rules), str(dump), "-o", str(anon), env=SECRET)
    assert result.returncode == 0, result.stderr
    broken = tmp_path / "broken.sql"
    broken.write_text(anon.read_text() + "\nINSERT INTO `t1` (`id`, `c1`) VALUES (1, 'x');\n")
    audit = run_cli(
        "anonymize", "audit", "--config", str(rules), "--original", str(dump),
        "--anonymized", str(broken), "--restore", url, env=SECRET,
    )  # fmt: skip
    assert audit.returncode == 1, audit.stdout + audit.stderr
    assert "FAIL restores into a scratch database: the anonymized dump does not restore" in (
        audit.stdout
    )
    assert "Duplicate entry" in audit.stdout  # the server's error
    assert f"{url.rsplit('/', 1)[-1]}.t1: 301 rows, expected 300" in audit.stdout
    leftovers = mariadb.execute("SHOW DATABASES LIKE 'dataops\\_verify\\_%'", None)
    assert leftovers == []  # the scratch database was dropped
    assert broken.exists()
