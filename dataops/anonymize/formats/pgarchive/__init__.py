"""Read and write pg_dump archives: the custom format (``-Fc``) and the TOC of the directory format.

The layout follows PostgreSQL's ``pg_backup_archiver.c`` / ``pg_backup_custom.c``
(archive versions 1.14 to 1.16); this is an independent implementation.  One module
per part of an archive, every public name importable from here:

* :mod:`.binary` -- integers, strings and offsets (:class:`Reader`, ``encode_*``) and
  :class:`ArchiveError`;
* :mod:`.codecs` -- the data's compression (:class:`Compression`, :func:`compressor`,
  :func:`decompressor`);
* :mod:`.toc` -- the archive's head: :class:`Header` and the table of contents
  (:class:`TocEntry`, :class:`Archive`, :func:`read_archive_head`,
  :func:`read_toc_file`, :func:`parse_copy_stmt`);
* :mod:`.blocks` -- a custom archive's data blocks after the TOC, read, copied and
  written (:func:`read_block_header`, :func:`copy_stream`, :class:`ChunkWriter`,
  :class:`CustomWriter`).

Strings are kept as bytes so that an archive of a database in any encoding
round-trips byte for byte.
"""

from __future__ import annotations

from dataops.anonymize.formats.pgarchive.binary import (
    OFFSET_NO_DATA,
    OFFSET_POS_NOT_SET,
    OFFSET_POS_SET,
    ArchiveError,
    Reader,
    encode_int,
    encode_offset,
    encode_str,
)
from dataops.anonymize.formats.pgarchive.blocks import (
    BLK_BLOBS,
    BLK_DATA,
    CHUNK_SIZE,
    ChunkWriter,
    CustomWriter,
    block_ends,
    copy_blobs,
    copy_stream,
    read_block_header,
    read_stream,
    skip_stream,
)
from dataops.anonymize.formats.pgarchive.codecs import (
    DEFAULT_LEVELS,
    Compression,
    Compressor,
    Decompressor,
    compressor,
    decompressor,
)
from dataops.anonymize.formats.pgarchive.toc import (
    MAGIC,
    MAX_VERSION,
    MIN_VERSION,
    SECTION_DATA,
    SECTION_NONE,
    SECTION_POST_DATA,
    SECTION_PRE_DATA,
    V1_14,
    V1_15,
    V1_16,
    Archive,
    ArchiveFormat,
    Header,
    TocEntry,
    build_header,
    encode_toc,
    make_version,
    parse_copy_stmt,
    read_archive_head,
    read_header,
    read_toc,
    read_toc_file,
)

__all__ = [
    "BLK_BLOBS",
    "BLK_DATA",
    "CHUNK_SIZE",
    "DEFAULT_LEVELS",
    "MAGIC",
    "MAX_VERSION",
    "MIN_VERSION",
    "OFFSET_NO_DATA",
    "OFFSET_POS_NOT_SET",
    "OFFSET_POS_SET",
    "SECTION_DATA",
    "SECTION_NONE",
    "SECTION_POST_DATA",
    "SECTION_PRE_DATA",
    "V1_14",
    "V1_15",
    "V1_16",
    "Archive",
    "ArchiveError",
    "ArchiveFormat",
    "ChunkWriter",
    "Compression",
    "Compressor",
    "CustomWriter",
    "Decompressor",
    "Header",
    "Reader",
    "TocEntry",
    "block_ends",
    "build_header",
    "compressor",
    "copy_blobs",
    "copy_stream",
    "decompressor",
    "encode_int",
    "encode_offset",
    "encode_str",
    "encode_toc",
    "make_version",
    "parse_copy_stmt",
    "read_archive_head",
    "read_block_header",
    "read_header",
    "read_stream",
    "read_toc",
    "read_toc_file",
    "skip_stream",
]
