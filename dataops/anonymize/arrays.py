"""PostgreSQL array literals (``{a,"b c",NULL}``, ``{{1,2},{3,4}}``, ``[0:1]={x,y}``).

Transforms on array columns apply to each element: :func:`element_wise` wraps a
value function so that the literal is parsed, every non-NULL element mapped, and
the literal written back the way PostgreSQL's ``array_out`` writes it (elements
quoted when they hold a delimiter, quote, backslash, brace or space, are empty or
spell ``NULL``).  NULL elements stay NULL; the dimensions (and a ``[lo:hi]=``
decoration) are kept.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator

Nested = list["str | Nested | None"]


def _split_decoration(text: str) -> tuple[str, str]:
    if text.startswith("["):
        eq = text.find("=")
        if eq < 0:
            raise ValueError("array dimensions without '='")
        return text[: eq + 1], text[eq + 1 :]
    return "", text


def parse_full(text: str) -> tuple[str, Nested]:
    """``(decoration, elements)`` of an array literal; ValueError when it is not one."""
    prefix, body = _split_decoration(text)
    body = body.strip()
    if not body.startswith("{"):
        raise ValueError("an array literal starts with {")
    out, end = _parse(body, 0)
    if body[end:].strip():
        raise ValueError("text after the closing brace")
    return prefix, out


def parse(text: str) -> Nested:
    return parse_full(text)[1]


def _parse(s: str, i: int) -> tuple[Nested, int]:
    assert s[i] == "{"
    i += 1
    out: Nested = []
    n = len(s)
    expect_item = True
    while i < n:
        c = s[i]
        if c.isspace():
            i += 1
            continue
        if c == "}":
            return out, i + 1
        if c == ",":
            i += 1
            expect_item = True
            continue
        if not expect_item:
            raise ValueError("missing ','")
        if c == "{":
            inner, i = _parse(s, i)
            out.append(inner)
        elif c == '"':
            i += 1
            buf = []
            while True:
                if i >= n:
                    raise ValueError("unterminated quoted element")
                ch = s[i]
                if ch == "\\" and i + 1 < n:
                    buf.append(s[i + 1])
                    i += 2
                    continue
                if ch == '"':
                    i += 1
                    break
                buf.append(ch)
                i += 1
            out.append("".join(buf))
        else:
            buf = []
            quoted_any = False
            while i < n and s[i] not in ",}":
                ch = s[i]
                if ch == "\\" and i + 1 < n:
                    buf.append(s[i + 1])
                    quoted_any = True
                    i += 2
                    continue
                if ch in '{"':
                    raise ValueError(f"unexpected {ch!r}")
                buf.append(ch)
                i += 1
            item = "".join(buf).rstrip() if not quoted_any else "".join(buf)
            out.append(None if not quoted_any and item.upper() == "NULL" else item)
        expect_item = False
    raise ValueError("unterminated array literal")


def _quote(item: str) -> str:
    if (
        item == ""
        or item.upper() == "NULL"
        or any(c in item for c in '{},"\\')
        or any(c.isspace() for c in item)
    ):
        return '"' + item.replace("\\", "\\\\").replace('"', '\\"') + '"'
    return item


def format_nested(items: Nested) -> str:
    parts = []
    for item in items:
        if item is None:
            parts.append("NULL")
        elif isinstance(item, list):
            parts.append(format_nested(item))
        else:
            parts.append(_quote(item))
    return "{" + ",".join(parts) + "}"


def flatten(items: Nested) -> Iterator[str | None]:
    for item in items:
        if isinstance(item, list):
            yield from flatten(item)
        else:
            yield item


def _map(items: Nested, fn: Callable[[str], str | None]) -> Nested:
    return [
        _map(item, fn) if isinstance(item, list) else (None if item is None else fn(item))
        for item in items
    ]


def element_wise(
    fn: Callable[[bytes], bytes | None], encoding: str
) -> Callable[[bytes], bytes | None]:
    """A value function for array literals applying ``fn`` to every non-NULL element."""

    def one(item: str) -> str | None:
        out = fn(item.encode(encoding, "surrogateescape"))
        return None if out is None else out.decode(encoding, "surrogateescape")

    def apply(value: bytes) -> bytes:
        text = value.decode(encoding, "surrogateescape")
        try:
            prefix, items = parse_full(text)
        except ValueError as exc:
            from dataops.errors import OperationError

            raise OperationError(f"a value is not an array literal: {exc}") from None
        return (prefix + format_nested(_map(items, one))).encode(encoding, "surrogateescape")

    return apply
