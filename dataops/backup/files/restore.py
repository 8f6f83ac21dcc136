"""``backup files restore``: extract an archive (or part of it) into a new directory.

From the local repository, or with ``from_offsite`` from a scratch copy pulled from
object storage (:mod:`.scratch`).  The target must be absent or empty; Borg extracts
into a temporary sibling that is renamed into place only when the extraction succeeded,
so a failed restore leaves nothing behind.  :func:`resolve_archive` and
:func:`extract_into` are what drills reuse.
"""

from __future__ import annotations

import logging
import shutil
import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from dataops.backup.files import borg as borgmod
from dataops.backup.files.config import open_borg
from dataops.backup.files.listing import require_local
from dataops.backup.files.scratch import offsite_scratch
from dataops.config.settings import Settings
from dataops.errors import ConfigError, OperationError

log = logging.getLogger(__name__)

LATEST = "latest"


@dataclass(frozen=True)
class RestoreResult:
    archive: borgmod.ArchiveEntry
    target: str
    source: str  # local or offsite
    paths: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    warning: bool = False
    seconds: float = 0.0

    def as_dict(self) -> dict[str, Any]:
        return {
            "archive": self.archive.as_dict(),
            "target": self.target,
            "source": self.source,
            "paths": self.paths,
            "warning": self.warning,
            "warnings": self.warnings,
            "seconds": round(self.seconds, 3),
        }


def resolve_archive(borg: borgmod.Borg, name: str) -> borgmod.ArchiveEntry:
    """The archive called ``name``, or the newest for ``latest``."""
    archives = borg.list().archives
    if name == LATEST:
        if not archives:
            raise OperationError(f"the repository {borg.repo} has no archives")
        return archives[-1]
    for entry in archives:
        if entry.name == name:
            return entry
    raise ConfigError(
        f"--archive {name}: no such archive in {borg.repo}",
        details=[f"newest: {a.name}" for a in archives[-3:]],
    )


def check_target(target: Path) -> Path:
    target = target.absolute()
    if target.is_symlink() or (target.exists() and not target.is_dir()):
        raise ConfigError(f"--target {target} exists and is not a directory")
    if target.is_dir() and any(target.iterdir()):
        raise ConfigError(f"--target {target} is not empty; restore into a new directory")
    return target


def extract_into(
    borg: borgmod.Borg, archive: str, target: Path, paths: Sequence[str] = ()
) -> borgmod.Outcome:
    """Extract ``archive`` (or ``paths`` of it) so that it appears at ``target`` whole or
    not at all."""
    target = check_target(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    mode = target.stat().st_mode & 0o7777 if target.is_dir() else 0o700
    work = Path(tempfile.mkdtemp(prefix=f".{target.name}.restore-", dir=target.parent))
    try:
        out = borg.extract(archive, work, paths)
        unmatched = [w for w in out.warnings if "never matched" in w]
        if unmatched:
            raise ConfigError(
                f"--path: not in archive {archive}",
                details=[w.removeprefix("Include pattern ") for w in unmatched],
            )
        work.chmod(mode)
        if target.is_dir():
            target.rmdir()
        work.rename(target)
    except BaseException:
        shutil.rmtree(work, ignore_errors=True)
        raise
    return out


def restore(
    settings: Settings,
    *,
    archive: str,
    target: Path,
    paths: Sequence[str] = (),
    from_offsite: bool = False,
) -> RestoreResult:
    started = time.monotonic()
    check_target(target)
    stored = [borgmod.archive_path(p) for p in paths]
    if from_offsite:
        with offsite_scratch(settings) as scratch:
            entry = resolve_archive(scratch.borg, archive)
            out = extract_into(scratch.borg, entry.name, target, stored)
    else:
        borg = open_borg(settings)
        require_local(borg)
        entry = resolve_archive(borg, archive)
        out = extract_into(borg, entry.name, target, stored)
    result = RestoreResult(
        archive=entry,
        target=str(target.absolute()),
        source="offsite" if from_offsite else "local",
        paths=stored,
        warnings=out.warnings,
        warning=out.warning,
        seconds=time.monotonic() - started,
    )
    log.info(
        "files.restored",
        extra={"archive": entry.name, "target": result.target, "source": result.source},
    )
    return result
