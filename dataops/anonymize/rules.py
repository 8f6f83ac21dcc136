"""The anonymization rules file: load, interpolate, validate -- every problem at once.

Shape (see the README for the reference)::

    version: 1
    secret: ${DATAOPS_ANONYMIZE_SECRET}
    locale: en_US
    unknown_tables: fail          # fail | keep | truncate
    unknown_columns: fail         # fail | keep | null
    large_objects: fail           # fail | keep | empty
    tables:
      public.customer:
        columns:
          email: {transform: email, unique: true}
      public.film: keep
      public.audit_log: truncate

Errors are reported as ``file:line: path: message`` using PyYAML's node marks
(collected by :class:`dataops.config.problems.Problems`); unknown keys are errors;
values are read by :mod:`dataops.config.yamlsource` (``${VAR}``, ``${VAR:-default}``,
``$$`` for a literal ``$``, bounded alias expansion).
"""

from __future__ import annotations

import difflib
import fnmatch
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from dataops.anonymize.transforms import ParamError, TransformSpec, families
from dataops.anonymize.transforms.fake import check_locale
from dataops.anonymize.transforms.jsonpath import parse_path
from dataops.config import yamlsource
from dataops.config.problems import Problems
from dataops.errors import ConfigError
from dataops.log import register_secret

TABLE_POLICIES = ("fail", "keep", "truncate")
COLUMN_POLICIES = ("fail", "keep", "null")
LARGE_OBJECT_POLICIES = ("fail", "keep", "empty")
MIN_SECRET_LENGTH = 8

_TOP_KEYS = {
    "version",
    "secret",
    "locale",
    "unknown_tables",
    "unknown_columns",
    "large_objects",
    "tables",
}


@dataclass(frozen=True)
class ColumnRule:
    action: str  # keep | null | transform
    spec: TransformSpec | None = None
    line: int = 0

    def describe(self) -> str:
        if self.spec is None:
            return self.action
        return self.spec.canonical()


KEEP_COLUMN = ColumnRule("keep")


@dataclass
class TableRule:
    pattern: str  # schema.table, glob characters allowed
    action: str  # keep | truncate | columns
    columns: dict[str, ColumnRule] = field(default_factory=dict)
    unknown_columns: str | None = None
    line: int = 0

    @property
    def is_glob(self) -> bool:
        return any(c in self.pattern for c in "*?[")

    @property
    def bare(self) -> bool:
        """A table name without schema/database (MySQL dumps: ``table`` in any database)."""
        return "." not in self.pattern and '"' not in self.pattern

    def matches(self, qualified: str) -> bool:
        if self.bare and "." in qualified:
            qualified = qualified.partition(".")[2]
        if self.is_glob:
            return fnmatch.fnmatchcase(qualified, self.pattern)
        return qualified == self.pattern


@dataclass
class Rules:
    path: str
    secret: bytes
    locale: str = "en_US"
    unknown_tables: str = "fail"
    unknown_columns: str = "fail"
    large_objects: str = "fail"
    tables: list[TableRule] = field(default_factory=list)

    def where(self, line: int) -> str:
        return f"{self.path}:{line}" if line else self.path

    def __repr__(self) -> str:  # never show the secret
        return f"Rules(path={self.path!r}, tables={len(self.tables)})"


class _Problems:
    """Problems at YAML nodes, collected in the one :class:`Problems` collector."""

    def __init__(self, source: str) -> None:
        self.source = source
        self.collected = Problems()

    @property
    def items(self) -> list[str]:
        return self.collected.items

    def add(self, node: yaml.Node | None, path: str, message: str) -> None:
        line = node.start_mark.line + 1 if node is not None else None
        self.collected.at(self.source, line, path, message)

    def raise_if_any(self) -> None:
        count = len(self.collected)
        self.collected.raise_if_any(f"{self.source}: {count} problem(s) in the anonymization rules")


class _Reader:
    """Turns YAML nodes into values (:class:`yamlsource.ScalarReader`: ``${VAR}``...)."""

    def __init__(self, problems: _Problems, environ: Mapping[str, str] | None) -> None:
        self.problems = problems
        self._path = ""
        self._scalars = yamlsource.ScalarReader(
            environ, lambda node, message: problems.add(node, self._path, message)
        )

    def scalar(self, node: yaml.Node, path: str) -> Any:
        assert isinstance(node, yaml.ScalarNode)
        self._path = path
        return self._scalars.value(node)

    def value(self, node: yaml.Node, path: str) -> Any:
        if isinstance(node, yaml.ScalarNode):
            return self.scalar(node, path)
        if isinstance(node, yaml.SequenceNode):
            return [self.value(n, f"{path}[{i}]") for i, n in enumerate(node.value)]
        if isinstance(node, yaml.MappingNode):
            self._scalars.flatten(node)
            return {
                str(self._scalars.key(k)): self.value(v, f"{path}.{k.value}") for k, v in node.value
            }
        return None

    def mapping(self, node: yaml.Node, path: str) -> list[tuple[str, Any, Any]] | None:
        """Keys (as strings) and nodes of a mapping; duplicates reported."""
        if not isinstance(node, yaml.MappingNode):
            self.problems.add(node, path, "must be a mapping")
            return None
        self._path = path
        merged = self._scalars.flatten(node)
        found: dict[str, tuple[Any, Any]] = {}
        own: set[str] = set()
        for index, (knode, vnode) in enumerate(node.value):
            if not isinstance(knode, yaml.ScalarNode):
                self.problems.add(knode, path, "keys must be scalars")
                continue
            key = str(self._scalars.key(knode))
            if index >= merged:  # the mapping's own keys override merged (<<) ones
                if key in own:
                    self.problems.add(knode, f"{path}.{key}" if path else key, "duplicate key")
                    continue
                own.add(key)
                found.pop(key, None)
            found[key] = (knode, vnode)
        return [(key, knode, vnode) for key, (knode, vnode) in found.items()]


def _join(path: str, key: str) -> str:
    return f"{path}.{key}" if path else key


def load_rules(path: str | Path, environ: Mapping[str, str] | None = None) -> Rules:
    """Read and validate a rules file; ConfigError lists every problem."""
    source = str(path)
    try:
        text = Path(path).read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ConfigError(f"{source}: rules file not found") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{source}: cannot read rules file: {exc}") from None
    return parse_rules(text, source, environ)


def parse_rules(
    text: str, source: str = "<rules>", environ: Mapping[str, str] | None = None
) -> Rules:
    problems = _Problems(source)
    root = yamlsource.compose(text, source, what="rules file")
    if root is None:
        raise ConfigError(f"{source}: the rules file is empty")
    reader = _Reader(problems, environ)
    rules = Rules(path=source, secret=b"")
    entries = reader.mapping(root, "")
    if entries is None:
        problems.raise_if_any()
        raise AssertionError("unreachable")
    found = {k for k, _, _ in entries}
    for required in ("version", "secret", "tables"):
        if required not in found:
            problems.add(root, required, "is required")
    for key, knode, vnode in entries:
        if key not in _TOP_KEYS:
            problems.add(knode, key, f"unknown key (allowed: {', '.join(sorted(_TOP_KEYS))})")
            continue
        if key == "tables":
            continue
        before = len(problems.items)
        value = reader.value(vnode, key)
        if len(problems.items) > before:
            continue  # e.g. an unset environment variable: reported once
        if key == "version":
            if value != 1 or isinstance(value, bool):
                problems.add(vnode, key, "must be 1")
        elif key == "secret":
            if not isinstance(value, str) or not value:
                problems.add(
                    vnode, key, "must be a non-empty string (e.g. ${DATAOPS_ANONYMIZE_SECRET})"
                )
            elif len(value) < MIN_SECRET_LENGTH:
                problems.add(vnode, key, f"must be at least {MIN_SECRET_LENGTH} characters")
            else:
                register_secret(value)
                rules.secret = value.encode("utf-8")
        elif key == "locale":
            problem = check_locale(value) if isinstance(value, str) else "must be a string"
            if problem:
                problems.add(vnode, key, problem)
            else:
                rules.locale = value
        else:
            if key == "unknown_columns" and value is None:
                value = "null"  # `unknown_columns: null` reads as YAML null
            allowed = {
                "unknown_tables": TABLE_POLICIES,
                "unknown_columns": COLUMN_POLICIES,
                "large_objects": LARGE_OBJECT_POLICIES,
            }[key]
            if value not in allowed:
                problems.add(vnode, key, f"must be one of {', '.join(allowed)}")
            else:
                setattr(rules, key, value)
    for key, _knode, vnode in entries:
        if key == "tables":
            _tables(reader, vnode, rules)
    problems.raise_if_any()
    return rules


def _table_pattern(key: str) -> str | None:
    """``schema.table`` (identifiers may be double-quoted) -> canonical ``schema.table``."""
    if '"' not in key:
        if "." not in key:
            return key or None  # a bare table name (MySQL dumps); PostgreSQL refuses it
        schema, _, table = key.partition(".")
        return f"{schema}.{table}" if schema and table else None
    parts: list[str] = []
    i = 0
    cur = ""
    while i < len(key):
        c = key[i]
        if c == '"':
            j = i + 1
            while True:
                k = key.find('"', j)
                if k < 0:
                    return None
                if k + 1 < len(key) and key[k + 1] == '"':
                    cur += key[j:k] + '"'
                    j = k + 2
                    continue
                cur += key[j:k]
                i = k + 1
                break
        elif c == ".":
            parts.append(cur)
            cur = ""
            i += 1
        else:
            cur += c
            i += 1
    parts.append(cur)
    if len(parts) != 2 or not all(parts):
        return None
    return f"{parts[0]}.{parts[1]}"


def _tables(reader: _Reader, node: yaml.Node, rules: Rules) -> None:
    entries = reader.mapping(node, "tables")
    if entries is None:
        return
    for key, knode, vnode in entries:
        path = f"tables.{key}"
        pattern = _table_pattern(key)
        if pattern is None:
            reader.problems.add(knode, path, "table must be given as schema.table (or table)")
            continue
        line = knode.start_mark.line + 1
        if isinstance(vnode, yaml.ScalarNode):
            value = reader.scalar(vnode, path)
            if value in ("keep", "truncate"):
                rules.tables.append(TableRule(pattern, value, line=line))
            else:
                reader.problems.add(
                    vnode, path, "must be keep, truncate or a mapping with columns:"
                )
            continue
        items = reader.mapping(vnode, path)
        if items is None:
            continue
        rule = TableRule(pattern, "columns", line=line)
        keys = {k for k, _, _ in items}
        if "columns" not in keys:
            reader.problems.add(vnode, path, "columns: is required (or use keep / truncate)")
        for tkey, tknode, tvnode in items:
            tpath = f"{path}.{tkey}"
            if tkey == "columns":
                _columns(reader, tvnode, tpath, rule, rules)
            elif tkey == "unknown_columns":
                value = reader.value(tvnode, tpath)
                value = "null" if value is None else value
                if value not in COLUMN_POLICIES:
                    reader.problems.add(
                        tvnode, tpath, f"must be one of {', '.join(COLUMN_POLICIES)}"
                    )
                else:
                    rule.unknown_columns = value
            else:
                reader.problems.add(
                    tknode, tpath, "unknown key (allowed: columns, unknown_columns)"
                )
        rules.tables.append(rule)


def _columns(reader: _Reader, node: yaml.Node, path: str, rule: TableRule, rules: Rules) -> None:
    if isinstance(node, yaml.ScalarNode) and node.tag == "tag:yaml.org,2002:null":
        reader.problems.add(node, path, "must be a mapping of column -> rule")
        return
    entries = reader.mapping(node, path)
    if entries is None:
        return
    for name, knode, vnode in entries:
        cpath = f"{path}.{name}"
        line = knode.start_mark.line + 1
        if isinstance(vnode, yaml.ScalarNode):
            value = reader.scalar(vnode, cpath)
            if value == "keep":
                rule.columns[name] = ColumnRule("keep", line=line)
            elif value is None or value == "null":
                rule.columns[name] = ColumnRule("null", line=line)
            else:
                reader.problems.add(vnode, cpath, "must be keep, null or a mapping with transform:")
            continue
        spec = parse_transform(reader, vnode, cpath, rules, allow_unique=True)
        if spec is not None:
            rule.columns[name] = ColumnRule("transform", spec, line=line)


def parse_transform(
    reader: _Reader, node: yaml.Node, path: str, rules: Rules, *, allow_unique: bool
) -> TransformSpec | None:
    entries = reader.mapping(node, path)
    if entries is None:
        return None
    known = families()
    by_key = {k: (kn, vn) for k, kn, vn in entries}
    if "transform" not in by_key:
        others = ", ".join(repr(k) for k in by_key)
        close = difflib.get_close_matches("transform", list(by_key), n=1, cutoff=0.6)
        hint = f"; unknown key {close[0]!r} (did you mean transform?)" if close else ""
        where = f" (keys given: {others})" if others and not close else ""
        reader.problems.add(node, path, f"transform: is required{hint}{where}")
        return None
    tnode = by_key["transform"][1]
    name = reader.value(tnode, f"{path}.transform")
    if name not in known:
        reader.problems.add(
            tnode,
            f"{path}.transform",
            f"unknown transform {name!r} (known: {', '.join(sorted(known))})",
        )
        return None
    family = known[name]
    ok = True
    params: dict[str, Any] = {}
    unique = False
    for key, (knode, vnode) in by_key.items():
        kpath = f"{path}.{key}"
        if key == "transform":
            continue
        if key == "unique":
            value = reader.value(vnode, kpath)
            if not isinstance(value, bool):
                reader.problems.add(vnode, kpath, "must be true or false")
                ok = False
            elif value and not allow_unique:
                reader.problems.add(vnode, kpath, "unique is not supported inside json paths")
                ok = False
            else:
                unique = value
            continue
        spec = family.params.get(key)
        if spec is None:
            allowed = ", ".join(["transform", "unique", *family.params])
            reader.problems.add(knode, kpath, f"unknown parameter for {name} (allowed: {allowed})")
            ok = False
            continue
        if name == "json" and key == "paths":
            nested = _json_paths(reader, vnode, kpath, rules)
            if nested is None:
                ok = False
            else:
                params[key] = nested
            continue
        value = reader.value(vnode, kpath)
        # a number parameter (ratio: 1) reads as a float; a constant's value keeps its type
        if float in spec.types and str not in spec.types and type(value) is int:
            value = float(value)
        if not isinstance(value, spec.types) or (
            isinstance(value, bool) and bool not in spec.types
        ):
            names = " or ".join(_type_name(t) for t in spec.types)
            reader.problems.add(vnode, kpath, f"must be {names}")
            ok = False
            continue
        if spec.check is not None:
            problem = spec.check(value)
            if problem:
                reader.problems.add(vnode, kpath, problem)
                ok = False
                continue
        params[key] = value
    for key, spec in family.params.items():
        if key not in params and key not in by_key:
            if spec.required:
                reader.problems.add(node, f"{path}.{key}", f"is required for transform {name}")
                ok = False
            else:
                params[key] = spec.default
    if not ok:
        return None
    if "locale" in family.params and params.get("locale") is None:
        params["locale"] = rules.locale  # the default locale determines the output
    try:
        family.validate(params)
    except ParamError as exc:
        target = by_key.get(exc.key.split(".")[0], (node, node))[1]
        reader.problems.add(target, f"{path}.{exc.key}" if exc.key else path, exc.message)
        return None
    if unique:
        reason = family.can_be_unique(params)
        if reason:
            reader.problems.add(by_key["unique"][1], f"{path}.unique", reason)
            return None
    return TransformSpec(name, params, unique, node.start_mark.line + 1)


def _json_paths(
    reader: _Reader, node: yaml.Node, path: str, rules: Rules
) -> dict[str, TransformSpec] | None:
    entries = reader.mapping(node, path)
    if entries is None:
        return None
    out: dict[str, TransformSpec] = {}
    ok = True
    for jpath, knode, vnode in entries:
        try:
            parse_path(jpath)
        except ValueError as exc:
            reader.problems.add(knode, f"{path}.{jpath}", str(exc))
            ok = False
            continue
        inner = parse_transform(reader, vnode, f"{path}.{jpath}", rules, allow_unique=False)
        if inner is None:
            ok = False
        elif inner.name == "template" or inner.name == "json":
            reader.problems.add(
                vnode, f"{path}.{jpath}", f"{inner.name} cannot be used inside json"
            )
            ok = False
        else:
            out[jpath] = inner
    return out if ok else None


def _type_name(t: type) -> str:
    return {
        str: "a string",
        int: "an integer",
        float: "a number",
        bool: "true/false",
        list: "a list",
        dict: "a mapping",
        type(None): "null",
    }.get(t, t.__name__)
