"""Deterministic randomness: every value is a keyed hash of (seed, table, column, row).

There is no shared random stream.  :func:`derive_key` turns a tuple of names into
a 16-byte key (BLAKE2b over length-prefixed parts); :class:`Stream` gives the
64-bit word of any row under that key, computed in blocks with SHAKE-128
(``word(r) = SHAKE128(key || r // BLOCK)[r % BLOCK]``) so that a whole batch of
rows costs one hash per 256 rows.  The same key and row give the same word on
every machine (explicit little-endian decoding, no ``hash()``, no floats).

:class:`Permutation` is a keyed bijection of ``[0, size)`` (a Feistel network
with cycle walking): applied to row numbers it yields distinct indexes, which is
how unique columns are built without retrying.
"""

from __future__ import annotations

import hashlib
import math
import struct
from collections.abc import Sequence

BLOCK = 256
_BLOCK_FMT = struct.Struct(f"<{BLOCK}Q")
MASK64 = (1 << 64) - 1
TWO64 = 1 << 64


def _encode(part: str | int | bytes) -> bytes:
    if isinstance(part, bytes):
        raw = b"b" + part
    elif isinstance(part, int):
        raw = b"i" + str(part).encode()
    else:
        raw = b"s" + part.encode("utf-8")
    return len(raw).to_bytes(4, "little") + raw


def derive_key(*parts: str | int | bytes) -> bytes:
    """A 16-byte key for a purpose, e.g. ``derive_key(seed, "orders", "total")``."""
    h = hashlib.blake2b(digest_size=16, person=b"dataops-demo")
    for part in parts:
        h.update(_encode(part))
    return h.digest()


def derive_int(*parts: str | int | bytes) -> int:
    """A 64-bit integer derived from ``parts`` (e.g. a Faker seed)."""
    return int.from_bytes(derive_key(*parts)[:8], "little")


class Stream:
    """The keyed 64-bit word of every row number."""

    __slots__ = ("_cache", "key")

    def __init__(self, key: bytes) -> None:
        self.key = key
        self._cache: dict[int, tuple[int, ...]] = {}

    def _block(self, number: int) -> tuple[int, ...]:
        block = self._cache.get(number)
        if block is None:
            digest = hashlib.shake_128(self.key + number.to_bytes(8, "little")).digest(8 * BLOCK)
            block = _BLOCK_FMT.unpack(digest)
            if len(self._cache) >= 64:
                self._cache.clear()
            self._cache[number] = block
        return block

    def word(self, row: int) -> int:
        return self._block(row // BLOCK)[row % BLOCK]

    def words(self, rows: Sequence[int]) -> list[int]:
        """Words for ``rows``; fastest for a ``range`` with step 1."""
        if isinstance(rows, range) and rows.step == 1:
            start, stop = rows.start, rows.stop
            if stop <= start:
                return []
            out: list[int] = []
            first, last = start // BLOCK, (stop - 1) // BLOCK
            for number in range(first, last + 1):
                block = self._block(number)
                lo = start - number * BLOCK if number == first else 0
                hi = stop - number * BLOCK if number == last else BLOCK
                out.extend(block[lo:hi] if (lo, hi) != (0, BLOCK) else block)
            return out
        block_of = self._block
        return [block_of(r // BLOCK)[r % BLOCK] for r in rows]

    def below(self, rows: Sequence[int], n: int) -> list[int]:
        """Uniform integers in ``[0, n)`` for each row."""
        if n <= 1:
            return [0] * len(rows)
        return [(w * n) >> 64 for w in self.words(rows)]


def key_int(key: bytes) -> int:
    return int.from_bytes(key[:8], "little")


def mix64(x: int) -> int:
    """A 64-bit finalizer (MurmurHash3's fmix64): a bijection with good avalanche."""
    return _mix(x & MASK64)


def _mix(x: int) -> int:
    x = ((x ^ (x >> 33)) * 0xFF51AFD7ED558CCD) & MASK64
    x = ((x ^ (x >> 33)) * 0xC4CEB9FE1A85EC53) & MASK64
    return x ^ (x >> 33)


class Permutation:
    """A keyed bijection of ``[0, size)`` onto itself.

    On ``n = bit_length(size - 1)`` bits, ``x -> fmix(x ^ k)`` (odd multiplies and
    xor-shifts, each a bijection modulo ``2**n``) permutes ``[0, 2**n)``; cycle
    walking (re-applying until the result is below ``size``) restricts it to
    ``[0, size)`` and stays a bijection.  ``2**n < 2 * size``, so fewer than two
    steps are needed on average.
    """

    __slots__ = ("_a", "_b", "_k1", "_k2", "_m1", "_m2", "_mask", "_shift", "affine", "size")

    def __init__(self, key: bytes | int, size: int, affine: bool = False) -> None:
        if size < 1:
            raise ValueError("permutation of an empty range")
        self.size = size
        self.affine = affine
        base = key_int(key) if isinstance(key, bytes) else key & MASK64
        bits = max(1, (size - 1).bit_length())
        self._mask = (1 << bits) - 1
        self._shift = max(1, (bits + 1) // 2)
        self._a = self._b = 0
        if affine:
            # x -> (a*x + b) mod size with gcd(a, size) = 1: one multiply per value,
            # for domains whose order is already random (Faker pools)
            a = _mix(base ^ 0x5851F42D4C957F2D) % size or 1
            while math.gcd(a, size) != 1:
                a = (a + 1) % size or 1
            self._a, self._b = a, _mix(base ^ 0x2545F4914F6CDD1D) % size
            self._k1 = self._k2 = self._m1 = self._m2 = 0
            return
        self._k1 = _mix(base) & self._mask
        self._k2 = _mix(base ^ 0x9E3779B97F4A7C15) & self._mask
        self._m1 = _mix(base + 1) & self._mask | 1
        self._m2 = _mix(base + 2) & self._mask | 1

    def __call__(self, x: int) -> int:
        return self.many((x,))[0]

    def many(self, xs: Sequence[int]) -> list[int]:
        size, mask, shift = self.size, self._mask, self._shift
        k1, k2, m1, m2 = self._k1, self._k2, self._m1, self._m2
        if size == 1:
            return [0] * len(xs)
        if self.affine:
            a, b = self._a, self._b
            return [(a * x + b) % size for x in xs]
        out: list[int] = []
        append = out.append
        for x in xs:
            while True:
                x = ((x ^ k1) * m1) & mask
                x ^= x >> shift
                x = ((x + k2) * m2) & mask
                x ^= x >> shift
                if x < size:
                    break
            append(x)
        return out


def mixed_radix(index: int, sizes: Sequence[int]) -> list[int]:
    """Digits of ``index`` in the mixed radix ``sizes`` (first digit least significant)."""
    digits = []
    for size in sizes:
        index, digit = divmod(index, size)
        digits.append(digit)
    return digits
