"""The off-site copy opened in a scratch directory: restores ``--from-offsite`` and drills.

:func:`offsite_scratch` pulls the copy from object storage (read only: nothing is ever
written to the copy) into a fresh temporary directory and gives a Borg runner with its
own ``BORG_BASE_DIR`` there, so the copy never shares a cache, security directory or
nonce with the live repository (Borg's FAQ: never use a repository and its copy as two
live repositories).  Everything is removed when the block ends.
"""

from __future__ import annotations

import logging
import shutil
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from dataops.backup.files import borg as borgmod
from dataops.backup.files.config import offsite_configured, open_borg, open_rclone
from dataops.backup.files.repository import is_repository
from dataops.config.settings import Settings
from dataops.errors import ConfigError, OperationError

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class ScratchRepository:
    root: Path
    repo: Path
    borg: borgmod.Borg  # BORG_BASE_DIR = root/base
    remote: str
    pull_seconds: float


@contextmanager
def offsite_scratch(
    settings: Settings, *, scratch_dir: Path | None = None
) -> Iterator[ScratchRepository]:
    """Pull the off-site copy into a scratch directory; remove it all afterwards."""
    if not offsite_configured(settings):
        raise ConfigError("DATAOPS_S3_BUCKET is not set: there is no off-site copy to read")
    if scratch_dir is not None:
        scratch_dir.mkdir(parents=True, exist_ok=True)
    root = Path(tempfile.mkdtemp(prefix="dataops-borg-scratch-", dir=scratch_dir))
    try:
        scratch = pull_into(settings, root)
        yield scratch
    finally:
        shutil.rmtree(root, ignore_errors=True)


def pull_into(settings: Settings, root: Path) -> ScratchRepository:
    """Pull the copy into ``root/repo`` and open it with ``root/base`` as BORG_BASE_DIR."""
    rc = open_rclone(settings)
    names = rc.probe()
    if "config" not in names:
        raise OperationError(f"there is no repository copy at {rc.where}")
    repo = root / "repo"
    base = root / "base"
    repo.mkdir(parents=True)
    base.mkdir(parents=True)
    started = time.monotonic()
    rc.pull(repo)
    if not is_repository(repo):
        raise OperationError(f"the copy at {rc.where} is not a complete Borg repository")
    seconds = time.monotonic() - started
    log.info(
        "files.offsite.pulled",
        extra={"remote": rc.where, "scratch": str(root), "seconds": round(seconds, 3)},
    )
    borg = open_borg(settings, repo=repo, scratch_base=base)
    return ScratchRepository(root, repo, borg, rc.where, seconds)
