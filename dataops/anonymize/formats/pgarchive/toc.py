"""The head of a pg_dump archive: the header and the table of contents (TOC).

* **Header**: ``PGDMP``, version bytes (major, minor, revision), the sizes of an
  integer and of a file offset, the format byte (1 custom, 5 directory), the
  compression (1.14: an integer level, gzip when non-zero; 1.15+: one byte naming
  the algorithm), the creation time (seven integers), the database name, the
  server and pg_dump versions.  It is kept verbatim (:attr:`Header.raw`).
* **TOC**: a count, then per entry: dump id, had-dumper flag, table oid and oid
  (as strings), tag, desc, section, defn, drop statement, copy statement,
  namespace, tablespace, table access method (1.14+), relkind (1.16+, an
  integer), owner, the obsolete ``with oids`` string, the dependency ids (strings,
  NULL-terminated) and the format's extra data: the data offset (custom) or the
  data file name (directory).
"""

from __future__ import annotations

import enum
import os
from dataclasses import dataclass, field

from dataops.anonymize.formats.pgarchive.binary import (
    OFFSET_NO_DATA,
    OFFSET_POS_SET,
    ArchiveError,
    Reader,
    encode_int,
    encode_offset,
    encode_str,
)
from dataops.anonymize.formats.pgarchive.codecs import Compression

MAGIC = b"PGDMP"

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


class ArchiveFormat(enum.IntEnum):
    """The header's format byte.  A directory archive's ``toc.dat`` says TAR (3), as
    pg_dump writes it so; tar and directory TOCs both name a data file per entry."""

    CUSTOM = 1
    TAR = 3
    NULL = 4
    DIRECTORY = 5


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
