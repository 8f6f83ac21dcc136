"""``files_check``: ``borg check`` of the repository and ``rclone check`` of its copy."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, ClassVar

from dataops.sidecar.jobs.base import Job, JobFailed, Outcome

if TYPE_CHECKING:
    from dataops.config.settings import Settings
    from dataops.metrics import Metrics


def _flag(value: Any) -> bool:
    if not isinstance(value, bool):
        raise ValueError("expected true or false")
    return value


class FilesCheck(Job):
    name = "files_check"
    summary = "verify the Borg repository and its off-site copy"
    lock = "files"
    default_timeout: ClassVar[float] = 3 * 3600.0
    options = {"verify_data": _flag}

    def run(self, settings: Settings, variant: str) -> dict[str, Any]:
        from dataops.backup.files.check import check

        result = check(settings, verify_data=bool(self.config.options.get("verify_data")))
        facts = {"ok": result.ok, "local_ok": result.local_ok, "seconds": result.seconds}
        failure = result.failure()
        if failure is not None:
            raise JobFailed(failure.message, details=failure.details, facts=facts)
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
