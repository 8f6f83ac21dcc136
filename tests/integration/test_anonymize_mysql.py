"""MySQL/MariaDB dumps from the real mariadb-dump, anonymized by the CLI, restored with
the ``mariadb`` client.

One tricky database is created for the module; every dump variant (default options,
``--hex-blob``, ``--skip-extended-insert``, ``--complete-insert``, all of them with
routines and triggers) must anonymize, restore without error and with every
constraint, keep what the rules keep (checksums), change what they transform and hold
no original value of a transformed column; runs are deterministic across ``--jobs``.
"""

from __future__ import annotations

import io
import os
import random
import subprocess
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dataops.anonymize.formats import mysqldump as my
from tests.harness.mariadb import MariaDBServer

pytestmark = pytest.mark.integration

Run = Callable[..., subprocess.CompletedProcess[str]]

SCHEMA = """
CREATE TABLE customers (
  id int NOT NULL AUTO_INCREMENT PRIMARY KEY,
  email varchar(80) NOT NULL UNIQUE,
  name varchar(50),
  phone char(14),
  note text,
  avatar varbinary(64),
  born date,
  status enum('new','active','gone') NOT NULL DEFAULT 'new',
  score decimal(8,2),
  label varchar(60) GENERATED ALWAYS AS (concat(name, '/', status)) VIRTUAL
) DEFAULT CHARSET=utf8mb4;
CREATE TABLE orders (
  id bigint NOT NULL PRIMARY KEY,
  customer_id int NOT NULL,
  code varchar(16) NOT NULL UNIQUE,
  total decimal(10,2),
  created datetime,
  CONSTRAINT orders_customer FOREIGN KEY (customer_id) REFERENCES customers (id)
) DEFAULT CHARSET=utf8mb4;
CREATE TABLE products (
  id int NOT NULL PRIMARY KEY,
  title varchar(100),
  blob_col blob
) DEFAULT CHARSET=utf8mb4;
CREATE TABLE audit (id int NOT NULL AUTO_INCREMENT PRIMARY KEY, what varchar(100));
CREATE VIEW customer_emails AS SELECT id, email FROM customers;
CREATE TRIGGER orders_ai AFTER INSERT ON orders FOR EACH ROW
INSERT INTO audit (what) VALUES (concat('order;', NEW.id, '),(x'));
CREATE PROCEDURE touch(IN n int)
BEGIN
  INSERT INTO audit (what) VALUES ('proc; INSERT INTO customers VALUES (1)');
  SELECT n;
END
"""

RULES = """\
version: 1
secret: integration-mysql-secret
tables:
  customers:
    columns:
      id: keep
      email: {transform: email, unique: true}
      name: {transform: fake, provider: first_name}
      phone: {transform: mask, keep_last: 2}
      note: {transform: mask}
      avatar: {transform: hash, length: 32}
      born: {transform: date_shift}
      status: keep
      score: {transform: number_noise}
  {db}.orders:
    columns:
      id: keep
      customer_id: keep
      code: keep
      total: keep
      created: {transform: date_shift, max_days: 30}
  products: keep
  audit: keep
"""
TRICKY = [
    "Zyqa O'Hare",
    'Zyqb "quoted"',
    "Zyqc back\\slash",
    "Zyqd new\nline\ttab\rcr",
    "Zyqe ),(paren;",
    "Zyqf Zoë ünïcödé ✓",
    "Zyqg \x1a ctrl-z",
    "Zyqh 100% _under_",
]
TRANSFORMED = ["email", "name", "phone", "note"]
DUMP_OPTIONS = {
    "default": [],
    "hex-blob": ["--hex-blob"],
    "skip-extended-insert": ["--skip-extended-insert"],
    "complete-insert": ["--complete-insert"],
}


@dataclass
class Maria:
    server: MariaDBServer
    options: Path  # 0600 client option file
    dbname: str
    workdir: Path
    rules: Path
    originals: dict[str, list[bytes]]

    def client(self, *args: str, stdin: bytes | None = None) -> subprocess.CompletedProcess[bytes]:
        return subprocess.run(
            ["mariadb", f"--defaults-extra-file={self.options}", *args],
            input=stdin,
            capture_output=True,
            timeout=300,
            check=False,
        )

    def dump(self, *options: str, dbname: str | None = None) -> bytes:
        proc = subprocess.run(
            [
                "mariadb-dump",
                f"--defaults-extra-file={self.options}",
                "--routines",
                "--triggers",
                *options,
                dbname or self.dbname,
            ],
            capture_output=True,
            timeout=300,
            check=True,
        )
        return proc.stdout

    def restore(self, data: bytes) -> str:
        name = "r_" + uuid.uuid4().hex[:10]
        self.server.create_database(name)
        proc = self.client(name, stdin=data)
        assert proc.returncode == 0, proc.stderr.decode()
        return name

    def query(self, dbname: str, sql: str) -> list[tuple[object, ...]]:
        return self.server.execute(sql, dbname)


def _fill(server: MariaDBServer, dbname: str) -> dict[str, list[bytes]]:
    conn = server.connect(dbname)
    rng = random.Random(7)
    originals: dict[str, list[bytes]] = {c: [] for c in TRANSFORMED}
    with conn.cursor() as cur:
        for stmt in SCHEMA.split(";\nCREATE PROCEDURE")[0].split(";\n"):
            if stmt.strip():
                cur.execute(stmt)
        cur.execute("CREATE PROCEDURE" + SCHEMA.split(";\nCREATE PROCEDURE")[1])
        for i in range(1, 301):
            tricky = TRICKY[i % len(TRICKY)]
            email = f"zyq.person{i}@corp-{i % 7}.example"
            name = f"Zyqname{i}" if i % 5 else tricky[:50]
            phone = f"+49{rng.randrange(10**9, 10**10)}"
            note = f"zyqnote {i}: {tricky}" if i % 11 else None
            avatar = (
                bytes(rng.randrange(256) for _ in range(rng.randrange(0, 40))) if i % 3 else None
            )
            cur.execute(
                "INSERT INTO customers (id, email, name, phone, note, avatar, born, status, score)"
                " VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s)",
                (
                    i,
                    email,
                    name,
                    phone,
                    note,
                    avatar,
                    f"19{50 + i % 50}-0{1 + i % 9}-1{i % 10}",
                    ["new", "active", "gone"][i % 3],
                    f"{rng.randrange(-99999, 99999) / 100:.2f}",
                ),
            )
            originals["email"].append(email.encode())
            originals["name"].append(name.encode())
            originals["phone"].append(phone.encode())
            if note is not None:
                originals["note"].append(note.encode())
        for i in range(1, 601):
            cur.execute(
                "INSERT INTO orders VALUES (%s, %s, %s, %s, %s)",
                (
                    i,
                    1 + i % 300,
                    f"ORD-{i:06d}",
                    f"{i * 1.25:.2f}",
                    f"2024-0{1 + i % 9}-01 10:00:0{i % 10}",
                ),
            )
        for i in range(1, 51):
            cur.execute(
                "INSERT INTO products VALUES (%s, %s, %s)",
                (
                    i,
                    TRICKY[i % len(TRICKY)].replace("Zyq", "Prd") + f" #{i}",
                    bytes(range(i % 256)) * 3,
                ),
            )
    conn.close()
    return originals


@pytest.fixture(scope="module")
def maria(mariadb: MariaDBServer, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Maria]:
    workdir = tmp_path_factory.mktemp("mysql-anon")
    options = workdir / "client.cnf"
    options.write_text(
        f"[client]\nuser={mariadb.user}\npassword={mariadb.password}\n"
        f"host=127.0.0.1\nport={mariadb.port}\nprotocol=TCP\n"
    )
    options.chmod(0o600)
    dbname = "shop_" + uuid.uuid4().hex[:8]
    mariadb.create_database(dbname)
    originals = _fill(mariadb, dbname)
    rules = workdir / "rules.yaml"
    rules.write_text(RULES.replace("{db}", dbname))
    yield Maria(mariadb, options, dbname, workdir, rules, originals)
    mariadb.drop_database(dbname)


def _anonymize(run_cli: Run, m: Maria, src: Path, out: Path, *extra: str) -> None:
    proc = run_cli(
        "anonymize", "--config", str(m.rules), str(src), "-o", str(out), "--no-progress", *extra
    )
    assert proc.returncode == 0, proc.stderr


def _checksum(m: Maria, dbname: str, table: str, columns: str) -> object:
    return m.query(
        dbname,
        f"SELECT COUNT(*), MD5(GROUP_CONCAT(CONCAT_WS('|', {columns}) ORDER BY id SEPARATOR '#'))"
        f" FROM {table}",
    )


@pytest.mark.parametrize("variant", list(DUMP_OPTIONS))
def test_dump_variants_restore_with_constraints(variant: str, maria: Maria, run_cli: Run) -> None:
    m = maria
    src = m.workdir / f"{variant}.sql"
    src.write_bytes(m.dump(*DUMP_OPTIONS[variant]))
    out = m.workdir / f"{variant}.anon.sql"
    _anonymize(run_cli, m, src, out, "--jobs", "1")
    data = out.read_bytes()
    # no original value of a transformed column anywhere in the output, raw or escaped
    for column, values in m.originals.items():
        for value in values:
            assert value not in data, (column, value)
            assert my.escape(value) not in data, (column, value)
    restored = m.restore(data)
    try:
        # every constraint restored, exactly as declared
        for table in ("customers", "orders", "products"):
            original = m.query(m.dbname, f"SHOW CREATE TABLE {table}")[0][1]
            assert m.query(restored, f"SHOW CREATE TABLE {table}")[0][1] == original
        assert m.query(
            restored,
            f"SELECT COUNT(*) FROM information_schema.TRIGGERS WHERE TRIGGER_SCHEMA = '{restored}'",
        ) == [(1,)]
        assert m.query(
            restored,
            f"SELECT COUNT(*) FROM information_schema.ROUTINES WHERE ROUTINE_SCHEMA = '{restored}'",
        ) == [(1,)]
        orphans = "SELECT COUNT(*) FROM orders o LEFT JOIN customers c ON c.id = o.customer_id WHERE c.id IS NULL"
        assert m.query(restored, orphans) == [(0,)]
        assert m.query(restored, "SELECT COUNT(DISTINCT email), COUNT(*) FROM customers") == [
            (300, 300)
        ]
        # kept columns and tables identical
        for table, columns in (
            ("customers", "id, status"),
            ("orders", "id, customer_id, code, total"),
            ("products", "id, title, HEX(blob_col)"),
            ("audit", "id, what"),
        ):
            assert _checksum(m, restored, table, columns) == _checksum(m, m.dbname, table, columns)
        # transformed columns changed, row by row; generated column recomputed from them
        pairs = m.query(
            restored,
            f"SELECT a.email, b.email, a.name, b.name, a.phone, b.phone, a.note, b.note, "
            f"a.avatar, b.avatar, a.born, b.born, a.label, b.label FROM customers a "
            f"JOIN `{m.dbname}`.customers b USING (id) ORDER BY id",
        )
        assert len(pairs) == 300
        for row in pairs:
            for k in range(0, 12, 2):
                if row[k + 1] is None:
                    assert row[k] is None
                else:
                    assert row[k] != row[k + 1]
            assert row[12] is None or str(row[12]).startswith(str(row[2]) + "/")
        phones = m.query(restored, "SELECT phone FROM customers ORDER BY id LIMIT 1")
        assert str(phones[0][0]).startswith("*") and len(str(phones[0][0])) == 13
    finally:
        m.server.drop_database(restored)


def test_deterministic_across_runs_and_jobs(maria: Maria, run_cli: Run) -> None:
    m = maria
    src = m.workdir / "det.sql"
    src.write_bytes(m.dump())
    outs = []
    for n, jobs in enumerate(("1", "2", "1")):
        out = m.workdir / f"det{n}.sql"
        _anonymize(run_cli, m, src, out, "--jobs", jobs)
        outs.append(out.read_bytes())
    assert outs[0] == outs[1] == outs[2]
    # stdin (no first pass) gives the same bytes
    proc = subprocess.run(
        ["python", "-m", "dataops", "anonymize", "--config", str(m.rules), "--no-progress"],
        input=src.read_bytes(),
        capture_output=True,
        timeout=300,
        check=False,
        env={k: v for k, v in os.environ.items() if not k.startswith("DATAOPS_")},
    )
    assert proc.returncode == 0, proc.stderr.decode()
    assert proc.stdout == outs[0]


def test_source_url_runs_the_dump_tool_without_password_in_argv(maria: Maria, run_cli: Run) -> None:
    m = maria
    out = m.workdir / "from-source.sql.zst"
    url = f"mysql://{m.server.user}:{m.server.password}@127.0.0.1:{m.server.port}/{m.dbname}"
    proc = run_cli(
        "anonymize", "--config", str(m.rules), "--source", url, "-o", str(out), "--no-progress"
    )
    assert proc.returncode == 0, proc.stderr
    assert m.server.password not in proc.stderr and m.server.password not in proc.stdout
    import zstandard

    data = zstandard.ZstdDecompressor().decompressobj().decompress(out.read_bytes())
    for value in m.originals["email"]:
        assert value not in data
    restored = m.restore(data)
    try:
        assert m.query(restored, "SELECT COUNT(*) FROM orders") == [(600,)]
    finally:
        m.server.drop_database(restored)
    bad = url.replace(m.server.password, "Wr0ng-pa55word")
    out.unlink()
    proc = run_cli(
        "anonymize", "--config", str(m.rules), "--source", bad, "-o", str(out), "--no-progress"
    )
    assert proc.returncode == 3, proc.stderr
    assert "Access denied" in proc.stderr and "Wr0ng-pa55word" not in proc.stderr
    assert not out.exists()


def test_truncated_and_wrong_value_count_fail_with_no_output(maria: Maria, run_cli: Run) -> None:
    m = maria
    dump = m.dump("--skip-extended-insert")
    cut_at = dump.index(b"INSERT INTO `customers` VALUES (150,") + 40
    src = m.workdir / "cut.sql"
    src.write_bytes(dump[:cut_at])
    out = m.workdir / "cut.anon.sql"
    proc = run_cli("anonymize", "--config", str(m.rules), str(src), "-o", str(out), "--no-progress")
    assert proc.returncode == 2, proc.stderr
    line = dump[:cut_at].count(b"\n") + 1
    assert f"customers (INSERT at line {line}" in proc.stderr and "truncated" in proc.stderr
    assert not out.exists()
    assert not [p for p in m.workdir.iterdir() if p.name.startswith(".cut.anon")]

    start = dump.index(b"INSERT INTO `customers` VALUES (7,")
    end = dump.index(b"\n", start)
    row = dump[start:end]
    bad = (
        dump[:start]
        + row.replace(b",'new',", b",", 1)
        .replace(b",'active',", b",", 1)
        .replace(b",'gone',", b",", 1)
        + dump[end:]
    )
    assert bad != dump
    src.write_bytes(bad)
    proc = run_cli("anonymize", "--config", str(m.rules), str(src), "-o", str(out), "--no-progress")
    assert proc.returncode == 2, proc.stderr
    line = dump[:start].count(b"\n") + 1
    assert f"customers (INSERT at line {line}), line {line}: a row has 9 values" in proc.stderr
    assert not out.exists()


@pytest.fixture(scope="module")
def bytes_db(maria: Maria) -> Iterator[str]:
    name = "bytes_" + uuid.uuid4().hex[:8]
    maria.server.create_database(name)
    maria.server.execute(
        "CREATE TABLE t (id int PRIMARY KEY, b varbinary(300), s varchar(100), x varchar(20))", name
    )
    yield name
    maria.server.drop_database(name)


@settings(
    max_examples=12,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(values=st.lists(st.binary(max_size=200), min_size=1, max_size=25))
def test_escaper_round_trips_through_the_real_server(
    values: list[bytes], maria: Maria, bytes_db: str, tmp_path_factory: pytest.TempPathFactory
) -> None:
    """Random bytes: our literal, executed by the server, is the value; the server's
    dump, anonymized (b kept, x transformed), decodes to the value and restores to it."""
    m = maria
    m.server.execute("DELETE FROM t", bytes_db)
    inserts = b";\n".join(
        f"INSERT INTO t VALUES ({i}, ".encode()
        + my.quote(v)
        + b", "
        + my.quote(v.hex()[:100].encode())
        + b", 'x')"
        for i, v in enumerate(values)
    )
    proc = m.client(bytes_db, stdin=inserts + b";\n")
    assert proc.returncode == 0, proc.stderr.decode()
    got = m.query(bytes_db, "SELECT HEX(b) FROM t ORDER BY id")
    assert [r[0] for r in got] == [v.hex().upper() for v in values]
    workdir = tmp_path_factory.mktemp("bytes")
    rules = workdir / "rules.yaml"
    rules.write_text(
        "version: 1\nsecret: round-trip-secret\ntables:\n  t:\n    columns:\n"
        "      id: keep\n      b: keep\n      s: keep\n      x: {transform: constant, value: 'y'}\n"
    )
    from dataops.anonymize.engines.mysql import anonymize_mysql
    from dataops.anonymize.plan import Plan
    from dataops.anonymize.rules import load_rules

    dump = m.dump(dbname=bytes_db)
    out = io.BytesIO()
    anonymize_mysql(
        Plan(load_rules(rules)), io.BytesIO(dump), out, prescan=my.scan(io.BytesIO(dump))
    )
    decoded = [r[2][1] for r in my.iter_rows(io.BytesIO(out.getvalue()))]
    assert decoded == values
    restored = m.restore(out.getvalue())
    try:
        got = m.query(restored, "SELECT HEX(b), x FROM t ORDER BY id")
        assert got == [(v.hex().upper(), "y") for v in values]
    finally:
        m.server.drop_database(restored)


def test_account_password_hashes_from_system_users(maria: Maria, run_cli: Run) -> None:
    m = maria
    src = m.workdir / "users.sql"
    src.write_bytes(m.dump("--system=users"))
    assert b"IDENTIFIED" in src.read_bytes()
    out = m.workdir / "users.anon.sql"
    proc = run_cli("anonymize", "--config", str(m.rules), str(src), "-o", str(out), "--no-progress")
    assert proc.returncode == 2, proc.stderr
    assert "password hash" in proc.stderr and m.server.password not in proc.stderr
    assert not out.exists()
    proc = run_cli(
        "anonymize",
        "--config",
        str(m.rules),
        str(src),
        "-o",
        str(out),
        "--no-progress",
        "--role-passwords",
        "keep",
    )
    assert proc.returncode == 0, proc.stderr
