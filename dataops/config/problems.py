"""The one collector of ``file:line: path: message`` problems.

Validators add every problem they find and raise once at the end, so that a user
fixes a file in one pass::

    problems = Problems()
    problems.at("rules.yaml", 12, "tables.public.t", "unknown key")
    problems.add("spec.yaml:3: tables.t.rows", "must be an integer")
    problems.raise_if_any("invalid spec spec.yaml")   # ConfigError, details in line order

Problems are reported in line order (stable for one line); problems without a
location come last.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator

from dataops.errors import ConfigError

_LINE = re.compile(r":(\d+)(?::|$)")


def line_of(where: str) -> int | None:
    """The line of a ``file:line: path`` location, None if it has none."""
    match = _LINE.search(where)
    return int(match.group(1)) if match else None


class Problems:
    """Collects problems; :meth:`raise_if_any` raises one ConfigError listing all of them."""

    def __init__(self, items: Iterable[str] = ()) -> None:
        self._items: list[tuple[int | None, str]] = []
        for item in items:
            self._items.append((line_of(item.split(" ", 1)[0]), item))

    def at(self, filename: str, line: int | None, path: str, message: str) -> None:
        """``filename:line: path: message`` (a path of "" is left out)."""
        where = f"{filename}:{line}" if line else filename
        self._items.append((line, f"{where}: {path}: {message}" if path else f"{where}: {message}"))

    def add(self, where: str, message: str) -> None:
        """A problem at an already formatted ``file:line: path`` (or nowhere: ``""``)."""
        self._items.append((line_of(where), f"{where}: {message}" if where else message))

    def __len__(self) -> int:
        return len(self._items)

    def __bool__(self) -> bool:
        return bool(self._items)

    def __iter__(self) -> Iterator[str]:
        return iter(self.ordered())

    @property
    def items(self) -> list[str]:
        """In the order they were added."""
        return [text for _, text in self._items]

    def ordered(self) -> list[str]:
        """In line order; problems without a line last."""
        keyed = sorted(
            enumerate(self._items),
            key=lambda t: (t[1][0] is None, t[1][0] or 0, t[0]),
        )
        return [text for _, (_, text) in keyed]

    def raise_if_any(self, message: str) -> None:
        if self._items:
            raise ConfigError(message, details=self.ordered())
