"""wal-g, the one integration: settings -> environment, argv builders, JSON parsing, errors.

Everything dataops knows about the ``wal-g`` binary lives here:

* :func:`walg_settings` maps dataops settings to wal-g's variables (``WALG_S3_PREFIX``,
  ``AWS_ENDPOINT``...).  The same mapping feeds the environment of the calls dataops
  makes (:meth:`WalG.run`) and the JSON config file PostgreSQL's ``archive_command`` and
  ``restore_command`` read (:func:`config_document`), so the two cannot drift apart.
* the argv builders live in :mod:`dataops.tools.walg` (re-exported here);
* the parsers of ``backup-list --json --detail`` and ``wal-verify ... --json`` output;
* :func:`classify` turns a failed call into ``DependencyError`` (storage or database
  unreachable, credentials rejected: exit 3) or ``OperationError`` (exit 1).

Every call has a timeout (``DATAOPS_WALG_TIMEOUT``); wal-g's stderr goes through the
redacting log pipeline of :mod:`dataops.execute`.
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

from dataops import db, execute
from dataops.backup.objstore import StorageConfig
from dataops.config.settings import Settings
from dataops.errors import CommandError, ConfigError, DependencyError, OperationError
from dataops.log import register_secret
from dataops.stall import Stall
from dataops.tools.walg import (
    WAL_FETCH_MISSING,
    backup_fetch_argv,
    backup_list_argv,
    backup_push_argv,
    delete_retain_argv,
    st_check_argv,
    wal_fetch_argv,
    wal_push_argv,
    wal_verify_argv,
)

log = logging.getLogger(__name__)

__all__ = [
    "WAL_FETCH_MISSING",
    "backup_fetch_argv",
    "backup_list_argv",
    "backup_push_argv",
    "delete_retain_argv",
    "st_check_argv",
    "wal_fetch_argv",
    "wal_push_argv",
    "wal_verify_argv",
]

# --------------------------------------------------------------------------- settings


def walg_settings(settings: Settings) -> dict[str, str]:
    """wal-g's storage, compression and encryption variables for ``settings``.

    Contains credentials: goes into a child's environment or a 0600 file, never argv.
    """
    storage = StorageConfig.from_settings(settings)
    out: dict[str, str] = {
        "WALG_S3_PREFIX": storage.url(),
        "AWS_REGION": storage.region,
        "AWS_S3_FORCE_PATH_STYLE": "true" if storage.path_style else "false",
        "WALG_COMPRESSION_METHOD": settings.walg_compression,
        "WALG_DELTA_MAX_STEPS": str(settings.walg_delta_max_steps),
        "S3_MAX_RETRIES": str(settings.walg_s3_max_retries),
        # backup-fetch retries failed files this many times, sleeping between rounds
        "WALG_DOWNLOAD_FILE_RETRIES": str(settings.walg_download_file_retries),
    }
    if storage.endpoint:
        out["AWS_ENDPOINT"] = storage.endpoint
    if storage.ca_file:
        out["WALG_S3_CA_CERT_FILE"] = str(storage.ca_file)
    if storage.access_key:
        out["AWS_ACCESS_KEY_ID"] = storage.access_key
    if storage.secret_key:
        out["AWS_SECRET_ACCESS_KEY"] = storage.secret_key
    if settings.walg_libsodium_key:
        out["WALG_LIBSODIUM_KEY"] = settings.walg_libsodium_key.get_secret_value()
        out["WALG_LIBSODIUM_KEY_TRANSFORM"] = settings.walg_libsodium_key_transform
    return out


def config_document(settings: Settings) -> dict[str, str]:
    """The wal-g JSON config file's content (no database password: WAL push/fetch need none)."""
    return dict(sorted(walg_settings(settings).items()))


def runtime_env(settings: Settings, *, with_database: bool = False) -> dict[str, str]:
    """Environment of a wal-g call made by dataops (credentials via env, never argv)."""
    env = walg_settings(settings)
    # the access key id is not secret by itself, but it has no business in logs either
    register_secret(env.get("AWS_ACCESS_KEY_ID"))
    if settings.pg_data:
        env["PGDATA"] = str(settings.pg_data)
    if with_database:
        url = settings.database_url_value
        if not url:
            raise ConfigError("DATAOPS_DATABASE_URL is not set (wal-g connects to PostgreSQL)")
        if db.dialect(url) != "postgresql":
            raise ConfigError("DATAOPS_DATABASE_URL must be a postgresql:// URL for wal-g")
        env.update(db.libpq_env(url))
    return env


# ------------------------------------------------------------------------------ parsing


@dataclass(frozen=True)
class Backup:
    """One entry of ``wal-g backup-list --json --detail``."""

    name: str
    start_time: dt.datetime
    finish_time: dt.datetime
    wal_file_name: str
    start_lsn: int
    finish_lsn: int
    pg_version: int
    uncompressed_size: int
    compressed_size: int
    is_permanent: bool
    hostname: str
    data_dir: str
    modified: dt.datetime | None = None

    @property
    def is_delta(self) -> bool:
        return "_D_" in self.name

    @property
    def kind(self) -> str:
        return "delta" if self.is_delta else "full"

    @property
    def delta_base(self) -> str | None:
        """The WAL file name of the backup this delta is based on (from the name)."""
        return self.name.split("_D_", 1)[1] if self.is_delta else None

    def as_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "kind": self.kind,
            "start_time": self.start_time.isoformat(),
            "finish_time": self.finish_time.isoformat(),
            "wal_file_name": self.wal_file_name,
            "start_lsn": lsn_text(self.start_lsn),
            "finish_lsn": lsn_text(self.finish_lsn),
            "pg_version": self.pg_version,
            "uncompressed_size": self.uncompressed_size,
            "compressed_size": self.compressed_size,
            "is_permanent": self.is_permanent,
            "hostname": self.hostname,
            "data_dir": self.data_dir,
        }


def lsn_text(lsn: int) -> str:
    """PostgreSQL's ``X/Y`` notation of a 64-bit LSN."""
    return f"{lsn >> 32:X}/{lsn & 0xFFFFFFFF:X}"


_FRACTION = re.compile(r"\.(\d+)")


def parse_time(value: str) -> dt.datetime:
    """Go's RFC 3339 (nanoseconds, ``Z``) as an aware datetime."""
    text = value.strip()
    if text.endswith(("Z", "z")):
        text = text[:-1] + "+00:00"
    # Python accepts at most 6 fractional digits
    text = _FRACTION.sub(lambda m: "." + m.group(1)[:6].ljust(6, "0"), text, count=1)
    parsed = dt.datetime.fromisoformat(text)
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=dt.UTC)
    return parsed


def _output_error(what: str, problem: str) -> OperationError:
    return OperationError(f"unexpected output from wal-g {what}: {problem}")


def _json(raw: bytes | str, what: str) -> Any:
    text = raw.decode("utf-8", "replace") if isinstance(raw, bytes) else raw
    text = text.strip()
    if not text:
        return None
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise _output_error(what, f"not JSON ({exc.msg} at line {exc.lineno})") from None


def parse_backup_list(raw: bytes | str) -> list[Backup]:
    """Parse ``backup-list --json --detail``, sorted by (start_time, finish_time, name)."""
    data = _json(raw, "backup-list")
    if data is None:
        return []
    if not isinstance(data, list):
        raise _output_error("backup-list", "expected a JSON array")
    backups = []
    for item in data:
        if not isinstance(item, dict):
            raise _output_error("backup-list", "expected objects in the array")
        try:
            backups.append(
                Backup(
                    name=str(item["backup_name"]),
                    start_time=parse_time(str(item["start_time"])),
                    finish_time=parse_time(str(item["finish_time"])),
                    wal_file_name=str(item.get("wal_file_name", "")),
                    start_lsn=int(item.get("start_lsn") or 0),
                    finish_lsn=int(item.get("finish_lsn") or 0),
                    pg_version=int(item.get("pg_version") or 0),
                    uncompressed_size=int(item.get("uncompressed_size") or 0),
                    compressed_size=int(item.get("compressed_size") or 0),
                    is_permanent=bool(item.get("is_permanent", False)),
                    hostname=str(item.get("hostname", "")),
                    data_dir=str(item.get("data_dir", "")),
                    modified=parse_time(str(item["time"])) if item.get("time") else None,
                )
            )
        except KeyError as exc:
            raise _output_error("backup-list", f"missing field {exc.args[0]!r}") from None
        except (TypeError, ValueError) as exc:
            raise _output_error("backup-list", f"bad value ({exc})") from None
    backups.sort(key=lambda b: (b.start_time, b.finish_time, b.name))
    return backups


@dataclass(frozen=True)
class SegmentRange:
    """A run of WAL segments with one status in the integrity check."""

    timeline: int
    start: str
    end: str
    count: int
    status: str  # FOUND, MISSING_DELAYED, MISSING_UPLOADING, MISSING_LOST

    @property
    def missing(self) -> bool:
        return self.status != "FOUND"

    def segments(self, limit: int = 64) -> list[str]:
        """The segment file names of the range (at most ``limit``)."""
        return expand_segments(self.start, self.end, limit)


@dataclass(frozen=True)
class VerifyReport:
    """``wal-verify integrity timeline --json`` parsed."""

    integrity_status: str
    ranges: list[SegmentRange] = field(default_factory=list)
    timeline_status: str | None = None
    current_timeline: int | None = None
    storage_timeline: int | None = None

    @property
    def ok(self) -> bool:
        return "FAILURE" not in (self.integrity_status, self.timeline_status)

    @property
    def lost(self) -> list[SegmentRange]:
        return [r for r in self.ranges if r.status == "MISSING_LOST"]

    @property
    def pending(self) -> list[SegmentRange]:
        """Missing but probably still being archived (newest segments)."""
        return [r for r in self.ranges if r.status in ("MISSING_DELAYED", "MISSING_UPLOADING")]

    def lost_segments(self, limit: int = 64) -> list[str]:
        names: list[str] = []
        for rng in self.lost:
            names.extend(rng.segments(limit - len(names)))
            if len(names) >= limit:
                break
        return names

    def as_dict(self) -> dict[str, Any]:
        return {
            "ok": self.ok,
            "integrity": {
                "status": self.integrity_status,
                "ranges": [
                    {
                        "timeline": r.timeline,
                        "start": r.start,
                        "end": r.end,
                        "count": r.count,
                        "status": r.status,
                    }
                    for r in self.ranges
                ],
            },
            "timeline": {
                "status": self.timeline_status,
                "current_timeline": self.current_timeline,
                "highest_storage_timeline": self.storage_timeline,
            },
            "lost_segments": self.lost_segments(),
        }


def parse_wal_verify(raw: bytes | str) -> VerifyReport:
    data = _json(raw, "wal-verify")
    if not isinstance(data, dict) or "integrity" not in data:
        raise _output_error("wal-verify", "expected an object with an 'integrity' check")
    try:
        integrity = data["integrity"]
        ranges = [
            SegmentRange(
                timeline=int(item["timeline_id"]),
                start=str(item["start_segment"]),
                end=str(item["end_segment"]),
                count=int(item["segments_count"]),
                status=str(item["status"]),
            )
            for item in integrity.get("details") or []
        ]
        timeline = data.get("timeline") or {}
        details = timeline.get("details") or {}
        return VerifyReport(
            integrity_status=str(integrity["status"]),
            ranges=ranges,
            timeline_status=str(timeline["status"]) if "status" in timeline else None,
            current_timeline=_int_or_none(details.get("current_timeline_id")),
            storage_timeline=_int_or_none(details.get("highest_storage_timeline_id")),
        )
    except (KeyError, TypeError, ValueError, AttributeError) as exc:
        raise _output_error("wal-verify", f"bad structure ({exc!r})") from None


def _int_or_none(value: Any) -> int | None:
    return None if value is None else int(value)


SEGMENTS_PER_XLOGID = 0x100000000 // (16 * 1024 * 1024)
_SEGMENT = re.compile(r"^([0-9A-F]{8})([0-9A-F]{8})([0-9A-F]{8})$")


def segment_number(name: str) -> tuple[int, int]:
    """(timeline, segment number) of a WAL file name, assuming 16 MB segments."""
    match = _SEGMENT.match(name)
    if not match:
        raise ValueError(f"not a WAL segment name: {name!r}")
    tli, log_id, seg = (int(g, 16) for g in match.groups())
    return tli, log_id * SEGMENTS_PER_XLOGID + seg


def segment_name(timeline: int, number: int) -> str:
    return f"{timeline:08X}{number // SEGMENTS_PER_XLOGID:08X}{number % SEGMENTS_PER_XLOGID:08X}"


def expand_segments(start: str, end: str, limit: int = 64) -> list[str]:
    tli, first = segment_number(start)
    _, last = segment_number(end)
    return [segment_name(tli, n) for n in range(first, min(last, first + limit - 1) + 1)]


_DRY_RUN_COUNT = re.compile(r"objects would be deleted count=(\d+)")
_MARKED = re.compile(r"Object marked for deletion: (\S+)")


def parse_delete_output(lines: Sequence[str]) -> tuple[int | None, list[str]]:
    """(object count, object names seen) from ``wal-g delete`` log lines."""
    count: int | None = None
    names = []
    for line in lines:
        if m := _DRY_RUN_COUNT.search(line):
            count = int(m.group(1))
        elif m := _MARKED.search(line):
            names.append(m.group(1))
        elif "No objects matched the deletion criteria" in line or "No backup found" in line:
            count = 0
    return count, names


# ------------------------------------------------------------------------------- errors

_STORAGE_DOWN = (
    "connection refused",
    "no such host",
    "i/o timeout",
    "network is unreachable",
    "connection reset",
    "RequestError",
    "context deadline exceeded",
    "TLS handshake",
)
_STORAGE_AUTH = (
    "InvalidAccessKeyId",
    "SignatureDoesNotMatch",
    "AccessDenied",
    "NoCredentialProviders",
    "ExpiredToken",
    "InvalidToken",
)
_DATABASE = (
    "failed to connect to `",
    "password authentication failed",
    "no pg_hba.conf entry",
    "Connect: failed",
)


_LOG_PREFIX = re.compile(r"^(?:ERROR|FATAL|WARNING|INFO):\s+\S+\s+\S+\s+")
_CAUSED_BY = re.compile(r'^caused by:\s+(?:\w+ "[^"]*":\s+)?')


def _first_error_line(tail: Sequence[str]) -> str:
    """wal-g's last ERROR message, with the ``caused by:`` line that follows it."""
    for index in range(len(tail) - 1, -1, -1):
        line = tail[index]
        if line.startswith(("ERROR:", "FATAL:")):
            message = _LOG_PREFIX.sub("", line).strip()
            following = tail[index + 1] if index + 1 < len(tail) else ""
            if following.startswith("caused by:"):
                message += " (" + _CAUSED_BY.sub("", following).strip() + ")"
            return message
    return tail[-1].strip() if tail else ""


def classify(exc: CommandError, *, what: str, storage: str) -> Exception:
    """The dataops error for a failed wal-g call (exit 3 for unreachable dependencies)."""
    tail = exc.output_tail
    text = "\n".join(tail)
    if exc.timed_out:
        return DependencyError(
            f"wal-g {what} did not finish in time and was killed "
            f"(storage {storage} or the database may be unreachable; DATAOPS_WALG_TIMEOUT)",
            details=tail[-5:],
        )
    if any(p in text for p in _DATABASE):
        return DependencyError(
            f"wal-g {what}: cannot connect to PostgreSQL (check DATAOPS_DATABASE_URL)",
            details=[_first_error_line(tail)],
        )
    if "NoSuchBucket" in text:
        return DependencyError(
            f"wal-g {what}: the bucket of {storage} does not exist",
            details=[_first_error_line(tail)],
        )
    if any(p in text for p in _STORAGE_AUTH):
        return DependencyError(
            f"wal-g {what}: object storage {storage} rejected the credentials "
            "(check AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY)",
            details=[_first_error_line(tail)],
        )
    if any(p in text for p in _STORAGE_DOWN):
        return DependencyError(
            f"wal-g {what}: object storage {storage} is unreachable",
            details=[_first_error_line(tail)],
        )
    if "not compiled with libsodium" in text:
        return DependencyError(
            f"wal-g {what}: DATAOPS_WALG_LIBSODIUM_KEY is set but this wal-g was built "
            "without libsodium",
        )
    return OperationError(f"wal-g {what} failed (exit code {exc.returncode})", details=tail[-8:])


# ------------------------------------------------------------------------------- runner


@dataclass
class WalG:
    """Runs wal-g for one configuration; every call bounded by ``timeout``."""

    binary: str
    env: dict[str, str]
    timeout: float
    storage: str
    endpoint: str | None = None
    stall_seconds: float | None = None  # the no-progress watchdog (DATAOPS_STORAGE_STALL_TIMEOUT)

    @classmethod
    def from_settings(cls, settings: Settings, *, with_database: bool = False) -> WalG:
        from dataops import tools

        binary = tools.find("wal-g", settings.walg_bin)
        storage = StorageConfig.from_settings(settings)
        return cls(
            binary=binary,
            env=runtime_env(settings, with_database=with_database),
            timeout=settings.walg_timeout,
            storage=storage.url(),
            endpoint=storage.endpoint,
            stall_seconds=settings.storage_stall_timeout,
        )

    @property
    def where(self) -> str:
        return f"{self.storage} ({self.endpoint})" if self.endpoint else self.storage

    def run(
        self,
        argv: Sequence[str],
        *,
        what: str,
        capture: bool = False,
        ok_codes: Sequence[int] = (0,),
        extra_env: Mapping[str, str] | None = None,
        timeout: float | None = None,
        watch: Sequence[Path] = (),
    ) -> execute.Result:
        env = dict(self.env)
        stall = (
            Stall(self.stall_seconds, f"object storage {self.where}", tuple(watch))
            if self.stall_seconds
            else None
        )
        if extra_env:
            env.update(extra_env)
        log.info("walg.start", extra={"command": what})
        try:
            result = execute.run(
                argv,
                env=env,
                capture=capture,
                ok_codes=ok_codes,
                timeout=timeout or self.timeout,
                stall=stall,
            )
        except CommandError as exc:
            raise classify(exc, what=what, storage=self.where) from None
        log.info("walg.finished", extra={"command": what, "seconds": round(result.seconds, 3)})
        return result

    # typed wrappers ------------------------------------------------------------
    def backup_list(self) -> list[Backup]:
        result = self.run(backup_list_argv(self.binary), what="backup-list", capture=True)
        return parse_backup_list(result.stdout or b"")

    def backup_push(self, pgdata: Path, *, full: bool) -> execute.Result:
        return self.run(backup_push_argv(self.binary, pgdata, full=full), what="backup-push")

    def backup_fetch(self, target: Path, name: str) -> execute.Result:
        return self.run(
            backup_fetch_argv(self.binary, target, name), what="backup-fetch", watch=[target]
        )

    def delete_retain(self, full: int, *, confirm: bool) -> execute.Result:
        return self.run(delete_retain_argv(self.binary, full, confirm=confirm), what="delete")

    def wal_verify(self) -> VerifyReport:
        result = self.run(wal_verify_argv(self.binary), what="wal-verify", capture=True)
        return parse_wal_verify(result.stdout or b"")

    def storage_check(self) -> None:
        self.run(st_check_argv(self.binary, "read"), what="st check read")
        self.run(st_check_argv(self.binary, "write"), what="st check write")
