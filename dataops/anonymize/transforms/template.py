"""``template``: a string built from other columns' *output* values, ``{column}`` placeholders."""

from __future__ import annotations

import string
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from dataops.anonymize.transforms.base import (
    TEXT,
    BuildContext,
    Family,
    Output,
    Param,
    ParamError,
    RowFn,
    TransformSpec,
    register,
)

if TYPE_CHECKING:
    from dataops.anonymize.coltypes import ColType


def fields(template: str) -> list[str]:
    out = []
    for _, name, spec, conv in string.Formatter().parse(template):
        if name is None:
            continue
        if not name or spec or conv:
            raise ValueError("placeholders must be plain column names: {column}")
        out.append(name)
    return out


class Template(Family):
    name = "template"
    summary = "`template` with `{column}` placeholders filled with those columns' output values"
    params = {"template": Param((str,), required=True)}
    row_dependent = True
    cacheable = False

    def validate(self, params: Mapping[str, Any]) -> None:
        try:
            fields(params["template"])
        except ValueError as exc:
            raise ParamError("template", str(exc)) from None

    def produces(self, spec: TransformSpec, col: ColType) -> Output:
        # the plan replaces the length with one computed from the referenced columns
        return Output("text built from other columns", TEXT)

    def references(self, spec: TransformSpec) -> list[str]:
        return fields(spec.params["template"])

    def build_row(self, spec: TransformSpec, key: bytes, ctx: BuildContext) -> RowFn:
        parts: list[tuple[str, str | None]] = [
            (literal, name)
            for literal, name, _, _ in string.Formatter().parse(spec.params["template"])
        ]
        encoded = [(ctx.encode_new(lit), name) for lit, name in parts]

        def fn(value: bytes, row: Mapping[str, bytes | None]) -> bytes:
            out = bytearray()
            for lit, name in encoded:
                out += lit
                if name is not None:
                    out += row.get(name) or b""
            return bytes(out)

        return fn


register(Template())
