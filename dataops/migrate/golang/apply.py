"""Running one golang-migrate step: in a transaction where possible, else with the dirty flag.

A file runs in one transaction together with the version update where the database
allows it (PostgreSQL, SQLite): a failure rolls back everything and the database stays
at the previous version, not dirty; the error names file, line and column.  Statements
that cannot run in a transaction (:mod:`dataops.migrate.splitter`), files that manage
their own transactions, and every MySQL/MariaDB file run with golang-migrate's dirty
semantics, and a failure says which statements ran and which ``force`` to run.
Every outcome is written to the ``dataops_migrations`` history.
"""

from __future__ import annotations

import contextlib
import logging
import time
from dataclasses import dataclass

from dataops.errors import DirtyError, MigrationError
from dataops.migrate import audit, splitter, version_table
from dataops.migrate.api import Applied, Mode, RunResult, nil
from dataops.migrate.backend import Backend
from dataops.migrate.golang.planner import Step
from dataops.migrate.signals import StatementCanceller
from dataops.migrate.splitter import Statement

log = logging.getLogger(__name__)


class _Stop(Exception):
    """Internal: a signal arrived between statements."""


@dataclass
class FilePlan:
    transactional: bool
    statements: list[Statement]
    reason: str | None


def plan_file(backend: Backend, statements: list[Statement]) -> FilePlan:
    if not backend.transactional_ddl:
        return FilePlan(False, statements, "DDL is not transactional on MySQL/MariaDB")
    controls = [
        (i, kind)
        for i, s in enumerate(statements)
        if (kind := splitter.transaction_control(s, backend.dialect))
    ]
    if controls:
        last = len(statements) - 1
        if controls == [(0, "begin"), (last, "commit")]:
            statements = statements[1:-1]  # the file's own BEGIN/COMMIT wrapper
        else:
            return FilePlan(False, statements, "the file manages its own transactions")
    for s in statements:
        reason = splitter.non_transactional_reason(s, backend.dialect, backend.server_version_num)
        if reason:
            return FilePlan(False, statements, f"line {s.line}: {reason}")
    return FilePlan(True, statements, None)


def locate(text: str, stmt: Statement, position: int | None) -> str:
    if position is None:
        return f"line {stmt.line}"
    line, col = splitter.line_col(text, stmt.start + position - 1)
    return f"line {line} (column {col})"


def run_step(backend: Backend, guard: StatementCanceller, step: Step) -> Applied:
    mf = step.file
    text = mf.read_text() if mf else ""
    statements = splitter.split(text, backend.dialect) if text.strip() else []
    rec = audit.Record(
        version=step.version,
        name=mf.name if mf else f"{step.version}_{step.identifier} (no {step.direction} file)",
        direction=step.direction,
        sha256=mf.sha256() if mf else None,
        started_at=audit.now(),
    )
    if step.skip_reason:
        log.warning(
            "migrate.step.skipped",
            extra={"migration": step.log_string, "reason": step.skip_reason},
        )
    log.info(
        "migrate.step.started",
        extra={"migration": step.log_string, "file": rec.name, "target": nil(step.target)},
    )
    started = time.monotonic()
    plan = plan_file(backend, statements)
    if not statements:
        mode: Mode = "empty"
    elif plan.transactional:
        mode = "transaction"
    else:
        mode = "no-transaction"
        log.info(
            "migrate.no_transaction",
            extra={"migration": step.log_string, "reason": plan.reason},
        )
    if plan.transactional:
        run_transactional(backend, guard, step, text, plan.statements, rec)
    else:
        run_dirty(backend, guard, step, text, plan.statements, rec)
    seconds = time.monotonic() - started
    log.info(
        "migrate.step.finished",
        extra={"migration": step.log_string, "seconds": round(seconds, 6), "mode": mode},
    )
    return Applied(
        version=step.version,
        direction=step.direction,
        file=mf.name if mf else None,
        log_string=step.log_string,
        target=step.target,
        seconds=seconds,
        mode=mode,
        statements=len(plan.statements),
    )


def record_failure(
    backend: Backend, rec: audit.Record, outcome: str, error: str, inserted: bool
) -> None:
    for _attempt in range(2):  # a late cancel request may hit the first try
        try:
            if inserted:
                audit.finish(backend, rec, outcome, error)
            else:
                audit.insert(backend, audit.completed(rec, outcome, error))
            return
        except Exception as exc:
            log.warning("migrate.audit_failed", extra={"error": str(exc)})


def run_transactional(
    backend: Backend,
    guard: StatementCanceller,
    step: Step,
    text: str,
    statements: list[Statement],
    rec: audit.Record,
) -> None:
    current: Statement | None = None
    backend.begin()
    try:
        for stmt in statements:
            current = stmt
            if guard.triggered:
                break
            guard.start_statement()
            try:
                backend.execute(stmt.text)
            finally:
                guard.end_statement()
        if guard.triggered:
            raise _Stop()
        current = None
        version_table.write(backend, step.target, False)
        audit.insert(backend, audit.completed(rec))
        backend.commit()
    except BaseException as exc:
        with contextlib.suppress(Exception):
            backend.rollback()
        described = backend.describe(exc)
        where = (
            f" at {locate(text, current, described.position if described else None)}"
            if current
            else ""
        )
        state = (
            f"rolled back: the database is still at version {nil(step.from_version)} and not dirty"
        )
        if guard.triggered:
            record_failure(backend, rec, "cancelled", f"{guard.signal_name}{where}", False)
            raise guard.interrupted(
                f"migration {rec.name} interrupted{where}: statement cancelled", [state]
            ) from None
        if described is None:
            record_failure(backend, rec, "failed", f"{type(exc).__name__}: {exc}", False)
            raise
        record_failure(backend, rec, "failed", f"{where.strip()}: {described.message}", False)
        raise MigrationError(
            f"migration {rec.name} failed{where}: {described.message}", details=[state]
        ) from None


def set_version(backend: Backend, version: int, dirty: bool) -> None:
    backend.begin()
    try:
        version_table.write(backend, version, dirty)
        backend.commit()
    except BaseException:
        with contextlib.suppress(Exception):
            backend.rollback()
        raise


def run_dirty(
    backend: Backend,
    guard: StatementCanceller,
    step: Step,
    text: str,
    statements: list[Statement],
    rec: audit.Record,
) -> None:
    set_version(backend, step.target, True)
    audit.insert(backend, rec)
    done: list[Statement] = []
    current: Statement | None = None
    try:
        for stmt in statements:
            current = stmt
            if guard.triggered:
                raise _Stop()
            guard.start_statement()
            try:
                backend.execute(stmt.text)
            finally:
                guard.end_statement()
            done.append(stmt)
        current = None
        if guard.triggered:
            raise _Stop()
    except BaseException as exc:
        described = backend.describe(exc)
        where = (
            f" at {locate(text, current, described.position if described else None)}"
            if current
            else ""
        )
        # a file that opened its own transaction may have left it open (and aborted):
        # end it as closing the session would, so the history can still be written
        with contextlib.suppress(Exception):
            backend.rollback()
        hint = recovery_hint(step, statements, done, current)
        if guard.triggered:
            record_failure(backend, rec, "cancelled", f"{guard.signal_name}{where}", True)
            raise guard.interrupted(f"migration {rec.name} interrupted{where}", hint) from None
        if described is None:
            record_failure(backend, rec, "failed", f"{type(exc).__name__}: {exc}", True)
            raise
        record_failure(backend, rec, "failed", f"{where.strip()}: {described.message}", True)
        raise MigrationError(
            f"migration {rec.name} failed{where}: {described.message}", details=hint
        ) from None
    set_version(backend, step.target, False)
    audit.finish(backend, rec, "success")


def recovery_hint(
    step: Step,
    statements: list[Statement],
    done: list[Statement],
    current: Statement | None,
) -> list[str]:
    lines = [
        str(DirtyError(step.target)),
        "statements are not transactional here; nothing was rolled back",
    ]
    if done:
        lines.append(
            "ran (and committed): " + "; ".join(f"line {s.line}: {s.summary(60)}" for s in done)
        )
    else:
        lines.append("ran (and committed): nothing")
    if current is not None:
        lines.append(f"failed: line {current.line}: {current.summary(60)}")
        rest = statements[statements.index(current) + 1 :]
        if rest:
            lines.append("not run: " + "; ".join(f"line {s.line}: {s.summary(40)}" for s in rest))
    lines.append(
        "to recover: either finish the migration by hand (the failed statement and the ones "
        f"after it) and run `dataops migrate force {step.target}`, or undo the statements "
        f"that ran and run `dataops migrate force {step.from_version}`"
    )
    return lines


def run_steps(
    backend: Backend, guard: StatementCanceller, command: str, cur: int, steps: list[Step]
) -> RunResult:
    result = RunResult("migrate", command, cur, cur)
    at = cur
    for step in steps:
        if guard.triggered:
            raise guard.interrupted(
                f"stopped before {step.log_string}",
                [f"the database is at version {nil(at)} and not dirty"],
            )
        applied = run_step(backend, guard, step)
        result.applied.append(applied)
        result.to_version = at = step.target
    if not steps:
        log.info("migrate.no_change", extra={"version": nil(cur)})
    return result
