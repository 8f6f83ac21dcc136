"""``pg_verify``: the repository's backups are readable and the WAL chain is complete."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, ClassVar

from dataops.errors import OperationError
from dataops.sidecar.jobs.base import Job, Outcome
from dataops.sidecar.jobs.pg_common import engine_label, open_pg_engine

if TYPE_CHECKING:
    from dataops.config.settings import Settings
    from dataops.metrics import Metrics


class PgVerify(Job):
    name = "pg_verify"
    summary = "verify the PostgreSQL repository (backups readable, WAL chain complete)"
    lock = "pg"
    default_timeout: ClassVar[float] = 3 * 3600.0

    def run(self, settings: Settings, variant: str) -> dict[str, Any]:
        result = open_pg_engine(settings).verify()
        if not result.ok:
            problems = result.problems + [f"missing WAL {w}" for w in result.missing_wal[:5]]
            raise OperationError("repository verification failed", details=problems)
        return {"backups_checked": result.backups_checked, "wal_checked": result.wal_checked}

    def declare(self, metrics: Metrics) -> None:
        metrics.declare_verify(engine_label(self.settings), self.targets["pg"])

    def record(self, metrics: Metrics, outcome: Outcome, *, replay: bool = False) -> None:
        if outcome.result == "skipped":
            return
        labels = (engine_label(self.settings), self.targets["pg"])
        metrics.repo_verify_last_success.labels(*labels).set(1 if outcome.ok else 0)
        if outcome.ok:
            metrics.repo_verify_last_success_ts.labels(*labels).set(outcome.ended)
