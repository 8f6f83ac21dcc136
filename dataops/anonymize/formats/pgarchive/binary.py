"""pg_dump archive primitives: integers, strings and offsets, read and encoded.

* **Integers** are a sign byte followed by ``int_size`` little-endian magnitude
  bytes; **strings** are an integer length (-1 for NULL) and the bytes;
  **offsets** are a flag byte (1 not set, 2 set, 3 no data) and ``off_size``
  little-endian bytes.

Strings are kept as bytes so that an archive of a database in any encoding
round-trips byte for byte.
"""

from __future__ import annotations

import struct
from collections.abc import Iterator
from typing import BinaryIO

from dataops.anonymize.speedups import chunk_spans
from dataops.errors import ConfigError

OFFSET_POS_NOT_SET = 1
OFFSET_POS_SET = 2
OFFSET_NO_DATA = 3


class ArchiveError(ConfigError):
    """The input is not a readable pg_dump archive (exit 2)."""


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
