"""One argv builder per Borg subcommand; every call logs JSON (``--log-json``)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from pathlib import Path

from dataops.errors import ConfigError

ENCRYPTION = "repokey-blake2"
ARCHIVE_PREFIX = "files-"


_COMMON = ("--log-json",)


def version_argv(binary: str) -> list[str]:
    return [binary, "--version"]


def init_argv(binary: str, repo: Path) -> list[str]:
    return [binary, *_COMMON, "init", "--encryption", ENCRYPTION, "--make-parent-dirs", str(repo)]


def config_argv(binary: str, repo: Path, key: str, value: str | None = None) -> list[str]:
    """``borg config REPO KEY [VALUE]`` (repository config, e.g. ``max_segment_size``)."""
    argv = [binary, *_COMMON, "config", str(repo), key]
    if value is not None:
        argv.append(value)
    return argv


def create_argv(
    binary: str,
    repo: Path,
    archive: str,
    paths: Sequence[Path],
    *,
    compression: str,
    excludes: Sequence[str] = (),
    lock_wait: int = 0,
) -> list[str]:
    if not paths:
        raise ConfigError("no paths to back up (DATAOPS_FILES_PATHS or --path)")
    argv = [
        binary,
        *_COMMON,
        "--lock-wait",
        str(lock_wait),
        "create",
        "--json",
        "--compression",
        compression,
    ]
    for pattern in excludes:
        argv += ["--exclude", pattern]
    argv.append(f"{repo}::{archive}")
    argv += [str(p) for p in paths]
    return argv


def prune_argv(
    binary: str,
    repo: Path,
    *,
    daily: int,
    weekly: int,
    monthly: int,
    lock_wait: int = 0,
) -> list[str]:
    if daily + weekly + monthly == 0:
        raise ConfigError(
            "DATAOPS_BORG_KEEP_DAILY/WEEKLY/MONTHLY are all 0: prune would delete every archive"
        )
    return [
        binary,
        *_COMMON,
        "--lock-wait",
        str(lock_wait),
        "prune",
        "--glob-archives",
        ARCHIVE_PREFIX + "*",
        "--keep-daily",
        str(daily),
        "--keep-weekly",
        str(weekly),
        "--keep-monthly",
        str(monthly),
        str(repo),
    ]


def compact_argv(binary: str, repo: Path, *, lock_wait: int = 0) -> list[str]:
    return [binary, *_COMMON, "--lock-wait", str(lock_wait), "compact", str(repo)]


def list_argv(binary: str, repo: Path, *, lock_wait: int = 0) -> list[str]:
    return [binary, *_COMMON, "--lock-wait", str(lock_wait), "list", "--json", str(repo)]


def info_argv(binary: str, repo: Path, archive: str, *, lock_wait: int = 0) -> list[str]:
    return [
        binary,
        *_COMMON,
        "--lock-wait",
        str(lock_wait),
        "info",
        "--json",
        f"{repo}::{archive}",
    ]


def extract_argv(
    binary: str, repo: Path, archive: str, paths: Sequence[str] = (), *, lock_wait: int = 0
) -> list[str]:
    """``borg extract`` into the working directory; ``paths`` as stored (no leading ``/``)."""
    argv = [binary, *_COMMON, "--lock-wait", str(lock_wait), "extract", f"{repo}::{archive}"]
    if paths:
        argv += ["--", *(archive_path(p) for p in paths)]  # a path is never an option
    return argv


def check_argv(
    binary: str, repo: Path, *, verify_data: bool = False, lock_wait: int = 0
) -> list[str]:
    argv = [binary, *_COMMON, "--lock-wait", str(lock_wait), "check"]
    if verify_data:
        argv.append("--verify-data")
    argv.append(str(repo))
    return argv


def key_export_argv(binary: str, repo: Path, *, paper: bool = False) -> list[str]:
    """``borg key export REPO`` to stdout (the repokey, still protected by the passphrase)."""
    argv = [binary, *_COMMON, "key", "export"]
    if paper:
        argv.append("--paper")
    argv.append(str(repo))
    return argv


def with_lock_argv(
    binary: str, repo: Path, command: Sequence[str], *, lock_wait: int = 0
) -> list[str]:
    return [binary, *_COMMON, "--lock-wait", str(lock_wait), "with-lock", str(repo), *command]


def archive_path(path: str) -> str:
    """A path as Borg stores it in an archive (relative: no leading ``/``)."""
    stripped = path.lstrip("/")
    if not stripped or any(part == ".." for part in stripped.split("/")):
        raise ConfigError(f"--path {path!r}: expected a path inside the archive")
    return stripped


def archive_name(when: dt.datetime) -> str:
    """``files-2026-11-30T07:12:05.123Z``: sortable, unique per millisecond, UTC."""
    utc = when.astimezone(dt.UTC)
    return ARCHIVE_PREFIX + utc.strftime("%Y-%m-%dT%H:%M:%S.") + f"{utc.microsecond // 1000:03d}Z"
