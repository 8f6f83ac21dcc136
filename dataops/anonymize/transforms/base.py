"""What every transform family shares: parameter schemas, keyed hashing, build context.

A *family* (``hash``, ``email``, ``fake``...) validates its parameters and builds a
*value function* ``bytes -> bytes | None`` for one column.  The function receives
the unescaped, non-NULL value of the column (NULL stays NULL without calling it)
and returns the new value.  Everything is deterministic: randomness comes only
from a keyed BLAKE2b of the value, keyed with the secret and the transform's
canonical parameters, so the same (secret, transform, parameters, value) gives the
same output in every table, run, format and machine.
"""

from __future__ import annotations

import functools
import hashlib
import json
import operator
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, ClassVar

if TYPE_CHECKING:
    from dataops.anonymize.coltypes import ColType

ValueFn = Callable[[bytes], bytes | None]
# template-like transforms also see the row's output values (unescaped, by column name)
RowFn = Callable[[bytes, Mapping[str, bytes | None]], bytes | None]

PG_TO_PYTHON_ENCODING = {
    "UTF8": "utf-8",
    "UNICODE": "utf-8",
    "SQL_ASCII": "utf-8",
    "LATIN1": "latin-1",
    "LATIN2": "iso8859-2",
    "LATIN9": "iso8859-15",
    "WIN1250": "cp1250",
    "WIN1251": "cp1251",
    "WIN1252": "cp1252",
    "EUC_JP": "euc_jp",
    "EUC_KR": "euc_kr",
    "KOI8R": "koi8_r",
}


_UNSAFE = frozenset("\\\b\f\n\r\t\v")


def needs_escape(text: str) -> bool:
    """Whether ``text`` holds a character that COPY text format escapes."""
    return not _UNSAFE.isdisjoint(text)


def python_encoding(pg_name: str | None) -> str:
    """Python codec for a PostgreSQL client encoding name (UTF-8 when unknown)."""
    if not pg_name:
        return "utf-8"
    norm = pg_name.upper().replace("-", "").replace("_", "")
    for key, codec in PG_TO_PYTHON_ENCODING.items():
        if key.replace("_", "") == norm:
            return codec
    return "utf-8"


class ParamError(Exception):
    """A bad parameter; ``key`` names it (empty for the transform as a whole)."""

    def __init__(self, key: str, message: str) -> None:
        super().__init__(message)
        self.key = key
        self.message = message


@dataclass(frozen=True)
class Param:
    types: tuple[type, ...]
    required: bool = False
    default: Any = None
    check: Callable[[Any], str | None] | None = None  # returns an error message or None
    describe: str = ""


@dataclass
class BuildContext:
    """Per-dump facts a transform may need: the text encoding of the data."""

    encoding: str = "utf-8"
    default_locale: str = "en_US"
    column_type: str = ""
    build_nested: Callable[[TransformSpec], ValueFn] | None = None  # json's inner transforms
    coltype: ColType | None = None  # the (element) type of the column; None: not known

    def decode(self, value: bytes) -> str:
        return value.decode(self.encoding, "surrogateescape")

    def encode(self, text: str) -> bytes:
        return text.encode(self.encoding, "surrogateescape")

    def encode_new(self, text: str) -> bytes:
        """Encode generated text (never holds surrogates); unmappable characters become '?'."""
        return text.encode(self.encoding, "replace")


@dataclass(frozen=True)
class TransformSpec:
    """One configured transform: the family name and its validated parameters."""

    name: str
    params: Mapping[str, Any] = field(default_factory=dict)
    unique: bool = False
    line: int = 0  # where in the rules file (1-based)

    def canonical(self) -> str:
        """The parameters that determine the output (``unique`` only when it changes it)."""
        family = get_family(self.name)
        data = {
            k: v
            for k, v in family.canonical_params(self.params).items()
            if k not in family.non_output_params
        }
        if family.unique_changes_output:
            data["unique"] = self.unique
        return json.dumps({"transform": self.name, **data}, sort_keys=True, default=str)


def derive_key(secret: bytes, canonical: str) -> bytes:
    """A 64-byte BLAKE2b key for one transform configuration."""
    master = hashlib.blake2b(secret, digest_size=64, person=b"dataops.anon.v1").digest()
    return hashlib.blake2b(canonical.encode("utf-8"), key=master, digest_size=64).digest()


def keyed_digest(key: bytes, value: bytes, size: int = 16) -> bytes:
    return hashlib.blake2b(value, key=key, digest_size=size).digest()


class Keyed:
    """The keyed hash of a transform: BLAKE2b(key || value), ``size`` bytes.

    BLAKE2 is safe as a prefix-keyed PRF (no length extension), and with a 64-byte
    key a short value fits the same 128-byte block, so one compression per value.
    ``digest`` serves one value; ``digests`` / ``hexdigests`` map a whole column
    with C-level iteration only (no Python frame per value).
    """

    def __init__(self, key: bytes, size: int) -> None:
        self.key = key
        self.size = size
        self._new = functools.partial(hashlib.blake2b, digest_size=size)

    def digest(self, value: bytes) -> bytes:
        return hashlib.blake2b(self.key + value, digest_size=self.size).digest()

    def digests(self, values: Iterable[bytes]) -> Iterator[bytes]:
        return map(_DIGEST, map(self._new, map(self.key.__add__, values)))

    def hexdigests(self, values: Iterable[bytes]) -> Iterator[str]:
        return map(_HEXDIGEST, map(self._new, map(self.key.__add__, values)))

    def indexes(self, values: Iterable[bytes], n: int) -> Iterator[int]:
        """``int(digest) % n`` per value."""
        return map(n.__rmod__, map(int.from_bytes, self.digests(values)))


_DIGEST = operator.methodcaller("digest")
_HEXDIGEST = operator.methodcaller("hexdigest")


class TypeMismatch(Exception):
    """A transform cannot produce values of a column's type (the message says why)."""


@dataclass(frozen=True)
class Output:
    """What a transform can produce, checked against the column type before any output.

    ``categories`` are the type categories of :mod:`dataops.anonymize.coltypes` it fits
    (``text``, ``integer``, ``numeric``, ``float``, ``uuid``, ``inet``, ``cidr``, ``date``,
    ``timestamp``, ``timestamptz``, ``boolean``, ``json``, ``jsonb``, ``bytea``, ``enum``...);
    ``values``, when the outputs are a known finite set, are checked one by one instead.
    ``max_chars`` bounds text (None: unbounded); ``hint`` says how to make it fit.
    """

    describe: str
    categories: frozenset[str] = frozenset({"text"})
    max_chars: int | None = None
    values: tuple[str | None, ...] | None = None
    hint: str = ""
    type_key: str = ""  # what of the column type changes the output (foreign keys compare it)


TEXT = frozenset({"text"})


# A kernel maps a whole column of escape-free, non-NULL values to COPY fields (escaped,
# ``\\N`` for NULL); it may return None to decline (the caller then goes value by value).
Kernel = Callable[[Sequence[bytes]], Iterable[bytes] | None]


class Family:
    """Base class of a transform family."""

    name: ClassVar[str] = ""
    params: ClassVar[dict[str, Param]] = {}
    # output params that do not influence the output (excluded from the key)
    non_output_params: ClassVar[frozenset[str]] = frozenset()
    unique_changes_output: ClassVar[bool] = False
    row_dependent: ClassVar[bool] = False  # needs other columns' outputs (template)
    cacheable: ClassVar[bool] = True
    summary: ClassVar[str] = ""

    def can_be_unique(self, params: Mapping[str, Any]) -> str | None:
        """None if ``unique: true`` is possible with these params, else the reason why not."""
        return f"transform {self.name!r} cannot guarantee distinct outputs"

    def injective(self, spec: TransformSpec) -> bool:
        """Distinct inputs give distinct outputs (safe on PRIMARY KEY / UNIQUE columns)."""
        return False

    def injective_on(self, spec: TransformSpec, col: ColType) -> bool:
        """:meth:`injective` on a column of type ``col`` (adaptations may lose it)."""
        return self.injective(spec)

    def produces(self, spec: TransformSpec, col: ColType) -> Output:
        """What this transform gives on a column (element) of type ``col``; raise
        :class:`TypeMismatch` when it cannot serve that type at all."""
        return Output("text of any length", TEXT)

    def validate(self, params: Mapping[str, Any]) -> None:
        """Extra checks across parameters; raise ParamError."""

    def canonical_params(self, params: Mapping[str, Any]) -> dict[str, Any]:
        """The parameters as plain JSON-able data, for the key derivation."""
        return dict(params)

    def build(self, spec: TransformSpec, key: bytes, ctx: BuildContext) -> ValueFn:
        raise NotImplementedError

    def build_row(self, spec: TransformSpec, key: bytes, ctx: BuildContext) -> RowFn:
        raise NotImplementedError

    def build_kernel(self, spec: TransformSpec, key: bytes, ctx: BuildContext) -> Kernel | None:
        """Optional: a column-at-once version of :meth:`build_fast` built from C-level
        ``map`` chains, giving exactly the same outputs."""
        return None

    def build_fast(self, spec: TransformSpec, key: bytes, ctx: BuildContext) -> ValueFn | None:
        """Optional: a function for values that need no COPY escaping at all (the raw field
        holds no backslash), returning an output that needs none either.  The column
        wrapper calls it directly and falls back to the general path otherwise."""
        return None

    def output_safe(self, spec: TransformSpec, ctx: BuildContext) -> bool:
        """True when outputs never hold characters COPY text must escape (skip escaping)."""
        return False

    def references(self, spec: TransformSpec) -> list[str]:
        """Other columns this transform reads (template)."""
        return []


# Filled by the family modules as they are imported.  Importing this module runs the
# package's ``__init__`` first, which imports every family, so by the time anything can
# call get_family() the registry is complete (no import back into the package needed).
_REGISTRY: dict[str, Family] = {}


def register(family: Family) -> Family:
    _REGISTRY[family.name] = family
    return family


def get_family(name: str) -> Family:
    return _REGISTRY[name]


def families() -> dict[str, Family]:
    return dict(_REGISTRY)


def int_range(lo: int | None = None, hi: int | None = None) -> Callable[[Any], str | None]:
    def check(value: Any) -> str | None:
        if isinstance(value, bool):
            return "must be an integer"
        if lo is not None and value < lo:
            return f"must be >= {lo}"
        if hi is not None and value > hi:
            return f"must be <= {hi}"
        return None

    return check
