"""The compression of pg_dump archive data: gzip (zlib), lz4 and zstd streams.

A custom archive's data blocks hold bare zlib streams (gzip) or lz4/zstd frames; a
directory archive's data files are whole ``.gz`` / ``.lz4`` / ``.zst`` files.  Every
codec error is an :class:`~dataops.anonymize.formats.pgarchive.binary.ArchiveError`.
"""

from __future__ import annotations

import enum
import zlib
from collections.abc import Callable
from typing import Any, Protocol

import lz4.frame
import zstandard

from dataops.anonymize.formats.pgarchive.binary import ArchiveError


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
