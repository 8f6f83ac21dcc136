"""``drill_pg`` / ``drill_files``: restore drills (restore into scratch, check, tear down).

Exports pass/fail, the measured RTO and RPO and the configured RPO objective.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, ClassVar

from dataops.sidecar.jobs.base import Job, JobFailed, Outcome
from dataops.sidecar.jobs.feature import find_action, not_installed
from dataops.sidecar.schedule import parse_duration

if TYPE_CHECKING:
    from dataops.config.settings import Settings
    from dataops.metrics import Metrics

MODULE = "dataops.drill"


class _Drill(Job):
    drill: ClassVar[str]
    action: ClassVar[str]
    heavy = True
    default_timeout: ClassVar[float] = 3 * 3600.0
    options = {"rpo_objective": parse_duration, "rto_objective": parse_duration}

    @classmethod
    def missing_feature(cls) -> str | None:
        return not_installed(MODULE, cls.action)

    def run(self, settings: Settings, variant: str) -> dict[str, Any]:
        action = find_action(MODULE, self.action)
        if action is None:
            raise JobFailed(str(self.missing_feature()), facts={})
        report = action(settings, None)
        facts = {
            "passed": bool(report.success),
            "rto_seconds": report.rto_seconds,
            "rpo_seconds": report.rpo_seconds,
            "backup": report.backup,
            "summary": report.summary_line(),
        }
        if not report.success:
            failed = [f"{c.name}: {c.message}" for c in report.failed_checks()]
            raise JobFailed(report.summary_line(), details=failed, facts=facts)
        return facts

    def declare(self, metrics: Metrics) -> None:
        metrics.declare_drill(self.drill, self.config.options.get("rpo_objective"))

    def record(self, metrics: Metrics, outcome: Outcome, *, replay: bool = False) -> None:
        if outcome.result == "skipped":
            return
        metrics.drill_last_run_success.labels(self.drill).set(1 if outcome.ok else 0)
        if outcome.ok:
            metrics.drill_last_success.labels(self.drill).set(outcome.ended)
        for key, gauge in (
            ("rto_seconds", metrics.drill_last_rto),
            ("rpo_seconds", metrics.drill_last_rpo),
        ):
            if outcome.facts.get(key) is not None:
                gauge.labels(self.drill).set(float(outcome.facts[key]))


class DrillPg(_Drill):
    name = "drill_pg"
    summary = "PostgreSQL restore drill: restore, start, check, measure RTO/RPO, tear down"
    drill = "pg"
    action = "drill_pg"
    lock = "pg"


class DrillFiles(_Drill):
    name = "drill_files"
    summary = "files restore drill from the off-site copy"
    drill = "files"
    action = "drill_files"
    lock = "files"
