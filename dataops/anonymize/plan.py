"""Rules + the dump's DDL -> what to do with every data section (implements DumpPlan).

:meth:`Plan.check` resolves a rule for every table with data and every column of
the tables given with ``columns:``, and checks the rules against the dump's own
constraints.  It raises one :class:`ConfigError` listing every problem.  After
that, :meth:`Plan.action` and :meth:`Plan.transformer` drive the engine.
"""

from __future__ import annotations

import functools
import itertools
import logging
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field

from dataops.anonymize import arrays, typecheck
from dataops.anonymize.coltypes import UNKNOWN, ColType
from dataops.anonymize.engine_api import CopyTransformer, TableAction, TableData
from dataops.anonymize.formats import copytext
from dataops.anonymize.formats.ddl import Catalog, QName
from dataops.anonymize.rowtransform import (
    ColumnFn,
    ColumnFns,
    RowTransformer,
    TemplateColumn,
    UniqueGuard,
)
from dataops.anonymize.rules import KEEP_COLUMN, ColumnRule, Rules, TableRule
from dataops.anonymize.transforms import BuildContext, TransformSpec, get_family
from dataops.anonymize.transforms.base import TypeMismatch, ValueFn, derive_key, python_encoding
from dataops.errors import ConfigError

log = logging.getLogger(__name__)

CACHE_SIZE = 1 << 16
NULL_COLUMN = ColumnRule("null")


@dataclass
class ResolvedTable:
    table: TableData
    action: TableAction
    rule: TableRule | None
    columns: dict[str, ColumnRule] = field(default_factory=dict)  # every data column

    @property
    def transformed(self) -> list[str]:
        return [c for c, r in self.columns.items() if r.action != "keep"]


class Plan:
    """The DumpPlan of :mod:`dataops.anonymize.engine_api`, built from loaded rules."""

    def __init__(self, rules: Rules, *, encoding: str | None = None) -> None:
        self.rules = rules
        self.encoding = encoding
        self.catalog = Catalog()
        self._resolved: dict[QName, ResolvedTable] = {}
        self._checked = False
        self._value_fns: dict[tuple[str, str, ColType | None], ValueFn] = {}
        self._column_fns: dict[tuple[object, ...], ColumnFns] = {}

    # ------------------------------------------------------------ DumpPlan API
    @property
    def large_objects(self) -> str:
        """Policy for large object contents: ``keep`` or ``empty`` (``fail`` is rejected by check)."""
        return self.rules.large_objects

    def check(
        self,
        catalog: Catalog,
        tables: Sequence[TableData],
        has_large_objects: bool | None = None,
    ) -> None:
        """Resolve rules for ``tables`` and raise ConfigError listing every problem."""
        self.catalog = catalog
        problems: list[str] = []
        if catalog.insert_statements:
            names = sorted(set(catalog.insert_statements))
            problems.append(
                "dump: table data is given as INSERT statements (pg_dump --inserts / "
                f"--column-inserts), which are not anonymized; dump with COPY: {', '.join(names[:10])}"
            )
        lo_count = catalog.large_objects or (1 if has_large_objects else 0)
        if lo_count and self.rules.large_objects == "fail":
            problems.append(
                f"{self.rules.path}: large_objects: the dump contains {catalog.large_objects or 'some'} "
                "large object(s); decide with large_objects: keep or large_objects: empty"
            )
        if getattr(catalog, "dialect", "postgresql") != "mysql":
            problems.extend(
                f"{self._where(r.line, 'tables.' + r.pattern)}: name the table as schema.table"
                for r in self.rules.tables
                if r.bare
            )
        resolved: dict[QName, ResolvedTable] = {}
        for table in tables:
            res = self._resolve(table, problems)
            if res is not None:
                resolved[(table.schema, table.table)] = res
        self._unused_rules(tables, problems)
        self._constraints(resolved, problems)
        self._templates(resolved, problems)
        self._types(resolved, problems)
        if problems:
            raise ConfigError(
                f"the anonymization rules do not fit the dump ({len(problems)} problem(s))",
                details=problems,
            )
        self._resolved.update(resolved)
        self._checked = True

    def check_table(self, table: TableData) -> None:
        """Check a data section met after :meth:`check` (plain dumps read as a stream)."""
        key = (table.schema, table.table)
        known = self._resolved.get(key)
        if known is not None and tuple(known.table.columns) == tuple(table.columns):
            return
        problems: list[str] = []
        res = self._resolve(table, problems)
        if res is not None:
            self._constraints({key: res}, problems)
            self._templates({key: res}, problems)
            self._types({key: res}, problems)
        if problems:
            raise ConfigError(
                f"the anonymization rules do not fit the dump ({len(problems)} problem(s))",
                details=problems,
            )
        assert res is not None
        self._resolved[key] = res

    def action(self, table: TableData) -> TableAction:
        return self._get(table).action

    def transformed_columns(self, table: TableData) -> list[str]:
        return self._get(table).transformed

    def transformer(self, table: TableData) -> CopyTransformer:
        return self.row_transformer(table)

    def row_transformer(self, table: TableData) -> RowTransformer:
        res = self._get(table)
        columns = list(table.columns)
        fns: list[tuple[int, ColumnFns]] = []
        templates: list[TemplateColumn] = []
        for index, name in enumerate(columns):
            rule = res.columns.get(name, KEEP_COLUMN)
            if rule.action == "keep":
                continue
            if rule.action == "null":
                fns.append((index, NULL_FNS))
                continue
            assert rule.spec is not None
            family = get_family(rule.spec.name)
            if family.row_dependent:
                ctx = self._context(table, name)
                key = derive_key(self.rules.secret, rule.spec.canonical())
                templates.append(
                    TemplateColumn(
                        index,
                        name,
                        family.build_row(rule.spec, key, ctx),
                        family.references(rule.spec),
                    )
                )
                continue
            fns.append((index, self._column_fn(table, name, rule.spec)))
        return RowTransformer(table, columns, fns, _order_templates(templates))

    # ------------------------------------------------------------- internals
    def _get(self, table: TableData) -> ResolvedTable:
        key = (table.schema, table.table)
        res = self._resolved.get(key)
        if res is None or tuple(res.table.columns) != tuple(table.columns):
            self.check_table(table)
            res = self._resolved[key]
        return res

    def _encoding(self) -> str:
        return self.encoding or python_encoding(self.catalog.encoding)

    def _coltype(self, table: TableData, column: str) -> ColType:
        return self.catalog.column_type((table.schema, table.table), column)

    def _context(self, table: TableData, column: str) -> BuildContext:
        encoding = self._encoding()
        col = self.catalog.column((table.schema, table.table), column)
        return BuildContext(
            encoding=encoding,
            default_locale=self.rules.locale,
            column_type=col.type if col else "",
            build_nested=lambda spec: self._value_fn(spec, encoding, None),
        )

    def _value_fn(self, spec: TransformSpec, encoding: str, coltype: ColType | None) -> ValueFn:
        """The value function of ``spec`` for values of type ``coltype`` (an array's element
        type; None when unknown or irrelevant: the type-independent output)."""
        canonical = spec.canonical()
        if coltype is not None and coltype.name == "unknown":
            coltype = None
        key = (canonical, encoding, coltype)
        fn = self._value_fns.get(key)
        if fn is None:
            family = get_family(spec.name)
            fn = family.build(spec, derive_key(self.rules.secret, canonical), self._ctx(coltype))
            self._value_fns[key] = fn
        return fn

    def _ctx(self, coltype: ColType | None) -> BuildContext:
        encoding = self._encoding()
        return BuildContext(
            encoding=encoding,
            default_locale=self.rules.locale,
            column_type=coltype.name if coltype is not None else "",
            build_nested=lambda inner: self._value_fn(inner, encoding, None),
            coltype=coltype,
        )

    def _column_fn(self, table: TableData, column: str, spec: TransformSpec) -> ColumnFns:
        coltype = self._coltype(table, column)
        whole = typecheck.whole_value(spec, coltype)
        is_array = coltype.is_array and not whole
        element: ColType | None = None if whole or coltype is UNKNOWN else coltype.element()
        ctx = self._ctx(element)
        family = get_family(spec.name)
        key: tuple[object, ...] = (spec.canonical(), ctx.encoding, element, is_array)
        if spec.unique:  # its own cache and collision guard, one per table column
            key = (*key, table.qualified, column)
        fns = self._column_fns.get(key)
        if fns is None:
            value_fn = self._value_fn(spec, ctx.encoding, element)
            guard = UniqueGuard(f"{table.qualified}.{column}") if spec.unique else None
            derived = derive_key(self.rules.secret, spec.canonical())
            if is_array:  # element by element: the per-value path (no kernel)
                value_fn = arrays.element_wise(value_fn, ctx.encoding)
                raw = _column_wrapper(value_fn, guard, False, None)
                fns = ColumnFns(_cached(raw, family.cacheable), raw, None, guard)
            else:
                safe = family.output_safe(spec, ctx)
                fast = family.build_fast(spec, derived, ctx)
                raw = _column_wrapper(value_fn, guard, safe, fast)
                kernel = family.build_kernel(spec, derived, ctx)
                fns = ColumnFns(_cached(raw, family.cacheable), raw, kernel, guard)
            self._column_fns[key] = fns
        return fns

    def prepare(self) -> None:
        """Build every transformer once (Faker pools...), e.g. before worker processes fork."""
        for res in list(self._resolved.values()):
            if res.action is TableAction.TRANSFORM:
                self.row_transformer(res.table)

    def _match(self, qualified: str) -> tuple[TableRule | None, list[TableRule]]:
        exact = [r for r in self.rules.tables if not r.is_glob and r.matches(qualified)]
        exact.sort(key=lambda r: r.bare)  # db.table before table
        if exact:
            return exact[0], []
        globs = [r for r in self.rules.tables if r.is_glob and r.matches(qualified)]
        if len(globs) == 1:
            return globs[0], []
        return None, globs

    def rule_for(self, qname: QName) -> tuple[TableRule | None, list[TableRule]]:
        """The rule of a table: its own, a glob, or its partitioned parent's."""
        rule, ambiguous = self._match(f"{qname[0]}.{qname[1]}")
        if rule is not None or ambiguous:
            return rule, ambiguous
        for ancestor in self.catalog.partition_ancestors(qname):
            rule, ambiguous = self._match(f"{ancestor[0]}.{ancestor[1]}")
            if rule is not None or ambiguous:
                return rule, ambiguous
        return None, []

    def _where(self, line: int, path: str) -> str:
        return f"{self.rules.where(line)}: {path}"

    def _resolve(self, table: TableData, problems: list[str]) -> ResolvedTable | None:
        qname = (table.schema, table.table)
        where_dump = f" ({table.location})" if table.location else ""
        rule, ambiguous = self.rule_for(qname)
        if ambiguous:
            pats = ", ".join(f"{r.pattern} (line {r.line})" for r in ambiguous)
            problems.append(
                f"{self.rules.path}: tables: {table.qualified}{where_dump} matches several patterns: {pats}"
            )
            return None
        if rule is None:
            policy = self.rules.unknown_tables
            if policy == "fail":
                problems.append(
                    f"{self.rules.path}: tables: no rule for table {table.qualified}{where_dump} "
                    "(add it, or set unknown_tables: keep / truncate)"
                )
                return None
            action = TableAction.KEEP if policy == "keep" else TableAction.TRUNCATE
            return ResolvedTable(table, action, None, {c: KEEP_COLUMN for c in table.columns})
        if rule.action == "keep":
            return ResolvedTable(
                table, TableAction.KEEP, rule, {c: KEEP_COLUMN for c in table.columns}
            )
        if rule.action == "truncate":
            return ResolvedTable(
                table, TableAction.TRUNCATE, rule, {c: KEEP_COLUMN for c in table.columns}
            )
        policy = rule.unknown_columns or self.rules.unknown_columns
        columns: dict[str, ColumnRule] = {}
        ok = True
        for name in table.columns:
            col_rule = rule.columns.get(name)
            if col_rule is None:
                if policy == "fail":
                    problems.append(
                        f"{self._where(rule.line, 'tables.' + rule.pattern)}: column "
                        f"{table.qualified}.{name} is not covered (add it, or set unknown_columns: keep / null)"
                    )
                    ok = False
                    columns[name] = KEEP_COLUMN  # so the other checks still see the table
                    continue
                col_rule = KEEP_COLUMN if policy == "keep" else NULL_COLUMN
            columns[name] = col_rule
        data_cols = set(table.columns)
        for name, col_rule in rule.columns.items():
            if name in data_cols:
                continue
            path = f"tables.{rule.pattern}.columns.{name}"
            info = self.catalog.column(qname, name)
            if info is not None and info.generated:
                problems.append(
                    f"{self._where(col_rule.line, path)}: {table.qualified}.{name} is a generated "
                    "column: it has no data in the dump and is recomputed on restore; remove the rule"
                )
            else:
                close = ", ".join(table.columns)
                problems.append(
                    f"{self._where(col_rule.line, path)}: table {table.qualified} has no column "
                    f"{name!r} in the dump (columns: {close})"
                )
            ok = False
        del ok  # problems are reported; the table still goes through the other checks
        action = (
            TableAction.TRANSFORM
            if any(r.action != "keep" for r in columns.values())
            else TableAction.KEEP
        )
        return ResolvedTable(table, action, rule, columns)

    def _unused_rules(self, tables: Sequence[TableData], problems: list[str]) -> None:
        names = {t.qualified for t in tables} | {t.qualified for t in self.catalog}
        for rule in self.rules.tables:
            if not any(rule.matches(n) for n in names):
                what = "pattern matches no table" if rule.is_glob else "table is not in the dump"
                problems.append(f"{self._where(rule.line, 'tables.' + rule.pattern)}: {what}")

    def _column_rule(
        self, resolved: dict[QName, ResolvedTable], qname: QName, column: str
    ) -> tuple[ResolvedTable | None, ColumnRule | None]:
        res = resolved.get(qname) or self._resolved.get(qname)
        if res is None:
            return None, None
        return res, res.columns.get(column)

    def _rule_line(self, res: ResolvedTable, column: str) -> str:
        if res.rule is None:
            return f"{self.rules.path}: tables: {res.table.qualified}"
        rule_col = res.rule.columns.get(column)
        line = rule_col.line if rule_col else res.rule.line
        path = f"tables.{res.rule.pattern}" + (f".columns.{column}" if rule_col else "")
        return self._where(line, path)

    def _constraints(self, resolved: dict[QName, ResolvedTable], problems: list[str]) -> None:
        cat = self.catalog
        for qname, res in resolved.items():
            if res.action in (TableAction.KEEP, TableAction.TRUNCATE):
                continue
            for name, rule in res.columns.items():
                if rule.action == "keep":
                    continue
                if cat.is_not_null(qname, name) and _may_output_null(rule):
                    problems.append(
                        f"{self._rule_line(res, name)}: {res.table.qualified}.{name} is NOT NULL "
                        f"in the dump; {'null' if rule.action == 'null' else 'this transform can give NULL and'} "
                        "would fail the restore"
                    )
            for key in cat.keys_of(qname):
                for name in key.columns:
                    key_rule = res.columns.get(name)
                    if key_rule is None or key_rule.spec is None:
                        continue
                    if not typecheck.injective(key_rule.spec, cat.column_type(qname, name)):
                        hint = (
                            "set unique: true"
                            if key_rule.spec.name == "email"
                            else "use keep, tokenize, hash, uuid or email with unique: true"
                        )
                        problems.append(
                            f"{self._rule_line(res, name)}: {res.table.qualified}.{name} is part of "
                            f"{key.kind} {key.name or ''} and transform {key_rule.spec.name!r} is lossy "
                            f"(distinct values could become equal); {hint}"
                        )
        # foreign keys: both ends must produce the same values
        for fk in cat.foreign_keys:
            child_leaves = cat.leaves(fk.table)
            parent_leaves = cat.leaves(fk.ref_table)
            if not any(q in resolved for q in child_leaves + parent_leaves):
                continue
            for child in child_leaves:
                cres = resolved.get(child) or self._resolved.get(child)
                if cres is None or cres.action == TableAction.TRUNCATE:
                    continue
                for parent in parent_leaves:
                    pres = resolved.get(parent) or self._resolved.get(parent)
                    if pres is None:
                        continue
                    if pres.action == TableAction.TRUNCATE:
                        problems.append(
                            f"{self._rule_line(pres, '')}: {pres.table.qualified} is truncated but "
                            f"{cres.table.qualified} keeps rows referencing it (FOREIGN KEY "
                            f"{fk.name}); truncate both or neither"
                        )
                        continue
                    for col, ref in zip(fk.columns, fk.ref_columns, strict=False):
                        crule = cres.columns.get(col, KEEP_COLUMN)
                        prule = pres.columns.get(ref, KEEP_COLUMN)
                        if crule.action == "null":
                            continue  # a NULL reference is always valid
                        ctype = cat.column_type(child, col)
                        ptype = cat.column_type(parent, ref)
                        if _identity(crule) != _identity(prule):
                            problems.append(
                                f"{self._rule_line(cres, col)}: FOREIGN KEY {fk.name}: "
                                f"{cres.table.qualified}.{col} ({_show(crule)}) and "
                                f"{pres.table.qualified}.{ref} ({_show(prule)}) must use the same rule "
                                "so that references still match"
                            )
                        elif _identity(crule, ctype) != _identity(prule, ptype):
                            problems.append(
                                f"{self._rule_line(cres, col)}: FOREIGN KEY {fk.name}: "
                                f"{cres.table.qualified}.{col} ({ctype.describe()}) and "
                                f"{pres.table.qualified}.{ref} ({ptype.describe()}) use the same "
                                f"rule, but {_show(crule)} adapts to the column type and would "
                                "give different values: give both columns the same type, or keep"
                            )

    def _templates(self, resolved: dict[QName, ResolvedTable], problems: list[str]) -> None:
        for res in resolved.values():
            for name, rule in res.columns.items():
                if rule.spec is None or not get_family(rule.spec.name).row_dependent:
                    continue
                for ref in get_family(rule.spec.name).references(rule.spec):
                    if ref not in res.columns:
                        problems.append(
                            f"{self._rule_line(res, name)}: template refers to {{{ref}}}, which is "
                            f"not a column of {res.table.qualified} in the dump"
                        )
            try:
                _order_templates(
                    [
                        TemplateColumn(0, n, _no_row_fn, get_family(r.spec.name).references(r.spec))
                        for n, r in res.columns.items()
                        if r.spec is not None and get_family(r.spec.name).row_dependent
                    ]
                )
            except ValueError as exc:
                problems.append(f"{self._rule_line(res, '')}: {exc}")

    def _types(self, resolved: dict[QName, ResolvedTable], problems: list[str]) -> None:
        """Every transform against its column's type (see :mod:`typecheck`)."""
        encoding = self._encoding()

        def build(spec: TransformSpec, col: ColType) -> ValueFn:
            return self._value_fn(spec, encoding, col)

        for qname, res in resolved.items():
            if res.action is not TableAction.TRANSFORM:
                continue
            for name, rule in res.columns.items():
                if rule.spec is None:
                    continue
                col = self.catalog.column_type(qname, name)
                where = f"{self.rules.where(rule.line)}: {res.table.qualified}.{name}"
                if get_family(rule.spec.name).row_dependent:
                    message = self._template_fit(qname, res, name, rule.spec, col)
                    found = [message] if message else []
                else:
                    found = typecheck.column_problems(rule.spec, col, name, build)
                problems.extend(f"{where}: {m}" for m in found)

    def _template_fit(
        self, qname: QName, res: ResolvedTable, name: str, spec: TransformSpec, col: ColType
    ) -> str | None:
        if col.name == "unknown":
            return None
        if col.category != "text" or col.is_array:
            return (
                f"template produces text; column {name} is {col.describe()}: "
                "use a template only on text columns"
            )
        limit = col.length
        if limit is None:
            return None
        total: int | None = sum(len(lit) for lit in _template_literals(spec))
        for ref in get_family(spec.name).references(spec):
            ref_rule = res.columns.get(ref)
            most = None if ref_rule is None else self._max_chars(qname, ref, ref_rule)
            total = None if total is None or most is None else total + most
        if total is not None and total <= limit:
            return None
        size = "of unbounded length" if total is None else f"of up to {total} characters"
        return (
            f"template produces text {size}; column {name} is {col.describe()}: "
            "refer to columns of bounded length, or shorten the template"
        )

    def _max_chars(self, qname: QName, column: str, rule: ColumnRule) -> int | None:
        """The longest text a column's output can have (None: unbounded or unknown)."""
        if rule.action == "null":
            return 0
        col = self.catalog.column_type(qname, column)
        if col.is_array or col.name == "unknown":
            return None
        if rule.action == "keep" or rule.spec is None:
            widths = {"uuid": 36, "date": 13, "boolean": 5, "integer": 20}
            return col.length if col.category == "text" else widths.get(col.category)
        family = get_family(rule.spec.name)
        if family.row_dependent:
            return None
        try:
            out = family.produces(rule.spec, col)
        except TypeMismatch:
            return None
        if out.values is not None:
            return max((len(v) for v in out.values if v is not None), default=0)
        if out.categories == frozenset({"uuid"}):
            return 36
        return out.max_chars


def _template_literals(spec: TransformSpec) -> list[str]:
    import string

    return [lit for lit, _, _, _ in string.Formatter().parse(spec.params["template"])]


def _no_row_fn(value: bytes, row: object) -> bytes:
    return value


def _identity(rule: ColumnRule, col: ColType = UNKNOWN) -> str:
    if rule.action == "transform" and rule.spec is not None:
        return rule.spec.canonical() + typecheck.type_key(rule.spec, col)
    return rule.action


def _show(rule: ColumnRule) -> str:
    return rule.spec.name if rule.spec is not None else rule.action


def _may_output_null(rule: ColumnRule) -> bool:
    if rule.action == "null":
        return True
    spec = rule.spec
    if spec is None:
        return False
    if spec.name == "constant":
        return spec.params.get("value") is None
    if spec.name == "choice":
        return any(v is None for v in spec.params.get("values", []))
    return False


def _order_templates(templates: Iterable[TemplateColumn]) -> list[TemplateColumn]:
    """Templates that read other templates come after them; a cycle is a ValueError."""
    pending = {t.name: t for t in templates}
    ordered: list[TemplateColumn] = []
    done: set[str] = set()
    while pending:
        ready = [
            t for t in pending.values() if not any(r in pending and r != t.name for r in t.refs)
        ]
        for t in pending.values():
            if t.name in t.refs:
                raise ValueError(f"template of column {t.name} refers to itself")
        if not ready:
            raise ValueError(
                "templates refer to each other in a cycle: " + ", ".join(sorted(pending))
            )
        for t in ready:
            ordered.append(t)
            done.add(t.name)
            del pending[t.name]
    return ordered


def _null_column(raw: bytes) -> bytes:
    return copytext.NULL


def _null_kernel(values: Sequence[bytes]) -> Iterable[bytes]:
    return itertools.repeat(copytext.NULL, len(values))


NULL_FNS = ColumnFns(_null_column, _null_column, _null_kernel)


def _column_wrapper(
    value_fn: ValueFn, guard: UniqueGuard | None, safe: bool, fast: ValueFn | None = None
) -> ColumnFn:
    """escaped field -> escaped field, NULL passing through."""
    unescape = copytext.unescape
    escape = copytext.escape
    null = copytext.NULL

    if guard is None and fast is not None:
        general = _column_wrapper(value_fn, None, safe)

        def fused(raw: bytes) -> bytes:
            if b"\\" in raw:
                return general(raw)
            out = fast(raw)
            return null if out is None else out

        return fused

    if guard is None and safe:

        def fast(raw: bytes) -> bytes:
            if b"\\" in raw:
                if raw == null:
                    return null
                value = unescape(raw)
                assert value is not None
                out = value_fn(value)
            else:
                out = value_fn(raw)
            return null if out is None else out

        return fast

    if guard is None:

        def fn(raw: bytes) -> bytes:
            if b"\\" in raw:
                if raw == null:
                    return null
                value = unescape(raw)
                assert value is not None
            else:
                value = raw
            return escape(value_fn(value))

        return fn

    check = guard.check

    def guarded(raw: bytes) -> bytes:
        if b"\\" in raw:
            if raw == null:
                return null
            value = unescape(raw)
            assert value is not None
        else:
            value = raw
        out = escape(value_fn(value))
        check(raw, out)
        return out

    return guarded


def _cached(fn: ColumnFn, cacheable: bool) -> ColumnFn:
    if not cacheable:
        return fn
    cached: Callable[[bytes], bytes] = functools.lru_cache(maxsize=CACHE_SIZE)(fn)
    return cached
