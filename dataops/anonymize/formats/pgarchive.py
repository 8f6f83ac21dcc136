"""Read and write pg_dump archives: the custom format (``-Fc``) and the TOC of the directory format.

The layout follows PostgreSQL's ``pg_backup_archiver.c`` / ``pg_backup_custom.c``
(archive versions 1.14 to 1.16); this is an independent implementation.

* **Header**: ``PGDMP``, version bytes (major, minor, revision), the sizes of an
  integer and of a file offset, the format byte (1 custom, 5 directory), the
  compression (1.14: an integer level, gzip when non-zero; 1.15+: one byte naming
  the algorithm), the creation time (seven integers), the database name, the
  server and pg_dump versions.  It is kept verbatim (:attr:`Header.raw`).
* **Integers** are a sign byte followed by ``int_size`` little-endian magnitude
  bytes; **strings** are an integer length (-1 for NULL) and the bytes;
  **offsets** are a flag byte (1 not set, 2 set, 3 no data) and ``off_size``
  little-endian bytes.
* **TOC**: a count, then per entry: dump id, had-dumper flag, table oid and oid
  (as strings), tag, desc, section, defn, drop statement, copy statement,
  namespace, tablespace, table access method (1.14+), relkind (1.16+, an
  integer), owner, the obsolete ``with oids`` string, the dependency ids (strings,
  NULL-terminated) and the format's extra data: the data offset (custom) or the
  data file name (directory).
* **Data blocks** (custom format, after the TOC): a block type byte (1 table data,
  3 large objects), the dump id, then the (compressed) stream as chunks, each an
  integer length and bytes, ended by a zero length.  A large-object block holds
  ``(oid, chunks..., 0)`` items ended by oid 0.

Strings are kept as bytes so that an archive of a database in any encoding
round-trips byte for byte.
"""

from __future__ import annotations

import enum
import io
import itertools
import os
import struct
import tempfile
import zlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field, replace
from typing import Any, BinaryIO, Protocol

import lz4.frame
import zstandard

from dataops.anonymize.speedups import chunk_spans
from dataops.errors import ConfigError

MAGIC = b"PGDMP"

BLK_DATA = 1
BLK_BLOBS = 3

OFFSET_POS_NOT_SET = 1
OFFSET_POS_SET = 2
OFFSET_NO_DATA = 3

SECTION_NONE = 1
SECTION_PRE_DATA = 2
SECTION_DATA = 3
SECTION_POST_DATA = 4


def make_version(major: int, minor: int, rev: int = 0) -> int:
    return (major * 256 + minor) * 256 + rev


V1_14 = make_version(1, 14)
V1_15 = make_version(1, 15)
V1_16 = make_version(1, 16)
MIN_VERSION = V1_14
MAX_VERSION = make_version(1, 16, 255)

#: Bytes fed to a compressor at a time, and the size of the data chunks written:
#: fixed so that the output does not depend on how the input happened to arrive.
CHUNK_SIZE = 1 << 17


class ArchiveError(ConfigError):
    """The input is not a readable pg_dump archive (exit 2)."""


class ArchiveFormat(enum.IntEnum):
    """The header's format byte.  A directory archive's ``toc.dat`` says TAR (3), as
    pg_dump writes it so; tar and directory TOCs both name a data file per entry."""

    CUSTOM = 1
    TAR = 3
    NULL = 4
    DIRECTORY = 5


class Compression(enum.IntEnum):
    """``pg_compress_algorithm`` as stored in 1.15+ headers."""

    NONE = 0
    GZIP = 1
    LZ4 = 2
    ZSTD = 3

    @property
    def suffix(self) -> str:
        """File name suffix pg_dump gives a directory archive's data files."""
        return {"NONE": "", "GZIP": ".gz", "LZ4": ".lz4", "ZSTD": ".zst"}[self.name]


# --------------------------------------------------------------------------- codecs


class Compressor(Protocol):
    def compress(self, data: bytes) -> bytes: ...

    def flush(self) -> bytes: ...


class Decompressor(Protocol):
    def decompress(self, data: bytes) -> bytes: ...

    def flush(self) -> bytes: ...


class _Identity:
    def compress(self, data: bytes) -> bytes:
        return data

    def decompress(self, data: bytes) -> bytes:
        return data

    def flush(self) -> bytes:
        return b""


class _ZlibDecompressor:
    """zlib (custom archives) or gzip (directory files) streams, several members allowed."""

    def __init__(self, wbits: int) -> None:
        self.wbits = wbits
        self.obj = zlib.decompressobj(wbits)

    def decompress(self, data: bytes) -> bytes:
        out = []
        while data:
            out.append(self.obj.decompress(data))
            if not self.obj.eof:
                break
            data = self.obj.unused_data
            self.obj = zlib.decompressobj(self.wbits)
        return b"".join(out)

    def flush(self) -> bytes:
        return self.obj.flush()


class _FramesDecompressor:
    """lz4 / zstd: a stream may hold several frames back to back; start a new one at each end."""

    def __init__(self, new_frame: Callable[[], Any]) -> None:
        self.new_frame = new_frame
        self.obj = new_frame()

    def decompress(self, data: bytes) -> bytes:
        out = []
        while data:
            out.append(self.obj.decompress(data))
            if not self.obj.eof:
                break
            data = self.obj.unused_data
            self.obj = self.new_frame()
        return b"".join(out)

    def flush(self) -> bytes:
        return b""


class _Lz4Compressor:
    def __init__(self, level: int) -> None:
        self.obj = lz4.frame.LZ4FrameCompressor(compression_level=max(level, 0))
        self.started = False

    def compress(self, data: bytes) -> bytes:
        head = b""
        if not self.started:
            head = self.obj.begin()
            self.started = True
        return head + bytes(self.obj.compress(data))

    def flush(self) -> bytes:
        head = b""
        if not self.started:
            head = self.obj.begin()
            self.started = True
        return head + bytes(self.obj.flush())


class _ZstdCompressor:
    def __init__(self, level: int) -> None:
        self.obj = zstandard.ZstdCompressor(level=level).compressobj()

    def compress(self, data: bytes) -> bytes:
        return bytes(self.obj.compress(data))

    def flush(self) -> bytes:
        return bytes(self.obj.flush())


DEFAULT_LEVELS = {
    Compression.NONE: 0,
    Compression.GZIP: zlib.Z_DEFAULT_COMPRESSION,
    Compression.LZ4: 0,
    Compression.ZSTD: 3,
}


def compressor(
    method: Compression, level: int | None = None, *, gzip_file: bool = False
) -> Compressor:
    """A streaming compressor.  ``gzip_file`` selects the gzip container (directory
    archives' ``.gz`` files) instead of the bare zlib stream of custom archives."""
    lvl = DEFAULT_LEVELS[method] if level is None else level
    if method is Compression.NONE:
        return _Identity()
    if method is Compression.GZIP:
        return zlib.compressobj(lvl, zlib.DEFLATED, 31 if gzip_file else 15)
    if method is Compression.LZ4:
        return _Lz4Compressor(lvl)
    return _ZstdCompressor(lvl)


class _Checked:
    """Turns a codec's own exceptions into :class:`ArchiveError`."""

    def __init__(self, inner: Decompressor, method: Compression) -> None:
        self.inner = inner
        self.method = method

    def decompress(self, data: bytes) -> bytes:
        try:
            return self.inner.decompress(data)
        except (zlib.error, RuntimeError, zstandard.ZstdError) as exc:
            raise ArchiveError(f"corrupt {self.method.name.lower()} data: {exc}") from exc

    def flush(self) -> bytes:
        try:
            return self.inner.flush()
        except (zlib.error, RuntimeError, zstandard.ZstdError) as exc:
            raise ArchiveError(f"corrupt {self.method.name.lower()} data: {exc}") from exc


def decompressor(method: Compression, *, gzip_file: bool = False) -> Decompressor:
    inner: Decompressor
    if method is Compression.NONE:
        return _Identity()
    if method is Compression.GZIP:
        inner = _ZlibDecompressor(31 if gzip_file else 15)
    elif method is Compression.LZ4:
        inner = _FramesDecompressor(lz4.frame.LZ4FrameDecompressor)
    else:
        inner = _FramesDecompressor(zstandard.ZstdDecompressor().decompressobj)
    return _Checked(inner, method)


# --------------------------------------------------------------------------- primitives


class Reader:
    """Reads archive primitives from a (possibly non-seekable) binary stream, counting bytes.

    Reads ahead in large blocks; :attr:`pos` is the archive offset of the next unread byte.
    """

    BLOCK = 1 << 20

    def __init__(self, stream: BinaryIO, int_size: int = 4, off_size: int = 8) -> None:
        self.stream = stream
        self.buf = b""
        self.i = 0
        self.pos = 0
        self.int_size = int_size
        self.off_size = off_size
        self.what = "archive"
        self.eof = False

    def _fill(self, n: int) -> bool:
        """Make at least ``n`` unread bytes available; False at end of input."""
        avail = len(self.buf) - self.i
        if avail >= n:
            return True
        parts = [self.buf[self.i :]]
        while avail < n and not self.eof:
            data = self.stream.read(max(self.BLOCK, n - avail))
            if not data:
                self.eof = True
                break
            parts.append(data)
            avail += len(data)
        self.buf = b"".join(parts)
        self.i = 0
        return avail >= n

    def _truncated(self, n: int) -> ArchiveError:
        return ArchiveError(
            f"{self.what} is truncated: expected {n} more bytes at offset {self.pos}"
        )

    def read(self, n: int) -> bytes:
        if not self._fill(n):
            raise self._truncated(n)
        data = self.buf[self.i : self.i + n]
        self.i += n
        self.pos += n
        return data

    def at_end(self) -> bool:
        return not self._fill(1)

    def read_byte(self) -> int:
        return self.read(1)[0]

    def read_int(self) -> int:
        raw = self.read(1 + self.int_size)
        value = int.from_bytes(raw[1:], "little")
        return -value if raw[0] else value

    def read_str(self) -> bytes | None:
        n = self.read_int()
        if n < 0:
            return None
        return self.read(n)

    def read_offset(self) -> tuple[int, int]:
        raw = self.read(1 + self.off_size)
        flag = raw[0]
        if flag not in (OFFSET_POS_NOT_SET, OFFSET_POS_SET, OFFSET_NO_DATA):
            raise ArchiveError(
                f"{self.what}: unexpected data offset flag {flag} at offset {self.pos}"
            )
        return flag, int.from_bytes(raw[1:], "little")

    def stream_spans(self, raw: bool) -> Iterator[bytes]:
        """One chunked stream, read up to and including its zero-length terminator.

        ``raw=True`` yields the archive bytes verbatim (length prefixes and terminator
        included), ``raw=False`` the chunk payloads only; both in large batches.
        """
        isz = self.int_size
        hdr = 1 + isz
        unpack = struct.Struct("<BI").unpack_from if isz == 4 else None
        while True:
            buf, i, end = self.buf, self.i, len(self.buf)
            start = i
            payloads: list[bytes] = []
            need = hdr
            finished = False
            walked = chunk_spans(buf, i, isz, raw)
            if walked is not None:  # compiled: the same walk, without a Python step per chunk
                joined, i, finished, need, bad = walked
                if bad >= 0:
                    raise ArchiveError(
                        f"{self.what}: negative chunk length at offset {self.pos + bad - self.i}"
                    )
                if joined:
                    payloads.append(joined)
            while walked is None and i + hdr <= end:
                if unpack is not None:
                    sign, n = unpack(buf, i)
                else:
                    sign, n = buf[i], int.from_bytes(buf[i + 1 : i + hdr], "little")
                if sign and n:
                    raise ArchiveError(
                        f"{self.what}: negative chunk length at offset {self.pos + i - self.i}"
                    )
                if n == 0:
                    i += hdr
                    finished = True
                    break
                if i + hdr + n > end:
                    need = hdr + n
                    break
                if not raw:
                    payloads.append(buf[i + hdr : i + hdr + n])
                i += hdr + n
            if raw:
                if i > start:
                    yield buf[start:i]
            elif payloads:
                yield b"".join(payloads)
            self.pos += i - self.i
            self.i = i
            if finished:
                return
            if not self._fill(need):
                raise self._truncated(need)


def encode_int(value: int, int_size: int = 4) -> bytes:
    sign = 1 if value < 0 else 0
    return bytes([sign]) + abs(value).to_bytes(int_size, "little")


def encode_str(value: bytes | None, int_size: int = 4) -> bytes:
    if value is None:
        return encode_int(-1, int_size)
    return encode_int(len(value), int_size) + value


def encode_offset(flag: int, pos: int, off_size: int = 8) -> bytes:
    return bytes([flag]) + pos.to_bytes(off_size, "little")


# --------------------------------------------------------------------------- header


@dataclass(frozen=True)
class Header:
    raw: bytes
    version: int
    int_size: int
    off_size: int
    format: ArchiveFormat
    compression: Compression
    level: int | None  # 1.14 stores the level; 1.15+ only the algorithm
    dbname: bytes | None
    server_version: bytes | None
    dump_version: bytes | None

    @property
    def version_text(self) -> str:
        return f"{self.version >> 16}.{(self.version >> 8) & 0xFF}.{self.version & 0xFF}"


def read_header(reader: Reader) -> Header:
    start = reader.pos
    parts: list[bytes] = []

    def take(n: int) -> bytes:
        data = reader.read(n)
        parts.append(data)
        return data

    magic = take(5)
    if magic != MAGIC:
        raise ArchiveError(
            f"{reader.what} is not a pg_dump custom/directory archive (no PGDMP magic)"
        )
    vmaj, vmin, vrev = take(3)
    version = make_version(vmaj, vmin, vrev)
    if version < MIN_VERSION or version > MAX_VERSION:
        raise ArchiveError(
            f"{reader.what}: archive version {vmaj}.{vmin}.{vrev} is not supported (1.14 to 1.16 are)"
        )
    int_size, off_size, fmt = take(3)
    if not 1 <= int_size <= 8 or not 1 <= off_size <= 16:
        raise ArchiveError(f"{reader.what}: implausible integer/offset sizes {int_size}/{off_size}")
    reader.int_size, reader.off_size = int_size, off_size
    try:
        archive_format = ArchiveFormat(fmt)
    except ValueError:
        raise ArchiveError(f"{reader.what}: unknown archive format {fmt}") from None
    level: int | None
    if version >= V1_15:
        algo = take(1)[0]
        try:
            compression = Compression(algo)
        except ValueError:
            raise ArchiveError(f"{reader.what}: unknown compression algorithm {algo}") from None
        level = None
    else:
        raw = take(1 + int_size)
        level = int.from_bytes(raw[1:], "little") * (-1 if raw[0] else 1)
        compression = Compression.GZIP if level != 0 else Compression.NONE

    def take_int() -> int:
        raw = take(1 + int_size)
        return int.from_bytes(raw[1:], "little") * (-1 if raw[0] else 1)

    def take_str() -> bytes | None:
        n = take_int()
        return None if n < 0 else take(n)

    for _ in range(7):  # creation time: sec, min, hour, mday, mon, year, isdst
        take_int()
    dbname = take_str()
    server_version = take_str()
    dump_version = take_str()
    raw_header = b"".join(parts)
    assert len(raw_header) == reader.pos - start
    return Header(
        raw=raw_header,
        version=version,
        int_size=int_size,
        off_size=off_size,
        format=archive_format,
        compression=compression,
        level=level,
        dbname=dbname,
        server_version=server_version,
        dump_version=dump_version,
    )


def build_header(
    version: int = V1_14,
    compression: Compression = Compression.GZIP,
    level: int | None = None,
    *,
    archive_format: ArchiveFormat = ArchiveFormat.CUSTOM,
    int_size: int = 4,
    off_size: int = 8,
    created: tuple[int, int, int, int, int, int, int] = (0, 0, 0, 1, 0, 100, 0),
    dbname: bytes | None = b"db",
    server_version: bytes | None = b"15.0",
    dump_version: bytes | None = b"15.0",
) -> Header:
    """A header as pg_dump would write it (for building archives from scratch)."""
    parts = [MAGIC, bytes([version >> 16, (version >> 8) & 0xFF, version & 0xFF])]
    parts.append(bytes([int_size, off_size, archive_format]))
    if version >= V1_15:
        parts.append(bytes([compression]))
        stored_level = None
    else:
        if compression not in (Compression.NONE, Compression.GZIP):
            raise ValueError("archives before 1.15 know only gzip compression")
        stored_level = 0 if compression is Compression.NONE else (-1 if level is None else level)
        parts.append(encode_int(stored_level, int_size))
    parts.extend(encode_int(v, int_size) for v in created)
    for text in (dbname, server_version, dump_version):
        parts.append(encode_str(text, int_size))
    return Header(
        raw=b"".join(parts),
        version=version,
        int_size=int_size,
        off_size=off_size,
        format=archive_format,
        compression=compression,
        level=stored_level,
        dbname=dbname,
        server_version=server_version,
        dump_version=dump_version,
    )


# --------------------------------------------------------------------------- TOC


@dataclass
class TocEntry:
    dump_id: int
    had_dumper: int
    tableoid: bytes | None
    oid: bytes | None
    tag: bytes | None
    desc: bytes | None
    section: int
    defn: bytes | None
    drop_stmt: bytes | None
    copy_stmt: bytes | None
    namespace: bytes | None
    tablespace: bytes | None
    tableam: bytes | None
    relkind: int
    owner: bytes | None
    with_oids: bytes | None
    deps: list[bytes | None] = field(default_factory=list)
    # custom format: where the data block is
    data_state: int = OFFSET_NO_DATA
    data_pos: int = 0
    # directory format: the data file's name (without compression suffix)
    filename: bytes | None = None

    @staticmethod
    def text(value: bytes | None) -> str:
        return "" if value is None else value.decode("utf-8", "surrogateescape")

    @property
    def desc_text(self) -> str:
        return self.text(self.desc)

    @property
    def label(self) -> str:
        ns = self.text(self.namespace)
        name = self.text(self.tag)
        return f"TOC entry {self.dump_id} ({self.desc_text} {ns + '.' if ns else ''}{name})"

    @property
    def has_data(self) -> bool:
        return self.data_state != OFFSET_NO_DATA


def read_toc(reader: Reader, header: Header) -> list[TocEntry]:
    count = reader.read_int()
    if count < 0:
        raise ArchiveError(f"{reader.what}: negative TOC entry count")
    entries: list[TocEntry] = []
    for _ in range(count):
        dump_id = reader.read_int()
        if dump_id <= 0:
            raise ArchiveError(f"{reader.what}: TOC entry id {dump_id} out of range (corrupt TOC?)")
        had_dumper = reader.read_int()
        tableoid = reader.read_str()
        oid = reader.read_str()
        tag = reader.read_str()
        desc = reader.read_str()
        section = reader.read_int()
        defn = reader.read_str()
        drop_stmt = reader.read_str()
        copy_stmt = reader.read_str()
        namespace = reader.read_str()
        tablespace = reader.read_str()
        tableam = reader.read_str()  # 1.14+
        relkind = reader.read_int() if header.version >= V1_16 else 0
        owner = reader.read_str()
        with_oids = reader.read_str()
        deps: list[bytes | None] = []
        while True:
            dep = reader.read_str()
            if dep is None:
                break
            deps.append(dep)
        entry = TocEntry(
            dump_id=dump_id,
            had_dumper=had_dumper,
            tableoid=tableoid,
            oid=oid,
            tag=tag,
            desc=desc,
            section=section,
            defn=defn,
            drop_stmt=drop_stmt,
            copy_stmt=copy_stmt,
            namespace=namespace,
            tablespace=tablespace,
            tableam=tableam,
            relkind=relkind,
            owner=owner,
            with_oids=with_oids,
            deps=deps,
        )
        if header.format is ArchiveFormat.CUSTOM:
            entry.data_state, entry.data_pos = reader.read_offset()
        elif header.format in (ArchiveFormat.TAR, ArchiveFormat.DIRECTORY):
            entry.filename = reader.read_str()
            entry.data_state = OFFSET_POS_SET if entry.filename else OFFSET_NO_DATA
        else:
            raise ArchiveError(
                f"{reader.what}: {header.format.name.lower()} archives are not supported"
            )
        entries.append(entry)
    return entries


def encode_toc(entries: list[TocEntry], header: Header) -> bytes:
    n = header.int_size
    out = [encode_int(len(entries), n)]
    for e in entries:
        out.append(encode_int(e.dump_id, n))
        out.append(encode_int(e.had_dumper, n))
        for value in (e.tableoid, e.oid, e.tag, e.desc):
            out.append(encode_str(value, n))
        out.append(encode_int(e.section, n))
        for value in (e.defn, e.drop_stmt, e.copy_stmt, e.namespace, e.tablespace, e.tableam):
            out.append(encode_str(value, n))
        if header.version >= V1_16:
            out.append(encode_int(e.relkind, n))
        out.append(encode_str(e.owner, n))
        out.append(encode_str(e.with_oids, n))
        for dep in e.deps:
            out.append(encode_str(dep, n))
        out.append(encode_str(None, n))
        if header.format is ArchiveFormat.CUSTOM:
            out.append(encode_offset(e.data_state, e.data_pos, header.off_size))
        else:
            out.append(encode_str(e.filename, n))
    return b"".join(out)


@dataclass
class Archive:
    header: Header
    entries: list[TocEntry]
    data_start: int  # offset of the first data block (custom) / end of toc.dat (directory)

    def by_id(self) -> dict[int, TocEntry]:
        return {e.dump_id: e for e in self.entries}


def read_archive_head(reader: Reader) -> Archive:
    """Header and TOC; the reader is left at the first data block."""
    header = read_header(reader)
    entries = read_toc(reader, header)
    return Archive(header, entries, reader.pos)


def read_toc_file(path: str | os.PathLike[str]) -> Archive:
    """A directory archive's ``toc.dat``."""
    with open(path, "rb") as fh:
        reader = Reader(fh)
        reader.what = os.fspath(path)
        archive = read_archive_head(reader)
        if archive.header.format not in (ArchiveFormat.TAR, ArchiveFormat.DIRECTORY):
            raise ArchiveError(f"{path}: not the TOC of a directory archive")
        return archive


# --------------------------------------------------------------------------- COPY statements


def parse_copy_stmt(stmt: str) -> tuple[str | None, str, tuple[str, ...]]:
    """``COPY schema.table (a, "B") FROM stdin;`` -> (schema, table, columns).

    The statement is lexed like SQL (quoted identifiers may hold newlines, quotes,
    parentheses or ``FROM stdin``); any other form is an error, never a guess.
    """
    from dataops.anonymize.formats.sqlscan import CopyFormError, copy_from_stdin

    try:
        parsed = copy_from_stdin(stmt)
    except CopyFormError as exc:
        raise ArchiveError(f"{exc}: {stmt.strip()[:200]!r}") from None
    if parsed is None:
        raise ArchiveError(f"cannot parse COPY statement: {stmt.strip()[:200]!r}")
    return parsed.schema, parsed.table, parsed.columns


# --------------------------------------------------------------------------- custom-format data


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
