"""``files_backup``: Borg archive of DATAOPS_FILES_PATHS, then its off-site copy (rclone,
checked).  The archive and the copy are exported separately: a failed copy fails the run
but the archive still counts as a backup."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, ClassVar

from dataops.metrics import BackupSeries
from dataops.sidecar.jobs.base import Job, JobFailed, Outcome, Refreshed, ts

if TYPE_CHECKING:
    from dataops.config.settings import Settings
    from dataops.metrics import Metrics


class FilesBackup(Job):
    name = "files_backup"
    summary = "Borg archive of the files, then the off-site copy (rclone, checked)"
    heavy = True
    order = 0
    lock = "files"
    default_timeout: ClassVar[float] = 6 * 3600.0

    def series(self) -> BackupSeries:
        return BackupSeries("borg", self.targets["files"], "archive")

    def run(self, settings: Settings, variant: str) -> dict[str, Any]:
        from dataops.backup.files.push import push

        result = push(settings)
        archive = result.archive
        facts: dict[str, Any] = {
            "type": "archive",
            "backup": archive.name,
            "stop_time": archive.end.timestamp(),
            "size_bytes": archive.deduplicated_size,
            "original_size": archive.original_size,
            "nfiles": archive.nfiles,
            "offsite": None,
        }
        if result.offsite is not None:
            facts["offsite"] = result.offsite.ok
            facts["offsite_time"] = ts(result.offsite.finished)
            if not result.offsite.ok:
                raise JobFailed(
                    f"archive {archive.name} made, but the off-site copy failed "
                    f"({result.offsite.stage}): {result.offsite.error}",
                    details=result.offsite.details,
                    facts=facts,
                )
        return facts

    def declare(self, metrics: Metrics) -> None:
        metrics.declare_backup(self.series())
        metrics.declare_offsite(self.targets["files"])

    def record(self, metrics: Metrics, outcome: Outcome, *, replay: bool = False) -> None:
        if outcome.result == "skipped":
            return
        facts = outcome.facts
        archived = facts.get("stop_time") is not None
        metrics.backup_attempt(
            self.series(),
            ended=outcome.ended,
            ok=archived,
            seconds=outcome.seconds,
            size_bytes=facts.get("size_bytes"),
            count=not replay,
            success_at=facts.get("stop_time"),
        )
        if facts.get("offsite") is True and facts.get("offsite_time"):
            metrics.offsite_last_success.labels(self.targets["files"]).set(facts["offsite_time"])

    def refresh(self, settings: Settings) -> list[Refreshed]:
        from dataops.backup.files.status import status

        current = status(settings)
        if current.last_archive is None:
            return []
        facts: dict[str, Any] = {
            "type": "archive",
            "backup": current.last_archive.name,
            "stop_time": current.last_archive.end.timestamp(),
            "size_bytes": current.last_archive.deduplicated_size,
            "backup_count": current.archives,
        }
        if current.offsite.last_success is not None:
            facts["offsite"] = True
            facts["offsite_time"] = current.offsite.last_success.timestamp()
        return [Refreshed("", current.last_archive.end.timestamp(), facts)]

    def record_refresh(self, metrics: Metrics, refreshed: Refreshed) -> None:
        facts = refreshed.facts
        metrics.backup_success(self.series(), refreshed.when, facts.get("size_bytes"))
        if facts.get("offsite_time"):
            offsite = metrics.offsite_last_success.labels(self.targets["files"])
            offsite.set(float(facts["offsite_time"]))
