"""Rules + the dump's DDL -> what to do with every data section (implements DumpPlan).

:meth:`Plan.check` resolves a rule for every table with data and every column of
the tables given with ``columns:``, and checks the rules against the dump's own
constraints (the checks are :mod:`~dataops.anonymize.plancheck`).  It raises one
:class:`ConfigError` listing every problem.  After that, :meth:`Plan.action` and
:meth:`Plan.transformer` drive the engine; the column functions they build are
:mod:`~dataops.anonymize.rowtransform`'s.
"""

from __future__ import annotations

from collections.abc import Sequence

from dataops.anonymize import arrays, speedups, typecheck
from dataops.anonymize.coltypes import UNKNOWN, ColType
from dataops.anonymize.engine_api import CopyTransformer, TableAction, TableData
from dataops.anonymize.formats.ddl import Catalog, QName
from dataops.anonymize.plancheck import ResolvedTable, RuleCheck
from dataops.anonymize.rowtransform import (
    NULL_FNS,
    ColumnFns,
    RowTransformer,
    TemplateColumn,
    UniqueGuard,
    cached,
    column_wrapper,
    order_templates,
)
from dataops.anonymize.rules import KEEP_COLUMN, Rules, TableRule
from dataops.anonymize.transforms import BuildContext, TransformSpec, get_family
from dataops.anonymize.transforms.base import ValueFn, derive_key, python_encoding
from dataops.errors import ConfigError


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
        self._programs: dict[object, speedups.Program] = {}  # compiled loops (RowTransformer)

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
                f"{self.rules.where(r.line)}: tables.{r.pattern}: name the table as schema.table"
                for r in self.rules.tables
                if r.bare
            )
        resolved: dict[QName, ResolvedTable] = {}
        checker = self._checker()
        for table in tables:
            res = checker.resolve(table, problems)
            if res is not None:
                resolved[(table.schema, table.table)] = res
        checker.unused_rules(tables, problems)
        checker.check(resolved, problems)
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
        checker = self._checker()
        res = checker.resolve(table, problems)
        if res is not None:
            checker.check({key: res}, problems)
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
        return RowTransformer(
            table, columns, fns, order_templates(templates), programs=self._programs
        )

    def rule_for(self, qname: QName) -> tuple[TableRule | None, list[TableRule]]:
        """The rule of a table: its own, a glob, or its partitioned parent's (and the
        glob rules that make it ambiguous)."""
        return self._checker().rule_for(qname)

    # ------------------------------------------------------------- internals
    def _checker(self) -> RuleCheck:
        def build(spec: TransformSpec, col: ColType) -> ValueFn:
            return self._value_fn(spec, self._encoding(), col)

        return RuleCheck(self.rules, self.catalog, self._resolved, build)

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
                raw = column_wrapper(value_fn, guard, False, None)
                fns = ColumnFns(cached(raw, family.cacheable), raw, None, guard)
            else:
                safe = family.output_safe(spec, ctx)
                fast = family.build_fast(spec, derived, ctx)
                raw = column_wrapper(value_fn, guard, safe, fast)
                kernel = family.build_kernel(spec, derived, ctx)
                fns = ColumnFns(cached(raw, family.cacheable), raw, kernel, guard)
            self._column_fns[key] = fns
        return fns

    def prepare(self) -> None:
        """Build every transformer once (Faker pools...), e.g. before worker processes fork."""
        for res in list(self._resolved.values()):
            if res.action is TableAction.TRANSFORM:
                self.row_transformer(res.table)
