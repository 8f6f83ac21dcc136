"""Faker value pools: generated once per (provider, locale, args), then indexed.

Faker produces about 14,000 values a second per core, so the loader never calls
it per row.  A :class:`Pool` holds ``size`` values drawn from a Faker instance
seeded with an integer derived from (provider, locale, args, size), independent
of the spec's seed, so the same pool comes out on every machine.  Rows pick pool
entries by a keyed hash (:mod:`dataops.demo.rand`).

For ``unique`` columns a pool offers a :class:`PoolDomain`: its distinct values,
and, when the provider's space is *open* (few repeats in the pool: emails, user
names), decorated variants (``jane.doe+2@example.org``, ``jsmith_2``) so that more
rows than pool entries still get distinct values by construction.  A *closed*
provider (``state_abbr``: the pool saturates) has exactly its distinct values,
and asking for more unique rows than that is a configuration error.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import os
import re
import time
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

from dataops.demo.rand import derive_int
from dataops.fakerpool import PoolCache, cache_dir

log = logging.getLogger(__name__)

DEFAULT_POOL_SIZE = 4096
OPEN_RATIO = 0.5  # distinct/drawn above this: the provider's space is much larger than the pool

# Faker attributes that are not value generators.
_NOT_PROVIDERS = frozenset(
    {
        "seed", "seed_instance", "seed_locale", "add_provider", "get_providers", "provider",
        "set_formatter", "get_formatter", "format", "parse", "set_arguments", "get_arguments",
        "del_arguments", "unique", "optional", "random", "factories", "locales", "weights",
        "items", "xml", "image", "tar", "zip", "binary", "enum", "pystruct", "pyiterable",
        "pylist", "pyset", "pytuple", "pydict", "json_bytes", "csv", "tsv", "psv", "dsv",
        "fixed_width",
    }
)  # fmt: skip

_SCALAR_TYPES = (str, int, float, Decimal, bool, dt.date, dt.time, uuid.UUID)


class PoolError(Exception):
    """A provider or its arguments cannot be used (a configuration problem)."""


def _faker(locale: str) -> Any:
    from faker import Faker

    try:
        return Faker(locale)
    except AttributeError:
        raise PoolError(f"unknown Faker locale {locale!r}") from None


def available_locales() -> list[str]:
    from faker.config import AVAILABLE_LOCALES

    return list(AVAILABLE_LOCALES)


def _normalize(value: Any) -> Any:
    if isinstance(value, tuple):
        value = list(value)
    if isinstance(value, _SCALAR_TYPES) or value is None:
        return value
    if isinstance(value, list | dict):
        try:
            json.dumps(value)
        except (TypeError, ValueError):
            raise PoolError(f"returns {type(value).__name__} values that are not JSON") from None
        return value
    raise PoolError(f"returns {type(value).__name__} values, which cannot be stored")


def _hashable(value: Any) -> Any:
    if isinstance(value, list | dict):
        return json.dumps(value, sort_keys=True)
    return value


@dataclass
class Pool:
    """``size`` values drawn from one Faker provider (repeats kept: they carry its distribution)."""

    provider: str
    locale: str
    args: Any
    values: list[Any]
    drawn: int
    distinct: list[Any] = field(init=False)
    _domains: dict[tuple[Any, ...], PoolDomain] = field(default_factory=dict, init=False)

    def __post_init__(self) -> None:
        seen: set[Any] = set()
        distinct = []
        for v in self.values:
            h = _hashable(v)
            if h not in seen:
                seen.add(h)
                distinct.append(v)
        self.distinct = distinct

    @property
    def label(self) -> str:
        return f"fake {self.provider}"

    @property
    def open(self) -> bool:
        return (
            bool(self.distinct)
            and all(isinstance(v, str) for v in self.distinct)
            and len(self.distinct) >= OPEN_RATIO * self.drawn
        )

    def python_types(self) -> set[type]:
        return {type(v) for v in self.values if v is not None}

    def filtered(self, accept: Callable[[Any], bool], tag: tuple[Any, ...]) -> Pool:
        """The pool restricted to values ``accept`` allows (same draw order)."""
        kept = [v for v in self.values if accept(v)]
        out = Pool(self.provider, self.locale, self.args, kept, self.drawn)
        return out

    def domain(self) -> PoolDomain:
        key = ("domain",)
        if key not in self._domains:
            self._domains[key] = PoolDomain(self.distinct, self.open)
        return self._domains[key]


class PoolDomain:
    """Distinct pool values indexed ``0..size-1``; open pools extend with decorated variants."""

    shuffled = True  # pool order is Faker's random draw order

    def __init__(self, base: Sequence[Any], open_space: bool, rounds: int = 1) -> None:
        self.base = list(base)
        self.rounds = rounds
        self._parts: tuple[list[str], list[str]] | None = None
        self._index = {_hashable(v): i for i, v in enumerate(self.base)}
        self.style: str | None = None
        self.sep = ""
        if open_space and self.base and all(isinstance(v, str) for v in self.base):
            self._choose_decoration()

    @property
    def extensible(self) -> bool:
        return self.style is not None

    @property
    def size(self) -> int:
        return len(self.base) * self.rounds

    def with_rounds(self, rounds: int) -> PoolDomain:
        other = PoolDomain.__new__(PoolDomain)
        other.base, other._index, other.style, other.sep = (
            self.base,
            self._index,
            self.style,
            self.sep,
        )
        other.rounds = max(1, rounds)
        other._parts = self._parts
        return other

    def _choose_decoration(self) -> None:
        if all(v.count("@") == 1 and "+" not in v for v in self.base):
            self.style, self.sep = "email", "+"
            return
        spaced = any(" " in v for v in self.base)
        for sep in (" #", "_", "-", "~") if spaced else ("_", "-", "~", " #"):
            pattern = re.compile(re.escape(sep) + r"[0-9]+$")
            if not any(pattern.search(v) for v in self.base):
                self.style, self.sep = "suffix", sep
                return

    def decorate(self, value: str, n: int) -> str:
        if self.style == "email":
            local, _, domain = value.rpartition("@")
            return f"{local}+{n}@{domain}"
        return f"{value}{self.sep}{n}"

    def value(self, index: int) -> Any:
        n, i = divmod(index, len(self.base))
        base = self.base[i]
        return base if n == 0 else self.decorate(base, n)

    def _split(self) -> tuple[list[str], list[str]]:
        """Each base value cut where the variant number goes: (head + sep, tail)."""
        if self._parts is None:
            heads, tails = [], []
            for v in self.base:
                if self.style == "email":
                    local, _, domain = v.rpartition("@")
                    heads.append(local + "+")
                    tails.append("@" + domain)
                else:
                    heads.append(v + self.sep)
                    tails.append("")
            self._parts = (heads, tails)
        return self._parts

    def values(self, indexes: Sequence[int]) -> list[Any]:
        base, size = self.base, len(self.base)
        if self.rounds == 1:
            return [base[i] for i in indexes]
        heads, tails = self._split()
        out = []
        for index in indexes:
            if index < size:
                out.append(base[index])
            else:
                n, i = divmod(index, size)
                out.append(f"{heads[i]}{n}{tails[i]}")
        return out

    def index_of(self, value: Any) -> int | None:
        i = self._index.get(_hashable(value))
        if i is not None:
            return i
        if self.style is None or not isinstance(value, str):
            return None
        if self.style == "email":
            m = re.fullmatch(r"(.*)\+([1-9][0-9]*)@([^@]*)", value)
            if m is None:
                return None
            base, n = f"{m.group(1)}@{m.group(3)}", int(m.group(2))
        else:
            m = re.fullmatch(r"(.*)" + re.escape(self.sep) + r"([1-9][0-9]*)", value)
            if m is None:
                return None
            base, n = m.group(1), int(m.group(2))
        j = self._index.get(base)
        if j is None or n >= self.rounds:
            return None
        return n * len(self.base) + j

    def max_len(self) -> int | None:
        if not all(isinstance(v, str) for v in self.base) or not self.base:
            return None
        longest = max(len(v) for v in self.base)
        if self.rounds > 1:
            longest += len(self.sep) + len(str(self.rounds - 1))
        return longest


def default_cache_dir(configured: str | None = None) -> Path | None:
    """``$XDG_CACHE_HOME/dataops/demo-pools`` (``~/.cache/...``); None when disabled.

    ``configured`` is ``DATAOPS_DEMO_POOL_CACHE``: ``off`` disables the cache, any
    other value is the directory.  The cache is the shared :mod:`dataops.fakerpool`.
    """
    return cache_dir(configured, "demo-pools")


class PoolStore:
    """Builds pools on first request and keeps them for one load or infer run.

    With a cache directory, pools of plain values (text, numbers) are also kept on
    disk, named by a hash of everything that determines them (Faker's version,
    provider, locale, arguments, size), so the next run reads instead of calling
    Faker.  A missing, unwritable or damaged cache only costs time.
    """

    def __init__(
        self, default_size: int = DEFAULT_POOL_SIZE, cache_dir: Path | None = None
    ) -> None:
        self.default_size = default_size
        self.cache_dir = cache_dir
        self._cache = PoolCache(cache_dir, "demo.pool_cache") if cache_dir is not None else None
        self._fakers: dict[str, Any] = {}
        self._pools: dict[str, Pool] = {}
        self._providers: dict[str, frozenset[str]] = {}

    def faker(self, locale: str) -> Any:
        if locale not in self._fakers:
            self._fakers[locale] = _faker(locale)
        return self._fakers[locale]

    def providers(self, locale: str) -> frozenset[str]:
        if locale not in self._providers:
            fake = self.faker(locale)
            names: set[str] = set()
            for provider in fake.get_providers():
                for attr in dir(provider):
                    if attr.startswith("_") or attr in _NOT_PROVIDERS:
                        continue
                    if callable(getattr(provider, attr, None)):
                        names.add(attr)
            self._providers[locale] = frozenset(names)
        return self._providers[locale]

    def check(self, provider: str, locale: str, args: Any) -> None:
        """Raise PoolError when the provider, its arguments or its values are unusable."""
        if provider not in self.providers(locale):
            raise PoolError(f"unknown Faker provider {provider!r}")
        fake = self.faker(locale)
        fake.seed_instance(0)
        self._call(fake, provider, args)

    @staticmethod
    def _call(fake: Any, provider: str, args: Any) -> Any:
        fn = getattr(fake, provider)
        try:
            if isinstance(args, dict):
                value = fn(**args)
            elif isinstance(args, list):
                value = fn(*args)
            else:
                value = fn()
        except Exception as exc:  # Faker raises anything on bad arguments
            raise PoolError(f"Faker {provider}: {type(exc).__name__}: {exc}") from None
        return _normalize(value)

    @staticmethod
    def _key(provider: str, locale: str, args: Any, size: int) -> tuple[str, str]:
        args_key = json.dumps(args, sort_keys=True, default=str)
        return f"{provider}\0{locale}\0{args_key}\0{size}", args_key

    def _draw(self, provider: str, locale: str, args: Any, size: int) -> list[Any]:
        """``size`` values from a Faker seeded by the pool's own parameters."""
        _, args_key = self._key(provider, locale, args, size)
        fake = self.faker(locale)
        fake.seed_instance(derive_int("pool", provider, locale, args_key, size))
        call = self._call
        return [call(fake, provider, args) for _ in range(size)]

    def prefetch(self, requests: Sequence[tuple[str, str, Any, int]]) -> None:
        """Draw the pools that are neither built nor cached, in parallel processes.

        Each pool is seeded by its own parameters, so the values do not depend on
        which process draws them.  Any trouble falls back to drawing in this process
        (where errors are reported properly).
        """
        missing = []
        for provider, locale, args, size in dict.fromkeys(
            (p, loc, json.dumps(a, sort_keys=True, default=str), n) for p, loc, a, n in requests
        ):
            parsed_args = json.loads(args)
            key, _ = self._key(provider, locale, parsed_args, size)
            if key in self._pools or (
                self._cache is not None and self._cache.path("pool", (key,)).exists()
            ):
                continue
            try:
                self.check(provider, locale, parsed_args)
            except PoolError:
                continue  # reported when the generator binds
            missing.append((provider, locale, parsed_args, size))
        workers = min(len(missing), os.cpu_count() or 1)
        if workers < 2:
            return
        try:
            import multiprocessing
            from concurrent.futures import ProcessPoolExecutor

            context = multiprocessing.get_context("fork")
            with ProcessPoolExecutor(workers, mp_context=context) as executor:
                drawn = list(
                    executor.map(_draw_in_child, missing, [self.default_size] * len(missing))
                )
        except Exception as exc:  # no fork, no processes: draw them one by one later
            log.debug("demo.pool_prefetch_failed", extra={"error": str(exc)})
            return
        for (provider, locale, args, size), values in zip(missing, drawn, strict=True):
            self._store(provider, locale, args, size, values, 0.0)

    def _store(
        self, provider: str, locale: str, args: Any, size: int, values: list[Any], seconds: float
    ) -> Pool:
        key, _ = self._key(provider, locale, args, size)
        if self._cache is not None and not self._cache.path("pool", (key,)).exists():
            self._cache.put("pool", (key,), values)
        pool = Pool(provider, locale, args, values, drawn=size)
        self._pools[key] = pool
        log.debug(
            "demo.pool_built",
            extra={
                "provider": provider,
                "locale": locale,
                "size": size,
                "distinct": len(pool.distinct),
                "seconds": round(seconds, 3),
            },
        )
        return pool

    def pool(self, provider: str, locale: str, args: Any = None, size: int | None = None) -> Pool:
        size = size or self.default_size
        key, _ = self._key(provider, locale, args, size)
        pool = self._pools.get(key)
        if pool is not None:
            return pool
        started = time.perf_counter()
        values = self._cache.get("pool", (key,)) if self._cache is not None else None
        if values is None or len(values) != size:
            self.check(provider, locale, args)
            values = self._draw(provider, locale, args, size)
        return self._store(provider, locale, args, size, values, time.perf_counter() - started)


def _draw_in_child(request: tuple[str, str, Any, int], default_size: int) -> list[Any]:
    provider, locale, args, size = request
    return PoolStore(default_size)._draw(provider, locale, args, size)
