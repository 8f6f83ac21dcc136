"""``files_backup``: Borg archive of DATAOPS_FILES_PATHS and its verified off-site copy."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, ClassVar

from dataops.errors import OperationError
from dataops.metrics import BackupSeries
from dataops.sidecar.jobs.base import Job, Outcome
from dataops.sidecar.jobs.feature import find_action, not_installed

if TYPE_CHECKING:
    from dataops.config.settings import Settings
    from dataops.metrics import Metrics

MODULE = "dataops.backup.files.push"


class FilesBackup(Job):
    name = "files_backup"
    summary = "Borg archive of the files, then the off-site copy (rclone, checked)"
    heavy = True
    lock = "files"
    default_timeout: ClassVar[float] = 6 * 3600.0

    @classmethod
    def missing_feature(cls) -> str | None:
        return not_installed(MODULE, "push")

    def series(self) -> BackupSeries:
        return BackupSeries("borg", self.targets["files"], "archive")

    def run(self, settings: Settings, variant: str) -> dict[str, Any]:
        push = find_action(MODULE, "push")
        if push is None:
            raise OperationError(str(self.missing_feature()))
        result = push(settings)
        facts: dict[str, Any] = result.as_dict() if hasattr(result, "as_dict") else {}
        return facts

    def declare(self, metrics: Metrics) -> None:
        metrics.declare_backup(self.series())
        metrics.declare_offsite(self.targets["files"])

    def record(self, metrics: Metrics, outcome: Outcome, *, replay: bool = False) -> None:
        if outcome.result == "skipped":
            return
        metrics.backup_attempt(
            self.series(),
            ended=outcome.ended,
            ok=outcome.ok,
            seconds=outcome.seconds,
            size_bytes=outcome.facts.get("size_bytes"),
            count=not replay,
        )
        if outcome.ok and outcome.facts.get("offsite_ok", True):
            metrics.offsite_last_success.labels(self.targets["files"]).set(outcome.ended)
