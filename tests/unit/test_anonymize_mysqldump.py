"""The mysqldump parser and the mysql engine on hand-made dumps (MySQL 8 and MariaDB syntax)."""

from __future__ import annotations

import gzip
import io
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dataops.anonymize.engines.mysql import anonymize_mysql
from dataops.anonymize.engines.plain import anonymize_plain
from dataops.anonymize.formats import mysqldump as my
from dataops.anonymize.plan import Plan
from dataops.anonymize.rules import parse_rules
from dataops.anonymize.run import AnonymizeOptions, anonymize
from dataops.config.settings import Settings
from dataops.errors import ConfigError

# MySQL 8.0 mysqldump output, built from its documented syntax: the header, utf8mb4
# SET NAMES, /*!80016 ...*/ and /*!50001 ...*/ conditional comments, a view placeholder,
# --complete-insert column lists, _binary introducers, a trigger in a DELIMITER block
# whose body holds an INSERT, a generated column left out of the column list.
MYSQL8 = b"""-- MySQL dump 10.13  Distrib 8.0.36, for Linux (x86_64)
--
-- Host: localhost    Database: app
-- ------------------------------------------------------
-- Server version\t8.0.36

/*!40101 SET @OLD_CHARACTER_SET_CLIENT=@@CHARACTER_SET_CLIENT */;
/*!50503 SET NAMES utf8mb4 */;
/*!40103 SET TIME_ZONE='+00:00' */;
/*!40014 SET @OLD_FOREIGN_KEY_CHECKS=@@FOREIGN_KEY_CHECKS, FOREIGN_KEY_CHECKS=0 */;

--
-- Table structure for table `users`
--

DROP TABLE IF EXISTS `users`;
/*!40101 SET @saved_cs_client     = @@character_set_client */;
/*!50503 SET character_set_client = utf8mb4 */;
CREATE TABLE `users` (
  `id` int unsigned NOT NULL AUTO_INCREMENT,
  `login` varchar(12) COLLATE utf8mb4_0900_ai_ci NOT NULL,
  `email` varchar(80) NOT NULL,
  `secret` varbinary(16) DEFAULT NULL,
  `upper_login` varchar(12) GENERATED ALWAYS AS (upper(`login`)) VIRTUAL,
  `kind` enum('admin','user') NOT NULL DEFAULT 'user',
  PRIMARY KEY (`id`),
  UNIQUE KEY `login` (`login`),
  UNIQUE KEY `email_uk` (`email`)
) ENGINE=InnoDB AUTO_INCREMENT=4 DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_0900_ai_ci;
/*!40101 SET character_set_client = @saved_cs_client */;

LOCK TABLES `users` WRITE;
/*!40000 ALTER TABLE `users` DISABLE KEYS */;
INSERT INTO `users` (`id`, `login`, `email`, `secret`, `kind`) VALUES (1,'alice','alice@corp.example',_binary '\\0\\'\\\\x','admin'),(2,'bob','bob@corp.example',NULL,'user'),(3,'carol;(x)','carol@corp.example',_binary 'a\\nb','user');
/*!40000 ALTER TABLE `users` ENABLE KEYS */;
UNLOCK TABLES;

DROP TABLE IF EXISTS `audit`;
CREATE TABLE `audit` (
  `id` bigint NOT NULL,
  `user_id` int unsigned DEFAULT NULL,
  `note` text,
  PRIMARY KEY (`id`),
  KEY `fk_user` (`user_id`),
  CONSTRAINT `fk_user` FOREIGN KEY (`user_id`) REFERENCES `users` (`id`) ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;

LOCK TABLES `audit` WRITE;
INSERT INTO `audit` (`id`, `user_id`, `note`) VALUES (10,1,'it\\'s \\"quoted\\"\\r\\n\\Z'),(11,2,NULL);
UNLOCK TABLES;

--
-- Temporary view structure for view `v_users`
--

DROP TABLE IF EXISTS `v_users`;
/*!50001 DROP VIEW IF EXISTS `v_users`*/;
SET @saved_cs_client     = @@character_set_client;
/*!50503 SET character_set_client = utf8mb4 */;
/*!50001 CREATE VIEW `v_users` AS SELECT
 1 AS `id`,
 1 AS `login`*/;
SET character_set_client = @saved_cs_client;
/*!50003 SET @saved_sql_mode       = @@sql_mode */ ;
DELIMITER ;;
/*!50003 CREATE*/ /*!50017 DEFINER=`root`@`localhost`*/ /*!50003 TRIGGER `users_ai` AFTER INSERT ON `users` FOR EACH ROW
INSERT INTO audit (id, user_id, note) VALUES (NEW.id, NEW.id, 'alice@corp.example;') */;;
DELIMITER ;
/*!50003 SET sql_mode              = @saved_sql_mode */ ;

/*!50001 DROP VIEW IF EXISTS `v_users`*/;
/*!50001 CREATE ALGORITHM=UNDEFINED */
/*!50013 DEFINER=`root`@`localhost` SQL SECURITY DEFINER */
/*!50001 VIEW `v_users` AS select `users`.`id` AS `id`,`users`.`login` AS `login` from `users` */;
/*!40014 SET FOREIGN_KEY_CHECKS=@OLD_FOREIGN_KEY_CHECKS */;

-- Dump completed on 2026-01-01 10:00:00
"""

RULES = """\
version: 1
secret: unit-test-secret
tables:
  app.users:
    columns:
      id: keep
      login: {transform: tokenize}
      email: {transform: email, unique: true}
      secret: null
      kind: keep
  audit:
    columns:
      id: keep
      user_id: keep
      note: {transform: mask}
"""


def _run(dump: bytes, rules: str = RULES, prescan: bool = True) -> bytes:
    plan = Plan(parse_rules(rules, "rules.yaml", {}))
    out = io.BytesIO()
    scanned = my.scan(io.BytesIO(dump)) if prescan else None
    anonymize_mysql(plan, io.BytesIO(dump), out, prescan=scanned)
    return out.getvalue()


def test_reader_is_byte_exact_and_finds_only_the_data() -> None:
    events = list(my.DumpReader(io.BytesIO(MYSQL8)).events())
    assert b"".join(e.data for e in events) == MYSQL8
    starts = [e for e in events if isinstance(e, my.InsertStart)]
    assert [(s.database, s.table, s.columns) for s in starts] == [
        ("app", "users", ("id", "login", "email", "secret", "kind")),
        ("app", "audit", ("id", "user_id", "note")),
    ]
    trigger = [e for e in events if isinstance(e, my.Chunk) and b"TRIGGER" in e.data]
    assert len(trigger) == 1 and trigger[0].data.endswith(b"*/;;")
    rows = list(my.iter_rows(io.BytesIO(MYSQL8)))
    assert rows[0][2] == [b"1", b"alice", b"alice@corp.example", b"\0'\\x", b"admin"]
    assert rows[2][2][1] == b"carol;(x)" and rows[2][2][3] == b"a\nb"
    assert rows[3][2][2] == b'it\'s "quoted"\r\n\x1a'


def test_catalog_from_mysql8_ddl() -> None:
    s = my.scan(io.BytesIO(MYSQL8))
    cat = s.catalog
    assert {t.qualified for t in s.tables} == {"app.users", "app.audit"}
    users = ("app", "users")
    assert cat.column_type(users, "id").int_range == (0, 2**32 - 1)
    assert cat.column_type(users, "login").describe() == "varchar(12)"
    assert cat.column_type(users, "kind").labels == ("admin", "user")
    assert cat.is_not_null(users, "email") and not cat.is_not_null(users, "secret")
    assert {(k.kind, k.columns) for k in cat.keys_of(users)} == {
        ("PRIMARY KEY", ("id",)),
        ("UNIQUE", ("login",)),
        ("UNIQUE", ("email",)),
    }
    assert [(f.columns, f.ref_table, f.ref_columns) for f in cat.foreign_keys] == [
        (("user_id",), users, ("id",))
    ]
    assert ("app", "v_users") in cat.views and ("app", "v_users") not in cat.tables
    assert next(t for t in s.tables if t.table == "users").columns == (
        "id",
        "login",
        "email",
        "secret",
        "kind",
    )


@pytest.mark.parametrize("prescan", [True, False])
def test_transforms_values_and_passes_everything_else(prescan: bool) -> None:
    out = _run(MYSQL8, prescan=prescan)
    for original in (b"'alice'", b"bob@corp.example", b"carol@corp.example", b'\\"quoted'):
        assert original not in out
    # the trigger body (not data) is untouched, so is everything outside the values
    assert b"VALUES (NEW.id, NEW.id, 'alice@corp.example;') */;;" in out
    before = MYSQL8.split(b"INSERT INTO `users`")[0]
    assert out.startswith(before)
    assert out.endswith(MYSQL8.split(b"UNLOCK TABLES;\n\n--\n-- Temporary")[1])
    users = [r for r in my.iter_rows(io.BytesIO(out)) if r[0].table == "users"]
    assert [r[2][0] for r in users] == [b"1", b"2", b"3"]
    assert [len(r[2][1] or b"") for r in users] == [5, 3, 9]  # tokenize keeps the length
    assert all(r[2][3] is None for r in users)  # secret: null
    assert b",NULL,'admin')" in out and b"'user')" in out
    assert _run(MYSQL8, prescan=prescan) == out  # deterministic


def test_rules_problems_all_at_once_before_output() -> None:
    rules = """\
version: 1
secret: unit-test-secret
tables:
  app.users:
    columns:
      id: {transform: mask}
      login: {transform: hash, length: 32}
      email: null
      secret: keep
      upper_login: keep
  nothere: keep
"""
    with pytest.raises(ConfigError) as info:
        _run(MYSQL8, rules)
    text = "\n".join(info.value.details)
    assert "rules.yaml:6: app.users.id" in text  # mask on an unsigned int
    assert "rules.yaml:7: app.users.login: hash produces 32 hex characters" in text
    assert "app.users.email is NOT NULL" in text
    assert "app.users.upper_login is a generated column" in text
    assert "rules.yaml:11: tables.nothere: table is not in the dump" in text
    assert "no rule for table app.audit" in text
    assert "unique" in text or "lossy" in text  # mask on the primary key


def test_bare_table_names_are_refused_for_postgresql() -> None:
    dump = b"CREATE TABLE public.t (id integer);\nCOPY public.t (id) FROM stdin;\n1\n\\.\n"
    plan = Plan(parse_rules("version: 1\nsecret: unit-test-secret\ntables:\n  t: keep\n", "r.yaml"))
    with pytest.raises(ConfigError) as info:
        anonymize_plain(plan, io.BytesIO(dump), io.BytesIO())
    assert "r.yaml:4: tables.t: name the table as schema.table" in "\n".join(info.value.details)


def test_truncated_dump_names_table_and_line_and_leaves_no_output(tmp_path: Path) -> None:
    cut = MYSQL8[: MYSQL8.index(b"(3,'carol")]  # ends inside the users INSERT
    src = tmp_path / "cut.sql"
    src.write_bytes(cut)
    rules = tmp_path / "rules.yaml"
    rules.write_text(RULES)
    out = tmp_path / "out.sql"
    with pytest.raises(ConfigError) as info:
        anonymize(Settings(), AnonymizeOptions(rules, str(src), str(out), progress=False))
    assert "app.users (INSERT at line 34" in info.value.message
    assert "truncated" in info.value.message
    assert sorted(tmp_path.iterdir()) == sorted([src, rules])  # no output, no temp file
    # cut between statements: the missing trailer gives it away
    src.write_bytes(MYSQL8[: MYSQL8.index(b"--\n-- Temporary")])
    with pytest.raises(ConfigError, match="Dump completed"):
        anonymize(Settings(), AnonymizeOptions(rules, str(src), str(out), progress=False))
    assert not out.exists()


def test_wrong_value_count_names_table_and_line(tmp_path: Path) -> None:
    bad = MYSQL8.replace(b"(2,'bob','bob@corp.example',NULL,'user')", b"(2,'bob',NULL,'user')")
    with pytest.raises(ConfigError) as info:
        _run(bad)
    assert (
        "app.users (INSERT at line 34), line 34: a row has 4 values, the table has 5 columns (row 2"
        in info.value.message
    )


def test_gzip_and_auto_detection(tmp_path: Path) -> None:
    src = tmp_path / "dump.sql.gz"
    src.write_bytes(gzip.compress(MYSQL8))
    rules = tmp_path / "rules.yaml"
    rules.write_text(RULES)
    out = tmp_path / "out.sql"
    report = anonymize(Settings(), AnonymizeOptions(rules, str(src), str(out), progress=False))
    assert report.format == "mysql"
    assert out.read_bytes() == _run(MYSQL8)
    import zstandard

    zsrc = tmp_path / "dump.sql.zst"
    zsrc.write_bytes(zstandard.ZstdCompressor().compress(MYSQL8))
    zout = tmp_path / "out.sql.zst"
    report = anonymize(Settings(), AnonymizeOptions(rules, str(zsrc), str(zout), progress=False))
    assert report.format == "mysql"
    assert zstandard.ZstdDecompressor().decompressobj().decompress(zout.read_bytes()) == _run(
        MYSQL8
    )


def test_same_outputs_as_the_postgresql_engine() -> None:
    """Deterministic across engines: the same secret, transform and value give the same
    output in a MySQL dump and a PostgreSQL dump."""
    values = [b"alice@corp.example", b"O'Brien \\ x", b"tab\there", "Zoë".encode()]
    rules = """\
version: 1
secret: cross-engine-secret
tables:
  {name}:
    columns:
      id: keep
      a: {{transform: email, unique: true}}
      b: {{transform: hash, length: 20}}
      c: {{transform: tokenize}}
      d: {{transform: fake, provider: last_name}}
"""
    from dataops.anonymize.formats import copytext

    pg_rows = b"".join(
        b"%d\t" % i + b"\t".join([copytext.escape(v)] * 4) + b"\n" for i, v in enumerate(values)
    )
    pg = (
        b"CREATE TABLE public.t (id integer, a text, b text, c text, d text);\n"
        b"COPY public.t (id, a, b, c, d) FROM stdin;\n" + pg_rows + b"\\.\n"
    )
    pg_out = io.BytesIO()
    anonymize_plain(Plan(parse_rules(rules.format(name="public.t"), "r")), io.BytesIO(pg), pg_out)
    pg_values = [
        [copytext.unescape(f) for f in line.split(b"\t")]
        for line in pg_out.getvalue()
        .split(b"COPY public.t (id, a, b, c, d) FROM stdin;\n")[1]
        .split(b"\\.\n")[0]
        .splitlines()
    ]
    rows = b",".join(
        b"(%d," % i + b",".join([my.quote(v)] * 4) + b")" for i, v in enumerate(values)
    )
    mysql = (
        b"CREATE TABLE `t` (`id` int, `a` text, `b` text, `c` text, `d` text);\n"
        b"INSERT INTO `t` VALUES " + rows + b";\n"
    )
    my_out = _run(mysql, rules.format(name="t"))
    my_values = [r[2] for r in my.iter_rows(io.BytesIO(my_out))]
    assert my_values == pg_values
    assert all(a != v for row, v in zip(my_values, values, strict=True) for a in row[1:])


@settings(max_examples=200, deadline=None)
@given(st.binary(max_size=64))
def test_escape_round_trip(value: bytes) -> None:
    literal = my.quote(value)
    assert my.decode_literal(literal) == value
    row = b"(1," + literal + b",NULL)"
    assert my.split_row(row) == [b"1", literal, b"NULL"]
    assert my.ROW_RE.fullmatch(row) is not None
    for intro in (b"_binary ", b"_utf8mb4"):
        assert my.decode_literal(intro + literal) == value
    assert my.decode_literal(b"0x" + value.hex().encode()) == value


def test_literal_forms() -> None:
    assert my.decode_literal(b"'a\\%b\\_c'") == b"a\\%b\\_c"  # the server keeps these
    assert my.decode_literal(b"'it''s'") == b"it's"
    assert my.decode_literal(b"X'4142'") == b"AB"
    assert my.decode_literal(b"b'101'") == b"\x05"
    assert my.decode_literal(b"-1.5e3") == b"-1.5e3"
    assert my.decode_literal(b"NULL") is None
    assert my.split_row(b"( 1 , 'a' 'b' , _utf8mb4'x' )") == [b"1", b"'a' 'b'", b"_utf8mb4'x'"]
    with pytest.raises(ValueError):
        my.split_row(b"(1,'a)")


def test_a_stream_adapts_to_the_types_like_a_file() -> None:
    """Without a first pass (stdin) each table's CREATE TABLE, met before its data, still
    drives the type adaptations: the same bytes as from a file."""
    rows = b",".join(b"(%d,'someone.with.a.long.name%d@corp.example')" % (i, i) for i in range(50))
    dump = (
        b"CREATE TABLE `t` (`id` int NOT NULL, `e` varchar(30) NOT NULL, PRIMARY KEY (`id`),"
        b" UNIQUE KEY `e` (`e`));\nINSERT INTO `t` VALUES " + rows + b";\n"
    )
    rules = (
        "version: 1\nsecret: unit-test-secret\ntables:\n  t:\n    columns:\n      id: keep\n"
        "      e: {transform: email, unique: true}\n"
    )
    from_file = _run(dump, rules, prescan=True)
    assert _run(dump, rules, prescan=False) == from_file
    values = [r[2][1] for r in my.iter_rows(io.BytesIO(from_file))]
    assert len(values) == 50 and len(set(values)) == 50
    assert all(v is not None and len(v) <= 30 for v in values)


def test_pure_python_path_gives_the_same_bytes() -> None:
    from dataops.anonymize import speedups

    compiled = _run(MYSQL8)
    speedups.use(False)
    try:
        assert _run(MYSQL8) == compiled
        assert _run(MYSQL8, prescan=False) == compiled
    finally:
        speedups.use(True)


@pytest.mark.parametrize("prescan", [True, False])
def test_jobs_give_the_same_bytes(prescan: bool) -> None:
    plan = Plan(parse_rules(RULES, "rules.yaml", {}))
    out = io.BytesIO()
    scanned = my.scan(io.BytesIO(MYSQL8)) if prescan else None
    anonymize_mysql(plan, io.BytesIO(MYSQL8), out, prescan=scanned, jobs=2)
    assert out.getvalue() == _run(MYSQL8)


def test_use_db_insert_ignore_and_replace() -> None:
    dump = b"""CREATE DATABASE `a`;
USE `a`;
CREATE TABLE `t` (`id` int NOT NULL, `v` varchar(20), PRIMARY KEY (`id`));
INSERT IGNORE INTO `t` VALUES (1,'alpha-secret'),(2,'beta-secret');
CREATE DATABASE `b`;
USE `b`;
CREATE TABLE `t` (`id` int NOT NULL, `v` varchar(20), PRIMARY KEY (`id`));
REPLACE INTO `t` (`id`, `v`) VALUES (1,'kept-value');
INSERT INTO `a`.`t` VALUES (3,'gamma-secret');
"""
    rules = """\
version: 1
secret: unit-test-secret
tables:
  a.t:
    columns:
      id: keep
      v: {transform: hash, length: 12}
  b.t: keep
"""
    out = _run(dump, rules)
    assert b"secret" not in out and b"REPLACE INTO `t` (`id`, `v`) VALUES (1,'kept-value');" in out
    assert (
        b"INSERT IGNORE INTO `t` VALUES (1,'" in out and b"INSERT INTO `a`.`t` VALUES (3,'" in out
    )
    stats = anonymize_mysql(
        Plan(parse_rules(rules, "rules.yaml", {})),
        io.BytesIO(dump),
        io.BytesIO(),
        prescan=my.scan(io.BytesIO(dump)),
    )
    assert {s.table: (s.action, s.rows) for s in stats} == {
        "a.t": ("transform", 3),
        "b.t": ("keep", 1),
    }
    starts = [e for e in my.DumpReader(io.BytesIO(dump)).events() if isinstance(e, my.InsertStart)]
    assert [(s.verb, s.database, s.table) for s in starts] == [
        ("INSERT IGNORE", "a", "t"),
        ("REPLACE", "b", "t"),
        ("INSERT", "a", "t"),
    ]


def test_source_option_file_keeps_the_password_out_of_argv() -> None:
    import stat

    from dataops.anonymize import mysqlsource

    src = mysqlsource.parse_source('mysql://app:p@ss"w\\rd:x@db.example:3307/shop')
    with mysqlsource.option_file(src) as path:
        assert stat.S_IMODE(path.stat().st_mode) == 0o600
        text = path.read_text()
        assert 'password="p@ss\\"w\\\\rd:x"' in text and "port=3307" in text
        argv = mysqlsource.dump_argv("mariadb-dump", path, src.database)
        assert argv[1] == f"--defaults-extra-file={path}" and argv[-1] == "shop"
        assert not any("p@ss" in a for a in argv)
    assert not path.exists()


def test_verify_restore_is_refused_for_mysql_dumps(tmp_path: Path) -> None:
    src = tmp_path / "dump.sql"
    src.write_bytes(MYSQL8)
    rules = tmp_path / "rules.yaml"
    rules.write_text(RULES)
    out = tmp_path / "out.sql"
    options = AnonymizeOptions(
        rules, str(src), str(out), progress=False, verify_restore="postgresql://localhost/x"
    )
    with pytest.raises(ConfigError, match="cannot check a MySQL dump"):
        anonymize(Settings(), options)
    assert not out.exists()


_PIECES = st.sampled_from(
    [
        b"INSERT INTO `t` VALUES ",
        b"(1,'a')",
        b",",
        b";",
        b";\n",
        b"'",
        b'"',
        b"\\",
        b"`",
        b"/*",
        b"*/",
        b"/*!40101 ",
        b"-- c\n",
        b"#",
        b"\n",
        b"DELIMITER ;;\n",
        b"DELIMITER ;\n",
        b"USE `db`;\n",
        b"CREATE TABLE `t` (`a` int, `b` text);\n",
        b"(2,NULL),(3,'x\\'y')",
        b"REPLACE INTO t (a) VALUES ",
        b"x",
    ]
)


@settings(max_examples=300, deadline=None)
@given(st.lists(_PIECES | st.binary(max_size=6), max_size=30))
def test_reader_reproduces_any_input_or_fails_cleanly(pieces: list[bytes]) -> None:
    """Whatever the bytes: the events concatenate to the input, or a DumpError (exit 2)."""
    data = b"".join(pieces)
    for raw in (False, True):
        reader = my.DumpReader(io.BytesIO(data))
        if raw:
            reader.raw = lambda _start: True
        try:
            events = list(reader.events())
        except ConfigError:
            continue
        assert b"".join(e.data for e in events) == data


_LITERAL = st.one_of(
    st.binary(max_size=12).map(my.quote),
    st.binary(max_size=12).map(lambda b: b"_binary " + my.quote(b)),
    st.binary(max_size=12).map(lambda b: b"0x" + b.hex().upper().encode() if b else b"''"),
    st.just(b"NULL"),
    st.integers(-(10**6), 10**6).map(lambda n: str(n).encode()),
)


@settings(max_examples=150, deadline=None)
@given(st.lists(st.tuples(_LITERAL, _LITERAL), min_size=1, max_size=12), st.booleans())
def test_engine_keeps_every_kept_value_and_replaces_the_others(
    rows: list[tuple[bytes, bytes]], compiled: bool
) -> None:
    from dataops.anonymize import speedups

    body = b",".join(b"(%d,%b,%b)" % (i, a, b) for i, (a, b) in enumerate(rows))
    dump = (
        b"CREATE TABLE `t` (`id` int, `k` blob, `x` blob);\nINSERT INTO `t` VALUES " + body + b";\n"
    )
    rules = (
        "version: 1\nsecret: unit-test-secret\ntables:\n  t:\n    columns:\n      id: keep\n"
        "      k: keep\n      x: {transform: constant, value: 'c'}\n"
    )
    speedups.use(compiled)
    try:
        out = _run(dump, rules)
    finally:
        speedups.use(True)
    got = [r[2] for r in my.iter_rows(io.BytesIO(out))]
    assert [g[1] for g in got] == [my.decode_literal(a) for a, _ in rows]
    assert [g[2] for g in got] == [None if b == b"NULL" else b"c" for _, b in rows]
    kept = [my.split_row(m.group())[1] for m in my.ROW_RE.finditer(out.split(b"VALUES ", 1)[1])]
    assert kept == [a for a, _ in rows]  # byte for byte


def test_templates_and_preview_take_the_row_path() -> None:
    dump = (
        b"CREATE TABLE `p` (`id` int, `first` varchar(20), `last` varchar(20), `full` varchar(60),"
        b" `note` text);\nINSERT INTO `p` VALUES (1,'Ann','O\\'Hara','Ann O\\'Hara','x'),"
        b"(2,'Bob',NULL,'Bob','y');\n"
    )
    rules = """\
version: 1
secret: unit-test-secret
tables:
  p:
    columns:
      id: keep
      first: {transform: constant, value: 'F'}
      last: {transform: constant, value: "L'x"}
      full: {transform: template, template: '{first} {last}'}
      note: keep
"""
    out = _run(dump, rules)
    rows = [r[2] for r in my.iter_rows(io.BytesIO(out))]
    assert rows == [
        [b"1", b"F", b"L'x", b"F L'x", b"x"],
        [b"2", b"F", None, b"F ", b"y"],
    ]
    seen: list[tuple[bytes, bytes]] = []
    plan = Plan(parse_rules(rules, "rules.yaml", {}))
    anonymize_mysql(
        plan,
        io.BytesIO(dump),
        io.BytesIO(),
        prescan=my.scan(io.BytesIO(dump)),
        row_hook=lambda table, before, after: seen.append((before, after)),
        preview_rows=2,
    )
    assert len(seen) == 1 and b"Ann" in seen[0][0] and b"Ann" not in seen[0][1]


def test_account_password_hashes_are_refused_unless_kept() -> None:
    users = (
        b"CREATE USER `app`@`%` IDENTIFIED BY PASSWORD '*0123456789ABCDEF0123456789ABCDEF01234567';\n"
        b"GRANT SELECT ON `app`.* TO `app`@`%`;\n"
    )
    dump = users + MYSQL8
    plan = Plan(parse_rules(RULES, "rules.yaml", {}))
    with pytest.raises(ConfigError, match=r"line 1: the dump holds an account's password hash"):
        anonymize_mysql(plan, io.BytesIO(dump), io.BytesIO(), prescan=my.scan(io.BytesIO(dump)))
    out = io.BytesIO()
    anonymize_mysql(
        Plan(parse_rules(RULES, "rules.yaml", {})),
        io.BytesIO(dump),
        out,
        prescan=my.scan(io.BytesIO(dump)),
        role_passwords="keep",
    )
    assert out.getvalue().startswith(users)
    # a GRANT without IDENTIFIED passes in any case
    plan = Plan(parse_rules(RULES, "rules.yaml", {}))
    grant_only = users.split(b"\n", 1)[1] + MYSQL8
    anonymize_mysql(
        plan, io.BytesIO(grant_only), io.BytesIO(), prescan=my.scan(io.BytesIO(grant_only))
    )


def test_preview_through_the_action_writes_nothing(tmp_path: Path) -> None:
    src = tmp_path / "dump.sql"
    src.write_bytes(
        b"CREATE TABLE `p` (`id` int, `name` varchar(20));\n"
        b"INSERT INTO `p` VALUES (1,'Ann'),(2,'Bob'),(3,'Cy');\n"
    )
    rules = tmp_path / "rules.yaml"
    rules.write_text(
        "version: 1\nsecret: unit-test-secret\ntables:\n  p:\n    columns:\n"
        "      id: keep\n      name: {transform: constant, value: 'X'}\n"
    )
    out = tmp_path / "anon.sql"
    report = anonymize(
        Settings(), AnonymizeOptions(config=rules, input=str(src), output=str(out), preview=2)
    )
    assert report.format == "mysql" and not out.exists()
    assert report.preview is not None
    assert [[(c.column, c.before, c.after) for c in row] for row in report.preview["p"]] == [
        [("name", "Ann", "X")],
        [("name", "Bob", "X")],
    ]
