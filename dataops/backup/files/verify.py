"""Restore-test the off-site copy: pull it into scratch, ``borg check`` it, extract an archive.

The building block of ``dataops drill files``: everything happens in a scratch directory
with its own ``BORG_BASE_DIR`` (:mod:`.scratch`); object storage is only read.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from dataops.backup.files import borg as borgmod
from dataops.backup.files.restore import LATEST, extract_into, resolve_archive
from dataops.backup.files.scratch import offsite_scratch
from dataops.config.settings import Settings


@dataclass(frozen=True)
class OffsiteVerification:
    remote: str
    archive: borgmod.ArchiveStats
    target: str
    pull_seconds: float
    check_seconds: float
    extract_seconds: float
    warnings: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {
            "remote": self.remote,
            "archive": self.archive.as_dict(),
            "target": self.target,
            "pull_seconds": round(self.pull_seconds, 3),
            "check_seconds": round(self.check_seconds, 3),
            "extract_seconds": round(self.extract_seconds, 3),
            "warnings": self.warnings,
        }


def verify_offsite(
    settings: Settings,
    *,
    target: Path,
    archive: str = LATEST,
    paths: Sequence[str] = (),
    verify_data: bool = False,
    scratch_dir: Path | None = None,
) -> OffsiteVerification:
    """Pull the copy, ``borg check`` it (``--verify-data`` on request) and extract
    ``archive`` (or ``paths`` of it) into ``target`` (absent or empty).  Raises the
    usual errors: OperationError (exit 1) when the copy is damaged, DependencyError (3)
    when storage is unreachable."""
    stored = [borgmod.archive_path(p) for p in paths]
    with offsite_scratch(settings, scratch_dir=scratch_dir) as scratch:
        started = time.monotonic()
        scratch.borg.check(verify_data=verify_data)
        checked = time.monotonic()
        entry = resolve_archive(scratch.borg, archive)
        stats = scratch.borg.info(entry.name)
        out = extract_into(scratch.borg, entry.name, target, stored)
        done = time.monotonic()
    return OffsiteVerification(
        remote=scratch.remote,
        archive=stats,
        target=str(target.absolute()),
        pull_seconds=scratch.pull_seconds,
        check_seconds=checked - started,
        extract_seconds=done - checked,
        warnings=out.warnings,
    )
