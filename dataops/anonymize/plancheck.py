"""Rules against the dump: the rule of every table and column, checked before any output.

:class:`RuleCheck` resolves a rule for each table (its own, a glob, or its
partitioned parent's; ``unknown_tables`` / ``unknown_columns`` for the rest) and
appends a ``file:line: path: message`` problem for every rule that does not fit
the dump's own DDL: uncovered or missing columns, NOT NULL columns that would get
NULL, lossy transforms on keys, FOREIGN KEY ends with different rules, template
references and every transform against its column's type (:mod:`typecheck`).
:class:`~dataops.anonymize.plan.Plan` raises them all as one ``ConfigError``.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field

from dataops.anonymize import typecheck
from dataops.anonymize.coltypes import UNKNOWN, ColType
from dataops.anonymize.engine_api import TableAction, TableData
from dataops.anonymize.formats.ddl import Catalog, QName
from dataops.anonymize.rowtransform import TemplateColumn, order_templates
from dataops.anonymize.rules import KEEP_COLUMN, ColumnRule, Rules, TableRule
from dataops.anonymize.transforms import TransformSpec, get_family
from dataops.anonymize.transforms.base import TypeMismatch, ValueFn

NULL_COLUMN = ColumnRule("null")
ValueBuilder = Callable[[TransformSpec, ColType], ValueFn]  # a value function for a column type


@dataclass
class ResolvedTable:
    table: TableData
    action: TableAction
    rule: TableRule | None
    columns: dict[str, ColumnRule] = field(default_factory=dict)  # every data column

    @property
    def transformed(self) -> list[str]:
        return [c for c, r in self.columns.items() if r.action != "keep"]


class RuleCheck:
    """Resolves and checks rules for tables of one catalog (problems go to a list).

    ``known`` are the tables resolved by earlier checks (FOREIGN KEY ends among them
    are checked too); ``build`` builds a transform's value function for a type."""

    def __init__(
        self,
        rules: Rules,
        catalog: Catalog,
        known: Mapping[QName, ResolvedTable],
        build: ValueBuilder,
    ) -> None:
        self.rules = rules
        self.catalog = catalog
        self._known = known
        self._build = build

    def check(self, resolved: dict[QName, ResolvedTable], problems: list[str]) -> None:
        """The checks across columns and tables, after :meth:`resolve`."""
        self._constraints(resolved, problems)
        self._templates(resolved, problems)
        self._types(resolved, problems)

    def _match(self, qualified: str) -> tuple[TableRule | None, list[TableRule]]:
        exact = [r for r in self.rules.tables if not r.is_glob and r.matches(qualified)]
        exact.sort(key=lambda r: r.bare)  # db.table before table (MySQL)
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

    def resolve(self, table: TableData, problems: list[str]) -> ResolvedTable | None:
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

    def unused_rules(self, tables: Sequence[TableData], problems: list[str]) -> None:
        names = {t.qualified for t in tables} | {t.qualified for t in self.catalog}
        for rule in self.rules.tables:
            if not any(rule.matches(n) for n in names):
                what = "pattern matches no table" if rule.is_glob else "table is not in the dump"
                problems.append(f"{self._where(rule.line, 'tables.' + rule.pattern)}: {what}")

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
                cres = resolved.get(child) or self._known.get(child)
                if cres is None or cres.action == TableAction.TRUNCATE:
                    continue
                for parent in parent_leaves:
                    pres = resolved.get(parent) or self._known.get(parent)
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
                order_templates(
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
        build = self._build
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
