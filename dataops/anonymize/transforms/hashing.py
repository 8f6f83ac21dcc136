"""Keyed-hash transforms: ``hash`` (hex digest) and ``uuid`` -- injective by construction."""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from typing import Any

from dataops.anonymize.transforms.base import (
    BuildContext,
    Family,
    Param,
    TransformSpec,
    ValueFn,
    int_range,
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

    def build(self, spec: TransformSpec, key: bytes, ctx: BuildContext) -> ValueFn:
        length = int(spec.params["length"])
        size = (length + 1) // 2
        prefix = ctx.encode_new(str(spec.params["prefix"]))
        blake = hashlib.blake2b

        def fn(value: bytes) -> bytes:
            return prefix + blake(value, key=key, digest_size=size).hexdigest()[:length].encode()

        return fn


class Uuid(Family):
    name = "uuid"
    summary = "a version-4-shaped UUID from the keyed hash (122 bits)"
    params = {}

    def can_be_unique(self, params: Mapping[str, Any]) -> str | None:
        return None

    def injective(self, spec: TransformSpec) -> bool:
        return True

    def build(self, spec: TransformSpec, key: bytes, ctx: BuildContext) -> ValueFn:
        blake = hashlib.blake2b

        def fn(value: bytes) -> bytes:
            d = bytearray(blake(value, key=key, digest_size=16).digest())
            d[6] = (d[6] & 0x0F) | 0x40
            d[8] = (d[8] & 0x3F) | 0x80
            h = d.hex()
            return f"{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:]}".encode()

        return fn


register(Hash())
register(Uuid())
