"""Faker-backed transforms: ``fake`` and ``email``.

Faker produces about 14,000 values per second, far too slow to call per row.  So
each (provider, locale, args, pool size) gets a *pool* of values generated once
with a fixed seed; a value is replaced by the pool entry its keyed hash points
at.  Pools depend only on those parameters (and the installed Faker version),
never on the data or the secret, so the mapping is deterministic.
"""

from __future__ import annotations

import base64
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
from typing import TYPE_CHECKING, Any

from dataops.anonymize import poolcache, speedups
from dataops.anonymize.transforms.base import (
    TEXT,
    BuildContext,
    Family,
    Kernel,
    Keyed,
    Output,
    Param,
    ParamError,
    TransformSpec,
    TypeMismatch,
    ValueFn,
    int_range,
    needs_escape,
    register,
)

if TYPE_CHECKING:
    from dataops.anonymize.coltypes import ColType

DEFAULT_POOL_SIZE = 2048
MIN_FITTING_POOL = 16  # a fake pool cut down to fit a column keeps at least this many values
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


_fit_lock = threading.Lock()
_fitting: dict[tuple[str, str, str, int, ColType], tuple[list[str], int, str]] = {}


def fitting_pool(
    provider: str, locale: str, args: Any, size: int, col: ColType | None
) -> tuple[list[str], int, str]:
    """The pool cut down to the values ``col`` accepts: (values, distinct values in the
    whole pool, why values were dropped -- '' when none were)."""
    values = pool(provider, locale, args, size)
    if col is None:
        return values, len(set(values)), ""
    from dataops.anonymize.checkexpr import CannotEvaluate
    from dataops.anonymize.typeinput import value_problem

    cache_key = (provider, locale, json.dumps(args, sort_keys=True, default=str), size, col)
    with _fit_lock:
        hit = _fitting.get(cache_key)
    if hit is not None:
        return hit
    kept: list[str] = []
    reason = ""
    try:
        for v in values:
            problem = value_problem(col, v)
            if problem:
                reason = reason or f"{v!r}: {problem}"
            else:
                kept.append(v)
    except CannotEvaluate as exc:
        kept, reason = [], f"cannot evaluate the domain's CHECK: {exc}"
    result = (kept if reason else values, len(set(values)), reason)
    with _fit_lock:
        _fitting[cache_key] = result
    return result


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

    def _pool(self, spec: TransformSpec, ctx: BuildContext) -> list[str]:
        locale = spec.params.get("locale") or ctx.default_locale
        return fitting_pool(
            spec.params["provider"],
            locale,
            spec.params.get("args"),
            spec.params["pool_size"],
            ctx.coltype,
        )[0]

    def produces(self, spec: TransformSpec, col: ColType) -> Output:
        locale = spec.params.get("locale") or "en_US"
        kept, distinct, reason = fitting_pool(
            spec.params["provider"], locale, spec.params.get("args"), spec.params["pool_size"], col
        )
        provider = spec.params["provider"]
        need = min(MIN_FITTING_POOL, distinct)
        if len(set(kept)) < need:
            raise TypeMismatch(
                f"{provider} produces values that do not fit (e.g. {reason}); only "
                f"{len(set(kept))} of {distinct} distinct pool values fit (at least {need} needed)",
                "choose a provider whose values fit the column, or use choice",
            )
        what = f"{provider} values" + (
            f" ({len(kept)} of the pool's {spec.params['pool_size']} fit)" if reason else ""
        )
        return Output(
            what,
            frozenset(),
            values=tuple(dict.fromkeys(kept)),
            type_key=col.describe() if reason else "",
        )

    def output_safe(self, spec: TransformSpec, ctx: BuildContext) -> bool:
        return not any(needs_escape(v) for v in self._pool(spec, ctx))

    def build_fast(self, spec: TransformSpec, key: bytes, ctx: BuildContext) -> ValueFn | None:
        return self.build(spec, key, ctx) if self.output_safe(spec, ctx) else None

    def build(self, spec: TransformSpec, key: bytes, ctx: BuildContext) -> ValueFn:
        values = [ctx.encode_new(v) for v in self._pool(spec, ctx)]
        n = len(values)
        size = _index_bytes(n)
        blake = hashlib.blake2b

        def fn(value: bytes) -> bytes:
            return values[int.from_bytes(blake(key + value, digest_size=size).digest()) % n]

        return fn

    def build_kernel(self, spec: TransformSpec, key: bytes, ctx: BuildContext) -> Kernel | None:
        if not self.output_safe(spec, ctx):
            return None
        values = [ctx.encode_new(v) for v in self._pool(spec, ctx)]
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

    def produces(self, spec: TransformSpec, col: ColType) -> Output:
        if col.category != "text":
            raise TypeMismatch("produces email addresses (text)", "use keep, null or choice")
        limit = col.length
        keep = spec.params["domain"] == "keep"
        tag = _tag_chars(spec, limit)
        fixed = tag + (len("@a.io") if keep else len(spec.params["domain"]) + 1)
        what = "addresses " + ("with the original domain" if keep else f"@{spec.params['domain']}")
        if limit is None:
            return Output(what, TEXT, None)
        if keep:
            raise TypeMismatch(
                "with domain: keep can exceed a length limit (the domains' lengths are only "
                "known in the data)",
                "give a fixed domain (e.g. domain: example.com)",
            )
        if limit < fixed:
            unique = "with unique: true " if spec.unique else ""
            raise TypeMismatch(
                f"{unique}needs at least {fixed} characters for its {tag}-character tag and "
                + ("a domain" if keep else f"@{spec.params['domain']}"),
                "use a shorter domain, a longer column, or tokenize (keeps the length)",
            )
        return Output(what + f" of at most {limit} characters", TEXT, limit, type_key=str(limit))

    def _names(self, spec: TransformSpec, ctx: BuildContext) -> list[bytes]:
        """The name pairs, shortened to what a ``varchar(n)`` leaves beside tag and domain
        (``domain: keep`` is refused on such columns)."""
        locale = spec.params.get("locale") or ctx.default_locale
        names = _name_pairs(locale)
        limit = ctx.coltype.length if ctx.coltype is not None else None
        if limit is None or spec.params["domain"] == "keep":
            return names
        room = limit - _tag_chars(spec, limit) - len(str(spec.params["domain"]).encode()) - 1
        return _shortened(locale, max(room, 0))

    def build_fast(self, spec: TransformSpec, key: bytes, ctx: BuildContext) -> ValueFn | None:
        # with domain: keep the domain comes from a value without escapes: still safe
        return self.build(spec, key, ctx)

    def build(self, spec: TransformSpec, key: bytes, ctx: BuildContext) -> ValueFn:
        names = self._names(spec, ctx)
        keep_domain = spec.params["domain"] == "keep"
        at_domain = b"@" + str(spec.params["domain"]).encode()
        tag_bytes = _tag_bytes(spec)
        limit = ctx.coltype.length if ctx.coltype is not None else None
        compact = _compact(spec, limit)
        blake = hashlib.blake2b

        def fn(value: bytes) -> bytes:
            d = blake(key + value, digest_size=16).digest()
            name = names[int.from_bytes(d[14:16]) % NAME_PAIRS]
            if compact:
                tag = base64.b32encode(d[:tag_bytes]).lower()
            else:
                tag = binascii.hexlify(d[:tag_bytes])
            if keep_domain:
                at = value.rfind(b"@")
                return name + tag + (value[at:] if 0 <= at < len(value) - 1 else b"@example.com")
            return name + tag + at_domain

        return fn

    def build_kernel(self, spec: TransformSpec, key: bytes, ctx: BuildContext) -> Kernel | None:
        limit = ctx.coltype.length if ctx.coltype is not None else None
        if spec.params["domain"] == "keep" or _compact(spec, limit):
            return None
        names = self._names(spec, ctx)
        at_domain = b"@" + str(spec.params["domain"]).encode()
        if speedups.enabled():
            return speedups.Email(key, names, _tag_bytes(spec), at_domain)
        table = {i.to_bytes(2): names[i % NAME_PAIRS] for i in range(1 << 16)}
        keyed = Keyed(key, 16)
        tag = operator.itemgetter(slice(0, _tag_bytes(spec)))
        pick = operator.itemgetter(slice(14, 16))
        hexlify = binascii.hexlify
        add = bytes.__add__

        def kernel(column: Sequence[bytes]) -> Iterable[bytes]:
            digests = list(keyed.digests(column))
            local = map(table.__getitem__, map(pick, digests))
            tags = map(hexlify, map(tag, digests))
            return map(add, map(add, local, tags), itertools.repeat(at_domain))

        return kernel


def _tag_bytes(spec: TransformSpec) -> int:
    return 10 if spec.unique else 3  # 20 / 6 hex digits


COMPACT_TAG = 16  # 80 bits in base32 (a-z, 2-7)


def _compact(spec: TransformSpec, limit: int | None) -> bool:
    """A unique tag written in base32 (16 characters instead of 20 hex digits): when a
    ``varchar(n)`` cannot hold the hex tag and the domain but can hold the compact one."""
    if not spec.unique or limit is None:
        return False
    domain = 5 if spec.params["domain"] == "keep" else len(str(spec.params["domain"])) + 1
    return limit < 2 * _tag_bytes(spec) + domain


def _tag_chars(spec: TransformSpec, limit: int | None) -> int:
    return COMPACT_TAG if _compact(spec, limit) else 2 * _tag_bytes(spec)


@functools.cache
def _shortened(locale: str, room: int) -> list[bytes]:
    """The name pairs cut to ``room`` bytes (ASCII): the name part shrinks, the tag stays."""
    return [n[:room] for n in _name_pairs(locale)]


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
