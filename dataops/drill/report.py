"""The drill report: checks with status and timing, RTO/RPO, objectives; JSON ``dataops.drill/v1``.

A drill is a sequence of named checks.  :class:`DrillRun` times each one, turns an
exception into a failed check (a dependency problem is remembered, so the exit code can
say "storage or database unreachable"), and skips the later steps once a step that they
depend on failed.  :class:`DrillReport` is the frozen result the CLI renders and the
sidecar exports as ``dataops_drill_*``.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal, TypeVar

from dataops.errors import (
    EXIT_DEPENDENCY,
    EXIT_FAILED,
    EXIT_OK,
    ConfigError,
    DataopsError,
    DependencyError,
    Interrupted,
)
from dataops.log import redact

log = logging.getLogger(__name__)
T = TypeVar("T")

SCHEMA = "dataops.drill/v1"
Status = Literal["passed", "failed", "skipped"]
Result = Literal["passed", "failed", "error"]


@dataclass(frozen=True)
class CheckResult:
    name: str
    status: Status
    seconds: float = 0.0
    message: str = ""
    details: tuple[str, ...] = ()
    # a failed check caused by an unreachable dependency (storage, database, tool)
    dependency: bool = False

    def as_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "status": self.status,
            "duration_seconds": round(self.seconds, 3),
            "message": self.message,
            "details": list(self.details),
        }


@dataclass(frozen=True)
class Objectives:
    """Recovery objectives in seconds; ``None`` = not checked."""

    rto_seconds: float | None = None
    rpo_seconds: float | None = None
    max_backup_age_seconds: float | None = None

    def as_dict(self) -> dict[str, float | None]:
        return {
            "rto_seconds": self.rto_seconds,
            "rpo_seconds": self.rpo_seconds,
            "max_backup_age_seconds": self.max_backup_age_seconds,
        }


@dataclass(frozen=True)
class DrillReport:
    drill: str  # "pg" | "files"
    engine: str
    target: str
    started: dt.datetime
    finished: dt.datetime
    checks: tuple[CheckResult, ...]
    objectives: Objectives = Objectives()
    backup: str | None = None
    backup_finished: dt.datetime | None = None
    recovery_target: str | None = None
    rto_seconds: float | None = None
    rpo_seconds: float | None = None
    rpo_source: str | None = None
    tool_versions: dict[str, str] = field(default_factory=dict)
    scratch_dir: str | None = None
    kept: bool = False
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def passed(self) -> int:
        return sum(1 for c in self.checks if c.status == "passed")

    @property
    def failed(self) -> int:
        return sum(1 for c in self.checks if c.status == "failed")

    @property
    def skipped(self) -> int:
        return sum(1 for c in self.checks if c.status == "skipped")

    @property
    def result(self) -> Result:
        if not self.failed:
            return "passed"
        return "error" if self.dependency_failure else "failed"

    @property
    def dependency_failure(self) -> bool:
        """The drill could not run because storage or a database was unreachable."""
        return any(c.dependency for c in self.checks if c.status == "failed")

    @property
    def success(self) -> bool:
        return self.result == "passed"

    @property
    def exit_code(self) -> int:
        if self.success:
            return EXIT_OK
        return EXIT_DEPENDENCY if self.dependency_failure else EXIT_FAILED

    @property
    def seconds(self) -> float:
        return (self.finished - self.started).total_seconds()

    def failed_checks(self) -> list[CheckResult]:
        return [c for c in self.checks if c.status == "failed"]

    def summary_line(self) -> str:
        return f"drill: {self.passed} passed, {self.failed} failed"

    def as_dict(self) -> dict[str, Any]:
        return {
            "schema": SCHEMA,
            "drill": self.drill,
            "engine": self.engine,
            "target": self.target,
            "started": self.started.isoformat(),
            "finished": self.finished.isoformat(),
            "duration_seconds": round(self.seconds, 3),
            "result": self.result,
            "backup": self.backup,
            "backup_finished": self.backup_finished.isoformat() if self.backup_finished else None,
            "recovery_target": self.recovery_target,
            "rto_seconds": _round(self.rto_seconds),
            "rpo_seconds": _round(self.rpo_seconds),
            "rpo_source": self.rpo_source,
            "objectives": self.objectives.as_dict(),
            "tool_versions": dict(self.tool_versions),
            "scratch_dir": self.scratch_dir,
            "kept": self.kept,
            "counts": {"passed": self.passed, "failed": self.failed, "skipped": self.skipped},
            "checks": [c.as_dict() for c in self.checks],
            **({"extra": self.extra} if self.extra else {}),
        }


def _round(value: float | None) -> float | None:
    return None if value is None else round(value, 3)


class CheckFailed(Exception):
    """A check's own verdict: it ran and the condition does not hold (never a traceback)."""

    def __init__(self, message: str, details: list[str] | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.details = details or []


class Check:
    """Handle given to the body of ``DrillRun.check``: it may set the passing message."""

    def __init__(self) -> None:
        self.message = ""
        self.details: list[str] = []


class DrillRun:
    """Collects the checks of one drill, in order, with their timings."""

    def __init__(self, expected: tuple[type[Exception], ...] = ()) -> None:
        # exceptions of the tools a drill uses (psycopg.Error, OSError) that mean "this
        # check failed", not "dataops has a bug"
        self.expected = expected
        self.checks: list[CheckResult] = []
        self.started = dt.datetime.now(dt.UTC)
        self.started_monotonic = time.monotonic()

    @property
    def ok(self) -> bool:
        return all(c.status != "failed" for c in self.checks)

    def skip(self, name: str, message: str) -> None:
        self.checks.append(CheckResult(name, "skipped", 0.0, message))

    def fail(self, name: str, message: str, *, dependency: bool = False) -> None:
        self.checks.append(CheckResult(name, "failed", 0.0, message, dependency=dependency))

    def passed(self, name: str, message: str) -> None:
        self.checks.append(CheckResult(name, "passed", 0.0, message))

    def status(self, name: str) -> Status | None:
        for check in reversed(self.checks):
            if check.name == name:
                return check.status
        return None

    def step(
        self,
        name: str,
        body: Callable[[Check], T],
        *,
        requires: Sequence[str] | None = None,
    ) -> T | None:
        """Run ``body`` as the check ``name``; its return value, or None when it did not pass.

        CheckFailed and DataopsError become a failed check (never propagated), except
        ConfigError: bad configuration stops the drill (after its teardown) with exit 2.  With
        ``requires=None`` (the default) the body is not run once an earlier check failed:
        the check is recorded as skipped; ``requires`` names the checks that must have
        passed instead (e.g. a restore still runs after a failed verify).  Interrupts (KeyboardInterrupt, SystemExit)
        are recorded as a failed check and propagate.
        """
        if requires is None and not self.ok:
            self.skip(name, "not run: an earlier step failed")
            return None
        missing = [r for r in requires or () if self.status(r) != "passed"]
        if missing:
            self.skip(name, f"not run: {', '.join(missing)} did not pass")
            return None
        handle = Check()
        began = time.monotonic()
        try:
            value = body(handle)
        except CheckFailed as exc:
            self._record(name, "failed", began, exc.message, exc.details)
            return None
        except Interrupted:
            self._record(name, "failed", began, "interrupted", [])
            raise
        except ConfigError:
            raise  # bad configuration is exit 2, not a finding about the backups
        except DataopsError as exc:
            self._record(
                name,
                "failed",
                began,
                exc.message,
                exc.details,
                dependency=isinstance(exc, DependencyError),
            )
            return None
        except self.expected as exc:
            text = str(exc).strip()
            first = text.splitlines()[0] if text else type(exc).__name__
            self._record(name, "failed", began, f"{type(exc).__name__}: {first}", [])
            return None
        except Exception as exc:
            self._record(name, "failed", began, f"internal error: {type(exc).__name__}", [])
            raise
        except BaseException:
            self._record(name, "failed", began, "interrupted", [])
            raise
        self._record(name, "passed", began, handle.message, handle.details)
        return value

    def _record(
        self,
        name: str,
        status: Status,
        began: float,
        message: str,
        details: list[str],
        dependency: bool = False,
    ) -> None:
        result = CheckResult(
            name,
            status,
            time.monotonic() - began,
            redact(message),
            tuple(redact(d) for d in details),
            dependency,
        )
        self.checks.append(result)
        level = logging.INFO if status == "passed" else logging.WARNING
        log.log(
            level,
            "drill.check",
            extra={
                "check": name,
                "status": status,
                "seconds": round(result.seconds, 3),
                "detail": result.message,
            },
        )


def to_json(report: DrillReport) -> str:
    return json.dumps(report.as_dict(), indent=2, sort_keys=False) + "\n"
