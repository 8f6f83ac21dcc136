"""``json``: apply transforms to the values at JSONPath locations inside json/jsonb.

Supported paths: ``$``, ``.key``, ``['key']``, ``[0]``, ``[*]`` and ``.*``.  A path
that points at an object or array transforms every scalar inside it.  Numbers keep
their exact text when untouched; strings are transformed as UTF-8 text; numbers and
booleans as their JSON text (a numeric result stays a number).  ``null`` stays null.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any

from dataops.anonymize.transforms.base import (
    BuildContext,
    Family,
    Output,
    Param,
    ParamError,
    TransformSpec,
    ValueFn,
    register,
)
from dataops.errors import OperationError

Step = str | int | None  # key, index, or None for a wildcard

_STEP = re.compile(
    r"""\.(?P<name>[A-Za-z_][A-Za-z0-9_$-]*)|\.(?P<star>\*)|\[(?P<idx>-?\d+)\]|\[\*\]|\[(?P<q>'(?:[^'\\]|\\.)*'|"(?:[^"\\]|\\.)*")\]"""
)

if TYPE_CHECKING:
    from dataops.anonymize.coltypes import ColType


def parse_path(path: str) -> list[Step]:
    if not path.startswith("$"):
        raise ValueError("a JSONPath starts with $")
    steps: list[Step] = []
    pos = 1
    while pos < len(path):
        m = _STEP.match(path, pos)
        if m is None:
            raise ValueError(f"cannot parse JSONPath at {path[pos:]!r}")
        if m["name"] is not None:
            steps.append(m["name"])
        elif m["idx"] is not None:
            steps.append(int(m["idx"]))
        elif m["q"] is not None:
            steps.append(m["q"][1:-1].replace("\\" + m["q"][0], m["q"][0]).replace("\\\\", "\\"))
        else:
            steps.append(None)
        pos = m.end()
    return steps


class _Num(str):
    """A JSON number kept as its exact source text."""


def _loads(text: str) -> Any:
    return json.loads(text, parse_int=_Num, parse_float=_Num, parse_constant=_Num)


def dumps(value: Any) -> str:
    """jsonb-style text: ``{"a": 1, "b": [1, 2]}``."""
    if isinstance(value, _Num):
        return str(value)
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False)
    if value is True:
        return "true"
    if value is False:
        return "false"
    if value is None:
        return "null"
    if isinstance(value, dict):
        return "{" + ", ".join(f"{dumps(k)}: {dumps(v)}" for k, v in value.items()) + "}"
    if isinstance(value, list):
        return "[" + ", ".join(dumps(v) for v in value) + "]"
    return json.dumps(value)


def _scalar_fn(fn: ValueFn) -> Callable[[Any], Any]:
    def apply(value: Any) -> Any:
        if value is None:
            return None
        if isinstance(value, (_Num, bool)):
            out = fn(dumps(value).encode())
            if out is None:
                return None
            text = out.decode("utf-8", "replace")
            try:
                parsed = _loads(text)
            except ValueError:
                return text
            return parsed if isinstance(parsed, _Num | bool) else text
        out = fn(str(value).encode("utf-8", "surrogatepass"))
        return None if out is None else out.decode("utf-8", "replace")

    return apply


def _deep(apply: Callable[[Any], Any], value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _deep(apply, v) for k, v in value.items()}
    if isinstance(value, list):
        return [_deep(apply, v) for v in value]
    return apply(value)


def _walk(value: Any, steps: list[Step], apply: Callable[[Any], Any]) -> Any:
    if not steps:
        return _deep(apply, value)
    step, rest = steps[0], steps[1:]
    if isinstance(value, dict):
        if step is None:
            return {k: _walk(v, rest, apply) for k, v in value.items()}
        if isinstance(step, str) and step in value:
            value = dict(value)
            value[step] = _walk(value[step], rest, apply)
        return value
    if isinstance(value, list):
        if step is None:
            return [_walk(v, rest, apply) for v in value]
        if isinstance(step, int) and -len(value) <= step < len(value):
            value = list(value)
            value[step] = _walk(value[step], rest, apply)
        return value
    return value


class Json(Family):
    name = "json"
    summary = "`paths`: a mapping JSONPath -> transform, applied inside json/jsonb values"
    params = {"paths": Param((dict,), required=True)}

    def validate(self, params: Mapping[str, Any]) -> None:
        paths = params["paths"]
        if not paths:
            raise ParamError("paths", "must map at least one JSONPath to a transform")
        for path in paths:
            try:
                parse_path(path)
            except ValueError as exc:
                raise ParamError(f"paths.{path}", str(exc)) from None

    def produces(self, spec: TransformSpec, col: ColType) -> Output:
        return Output(
            "JSON documents", frozenset({"json", "jsonb"}), hint="json works on json and jsonb"
        )

    def canonical_params(self, params: Mapping[str, Any]) -> dict[str, Any]:
        return {
            "paths": {
                p: (s.canonical() if isinstance(s, TransformSpec) else s)
                for p, s in params["paths"].items()
            }
        }

    def build(self, spec: TransformSpec, key: bytes, ctx: BuildContext) -> ValueFn:
        assert ctx.build_nested is not None
        compiled = [
            (parse_path(path), _scalar_fn(ctx.build_nested(inner)))
            for path, inner in spec.params["paths"].items()
        ]

        def fn(value: bytes) -> bytes:
            try:
                doc = _loads(ctx.decode(value))
            except ValueError:
                raise OperationError("json: a value is not valid JSON") from None
            for steps, apply in compiled:
                doc = _walk(doc, steps, apply)
            return ctx.encode(dumps(doc))

        return fn


register(Json())
