"""Hostile custom and directory archives (issue #10, finding 2): only what the TOC
references is ever written; anything else is an error, or left out on request."""

from __future__ import annotations

import io
import os
import shutil
import signal
import time
from pathlib import Path

import pytest

from dataops.anonymize.engines.custom import anonymize_custom
from dataops.anonymize.engines.directory import anonymize_directory
from dataops.anonymize.formats import pgarchive as pa
from dataops.errors import ConfigError, OperationError
from tests.unit.archive_fakes import (
    BLOBS,
    FakeCatalog,
    FakePlan,
    make_custom_archive,
    make_directory_archive,
)

RULES = {"public.people": "name", "public.gone": "truncate"}


@pytest.fixture
def src(tmp_path: Path) -> Path:
    path = tmp_path / "in"
    make_directory_archive(path, pa.V1_14, pa.Compression.GZIP)
    return path


def _run(src: Path, dst: Path, **kw: object) -> list[str]:
    anonymize_directory(FakePlan(RULES), src, dst, catalog=FakeCatalog(), **kw)  # type: ignore[arg-type]
    return sorted(p.name for p in dst.iterdir())


@pytest.mark.parametrize(
    ("extra", "named"),
    [
        ({"9999.dat.gz": "people"}, "9999.dat.gz"),  # a stray copy of a table's data
        ({"101.dat": "people-raw"}, "101.dat.gz"),  # the same table twice: one is unread
        ({"NOTES.txt": "text"}, "NOTES.txt"),
        ({"sub/": ""}, "sub/"),
    ],
)
@pytest.mark.parametrize("jobs", [1, 2])
def test_unreferenced_files_are_an_error_and_never_copied(
    src: Path, tmp_path: Path, extra: dict[str, str], named: str, jobs: int
) -> None:
    expected = sorted(p.name for p in src.iterdir())
    secret = (src / "101.dat.gz").read_bytes()
    for name, what in extra.items():
        if name.endswith("/"):
            (src / name).mkdir()
            (src / name / "101.dat.gz").write_bytes(secret)
        elif what == "people":
            (src / name).write_bytes(secret)
        elif what == "people-raw":
            (src / name).write_bytes(
                pa.decompressor(pa.Compression.GZIP, gzip_file=True).decompress(secret)
            )
        else:
            (src / name).write_text(what)
    dst = tmp_path / "out"
    with pytest.raises(
        ConfigError, match=rf"files the archive's TOC does not reference: .*{named}"
    ):
        _run(src, dst, jobs=jobs)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["in"]  # nothing written
    names = _run(src, dst, jobs=jobs, drop_unreferenced=True)
    if named == "101.dat.gz":  # pg_restore reads the uncompressed one: so do we
        expected = [n if n != "101.dat.gz" else "101.dat" for n in expected]
    assert names == sorted(expected)
    for path in dst.rglob("*"):
        assert path.read_bytes() != secret


def test_blob_files_are_referenced_through_blobs_toc(src: Path, tmp_path: Path) -> None:
    names = _run(src, tmp_path / "out")
    assert {f"blob_{oid}.dat.gz" for oid in BLOBS} <= set(names)
    (src / "blob_99999.dat.gz").write_bytes((src / "101.dat.gz").read_bytes())
    shutil.rmtree(tmp_path / "out")
    with pytest.raises(ConfigError, match=r"blob_99999\.dat\.gz"):
        _run(src, tmp_path / "out")


def _orphan_archive() -> bytes:
    """A custom archive with one more data block, for a dump id no TOC entry has."""
    data = make_custom_archive(pa.V1_14, pa.Compression.NONE)
    reader = pa.Reader(io.BytesIO(data))
    header = pa.read_archive_head(reader).header
    block = bytearray(b"\x01" + pa.encode_int(4242, header.int_size))
    chunks = io.BytesIO()
    writer = pa.ChunkWriter(chunks, pa.Compression.NONE, None, header.int_size)
    writer.write(b"1\tleaked-secret-value\n\\.\n\n\n")
    writer.close()
    return data + bytes(block) + chunks.getvalue()


def test_custom_archive_data_block_without_toc_entry_is_refused() -> None:
    data = _orphan_archive()
    assert b"leaked-secret-value" in data
    out = io.BytesIO()
    with pytest.raises(ConfigError, match=r"data block for dump id 4242 \(no TOC entry"):
        anonymize_custom(FakePlan(RULES), io.BytesIO(data), out, jobs=1, catalog=FakeCatalog())
    out = io.BytesIO()
    anonymize_custom(
        FakePlan(RULES),
        io.BytesIO(data),
        out,
        jobs=1,
        catalog=FakeCatalog(),
        drop_unreferenced=True,
    )
    assert b"leaked-secret-value" not in out.getvalue()


@pytest.mark.parametrize(
    ("stmt", "expected"),
    [
        # a quoted column holding ") FROM stdin": a regular expression stops there
        (
            'COPY public.t (id, ") FROM stdin", email) FROM stdin;',
            ("public", "t", ("id", ") FROM stdin", "email")),
        ),
        (
            'COPY public."a\nb" ("e\nmail", "x""y") FROM stdin;\n',
            ("public", "a\nb", ("e\nmail", 'x"y')),
        ),
        (
            'COPY public.t ("\\.", "a\tb", "c\rd") FROM stdin;',
            ("public", "t", ("\\.", "a\tb", "c\rd")),
        ),
    ],
)
def test_archive_copy_statements_are_lexed_not_matched(
    stmt: str, expected: tuple[str | None, str, tuple[str, ...]]
) -> None:
    assert pa.parse_copy_stmt(stmt) == expected


@pytest.mark.parametrize(
    "stmt",
    [
        "COPY public.t (id) FROM stdin WITH (FORMAT csv);",
        "COPY public.t (id) FROM stdin BINARY;",
        "COPY public.t (id FROM stdin;",
    ],
)
def test_archive_copy_statements_in_other_forms_are_refused(stmt: str) -> None:
    with pytest.raises(pa.ArchiveError):
        pa.parse_copy_stmt(stmt)


class _Lazy:
    """A transformer that drops every row: must never pass for a success."""

    rows = 0

    def feed(self, data: bytes) -> bytes:
        return b""

    def finish(self) -> bytes:
        return b""


class _LazyPlan(FakePlan):
    def transformer(self, table: object) -> _Lazy:  # type: ignore[override]
        return _Lazy()


@pytest.mark.parametrize("jobs", [1, 2])
def test_a_transformed_table_with_rows_left_untransformed_fails(
    src: Path, tmp_path: Path, jobs: int
) -> None:
    with pytest.raises(Exception, match=r"3000 data lines but 0 rows transformed"):
        anonymize_directory(
            _LazyPlan(RULES), src, tmp_path / "out", catalog=FakeCatalog(), jobs=jobs
        )
    assert sorted(p.name for p in tmp_path.iterdir()) == ["in"]
    data = make_custom_archive(pa.V1_14, pa.Compression.GZIP)
    with pytest.raises(Exception, match=r"3000 data lines but 0 rows transformed"):
        anonymize_custom(
            _LazyPlan(RULES), io.BytesIO(data), io.BytesIO(), jobs=jobs, catalog=FakeCatalog()
        )


def _dies_on_three(i: int) -> int:
    if i == 3:
        os.kill(os.getpid(), signal.SIGKILL)  # as the OOM killer would
    return i


def test_a_worker_killed_mid_task_fails_the_pool_at_once() -> None:
    from dataops.anonymize.engines import pieces

    got: list[int] = []
    started = time.monotonic()
    with (
        pytest.raises(OperationError, match=r"worker process \d+ died \(killed by SIGKILL"),
        pieces.OrderedPool(2, FakePlan({})) as pool,  # type: ignore[arg-type]
    ):
        procs = [w.process for w in pool.workers]
        for i in range(10):
            pool.submit(_dies_on_three, (i,), got.append)
    assert time.monotonic() - started < 30
    assert got == [0, 1, 2]  # in order, up to the lost item
    assert pool.workers == []
    assert all(p.exitcode is not None for p in procs)  # none left running
