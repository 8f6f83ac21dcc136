"""Keyed-hash transforms: ``hash`` (hex digest) and ``uuid`` -- injective by construction."""

from __future__ import annotations

import binascii
import hashlib
import operator
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from dataops.anonymize import speedups
from dataops.anonymize.transforms.base import (
    BuildContext,
    Family,
    Kernel,
    Keyed,
    Param,
    TransformSpec,
    ValueFn,
    int_range,
    needs_escape,
    register,
)

# distinct inputs collide with probability < n^2 / 2^(bits+1); 80 bits is plenty
MIN_UNIQUE_HEX = 20


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

    def output_safe(self, spec: TransformSpec, ctx: BuildContext) -> bool:
        return not needs_escape(str(spec.params["prefix"]))

    def build_fast(self, spec: TransformSpec, key: bytes, ctx: BuildContext) -> ValueFn | None:
        return self.build(spec, key, ctx) if self.output_safe(spec, ctx) else None

    def build(self, spec: TransformSpec, key: bytes, ctx: BuildContext) -> ValueFn:
        length = int(spec.params["length"])
        size = (length + 1) // 2
        prefix = ctx.encode_new(str(spec.params["prefix"]))
        blake = hashlib.blake2b

        def fn(value: bytes) -> bytes:
            return prefix + blake(key + value, digest_size=size).hexdigest()[:length].encode()

        return fn

    def build_kernel(self, spec: TransformSpec, key: bytes, ctx: BuildContext) -> Kernel | None:
        if not self.output_safe(spec, ctx):
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

    def build_fast(self, spec: TransformSpec, key: bytes, ctx: BuildContext) -> ValueFn | None:
        return self.build(spec, key, ctx)

    def build(self, spec: TransformSpec, key: bytes, ctx: BuildContext) -> ValueFn:
        blake = hashlib.blake2b

        def fn(value: bytes) -> bytes:
            d = bytearray(blake(key + value, digest_size=16).digest())
            d[6] = (d[6] & 0x0F) | 0x40
            d[8] = (d[8] & 0x3F) | 0x80
            x = d.hex()
            return f"{x[:8]}-{x[8:12]}-{x[12:16]}-{x[16:20]}-{x[20:]}".encode()

        return fn


register(Hash())
register(Uuid())
