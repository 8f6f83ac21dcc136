"""Keyed-hash transforms: ``hash`` (hex digest) and ``uuid`` -- injective by construction."""

from __future__ import annotations

import binascii
import hashlib
import operator
from collections.abc import Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, Any

from dataops.anonymize import speedups
from dataops.anonymize.transforms.base import (
    TEXT,
    BuildContext,
    Family,
    Kernel,
    Keyed,
    Output,
    Param,
    TransformSpec,
    TypeMismatch,
    ValueFn,
    int_range,
    needs_escape,
    register,
)

if TYPE_CHECKING:
    from dataops.anonymize.coltypes import ColType

# distinct inputs collide with probability < n^2 / 2^(bits+1); 80 bits is plenty
MIN_UNIQUE_HEX = 20
MIN_UNIQUE_BITS = 4 * MIN_UNIQUE_HEX


def _mode(col: ColType | None) -> str:
    """hex (text), int (integer columns: integers in the type's range) or uuid."""
    if col is None:
        return "hex"
    if col.category == "uuid":
        return "uuid"
    if col.category in ("integer", "numeric"):
        return "int"
    return "hex"


def _int_top(col: ColType) -> int:
    rng = col.int_range
    return rng[1] if rng is not None else 2**63 - 1


def _format_uuid(d: bytes) -> bytes:
    x = d.hex()
    return f"{x[:8]}-{x[8:12]}-{x[12:16]}-{x[16:20]}-{x[20:]}".encode()


class Hash(Family):
    name = "hash"
    summary = "hex keyed BLAKE2b of the value (`length` hex digits, default 32; optional `prefix`)"
    params = {
        "length": Param((int,), default=32, check=int_range(4, 128)),
        "prefix": Param((str,), default=""),
    }

    def can_be_unique(self, params: Mapping[str, Any]) -> str | None:
        if params["length"] < MIN_UNIQUE_HEX:
            return f"hash with unique: true needs length >= {MIN_UNIQUE_HEX}"
        return None

    def injective(self, spec: TransformSpec) -> bool:
        return bool(spec.params["length"] >= MIN_UNIQUE_HEX)

    def injective_on(self, spec: TransformSpec, col: ColType) -> bool:
        mode = _mode(col)
        if mode == "uuid":
            return True
        if mode == "int":
            return _int_top(col).bit_length() >= MIN_UNIQUE_BITS
        return self.injective(spec)

    def produces(self, spec: TransformSpec, col: ColType) -> Output:
        mode = _mode(col)
        prefix = str(spec.params["prefix"])
        if mode == "uuid":
            return Output("UUIDs (128 keyed bits)", frozenset({"uuid"}), type_key="uuid")
        if mode == "int":
            if prefix:
                raise TypeMismatch(
                    f"with prefix {prefix!r} produces text", "remove the prefix on integer columns"
                )
            top = _int_top(col)
            if spec.unique and top.bit_length() < MIN_UNIQUE_BITS:
                raise TypeMismatch(
                    f"with unique: true needs {MIN_UNIQUE_BITS} bits for an honest collision "
                    f"bound, and the type's range keeps {top.bit_length()}",
                    "use tokenize (a keyed permutation of the type's range: unique by construction)",
                )
            return Output(
                f"integers 0..{top}",
                frozenset({"integer", "numeric"}),
                len(str(top)),
                type_key=f"int:{top}",
            )
        length = int(spec.params["length"])
        limit = col.length
        hint = ""
        if limit is not None and limit < length + len(prefix):
            room = limit - len(prefix)
            if spec.unique and room < MIN_UNIQUE_HEX:
                hint = (
                    f"unique: true needs length >= {MIN_UNIQUE_HEX}; use tokenize (keeps the "
                    "length, unique by construction)"
                )
            elif room >= 4:
                hint = f"use length: {room} or less"
            else:
                hint = "use tokenize or mask (they keep the length)"
        what = f"{length} hex characters" + (f" after the prefix {prefix!r}" if prefix else "")
        return Output(what, TEXT, length + len(prefix), hint=hint)

    def output_safe(self, spec: TransformSpec, ctx: BuildContext) -> bool:
        if _mode(ctx.coltype) != "hex":
            return True
        return not needs_escape(str(spec.params["prefix"]))

    def build_fast(self, spec: TransformSpec, key: bytes, ctx: BuildContext) -> ValueFn | None:
        return self.build(spec, key, ctx) if self.output_safe(spec, ctx) else None

    def build(self, spec: TransformSpec, key: bytes, ctx: BuildContext) -> ValueFn:
        mode = _mode(ctx.coltype)
        if mode == "uuid":
            return _uuid_fn(key, full=True)
        if mode == "int":
            assert ctx.coltype is not None
            modulus = _int_top(ctx.coltype) + 1
            size = min(64, (modulus.bit_length() + 7) // 8 + 8)
            blake_int = hashlib.blake2b

            def int_fn(value: bytes) -> bytes:
                d = blake_int(key + value, digest_size=size).digest()
                return str(int.from_bytes(d) % modulus).encode()

            return int_fn
        length = int(spec.params["length"])
        size = (length + 1) // 2
        prefix = ctx.encode_new(str(spec.params["prefix"]))
        blake = hashlib.blake2b

        def fn(value: bytes) -> bytes:
            return prefix + blake(key + value, digest_size=size).hexdigest()[:length].encode()

        return fn

    def build_kernel(self, spec: TransformSpec, key: bytes, ctx: BuildContext) -> Kernel | None:
        if _mode(ctx.coltype) != "hex" or not self.output_safe(spec, ctx):
            return None
        length = int(spec.params["length"])
        prefix = ctx.encode_new(str(spec.params["prefix"]))
        if speedups.enabled():
            return speedups.HexDigest(key, (length + 1) // 2, length, prefix)
        keyed = Keyed(key, (length + 1) // 2)
        cut = operator.itemgetter(slice(0, length))
        hexlify = binascii.hexlify

        def kernel(values: Sequence[bytes]) -> Iterable[bytes]:
            out = map(hexlify, keyed.digests(values))
            if length % 2:
                out = map(cut, out)
            return map(prefix.__add__, out) if prefix else out

        return kernel


class Uuid(Family):
    name = "uuid"
    summary = "a version-4-shaped UUID from the keyed hash (122 bits)"
    params = {}

    def can_be_unique(self, params: Mapping[str, Any]) -> str | None:
        return None

    def injective(self, spec: TransformSpec) -> bool:
        return True

    def output_safe(self, spec: TransformSpec, ctx: BuildContext) -> bool:
        return True

    def produces(self, spec: TransformSpec, col: ColType) -> Output:
        return Output(
            "UUIDs (36 characters)",
            frozenset({"uuid", "text"}),
            36,
            hint="a UUID needs 36 characters",
        )

    def build_fast(self, spec: TransformSpec, key: bytes, ctx: BuildContext) -> ValueFn | None:
        return self.build(spec, key, ctx)

    def build(self, spec: TransformSpec, key: bytes, ctx: BuildContext) -> ValueFn:
        return _uuid_fn(key, full=False)


def _uuid_fn(key: bytes, *, full: bool) -> ValueFn:
    """A UUID from the keyed hash: version-4-shaped (122 bits) or all 128 bits (hash)."""
    blake = hashlib.blake2b

    def fn(value: bytes) -> bytes:
        d = bytearray(blake(key + value, digest_size=16).digest())
        if not full:
            d[6] = (d[6] & 0x0F) | 0x40
            d[8] = (d[8] & 0x3F) | 0x80
        return _format_uuid(bytes(d))

    return fn


register(Hash())
register(Uuid())
