"""``drill_pg`` / ``drill_files``: restore drills (restore into scratch, check, tear down).

Exports pass/fail, the measured RTO and RPO, and the configured RPO objective.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar

from dataops.sidecar.jobs.base import Job, JobFailed, Outcome
from dataops.sidecar.schedule import parse_duration

if TYPE_CHECKING:
    from dataops.config.settings import Settings
    from dataops.drill.report import DrillReport
    from dataops.metrics import Metrics


def _positive_int(value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise ValueError("expected a whole number of at least 1")
    return int(value)


def _flag(value: Any) -> bool:
    if not isinstance(value, bool):
        raise ValueError("expected true or false")
    return value


def _path(value: Any) -> str:
    if not isinstance(value, str) or not value:
        raise ValueError("expected a file path")
    return value


_COMMON = {
    "rpo_objective": parse_duration,
    "rto_objective": parse_duration,
    "max_backup_age": parse_duration,
}


class _Drill(Job):
    drill: ClassVar[str]
    heavy = True
    order = 2
    default_timeout: ClassVar[float] = 3 * 3600.0

    def report(self, settings: Settings) -> DrillReport:
        raise NotImplementedError

    def run(self, settings: Settings, variant: str) -> dict[str, Any]:
        report = self.report(settings)
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
    lock = "pg"
    options = {**_COMMON, "checks_file": _path}

    def report(self, settings: Settings) -> DrillReport:
        from dataops.drill.options import PgDrillOptions
        from dataops.drill.pg import drill_pg

        opts = self.config.options
        checks = opts.get("checks_file")
        return drill_pg(
            settings,
            PgDrillOptions(
                checks_file=Path(checks) if checks else None,
                max_backup_age=opts.get("max_backup_age"),
                rto_objective=opts.get("rto_objective"),
                rpo_objective=opts.get("rpo_objective"),
            ),
        )


class DrillFiles(_Drill):
    name = "drill_files"
    summary = "files restore drill from the off-site copy"
    drill = "files"
    lock = "files"
    options = {**_COMMON, "sample": _positive_int, "all_files": _flag, "local": _flag}

    def report(self, settings: Settings) -> DrillReport:
        from dataops.drill.files import drill_files
        from dataops.drill.options import FilesDrillOptions

        opts = self.config.options
        return drill_files(
            settings,
            FilesDrillOptions(
                local=bool(opts.get("local", False)),
                all_files=bool(opts.get("all_files", False)),
                sample=int(opts.get("sample", 200)),
                max_backup_age=opts.get("max_backup_age"),
                rto_objective=opts.get("rto_objective"),
                rpo_objective=opts.get("rpo_objective"),
            ),
        )
