"""The migration protocol and the ``dataops migrate`` actions.

The protocol is golang-migrate's: under the lock, read ``(version, dirty)``; refuse
a dirty database (``Dirty database version N. Fix and force version.``); for each
step record ``(target, dirty=true)``, run the file, record ``(target, false)``; a down
of version V records the version before V (or no version).  The plans for
``up [N]``, ``down [N]`` and ``goto V`` follow ``migrate.go`` (``readUp``, ``readDown``,
``read``), including missing files being "empty" migrations.

On top of that:

* files run in a transaction together with the version update where the database
  allows it (PostgreSQL, SQLite): a failure rolls back everything and the database
  stays at the previous version, not dirty; the error names file, line and column;
* statements that cannot run in a transaction (:mod:`.splitter`), files that manage
  their own transactions, and every MySQL/MariaDB file run with golang-migrate's
  dirty semantics, and a failure says which statements ran and which ``force`` to run;
* the ``dataops_migrations`` history gives checksums (an applied file that changed
  is refused) and out-of-order detection (a never-applied file below the current
  version is refused unless ``allow_out_of_order``);
* the lock wait has a timeout and a heartbeat, SIGTERM cancels the running statement.
"""

from __future__ import annotations

import contextlib
import logging
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal, TypeVar

from dataops.config.settings import Settings
from dataops.errors import ConfigError, OperationError
from dataops.migrate import audit, source, splitter, version_table
from dataops.migrate.backend import Backend, open_backend
from dataops.migrate.lock import DEFAULT_LOCK_TIMEOUT, Cancelled, heartbeat_interval
from dataops.migrate.signals import SignalGuard
from dataops.migrate.source import Direction, MigrationFile, Source
from dataops.migrate.splitter import Statement
from dataops.migrate.version_table import NIL_VERSION

log = logging.getLogger(__name__)

T = TypeVar("T")


# -- errors ---------------------------------------------------------------------------------------


class DirtyError(OperationError):
    def __init__(self, version: int) -> None:
        super().__init__(f"Dirty database version {version}. Fix and force version.")
        self.version = version


class MigrationError(OperationError):
    """A migration file failed."""


class VerificationError(OperationError):
    """Checksums changed, files out of order or missing."""


# -- results --------------------------------------------------------------------------------------


@dataclass
class Step:
    version: int  # the migration's version
    target: int  # the version recorded after the step (-1 = none)
    direction: Direction
    file: MigrationFile | None
    from_version: int  # the version recorded before the step
    identifier: str = ""
    skip_reason: str | None = None

    @property
    def log_string(self) -> str:
        """golang-migrate's ``Migration.LogString``: ``3/u add_users``."""
        return f"{self.version}/{'u' if self.direction == 'up' else 'd'} {self.identifier}"


@dataclass
class Applied:
    version: int
    target: int
    direction: Direction
    name: str | None
    seconds: float
    mode: Literal["transaction", "no-transaction", "empty"]
    statements: int
    log_string: str

    def as_dict(self) -> dict[str, Any]:
        return {
            "version": self.version,
            "target": self.target,
            "direction": self.direction,
            "file": self.name,
            "seconds": round(self.seconds, 6),
            "mode": self.mode,
            "statements": self.statements,
        }


@dataclass
class RunResult:
    command: str
    from_version: int
    to_version: int
    applied: list[Applied] = field(default_factory=list)

    @property
    def no_change(self) -> bool:
        return not self.applied

    def lines(self) -> list[str]:
        """golang-migrate's output: ``3/u add_users (12.1ms)``."""
        return [f"{a.log_string} ({_duration(a.seconds)})" for a in self.applied]

    def as_dict(self) -> dict[str, Any]:
        return {
            "command": self.command,
            "from_version": _nil(self.from_version),
            "to_version": _nil(self.to_version),
            "no_change": self.no_change,
            "applied": [a.as_dict() for a in self.applied],
        }


def _duration(seconds: float) -> str:
    return f"{seconds * 1000:.1f}ms" if seconds < 1 else f"{seconds:.3f}s"


def _nil(version: int) -> int | None:
    return None if version == NIL_VERSION else version


@dataclass
class VersionInfo:
    version: int
    dirty: bool

    def as_dict(self) -> dict[str, Any]:
        return {"version": _nil(self.version), "dirty": self.dirty}

    def __str__(self) -> str:
        if self.version == NIL_VERSION and not self.dirty:
            return "no version"
        return f"{self.version} (dirty)" if self.dirty else str(self.version)


@dataclass
class FileStatus:
    version: int
    name: str
    state: Literal["applied", "pending", "out-of-order"]
    applied_at: str | None
    checksum: Literal["ok", "changed", "unknown", "missing", "-"]
    applied_by: Literal["dataops", "other", ""] = ""

    def as_dict(self) -> dict[str, Any]:
        return {
            "version": self.version,
            "file": self.name,
            "state": self.state,
            "applied_at": self.applied_at,
            "checksum": self.checksum,
            "applied_by": self.applied_by or None,
        }


@dataclass
class Inspection:
    version: int
    dirty: bool
    files: list[FileStatus]
    adopt: list[int]  # applied by another tool in order: recorded as baseline under the lock
    problems: list[str]

    @property
    def changed(self) -> list[FileStatus]:
        return [f for f in self.files if f.checksum == "changed"]

    @property
    def out_of_order(self) -> list[FileStatus]:
        return [f for f in self.files if f.state == "out-of-order"]

    def as_dict(self) -> dict[str, Any]:
        return {
            "version": _nil(self.version),
            "dirty": self.dirty,
            "files": [f.as_dict() for f in self.files],
            "problems": self.problems,
        }


@dataclass
class VerifyResult:
    ok: bool
    inspection: Inspection
    accepted: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {"ok": self.ok, "accepted": self.accepted, **self.inspection.as_dict()}


@dataclass
class WaitResult:
    version: int
    target: int
    waited: float

    def as_dict(self) -> dict[str, Any]:
        return {
            "version": _nil(self.version),
            "target": self.target,
            "waited": round(self.waited, 3),
        }


# -- the migrator ---------------------------------------------------------------------------------


@dataclass
class _FilePlan:
    transactional: bool
    statements: list[Statement]
    reason: str | None


class Migrator:
    """Runs one command against one database and one migrations folder."""

    def __init__(
        self,
        url: str,
        path: Path,
        *,
        lock_timeout: float = DEFAULT_LOCK_TIMEOUT,
        allow_out_of_order: bool = False,
    ) -> None:
        if lock_timeout <= 0:
            raise ConfigError("--lock-timeout must be positive")
        self.url = url
        self.path = Path(path)
        self.lock_timeout = lock_timeout
        self.allow_out_of_order = allow_out_of_order
        self._source: Source | None = None

    @property
    def source(self) -> Source:
        if self._source is None:
            self._source = source.load(self.path)
        return self._source

    # -- sessions --------------------------------------------------------
    @contextlib.contextmanager
    def _locked(self, command: str) -> Iterator[tuple[Backend, SignalGuard]]:
        """Connect, take the lock(s), create the tables; yield the backend and the signal guard."""
        self._source = None  # every command reads the folder afresh
        src = self.source  # fail on bad files before touching the database
        del src
        with locked_backend(self.url, self.lock_timeout, command) as session:
            yield session

    @contextlib.contextmanager
    def _readonly(self) -> Iterator[Backend]:
        self._source = None
        src = self.source
        del src
        backend = open_backend(self.url)
        try:
            yield backend
        finally:
            backend.close()

    # -- inspection ------------------------------------------------------
    def inspect(self, backend: Backend) -> Inspection:
        src = self.source
        cur, dirty = version_table.read(backend)
        latest = audit.latest_successful(audit.history(backend, tool="migrate"))
        applied_by_us = [
            v for v, r in latest.items() if r.direction in audit.APPLIED_DIRECTIONS and v <= cur
        ]
        high_water = max(applied_by_us, default=NIL_VERSION)
        files: list[FileStatus] = []
        adopt: list[int] = []
        problems: list[str] = []
        if dirty:
            problems.append(str(DirtyError(cur)))
        if cur != NIL_VERSION and cur not in src:
            problems.append(f"no migration found for version {cur} in {self.path}")
        for v in src.versions:
            mig = src.get(v)
            any_file = mig.up or mig.down
            name = any_file.name if any_file else str(v)
            rec = latest.get(v)
            known = rec is not None and rec.direction in audit.APPLIED_DIRECTIONS
            if cur != NIL_VERSION and v <= cur:
                if known:
                    assert rec is not None
                    checksum: Literal["ok", "changed", "unknown", "missing", "-"]
                    if mig.up is None:
                        checksum = "missing" if rec.sha256 else "ok"
                    elif rec.sha256 is None:
                        checksum = "unknown"
                    else:
                        checksum = "ok" if mig.up.sha256() == rec.sha256 else "changed"
                    when = rec.finished_at.isoformat() if rec.finished_at else None
                    files.append(FileStatus(v, name, "applied", when, checksum, "dataops"))
                    if checksum == "changed":
                        problems.append(f"{name}: changed since it was applied (checksum differs)")
                    elif checksum == "missing":
                        problems.append(f"version {v}: applied up file is missing")
                elif v < high_water:
                    files.append(FileStatus(v, name, "out-of-order", None, "-"))
                    problems.append(
                        f"{name}: version {v} is lower than the current version {cur} "
                        "and was never applied (out of order)"
                    )
                else:
                    files.append(FileStatus(v, name, "applied", None, "unknown", "other"))
                    adopt.append(v)
            else:
                files.append(FileStatus(v, name, "pending", None, "-"))
        return Inspection(cur, dirty, files, adopt, problems)

    def _adopt(self, backend: Backend, insp: Inspection) -> None:
        """Record versions another tool applied (in order) with the files' current checksums."""
        for v in insp.adopt:
            mig = self.source.get(v)
            mf = mig.up
            rec = audit.Record(
                version=v,
                name=mf.name if mf else f"{v}",
                direction="baseline",
                sha256=mf.sha256() if mf else None,
                started_at=audit.now(),
            )
            audit.insert(backend, audit.completed(rec))
            for f in insp.files:
                if f.version == v:
                    f.checksum = "ok"
        if insp.adopt:
            log.info("migrate.adopted", extra={"versions": insp.adopt})

    def _check_before_up(self, insp: Inspection) -> None:
        if insp.changed:
            raise VerificationError(
                "applied migration files changed since they were applied",
                details=[
                    *(f"{f.name}: checksum differs from the one recorded" for f in insp.changed),
                    "restore the files, or record the new checksums with "
                    "`dataops migrate verify --accept` if the change is intended",
                ],
            )
        if insp.out_of_order and not self.allow_out_of_order:
            raise VerificationError(
                "migration files out of order: lower than the current version "
                f"{insp.version} and never applied",
                details=[
                    *(f.name for f in insp.out_of_order),
                    "apply them with --allow-out-of-order, or renumber them above the "
                    "current version",
                ],
            )

    # -- plans (migrate.go readUp / readDown / read) ---------------------
    def _step(self, version: int, target: int, from_version: int) -> Step:
        mig = self.source.get(version)
        direction: Direction = "up" if target >= version else "down"
        return Step(version, target, direction, mig.file(direction), from_version, mig.identifier)

    def _check_exists(self, version: int) -> None:
        if version >= 0 and version not in self.source:
            raise OperationError(
                f"no migration found for version {version}: file does not exist",
                details=[f"looked in {self.path}"],
            )

    def plan_up(self, cur: int, limit: int) -> list[Step]:
        """``readUp``: limit -1 means all."""
        self._check_exists(cur)
        src = self.source
        steps: list[Step] = []
        frm = cur
        if limit == 0:
            return steps
        while limit == -1 or len(steps) < limit:
            nxt = src.first() if frm == NIL_VERSION else src.next(frm)
            if nxt is None:
                if limit == -1:
                    break
                if not steps:
                    raise OperationError(
                        "file does not exist: no migration after the current version",
                        details=[f"current version {_nil(cur)}, last file {src.last()}"],
                    )
                raise OperationError(f"limit {limit - len(steps)} short")
            steps.append(self._step(nxt, nxt, frm))
            frm = nxt
        return steps

    def plan_down(self, cur: int, limit: int) -> list[Step]:
        """``readDown``: limit -1 means all."""
        self._check_exists(cur)
        src = self.source
        steps: list[Step] = []
        if limit == 0 or (cur == NIL_VERSION and limit == -1):
            return steps
        if cur == NIL_VERSION:
            raise OperationError("file does not exist: no version to migrate down from")
        frm = cur
        while limit == -1 or len(steps) < limit:
            prev = src.prev(frm)
            if prev is None:
                first = src.first()
                assert first is not None
                steps.append(self._step(first, NIL_VERSION, frm))
                if limit != -1 and len(steps) < limit:
                    raise OperationError(f"limit {limit - len(steps)} short")
                break
            steps.append(self._step(frm, prev, frm))
            frm = prev
        return steps

    def plan_goto(self, cur: int, target: int) -> list[Step]:
        """``read``: from the current version to ``target``."""
        self._check_exists(cur)
        self._check_exists(target)
        src = self.source
        steps: list[Step] = []
        frm = cur
        if frm == target:
            return steps
        if frm < target:
            if frm == NIL_VERSION:
                first = src.first()
                assert first is not None
                steps.append(self._step(first, first, frm))
                frm = first
            while frm < target:
                nxt = src.next(frm)
                assert nxt is not None
                steps.append(self._step(nxt, nxt, frm))
                frm = nxt
        else:
            while frm > target and frm >= 0:
                prev = src.prev(frm)
                if prev is None:
                    steps.append(self._step(frm, NIL_VERSION, frm))
                    break
                steps.append(self._step(frm, prev, frm))
                frm = prev
        return steps

    def _mark_out_of_order(self, steps: list[Step], insp: Inspection) -> None:
        """Down steps over never-applied files: refuse, or skip their down file."""
        never = {f.version for f in insp.out_of_order}
        for step in steps:
            if step.direction == "down" and step.version in never:
                if not self.allow_out_of_order:
                    raise VerificationError(
                        f"version {step.version} was never applied (out of order); "
                        "its down migration would undo something that is not there",
                        details=["pass --allow-out-of-order to step over it without running it"],
                    )
                step.file = None
                step.skip_reason = "never applied (out of order)"

    # -- running ---------------------------------------------------------
    def _plan_file(self, backend: Backend, statements: list[Statement]) -> _FilePlan:
        if not backend.transactional_ddl:
            return _FilePlan(False, statements, "DDL is not transactional on MySQL/MariaDB")
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
                return _FilePlan(False, statements, "the file manages its own transactions")
        for s in statements:
            reason = splitter.non_transactional_reason(
                s, backend.dialect, backend.server_version_num
            )
            if reason:
                return _FilePlan(False, statements, f"line {s.line}: {reason}")
        return _FilePlan(True, statements, None)

    def _locate(self, text: str, stmt: Statement, position: int | None) -> str:
        if position is None:
            return f"line {stmt.line}"
        line, col = splitter.line_col(text, stmt.start + position - 1)
        return f"line {line} (column {col})"

    def run_step(self, backend: Backend, guard: SignalGuard, step: Step) -> Applied:
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
            extra={"migration": step.log_string, "file": rec.name, "target": _nil(step.target)},
        )
        started = time.monotonic()
        plan = self._plan_file(backend, statements)
        if not statements:
            mode: Literal["transaction", "no-transaction", "empty"] = "empty"
        elif plan.transactional:
            mode = "transaction"
        else:
            mode = "no-transaction"
            log.info(
                "migrate.no_transaction",
                extra={"migration": step.log_string, "reason": plan.reason},
            )
        if plan.transactional:
            self._run_transactional(backend, guard, step, text, plan.statements, rec)
        else:
            self._run_dirty(backend, guard, step, text, plan.statements, rec)
        seconds = time.monotonic() - started
        log.info(
            "migrate.step.finished",
            extra={"migration": step.log_string, "seconds": round(seconds, 6), "mode": mode},
        )
        return Applied(
            step.version,
            step.target,
            step.direction,
            mf.name if mf else None,
            seconds,
            mode,
            len(plan.statements),
            step.log_string,
        )

    def _record_failure(
        self, backend: Backend, rec: audit.Record, outcome: str, error: str, inserted: bool
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

    def _run_transactional(
        self,
        backend: Backend,
        guard: SignalGuard,
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
                f" at {self._locate(text, current, described.position if described else None)}"
                if current
                else ""
            )
            state = (
                f"rolled back: the database is still at version {_nil(step.from_version)} "
                "and not dirty"
            )
            if guard.triggered:
                self._record_failure(
                    backend, rec, "cancelled", f"{guard.signal_name}{where}", False
                )
                raise guard.interrupted(
                    f"migration {rec.name} interrupted{where}: statement cancelled", [state]
                ) from None
            if described is None:
                self._record_failure(backend, rec, "failed", f"{type(exc).__name__}: {exc}", False)
                raise
            self._record_failure(
                backend, rec, "failed", f"{where.strip()}: {described.message}", False
            )
            raise MigrationError(
                f"migration {rec.name} failed{where}: {described.message}", details=[state]
            ) from None

    def _set_version(self, backend: Backend, version: int, dirty: bool) -> None:
        backend.begin()
        try:
            version_table.write(backend, version, dirty)
            backend.commit()
        except BaseException:
            with contextlib.suppress(Exception):
                backend.rollback()
            raise

    def _run_dirty(
        self,
        backend: Backend,
        guard: SignalGuard,
        step: Step,
        text: str,
        statements: list[Statement],
        rec: audit.Record,
    ) -> None:
        self._set_version(backend, step.target, True)
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
                f" at {self._locate(text, current, described.position if described else None)}"
                if current
                else ""
            )
            # a file that opened its own transaction may have left it open (and aborted):
            # end it as closing the session would, so the history can still be written
            with contextlib.suppress(Exception):
                backend.rollback()
            hint = self._recovery_hint(step, statements, done, current)
            if guard.triggered:
                self._record_failure(backend, rec, "cancelled", f"{guard.signal_name}{where}", True)
                raise guard.interrupted(f"migration {rec.name} interrupted{where}", hint) from None
            if described is None:
                self._record_failure(backend, rec, "failed", f"{type(exc).__name__}: {exc}", True)
                raise
            self._record_failure(
                backend, rec, "failed", f"{where.strip()}: {described.message}", True
            )
            raise MigrationError(
                f"migration {rec.name} failed{where}: {described.message}", details=hint
            ) from None
        self._set_version(backend, step.target, False)
        audit.finish(backend, rec, "success")

    def _recovery_hint(
        self,
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
                lines.append(
                    "not run: " + "; ".join(f"line {s.line}: {s.summary(40)}" for s in rest)
                )
        lines.append(
            "to recover: either finish the migration by hand (the failed statement and the ones "
            f"after it) and run `dataops migrate force {step.target}`, or undo the statements "
            f"that ran and run `dataops migrate force {step.from_version}`"
        )
        return lines

    def _run_steps(
        self, backend: Backend, guard: SignalGuard, command: str, cur: int, steps: list[Step]
    ) -> RunResult:
        result = RunResult(command, cur, cur)
        for step in steps:
            if guard.triggered:
                raise guard.interrupted(
                    f"stopped before {step.log_string}",
                    [f"the database is at version {_nil(result.to_version)} and not dirty"],
                )
            applied = self.run_step(backend, guard, step)
            result.applied.append(applied)
            result.to_version = step.target
        if not steps:
            log.info("migrate.no_change", extra={"version": _nil(cur)})
        return result

    # -- commands --------------------------------------------------------
    def _begin(self, backend: Backend) -> Inspection:
        cur, dirty = version_table.read(backend)
        if dirty:
            raise DirtyError(cur)
        insp = self.inspect(backend)
        self._adopt(backend, insp)
        return insp

    def _out_of_order_steps(self, insp: Inspection) -> list[Step]:
        if not (self.allow_out_of_order and insp.out_of_order):
            return []
        steps = []
        for f in insp.out_of_order:
            step = self._step(f.version, insp.version, insp.version)
            step.direction = "up"
            step.file = self.source.get(f.version).up
            steps.append(step)
        log.warning("migrate.out_of_order", extra={"versions": [s.version for s in steps]})
        return steps

    def up(self, limit: int = -1) -> RunResult:
        with self._locked("up") as (backend, guard):
            insp = self._begin(backend)
            self._check_before_up(insp)
            steps = self._out_of_order_steps(insp) + self.plan_up(insp.version, limit)
            return self._run_steps(backend, guard, "up", insp.version, steps)

    def down(self, limit: int = -1) -> RunResult:
        with self._locked("down") as (backend, guard):
            insp = self._begin(backend)
            steps = self.plan_down(insp.version, limit)
            self._mark_out_of_order(steps, insp)
            return self._run_steps(backend, guard, "down", insp.version, steps)

    def goto(self, version: int) -> RunResult:
        if version < 0:
            raise ConfigError("goto: version must be >= 0")
        with self._locked("goto") as (backend, guard):
            insp = self._begin(backend)
            steps = self.plan_goto(insp.version, version)
            if steps and steps[0].direction == "up":
                self._check_before_up(insp)
                steps = self._out_of_order_steps(insp) + steps
            else:
                self._mark_out_of_order(steps, insp)
            return self._run_steps(backend, guard, "goto", insp.version, steps)

    def force(self, version: int) -> VersionInfo:
        if version < NIL_VERSION:
            raise ConfigError("force: version must be >= -1")
        with self._locked("force") as (backend, _guard):
            before = version_table.read(backend)
            self._set_version(backend, version, False)
            rec = audit.Record(
                version=version,
                name=f"force {version} (was {before[0]}{' dirty' if before[1] else ''})",
                direction="force",
                sha256=None,
                started_at=audit.now(),
            )
            audit.insert(backend, audit.completed(rec))
            log.info(
                "migrate.forced",
                extra={"version": version, "previous": before[0], "was_dirty": before[1]},
            )
            return VersionInfo(version, False)

    def version(self) -> VersionInfo:
        with self._readonly() as backend:
            cur, dirty = version_table.read(backend)
            return VersionInfo(cur, dirty)

    def status(self) -> Inspection:
        with self._readonly() as backend:
            return self.inspect(backend)

    def verify(self, accept: bool = False) -> VerifyResult:
        if not accept:
            with self._readonly() as backend:
                insp = self.inspect(backend)
            return VerifyResult(not insp.problems, insp)
        with self._locked("verify") as (backend, _guard):
            insp = self.inspect(backend)
            self._adopt(backend, insp)
            accepted = []
            for f in insp.changed:
                mf = self.source.get(f.version).up
                assert mf is not None
                rec = audit.Record(f.version, mf.name, "accept", mf.sha256(), audit.now())
                audit.insert(backend, audit.completed(rec))
                accepted.append(mf.name)
            if accepted:
                log.warning("migrate.checksums_accepted", extra={"files": accepted})
            insp = self.inspect(backend)
            return VerifyResult(not insp.problems, insp, accepted)

    def wait(
        self, version: int | None = None, timeout: float = 300.0, interval: float = 1.0
    ) -> WaitResult:
        self._source = None
        target = version if version is not None else self.source.last()
        if target is None:
            raise ConfigError(f"no migration files in {self.path}: pass --version")
        wanted = target

        def done(state: tuple[int, bool]) -> bool:
            return not state[1] and state[0] != NIL_VERSION and state[0] >= wanted

        state, waited = wait_until(
            self.url,
            version_table.read,
            done,
            lambda st: f"version {VersionInfo(*st)}",
            target=f"version {target}",
            timeout=timeout,
            interval=interval,
        )
        return WaitResult(state[0], target, waited)


class _Stop(Exception):
    """Internal: a signal arrived between statements."""


@contextlib.contextmanager
def locked_backend(
    url: str,
    lock_timeout: float,
    command: str,
    *,
    version_table_too: bool = True,
    cancel: Callable[[], None] | None = None,
) -> Iterator[tuple[Backend, SignalGuard]]:
    """Connect, take the migration lock(s) within ``lock_timeout``, create the tables.

    SIGTERM/SIGINT while inside cancel the work connection's statement (or call
    ``cancel``), see :class:`~dataops.migrate.signals.SignalGuard`.
    """
    backend = open_backend(url)
    try:
        with SignalGuard(cancel or backend.cancel) as guard:
            held = []
            try:
                deadline = time.monotonic() + lock_timeout
                for lk in backend.make_locks():
                    remaining = max(0.05, deadline - time.monotonic())
                    try:
                        lk.acquire(remaining, guard.event)
                    except Cancelled:
                        raise guard.interrupted(
                            "interrupted while waiting for the migration lock"
                        ) from None
                    held.append(lk)
                if guard.triggered:
                    raise guard.interrupted("interrupted")
                if version_table_too:
                    version_table.ensure(backend)
                audit.ensure(backend)
                log.info("migrate.start", extra={"command": command, "database": backend.masked})
                yield backend, guard
            finally:
                for lk in reversed(held):
                    with contextlib.suppress(Exception):
                        lk.release()
    finally:
        backend.close()


def wait_until(
    url: str,
    read: Callable[[Backend], T],
    done: Callable[[T], bool],
    show: Callable[[T], str],
    *,
    target: str,
    timeout: float,
    interval: float,
) -> tuple[T, float]:
    """Poll ``read(backend)`` until ``done``; reconnect on errors; OperationError on timeout."""
    started = time.monotonic()
    beat = heartbeat_interval(timeout)
    next_beat = started + beat
    backend: Backend | None = None
    last: T | None = None
    seen = False
    last_error = ""
    try:
        while True:
            try:
                if backend is None:
                    backend = open_backend(url)
                last = read(backend)
                seen = True
                if done(last):
                    waited = time.monotonic() - started
                    log.info(
                        "migrate.wait.done",
                        extra={"state": show(last), "target": target, "waited": round(waited, 3)},
                    )
                    return last, waited
                last_error = ""
            except ConfigError:
                raise
            except Exception as exc:
                last_error = (str(exc).splitlines() or [type(exc).__name__])[0]
                if backend is not None:
                    backend.close()
                    backend = None
            now = time.monotonic()
            if now - started >= timeout:
                state = (
                    f"the database is at {show(last)}"  # type: ignore[arg-type]
                    if seen
                    else f"the database was not reachable: {last_error}"
                )
                raise OperationError(
                    f"timed out after {timeout:g} s waiting for {target}", details=[state]
                )
            if now >= next_beat:
                log.info(
                    "migrate.wait.waiting",
                    extra={
                        "target": target,
                        "state": show(last) if seen else None,  # type: ignore[arg-type]
                        "waited": round(now - started, 1),
                        "error": last_error or None,
                    },
                )
                next_beat = now + beat
            time.sleep(min(interval, max(0.05, timeout - (now - started))))
    finally:
        if backend is not None:
            backend.close()


# -- actions taking Settings ----------------------------------------------------------------------


def migrator(
    settings: Settings,
    *,
    lock_timeout: float = DEFAULT_LOCK_TIMEOUT,
    allow_out_of_order: bool = False,
) -> Migrator:
    url = settings.database_url_value
    if not url:
        raise ConfigError("no database: pass --db URL or set DATAOPS_DATABASE_URL")
    return Migrator(
        url,
        settings.migrations_path,
        lock_timeout=lock_timeout,
        allow_out_of_order=allow_out_of_order,
    )
