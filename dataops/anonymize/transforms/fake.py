"""Faker-backed transforms: ``fake`` and ``email``.

Faker produces about 14,000 values per second, far too slow to call per row.  So
each (provider, locale, args, pool size) gets a *pool* of values generated once
with a fixed seed; a value is replaced by the pool entry its keyed hash points
at.  Pools depend only on those parameters (and the installed Faker version),
never on the data or the secret, so the mapping is deterministic.
"""

from __future__ import annotations

import binascii
import datetime as dt
import decimal
import functools
import hashlib
import itertools
import json
import operator
import threading
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from dataops.anonymize import poolcache, speedups
from dataops.anonymize.transforms.base import (
    BuildContext,
    Family,
    Kernel,
    Keyed,
    Param,
    ParamError,
    TransformSpec,
    ValueFn,
    int_range,
    needs_escape,
    register,
)

DEFAULT_POOL_SIZE = 2048
SMALL_INDEX_BYTES = 2  # pools up to 4096 entries are indexed by 16 keyed bits


def _index_bytes(pool_size: int) -> int:
    return SMALL_INDEX_BYTES if pool_size <= 4096 else 8


NAME_PAIRS = 4096
_lock = threading.Lock()
_pools: dict[tuple[str, str, str, int], list[str]] = {}


@functools.cache
def _faker(locale: str) -> Any:
    from faker import Faker

    return Faker(locale)


def check_locale(locale: str) -> str | None:
    cache = poolcache.current()
    if cache is not None and cache.get("locale", (locale,)) is not None:
        return None  # Faker accepted it before (same Faker version): no need to import it
    try:
        _faker(locale)
    except AttributeError:
        return f"unknown Faker locale {locale!r}"
    if cache is not None:
        cache.put("locale", (locale,), [])
    return None


def _pool_parts(provider: str, locale: str, args: Any, size: int) -> tuple[str, str, str, str]:
    return (provider, locale, json.dumps(args, sort_keys=True, default=str), str(size))


def _cached_pool(provider: str, locale: str, args: Any, size: int) -> list[str] | None:
    cache = poolcache.current()
    if cache is None:
        return None
    values = cache.get("pool", _pool_parts(provider, locale, args, size))
    return values if values is not None and len(values) == size else None


def _to_text(value: Any) -> str:
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "t" if value else "f"
    if isinstance(value, dt.datetime):
        return value.isoformat(sep=" ")
    if isinstance(value, dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, int | float | decimal.Decimal):
        return str(value)
    if isinstance(value, bytes):
        return value.decode("utf-8", "replace")
    if isinstance(value, list | tuple | dict):
        return json.dumps(value, default=str, ensure_ascii=False)
    return str(value)


def pool(provider: str, locale: str, args: Any = None, size: int = DEFAULT_POOL_SIZE) -> list[str]:
    """``size`` values of ``faker.<provider>(*args)``, generated once with a fixed seed."""
    args_key = json.dumps(args, sort_keys=True, default=str)
    key = (provider, locale, args_key, size)
    with _lock:
        cached = _pools.get(key)
        if cached is not None:
            return cached
        values = _cached_pool(provider, locale, args, size)
        if values is None:
            faker = _faker(locale)
            seed = int.from_bytes(
                hashlib.blake2b(repr(key).encode(), digest_size=8).digest(), "big"
            )
            faker.seed_instance(seed)
            method = getattr(faker, provider)
            if isinstance(args, dict):
                values = [_to_text(method(**args)) for _ in range(size)]
            elif isinstance(args, list):
                values = [_to_text(method(*args)) for _ in range(size)]
            else:
                values = [_to_text(method()) for _ in range(size)]
            cache = poolcache.current()
            if cache is not None:
                cache.put("pool", _pool_parts(provider, locale, args, size), values)
        _pools[key] = values
        return values


def _check_pool_size(value: Any) -> str | None:
    return int_range(1, 1_000_000)(value)


class FakeFamily(Family):
    name = "fake"
    summary = (
        "a value of Faker's `provider` (`args`, `locale`), from a pool of `pool_size` "
        "(default 2048) pre-generated values indexed by the keyed hash"
    )
    params = {
        "provider": Param((str,), required=True),
        "args": Param((list, dict), default=None),
        "locale": Param((str,), default=None),
        "pool_size": Param((int,), default=DEFAULT_POOL_SIZE, check=_check_pool_size),
    }

    def validate(self, params: Mapping[str, Any]) -> None:
        locale = params.get("locale") or "en_US"
        problem = check_locale(locale)
        if problem:
            raise ParamError("locale", problem)
        provider = params["provider"]
        if _cached_pool(provider, locale, params.get("args"), params["pool_size"]) is not None:
            return  # this very pool was drawn before: provider and args work
        if provider.startswith("_") or not callable(getattr(_faker(locale), provider, None)):
            raise ParamError("provider", f"Faker has no provider {provider!r}")
        try:
            faker = _faker(locale)
            method = getattr(faker, provider)
            args = params.get("args")
            if isinstance(args, dict):
                method(**args)
            elif isinstance(args, list):
                method(*args)
            else:
                method()
        except Exception as exc:  # Faker raises anything on bad arguments
            raise ParamError("args", f"{provider}() fails with these args: {exc}") from None

    def output_safe(self, spec: TransformSpec, ctx: BuildContext) -> bool:
        locale = spec.params.get("locale") or ctx.default_locale
        values = pool(
            spec.params["provider"], locale, spec.params.get("args"), spec.params["pool_size"]
        )
        return not any(needs_escape(v) for v in values)

    def build_fast(self, spec: TransformSpec, key: bytes, ctx: BuildContext) -> ValueFn | None:
        return self.build(spec, key, ctx) if self.output_safe(spec, ctx) else None

    def build(self, spec: TransformSpec, key: bytes, ctx: BuildContext) -> ValueFn:
        locale = spec.params.get("locale") or ctx.default_locale
        values = [
            ctx.encode_new(v)
            for v in pool(
                spec.params["provider"], locale, spec.params.get("args"), spec.params["pool_size"]
            )
        ]
        n = len(values)
        size = _index_bytes(n)
        blake = hashlib.blake2b

        def fn(value: bytes) -> bytes:
            return values[int.from_bytes(blake(key + value, digest_size=size).digest()) % n]

        return fn

    def build_kernel(self, spec: TransformSpec, key: bytes, ctx: BuildContext) -> Kernel | None:
        if not self.output_safe(spec, ctx):
            return None
        locale = spec.params.get("locale") or ctx.default_locale
        values = [
            ctx.encode_new(v)
            for v in pool(
                spec.params["provider"], locale, spec.params.get("args"), spec.params["pool_size"]
            )
        ]
        n = len(values)
        size = _index_bytes(n)
        if speedups.enabled():
            return speedups.PoolPick(key, size, values)
        keyed = Keyed(key, size)
        if size == SMALL_INDEX_BYTES:  # one dict lookup per value: digest -> pool entry
            table = {i.to_bytes(size): values[i % n] for i in range(1 << (8 * size))}

            def small(column: Sequence[bytes]) -> Iterable[bytes]:
                return map(table.__getitem__, keyed.digests(column))

            return small

        def kernel(column: Sequence[bytes]) -> Iterable[bytes]:
            return map(values.__getitem__, keyed.indexes(column, n))

        return kernel


def _ascii_slug(text: str) -> str:
    folded = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    slug = "".join(c for c in folded.lower() if c.isalnum())
    return slug or "user"


def _domain(value: Any) -> str | None:
    if value == "keep":
        return None
    if not value or any(c.isspace() or c in "@,;<>\\\"'" for c in value):
        return "must be a domain name such as example.com, or keep"
    return None


class Email(Family):
    name = "email"
    summary = (
        "`first.last.tag@domain`: names from Faker pools, `tag` from the keyed hash "
        "(20 hex digits = 80 bits with `unique: true`, else 6); `domain` or `keep`"
    )
    params = {
        "domain": Param((str,), default="example.com", check=_domain),
        "locale": Param((str,), default=None),
    }
    unique_changes_output = True

    def validate(self, params: Mapping[str, Any]) -> None:
        problem = check_locale(params.get("locale") or "en_US")
        if problem:
            raise ParamError("locale", problem)

    def can_be_unique(self, params: Mapping[str, Any]) -> str | None:
        return None

    def injective(self, spec: TransformSpec) -> bool:
        return spec.unique

    def output_safe(self, spec: TransformSpec, ctx: BuildContext) -> bool:
        return bool(spec.params["domain"] != "keep")

    def build_fast(self, spec: TransformSpec, key: bytes, ctx: BuildContext) -> ValueFn | None:
        # with domain: keep the domain comes from a value without escapes: still safe
        return self.build(spec, key, ctx)

    def build(self, spec: TransformSpec, key: bytes, ctx: BuildContext) -> ValueFn:
        locale = spec.params.get("locale") or ctx.default_locale
        names = _name_pairs(locale)
        keep_domain = spec.params["domain"] == "keep"
        at_domain = b"@" + str(spec.params["domain"]).encode()
        tag_bytes = 10 if spec.unique else 3  # 20 / 6 hex digits
        blake = hashlib.blake2b

        def fn(value: bytes) -> bytes:
            d = blake(key + value, digest_size=16).digest()
            local = names[int.from_bytes(d[14:16]) % NAME_PAIRS] + binascii.hexlify(d[:tag_bytes])
            if keep_domain:
                at = value.rfind(b"@")
                return local + (value[at:] if 0 <= at < len(value) - 1 else b"@example.com")
            return local + at_domain

        return fn

    def build_kernel(self, spec: TransformSpec, key: bytes, ctx: BuildContext) -> Kernel | None:
        if spec.params["domain"] == "keep":
            return None
        locale = spec.params.get("locale") or ctx.default_locale
        names = _name_pairs(locale)
        at_domain = b"@" + str(spec.params["domain"]).encode()
        if speedups.enabled():
            return speedups.Email(key, names, 10 if spec.unique else 3, at_domain)
        table = {i.to_bytes(2): names[i % NAME_PAIRS] for i in range(1 << 16)}
        keyed = Keyed(key, 16)
        tag = operator.itemgetter(slice(0, 10 if spec.unique else 3))
        pick = operator.itemgetter(slice(14, 16))
        hexlify = binascii.hexlify
        add = bytes.__add__

        def kernel(column: Sequence[bytes]) -> Iterable[bytes]:
            digests = list(keyed.digests(column))
            local = map(table.__getitem__, map(pick, digests))
            tags = map(hexlify, map(tag, digests))
            return map(add, map(add, local, tags), itertools.repeat(at_domain))

        return kernel


@functools.cache
def _name_pairs(locale: str) -> list[bytes]:
    """NAME_PAIRS ``first.last.`` prefixes, paired by a fixed permutation (data independent)."""
    firsts = [_ascii_slug(v) for v in pool("first_name", locale)]
    lasts = [_ascii_slug(v) for v in pool("last_name", locale)]
    return [
        f"{firsts[i % len(firsts)]}.{lasts[(i * 7919 + i // len(firsts)) % len(lasts)]}.".encode()
        for i in range(NAME_PAIRS)
    ]


register(FakeFamily())
register(Email())
