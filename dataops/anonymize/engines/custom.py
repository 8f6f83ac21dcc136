"""Anonymize a custom-format archive (``pg_dump -Fc``) into another one.

The output has the input's header and TOC; data blocks follow in the input's order:
kept tables and large objects are copied chunk for chunk without decompressing,
truncated tables get an empty block, transformed tables are decompressed, streamed
through the plan's transformer in row-aligned pieces (in parallel worker
processes) and recompressed with the input's method.  The TOC is written with the
data offsets, so ``pg_restore -j`` and ``-L`` work even when the input came from a
pipe and had none.
"""

from __future__ import annotations

import functools
import io
import logging
import zlib
from typing import TYPE_CHECKING, BinaryIO

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
    DEFLATE_END,
    MODE_DEFLATE,
    PieceResult,
    Pool,
    adler32_combine,
    default_jobs,
    encode_piece,
    make_pool,
    piece_mode,
    row_pieces,
    transform_piece,
    zlib_header,
)
from dataops.anonymize.formats.pgarchive import (
    BLK_BLOBS,
    DEFAULT_LEVELS,
    ArchiveError,
    ArchiveFormat,
    ChunkWriter,
    Compression,
    CustomWriter,
    Reader,
    TocEntry,
    block_ends,
    copy_blobs,
    copy_stream,
    decompressor,
    encode_int,
    read_archive_head,
    read_block_header,
    read_stream,
    skip_stream,
)
from dataops.anonymize.speedups import count_lines

if TYPE_CHECKING:
    from dataops.anonymize.engine_api import EngineJob

log = logging.getLogger(__name__)


class _BlockSink:
    """Receives one transformed table's pieces in order and writes its data block."""

    def __init__(
        self, writer: CustomWriter, method: Compression, level: int, stats: TableStats
    ) -> None:
        self.writer = writer
        self.mode = piece_mode(method, gzip_file=False)
        self.level = level
        self.stats = stats
        int_size = writer.header.int_size
        if self.mode == MODE_DEFLATE:
            # workers deliver deflate segments: frame them as one zlib stream
            self.chunks = ChunkWriter(writer.sink, Compression.NONE, None, int_size)
            self.chunks.write(zlib_header(level))
            self.adler = 1
        else:
            self.chunks = ChunkWriter(writer.sink, method, level, int_size)

    def add(self, result: PieceResult) -> None:
        if self.mode == MODE_DEFLATE:
            self.adler = adler32_combine(self.adler, result.adler, result.length)
        self.chunks.write(result.data)
        self.stats.rows += result.rows

    def finish(self, marker: bytes) -> None:
        self.add(encode_piece(marker, self.mode, self.level))
        if self.mode == MODE_DEFLATE:
            self.chunks.write(DEFLATE_END + self.adler.to_bytes(4, "big"))
        written = self.chunks.close()
        self.writer.advance(written)
        self.stats.bytes_out += written


def anonymize_custom(
    plan: DumpPlan,
    source: BinaryIO,
    out: BinaryIO | None,
    *,
    jobs: int | None = None,
    catalog: CatalogLike | None = None,
    progress: Progress | None = None,
    row_hook: RowHook | None = None,
    preview_rows: int | None = None,
    source_name: str = "input",
    drop_unreferenced: bool = False,
) -> list[TableStats]:
    """Read a custom archive from ``source`` and write the anonymized archive to ``out``.

    Nothing is written before the plan has checked the archive's tables (fail closed).
    With ``preview_rows``, the first rows of each transformed table go through the
    transformer and to ``row_hook``, and nothing is written (``out`` may be None).
    """
    reader = Reader(source)
    reader.what = source_name
    archive = read_archive_head(reader)
    header = archive.header
    if header.format is not ArchiveFormat.CUSTOM:
        raise ArchiveError(f"{source_name} is not a custom-format archive")
    planned = plan_archive(archive, plan, catalog)
    method = header.compression
    level = header.level if header.level is not None else DEFAULT_LEVELS[method]
    if method is Compression.GZIP and level == -1:
        level = zlib.Z_DEFAULT_COMPRESSION
    by_id = archive.by_id()
    tick = Ticker(progress)
    if preview_rows is not None:
        return _preview(reader, planned, plan, method, preview_rows, row_hook, tick)
    if out is None:
        raise ValueError("an output stream is needed unless previewing")
    jobs = default_jobs() if jobs is None else jobs
    writer = CustomWriter(out, header, archive.entries)
    ends = block_ends(archive.entries)
    seen: set[int] = set()
    try:
        transformed = [
            t for i, t in planned.tables.items() if planned.actions[i] is TableAction.TRANSFORM
        ]
        with make_pool(jobs if planned.any_transform else 1, plan, transformed) as pool:
            while (block := read_block_header(reader)) is not None:
                blk, dump_id = block
                if dump_id in seen:
                    raise ArchiveError(f"{source_name}: two data blocks for TOC entry {dump_id}")
                seen.add(dump_id)
                entry = by_id.get(dump_id)
                table = planned.tables.get(dump_id)
                tick(table.qualified if table else "", reader.pos)
                if blk == BLK_BLOBS or table is None:
                    if not _known_block(blk, entry, dump_id, source_name, drop_unreferenced):
                        # dropped, never copied: it may hold original data
                        if blk == BLK_BLOBS:
                            copy_blobs(reader, io.BytesIO())
                        else:
                            skip_stream(reader)
                        continue
                    pool.drain()
                    writer.begin_block(blk, dump_id)
                    if blk == BLK_BLOBS and planned.lo_policy == "empty":
                        writer.advance(_empty_blobs(reader, writer.sink, method, level))
                    else:
                        copy = copy_blobs if blk == BLK_BLOBS else copy_stream
                        writer.advance(copy(reader, writer.sink))
                    continue
                _table_block(
                    reader,
                    writer,
                    pool,
                    planned.actions[dump_id],
                    (blk, dump_id),
                    table,
                    planned.stats[dump_id],
                    method,
                    level,
                    tick,
                    ends,
                )
    except BaseException:
        writer.abort()
        raise
    missing = [by_id[d].label for d in planned.tables if d not in seen]
    if missing:
        raise ArchiveError(
            f"{source_name} is truncated: no data block for "
            + ", ".join(missing[:5])
            + (f" and {len(missing) - 5} more" if len(missing) > 5 else "")
        )
    writer.finish()
    tick("", reader.pos, force=True)
    return [planned.stats[d] for d in planned.tables]


def _known_block(
    blk: int, entry: TocEntry | None, dump_id: int, source_name: str, drop: bool
) -> bool:
    """Whether a data block that is not a planned table's may be copied: large objects
    of a large-object TOC entry only.  A block no TOC entry (or a non-data entry)
    explains is an error, or with ``drop`` (``--drop-unreferenced``) left out."""
    if blk == BLK_BLOBS and entry is not None and entry.desc in LARGE_OBJECT_DESCS:
        return True
    what = "no TOC entry" if entry is None else f"{entry.label}, which has no table data"
    if not drop:
        raise ArchiveError(
            f"{source_name}: a data block for dump id {dump_id} ({what}); it may hold original "
            "data and is never copied (pass --drop-unreferenced to leave it out)"
        )
    log.warning("anonymize.archive.dropped_block", extra={"dump_id": dump_id})
    return False


def _preview(
    reader: Reader,
    planned: Planned,
    plan: DumpPlan,
    method: Compression,
    rows: int,
    row_hook: RowHook | None,
    tick: Ticker,
) -> list[TableStats]:
    shown = []
    while (block := read_block_header(reader)) is not None:
        blk, dump_id = block
        table = planned.tables.get(dump_id)
        if blk == BLK_BLOBS:
            copy_blobs(reader, io.BytesIO())
            continue
        if table is None or planned.actions[dump_id] is not TableAction.TRANSFORM:
            skip_stream(reader)
            continue
        tick(table.qualified, reader.pos)
        dec = decompressor(method)
        data = bytearray()
        for payload in reader.stream_spans(raw=False):
            if data.count(b"\n") <= rows:
                data += dec.decompress(payload)
        stats = planned.stats[dump_id]
        stats.rows = preview(plan, table, bytes(data), rows, row_hook)
        shown.append(stats)
    return shown


def _empty_blobs(reader: Reader, out: BinaryIO, method: Compression, level: int) -> int:
    """A large-object block with every object's content emptied (oids kept)."""
    n = reader.int_size
    written = 0
    while True:
        oid = reader.read_int()
        out.write(encode_int(oid, n))
        written += 1 + n
        if oid == 0:
            return written
        for _ in reader.stream_spans(raw=True):
            pass
        written += ChunkWriter(out, method, level, n).close()


def _table_block(
    reader: Reader,
    writer: CustomWriter,
    pool: Pool,
    action: TableAction,
    block: tuple[int, int],
    table: TableData,
    stats: TableStats,
    method: Compression,
    level: int,
    tick: Ticker,
    ends: dict[int, int],
) -> None:
    timer = Timer(stats)
    start = reader.pos
    blk, dump_id = block
    if action is TableAction.KEEP:
        pool.drain()
        writer.begin_block(blk, dump_id)
        n = copy_stream(reader, writer.sink, ends.get(dump_id))
        writer.advance(n)
        stats.bytes_out += n
    elif action is TableAction.TRUNCATE:
        pool.drain()
        writer.begin_block(blk, dump_id)
        skip_stream(reader, ends.get(dump_id))
        chunks = ChunkWriter(writer.sink, method, level, writer.header.int_size)
        chunks.write(END_MARKER)
        n = chunks.close()
        writer.advance(n)
        stats.bytes_out += n
    else:
        pool.then(lambda: writer.begin_block(blk, dump_id))
        sink = _BlockSink(writer, method, level, stats)
        mode = sink.mode
        rows = 0
        try:
            for piece in row_pieces(read_stream(reader, method)):
                tick(table.qualified, reader.pos)
                if isinstance(piece, tuple):
                    pool.then(functools.partial(check_rows, table, stats, rows))
                    pool.then(functools.partial(sink.finish, piece[0]))
                    pool.then(timer.stop)  # the table is done when its last piece is written
                else:
                    pool.submit(transform_piece, (table, piece, mode, level, rows), sink.add)
                    rows += count_lines(piece)
        except ArchiveError as exc:
            raise ArchiveError(f"TOC entry {dump_id} ({table.qualified}): {exc}") from exc
    stats.bytes_in += reader.pos - start
    if action is not TableAction.TRANSFORM:
        timer.stop()


def engine(job: EngineJob) -> list[TableStats]:
    """The ``custom`` entry of :data:`dataops.anonymize.run.ENGINES`."""
    if job.stream is None:
        raise ArchiveError("the custom format is read from a file or stdin")
    return anonymize_custom(
        job.plan,
        job.stream,
        job.output,
        jobs=job.jobs,
        progress=job.progress,
        row_hook=job.row_hook,
        preview_rows=job.preview_rows,
        source_name=str(job.input_path or "stdin"),
        drop_unreferenced=job.drop_unreferenced,
    )
