"""``backup files list``: the archives of the local repository, oldest first."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from dataops.backup.files import borg as borgmod
from dataops.backup.files.config import open_borg
from dataops.backup.files.repository import is_repository
from dataops.config.settings import Settings
from dataops.errors import OperationError


@dataclass(frozen=True)
class ListResult:
    repository: str
    repository_id: str
    archives: list[borgmod.ArchiveEntry] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {
            "repository": self.repository,
            "repository_id": self.repository_id,
            "archives": [a.as_dict() for a in self.archives],
        }


def require_local(borg: borgmod.Borg) -> None:
    if not is_repository(borg.repo):
        raise OperationError(
            f"there is no Borg repository at {borg.repo} (run `dataops backup files push`, "
            "which pulls it back from object storage, or restore with --from-offsite)"
        )


def list_archives(settings: Settings) -> ListResult:
    borg = open_borg(settings)
    require_local(borg)
    listing = borg.list()
    return ListResult(str(borg.repo), listing.repository_id, listing.archives)
