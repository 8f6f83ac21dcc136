"""``backup pg archive-config``: the postgresql.conf lines, optionally the wal-g files too."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from dataops.backup import pg
from dataops.config.settings import Settings


@dataclass(frozen=True)
class ArchiveConfigResult:
    archive: pg.ArchiveConfig
    owner: str
    written: bool

    def as_dict(self) -> dict[str, Any]:
        return {**self.archive.as_dict(), "owner": self.owner, "written": self.written}


def archive_config(settings: Settings, write_config: Path | None = None) -> ArchiveConfigResult:
    """Render the archive settings; with ``write_config`` also write the wal-g config there.

    The config (mode 0600) and the ``restore_command`` wrapper next to it are owned by
    the OS user running PostgreSQL, who must also be able to run wal-g.
    """
    path = write_config.absolute() if write_config else None
    archive = pg.archive_settings(settings, path)
    owner = pg.os_user(settings)
    if write_config is not None:
        pg.check_runnable_by(archive.walg_bin, owner)
        pg.write_walg_files(settings, archive, owner)
    return ArchiveConfigResult(archive=archive, owner=owner, written=write_config is not None)
