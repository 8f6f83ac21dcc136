"""A keyed permutation of ``[0, n)``: a balanced Feistel network with cycle-walking.

This is the construction behind ``tokenize`` and ``ip`` (format-preserving
encryption in the sense of FF1, NIST SP 800-38G, whose structure it follows; it
is not FF1 itself).  Why not an FF1/FF3-1 library: those work on numeral strings
of one radix with a minimum domain of 10^6 and a maximum length, while
``tokenize`` needs *mixed-radix* domains (each position keeps its own character
class), domains of any size from 2 up (a two-character code) and beyond 2^128 (a
long identifier), and the exact ranges of integer types.

Construction (documented so it can be reviewed and re-implemented):

* ``b`` = the bit length of ``n - 1``, rounded up to an even number (at least 2);
  a value is split into halves ``L`` and ``R`` of ``b/2`` bits each.
* 10 rounds (as FF1): ``L, R = R, L xor F_i(R)`` with the round function
  ``F_i(R) = BLAKE2b(K || tweak_len || tweak || i || R)`` truncated to ``b/2`` bits
  (longer outputs chain BLAKE2b blocks with a counter), where ``K`` is the
  transform's 64-byte key (keyed BLAKE2b is a PRF, so each round is a keyed
  pseudo-random function and Luby-Rackoff applies).
* The result is a permutation of ``[0, 2^b)``; *cycle-walking* (apply it again
  while the result is ``>= n``) turns it into a permutation of ``[0, n)``
  (``2^b < 4n``, so fewer than 4 steps on average).

Distinct inputs give distinct outputs by construction, at any domain size.  For
very small domains (a handful of values) a permutation hides little: that is the
nature of keeping the format, and the README says so.
"""

from __future__ import annotations

import hashlib

ROUNDS = 10


class Permutation:
    """``encrypt(x)`` for ``0 <= x < n``: a keyed bijection of ``[0, n)``."""

    def __init__(self, key: bytes, n: int, tweak: bytes = b"") -> None:
        if n < 1:
            raise ValueError("the domain must hold at least one value")
        self.n = n
        bits = max(2, (n - 1).bit_length())
        bits += bits % 2
        self.half = bits // 2
        self.mask = (1 << self.half) - 1
        self.nbytes = (self.half + 7) // 8
        header = key + len(tweak).to_bytes(4, "big") + tweak
        self.prefixes = [header + bytes([i]) for i in range(ROUNDS)]

    def _round(self, i: int, r: int) -> int:
        data = self.prefixes[i] + r.to_bytes(self.nbytes, "big")
        if self.nbytes <= 64:
            digest = hashlib.blake2b(data, digest_size=self.nbytes).digest()
        else:
            blocks = []
            for counter in range((self.nbytes + 63) // 64):
                blocks.append(hashlib.blake2b(data + counter.to_bytes(4, "big")).digest())
            digest = b"".join(blocks)[: self.nbytes]
        return int.from_bytes(digest, "big") & self.mask

    def _once(self, x: int) -> int:
        half, mask = self.half, self.mask
        left, right = x >> half, x & mask
        for i in range(ROUNDS):
            left, right = right, left ^ self._round(i, right)
        return (left << half) | right

    def encrypt(self, x: int) -> int:
        if not 0 <= x < self.n:
            raise ValueError("value outside the permutation's domain")
        if self.n == 1:
            return x
        y = self._once(x)
        while y >= self.n:
            y = self._once(y)
        return y
