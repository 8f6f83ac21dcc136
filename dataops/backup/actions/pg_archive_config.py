"""``backup pg archive-config``: the postgresql.conf lines, optionally the wal-g files too."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from dataops.backup import pg
from dataops.config.settings import Settings
from dataops.errors import DependencyError

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class ArchiveConfigResult:
    archive: pg.ArchiveConfig
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
    """Render the archive settings; with ``write_config`` also write the wal-g config there.

    The config (mode 0600) and the ``restore_command`` wrapper next to it are owned by
    the OS user running PostgreSQL, who must also be able to run wal-g.
    """
    path = write_config.absolute() if write_config else None
    archive = pg.archive_settings(settings, path)
    owner = pg.os_user(settings)
    warnings: list[str] = []
    if write_config is not None:
        pg.check_runnable_by(archive.walg_bin, owner)
        pg.write_walg_files(settings, archive, owner)
    elif Path(archive.walg_bin).exists():
        try:
            pg.check_runnable_by(archive.walg_bin, owner)
        except DependencyError as exc:
            warnings.append(exc.message)
            log.warning("backup.walg_not_runnable", extra={"error": exc.message})
    return ArchiveConfigResult(
        archive=archive, owner=owner, written=write_config is not None, warnings=warnings
    )
