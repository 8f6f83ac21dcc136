"""The plain engine on hand-made dumps: pass-through, lexing, failures, outputs."""

from __future__ import annotations

import gzip
import io
from pathlib import Path

import pytest
import zstandard

from dataops.anonymize.engines.plain import anonymize_plain, scan
from dataops.anonymize.plan import Plan
from dataops.anonymize.rules import parse_rules
from dataops.anonymize.run import AnonymizeOptions, anonymize
from dataops.config.settings import Settings
from dataops.errors import ConfigError

PRE = b"""--
-- PostgreSQL database dump
--

\\restrict abc123

SET client_encoding = 'UTF8';
SET standard_conforming_strings = on;

CREATE FUNCTION public.tricky() RETURNS text
    LANGUAGE plpgsql
    AS $$
BEGIN
  RETURN 'COPY public.person (id, name) FROM stdin;
1\tLeaked
\\.
';
END $$;

CREATE TABLE public.person (
    id integer NOT NULL,
    name text,
    "E-Mail" text
);

CREATE TABLE public.film (id integer, title text);

--
-- Data for Name: person; Type: TABLE DATA; Schema: public; Owner: -
--

"""
PERSON = (
    b'COPY public.person (id, name, "E-Mail") FROM stdin;\n'
    b"1\tAlice Secretname\talice@corp.example\n"
    b"2\t\\N\t\\\\N\n"
    b"3\ttab\\there\t\\N\n"
    b"\\.\n"
)
FILM = b"COPY public.film (id, title) FROM stdin;\n1\tKept \\\\ as\\tis \\N\n2\t\\N\n\\.\n"
POST = b"""
ALTER TABLE ONLY public.person
    ADD CONSTRAINT person_pkey PRIMARY KEY (id);

\\unrestrict abc123
"""
DUMP = PRE + PERSON + b"\n" + FILM + POST

RULES = """\
version: 1
secret: plain-test-secret
tables:
  public.person:
    columns:
      id: keep
      name: {transform: fake, provider: name}
      E-Mail: {transform: email, unique: true}
  public.film: keep
"""


def plan(text: str = RULES) -> Plan:
    return Plan(parse_rules(text, "rules.yaml", {}))


def run(dump: bytes, text: str = RULES, prescan: bool = True, jobs: int = 1) -> bytes:
    out = io.BytesIO()
    pre = scan(io.BytesIO(dump)) if prescan else None
    anonymize_plain(plan(text), io.BytesIO(dump), out, prescan=pre, jobs=jobs)
    return out.getvalue()


def test_everything_but_transformed_values_passes_byte_identical() -> None:
    out = run(DUMP)
    assert out.startswith(PRE)  # the function body's fake COPY block is untouched
    assert out.endswith(FILM + POST)
    header, *rows, end = out[len(PRE) : len(PRE) + out[len(PRE) :].index(b"\\.\n") + 3].split(
        b"\n"
    )[:-1]
    assert header == PERSON.split(b"\n")[0] and end == b"\\."
    assert [r.split(b"\t")[0] for r in rows] == [b"1", b"2", b"3"]
    assert rows[1].split(b"\t")[1] == b"\\N"  # NULL stays NULL
    assert b"Secretname" not in out and b"alice@corp" not in out
    assert run(DUMP) == out  # deterministic
    assert run(DUMP, prescan=False) == out  # streamed input (stdin): same bytes
    assert run(DUMP, jobs=2) == out  # worker processes: same bytes


def test_truncated_dump_names_table_and_line() -> None:
    cut = DUMP[: DUMP.index(b"3\ttab")]
    with pytest.raises(
        ConfigError, match=r"ends inside the data of public.person \(COPY at line 32"
    ):
        run(cut)
    with pytest.raises(ConfigError, match=r"public.person .*truncated"):
        run(cut, prescan=False)


def test_nothing_is_written_when_the_rules_do_not_fit() -> None:
    out = io.BytesIO()
    bad = RULES.replace("      E-Mail: {transform: email, unique: true}\n", "")
    with pytest.raises(ConfigError, match="do not fit"):
        anonymize_plain(plan(bad), io.BytesIO(DUMP), out, prescan=None)
    assert out.getvalue() == b""


def test_post_data_constraints_still_checked_on_a_stream() -> None:
    lossy = RULES.replace("      id: keep\n", "      id: {transform: choice, values: [1, 2]}\n")
    with pytest.raises(ConfigError) as info:
        run(DUMP, lossy, prescan=False)
    assert any("PRIMARY KEY person_pkey" in d for d in info.value.details)


def test_insert_dumps_are_refused() -> None:
    dump = PRE + b"INSERT INTO public.person VALUES (1, 'Alice', NULL);\n" + FILM
    with pytest.raises(ConfigError) as info:
        run(dump)
    assert any("INSERT statements" in d for d in info.value.details)


def _options(tmp_path: Path, src: Path, out: str, **kw: object) -> AnonymizeOptions:
    rules = tmp_path / "rules.yaml"
    rules.write_text(RULES)
    return AnonymizeOptions(config=rules, input=str(src), output=out, progress=False, **kw)  # type: ignore[arg-type]


def test_compressed_input_and_output_and_report(tmp_path: Path) -> None:
    plain_out = run(DUMP)
    src = tmp_path / "dump.sql.gz"
    src.write_bytes(gzip.compress(DUMP))
    report_path = tmp_path / "report.json"
    report = anonymize(
        Settings(), _options(tmp_path, src, str(tmp_path / "anon.sql.zst"), report=report_path)
    )
    assert (
        zstandard.ZstdDecompressor()
        .decompressobj()
        .decompress((tmp_path / "anon.sql.zst").read_bytes())
        == plain_out
    )
    assert [(t.table, t.action, t.rows) for t in report.tables] == [
        ("public.person", "transform", 3),
        ("public.film", "keep", 2),
    ]
    assert (
        '"columns_transformed": [\n        "name",\n        "E-Mail"\n      ]'
        in report_path.read_text()
    )
    zsrc = tmp_path / "dump.sql.zst"
    zsrc.write_bytes(zstandard.ZstdCompressor().compress(DUMP))
    anonymize(Settings(), _options(tmp_path, zsrc, str(tmp_path / "anon.sql.gz")))
    assert gzip.decompress((tmp_path / "anon.sql.gz").read_bytes()) == plain_out


def test_failed_run_leaves_no_output_and_preview_writes_nothing(tmp_path: Path) -> None:
    src = tmp_path / "dump.sql"
    src.write_bytes(DUMP[: DUMP.index(b"\\.\n", len(PRE))])  # truncated inside person
    target = tmp_path / "anon.sql"
    with pytest.raises(ConfigError):
        anonymize(Settings(), _options(tmp_path, src, str(target)))
    assert sorted(p.name for p in tmp_path.iterdir()) == ["dump.sql", "rules.yaml"]
    src.write_bytes(DUMP)
    report = anonymize(Settings(), _options(tmp_path, src, str(target), preview=2))
    assert not target.exists()
    assert report.preview is not None
    rows = report.preview["public.person"]
    assert len(rows) == 2
    assert [(c.column, c.before) for c in rows[0]] == [
        ("name", "Alice Secretname"),
        ("E-Mail", "alice@corp.example"),
    ]
    assert rows[0][0].after not in (None, "Alice Secretname")


def _preview(
    dump: bytes, rows: int
) -> tuple[list[tuple[str, bytes, bytes]], dict[str, int], bytes]:
    seen: list[tuple[str, bytes, bytes]] = []

    def hook(table: object, before: bytes, after: bytes) -> None:
        seen.append((table.qualified, before, after))  # type: ignore[attr-defined]

    out = io.BytesIO()
    stats = anonymize_plain(
        plan(), io.BytesIO(dump), out, prescan=None, row_hook=hook, preview_rows=rows
    )
    return seen, {s.table: s.rows for s in stats}, out.getvalue()


def test_preview_hands_the_first_rows_to_the_row_hook_and_writes_no_row() -> None:
    seen, rows, out = _preview(DUMP, 2)
    person_rows = PERSON.split(b"\n")[1:3]
    full = run(DUMP)
    anonymized = full[len(PRE) :].split(b"\n")[1:3]
    assert seen == [
        ("public.person", b"\n".join(person_rows) + b"\n", b"\n".join(anonymized) + b"\n")
    ]
    assert rows == {"public.person": 3, "public.film": 2}  # every data line is counted
    assert b"Secretname" not in out and b"Alice" not in out
    assert PERSON.split(b"\n")[0] + b"\n\\.\n" in out  # header and terminator, no rows


def test_preview_of_a_block_spanning_many_reads() -> None:
    n = 120_000  # a few MB: the block arrives in several reads
    data = b"".join(b"%d\tName %d\tm%d@corp.example\n" % (i, i, i) for i in range(n))
    person = b'COPY public.person (id, name, "E-Mail") FROM stdin;\n' + data + b"\\.\n"
    seen, rows, _ = _preview(PRE + person + b"\n" + FILM + POST, 5)
    assert len(seen) == 1
    assert seen[0][1] == b"".join(data.splitlines(keepends=True)[:5])
    assert len(seen[0][2].splitlines()) == 5 and b"Name 0" not in seen[0][2]
    assert rows["public.person"] == n
