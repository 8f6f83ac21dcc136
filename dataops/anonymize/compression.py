"""``.gz`` / ``.zst`` input and output streams, chosen by file extension (input: by magic).

Outputs are reproducible: gzip headers carry no timestamp or file name.
"""

from __future__ import annotations

import gzip
import io
from pathlib import Path
from typing import IO, Any, BinaryIO, cast

import zstandard

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


def reader(raw: IO[bytes]) -> Any:
    """A buffered reader (``io.BufferedReader``) over ``raw``, decompressing gzip / zstd."""
    buffered: Any = (
        raw if isinstance(raw, io.BufferedReader) else io.BufferedReader(cast(Any, raw), BUFFER)
    )
    codec = sniff(buffered)
    if codec == "gzip":
        return io.BufferedReader(cast(Any, gzip.GzipFile(fileobj=buffered, mode="rb")), BUFFER)
    if codec == "zstd":
        dctx = zstandard.ZstdDecompressor()
        inner = dctx.stream_reader(buffered, read_size=BUFFER, read_across_frames=True)
        return io.BufferedReader(inner, BUFFER)
    return buffered


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

    def writable(self) -> bool:
        return True

    def write(self, data: bytes) -> int:  # type: ignore[override]
        self.inner.write(data)
        return len(data)

    def close(self) -> None:
        if not self.closed:
            self.inner.close()
            self.raw.flush()
        super().close()


def writer(raw: BinaryIO, codec: str | None) -> BinaryIO:
    """A buffered writer into ``raw``, compressing with ``codec``; close() it to finish."""
    if codec is None:
        return raw
    return cast(BinaryIO, io.BufferedWriter(_Compressed(raw, codec), BUFFER))
