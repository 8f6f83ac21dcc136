"""The facts the sidecar exports, read back from the repository and the state file (so a
restart does not forget them): the newest archive and the last off-site copy."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from dataops.backup.files import borg as borgmod
from dataops.backup.files.config import open_borg
from dataops.backup.files.listing import require_local
from dataops.backup.files.offsite import OffsiteState, read_state
from dataops.config.settings import Settings


@dataclass(frozen=True)
class FilesStatus:
    repository: str
    archives: int
    last_archive: borgmod.ArchiveStats | None
    offsite: OffsiteState

    def as_dict(self) -> dict[str, Any]:
        return {
            "repository": self.repository,
            "archives": self.archives,
            "last_archive": self.last_archive.as_dict() if self.last_archive else None,
            "offsite": self.offsite.as_dict(),
        }


def status(settings: Settings) -> FilesStatus:
    borg = open_borg(settings)
    require_local(borg)
    archives = borg.list().archives
    last = borg.info(archives[-1].name) if archives else None
    return FilesStatus(str(borg.repo), len(archives), last, read_state(settings))
