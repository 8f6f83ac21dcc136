"""Settings -> the Borg and rclone runners of ``dataops backup files``."""

from __future__ import annotations

import logging
import os
from dataclasses import dataclass
from pathlib import Path

from dataops.backup.files import borg as borgmod
from dataops.backup.files import rclone as rclonemod
from dataops.backup.objstore import StorageConfig
from dataops.config.settings import Settings
from dataops.errors import ConfigError

log = logging.getLogger(__name__)

_checked_versions: dict[str, tuple[int, int, int]] = {}


def require_repo(settings: Settings) -> Path:
    if settings.borg_repo is None:
        raise ConfigError("DATAOPS_BORG_REPO is not set (the local Borg repository directory)")
    return Path(settings.borg_repo).absolute()


def require_passphrase(settings: Settings) -> str:
    if settings.borg_passphrase is None or not settings.borg_passphrase.get_secret_value():
        raise ConfigError(
            "DATAOPS_BORG_PASSPHRASE (or DATAOPS_BORG_PASSPHRASE_FILE) is not set: "
            "the repository is encrypted (repokey-blake2)"
        )
    return settings.borg_passphrase.get_secret_value()


def find_borg(settings: Settings) -> str:
    """The Borg binary, refused when older than 1.2.5 (checked once per process)."""
    from dataops import tools

    binary = tools.find("borg", settings.borg_bin)
    if binary not in _checked_versions:
        probe = borgmod.Borg(binary=binary, repo=Path(), env={}, timeout=30)
        version = probe.version()
        borgmod.check_version(version, binary)
        _checked_versions[binary] = version
    return binary


def base_dir(settings: Settings) -> Path:
    """Where Borg keeps cache/security/keys for this process (BORG_BASE_DIR or HOME)."""
    if settings.borg_base_dir is not None:
        return Path(settings.borg_base_dir).absolute()
    return Path(os.environ.get("HOME") or Path.home())


def state_dir(settings: Settings) -> Path:
    """dataops's own small state (last compact, last off-site copy) beside Borg's."""
    return base_dir(settings) / ".config" / "borg" / "dataops"


def open_borg(
    settings: Settings, *, repo: Path | None = None, scratch_base: Path | None = None
) -> borgmod.Borg:
    """A runner for the configured repository, or for ``repo`` with its own base directory
    ``scratch_base`` (a pulled copy: never the cache/security dirs of the live repository)."""
    passphrase = require_passphrase(settings)
    binary = find_borg(settings)
    if scratch_base is not None:
        env = borgmod.borg_env(
            passphrase=passphrase, host_id=settings.borg_host_id, base_dir=scratch_base
        )
    else:
        env = borgmod.borg_env(
            passphrase=passphrase,
            host_id=settings.borg_host_id,
            base_dir=Path(settings.borg_base_dir).absolute() if settings.borg_base_dir else None,
            cache_dir=settings.borg_cache_dir,
            security_dir=settings.borg_security_dir,
        )
    return borgmod.Borg(
        binary=binary,
        repo=repo if repo is not None else require_repo(settings),
        env=env,
        timeout=settings.borg_timeout,
        lock_wait=settings.borg_lock_wait,
    )


def offsite_configured(settings: Settings) -> bool:
    return bool(settings.s3_bucket)


@dataclass(frozen=True)
class Offsite:
    """Where the copy lives and how to reach it."""

    storage: StorageConfig
    remote: str

    @property
    def where(self) -> str:
        url = f"s3://{self.remote.split(':', 1)[1]}"
        return f"{url} ({self.storage.endpoint})" if self.storage.endpoint else url


def offsite(settings: Settings) -> Offsite:
    storage = StorageConfig.from_settings(settings)
    return Offsite(storage, rclonemod.remote_path(storage, settings.borg_offsite_path))


def open_rclone(settings: Settings, *, retries: int | None = None) -> rclonemod.Rclone:
    from dataops import tools

    target = offsite(settings)
    return rclonemod.Rclone(
        binary=tools.find("rclone", settings.rclone_bin),
        env=rclonemod.rclone_env(target.storage),
        remote=target.remote,
        where=target.where,
        flags=rclonemod.Flags(
            retries=retries or settings.rclone_retries,
            bwlimit=settings.rclone_bwlimit,
            ca_cert=str(target.storage.ca_file) if target.storage.ca_file else None,
        ),
        timeout=settings.borg_timeout,
        stall_seconds=settings.storage_stall_timeout,
    )
