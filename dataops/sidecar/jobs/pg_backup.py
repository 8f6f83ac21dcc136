"""``pg_backup``: a base backup through the configured engine (full, and incremental on its
own schedule: pgBackRest ``incr``, wal-g ``delta``)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, ClassVar

from dataops.metrics import BackupSeries
from dataops.sidecar.jobs.base import Job, Outcome, Refreshed, ts
from dataops.sidecar.jobs.pg_common import engine_label, incremental_kind, open_pg_engine

if TYPE_CHECKING:
    from dataops.config.settings import Settings
    from dataops.metrics import Metrics

FULL = "full"
INCREMENTAL = "incremental"


class PgBackup(Job):
    name = "pg_backup"
    summary = "PostgreSQL base backup (full; incremental on its own schedule)"
    heavy = True
    order = 0
    lock = "pg"
    default_timeout: ClassVar[float] = 6 * 3600.0
    incremental = True

    def variants(self) -> list[str]:
        out = []
        if self.config.schedule is not None:
            out.append(FULL)
        if self.config.incremental_schedule is not None:
            out.append(INCREMENTAL)
        return out

    def kind(self, variant: str) -> str:
        return FULL if variant == FULL else incremental_kind(self.settings)

    def series(self, kind: str) -> BackupSeries:
        return BackupSeries(engine_label(self.settings), self.targets["pg"], kind)

    def run(self, settings: Settings, variant: str) -> dict[str, Any]:
        engine = open_pg_engine(settings)
        result = engine.push(self.kind(variant))
        facts = engine.facts()
        backup = result.backup
        return {
            "type": backup.kind,
            "requested": self.kind(variant),
            "backup": backup.name,
            "stop_time": ts(backup.stop_time),
            "size_bytes": backup.stored_bytes,
            "seconds": result.seconds,
            "backup_count": facts.backup_count,
            "recoverability_start": ts(facts.recoverability_start),
        }

    def declare(self, metrics: Metrics) -> None:
        for variant in self.variants():
            metrics.declare_backup(self.series(self.kind(variant)))
        metrics.declare_repo(engine_label(self.settings), self.targets["pg"])

    def record(self, metrics: Metrics, outcome: Outcome, *, replay: bool = False) -> None:
        if outcome.result == "skipped":
            return
        facts = outcome.facts
        kind = str(facts.get("type") or self.kind(outcome.variant))
        series = self.series(kind)
        if outcome.ok:
            when = float(facts.get("stop_time") or outcome.ended)
            metrics.backup_attempt(
                series,
                ended=outcome.ended,
                ok=True,
                seconds=outcome.seconds,
                size_bytes=facts.get("size_bytes"),
                count=not replay,
                success_at=when,
            )
            record_repo_facts(metrics, self.settings, self.targets["pg"], facts)
        else:
            series = self.series(self.kind(outcome.variant))
            metrics.backup_attempt(
                series, ended=outcome.ended, ok=False, seconds=outcome.seconds, count=not replay
            )

    def record_refresh(self, metrics: Metrics, refreshed: Refreshed) -> None:
        facts = refreshed.facts
        if refreshed.when > 0:
            series = self.series(str(facts.get("type") or self.kind(refreshed.variant)))
            metrics.backup_success(series, refreshed.when, facts.get("size_bytes"))
        record_repo_facts(metrics, self.settings, self.targets["pg"], facts)

    def refresh(self, settings: Settings) -> list[Refreshed]:
        engine = open_pg_engine(settings)
        backups = engine.list_backups()
        facts = engine.facts()
        common = {
            "backup_count": facts.backup_count,
            "recoverability_start": ts(facts.recoverability_start),
        }
        latest: dict[str, Any] = {}
        for backup in backups:
            variant = FULL if backup.kind == FULL else INCREMENTAL
            if variant not in latest or backup.stop_time > latest[variant].stop_time:
                latest[variant] = backup
        out = []
        for variant, backup in latest.items():
            out.append(
                Refreshed(
                    variant,
                    backup.stop_time.timestamp(),
                    {
                        "type": backup.kind,
                        "backup": backup.name,
                        "stop_time": backup.stop_time.timestamp(),
                        "size_bytes": backup.stored_bytes,
                        **common,
                    },
                )
            )
        if not out:
            out.append(Refreshed("", 0.0, common))
        return out


def record_repo_facts(
    metrics: Metrics, settings: Settings, target: str, facts: dict[str, Any]
) -> None:
    engine = engine_label(settings)
    if facts.get("backup_count") is not None:
        metrics.backups_retained.labels(engine, target).set(float(facts["backup_count"]))
    if facts.get("recoverability_start") is not None:
        metrics.pitr_window_start.labels(engine, target).set(float(facts["recoverability_start"]))
