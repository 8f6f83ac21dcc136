"""A keyed permutation of ``[0, n)``: a balanced Feistel network with cycle-walking.

This is the construction behind ``tokenize`` and ``ip`` (format-preserving
encryption in the sense of FF1, NIST SP 800-38G, whose structure it follows; it
is not FF1 itself).  Why not an FF1/FF3-1 library: those work on numeral strings
of one radix with a minimum domain of 10^6 and a maximum length, while
``tokenize`` needs *mixed-radix* domains (each position keeps its own character
class), domains of any size from 2 up (a two-character code) and beyond 2^128 (a
long identifier), and the exact ranges of integer types.

Construction (documented so it can be reviewed and re-implemented):

* ``b`` = the bit length of ``n - 1`` (at least 1); a value is split as FF1 splits
  odd lengths: ``A`` = its high ``u = b // 2`` bits, ``B`` = its low ``v = b - u`` bits.
* 10 rounds (as FF1), an alternating Feistel network: in round ``i`` (A has ``m`` bits,
  ``m = u`` for even ``i``, ``v`` for odd), ``C = A xor F_i(B)`` truncated to ``m`` bits,
  then ``A, B = B, C``; after the 10 rounds the value is ``A * 2^v + B`` again.  The
  round function is ``F_i(B) = BLAKE2b(K || len(tweak) || tweak || i || B)`` (``B`` as a
  fixed number of big-endian bytes; outputs longer than 64 bytes chain BLAKE2b blocks
  with a counter), ``K`` the transform's 64-byte key: keyed BLAKE2b is a PRF, so each
  round is a keyed pseudo-random function and Luby-Rackoff applies.
* The result is a permutation of ``[0, 2^b)``; *cycle-walking* (apply it again while
  the result is ``>= n``) turns it into a permutation of ``[0, n)`` (``2^b < 2n``, so
  fewer than 2 steps on average).

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
        bits = max(1, (n - 1).bit_length())
        self.u = bits // 2
        self.v = bits - self.u
        self.in_bytes = (self.v + 7) // 8  # B is at most v bits
        header = key + len(tweak).to_bytes(4, "big") + tweak
        self.prefixes = [header + bytes([i]) for i in range(ROUNDS)]
        # per round: (prefix, mask of A's bits, bytes of F's output)
        self.rounds = [
            (self.prefixes[i], (1 << m) - 1, max(1, (m + 7) // 8))
            for i, m in enumerate(self.u if i % 2 == 0 else self.v for i in range(ROUNDS))
        ]
        self.wide = any(nbytes > 64 for _, _, nbytes in self.rounds)

    def _round(self, i: int, b: int) -> int:
        prefix, mask, nbytes = self.rounds[i]
        data = prefix + b.to_bytes(self.in_bytes, "big")
        blocks = [
            hashlib.blake2b(data + counter.to_bytes(4, "big")).digest()
            for counter in range((nbytes + 63) // 64)
        ]
        return int.from_bytes(b"".join(blocks)[:nbytes], "big") & mask

    def _once(self, x: int) -> int:
        v = self.v
        a, b = x >> v, x & ((1 << v) - 1)
        if self.wide:  # round outputs beyond one BLAKE2b digest (domains over 2^1024)
            for i in range(ROUNDS):
                a, b = b, a ^ self._round(i, b)
            return (a << v) | b
        blake = hashlib.blake2b
        from_bytes = int.from_bytes
        in_bytes = self.in_bytes
        for prefix, mask, nbytes in self.rounds:
            digest = blake(prefix + b.to_bytes(in_bytes, "big"), digest_size=nbytes).digest()
            a, b = b, a ^ (from_bytes(digest, "big") & mask)
        return (a << v) | b

    def encrypt(self, x: int) -> int:
        if not 0 <= x < self.n:
            raise ValueError("value outside the permutation's domain")
        if self.n == 1:
            return x
        y = self._once(x)
        while y >= self.n:
            y = self._once(y)
        return y
