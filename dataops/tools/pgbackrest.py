"""argv builders and output parsers for the ``pgbackrest`` binary (Debian bookworm: 2.45).

Pure functions: no settings and no credentials.  Every option with a secret (S3 keys,
the cipher pass) reaches pgBackRest through its environment (``PGBACKREST_*``) or its
0600 config file, never through argv (see :mod:`dataops.backup.engines.pgbackrest`).
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

#: ``archive-get`` exit code for "this WAL file is not in the archive"; every other
#: non-zero code is an error (pgBackRest's own error codes start at 25).
ARCHIVE_GET_MISSING = 1

#: options whose values are secrets: environment or config file only
SECRET_OPTIONS = frozenset({"repo1-s3-key", "repo1-s3-key-secret", "repo1-cipher-pass"})
#: options that belong to the stanza section of the config file
STANZA_OPTIONS = ("pg1-path", "pg1-port", "pg1-socket-path", "pg1-user", "pg1-database")


def _base(binary: str, config: Path | None, stanza: str | None) -> list[str]:
    argv = [binary]
    if config is not None:
        argv.append(f"--config={config}")
    if stanza is not None:
        argv.append(f"--stanza={stanza}")
    return argv


def version_argv(binary: str) -> list[str]:
    return [binary, "version"]


def stanza_create_argv(binary: str, config: Path | None, stanza: str) -> list[str]:
    return [*_base(binary, config, stanza), "stanza-create"]


def backup_argv(binary: str, config: Path | None, stanza: str, kind: str) -> list[str]:
    if kind not in ("full", "diff", "incr"):
        raise ValueError(kind)
    return [*_base(binary, config, stanza), f"--type={kind}", "backup"]


def info_argv(binary: str, config: Path | None, stanza: str) -> list[str]:
    return [*_base(binary, config, stanza), "--output=json", "info"]


def expire_argv(binary: str, config: Path | None, stanza: str, full: int) -> list[str]:
    """Keep ``full`` full backups (with their diff/incr) and the WAL they need."""
    if full < 1:
        raise ValueError(full)
    return [
        *_base(binary, config, stanza),
        f"--repo1-retention-full={int(full)}",
        "--repo1-retention-full-type=count",
        "expire",
    ]


def verify_argv(binary: str, config: Path | None, stanza: str) -> list[str]:
    return [*_base(binary, config, stanza), "--output=text", "verify"]


def repo_ls_argv(
    binary: str, config: Path | None, path: str | None, *, recurse: bool = False
) -> list[str]:
    """``repo-ls`` of ``path`` relative to the repository (None: its root)."""
    argv = [*_base(binary, config, None), "--output=json"]
    if recurse:
        argv.append("--recurse")
    return [*argv, "repo-ls", *([path] if path else [])]


def check_argv(binary: str, config: Path | None, stanza: str) -> list[str]:
    return [*_base(binary, config, stanza), "check"]


def restore_argv(binary: str, config: Path | None, stanza: str, backup_set: str) -> list[str]:
    """Files only (``--type=none``): dataops writes recovery.signal and the recovery settings."""
    return [*_base(binary, config, stanza), f"--set={backup_set}", "--type=none", "restore"]


def archive_push_argv(binary: str, config: Path, stanza: str) -> list[str]:
    """What ``archive_command`` runs (``%p`` substituted by PostgreSQL)."""
    return [*_base(binary, config, stanza), "archive-push", "%p"]


def archive_get_argv(binary: str, config: Path, stanza: str, wal: str, dest: str) -> list[str]:
    """What the ``restore_command`` wrapper runs (``wal``/``dest`` may be shell words)."""
    return [*_base(binary, config, stanza), "archive-get", wal, dest]


# ------------------------------------------------------------------------- config/env


def env_name(option: str) -> str:
    """``repo1-s3-key`` -> ``PGBACKREST_REPO1_S3_KEY``."""
    return "PGBACKREST_" + option.upper().replace("-", "_")


def option_env(options: Mapping[str, str]) -> dict[str, str]:
    return {env_name(k): v for k, v in options.items()}


def config_text(options: Mapping[str, str], stanza: str) -> str:
    """An INI config: global options, then the stanza's ``pg1-*`` options."""
    lines = ["# written by dataops backup pg; rewrite with `dataops backup pg archive-config`", ""]
    lines.append("[global]")
    lines += [f"{k}={v}" for k, v in sorted(options.items()) if k not in STANZA_OPTIONS]
    lines += ["", f"[{stanza}]"]
    lines += [f"{k}={options[k]}" for k in STANZA_OPTIONS if k in options]
    return "\n".join(lines) + "\n"


# ------------------------------------------------------------------------------ parsing


class ParseError(ValueError):
    pass


@dataclass(frozen=True)
class RepoBackup:
    """One backup of ``pgbackrest info --output=json``."""

    label: str
    kind: str  # full | diff | incr
    start: dt.datetime
    stop: dt.datetime
    size: int
    delta: int
    repo_size: int
    repo_delta: int
    wal_start: str | None
    wal_stop: str | None
    lsn_start: str | None
    lsn_stop: str | None
    prior: str | None
    reference: list[str]
    db_id: int
    error: bool = False


@dataclass(frozen=True)
class StanzaInfo:
    name: str
    status_code: int
    status_message: str
    cipher: str = "none"
    backups: list[RepoBackup] = field(default_factory=list)
    archive: list[dict[str, Any]] = field(default_factory=list)  # id, min, max, database.id
    db: list[dict[str, Any]] = field(default_factory=list)  # id, version, system-id
    repo_status: list[tuple[int, str]] = field(default_factory=list)

    def pg_version(self, db_id: int) -> int:
        for item in self.db:
            if int(item.get("id", -1)) == db_id:
                try:
                    return int(str(item.get("version", "0")).split(".")[0])
                except ValueError:
                    return 0
        return 0

    @property
    def current_archive_id(self) -> str | None:
        """The archive id (``15-1``) of the newest database entry."""
        if not self.db:
            return None
        newest = max(self.db, key=lambda d: int(d.get("id", 0)))
        return f"{newest.get('version')}-{newest.get('id')}"


#: info status codes
STATUS_OK = 0
STATUS_MISSING_STANZA_PATH = 1
STATUS_NO_BACKUP = 2
STATUS_MISSING_STANZA_DATA = 3
STATUS_OTHER = 99


def _ts(value: Any) -> dt.datetime:
    return dt.datetime.fromtimestamp(int(value), tz=dt.UTC)


def parse_info(raw: bytes | str, stanza: str) -> StanzaInfo:
    text = raw.decode("utf-8", "replace") if isinstance(raw, bytes) else raw
    try:
        data = json.loads(text or "[]", strict=False)  # 2.45 may put raw newlines in messages
    except json.JSONDecodeError as exc:
        raise ParseError(f"info: not JSON ({exc.msg})") from None
    if not isinstance(data, list):
        raise ParseError("info: expected a JSON array")
    entry = next((s for s in data if isinstance(s, dict) and s.get("name") == stanza), None)
    if entry is None:
        return StanzaInfo(stanza, STATUS_MISSING_STANZA_PATH, "missing stanza")
    try:
        status = entry.get("status") or {}
        backups = [_backup(b) for b in entry.get("backup") or []]
        backups.sort(key=lambda b: (b.start, b.stop, b.label))
        return StanzaInfo(
            name=stanza,
            status_code=int(status.get("code", STATUS_OTHER)),
            status_message=str(status.get("message", "")),
            cipher=str(entry.get("cipher", "none")),
            backups=backups,
            archive=list(entry.get("archive") or []),
            db=list(entry.get("db") or []),
            repo_status=[
                (
                    int((r.get("status") or {}).get("code", 0)),
                    str((r.get("status") or {}).get("message", "")),
                )
                for r in entry.get("repo") or []
            ],
        )
    except (KeyError, TypeError, ValueError, AttributeError) as exc:
        raise ParseError(f"info: bad structure ({exc!r})") from None


def _backup(item: dict[str, Any]) -> RepoBackup:
    info = item.get("info") or {}
    repo = info.get("repository") or {}
    archive = item.get("archive") or {}
    lsn = item.get("lsn") or {}
    stamp = item["timestamp"]
    return RepoBackup(
        label=str(item["label"]),
        kind=str(item["type"]),
        start=_ts(stamp["start"]),
        stop=_ts(stamp["stop"]),
        size=int(info.get("size") or 0),
        delta=int(info.get("delta") or 0),
        repo_size=int(repo.get("size") or 0),
        repo_delta=int(repo.get("delta") or 0),
        wal_start=archive.get("start"),
        wal_stop=archive.get("stop"),
        lsn_start=lsn.get("start"),
        lsn_stop=lsn.get("stop"),
        prior=item.get("prior"),
        reference=list(item.get("reference") or []),
        db_id=int((item.get("database") or {}).get("id", 0)),
        error=bool(item.get("error", False)),
    )


_WAL_FILE = re.compile(r"(?:^|/)([0-9A-F]{24})-[0-9a-f]{40}(?:\.\w+)?$")


def parse_repo_ls(raw: bytes | str) -> dict[str, dict[str, Any]]:
    """``repo-ls --output=json``: path -> {type, size, time}."""
    text = raw.decode("utf-8", "replace") if isinstance(raw, bytes) else raw
    try:
        data = json.loads(text or "{}", strict=False)
    except json.JSONDecodeError as exc:
        raise ParseError(f"repo-ls: not JSON ({exc.msg})") from None
    if not isinstance(data, dict):
        raise ParseError("repo-ls: expected a JSON object")
    return {str(k): v for k, v in data.items() if isinstance(v, dict)}


def wal_segments(listing: Mapping[str, Mapping[str, Any]]) -> list[str]:
    """The WAL segment names (24 hex digits) in a recursive archive listing, sorted."""
    found = {m.group(1) for path in listing if (m := _WAL_FILE.search(path))}
    return sorted(found)


_VERIFY_STATUS = re.compile(r"^\s*status:\s*(\w+)", re.M)
_VERIFY_COUNT = re.compile(r"(missing|checksum invalid|size invalid|other):\s*(\d+)")
_VERIFY_WAL = re.compile(r"total WAL checked:\s*(\d+)")
_VERIFY_BACKUP = re.compile(r"backup:\s*(\S+?),\s*status:\s*([\w ]+?),")


@dataclass(frozen=True)
class VerifyText:
    """``verify --output=text``: 2.45 prints nothing (exit 0) when everything is valid,
    and a report with ``status: error`` (still exit 0) when something is not."""

    status: str
    wal_checked: int
    backups: list[tuple[str, str]]  # (label, status)
    invalid: int  # missing + checksum invalid + size invalid + other, over everything

    @property
    def ok(self) -> bool:
        return self.status == "ok" and self.invalid == 0


def parse_verify(raw: bytes | str) -> VerifyText:
    text = raw.decode("utf-8", "replace") if isinstance(raw, bytes) else raw
    if not text.strip():
        return VerifyText("ok", 0, [], 0)
    status = _VERIFY_STATUS.search(text)
    if status is None:
        raise ParseError("verify: no 'status:' line")
    invalid = sum(int(m.group(2)) for m in _VERIFY_COUNT.finditer(text))
    wal = sum(int(m.group(1)) for m in _VERIFY_WAL.finditer(text))
    backups = [(m.group(1), m.group(2)) for m in _VERIFY_BACKUP.finditer(text)]
    return VerifyText(status.group(1), wal, backups, invalid)


_ERROR = re.compile(r"(?:ERROR|ASSERT):\s*\[(\d+)\]:\s*(.*)")


def first_error(lines: list[str]) -> tuple[int | None, str]:
    """(error code, message) of the first ``ERROR: [nnn]: ...`` line."""
    for line in lines:
        if m := _ERROR.search(line):
            return int(m.group(1)), m.group(2).strip()
    return None, lines[-1].strip() if lines else ""
