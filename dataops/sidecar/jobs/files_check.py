"""``files_check``: ``borg check`` of the repository and ``rclone check`` of its copy."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, ClassVar

from dataops.errors import OperationError
from dataops.sidecar.jobs.base import Job, Outcome
from dataops.sidecar.jobs.feature import find_action, not_installed

if TYPE_CHECKING:
    from dataops.config.settings import Settings
    from dataops.metrics import Metrics

MODULE = "dataops.backup.files.check"


class FilesCheck(Job):
    name = "files_check"
    summary = "verify the Borg repository and its off-site copy"
    lock = "files"
    default_timeout: ClassVar[float] = 3 * 3600.0

    @classmethod
    def missing_feature(cls) -> str | None:
        return not_installed(MODULE, "check")

    def run(self, settings: Settings, variant: str) -> dict[str, Any]:
        check = find_action(MODULE, "check")
        if check is None:
            raise OperationError(str(self.missing_feature()))
        result = check(settings)
        facts: dict[str, Any] = result.as_dict() if hasattr(result, "as_dict") else {}
        if facts.get("ok") is False:
            raise OperationError("files repository check failed")
        return facts

    def declare(self, metrics: Metrics) -> None:
        metrics.declare_verify("borg", self.targets["files"])

    def record(self, metrics: Metrics, outcome: Outcome, *, replay: bool = False) -> None:
        if outcome.result == "skipped":
            return
        labels = ("borg", self.targets["files"])
        metrics.repo_verify_last_success.labels(*labels).set(1 if outcome.ok else 0)
        if outcome.ok:
            metrics.repo_verify_last_success_ts.labels(*labels).set(outcome.ended)
