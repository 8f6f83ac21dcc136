"""argv builders for the ``wal-g`` binary (one per subcommand dataops uses).

Pure functions: no settings, no credentials (those reach wal-g through its environment
or its 0600 config file, see :mod:`dataops.backup.walg`).
"""

from __future__ import annotations

from pathlib import Path

from dataops.errors import ConfigError

#: ``wal-g wal-fetch`` exit code for "this segment is not in the archive" (EX_IOERR).
WAL_FETCH_MISSING = 74


def backup_push_argv(binary: str, pgdata: Path, *, full: bool = False) -> list[str]:
    argv = [binary, "backup-push"]
    if full:
        argv.append("--full")
    argv.append(str(pgdata))
    return argv


def backup_list_argv(binary: str) -> list[str]:
    return [binary, "backup-list", "--json", "--detail"]


def backup_fetch_argv(binary: str, target: Path, name: str) -> list[str]:
    return [binary, "backup-fetch", str(target), name]


def delete_retain_argv(binary: str, full: int, *, confirm: bool) -> list[str]:
    """``delete retain FULL N``, ordered by the backups' own times, not object mtimes."""
    if full < 1:
        raise ConfigError("--full must be at least 1")
    argv = [binary, "delete", "--use-sentinel-time", "retain", "FULL", str(full)]
    if confirm:
        argv.append("--confirm")
    return argv


def wal_verify_argv(binary: str) -> list[str]:
    return [binary, "wal-verify", "integrity", "timeline", "--json"]


def st_check_argv(binary: str, mode: str) -> list[str]:
    if mode not in ("read", "write"):
        raise ValueError(mode)
    return [binary, "st", "check", mode]


def wal_push_argv(binary: str, config: Path) -> list[str]:
    """What ``archive_command`` runs (``%p`` substituted by PostgreSQL)."""
    return [binary, "--config", str(config), "wal-push", "%p"]


def wal_fetch_argv(binary: str, config: Path, wal: str, dest: str) -> list[str]:
    """What the ``restore_command`` wrapper runs (``wal`` and ``dest`` may be shell words)."""
    return [binary, "--config", str(config), "wal-fetch", wal, dest]
