"""The local Borg repository: use it, pull it back from object storage, or create it.

A new pod with an empty volume must not start a second repository beside the copy in
object storage: :func:`ensure_repository` pulls the copy first (``config`` last, behind
a marker file, so an interrupted pull is resumed and never mistaken for a repository),
runs ``borg check`` on it and only then lets the backup continue into it.  A repository
is created only when object storage answers and holds no copy; if storage cannot be
asked, nothing is created (exit 3).
"""

from __future__ import annotations

import datetime as dt
import logging
import shutil
import time
from pathlib import Path

from dataops.backup.files import borg as borgmod
from dataops.backup.files.config import base_dir, offsite_configured, open_rclone, state_dir
from dataops.backup.files.offsite import write_local_writer
from dataops.backup.files.rclone import PULL_MARKER
from dataops.config.settings import Settings
from dataops.errors import ConfigError, OperationError
from dataops.fsutil import atomic_write

log = logging.getLogger(__name__)

MIB = 1024 * 1024


def is_repository(path: Path) -> bool:
    return (path / "config").is_file() and (path / "data").is_dir()


def ensure_repository(settings: Settings, borg: borgmod.Borg) -> str:
    """Make ``borg.repo`` usable; returns ``existing``, ``pulled`` or ``created``."""
    repo = borg.repo
    marker = repo / PULL_MARKER
    if is_repository(repo) and not marker.exists():
        apply_segment_size(settings, borg)
        return "existing"
    if repo.exists() and not repo.is_dir():
        raise ConfigError(f"DATAOPS_BORG_REPO={repo} exists and is not a directory")
    if repo.is_dir() and any(repo.iterdir()) and not marker.exists():
        raise ConfigError(
            f"DATAOPS_BORG_REPO={repo} is not empty and holds no Borg repository; "
            "refusing to use it (point it at a subdirectory of the volume, e.g. …/borg/repo)"
        )
    if offsite_configured(settings):
        rc = open_rclone(settings)
        names = rc.probe()  # DependencyError (exit 3) when storage cannot be asked
        if "config" in names:
            pull_repository(settings, borg)
            return "pulled"
        if marker.exists():
            raise OperationError(
                f"{repo} holds an unfinished pull but {rc.where} has no repository any more"
            )
        if names:
            log.warning(
                "files.offsite.partial_copy",
                extra={"remote": rc.where, "note": "no config: an unusable first copy"},
            )
    repo.parent.mkdir(parents=True, exist_ok=True)
    borg.init()
    log.info("files.repository.created", extra={"repository": str(repo)})
    apply_segment_size(settings, borg)
    return "created"


def pull_repository(settings: Settings, borg: borgmod.Borg) -> None:
    """Pull the off-site copy into the (empty) local repository directory, then check it."""
    repo = borg.repo
    marker = repo / PULL_MARKER
    rc = open_rclone(settings)
    started = time.monotonic()
    repo.mkdir(parents=True, exist_ok=True)
    marker.write_text("dataops: pulling the repository from object storage\n")
    log.warning("files.repository.pulling", extra={"repository": str(repo), "remote": rc.where})
    rc.pull(repo)
    if not is_repository(repo):
        raise OperationError(f"the copy at {rc.where} is not a complete Borg repository")
    borg.check()
    write_local_writer(repo, None, takeover=True)  # a new writer: it takes the copy over
    marker.unlink()
    log.warning(
        "files.repository.pulled",
        extra={
            "repository": str(repo),
            "remote": rc.where,
            "seconds": round(time.monotonic() - started, 3),
        },
    )
    apply_segment_size(settings, borg)


def apply_segment_size(settings: Settings, borg: borgmod.Borg) -> None:
    """Segment files of DATAOPS_BORG_SEGMENT_SIZE_MIB (Borg: 50-100 MiB for rclone)."""
    want = str(settings.borg_segment_size_mib * MIB)
    if borg.get_config("max_segment_size") != want:
        borg.set_config("max_segment_size", want)


def accept_older_copy(settings: Settings, repo: Path) -> None:
    """Let Borg continue with a repository older than this machine last saw.

    After the local repository was lost while its last copy had failed, the pulled copy
    lacks the newest archives and Borg refuses it (a "replay").  Forgetting the newer
    state means deleting this repository's cache and the ``manifest-timestamp`` of its
    security directory; the ``nonce`` stays, so no encryption counter is ever reused.
    """
    repo_id = borgmod.read_repository_id(repo)
    if not repo_id:
        raise OperationError(f"no Borg repository at {repo}")
    base = base_dir(settings)
    security = Path(settings.borg_security_dir or base / ".config" / "borg" / "security")
    cache = Path(settings.borg_cache_dir or base / ".cache" / "borg")
    (security / repo_id / "manifest-timestamp").unlink(missing_ok=True)
    shutil.rmtree(cache / repo_id, ignore_errors=True)
    log.warning(
        "files.repository.older_copy_accepted",
        extra={"repository": str(repo), "note": "archives newer than the copy are lost"},
    )


# ----------------------------------------------------------------------------- compact


def _compact_stamp(settings: Settings, repo: Path) -> Path:
    repo_id = borgmod.read_repository_id(repo) or "unknown"
    return state_dir(settings) / f"last-compact-{repo_id}"


def compact_due(settings: Settings, repo: Path, now: dt.datetime) -> bool:
    stamp = _compact_stamp(settings, repo)
    try:
        last = dt.datetime.fromisoformat(stamp.read_text("utf-8").strip())
    except (OSError, ValueError):
        return True
    return (now - last).total_seconds() >= settings.borg_compact_interval_days * 86400


def mark_compacted(settings: Settings, repo: Path, now: dt.datetime) -> None:
    stamp = _compact_stamp(settings, repo)
    stamp.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    atomic_write(stamp, now.isoformat() + "\n")
