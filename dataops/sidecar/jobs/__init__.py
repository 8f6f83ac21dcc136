"""The job registry: name -> job class (the sidecar's only dispatch table)."""

from __future__ import annotations

from dataops.sidecar.jobs.base import Job
from dataops.sidecar.jobs.drill import DrillFiles, DrillPg
from dataops.sidecar.jobs.files_backup import FilesBackup
from dataops.sidecar.jobs.files_check import FilesCheck
from dataops.sidecar.jobs.pg_archiver import PgArchiver
from dataops.sidecar.jobs.pg_backup import PgBackup
from dataops.sidecar.jobs.pg_retain import PgRetain
from dataops.sidecar.jobs.pg_verify import PgVerify

JOBS: dict[str, type[Job]] = {
    cls.name: cls
    for cls in (
        PgBackup,
        PgRetain,
        PgVerify,
        PgArchiver,
        FilesBackup,
        FilesCheck,
        DrillPg,
        DrillFiles,
    )
}

__all__ = ["JOBS", "Job"]
