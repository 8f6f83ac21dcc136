"""Borg's failures as dataops errors: its ``--log-json`` message ids, the version floor."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from dataops.errors import (
    CommandError,
    ConfigError,
    DataopsError,
    DependencyError,
    OperationError,
)

MIN_VERSION = (1, 2, 5)


def check_version(version: tuple[int, int, int], binary: str) -> None:
    if version < MIN_VERSION:
        raise DependencyError(
            f"borg {'.'.join(map(str, version))} at {binary} is too old: dataops needs "
            f"{'.'.join(map(str, MIN_VERSION))} or newer (CVE-2023-36811); install borgbackup 1.4"
        )
    if version[0] != 1:
        raise DependencyError(
            f"borg {'.'.join(map(str, version))} at {binary}: dataops speaks Borg 1.x "
            "(Borg 2 repositories are a different format)"
        )


@dataclass(frozen=True)
class LogMessage:
    level: str
    msgid: str
    message: str


def log_messages(lines: Sequence[str]) -> list[LogMessage]:
    """Borg's ``--log-json`` records among stderr lines (other lines are skipped)."""
    out = []
    for line in lines:
        text = line.strip()
        if not text.startswith("{"):
            continue
        try:
            record = json.loads(text)
        except json.JSONDecodeError:
            continue
        if not isinstance(record, dict) or record.get("type") != "log_message":
            continue
        out.append(
            LogMessage(
                level=str(record.get("levelname", "")),
                msgid=str(record.get("msgid") or ""),
                message=str(record.get("message", "")).strip(),
            )
        )
    return out


def warnings_of(lines: Sequence[str]) -> list[str]:
    """The WARNING messages of a run that ended with Borg's warning exit code."""
    return [m.message for m in log_messages(lines) if m.level == "WARNING"][-10:]


def _errors(lines: Sequence[str]) -> list[LogMessage]:
    return [m for m in log_messages(lines) if m.level in ("ERROR", "CRITICAL")]


def classify(exc: CommandError, *, what: str, repo: Path | str) -> DataopsError:
    """The dataops error for a failed Borg call (exit 1 operation, 2 input, 3 dependency)."""
    if exc.timed_out:
        return OperationError(
            f"borg {what} did not finish in time and was killed (DATAOPS_BORG_TIMEOUT)"
        )
    errors = _errors(exc.output_tail)
    ids = {m.msgid for m in errors}
    details = [m.message for m in errors][-3:] or [ln for ln in exc.output_tail[-5:]]
    if ids & {"PassphraseWrong", "PasscommandFailure"}:
        return OperationError(
            f"borg {what}: wrong passphrase for the repository {repo} "
            "(DATAOPS_BORG_PASSPHRASE / DATAOPS_BORG_PASSPHRASE_FILE)"
        )
    if "NoPassphraseFailure" in ids:
        return ConfigError(f"borg {what}: DATAOPS_BORG_PASSPHRASE is not set")
    if ids & {"Repository.DoesNotExist", "Repository.InvalidRepository"}:
        return OperationError(f"borg {what}: no Borg repository at {repo}", details=details)
    if "Archive.DoesNotExist" in ids:
        return ConfigError(f"borg {what}: no such archive in {repo}", details=details)
    if ids & {"LockTimeout", "LockFailed", "LockError"}:
        return OperationError(
            f"borg {what}: the repository {repo} is locked by another process "
            "(waited DATAOPS_BORG_LOCK_WAIT seconds)",
            details=details,
        )
    if ids & {"Cache.RepositoryReplay", "Cache.RepositoryIDNotUnique", "ManifestTimestampMismatch"}:
        return OperationError(
            f"borg {what}: the repository at {repo} is older than what this machine last saw "
            "(a stale copy, or two repositories sharing one id)",
            details=[
                *details,
                "if the local repository was lost after a failed off-site copy, the archives "
                "made since the last good copy are gone; `dataops backup files push "
                "--accept-older-copy` continues with the copy",
            ],
        )
    if exc.returncode is not None and exc.returncode < 0:
        return OperationError(f"borg {what} was killed by signal {-exc.returncode}")
    return OperationError(f"borg {what} failed (exit code {exc.returncode})", details=details)
