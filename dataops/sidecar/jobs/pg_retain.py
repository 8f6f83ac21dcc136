"""``pg_retain``: keep the newest N full backups (with their dependents and WAL)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, ClassVar

from dataops.sidecar.jobs.base import Job, Outcome
from dataops.sidecar.jobs.pg_backup import record_repo_facts
from dataops.sidecar.jobs.pg_common import open_pg_engine

if TYPE_CHECKING:
    from dataops.config.settings import Settings
    from dataops.metrics import Metrics


def _positive_int(value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise ValueError("expected a whole number of at least 1")
    return int(value)


class PgRetain(Job):
    name = "pg_retain"
    summary = "delete PostgreSQL backups beyond the newest `full` full ones (default 7)"
    lock = "pg"
    default_timeout: ClassVar[float] = 3600.0
    options = {"full": _positive_int}

    def run(self, settings: Settings, variant: str) -> dict[str, Any]:
        engine = open_pg_engine(settings)
        result = engine.retain(int(self.config.options.get("full", 7)))
        facts = engine.facts()
        return {
            "deleted": result.deleted,
            "kept": len(result.kept),
            "backup_count": facts.backup_count,
            "recoverability_start": (
                facts.recoverability_start.timestamp() if facts.recoverability_start else None
            ),
        }

    def record(self, metrics: Metrics, outcome: Outcome, *, replay: bool = False) -> None:
        if outcome.ok and not replay:
            record_repo_facts(metrics, self.settings, self.targets["pg"], outcome.facts)
