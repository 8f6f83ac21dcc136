"""Simple text transforms: ``mask``, ``constant``, ``regex_replace``, ``choice``."""

from __future__ import annotations

import hashlib
import itertools
import operator
import re
from collections.abc import Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, Any

from dataops.anonymize import speedups
from dataops.anonymize.formats import copytext
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


def _one_char(value: Any) -> str | None:
    return None if len(value) == 1 else "must be exactly one character"


class Mask(Family):
    name = "mask"
    summary = "replace characters by `char` (default `*`), keeping `keep_first` / `keep_last`"
    params = {
        "keep_first": Param((int,), default=0, check=int_range(0)),
        "keep_last": Param((int,), default=0, check=int_range(0)),
        "char": Param((str,), default="*", check=_one_char),
    }

    def produces(self, spec: TransformSpec, col: ColType) -> Output:
        if col.category != "text":
            raise TypeMismatch(
                "replaces characters of text", "use tokenize (keeps the shape of keys), or keep"
            )
        return Output("the input's length in characters", TEXT, col.length)

    def build_fast(self, spec: TransformSpec, key: bytes, ctx: BuildContext) -> ValueFn | None:
        # kept characters come from a value without escapes; the mask character is checked
        if needs_escape(str(spec.params["char"])):
            return None
        return self.build(spec, key, ctx)

    def build_kernel(self, spec: TransformSpec, key: bytes, ctx: BuildContext) -> Kernel | None:
        first = int(spec.params["keep_first"])
        last = int(spec.params["keep_last"])
        char_b = ctx.encode_new(str(spec.params["char"]))
        if len(char_b) == 1 and not needs_escape(str(spec.params["char"])) and speedups.enabled():
            return speedups.Mask(first, last, char_b)  # ASCII values, as the value path
        if (first and last) or len(char_b) != 1 or needs_escape(str(spec.params["char"])):
            return None
        longest = 256
        masks = [char_b * max(0, n - first - last) for n in range(longest + 1)]
        add = bytes.__add__
        head = operator.itemgetter(slice(0, first))
        tail = operator.itemgetter(slice(-last, None)) if last else None

        def kernel(column: Sequence[bytes]) -> Iterable[bytes] | None:
            lengths = list(map(len, column))
            if max(lengths, default=0) > longest or not b"".join(column).isascii():
                return None  # characters, not bytes, are masked: the value path handles it
            stars = map(masks.__getitem__, lengths)
            if tail is not None:
                return map(add, stars, map(tail, column))
            if first:
                return map(add, map(head, column), stars)
            return stars

        return kernel

    def build(self, spec: TransformSpec, key: bytes, ctx: BuildContext) -> ValueFn:
        first = int(spec.params["keep_first"])
        last = int(spec.params["keep_last"])
        char = str(spec.params["char"])
        char_b = ctx.encode_new(char)
        single = len(char_b) == 1

        def fn(value: bytes) -> bytes:
            if single and value.isascii():
                n = len(value)
                kf = min(first, n)
                kl = max(0, min(last, n - kf))
                return value[:kf] + char_b * (n - kf - kl) + (value[n - kl :] if kl else b"")
            text = ctx.decode(value)
            n = len(text)
            if first + last >= n:
                kept_first = min(first, n)
                kept_last = max(0, min(last, n - kept_first))
            else:
                kept_first, kept_last = first, last
            middle = n - kept_first - kept_last
            out = text[:kept_first] + char * middle + (text[n - kept_last :] if kept_last else "")
            return ctx.encode(out)

        return fn


def _scalar(value: Any) -> bytes | None:
    if value is None:
        return None
    if isinstance(value, bool):
        return b"true" if value else b"false"
    return str(value).encode("utf-8")


def scalar_text(value: Any) -> str | None:
    """A constant/choice value as the text written to the dump (None: NULL)."""
    out = _scalar(value)
    return None if out is None else out.decode("utf-8")


def _all_safe(values: list[Any]) -> bool:
    return not any(v is not None and needs_escape(str(v)) for v in values)


class Constant(Family):
    name = "constant"
    summary = "the same `value` for every non-NULL input"
    params = {"value": Param((str, int, float, bool, type(None)), required=True)}

    def output_safe(self, spec: TransformSpec, ctx: BuildContext) -> bool:
        return _all_safe([spec.params["value"]])

    def produces(self, spec: TransformSpec, col: ColType) -> Output:
        value = scalar_text(spec.params["value"])
        return Output(f"{value!r}", frozenset(), values=(value,))

    def build_kernel(self, spec: TransformSpec, key: bytes, ctx: BuildContext) -> Kernel | None:
        raw = spec.params["value"]
        out = copytext.escape(None if raw is None else ctx.encode_new(_scalar(raw).decode()))  # type: ignore[union-attr]

        def kernel(column: Sequence[bytes]) -> Iterable[bytes]:
            return itertools.repeat(out, len(column))

        return kernel

    def build(self, spec: TransformSpec, key: bytes, ctx: BuildContext) -> ValueFn:
        raw = spec.params["value"]
        out = None if raw is None else ctx.encode_new(_scalar(raw).decode())  # type: ignore[union-attr]

        def fn(value: bytes) -> bytes | None:
            return out

        return fn


def _regex(value: Any) -> str | None:
    try:
        re.compile(value)
    except re.error as exc:
        return f"invalid regular expression: {exc}"
    return None


class RegexReplace(Family):
    name = "regex_replace"
    summary = "Python `re.sub(pattern, replacement, value)`"
    params = {
        "pattern": Param((str,), required=True, check=_regex),
        "replacement": Param((str,), default=""),
    }

    def validate(self, params: Mapping[str, Any]) -> None:
        pattern = re.compile(params["pattern"])
        names = {index: name for name, index in pattern.groupindex.items()}
        shape = "".join(
            f"(?P<{names[i]}>)" if i in names else "()" for i in range(1, pattern.groups + 1)
        )
        match = re.compile(shape).match("")
        assert match is not None
        try:
            match.expand(params["replacement"])
        except (re.error, IndexError) as exc:
            raise ParamError("replacement", f"invalid replacement: {exc}") from None

    def produces(self, spec: TransformSpec, col: ColType) -> Output:
        return Output(
            "text of any length (a replacement can make values longer)",
            TEXT,
            None,
            hint="use mask or tokenize (they keep the length)",
        )

    def build(self, spec: TransformSpec, key: bytes, ctx: BuildContext) -> ValueFn:
        pattern = re.compile(spec.params["pattern"])
        replacement = str(spec.params["replacement"])

        def fn(value: bytes) -> bytes:
            return ctx.encode(pattern.sub(replacement, ctx.decode(value)))

        return fn


def _non_empty_list(value: Any) -> str | None:
    if not value:
        return "must be a non-empty list"
    for item in value:
        if isinstance(item, dict | list):
            return "items must be scalars"
    return None


class Choice(Family):
    name = "choice"
    summary = "one of `values`, picked by the keyed hash"
    params = {"values": Param((list,), required=True, check=_non_empty_list)}

    def output_safe(self, spec: TransformSpec, ctx: BuildContext) -> bool:
        return _all_safe(list(spec.params["values"]))

    def produces(self, spec: TransformSpec, col: ColType) -> Output:
        values = tuple(scalar_text(v) for v in spec.params["values"])
        return Output(f"one of {len(values)} values", frozenset(), values=values)

    def build_kernel(self, spec: TransformSpec, key: bytes, ctx: BuildContext) -> Kernel | None:
        values = [
            copytext.escape(None if v is None else ctx.encode_new(_scalar(v).decode()))  # type: ignore[union-attr]
            for v in spec.params["values"]
        ]
        if speedups.enabled():
            return speedups.PoolPick(key, 8, values)
        keyed = Keyed(key, 8)
        n = len(values)

        def kernel(column: Sequence[bytes]) -> Iterable[bytes]:
            return map(values.__getitem__, keyed.indexes(column, n))

        return kernel

    def build(self, spec: TransformSpec, key: bytes, ctx: BuildContext) -> ValueFn:
        values = [
            None if v is None else ctx.encode_new(_scalar(v).decode())  # type: ignore[union-attr]
            for v in spec.params["values"]
        ]
        n = len(values)
        blake = hashlib.blake2b

        def fn(value: bytes) -> bytes | None:
            return values[int.from_bytes(blake(key + value, digest_size=8).digest()) % n]

        return fn


register(Mask())
register(Constant())
register(RegexReplace())
register(Choice())
