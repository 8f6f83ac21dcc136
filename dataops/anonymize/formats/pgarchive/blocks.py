"""The data of a custom archive (after the TOC): data blocks read, copied and written.

* **Data blocks**: a block type byte (1 table data, 3 large objects), the dump id,
  then the (compressed) stream as chunks, each an integer length and bytes, ended
  by a zero length.  A large-object block holds ``(oid, chunks..., 0)`` items ended
  by oid 0.
"""

from __future__ import annotations

import io
import itertools
import tempfile
from collections.abc import Iterator
from dataclasses import replace
from typing import BinaryIO

from dataops.anonymize.formats.pgarchive.binary import (
    OFFSET_POS_SET,
    ArchiveError,
    Reader,
    encode_int,
)
from dataops.anonymize.formats.pgarchive.codecs import Compression, compressor, decompressor
from dataops.anonymize.formats.pgarchive.toc import Header, TocEntry, encode_toc

BLK_DATA = 1
BLK_BLOBS = 3

#: Bytes fed to a compressor at a time, and the size of the data chunks written:
#: fixed so that the output does not depend on how the input happened to arrive.
CHUNK_SIZE = 1 << 17


def read_block_header(reader: Reader) -> tuple[int, int] | None:
    """(block type, dump id) of the next data block, or None at the end of the archive."""
    if reader.at_end():
        return None
    blk = reader.read_byte()
    if blk not in (BLK_DATA, BLK_BLOBS):
        raise ArchiveError(
            f"{reader.what}: unknown data block type {blk} at offset {reader.pos - 1}"
        )
    return blk, reader.read_int()


def _bulk(reader: Reader, end: int, out: BinaryIO | None) -> int:
    """Copy (or skip, without ``out``) up to archive offset ``end``, which must end a stream."""
    terminator = encode_int(0, reader.int_size)
    remaining = end - reader.pos
    written = remaining
    tail = b""
    while remaining:
        if not reader._fill(1):
            raise reader._truncated(remaining)
        take = min(remaining, len(reader.buf) - reader.i)
        span = reader.buf[reader.i : reader.i + take]
        reader.i += take
        reader.pos += take
        remaining -= take
        if out is not None:
            out.write(span)
        tail = (tail + span)[-len(terminator) :]
    if tail != terminator:
        raise ArchiveError(f"{reader.what}: data offsets in the TOC do not match the data blocks")
    return written


def copy_stream(reader: Reader, out: BinaryIO, end: int | None = None) -> int:
    """Copy one chunked stream including its terminator verbatim; returns bytes written.

    ``end`` is the archive offset where the stream ends, when the TOC's data offsets
    tell: the bytes are then copied in bulk instead of walking every chunk (an
    uncompressed archive has one chunk per row).
    """
    if end is not None and end - reader.pos > reader.int_size:
        return _bulk(reader, end, out)
    written = 0
    for span in reader.stream_spans(raw=True):
        out.write(span)
        written += len(span)
    return written


def block_ends(entries: list[TocEntry]) -> dict[int, int]:
    """dump id -> archive offset where its data block ends, from the TOC's data offsets.

    Known only for blocks followed by another block with a known offset (never for
    archives written to a pipe, which have no offsets).
    """
    starts = sorted(
        (e.data_pos, e.dump_id)
        for e in entries
        if e.data_state == OFFSET_POS_SET and e.data_pos > 0
    )
    return {dump_id: nxt for (_, dump_id), (nxt, _) in itertools.pairwise(starts)}


def copy_blobs(reader: Reader, out: BinaryIO) -> int:
    """Copy the body of a large-object block (after its header) verbatim."""
    n = reader.int_size
    written = 0
    while True:
        oid = reader.read_int()
        out.write(encode_int(oid, n))
        written += 1 + n
        if oid == 0:
            return written
        written += copy_stream(reader, out)


def skip_stream(reader: Reader, end: int | None = None) -> None:
    """Read past one chunked stream (in bulk when its ``end`` offset is known)."""
    if end is not None and end - reader.pos > reader.int_size:
        _bulk(reader, end, None)
        return
    for _ in reader.stream_spans(raw=True):
        pass


def read_stream(reader: Reader, method: Compression) -> Iterator[bytes]:
    """Decompressed content of one chunked stream."""
    dec = decompressor(method)
    for payload in reader.stream_spans(raw=False):
        data = dec.decompress(payload)
        if data:
            yield data
    tail = dec.flush()
    if tail:
        yield tail


class ChunkWriter:
    """Compresses a stream and writes it as archive chunks of :data:`CHUNK_SIZE` input bytes.

    Input is re-blocked to fixed sizes before compression, so the output depends only
    on the content, never on how it arrived.
    """

    def __init__(
        self, out: BinaryIO, method: Compression, level: int | None, int_size: int
    ) -> None:
        self.out = out
        self.comp = compressor(method, level)
        self.int_size = int_size
        self.pending = bytearray()
        self.written = 0

    def _emit(self, data: bytes) -> None:
        if data:
            self.out.write(encode_int(len(data), self.int_size))
            self.out.write(data)
            self.written += 1 + self.int_size + len(data)

    def write(self, data: bytes) -> None:
        self.pending += data
        while len(self.pending) >= CHUNK_SIZE:
            block = bytes(self.pending[:CHUNK_SIZE])
            del self.pending[:CHUNK_SIZE]
            self._emit(self.comp.compress(block))

    def close(self) -> int:
        if self.pending:
            self._emit(self.comp.compress(bytes(self.pending)))
            self.pending.clear()
        self._emit(self.comp.flush())
        self.out.write(encode_int(0, self.int_size))
        self.written += 1 + self.int_size
        return self.written


class CustomWriter:
    """Writes a custom archive: header and TOC, data blocks, then the TOC again with offsets.

    On a seekable output the TOC is rewritten in place at the end (its size does not
    depend on the offsets).  On a pipe the data blocks are spooled to a temporary file
    first, so that the TOC can carry the offsets that ``pg_restore -j`` needs.
    """

    def __init__(self, out: BinaryIO, header: Header, entries: list[TocEntry]) -> None:
        self.out = out
        self.header = header
        self.entries = [replace(e) for e in entries]
        self.by_id = {e.dump_id: e for e in self.entries}
        self.toc_start = len(header.raw)
        toc = encode_toc(self.entries, header)
        self.data_start = self.toc_start + len(toc)
        self.seekable = _seekable(out)
        if self.seekable:
            self.base = out.tell()
            out.write(header.raw)
            out.write(toc)
            self.sink: BinaryIO = out
        else:
            self.base = 0
            self.sink = tempfile.TemporaryFile()  # noqa: SIM115 - closed in finish()
        self.pos = self.data_start  # absolute position in the archive of the next block

    def begin_block(self, blk: int, dump_id: int) -> None:
        entry = self.by_id.get(dump_id)
        if entry is not None:
            entry.data_state = OFFSET_POS_SET
            entry.data_pos = self.pos
        header = bytes([blk]) + encode_int(dump_id, self.header.int_size)
        self.sink.write(header)
        self.pos += len(header)

    def advance(self, nbytes: int) -> None:
        """Account for ``nbytes`` written to :attr:`sink` by a helper."""
        self.pos += nbytes

    def finish(self) -> None:
        toc = encode_toc(self.entries, self.header)
        assert self.toc_start + len(toc) == self.data_start
        if self.seekable:
            end = self.out.tell()
            self.out.seek(self.base + self.toc_start)
            self.out.write(toc)
            self.out.seek(end)
        else:
            self.out.write(self.header.raw)
            self.out.write(toc)
            self.sink.seek(0)
            while True:
                buf = self.sink.read(1 << 20)
                if not buf:
                    break
                self.out.write(buf)
            self.sink.close()
        self.out.flush()

    def abort(self) -> None:
        if self.sink is not self.out:
            self.sink.close()


def _seekable(stream: BinaryIO) -> bool:
    """True for plain files and memory buffers, where the TOC can be rewritten in place.

    Compressing writers (gzip, zstd) may claim to seek but cannot go back: they and
    pipes get the spooled path.
    """
    if not isinstance(stream, (io.FileIO, io.BufferedWriter, io.BufferedRandom, io.BytesIO)):
        return False
    try:
        if not stream.seekable():
            return False
        stream.tell()
        return True
    except (OSError, ValueError, io.UnsupportedOperation):
        return False
