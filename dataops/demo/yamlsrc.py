"""YAML documents that remember where each value came from.

:func:`load` parses a YAML text into plain Python data plus a map from every
value's path (``("tables", "orders", "rows")``) to its 1-based line, so that a
validator can report ``file:line: path: message`` for each problem.  Scalars may
use ``${VAR}`` / ``${VAR:-default}`` environment interpolation (``$$`` is a
literal ``$``); an unquoted scalar is re-typed after substitution, so
``rows: ${ROWS:-100}`` is the integer 100.  Duplicate keys are errors.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import yaml
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from dataops.errors import ConfigError

PathT = tuple[str | int, ...]

_VAR = re.compile(r"\$\$|\$\{([A-Za-z_][A-Za-z0-9_]*)(?::-([^}]*))?\}")


def dotted(path: PathT) -> str:
    """``tables.orders.fixed[0].email``."""
    out = ""
    for part in path:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += ("." if out else "") + str(part)
    return out or "<document>"


@dataclass
class Located:
    """Parsed YAML data with the line of every value."""

    data: Any
    filename: str
    lines: dict[PathT, int] = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)  # value-level problems, validation goes on
    bad_paths: list[PathT] = field(default_factory=list)

    def is_bad(self, path: PathT) -> bool:
        """A value on or below ``path`` already has a problem (do not report it twice)."""
        return any(bad[: len(path)] == path or path[: len(bad)] == bad for bad in self.bad_paths)

    def line(self, path: PathT) -> int:
        while path not in self.lines and path:
            path = path[:-1]
        return self.lines.get(path, 1)

    def where(self, path: PathT) -> str:
        return f"{self.filename}:{self.line(path)}: {dotted(path)}"


class _Builder:
    def __init__(self, filename: str, environ: Mapping[str, str]) -> None:
        self.filename = filename
        self.environ = environ
        self.lines: dict[PathT, int] = {}
        self.problems: list[str] = []
        self.bad_paths: list[PathT] = []
        self._constructor = yaml.SafeLoader("")

    def problem(self, node: Node, path: PathT, message: str) -> None:
        self.problems.append(
            f"{self.filename}:{node.start_mark.line + 1}: {dotted(path)}: {message}"
        )
        self.bad_paths.append(path)

    def build(self, node: Node, path: PathT) -> Any:
        self.lines.setdefault(path, node.start_mark.line + 1)
        if isinstance(node, MappingNode):
            return self._mapping(node, path)
        if isinstance(node, SequenceNode):
            return [self.build(item, (*path, i)) for i, item in enumerate(node.value)]
        assert isinstance(node, ScalarNode)
        return self._scalar(node, path)

    def _mapping(self, node: MappingNode, path: PathT) -> dict[Any, Any]:
        self._constructor.flatten_mapping(node)  # resolves << merge keys
        out: dict[Any, Any] = {}
        for key_node, value_node in node.value:
            if not isinstance(key_node, ScalarNode):
                self.problem(key_node, path, "mapping keys must be plain values")
                continue
            key = self._scalar(key_node, path)
            if isinstance(key, int | float | bool) or key is None:
                key = key_node.value  # table/column names such as 2024 or yes stay text
            if key in out:
                self.problem(key_node, (*path, key), "duplicate key")
                continue
            self.lines[(*path, key)] = key_node.start_mark.line + 1
            out[key] = self.build(value_node, (*path, key))
        return out

    def _scalar(self, node: ScalarNode, path: PathT) -> Any:
        raw = node.value
        if "$" in raw and node.tag == "tag:yaml.org,2002:str":
            substituted = self._interpolate(node, path, raw)
            if node.style is None and substituted != raw:
                try:
                    retyped = yaml.safe_load(substituted) if substituted.strip() else None
                except yaml.YAMLError:
                    return substituted
                return retyped if not isinstance(retyped, dict | list) else substituted
            if substituted != raw:
                return substituted
        try:
            return self._constructor.construct_object(node, deep=True)
        except yaml.YAMLError as exc:
            self.problem(node, path, _yaml_message(exc))
        except ValueError as exc:  # e.g. a timestamp such as 2020-13-01
            self.problem(node, path, f"invalid value {raw!r}: {exc}")
        return None

    def _interpolate(self, node: Node, path: PathT, raw: str) -> str:
        def repl(match: re.Match[str]) -> str:
            if match.group(0) == "$$":
                return "$"
            name, default = match.group(1), match.group(2)
            value = self.environ.get(name)
            if value is None or value == "":
                if default is None:
                    self.problem(node, path, f"environment variable {name} is not set")
                    return ""
                return default
            return value

        return _VAR.sub(repl, raw)


def _yaml_message(exc: yaml.YAMLError) -> str:
    problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
    return str(problem)


def load(text: str, filename: str, environ: Mapping[str, str]) -> Located:
    """Parse one YAML document.

    Syntax errors raise ConfigError at once; problems with single values (a bad
    date, an unset variable, a duplicate key) are collected in ``problems`` so the
    validator can report them together with its own.
    """
    try:
        node = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
        line = mark.line + 1 if mark is not None else 1
        raise ConfigError(
            f"invalid spec {filename}", details=[f"{filename}:{line}: {_yaml_message(exc)}"]
        ) from None
    if node is None:
        raise ConfigError(f"invalid spec {filename}", details=[f"{filename}:1: the file is empty"])
    builder = _Builder(filename, environ)
    data = builder.build(node, ())
    return Located(
        data=data,
        filename=filename,
        lines=builder.lines,
        problems=builder.problems,
        bad_paths=builder.bad_paths,
    )
