"""Custom (-Fc) and directory (-Fd) archives from the real pg_dump, anonymized and restored.

One tricky database (``anonymize_fixtures``) is dumped once per variant; every
anonymized archive is restored with ``pg_restore --exit-on-error`` into a fresh
database and compared with the source.
"""

from __future__ import annotations

import io
import shutil
import signal
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from dataops import tools
from dataops.anonymize.engines.custom import anonymize_custom
from dataops.anonymize.engines.directory import anonymize_directory
from dataops.anonymize.formats import copytext
from dataops.anonymize.formats import pgarchive as pa
from dataops.anonymize.plan import Plan
from dataops.anonymize.rules import parse_rules
from dataops.execute import run
from tests.harness.postgres import PgServer
from tests.integration.anonymize_fixtures import (
    KEPT_TABLES,
    SECRET_VALUES,
    TRANSFORMED,
    TRICKY_RULES,
    create_tricky_database,
    table_bytes,
)
from tests.unit.archive_fakes import toc_entry

pytestmark = pytest.mark.integration

ENCODING = "SQL_ASCII"
TRUNCATED_TABLES = ["public.audit_log"]  # per TRICKY_RULES


def make_plan() -> Plan:
    return Plan(parse_rules(TRICKY_RULES, "rules.yaml", environ={}))


@dataclass
class Source:
    pg: PgServer
    dbname: str
    workdir: Path

    def env(self, dbname: str | None = None) -> dict[str, str]:
        return self.pg.libpq_env(dbname or self.dbname)

    def dump(self, name: str, *args: str) -> Path:
        path = self.workdir / name
        run([tools.find("pg_dump"), "-f", str(path), *args], env=self.env(), timeout=120)
        return path

    def dump_to_pipe(self, name: str, *args: str) -> Path:
        """pg_dump writing to stdout (a pipe): the archive has no data offsets."""
        result = run([tools.find("pg_dump"), *args], env=self.env(), capture=True, timeout=120)
        path = self.workdir / name
        path.write_bytes(result.stdout or b"")
        return path

    def restore(self, archive: Path, *args: str) -> str:
        name = "r_" + uuid.uuid4().hex[:10]
        self.pg.create_database(name, encoding=ENCODING)
        run(
            [
                tools.find("pg_restore"),
                "--exit-on-error",
                "--no-owner",
                "-d",
                name,
                *args,
                str(archive),
            ],
            env=self.env(name),
            timeout=120,
        )
        return name


@pytest.fixture(scope="module")
def source(pg: PgServer, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Source]:
    dbname = "tricky_" + uuid.uuid4().hex[:8]
    create_tricky_database(pg, dbname, encoding=ENCODING)
    src = Source(pg, dbname, tmp_path_factory.mktemp("archives"))
    yield src
    pg.drop_database(dbname)


def anonymize(archive: Path, out: Path, jobs: int = 2) -> list[object]:
    if archive.is_dir():
        return list(anonymize_directory(make_plan(), archive, out, jobs=jobs))
    with archive.open("rb") as fh, out.open("wb") as dst:
        return list(anonymize_custom(make_plan(), fh, dst, jobs=jobs))


def plaintext(archive: Path) -> bytes:
    """Everything an archive holds, decompressed: header, TOC, table data, large objects."""
    parts: list[bytes] = []
    if archive.is_dir():
        for path in sorted(archive.iterdir()):
            method = {
                ".gz": pa.Compression.GZIP,
                ".lz4": pa.Compression.LZ4,
                ".zst": pa.Compression.ZSTD,
            }.get(path.suffix, pa.Compression.NONE)
            dec = pa.decompressor(method, gzip_file=True)
            parts.append(dec.decompress(path.read_bytes()) + dec.flush())
        return b"".join(parts)
    raw = archive.read_bytes()
    reader = pa.Reader(io.BytesIO(raw))
    head = pa.read_archive_head(reader)
    parts.append(raw[: head.data_start])
    while (block := pa.read_block_header(reader)) is not None:
        if block[0] == pa.BLK_DATA:
            parts.extend(pa.read_stream(reader, head.header.compression))
        else:
            while reader.read_int() != 0:
                parts.extend(pa.read_stream(reader, head.header.compression))
    return b"".join(parts)


def restored_script(archive: Path) -> list[str]:
    """``pg_restore -f -`` output without the per-run random ``\\restrict`` key lines."""
    result = run([tools.find("pg_restore"), "-f", "-", str(archive)], capture=True, timeout=60)
    text = (result.stdout or b"").decode("utf-8", "surrogateescape")
    return [
        line for line in text.splitlines() if not line.startswith(("\\restrict", "\\unrestrict"))
    ]


def toc_listing(archive: Path) -> list[str]:
    result = run([tools.find("pg_restore"), "-l", str(archive)], capture=True, timeout=60)
    text = (result.stdout or b"").decode()
    return [line for line in text.splitlines() if not line.startswith(";")]


def _text(value: object) -> str:
    return value.decode("utf-8", "surrogateescape") if isinstance(value, bytes) else str(value)


def row_counts(pg: PgServer, dbname: str) -> dict[str, int]:
    """Rows per ordinary table (works in SQL_ASCII databases, where text comes back as bytes)."""
    names = pg.execute(
        "SELECT format('%I.%I', n.nspname, c.relname) FROM pg_class c "
        "JOIN pg_namespace n ON n.oid = c.relnamespace "
        "WHERE c.relkind = 'r' AND n.nspname NOT IN ('pg_catalog', 'information_schema') ORDER BY 1",
        dbname,
    )
    out = {}
    for (name,) in names:
        table = _text(name)
        out[table] = int(pg.execute(f"SELECT count(*) FROM ONLY {table}", dbname)[0][0])  # type: ignore[call-overload]
    return out


def all_tables(src: Source, dbname: str) -> dict[str, bytes]:
    return {t: table_bytes(src.pg, dbname, t) for t in row_counts(src.pg, dbname)}


def assert_anonymized(src: Source, out: Path, restored: str) -> None:
    expected = row_counts(src.pg, src.dbname)
    expected.update(dict.fromkeys(TRUNCATED_TABLES, 0))
    assert row_counts(src.pg, restored) == expected
    for table in KEPT_TABLES:
        assert table_bytes(src.pg, restored, table) == table_bytes(src.pg, src.dbname, table)
    for table, column in TRANSFORMED:
        before = src.pg.execute(f"SELECT {column}::text FROM {table} ORDER BY 1", src.dbname)
        after = src.pg.execute(f"SELECT {column}::text FROM {table} ORDER BY 1", restored)
        assert len(before) == len(after)
        old = {r[0] for r in before if r[0] is not None}
        assert old.isdisjoint({r[0] for r in after if r[0] is not None}), (table, column)
    # constraints came back (PK, UNIQUE, FK, the domain's CHECK)
    constraints = src.pg.execute(
        "SELECT count(*) FROM pg_constraint c JOIN pg_namespace n ON n.oid = c.connamespace "
        "WHERE n.nspname NOT IN ('pg_catalog', 'information_schema')",
        restored,
    )
    source_constraints = src.pg.execute(
        "SELECT count(*) FROM pg_constraint c JOIN pg_namespace n ON n.oid = c.connamespace "
        "WHERE n.nspname NOT IN ('pg_catalog', 'information_schema')",
        src.dbname,
    )
    assert constraints == source_constraints
    # large objects exist, emptied per the rules
    assert src.pg.execute("SELECT count(*) FROM pg_largeobject_metadata", restored) == [(1,)]
    data = plaintext(out)
    leaks = [v for v in SECRET_VALUES if v in data or copytext.escape(v) in data]
    assert not leaks, f"original values in the output: {leaks}"


VARIANTS = {
    "custom-z0": ("-Fc", "-Z0"),
    "custom-gzip": ("-Fc",),
    "directory-z0": ("-Fd", "-Z0"),
    "directory-gzip": ("-Fd", "-Z6"),
}


@pytest.mark.parametrize("variant", list(VARIANTS))
def test_anonymize_restore_and_compare(source: Source, variant: str) -> None:
    dump = source.dump(variant, *VARIANTS[variant])
    out = source.workdir / f"{variant}.anon"
    assert any(v in plaintext(dump) for v in SECRET_VALUES)  # the check below can see leaks
    stats = anonymize(dump, out)
    assert stats
    restored = source.restore(out, "-j", "2")
    try:
        assert_anonymized(source, out, restored)
    finally:
        source.pg.drop_database(restored)
    # a second run (other job count) gives the same bytes
    again = source.workdir / f"{variant}.again"
    anonymize(dump, again, jobs=1)
    if out.is_dir():
        assert sorted(p.name for p in out.iterdir()) == sorted(p.name for p in again.iterdir())
        for path in out.iterdir():
            assert path.read_bytes() == (again / path.name).read_bytes(), path.name
    else:
        assert out.read_bytes() == again.read_bytes()


def test_custom_from_pipe_gets_offsets_and_formats_agree(source: Source) -> None:
    piped = source.dump_to_pipe("piped.dump", "-Fc")
    assert any(
        e.data_state == pa.OFFSET_POS_NOT_SET
        for e in pa.read_archive_head(pa.Reader(io.BytesIO(piped.read_bytes()))).entries
    )
    out = source.workdir / "piped.anon"
    with piped.open("rb") as fh, out.open("wb") as dst:
        anonymize_custom(make_plan(), fh, dst, jobs=2)
    entries = pa.read_archive_head(pa.Reader(io.BytesIO(out.read_bytes()))).entries
    assert all(e.data_state in (pa.OFFSET_POS_SET, pa.OFFSET_NO_DATA) for e in entries)
    # pg_restore -l, then -L with an edited list (audit_log's data left out), then -j 2
    listing = source.workdir / "list.txt"
    lines = toc_listing(out)
    kept_lines = [ln for ln in lines if "TABLE DATA public audit_log" not in ln]
    assert len(kept_lines) == len(lines) - 1
    listing.write_text("\n".join(kept_lines) + "\n")
    from_list = source.restore(out, "-L", str(listing), "-j", "2")
    # the directory format of the same database agrees table for table
    directory = source.dump("agree.dir", "-Fd")
    dir_out = source.workdir / "agree.dir.anon"
    anonymize(directory, dir_out)
    from_dir = source.restore(dir_out)
    try:
        custom_tables = all_tables(source, from_list)
        dir_tables = all_tables(source, from_dir)
        assert custom_tables == dir_tables
        assert custom_tables["public.audit_log"] == b""
    finally:
        source.pg.drop_database(from_list)
        source.pg.drop_database(from_dir)


@pytest.mark.parametrize("args", [("-Fc",), ("-Fc", "-Z0")], ids=["gzip", "z0"])
def test_roundtrip_unchanged_archive(source: Source, args: tuple[str, ...]) -> None:
    """Reading an archive and writing it back untouched gives the same archive."""
    for dump in (source.dump("rt.dump", *args), source.dump_to_pipe("rt.piped", *args)):
        raw = dump.read_bytes()
        reader = pa.Reader(io.BytesIO(raw))
        archive = pa.read_archive_head(reader)
        out = source.workdir / (dump.name + ".copy")
        with out.open("wb") as fh:
            writer = pa.CustomWriter(fh, archive.header, archive.entries)
            while (block := pa.read_block_header(reader)) is not None:
                writer.begin_block(*block)
                copy = pa.copy_blobs if block[0] == pa.BLK_BLOBS else pa.copy_stream
                writer.advance(copy(reader, writer.sink))
            writer.finish()
        assert restored_script(out) == restored_script(dump)
        assert toc_listing(out) == toc_listing(dump)
        if dump.suffix == ".dump":
            assert out.read_bytes() == raw  # offsets were already there: byte-identical
    shutil.rmtree(source.workdir / "unused", ignore_errors=True)


SIGNAL_RULES = """\
version: 1
secret: interrupt-test-secret
tables:
  public.people:
    columns:
      id: keep
      name: {transform: hash, length: 12}
"""


def test_interrupted_directory_run_leaves_nothing(tmp_path: Path) -> None:
    """SIGTERM while the directory engine works: exit 143, no output, no temp directory."""
    src = tmp_path / "in"
    src.mkdir()
    header = pa.build_header(pa.V1_14, pa.Compression.NONE, archive_format=pa.ArchiveFormat.TAR)
    entries = [
        toc_entry(
            1, "TABLE", "people", defn=b"CREATE TABLE public.people (id integer, name text);\n"
        ),
        toc_entry(
            2,
            "TABLE DATA",
            "people",
            had_dumper=1,
            section=pa.SECTION_DATA,
            copy_stmt=b"COPY public.people (id, name) FROM stdin;\n",
            deps=[b"1"],
            data_state=pa.OFFSET_POS_SET,
            filename=b"2.dat",
        ),
    ]
    (src / "toc.dat").write_bytes(header.raw + pa.encode_toc(entries, header))
    rows = b"".join(b"%d\tperson number %d\n" % (i, i) for i in range(3_000_000))
    (src / "2.dat").write_bytes(rows + b"\\.\n\n\n")
    (tmp_path / "rules.yaml").write_text(SIGNAL_RULES)
    out = tmp_path / "out"
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "dataops",
            "anonymize",
            "--config",
            str(tmp_path / "rules.yaml"),
            str(src),
            "-o",
            str(out),
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    deadline = time.monotonic() + 60
    while not list(tmp_path.glob(".out.*")) and proc.poll() is None and time.monotonic() < deadline:
        time.sleep(0.05)
    assert proc.poll() is None, "finished before it could be interrupted"
    proc.send_signal(signal.SIGTERM)
    _, err = proc.communicate(timeout=60)
    assert proc.returncode == 143, err
    assert sorted(p.name for p in tmp_path.iterdir()) == ["in", "rules.yaml"]


def test_cli_plain_custom_directory_agree(source: Source, tmp_path: Path) -> None:
    """``dataops anonymize`` on the same database in all three formats: identical restores."""
    rules = tmp_path / "rules.yaml"
    rules.write_text(TRICKY_RULES)
    restored: dict[str, str] = {}
    try:
        for fmt, args in {"plain": ("-Fp",), "custom": ("-Fc",), "directory": ("-Fd",)}.items():
            dump = source.dump(f"cli-{fmt}", *args)
            out = tmp_path / f"{fmt}.anon"
            result = subprocess.run(
                [
                    sys.executable,
                    "-m",
                    "dataops",
                    "anonymize",
                    "--config",
                    str(rules),
                    str(dump),
                    "-o",
                    str(out),
                    "--jobs",
                    "2",
                ],
                capture_output=True,
                timeout=300,
                check=False,
            )
            assert result.returncode == 0, result.stderr.decode()
            if fmt == "plain":
                name = "r_" + uuid.uuid4().hex[:10]
                source.pg.create_database(name, encoding=ENCODING)
                run(
                    [
                        tools.find("psql"),
                        "-X",
                        "-q",
                        "-v",
                        "ON_ERROR_STOP=1",
                        "-d",
                        name,
                        "-f",
                        str(out),
                    ],
                    env=source.env(name),
                    timeout=120,
                )
                restored[fmt] = name
            else:
                restored[fmt] = source.restore(out, "-j", "2")
        tables = {fmt: all_tables(source, db) for fmt, db in restored.items()}
        assert tables["custom"] == tables["plain"]
        assert tables["directory"] == tables["plain"]
    finally:
        for db in restored.values():
            source.pg.drop_database(db)


def test_preview_is_the_same_in_every_format(source: Source, tmp_path: Path) -> None:
    """``--preview`` goes through each engine's row hook: the same rows before and after
    for the same database dumped as plain, custom and directory, and nothing written."""
    from dataops.anonymize.run import AnonymizeOptions
    from dataops.anonymize.run import anonymize as anonymize_action
    from dataops.config.settings import Settings

    rules = tmp_path / "rules.yaml"
    rules.write_text(TRICKY_RULES)
    previews = {}
    for fmt, args in {"plain": ("-Fp",), "custom": ("-Fc",), "directory": ("-Fd",)}.items():
        dump = source.dump(f"preview-{fmt}", *args)
        before = sorted(p.name for p in source.workdir.iterdir())
        out = tmp_path / f"{fmt}.anon"
        report = anonymize_action(
            Settings(),
            AnonymizeOptions(config=rules, input=str(dump), output=str(out), preview=2),
        )
        assert report.format == fmt
        assert not out.exists()
        assert sorted(p.name for p in source.workdir.iterdir()) == before
        assert report.preview is not None
        previews[fmt] = report.preview
    assert previews["custom"] == previews["plain"]
    assert previews["directory"] == previews["plain"]
    tables = {table.replace('"', "") for table, _ in TRANSFORMED}
    assert tables <= set(previews["plain"])
    for table, rows in previews["plain"].items():
        assert 1 <= len(rows) <= 2, table
    customer = previews["plain"]["public.customer"]
    first = {c.column: c for c in customer[0]}
    assert first["FirstName"].before is not None
    assert first["FirstName"].after != first["FirstName"].before
