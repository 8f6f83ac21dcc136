"""``backup pg archive-config``: the postgresql.conf lines, optionally the engine's files too."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from dataops.backup import pg
from dataops.backup.engine import ArchiveSetup, open_engine
from dataops.config.settings import Settings

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class ArchiveConfigResult:
    archive: ArchiveSetup
    owner: str
    written: bool
    warnings: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {
            **self.archive.as_dict(),
            "owner": self.owner,
            "written": self.written,
            "warnings": self.warnings,
        }


def archive_config(settings: Settings, write_config: Path | None = None) -> ArchiveConfigResult:
    """Render the archive settings; with ``write_config`` also write the engine config there.

    The config (mode 0600) and the ``restore_command`` wrapper next to it are owned by
    the OS user running PostgreSQL, who must also be able to run the engine binary.
    """
    engine = open_engine(settings)
    path = write_config.absolute() if write_config else None
    archive = engine.archive_setup(path)
    owner = pg.os_user(settings)
    if write_config is not None:
        engine.write_config(archive, owner)
    return ArchiveConfigResult(archive=archive, owner=owner, written=write_config is not None)
