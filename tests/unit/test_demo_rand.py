"""Keyed hashing and bijections: stable on every machine, unique by construction."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from dataops.demo.rand import Permutation, Stream, derive_int, derive_key, mixed_radix


def test_keys_and_words_are_stable() -> None:
    # Fixed values: a change here changes every generated database.
    assert derive_key(42, "customers", "email").hex() == "e01fbd8a6dfac7e8ebc49bbe9fe4743b"
    assert derive_key(1, "ab", "c") != derive_key(1, "a", "bc")  # length-prefixed parts
    stream = Stream(derive_key(42, "customers", "email", "pick"))
    assert stream.words(range(3)) == [stream.word(0), stream.word(1), stream.word(2)]
    assert stream.words(range(250, 260)) == stream.words(list(range(250, 260)))
    assert derive_int("pool", "email") == int.from_bytes(derive_key("pool", "email")[:8], "little")
    assert Stream(derive_key("golden")).word(1000) == 0xB2300B0C0CBC3C19


@settings(max_examples=60, deadline=None)
@given(size=st.integers(1, 5000), seed=st.integers(0, 2**32), affine=st.booleans())
def test_permutation_is_a_bijection(size: int, seed: int, affine: bool) -> None:
    perm = Permutation(derive_key(seed), size, affine)
    assert sorted(perm.many(range(size))) == list(range(size))


def test_permutation_depends_on_key() -> None:
    a = Permutation(derive_key(1), 1000).many(range(20))
    b = Permutation(derive_key(2), 1000).many(range(20))
    assert a != b and a != list(range(20))


def test_below_is_uniform_enough() -> None:
    counts = [0] * 10
    for v in Stream(derive_key("u")).below(range(20000), 10):
        counts[v] += 1
    assert all(1800 < c < 2200 for c in counts)


@given(sizes=st.lists(st.integers(1, 20), min_size=1, max_size=4), data=st.data())
def test_mixed_radix_round_trip(sizes: list[int], data: st.DataObject) -> None:
    total = 1
    for s in sizes:
        total *= s
    index = data.draw(st.integers(0, total - 1))
    digits = mixed_radix(index, sizes)
    back, mult = 0, 1
    for d, s in zip(digits, sizes, strict=True):
        assert 0 <= d < s
        back += d * mult
        mult *= s
    assert back == index
