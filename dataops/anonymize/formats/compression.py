"""``.gz`` / ``.zst`` input and output streams, chosen by file extension (input: by magic).

Outputs are reproducible: gzip headers carry no timestamp or file name.
"""

from __future__ import annotations

import contextlib
import gzip
import io
import zlib
from pathlib import Path
from typing import IO, Any, BinaryIO, cast

import zstandard

from dataops.errors import ConfigError

BUFFER = 1 << 20
GZIP_MAGIC = b"\x1f\x8b"
ZSTD_MAGIC = b"\x28\xb5\x2f\xfd"
GZIP_LEVEL = 6
ZSTD_LEVEL = 3


def codec_for(path: str | Path) -> str | None:
    """``gzip`` / ``zstd`` by the name's extension, else None."""
    name = str(path).lower()
    if name.endswith(".gz"):
        return "gzip"
    if name.endswith(".zst"):
        return "zstd"
    return None


def sniff(stream: Any) -> str | None:
    head = stream.peek(4)[:4]
    if head.startswith(GZIP_MAGIC):
        return "gzip"
    if head.startswith(ZSTD_MAGIC):
        return "zstd"
    return None


def reader(raw: IO[bytes], name: str = "input") -> Any:
    """A buffered reader (``io.BufferedReader``) over ``raw``, decompressing gzip / zstd.

    Corrupt or truncated compressed data raises :class:`~dataops.errors.ConfigError`
    naming ``name`` and the problem (never a raw zlib/zstd exception, never a silently
    shortened stream): a truncated input must not pass for a complete one.
    """
    buffered: Any = (
        raw if isinstance(raw, io.BufferedReader) else io.BufferedReader(cast(Any, raw), BUFFER)
    )
    codec = sniff(buffered)
    if codec == "gzip":
        return io.BufferedReader(_Checked(_GzipRaw(buffered), name, "gzip"), BUFFER)
    if codec == "zstd":
        return io.BufferedReader(_Checked(_ZstdRaw(buffered), name, "zstd"), BUFFER)
    return buffered


class _Checked(io.RawIOBase):
    """Turns decompression errors into one clear ConfigError naming the input."""

    def __init__(self, inner: io.RawIOBase, name: str, codec: str) -> None:
        super().__init__()
        self.inner = inner
        self.name_ = name
        self.codec = codec

    def readable(self) -> bool:
        return True

    def readinto(self, buf: Any) -> int:
        try:
            return self.inner.readinto(buf) or 0
        except ConfigError:
            raise
        except (gzip.BadGzipFile, EOFError, zlib.error, zstandard.ZstdError) as exc:
            raise ConfigError(f"{self.name_}: corrupt {self.codec} data: {exc}") from None


class _GzipRaw(io.RawIOBase):
    """gzip members one after another (as ``gzip -d``), an incomplete one an error."""

    def __init__(self, source: Any) -> None:
        super().__init__()
        self.source = source
        self.inner = gzip.GzipFile(fileobj=source, mode="rb")

    def readable(self) -> bool:
        return True

    def readinto(self, buf: Any) -> int:
        data = self.inner.read(len(buf))  # raises EOFError when the data ends early
        buf[: len(data)] = data
        return len(data)


class _ZstdRaw(io.RawIOBase):
    """zstd frames one after another; the input ending inside a frame is an error
    (zstandard's stream reader would just stop)."""

    def __init__(self, source: Any) -> None:
        super().__init__()
        self.source = source
        self.dctx = zstandard.ZstdDecompressor()
        self.dobj: Any = None
        self.out = b""
        self.at = 0  # read position in self.out
        self.done = False

    def readable(self) -> bool:
        return True

    def readinto(self, buf: Any) -> int:
        while self.at >= len(self.out) and not self.done:
            chunk = self.source.read1(BUFFER) if hasattr(self.source, "read1") else b""
            if not chunk:
                chunk = self.source.read(BUFFER)
            if not chunk:
                if self.dobj is not None and not self.dobj.eof:
                    raise EOFError("the data ends inside a frame (truncated)")
                self.done = True
                break
            self._feed(chunk)
        n = min(len(buf), len(self.out) - self.at)
        buf[:n] = memoryview(self.out)[self.at : self.at + n]
        self.at += n
        return n

    def _feed(self, chunk: bytes) -> None:
        parts = []
        while chunk:
            if self.dobj is None or self.dobj.eof:
                self.dobj = self.dctx.decompressobj()
            parts.append(self.dobj.decompress(chunk))
            chunk = self.dobj.unused_data if self.dobj.eof else b""
        self.out = b"".join(parts)
        self.at = 0


class _Compressed(io.RawIOBase):
    """A writable stream compressing into ``raw``; close() ends the stream (not ``raw``)."""

    def __init__(self, raw: BinaryIO, codec: str) -> None:
        super().__init__()
        self.raw = raw
        self.codec = codec
        self.inner: BinaryIO
        if codec == "gzip":
            self.inner = gzip.GzipFile(
                fileobj=raw, mode="wb", compresslevel=GZIP_LEVEL, mtime=0, filename=""
            )  # type: ignore[assignment]
        else:
            cctx = zstandard.ZstdCompressor(level=ZSTD_LEVEL)
            self.inner = cctx.stream_writer(raw, closefd=False)
        self.aborted = False

    def writable(self) -> bool:
        return True

    def write(self, data: bytes) -> int:  # type: ignore[override]
        if not self.aborted:
            self.inner.write(data)
        return len(data)

    def close(self) -> None:
        if not self.closed and not self.aborted:
            self.inner.close()
            self.raw.flush()
        super().close()


def abandon(stream: Any) -> None:
    """Close a :func:`writer` stream after a failure without writing anything more."""
    inner = getattr(stream, "raw", None)
    if isinstance(inner, _Compressed):
        inner.aborted = True
        if isinstance(inner.inner, gzip.GzipFile):
            inner.inner.fileobj = None  # no trailer, ever
        with contextlib.suppress(Exception):  # the stream is being thrown away
            stream.close()


def writer(raw: BinaryIO, codec: str | None) -> BinaryIO:
    """A buffered writer into ``raw``, compressing with ``codec``; close() it to finish."""
    if codec is None:
        return raw
    return cast(BinaryIO, io.BufferedWriter(_Compressed(raw, codec), BUFFER))
