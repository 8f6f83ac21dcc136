"""Anonymize a directory-format archive (``pg_dump -Fd``) into another directory.

``toc.dat`` is copied unchanged; each table's ``NNNN.dat[.gz|.lz4|.zst]`` is kept
(copied), truncated (only the end-of-data marker) or transformed with its
compression kept.  Transformed tables are cut into row-aligned pieces that worker
processes transform (and, for gzip, compress) in parallel, so both cores work
even when one table dominates the dump.  Large object files listed by a
``blobs*.toc`` the TOC names are copied as is (or emptied).  Nothing else is ever
written: a file the TOC does not reference (a stray data file, a second copy of one
under another compression suffix, notes, subdirectories) is an error, or left out
with ``--drop-unreferenced``.

The output is assembled in a temporary directory beside the target and renamed
into place at the end: a failed or interrupted run leaves nothing at the target.
"""

from __future__ import annotations

import contextlib
import functools
import logging
import os
import shutil
import tempfile
import zlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, BinaryIO

from dataops.anonymize.atomic import (
    Staged,
    partial_prefix,
    remove_stale_partials,
    write_error,
)
from dataops.anonymize.engine_api import CatalogLike, DumpPlan, TableAction, TableData, TableStats
from dataops.anonymize.engines.common import (
    END_MARKER,
    LARGE_OBJECT_DESCS,
    Planned,
    Progress,
    RowHook,
    Ticker,
    Timer,
    check_rows,
    plan_archive,
    preview,
)
from dataops.anonymize.engines.pieces import (
    PieceResult,
    Pool,
    default_jobs,
    encode_piece,
    make_pool,
    piece_mode,
    row_pieces,
    transform_piece,
)
from dataops.anonymize.formats.pgarchive import (
    CHUNK_SIZE,
    DEFAULT_LEVELS,
    Archive,
    ArchiveError,
    Compression,
    TocEntry,
    compressor,
    decompressor,
    read_toc_file,
)
from dataops.anonymize.speedups import count_lines
from dataops.errors import ConfigError, OperationError

if TYPE_CHECKING:
    from dataops.anonymize.engine_api import EngineJob

log = logging.getLogger(__name__)

_SUFFIXES = {
    "": Compression.NONE,
    ".gz": Compression.GZIP,
    ".lz4": Compression.LZ4,
    ".zst": Compression.ZSTD,
}


def find_data_file(src: Path, entry: TocEntry) -> tuple[Path, Compression]:
    found = _data_files(src, TocEntry.text(entry.filename), entry.label)
    return found[0]


def _data_files(src: Path, name: str, what: str) -> list[tuple[Path, Compression]]:
    """The files ``name`` + a compression suffix, in pg_restore's order of preference."""
    if "/" in name or name in ("", ".", ".."):
        raise ArchiveError(f"{src}: {what} names the data file {name!r}, not a plain file name")
    found = [
        (src / (name + suffix), method)
        for suffix, method in _SUFFIXES.items()
        if (src / (name + suffix)).is_file()
    ]
    if not found:
        raise ArchiveError(f"{src}: data file {name} of {what} is missing")
    return found


@dataclass
class _Files:
    """Which files of a directory archive its TOC references, and which it does not."""

    referenced: set[str]
    unreferenced: list[str]


def referenced_files(src: Path, archive: Archive, *, drop_unreferenced: bool) -> _Files:
    """Only ``toc.dat``, each table's one data file and the large-object files listed
    by a ``blobs*.toc`` the TOC names may be written.  Anything else in the directory --
    a stray or second copy of a data file (``3392.dat`` and ``3392.dat.gz``), notes,
    subdirectories -- is an error, or with ``drop_unreferenced`` left out (never
    copied: it may hold original data)."""
    referenced = {"toc.dat"}
    duplicates: list[str] = []

    def add(name: str, what: str) -> None:
        found = _data_files(src, name, what)
        referenced.add(found[0][0].name)
        duplicates.extend(p.name for p, _ in found[1:])

    for entry in archive.entries:
        if not entry.has_data:
            continue
        name = TocEntry.text(entry.filename)
        if entry.desc == b"TABLE DATA":
            add(name, entry.label)
        elif entry.desc in LARGE_OBJECT_DESCS:
            if "/" in name or not (src / name).is_file():
                raise ArchiveError(f"{src}: large object list {name} of {entry.label} is missing")
            referenced.add(name)
            for line in (src / name).read_bytes().splitlines():
                parts = line.split(b" ", 1)
                if len(parts) != 2:
                    raise ArchiveError(f"{src / name}: unexpected line {line[:80]!r}")
                add(parts[1].decode("utf-8", "surrogateescape").strip(), f"{name}")
        else:
            raise ArchiveError(
                f"{src}: {entry.label} has a data file ({name}); only table data and large "
                "objects are supported"
            )
    stray = sorted(
        {p.name + ("/" if p.is_dir() else "") for p in src.iterdir() if p.name not in referenced}
        | set(duplicates)
    )
    if stray and not drop_unreferenced:
        shown = ", ".join(stray[:10]) + (f" and {len(stray) - 10} more" if len(stray) > 10 else "")
        raise ConfigError(
            f"{src}: files the archive's TOC does not reference: {shown}; they may hold "
            "original data and are never copied (remove them, or pass --drop-unreferenced "
            "to leave them out of the output)"
        )
    if stray:
        log.warning("anonymize.directory.dropped", extra={"files": stray})
    return _Files(referenced, stray)


def is_directory_archive(path: Path) -> bool:
    return path.is_dir() and (path / "toc.dat").is_file()


class _FileSink:
    """Receives one transformed table's pieces in order and writes its data file."""

    def __init__(self, path: Path, method: Compression, level: int, stats: TableStats) -> None:
        self.path = path
        self.mode = piece_mode(method, gzip_file=True)
        self.level = level
        self.stats = stats
        self.fh: BinaryIO | None = None
        # gzip pieces arrive compressed (one member each); other methods compress here
        self.comp = None if method is Compression.GZIP else compressor(method, level)
        self.pending = bytearray()

    def _out(self) -> BinaryIO:
        if self.fh is None:
            self.fh = open(self.path, "wb")  # noqa: SIM115 - closed in finish()
        return self.fh

    def add(self, result: PieceResult) -> None:
        self.stats.rows += result.rows
        if self.comp is None:
            self._out().write(result.data)
            return
        self.pending += result.data
        while len(self.pending) >= CHUNK_SIZE:
            block = bytes(self.pending[:CHUNK_SIZE])
            del self.pending[:CHUNK_SIZE]
            self._out().write(self.comp.compress(block))

    def finish(self, marker: bytes) -> None:
        self.add(encode_piece(marker, self.mode, self.level))
        out = self._out()
        if self.comp is not None:
            out.write(self.comp.compress(bytes(self.pending)))
            out.write(self.comp.flush())
            self.pending.clear()
        out.close()
        self.stats.bytes_out += self.path.stat().st_size

    def abort(self) -> None:
        if self.fh is not None:
            self.fh.close()


def _decompressed_chunks(path: Path, method: Compression, counter: list[int]) -> Iterator[bytes]:
    dec = decompressor(method, gzip_file=True)
    with open(path, "rb") as fh:
        while True:
            raw = fh.read(1 << 20)
            if not raw:
                break
            counter[0] += len(raw)
            data = dec.decompress(raw)
            if data:
                yield data
    tail = dec.flush()
    if tail:
        yield tail


def _write_compressed(path: Path, data: bytes, method: Compression, level: int) -> int:
    comp = compressor(method, level, gzip_file=True)
    blob = comp.compress(data) + comp.flush()
    path.write_bytes(blob)
    return len(blob)


def _empty_blob_files(src: Path, dst: Path, level: int, referenced: set[str]) -> set[str]:
    """Write every large object file listed in a referenced ``blobs*.toc``, emptied."""
    done: set[str] = set()
    for toc in sorted(src / name for name in referenced if name.startswith("blobs")):
        for line in toc.read_bytes().splitlines():
            parts = line.split(b" ", 1)
            if len(parts) != 2:
                continue
            name = parts[1].decode("utf-8", "surrogateescape").strip()
            for suffix, method in _SUFFIXES.items():
                if name + suffix in referenced:
                    _write_compressed(dst / (name + suffix), b"", method, level)
                    done.add(name + suffix)
                    break
    return done


def _prepare_target(dst: Path) -> None:
    exists = dst.exists() or dst.is_symlink()
    if exists and (dst.is_symlink() or not dst.is_dir() or any(dst.iterdir())):
        raise ConfigError(f"output {dst} already exists (a directory archive needs a new path)")
    if not dst.parent.is_dir():
        raise ConfigError(f"output directory's parent {dst.parent} does not exist")


def anonymize_directory(
    plan: DumpPlan,
    src: Path,
    dst: Path | None,
    *,
    jobs: int | None = None,
    catalog: CatalogLike | None = None,
    progress: Progress | None = None,
    row_hook: RowHook | None = None,
    preview_rows: int | None = None,
    drop_unreferenced: bool = False,
    before_commit: Callable[[list[TableStats]], Staged | None] | None = None,
) -> list[TableStats]:
    """Anonymize the directory archive ``src`` into the new directory ``dst``.

    Nothing is written before the plan has checked the archive's tables.  With
    ``preview_rows``, the first rows of each transformed table go through the
    transformer and to ``row_hook``, and nothing is written (``dst`` may be None).
    """
    if not is_directory_archive(src):
        raise ConfigError(f"{src} is not a directory archive (no toc.dat)")
    archive = read_toc_file(src / "toc.dat")
    planned = plan_archive(archive, plan, catalog)
    tick = Ticker(progress)
    if preview_rows is not None:
        return _preview(src, archive, planned, plan, preview_rows, row_hook, tick)
    if dst is None:
        raise ValueError("an output directory is needed unless previewing")
    files = referenced_files(src, archive, drop_unreferenced=drop_unreferenced)
    _prepare_target(dst)
    jobs = default_jobs() if jobs is None else jobs
    try:
        remove_stale_partials(dst.parent, dst.name)
        tmp = Path(
            tempfile.mkdtemp(prefix=partial_prefix(dst.name), suffix=".partial", dir=dst.parent)
        )
    except OSError as exc:
        raise OperationError(
            f"cannot write {dst}: cannot create a directory in {dst.parent}: {exc.strerror}"
        ) from None
    try:
        handled = {"toc.dat"}
        shutil.copyfile(src / "toc.dat", tmp / "toc.dat")
        consumed = [0]
        transformed = [
            t for i, t in planned.tables.items() if planned.actions[i] is TableAction.TRANSFORM
        ]
        with make_pool(jobs if planned.any_transform else 1, plan, transformed) as pool:
            for entry in archive.entries:
                table = planned.tables.get(entry.dump_id)
                if table is None:
                    continue
                path, method = find_data_file(src, entry)
                handled.add(path.name)
                tick(table.qualified, consumed[0])
                _table_file(
                    pool,
                    archive,
                    planned.actions[entry.dump_id],
                    table,
                    planned.stats[entry.dump_id],
                    path,
                    tmp / path.name,
                    method,
                    consumed,
                    tick,
                )
        if planned.lo_policy == "empty":
            level = _level(archive, archive.header.compression)
            handled |= _empty_blob_files(src, tmp, level, files.referenced)
        for name in sorted(files.referenced - handled):
            shutil.copyfile(src / name, tmp / name)
        _fsync_dir(tmp)
        stats = [planned.stats[d] for d in planned.tables]
        staged = before_commit(stats) if before_commit is not None else None
        try:
            with contextlib.suppress(FileNotFoundError):
                dst.rmdir()  # an empty directory given as the target
            tmp.rename(dst)
        except BaseException:
            if staged is not None:
                staged.discard()
            raise
        _fsync_dir(dst.parent)
        if staged is not None:
            try:
                staged.commit()
            except BaseException:
                shutil.rmtree(dst, ignore_errors=True)
                raise
    except OSError as exc:
        shutil.rmtree(tmp, ignore_errors=True)
        name = exc.filename
        if name and Path(name).is_relative_to(src):
            raise OperationError(f"cannot read {name}: {exc.strerror}") from None
        raise write_error(dst, exc) from None
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    tick("", consumed[0], force=True)
    return stats


def _preview(
    src: Path,
    archive: Archive,
    planned: Planned,
    plan: DumpPlan,
    rows: int,
    row_hook: RowHook | None,
    tick: Ticker,
) -> list[TableStats]:
    shown = []
    for entry in archive.entries:
        table = planned.tables.get(entry.dump_id)
        if table is None or planned.actions[entry.dump_id] is not TableAction.TRANSFORM:
            continue
        path, method = find_data_file(src, entry)
        tick(table.qualified, 0)
        data = bytearray()
        for chunk in _decompressed_chunks(path, method, [0]):
            data += chunk
            if data.count(b"\n") > rows:
                break
        stats = planned.stats[entry.dump_id]
        stats.rows = preview(plan, table, bytes(data), rows, row_hook)
        shown.append(stats)
    return shown


def _level(archive: Archive, method: Compression) -> int:
    level = archive.header.level
    if method is Compression.GZIP and (level is None or level <= 0):
        return zlib.Z_DEFAULT_COMPRESSION
    return DEFAULT_LEVELS[method] if level is None or method is not Compression.GZIP else level


def _table_file(
    pool: Pool,
    archive: Archive,
    action: TableAction,
    table: TableData,
    stats: TableStats,
    src: Path,
    dst: Path,
    method: Compression,
    consumed: list[int],
    tick: Ticker,
) -> None:
    timer = Timer(stats)
    size = src.stat().st_size
    stats.bytes_in += size
    level = _level(archive, method)
    if action is TableAction.KEEP:
        shutil.copyfile(src, dst)
        consumed[0] += size
        stats.bytes_out += size
    elif action is TableAction.TRUNCATE:
        stats.bytes_out += _write_compressed(dst, END_MARKER, method, level)
        consumed[0] += size
    else:
        sink = _FileSink(dst, method, level, stats)
        rows = 0
        try:
            for piece in row_pieces(_decompressed_chunks(src, method, consumed)):
                tick(table.qualified, consumed[0])
                if isinstance(piece, tuple):
                    pool.then(functools.partial(check_rows, table, stats, rows))
                    pool.then(functools.partial(sink.finish, piece[0]))
                    pool.then(timer.stop)  # the table is done when its last piece is written
                else:
                    pool.submit(transform_piece, (table, piece, sink.mode, level, rows), sink.add)
                    rows += count_lines(piece)
        except ArchiveError as exc:
            sink.abort()
            raise ArchiveError(f"{src.name} ({table.qualified}): {exc}") from exc
    if action is not TableAction.TRANSFORM:
        timer.stop()


def _fsync_dir(path: Path) -> None:
    with contextlib.suppress(OSError):
        fd = os.open(path, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


def engine(job: EngineJob) -> list[TableStats]:
    """The ``directory`` entry of :data:`dataops.anonymize.run.ENGINES`."""
    if job.input_path is None:
        raise ConfigError("the directory format needs a directory as INPUT")
    return anonymize_directory(
        job.plan,
        job.input_path,
        job.output_path,
        jobs=job.jobs,
        progress=job.progress,
        row_hook=job.row_hook,
        preview_rows=job.preview_rows,
        drop_unreferenced=job.drop_unreferenced,
        before_commit=job.before_commit,
    )
