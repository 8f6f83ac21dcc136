"""The one YAML reader of dataops: line map, ``${VAR:-default}``, bounded aliases.

Used by the anonymization rules (:mod:`dataops.anonymize.rules`, node by node), the
demo specs (:mod:`dataops.demo.spec`, on :func:`load`'s data) and the sidecar's
configuration.  The simplest use::

    doc = load_file(path, what="config")   # data + the line of every value
    if not isinstance(doc.data.get("jobs"), dict):
        doc.add(("jobs",), "must be a mapping")   # next to value-level problems (unset ${VAR}...)
    doc.raise_if_any(f"invalid config {path}")   # file:line: path: message, all at once

Interpolation (the same for every file, pinned by ``tests/unit/test_config_yamlsource.py``):

* only string values are interpolated (plain or quoted; mapping keys never are);
* ``${VAR}`` is the variable's value; an unset variable is a problem
  (``environment variable VAR is not set``); a set but empty variable gives "";
* ``${VAR:-default}`` gives ``default`` when VAR is unset or empty (as in POSIX sh);
* ``$$`` is a literal ``$`` (so ``$${VAR}`` is the text ``${VAR}``); any other ``$``
  stays as it is;
* a plain (unquoted) value is re-typed after substitution: ``rows: ${ROWS:-100}`` is
  the integer 100; a quoted value stays a string;
* the environment is ``os.environ`` unless the caller passes one.

Safety: a document may expand to at most :data:`MAX_VALUES` values once aliases are
followed, and recursive aliases are refused, so an alias bomb ("billion laughs")
fails fast with a clear error in bounded memory.  Duplicate keys are problems, merge
keys (``<<``) work, syntax errors raise ConfigError at once.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from dataops.config.problems import Problems
from dataops.errors import ConfigError

PathT = tuple[str | int, ...]

MAX_VALUES = 100_000  # values in one document after following aliases
STR_TAG = "tag:yaml.org,2002:str"
MERGE_TAG = "tag:yaml.org,2002:merge"

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


def substitute(
    text: str, environ: Mapping[str, str], missing: Callable[[str], None] | None = None
) -> str:
    """Apply ``${VAR}``, ``${VAR:-default}`` and ``$$``; ``missing(name)`` for unset variables."""

    def repl(match: re.Match[str]) -> str:
        if match.group(0) == "$$":
            return "$"
        name, default = match.group(1), match.group(2)
        value = environ.get(name)
        if default is not None and not value:
            return default
        if value is None:
            if missing is not None:
                missing(name)
            return ""
        return value

    return _VAR.sub(repl, text)


class ScalarReader:
    """Turns scalar nodes into values: interpolation, re-typing, construction.

    ``report(node, message)`` receives value-level problems (an unset variable, an
    invalid date); the value is then None.
    """

    def __init__(
        self, environ: Mapping[str, str] | None, report: Callable[[Node, str], None]
    ) -> None:
        self.environ = os.environ if environ is None else environ
        self.report = report
        self._loader = yaml.SafeLoader("")

    def value(self, node: ScalarNode) -> Any:
        raw = node.value
        if "$" in raw and node.tag == STR_TAG:
            failed = False

            def missing(name: str) -> None:
                nonlocal failed
                failed = True
                self.report(node, f"environment variable {name} is not set")

            text = substitute(raw, self.environ, missing)
            if failed:
                return None
            if node.style is not None:  # quoted: stays a string
                return text
            tag = self._loader.resolve(ScalarNode, text, (True, False))  # type: ignore[no-untyped-call]
            node = ScalarNode(tag, text, node.start_mark, node.end_mark)
        return self.construct(node)

    def key(self, node: ScalarNode) -> Any:
        """A mapping key: constructed as YAML says, never interpolated."""
        return self.construct(node)

    def construct(self, node: Node) -> Any:
        try:
            return self._loader.construct_object(node, deep=True)
        except yaml.YAMLError as exc:
            self.report(node, yaml_message(exc))
        except ValueError as exc:  # e.g. a timestamp such as 2020-13-01
            value = node.value if isinstance(node, ScalarNode) else ""
            self.report(node, f"invalid value {value!r}: {exc}")
        return None

    def flatten(self, node: MappingNode) -> int:
        """Resolve ``<<`` merge keys in place; the number of merged pairs, which come first.

        A key of the mapping itself overrides a merged one (YAML's merge semantics);
        only keys written twice in the mapping itself are duplicates.
        """
        own = sum(1 for key, _ in node.value if key.tag != MERGE_TAG)
        try:
            self._loader.flatten_mapping(node)
        except yaml.YAMLError as exc:
            self.report(node, yaml_message(exc))
            return 0
        return len(node.value) - own


def yaml_message(exc: yaml.YAMLError) -> str:
    problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
    return str(problem)


def check_expansion(root: Node, filename: str, limit: int = MAX_VALUES) -> None:
    """Refuse recursive aliases and documents larger than ``limit`` values once expanded.

    Linear in the number of distinct nodes: sizes are memoised per node, so an alias
    bomb is measured without being expanded.
    """
    sizes: dict[int, int] = {}
    active: set[int] = set()

    def fail(node: Node, message: str) -> ConfigError:
        line = node.start_mark.line + 1
        return ConfigError(f"invalid YAML in {filename}", details=[f"{filename}:{line}: {message}"])

    def size(node: Node) -> int:
        known = sizes.get(id(node))
        if known is not None:
            return known
        if id(node) in active:
            raise fail(node, "recursive alias (an anchor used inside itself)")
        total = 1
        if isinstance(node, SequenceNode | MappingNode):
            active.add(id(node))
            children: list[Node] = []
            if isinstance(node, SequenceNode):
                children = list(node.value)
            else:
                for key, value in node.value:
                    children += [key, value]
            for child in children:
                total += size(child)
                if total > limit:
                    raise fail(
                        node,
                        f"more than {limit} values once aliases are expanded "
                        "(an alias bomb?); write the values out instead",
                    )
            active.discard(id(node))
        sizes[id(node)] = total
        return total

    size(root)


def compose(text: str, filename: str, *, what: str = "YAML") -> Node | None:
    """Parse to a node graph (None for an empty document); ConfigError on syntax errors,
    recursive aliases or an expansion over :data:`MAX_VALUES` values."""
    try:
        node = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
        line = mark.line + 1 if mark is not None else 1
        raise ConfigError(
            f"invalid {what} {filename}", details=[f"{filename}:{line}: {yaml_message(exc)}"]
        ) from None
    if node is not None:
        check_expansion(node, filename)
    return node


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

    def add(self, path: PathT, message: str) -> None:
        """A validation problem at ``path``, unless reading a value on or below it already
        failed (an unset variable, a bad date): that one is reported instead."""
        if not self.is_bad(path):
            self.problems.append(f"{self.where(path)}: {message}")

    def raise_if_any(self, message: str) -> None:
        """One ConfigError listing every problem in line order (exit 2)."""
        Problems(self.problems).raise_if_any(message)


class _Builder:
    def __init__(self, filename: str, environ: Mapping[str, str] | None) -> None:
        self.filename = filename
        self.lines: dict[PathT, int] = {}
        self.problems: list[str] = []
        self.bad_paths: list[PathT] = []
        self._path: PathT = ()
        self.scalars = ScalarReader(environ, lambda node, msg: self.problem(node, self._path, msg))

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
        self._path = path
        return self.scalars.value(node)

    def _mapping(self, node: MappingNode, path: PathT) -> dict[Any, Any]:
        self._path = path
        merged = self.scalars.flatten(node)
        out: dict[Any, Any] = {}
        own: set[Any] = set()
        for index, (key_node, value_node) in enumerate(node.value):
            if not isinstance(key_node, ScalarNode):
                self.problem(key_node, path, "mapping keys must be plain values")
                continue
            self._path = path
            key = self.scalars.key(key_node)
            if isinstance(key, int | float | bool) or key is None:
                key = key_node.value  # table/column names such as 2024 or yes stay text
            if index >= merged:  # the mapping's own keys override merged (<<) ones
                if key in own:
                    self.problem(key_node, (*path, key), "duplicate key")
                    continue
                own.add(key)
            self.lines[(*path, key)] = key_node.start_mark.line + 1
            out[key] = self.build(value_node, (*path, key))
        return out


def load(
    text: str, filename: str, environ: Mapping[str, str] | None = None, *, what: str = "YAML"
) -> Located:
    """Parse one YAML document into data and its line map.

    Syntax errors, an empty document and alias bombs raise ConfigError at once;
    problems with single values (a bad date, an unset variable, a duplicate key) are
    collected in ``problems`` so that the validator reports them with its own.
    """
    node = compose(text, filename, what=what)
    if node is None:
        raise ConfigError(
            f"invalid {what} {filename}", details=[f"{filename}:1: the file is empty"]
        )
    builder = _Builder(filename, environ)
    data = builder.build(node, ())
    return Located(
        data=data,
        filename=filename,
        lines=builder.lines,
        problems=builder.problems,
        bad_paths=builder.bad_paths,
    )


def load_file(
    path: str | Path, environ: Mapping[str, str] | None = None, *, what: str = "YAML"
) -> Located:
    """:func:`load` of a UTF-8 file; ConfigError if it cannot be read."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise ConfigError(f"cannot read {what} {path}: {exc.strerror}") from None
    except UnicodeDecodeError:
        raise ConfigError(f"{what} {path} is not UTF-8 text") from None
    return load(text, str(path), environ, what=what)
