"""Borg 1.x, the one integration: environment, argv builders, JSON parsing, errors.

* :func:`borg_env` is the environment of every call: the passphrase (env, never argv),
  the pinned ``BORG_HOST_ID`` (so a rescheduled container recognises and breaks its own
  stale lock), the base/cache/security directories, ``TZ=UTC`` (Borg's JSON times are
  local times without an offset) and "no" to every interactive question;
* one argv builder per subcommand; every call logs JSON (``--log-json``) so that
  :func:`classify` can read Borg's own message ids (``PassphraseWrong``...);
* the parsers of ``create --json``, ``info --json`` and ``list --json``;
* :func:`check_version` refuses Borg older than 1.2.5 (CVE-2023-36811).

Exit codes: Borg's legacy table, 0 success, 1 warning (reported, not a failure), 2 error;
``borg check`` reports problems found with 1, so there 1 is a failure.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from dataops import execute
from dataops.errors import (
    CommandError,
    ConfigError,
    DataopsError,
    DependencyError,
    OperationError,
)

log = logging.getLogger(__name__)

MIN_VERSION = (1, 2, 5)
ENCRYPTION = "repokey-blake2"
ARCHIVE_PREFIX = "files-"
EXIT_WARNING = 1

# ------------------------------------------------------------------------- environment


def borg_env(
    *,
    passphrase: str | None,
    host_id: str,
    base_dir: Path | None = None,
    cache_dir: Path | None = None,
    security_dir: Path | None = None,
) -> dict[str, str]:
    """Environment of a Borg call.  Contains the passphrase: env only, never argv or logs."""
    env = {
        "BORG_HOST_ID": host_id,
        "TZ": "UTC",
        "LANG": "C.UTF-8",
        "LC_ALL": "C.UTF-8",
        "PYTHONIOENCODING": "utf-8",
        "BORG_EXIT_CODES": "legacy",
        "BORG_RELOCATED_REPO_ACCESS_IS_OK": "no",
        "BORG_UNKNOWN_UNENCRYPTED_REPO_ACCESS_IS_OK": "no",
        "BORG_CHECK_I_KNOW_WHAT_I_AM_DOING": "NO",
        "BORG_DELETE_I_KNOW_WHAT_I_AM_DOING": "NO",
        "BORG_DISPLAY_PASSPHRASE": "no",
    }
    if passphrase is not None:
        env["BORG_PASSPHRASE"] = passphrase
        env["BORG_NEW_PASSPHRASE"] = passphrase
    if base_dir is not None:
        env["BORG_BASE_DIR"] = str(base_dir)
    if cache_dir is not None:
        env["BORG_CACHE_DIR"] = str(cache_dir)
    if security_dir is not None:
        env["BORG_SECURITY_DIR"] = str(security_dir)
    return env


# ------------------------------------------------------------------------ argv builders

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


# ------------------------------------------------------------------------------ version

_VERSION = re.compile(r"(\d+)\.(\d+)\.(\d+)")


def parse_version(text: str) -> tuple[int, int, int]:
    match = _VERSION.search(text)
    if not match:
        raise DependencyError(f"borg: cannot read a version from {text.strip()[:80]!r}")
    major, minor, patch = (int(g) for g in match.groups())
    return major, minor, patch


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


# ------------------------------------------------------------------------------ parsing


def parse_time(value: str) -> dt.datetime:
    """Borg's JSON time (ISO 8601, local time, no offset; dataops runs Borg with TZ=UTC)."""
    parsed = dt.datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=dt.UTC)
    return parsed.astimezone(dt.UTC)


@dataclass(frozen=True)
class ArchiveStats:
    """One archive as ``create --json`` / ``info --json`` describe it (times in UTC)."""

    name: str
    id: str
    start: dt.datetime
    end: dt.datetime
    duration: float
    original_size: int
    compressed_size: int
    deduplicated_size: int
    nfiles: int

    def as_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "id": self.id,
            "start": self.start.isoformat(),
            "end": self.end.isoformat(),
            "duration_seconds": round(self.duration, 3),
            "original_size": self.original_size,
            "compressed_size": self.compressed_size,
            "deduplicated_size": self.deduplicated_size,
            "nfiles": self.nfiles,
        }


@dataclass(frozen=True)
class ArchiveEntry:
    """One line of ``list --json``."""

    name: str
    id: str
    time: dt.datetime

    def as_dict(self) -> dict[str, Any]:
        return {"name": self.name, "id": self.id, "time": self.time.isoformat()}


def _json(raw: bytes | str, what: str) -> Any:
    text = raw.decode("utf-8", "replace") if isinstance(raw, bytes) else raw
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise OperationError(
            f"unexpected output from borg {what}: not JSON ({exc.msg} at line {exc.lineno})"
        ) from None


def _archive_stats(item: Mapping[str, Any]) -> ArchiveStats:
    stats = item.get("stats") or {}
    return ArchiveStats(
        name=str(item["name"]),
        id=str(item.get("id", "")),
        start=parse_time(str(item["start"])),
        end=parse_time(str(item["end"])),
        duration=float(item.get("duration") or 0.0),
        original_size=int(stats.get("original_size") or 0),
        compressed_size=int(stats.get("compressed_size") or 0),
        deduplicated_size=int(stats.get("deduplicated_size") or 0),
        nfiles=int(stats.get("nfiles") or 0),
    )


def parse_create(raw: bytes | str) -> ArchiveStats:
    """``borg create --json``: the new archive."""
    data = _json(raw, "create")
    try:
        return _archive_stats(data["archive"])
    except (KeyError, TypeError, ValueError) as exc:
        raise OperationError(f"unexpected output from borg create: {exc!r}") from None


def parse_info(raw: bytes | str) -> ArchiveStats:
    """``borg info --json REPO::ARCHIVE``: that archive."""
    data = _json(raw, "info")
    try:
        return _archive_stats(data["archives"][0])
    except (KeyError, IndexError, TypeError, ValueError) as exc:
        raise OperationError(f"unexpected output from borg info: {exc!r}") from None


@dataclass(frozen=True)
class RepoListing:
    repository_id: str
    last_modified: dt.datetime | None
    archives: list[ArchiveEntry] = field(default_factory=list)


def parse_list(raw: bytes | str) -> RepoListing:
    """``borg list --json REPO``: archives oldest first."""
    data = _json(raw, "list")
    try:
        archives = [
            ArchiveEntry(
                name=str(a["name"]),
                id=str(a.get("id", "")),
                time=parse_time(str(a.get("start") or a["time"])),
            )
            for a in data["archives"]
        ]
        repo = data.get("repository") or {}
        modified = repo.get("last_modified")
        listing = RepoListing(
            repository_id=str(repo.get("id", "")),
            last_modified=parse_time(str(modified)) if modified else None,
            archives=sorted(archives, key=lambda a: (a.time, a.name)),
        )
    except (KeyError, TypeError, ValueError) as exc:
        raise OperationError(f"unexpected output from borg list: {exc!r}") from None
    return listing


# ------------------------------------------------------------------------------- errors


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


# ------------------------------------------------------------------------------- runner


@dataclass(frozen=True)
class Outcome:
    """A Borg call that ended with 0 or (where allowed) the warning code 1."""

    result: execute.Result
    warnings: list[str]

    @property
    def warning(self) -> bool:
        return self.result.returncode == EXIT_WARNING


@dataclass
class Borg:
    """Runs Borg against one repository with one environment; every call has a timeout."""

    binary: str
    repo: Path
    env: dict[str, str]
    timeout: float
    lock_wait: int = 0

    def run(
        self,
        argv: Sequence[str],
        *,
        what: str,
        capture: bool = False,
        warning_ok: bool = False,
        cwd: Path | None = None,
        timeout: float | None = None,
    ) -> Outcome:
        log.info("borg.start", extra={"command": what, "repository": str(self.repo)})
        try:
            result = execute.run(
                argv,
                env=self.env,
                capture=capture,
                ok_codes=(0, EXIT_WARNING) if warning_ok else (0,),
                timeout=timeout or self.timeout,
                cwd=cwd,
            )
        except CommandError as exc:
            raise classify(exc, what=what, repo=self.repo) from None
        warnings = warnings_of(result.stderr_tail) if result.returncode == EXIT_WARNING else []
        if warnings or result.returncode == EXIT_WARNING:
            log.warning("borg.warning", extra={"command": what, "warnings": warnings})
        log.info("borg.finished", extra={"command": what, "seconds": round(result.seconds, 3)})
        return Outcome(result, warnings)

    # typed wrappers --------------------------------------------------------------
    def version(self) -> tuple[int, int, int]:
        text = execute.tool_version(version_argv(self.binary))
        return parse_version(text)

    def init(self) -> None:
        self.run(init_argv(self.binary, self.repo), what="init")

    def get_config(self, key: str) -> str:
        out = self.run(config_argv(self.binary, self.repo, key), what="config", capture=True)
        return (out.result.stdout or b"").decode().strip()

    def set_config(self, key: str, value: str) -> None:
        self.run(config_argv(self.binary, self.repo, key, value), what="config")

    def create(
        self, archive: str, paths: Sequence[Path], *, compression: str, excludes: Sequence[str]
    ) -> tuple[ArchiveStats, Outcome]:
        argv = create_argv(
            self.binary,
            self.repo,
            archive,
            paths,
            compression=compression,
            excludes=excludes,
            lock_wait=self.lock_wait,
        )
        out = self.run(argv, what="create", capture=True, warning_ok=True)
        return parse_create(out.result.stdout or b""), out

    def prune(self, *, daily: int, weekly: int, monthly: int) -> Outcome:
        argv = prune_argv(
            self.binary,
            self.repo,
            daily=daily,
            weekly=weekly,
            monthly=monthly,
            lock_wait=self.lock_wait,
        )
        return self.run(argv, what="prune", warning_ok=True)

    def compact(self) -> Outcome:
        argv = compact_argv(self.binary, self.repo, lock_wait=self.lock_wait)
        return self.run(argv, what="compact", warning_ok=True)

    def list(self) -> RepoListing:
        argv = list_argv(self.binary, self.repo, lock_wait=self.lock_wait)
        out = self.run(argv, what="list", capture=True)
        return parse_list(out.result.stdout or b"")

    def info(self, archive: str) -> ArchiveStats:
        argv = info_argv(self.binary, self.repo, archive, lock_wait=self.lock_wait)
        out = self.run(argv, what="info", capture=True)
        return parse_info(out.result.stdout or b"")

    def extract(self, archive: str, target: Path, paths: Sequence[str] = ()) -> Outcome:
        argv = extract_argv(self.binary, self.repo, archive, paths, lock_wait=self.lock_wait)
        return self.run(argv, what="extract", cwd=target, warning_ok=True)

    def check(self, *, verify_data: bool = False) -> Outcome:
        """``borg check``; problems found (Borg's exit code 1) raise OperationError."""
        argv = check_argv(self.binary, self.repo, verify_data=verify_data, lock_wait=self.lock_wait)
        return self.run(argv, what="check")

    def key_export(self, *, paper: bool = False) -> bytes:
        out = self.run(
            key_export_argv(self.binary, self.repo, paper=paper), what="key export", capture=True
        )
        return out.result.stdout or b""

    def with_lock(
        self, command: Sequence[str], *, extra_env: Mapping[str, str], capture: bool = True
    ) -> execute.Result:
        """Run ``command`` while holding the repository's exclusive lock.

        Returns the result whatever the command's exit code (Borg passes it through);
        only Borg's own failures (lock, passphrase) raise.
        """
        argv = with_lock_argv(self.binary, self.repo, command, lock_wait=self.lock_wait)
        # with-lock opens the repository without its key: the command never sees the passphrase
        env = {
            k: v
            for k, v in {**self.env, **extra_env}.items()
            if k not in ("BORG_PASSPHRASE", "BORG_NEW_PASSPHRASE")
        }
        log.info("borg.start", extra={"command": "with-lock", "repository": str(self.repo)})
        try:
            return execute.run(
                argv,
                env=env,
                capture=capture,
                ok_codes=range(0, 256),
                timeout=self.timeout,
            )
        except CommandError as exc:
            raise classify(exc, what="with-lock", repo=self.repo) from None


def read_repository_id(repo: Path) -> str | None:
    """The ``id`` in a Borg 1.x repository's ``config`` file (None if there is none)."""
    return (
        parse_repository_config((repo / "config").read_text("utf-8", "replace"))
        if (repo / "config").is_file()
        else None
    )


def parse_repository_config(text: str) -> str | None:
    import configparser

    parser = configparser.ConfigParser(interpolation=None)
    try:
        parser.read_string(text)
        return parser.get("repository", "id", fallback=None)
    except configparser.Error:
        return None
