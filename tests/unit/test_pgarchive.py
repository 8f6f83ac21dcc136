"""The custom/directory archive format: primitives, header, TOC, data blocks, codecs."""

from __future__ import annotations

import gzip
import io
import zlib
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dataops.anonymize.engines import pieces
from dataops.anonymize.formats import pgarchive as pa
from tests.unit.archive_fakes import (
    BLOBS,
    TABLES,
    Pipe,
    Trickle,
    archive_entries,
    make_custom_archive,
    table_content,
)

VERSIONS = [
    (pa.V1_14, pa.Compression.NONE),
    (pa.V1_14, pa.Compression.GZIP),
    (pa.V1_15, pa.Compression.NONE),
    (pa.V1_15, pa.Compression.GZIP),
    (pa.V1_15, pa.Compression.LZ4),
    (pa.V1_15, pa.Compression.ZSTD),
    (pa.V1_16, pa.Compression.GZIP),
    (pa.V1_16, pa.Compression.LZ4),
    (pa.V1_16, pa.Compression.ZSTD),
]


def ids(params: tuple[int, pa.Compression]) -> str:
    version, method = params
    return f"{version >> 16}.{(version >> 8) & 0xFF}-{method.name.lower()}"


@pytest.mark.parametrize("value", [0, 1, -1, 255, 256, 2**31 - 1, -(2**31 - 1), 16403])
def test_int_roundtrip(value: int) -> None:
    raw = pa.encode_int(value)
    assert len(raw) == 5
    assert pa.Reader(io.BytesIO(raw)).read_int() == value


@pytest.mark.parametrize(
    "value", [None, b"", b"abc", "ünï\tcode".encode(), b"\xff\xfe invalid utf-8"]
)
def test_str_roundtrip(value: bytes | None) -> None:
    raw = pa.encode_str(value)
    assert pa.Reader(io.BytesIO(raw)).read_str() == value


def test_offset_roundtrip_and_bad_flag() -> None:
    raw = pa.encode_offset(pa.OFFSET_POS_SET, 123456789)
    assert pa.Reader(io.BytesIO(raw)).read_offset() == (pa.OFFSET_POS_SET, 123456789)
    with pytest.raises(pa.ArchiveError, match="offset flag"):
        pa.Reader(io.BytesIO(b"\x07" + bytes(8))).read_offset()


@pytest.mark.parametrize("params", VERSIONS, ids=ids)
def test_header_roundtrip(params: tuple[int, pa.Compression]) -> None:
    version, method = params
    header = pa.build_header(version, method, dbname="bäse".encode())
    parsed = pa.read_header(pa.Reader(io.BytesIO(header.raw + b"rest")))
    assert parsed == header
    assert parsed.compression is method
    assert parsed.version_text == f"1.{(version >> 8) & 0xFF}.0"


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        (b"NOTPG" + bytes(40), "no PGDMP magic"),
        (pa.MAGIC + bytes([1, 13, 0]) + bytes(40), "1.13.0 is not supported"),
        (pa.MAGIC + bytes([1, 17, 0]) + bytes(40), "1.17.0 is not supported"),
        (pa.MAGIC + bytes([1, 14]), "truncated"),
        (b"", "truncated"),
    ],
)
def test_bad_headers(raw: bytes, message: str) -> None:
    with pytest.raises(pa.ArchiveError, match=message):
        pa.read_header(pa.Reader(io.BytesIO(raw)))


@pytest.mark.parametrize("params", VERSIONS, ids=ids)
def test_toc_roundtrip(params: tuple[int, pa.Compression]) -> None:
    version, method = params
    header = pa.build_header(version, method)
    entries = archive_entries()
    if version < pa.V1_16:  # relkind is stored from 1.16 on
        for entry in entries:
            entry.relkind = 0
    raw = header.raw + pa.encode_toc(entries, header)
    archive = pa.read_archive_head(pa.Reader(io.BytesIO(raw)))
    assert archive.entries == entries
    assert archive.data_start == len(raw)


@pytest.mark.parametrize("params", VERSIONS, ids=ids)
def test_custom_archive_seekable_and_pipe_outputs_agree(params: tuple[int, pa.Compression]) -> None:
    version, method = params
    seekable = make_custom_archive(version, method)
    pipe = Pipe()
    make_custom_archive(version, method, out=pipe)  # type: ignore[arg-type]
    assert bytes(pipe.data) == seekable
    # every data entry points at its block
    archive = pa.read_archive_head(pa.Reader(io.BytesIO(seekable)))
    for entry in archive.entries:
        if entry.has_data:
            assert entry.data_state == pa.OFFSET_POS_SET
            reader = pa.Reader(io.BytesIO(seekable[entry.data_pos :]))
            blk, dump_id = pa.read_block_header(reader) or (0, 0)
            assert dump_id == entry.dump_id
            assert blk == (pa.BLK_BLOBS if entry.desc == b"BLOBS" else pa.BLK_DATA)


@pytest.mark.parametrize("params", VERSIONS, ids=ids)
def test_read_data_blocks_sequentially(params: tuple[int, pa.Compression]) -> None:
    version, method = params
    raw = make_custom_archive(version, method)
    reader = pa.Reader(Trickle(raw))  # type: ignore[arg-type]
    archive = pa.read_archive_head(reader)
    by_id = archive.by_id()
    seen = {}
    while (block := pa.read_block_header(reader)) is not None:
        blk, dump_id = block
        if blk == pa.BLK_DATA:
            seen[pa.TocEntry.text(by_id[dump_id].tag)] = b"".join(pa.read_stream(reader, method))
        else:
            blobs = {}
            while (oid := reader.read_int()) != 0:
                blobs[oid] = b"".join(pa.read_stream(reader, method))
            assert blobs == BLOBS
    assert seen == {name: table_content(name) for name in TABLES}


def test_copy_stream_is_verbatim() -> None:
    raw = make_custom_archive(pa.V1_14, pa.Compression.GZIP)
    reader = pa.Reader(io.BytesIO(raw))
    archive = pa.read_archive_head(reader)
    out = io.BytesIO()
    writer = pa.CustomWriter(out, archive.header, archive.entries)
    while (block := pa.read_block_header(reader)) is not None:
        writer.begin_block(*block)
        copy = pa.copy_blobs if block[0] == pa.BLK_BLOBS else pa.copy_stream
        writer.advance(copy(reader, writer.sink))
    writer.finish()
    assert out.getvalue() == raw


def test_truncated_data_is_an_error() -> None:
    raw = make_custom_archive(pa.V1_14, pa.Compression.GZIP)
    reader = pa.Reader(io.BytesIO(raw[:-20]))
    pa.read_archive_head(reader)
    with pytest.raises(pa.ArchiveError, match="truncated"):
        while (block := pa.read_block_header(reader)) is not None:
            if block[0] == pa.BLK_DATA:
                pa.skip_stream(reader)
            else:
                pa.copy_blobs(reader, io.BytesIO())


def test_corrupt_compressed_data_is_an_archive_error() -> None:
    dec = pa.decompressor(pa.Compression.GZIP)
    with pytest.raises(pa.ArchiveError, match="corrupt gzip"):
        dec.decompress(b"\x78\x9cgarbage-garbage")


@pytest.mark.parametrize("method", list(pa.Compression))
@pytest.mark.parametrize("gzip_file", [False, True])
def test_codecs_roundtrip_and_concatenated_streams(method: pa.Compression, gzip_file: bool) -> None:
    parts = [b"first part\n" * 1000, b"", b"second \x00\xff part\n" * 77]
    blob = b""
    for part in parts:
        comp = pa.compressor(method, None, gzip_file=gzip_file)
        blob += comp.compress(part) + comp.flush()
    dec = pa.decompressor(method, gzip_file=gzip_file)
    out = b"".join(dec.decompress(blob[i : i + 100]) for i in range(0, len(blob), 100))
    assert out + dec.flush() == b"".join(parts)


@pytest.mark.parametrize(
    ("stmt", "expected"),
    [
        ("COPY public.t (a, b) FROM stdin;\n", ("public", "t", ("a", "b"))),
        (
            'COPY "We""ird"."Mixed Case" (id, "Na me", "x,y") FROM stdin;\n',
            ('We"ird', "Mixed Case", ("id", "Na me", "x,y")),
        ),
        ("COPY t FROM stdin;", (None, "t", ())),
        ("copy s.t(a) from stdin;", ("s", "t", ("a",))),
    ],
)
def test_parse_copy_stmt(stmt: str, expected: tuple[str | None, str, tuple[str, ...]]) -> None:
    assert pa.parse_copy_stmt(stmt) == expected


def test_parse_copy_stmt_rejects_garbage() -> None:
    with pytest.raises(pa.ArchiveError):
        pa.parse_copy_stmt("INSERT INTO t VALUES (1);")


# ----------------------------------------------------------------- pieces


def test_adler32_combine_matches_zlib() -> None:
    a, b = b"hello " * 1000, b"world\n" * 777
    assert pieces.adler32_combine(zlib.adler32(a), zlib.adler32(b), len(b)) == zlib.adler32(a + b)
    assert pieces.adler32_combine(1, zlib.adler32(b), len(b)) == zlib.adler32(b)
    assert pieces.adler32_combine(zlib.adler32(a), 1, 0) == zlib.adler32(a)


def test_deflate_segments_form_one_zlib_stream() -> None:
    parts = [b"row %d\n" % i * 50 for i in range(10)] + [b""]
    stream = pieces.zlib_header(6)
    adler = 1
    for part in parts:
        stream += pieces.deflate_segment(part, 6)
        adler = pieces.adler32_combine(adler, zlib.adler32(part), len(part))
    stream += pieces.DEFLATE_END + adler.to_bytes(4, "big")
    obj = zlib.decompressobj()
    assert obj.decompress(stream) == b"".join(parts)
    assert obj.eof and not obj.unused_data


@pytest.mark.parametrize(
    ("data", "rows", "marker"),
    [
        (b"\\.\n\n\n", b"", b"\\.\n\n\n"),
        (b"1\ta\n\\.\n\n", b"1\ta\n", b"\\.\n\n"),
        (b"1\ta\\\\.\n", b"1\ta\\\\.\n", b""),  # a value ending in backslash-dot is no marker
        (b"1\t\\\\.\n\\.\n", b"1\t\\\\.\n", b"\\.\n"),
        (b"1\ta\n", b"1\ta\n", b""),
        (b"", b"", b""),
        (b"1\ta\n2\tb", b"1\ta\n2\tb", b""),  # truncated: left for the transformer to report
    ],
)
def test_split_end_marker(data: bytes, rows: bytes, marker: bytes) -> None:
    assert pieces.split_end_marker(data, None) == (rows, marker)


row_text = st.lists(
    st.lists(
        st.binary(max_size=12).map(lambda b: b.replace(b"\n", b"\\n").replace(b"\t", b"\\t")),
        min_size=1,
        max_size=4,
    ),
    max_size=60,
)


@settings(max_examples=150, deadline=None)
@given(
    rows=row_text,
    size=st.integers(min_value=1, max_value=200),
    chunk=st.integers(min_value=1, max_value=50),
    marker=st.booleans(),
)
def test_row_pieces_are_row_aligned_and_lossless(
    rows: list[list[bytes]], size: int, chunk: int, marker: bool
) -> None:
    body = b"".join(b"\t".join(r).replace(b"\\", b"\\\\") + b"\n" for r in rows)
    end = b"\\.\n\n\n" if marker else b""
    data = body + end
    out = list(pieces.row_pieces((data[i : i + chunk] for i in range(0, len(data), chunk)), size))
    assert isinstance(out[-1], tuple)
    got_rows = [p for p in out[:-1] if isinstance(p, bytes)]
    assert all(p.endswith(b"\n") for p in got_rows)
    assert b"".join(got_rows) == body
    assert out[-1][0] == end


def test_custom_writer_spools_for_compressing_outputs(tmp_path: Path) -> None:
    """A gzip file claims to seek but cannot go back: the writer must not rely on it."""
    expected = make_custom_archive(pa.V1_14, pa.Compression.NONE)
    with gzip.open(tmp_path / "a.dump.gz", "wb") as fh:
        make_custom_archive(pa.V1_14, pa.Compression.NONE, out=fh)  # type: ignore[arg-type]
    assert gzip.decompress((tmp_path / "a.dump.gz").read_bytes()) == expected
    with (tmp_path / "a.dump").open("wb") as fh:
        make_custom_archive(pa.V1_14, pa.Compression.NONE, out=fh)
    assert (tmp_path / "a.dump").read_bytes() == expected


def _boom(x: int) -> int:
    if x == 3:
        raise ValueError("piece 3 failed")
    return x * 10


@pytest.mark.parametrize("jobs", [1, 2])
def test_ordered_pool_keeps_order_and_propagates_errors(jobs: int) -> None:
    from tests.unit.archive_fakes import FakePlan

    got: list[object] = []
    with pieces.OrderedPool(jobs, FakePlan({})) as pool:  # type: ignore[arg-type]
        for i in range(10):
            if i == 5:
                pool.then(lambda: got.append("marker"))
            pool.submit(_boom, (i if i != 3 else 30,), got.append)
    assert got == [0, 10, 20, 300, 40, "marker", 50, 60, 70, 80, 90]
    with (
        pytest.raises(ValueError, match="piece 3 failed"),
        pieces.OrderedPool(jobs, FakePlan({})) as pool,
    ):  # type: ignore[arg-type]
        for i in range(10):
            pool.submit(_boom, (i,), got.append)
    assert pool.workers == []  # workers are gone
