"""The custom and directory engines on archives built from scratch, every version and codec."""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from dataops.anonymize.engines import pieces
from dataops.anonymize.engines.custom import anonymize_custom
from dataops.anonymize.engines.directory import anonymize_directory
from dataops.anonymize.formats import pgarchive as pa
from dataops.errors import ConfigError, OperationError
from tests.unit.archive_fakes import (
    BLOBS,
    TABLES,
    FakeCatalog,
    FakePlan,
    Pipe,
    Trickle,
    make_custom_archive,
    make_directory_archive,
    table_content,
)
from tests.unit.test_pgarchive import VERSIONS, ids

RULES = {"public.people": "name", "public.kept": "keep", "public.gone": "truncate"}


def upper_name(data: bytes) -> bytes:
    rows = []
    for row in data.split(b"\n")[:-1]:
        f = row.split(b"\t")
        f[1] = f[1].upper()
        rows.append(b"\t".join(f) + b"\n")
    return b"".join(rows)


def expected_tables() -> dict[str, bytes]:
    return {
        "people": upper_name(TABLES["people"][1]) + b"\\.\n\n\n",
        "kept": table_content("kept"),
        "gone": b"\\.\n\n\n",
    }


def read_custom(raw: bytes) -> tuple[pa.Archive, dict[str, bytes], dict[int, bytes]]:
    reader = pa.Reader(io.BytesIO(raw))
    archive = pa.read_archive_head(reader)
    by_id = archive.by_id()
    tables: dict[str, bytes] = {}
    blobs: dict[int, bytes] = {}
    method = archive.header.compression
    while (block := pa.read_block_header(reader)) is not None:
        blk, dump_id = block
        assert by_id[dump_id].data_pos == reader.pos - 6
        if blk == pa.BLK_DATA:
            tables[pa.TocEntry.text(by_id[dump_id].tag)] = b"".join(pa.read_stream(reader, method))
        else:
            while (oid := reader.read_int()) != 0:
                blobs[oid] = b"".join(pa.read_stream(reader, method))
    return archive, tables, blobs


@pytest.fixture
def small_pieces(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(pieces, "PIECE_SIZE", 5000)  # many pieces per table


@pytest.mark.usefixtures("small_pieces")
@pytest.mark.parametrize("params", VERSIONS, ids=ids)
def test_custom_engine(params: tuple[int, pa.Compression]) -> None:
    version, method = params
    source = make_custom_archive(version, method)
    outputs = []
    for jobs in (1, 2):
        plan = FakePlan(RULES)
        out = io.BytesIO()
        stats = anonymize_custom(plan, io.BytesIO(source), out, jobs=jobs, catalog=FakeCatalog())
        outputs.append(out.getvalue())
        by_table = {s.table: s for s in stats}
        assert by_table["public.people"].rows == 3000
        assert by_table["public.people"].columns_transformed == ["name"]
        assert [s.action for s in stats] == ["transform", "keep", "truncate"]
    assert outputs[0] == outputs[1], "output depends on the number of jobs"
    archive, tables, blobs = read_custom(outputs[0])
    assert tables == expected_tables()
    assert blobs == BLOBS
    original = pa.read_archive_head(pa.Reader(io.BytesIO(source)))
    assert [e.dump_id for e in archive.entries] == [e.dump_id for e in original.entries]
    assert archive.header == original.header


def test_custom_engine_pipe_in_pipe_out() -> None:
    source = make_custom_archive(pa.V1_14, pa.Compression.GZIP)
    # an input written to a pipe has no offsets
    stripped = pa.read_archive_head(pa.Reader(io.BytesIO(source)))
    for entry in stripped.entries:
        if entry.has_data:
            entry.data_state, entry.data_pos = pa.OFFSET_POS_NOT_SET, 0
    no_offsets = (
        stripped.header.raw
        + pa.encode_toc(stripped.entries, stripped.header)
        + source[stripped.data_start :]
    )
    pipe = Pipe()
    anonymize_custom(
        FakePlan({}, default="keep"),
        Trickle(no_offsets),  # type: ignore[arg-type]
        pipe,  # type: ignore[arg-type]
        jobs=1,
        catalog=FakeCatalog(),
    )
    assert bytes(pipe.data) == source  # keeping everything restores the offsets too


def test_custom_engine_checks_before_writing() -> None:
    out = io.BytesIO()
    with pytest.raises(ConfigError, match="no column"):
        anonymize_custom(
            FakePlan({"public.people": "nope"}),
            io.BytesIO(make_custom_archive(pa.V1_14, pa.Compression.GZIP)),
            out,
            catalog=FakeCatalog(),
        )
    assert out.getvalue() == b""


def test_custom_engine_feeds_catalog_and_tables() -> None:
    plan = FakePlan(RULES)
    catalog = FakeCatalog()
    anonymize_custom(
        plan,
        io.BytesIO(make_custom_archive(pa.V1_16, pa.Compression.ZSTD)),
        io.BytesIO(),
        catalog=catalog,
    )
    assert any("CREATE TABLE public.people" in sql for sql in catalog.sql)
    assert [(t.qualified, t.columns) for t in plan.checked] == [
        ("public.people", ("id", "name", "note")),
        ("public.kept", ("id", "v")),
        ("public.gone", ("id", "secret")),
    ]


def test_custom_engine_truncated_input() -> None:
    source = make_custom_archive(pa.V1_14, pa.Compression.NONE)
    with pytest.raises(ConfigError, match="truncated"):
        anonymize_custom(
            FakePlan(RULES), io.BytesIO(source[:-2000]), io.BytesIO(), catalog=FakeCatalog()
        )


def test_custom_engine_empties_large_objects() -> None:
    plan = FakePlan(RULES)
    plan.large_objects = "empty"  # type: ignore[attr-defined]
    out = io.BytesIO()
    anonymize_custom(
        plan,
        io.BytesIO(make_custom_archive(pa.V1_14, pa.Compression.GZIP)),
        out,
        catalog=FakeCatalog(),
    )
    _, _, blobs = read_custom(out.getvalue())
    assert blobs == dict.fromkeys(BLOBS, b"")


def read_directory(path: Path, method: pa.Compression) -> tuple[dict[str, bytes], dict[int, bytes]]:
    archive = pa.read_toc_file(path / "toc.dat")
    tables = {}
    for entry in archive.entries:
        if entry.desc == b"TABLE DATA":
            raw = (path / (pa.TocEntry.text(entry.filename) + method.suffix)).read_bytes()
            dec = pa.decompressor(method, gzip_file=True)
            tables[pa.TocEntry.text(entry.tag)] = dec.decompress(raw) + dec.flush()
    blobs = {}
    for line in (path / "blobs.toc").read_text().splitlines():
        oid, name = line.split()
        dec = pa.decompressor(method, gzip_file=True)
        blobs[int(oid)] = dec.decompress((path / (name + method.suffix)).read_bytes()) + dec.flush()
    return tables, blobs


@pytest.mark.usefixtures("small_pieces")
@pytest.mark.parametrize("params", VERSIONS, ids=ids)
def test_directory_engine(params: tuple[int, pa.Compression], tmp_path: Path) -> None:
    version, method = params
    src = tmp_path / "in"
    make_directory_archive(src, version, method)
    for jobs in (1, 2):
        dst = tmp_path / f"out{jobs}"
        stats = anonymize_directory(FakePlan(RULES), src, dst, jobs=jobs, catalog=FakeCatalog())
        assert {s.table: s.rows for s in stats}["public.people"] == 3000
        assert (dst / "toc.dat").read_bytes() == (src / "toc.dat").read_bytes()
        assert sorted(p.name for p in dst.iterdir()) == sorted(p.name for p in src.iterdir())
    for name in sorted(p.name for p in src.iterdir()):
        assert (tmp_path / "out1" / name).read_bytes() == (tmp_path / "out2" / name).read_bytes()
    tables, blobs = read_directory(tmp_path / "out1", method)
    assert tables == expected_tables()
    assert blobs == BLOBS
    # kept tables and large objects are copied byte for byte
    kept = next(p for p in src.iterdir() if p.name.startswith("103."))
    assert (tmp_path / "out1" / kept.name).read_bytes() == kept.read_bytes()
    assert not [p for p in tmp_path.iterdir() if "partial" in p.name]


def test_directory_engine_failure_leaves_nothing(tmp_path: Path) -> None:
    src = tmp_path / "in"
    make_directory_archive(src, pa.V1_14, pa.Compression.GZIP)
    # cut the transformed table's data mid-row: the transformer fails on the partial row
    data_file = src / "101.dat.gz"
    raw = pa.decompressor(pa.Compression.GZIP, gzip_file=True).decompress(data_file.read_bytes())
    comp = pa.compressor(pa.Compression.GZIP, None, gzip_file=True)
    data_file.write_bytes(comp.compress(raw[:-20]) + comp.flush())
    for jobs in (1, 2):
        with pytest.raises(OperationError, match="partial row"):
            anonymize_directory(
                FakePlan(RULES), src, tmp_path / "out", jobs=jobs, catalog=FakeCatalog()
            )
        assert sorted(p.name for p in tmp_path.iterdir()) == ["in"]


def test_directory_engine_refuses_existing_output(tmp_path: Path) -> None:
    src = tmp_path / "in"
    make_directory_archive(src, pa.V1_14, pa.Compression.NONE)
    (tmp_path / "out").mkdir()
    (tmp_path / "out" / "x").write_text("keep me")
    with pytest.raises(ConfigError, match="already exists"):
        anonymize_directory(FakePlan(RULES), src, tmp_path / "out", catalog=FakeCatalog())
    assert (tmp_path / "out" / "x").read_text() == "keep me"
    (tmp_path / "empty").mkdir()  # an empty directory is fine
    anonymize_directory(FakePlan(RULES), src, tmp_path / "empty", catalog=FakeCatalog())
    assert (tmp_path / "empty" / "toc.dat").is_file()


def test_directory_engine_checks_before_writing(tmp_path: Path) -> None:
    src = tmp_path / "in"
    make_directory_archive(src, pa.V1_14, pa.Compression.NONE)
    with pytest.raises(ConfigError, match="no column"):
        anonymize_directory(
            FakePlan({"public.people": "nope"}), src, tmp_path / "out", catalog=FakeCatalog()
        )
    assert sorted(p.name for p in tmp_path.iterdir()) == ["in"]


def test_directory_engine_empties_large_objects(tmp_path: Path) -> None:
    src = tmp_path / "in"
    make_directory_archive(src, pa.V1_15, pa.Compression.LZ4)
    plan = FakePlan(RULES)
    plan.large_objects = "empty"  # type: ignore[attr-defined]
    anonymize_directory(plan, src, tmp_path / "out", catalog=FakeCatalog())
    _, blobs = read_directory(tmp_path / "out", pa.Compression.LZ4)
    assert blobs == dict.fromkeys(BLOBS, b"")


@pytest.mark.parametrize("fmt", ["custom", "directory"])
def test_preview_transforms_first_rows_and_writes_nothing(fmt: str, tmp_path: Path) -> None:
    seen: list[tuple[str, bytes, bytes]] = []
    progress: list[tuple[str, int]] = []

    def hook(table: object, rows_in: bytes, rows_out: bytes) -> None:
        seen.append((table.qualified, rows_in, rows_out))  # type: ignore[attr-defined]

    kwargs = {
        "catalog": FakeCatalog(),
        "row_hook": hook,
        "preview_rows": 3,
        "progress": lambda t, n: progress.append((t, n)),
    }
    if fmt == "custom":
        source = make_custom_archive(pa.V1_15, pa.Compression.ZSTD)
        stats = anonymize_custom(FakePlan(RULES), io.BytesIO(source), None, **kwargs)  # type: ignore[arg-type]
    else:
        make_directory_archive(tmp_path / "in", pa.V1_14, pa.Compression.GZIP)
        stats = anonymize_directory(FakePlan(RULES), tmp_path / "in", None, **kwargs)  # type: ignore[arg-type]
        assert sorted(p.name for p in tmp_path.iterdir()) == ["in"]
    first3 = b"".join(TABLES["people"][1].splitlines(keepends=True)[:3])
    assert seen == [("public.people", first3, upper_name(first3))]
    assert [(s.table, s.rows) for s in stats] == [("public.people", 3)]
    assert progress and progress[0][0] == "public.people"


def test_progress_reaches_the_end(tmp_path: Path) -> None:
    source = make_custom_archive(pa.V1_14, pa.Compression.GZIP)
    calls: list[tuple[str, int]] = []
    anonymize_custom(
        FakePlan(RULES),
        io.BytesIO(source),
        io.BytesIO(),
        catalog=FakeCatalog(),
        progress=lambda t, n: calls.append((t, n)),
    )
    assert calls[-1] == ("", len(source))


def test_detect_format(tmp_path: Path) -> None:
    from dataops.anonymize.run import ENGINES, detect_format

    make_directory_archive(tmp_path / "d", pa.V1_14, pa.Compression.NONE)
    (tmp_path / "c.dump").write_bytes(make_custom_archive(pa.V1_14, pa.Compression.NONE))
    (tmp_path / "p.sql").write_text("--\n-- PostgreSQL database dump\n")
    assert detect_format(tmp_path / "d", None) == "directory"
    with (tmp_path / "c.dump").open("rb") as custom, (tmp_path / "p.sql").open("rb") as plain:
        assert detect_format(None, custom) == "custom"
        assert detect_format(None, plain) == "plain"
    (tmp_path / "m.sql").write_text("-- MariaDB dump 10.19  Distrib 10.11.6-MariaDB\n")
    with (tmp_path / "m.sql").open("rb") as mysql:
        assert detect_format(None, mysql) == "mysql"
    assert set(ENGINES) == {"plain", "custom", "directory", "mysql"}


def test_custom_engine_copies_kept_blocks_in_bulk_and_checks_offsets() -> None:
    source = make_custom_archive(pa.V1_14, pa.Compression.NONE)
    archive = pa.read_archive_head(pa.Reader(io.BytesIO(source)))
    ends = pa.block_ends(archive.entries)
    by_tag = {
        pa.TocEntry.text(e.tag): e.dump_id for e in archive.entries if e.desc == b"TABLE DATA"
    }
    assert by_tag["kept"] in ends and by_tag["gone"] in ends  # followed by other blocks
    # keeping everything through the bulk path reproduces the archive exactly
    out = io.BytesIO()
    anonymize_custom(FakePlan({}, default="keep"), io.BytesIO(source), out, catalog=FakeCatalog())
    assert out.getvalue() == source
    # a TOC whose offsets lie is caught, not copied blindly
    for entry in archive.entries:
        if entry.dump_id == by_tag["gone"]:
            entry.data_pos -= 3
    lying = (
        archive.header.raw
        + pa.encode_toc(archive.entries, archive.header)
        + source[archive.data_start :]
    )
    with pytest.raises(pa.ArchiveError, match="offsets"):
        anonymize_custom(FakePlan(RULES), io.BytesIO(lying), io.BytesIO(), catalog=FakeCatalog())
