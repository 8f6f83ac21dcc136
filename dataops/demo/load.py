"""The ``demo load`` action: spec + database -> rows, in one transaction.

1. read and check the spec (ConfigError, nothing touched);
2. connect, reflect the schema, read what planning needs (current max ids,
   rows of parent tables the spec does not fill), and build the plan: any
   problem is a ConfigError and the transaction is rolled back untouched;
3. ``--reset``: empty the spec's tables in reverse FK order;
4. insert every table in FK order with the database's bulk path, the
   references of broken FK cycles as NULL;
5. update those references, move sequences past the loaded ids, commit.

Any failure rolls everything back: no half-loaded database.
"""

from __future__ import annotations

import logging
import math
import time
from collections.abc import Iterator, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import text
from sqlalchemy.engine import Connection
from sqlalchemy.exc import SQLAlchemyError

from dataops.config.settings import Settings
from dataops.demo.connect import connect, database_url, db_message
from dataops.demo.loaders import Loader, registry
from dataops.demo.loaders.base import Batch
from dataops.demo.model import TableModel
from dataops.demo.plan import Plan, build_plan
from dataops.demo.pools import PoolStore, default_cache_dir
from dataops.demo.reflect import Schema, reflect
from dataops.demo.spec import Spec, load_spec
from dataops.errors import ConfigError, DataopsError, OperationError

log = logging.getLogger(__name__)

BATCH_ROWS = 10_000


@dataclass
class LoadOptions:
    config: Path
    database_url: str | None = None
    seed: int | None = None
    scale: float = 1.0
    reset: bool = False


@dataclass
class TableReport:
    table: str
    rows: int
    seconds: float


@dataclass
class LoadReport:
    dialect: str
    seed: int
    reset: bool
    tables: list[TableReport] = field(default_factory=list)
    deleted: int = 0
    updated: int = 0
    seconds: float = 0.0
    checked: list[str] = field(default_factory=list)  # NOT NULL cycle FKs checked at the end
    check_seconds: float = 0.0

    @property
    def rows(self) -> int:
        return sum(t.rows for t in self.tables)

    @property
    def rows_per_second(self) -> float:
        return self.rows / self.seconds if self.seconds > 0 else 0.0

    def as_dict(self) -> dict[str, Any]:
        out = asdict(self)
        out["rows"] = self.rows
        out["rows_per_second"] = round(self.rows_per_second, 1)
        return out


class _Facts:
    """Reads for the planner, inside the load's transaction."""

    def __init__(self, conn: Connection, spec_tables: set[str], reset: bool) -> None:
        self.conn = conn
        self.spec_tables = spec_tables
        self.reset = reset
        self.q = conn.dialect.identifier_preparer.quote

    def max_value(self, table: str, column: str) -> int:
        if self.reset and table in self.spec_tables:
            return 0
        value = self.conn.execute(
            text(f"SELECT MAX({self.q(column)}) FROM {self.q(table)}")
        ).scalar()
        return int(value or 0)

    def rows(self, table: str, columns: Sequence[str]) -> list[tuple[Any, ...]]:
        cols = ", ".join(self.q(c) for c in columns)
        where = " AND ".join(f"{self.q(c)} IS NOT NULL" for c in columns)
        result = self.conn.execute(
            text(f"SELECT DISTINCT {cols} FROM {self.q(table)} WHERE {where} ORDER BY {cols}")
        )
        return [tuple(r) for r in result]


def _batches(model: TableModel, columns: list[str], nulls: set[str]) -> Iterator[Batch]:
    for start in range(0, model.total, BATCH_ROWS):
        rows = range(start, min(start + BATCH_ROWS, model.total))
        batch = model.batch(rows, columns)
        for c in nulls:
            batch[c] = [None] * len(rows)
        yield batch


def prepare(spec: Spec, conn: Connection, reset: bool, pools: PoolStore | None = None) -> Plan:
    """Reflect the schema and check the spec against it (reads only)."""
    schema: Schema = reflect(conn)
    facts = _Facts(conn, set(spec.tables), reset)
    if pools is None:
        pools = PoolStore(spec.pool_size)
    return build_plan(spec, schema, facts, pools)


def _reset(loader: Loader, plan: Plan) -> int:
    spec_tables = set(plan.models)
    truncate = getattr(loader, "truncate", None)
    outside = [
        fk
        for t in plan.schema.tables.values()
        if t.name not in spec_tables
        for fk in t.foreign_keys
        if fk.ref_table in spec_tables
    ]
    if truncate is not None and not outside:
        counts = sum(_count(loader, name) for name in plan.order)
        truncate(list(plan.order))
        return counts
    for name in plan.order:
        table = plan.schema.tables[name]
        nullable_refs = [
            c
            for fk in table.foreign_keys
            if fk.ref_table in spec_tables and (fk.ref_table == name or fk in plan.deferred)
            for c in fk.columns
            if table.columns[c].nullable
        ]
        if nullable_refs:
            loader.set_null(name, sorted(set(nullable_refs)))
    deleted = 0
    for name in reversed(plan.order):
        deleted += loader.delete_all(name)
    return deleted


def _count(loader: Loader, table: str) -> int:
    count = getattr(loader, "count", None)
    return int(count(table)) if count is not None else 0


def execute_plan(plan: Plan, conn: Connection, reset: bool) -> LoadReport:
    dialect = plan.schema.dialect
    quote = conn.dialect.identifier_preparer.quote
    loader = registry()[dialect](conn.connection.driver_connection, quote)
    report = LoadReport(dialect=dialect, seed=plan.spec.seed, reset=reset)
    if plan.suspended:
        try:
            loader.suspend(plan.suspended)
        except Exception as exc:
            raise OperationError(
                f"suspending {', '.join(fk.name for fk in plan.suspended)} failed: "
                f"{db_message(exc)}; nothing was written (rolled back)"
            ) from None
    if reset:
        try:
            report.deleted = _reset(loader, plan)
        except Exception as exc:
            raise OperationError(
                f"--reset failed: {db_message(exc)}; nothing was written (rolled back)"
            ) from None
    for name in plan.order:
        model = plan.models[name]
        columns = model.insert_columns
        if not columns or model.total == 0:
            report.tables.append(TableReport(name, 0, 0.0))
            continue
        kinds = [model.columns[c].column.kind for c in columns]
        nulls = {c for c in columns if model.columns[c].insert_null}
        started = time.perf_counter()
        try:
            n = loader.insert(name, columns, kinds, _batches(model, columns, nulls))
        except DataopsError:
            raise
        except Exception as exc:
            raise OperationError(
                f"loading table {name} failed: {db_message(exc)}; nothing was written (rolled back)"
            ) from None
        seconds = time.perf_counter() - started
        report.tables.append(TableReport(name, n, round(seconds, 3)))
        log.info(
            "demo.table_loaded", extra={"table": name, "rows": n, "seconds": round(seconds, 3)}
        )
    for fk in plan.deferred:
        model = plan.models[fk.table]
        keys = list(model.table.primary_key)
        columns = [c for c in fk.columns if c in model.columns]
        kinds = [model.columns[c].column.kind for c in [*keys, *columns]]
        try:
            report.updated += loader.update(
                fk.table, keys, columns, kinds, _batches(model, [*keys, *columns], set())
            )
        except Exception as exc:
            raise OperationError(
                f"setting {fk.label} failed: {db_message(exc)}; nothing was written (rolled back)"
            ) from None
    if plan.suspended:
        started = time.perf_counter()
        loaded = [fk for name in plan.order for fk in plan.schema.tables[name].foreign_keys]
        loader.restore(plan.suspended, loaded)
        report.checked = [fk.name for fk in plan.suspended]
        report.check_seconds = round(time.perf_counter() - started, 3)
    for name in plan.order:
        model = plan.models[name]
        auto = [
            c
            for c, cm in model.columns.items()
            if cm.column.autoincrement and cm.column.kind == "int"
        ]
        if auto:
            loader.reset_sequences(name, auto)
    return report


def load(settings: Settings, options: LoadOptions) -> LoadReport:
    """Fill the spec's tables; everything in one transaction."""
    if not math.isfinite(options.scale) or options.scale <= 0:
        raise ConfigError("--scale must be a finite number greater than 0")
    url = database_url(settings, options.database_url)
    spec = load_spec(options.config)
    if options.seed is not None:
        spec.seed = options.seed
    if options.scale != 1.0:
        spec = spec.scaled(options.scale)
    started = time.perf_counter()
    conn = connect(url, bulk=True)
    try:
        try:
            pools = PoolStore(spec.pool_size, default_cache_dir(settings.demo_pool_cache))
            plan = prepare(spec, conn, options.reset, pools)
            report = execute_plan(plan, conn, options.reset)
            conn.commit()
        except BaseException:
            conn.rollback()
            raise
    except SQLAlchemyError as exc:
        raise OperationError(
            f"demo load failed: {db_message(exc)}; nothing was written (rolled back)"
        ) from None
    finally:
        conn.close()
        conn.engine.dispose()
    report.seconds = round(time.perf_counter() - started, 3)
    log.info(
        "demo.loaded",
        extra={
            "rows": report.rows,
            "tables": len(report.tables),
            "seconds": report.seconds,
            "rows_per_second": round(report.rows_per_second),
        },
    )
    return report
