"""rclone, the one integration: ``RCLONE_CONFIG_*`` environment, argv builders, reports.

rclone is configured entirely through environment variables built from ``DATAOPS_S3_*``
(:func:`rclone_env`): no config file is read or written (``RCLONE_CONFIG=/dev/null``
keeps rclone's configuration in memory), no secret is ever in argv.

The off-site copy of a Borg repository (Borg's FAQ: copy only while the lock is held):
segment files first (:func:`copy_segments_argv`), then the rest with deletions after the
uploads (:func:`sync_argv`), then :func:`check_argv` (``--one-way --checksum``) whose
``--combined`` report :func:`parse_combined` reads.  Lock files never travel.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from dataops import execute
from dataops.backup.objstore import StorageConfig
from dataops.errors import CommandError, DataopsError, DependencyError, OperationError
from dataops.log import register_secret
from dataops.stall import Stall

log = logging.getLogger(__name__)

REMOTE = "dataops"
_ENV = "RCLONE_CONFIG_" + REMOTE.upper() + "_"

#: files of a Borg repository that are never copied (held while a copy runs)
LOCK_EXCLUDES = ("/lock.exclusive/**", "/lock.roster")
#: dataops's own marker of a pull into an empty directory that has not finished
PULL_MARKER = ".dataops-pull-incomplete"
#: which machine writes the copy: a random id kept in the repository directory and, once
#: claimed, in the object ``<remote>.writer`` beside the copy (never synced)
WRITER_FILE = ".dataops-writer"
EXCLUDES = (*LOCK_EXCLUDES, "/" + PULL_MARKER, "/" + WRITER_FILE)


def rclone_env(storage: StorageConfig) -> dict[str, str]:
    """rclone's whole configuration for the ``dataops:`` remote (credentials: env only)."""
    env = {
        "RCLONE_CONFIG": "/dev/null",
        _ENV + "TYPE": "s3",
        _ENV + "PROVIDER": "Other" if storage.endpoint else "AWS",
        _ENV + "REGION": storage.region,
        _ENV + "FORCE_PATH_STYLE": "true" if storage.path_style else "false",
        _ENV + "NO_CHECK_BUCKET": "true",
        # segments are below the cutoff: one PUT each, so the ETag is the MD5 --checksum reads
        _ENV + "UPLOAD_CUTOFF": "200Mi",
    }
    if storage.endpoint:
        env[_ENV + "ENDPOINT"] = storage.endpoint
    if storage.access_key and storage.secret_key:
        env[_ENV + "ACCESS_KEY_ID"] = storage.access_key
        env[_ENV + "SECRET_ACCESS_KEY"] = storage.secret_key
        register_secret(storage.access_key, storage.secret_key)
    else:
        env[_ENV + "ENV_AUTH"] = "true"  # instance roles, AWS_* of the process
    return env


def remote_path(storage: StorageConfig, offsite_path: str) -> str:
    """``dataops:bucket/prefix/borg``: where the copy of the repository lives."""
    parts = [storage.bucket, storage.prefix.strip("/"), offsite_path.strip("/")]
    return REMOTE + ":" + "/".join(p for p in parts if p)


# ------------------------------------------------------------------------ argv builders


@dataclass(frozen=True)
class Flags:
    """rclone's global flags for one run (no secrets)."""

    retries: int = 3
    low_level_retries: int = 5
    contimeout: str = "15s"
    io_timeout: str = "5m"
    bwlimit: str | None = None
    transfers: int = 4
    ca_cert: str | None = None  # a private CA for the endpoint's TLS (DATAOPS_S3_CA_BUNDLE)

    def argv(self) -> list[str]:
        out = [
            "--retries",
            str(self.retries),
            "--low-level-retries",
            str(self.low_level_retries),
            "--contimeout",
            self.contimeout,
            "--timeout",
            self.io_timeout,
            "--transfers",
            str(self.transfers),
            "--stats",
            "0",
            "--use-json-log",
            "--log-level",
            "NOTICE",
        ]
        if self.bwlimit:
            out += ["--bwlimit", self.bwlimit]
        if self.ca_cert:
            out += ["--ca-cert", self.ca_cert]
        return out

    def quick(self) -> Flags:
        """For a small probe: fail fast when storage does not answer."""
        return replace(
            self, retries=1, low_level_retries=1, contimeout="10s", io_timeout="30s", bwlimit=None
        )


def _excludes(patterns: Sequence[str]) -> list[str]:
    out: list[str] = []
    for pattern in patterns:
        out += ["--exclude", pattern]
    return out


def copy_segments_argv(binary: str, repo: Path, remote: str, flags: Flags) -> list[str]:
    """Step 1: new segment files (``data/``) before anything that refers to them.

    Borg never changes a segment once written and an S3 PUT is atomic, so segments that
    exist in the copy are skipped without reading them; step 2 (``--checksum``) replaces
    any that differ, step 3 proves the result.
    """
    return [
        binary,
        "copy",
        "--ignore-existing",
        *flags.argv(),
        str(repo / "data"),
        remote + "/data",
    ]


def sync_argv(binary: str, repo: Path, remote: str, flags: Flags) -> list[str]:
    """Step 2: everything else; deletions only after all uploads; lock files stay home."""
    return [
        binary,
        "sync",
        "--checksum",
        "--delete-after",
        *_excludes(EXCLUDES),
        *flags.argv(),
        str(repo),
        remote,
    ]


def check_argv(binary: str, repo: Path, remote: str, combined: Path, flags: Flags) -> list[str]:
    """Step 3: every local file is in the copy with the same checksum."""
    return [
        binary,
        "check",
        "--one-way",
        "--checksum",
        "--combined",
        str(combined),
        *_excludes(EXCLUDES),
        *flags.argv(),
        str(repo),
        remote,
    ]


def pull_argv(binary: str, remote: str, dest: Path, flags: Flags, *, last: bool) -> list[str]:
    """Copy the copy back: everything but ``config`` first, then ``config`` (``last``).

    A directory without ``config`` is no Borg repository, so an interrupted pull never
    looks like a usable one.
    """
    filt = ["--include", "/config"] if last else _excludes(("/config", *EXCLUDES))
    return [
        binary,
        "copy",
        "--checksum",
        *filt,
        *flags.argv(),
        remote,
        str(dest),
    ]


def lsf_argv(binary: str, remote: str, flags: Flags) -> list[str]:
    return [binary, "lsf", "--max-depth", "1", *flags.argv(), remote]


def cat_argv(binary: str, remote_file: str, flags: Flags) -> list[str]:
    return [binary, "cat", *flags.argv(), remote_file]


def rcat_argv(binary: str, remote_file: str, flags: Flags) -> list[str]:
    return [binary, "rcat", *flags.argv(), remote_file]


# ------------------------------------------------------------------------------ reports


@dataclass(frozen=True)
class CheckReport:
    """``rclone check --combined``: ``=`` same, ``*`` differ, ``+`` missing in the copy,
    ``-`` only in the copy, ``!`` error while checking."""

    equal: int = 0
    differ: list[str] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)
    extra: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not (self.differ or self.missing or self.errors)

    def problems(self, limit: int = 20) -> list[str]:
        out = [f"{p}: checksum differs" for p in self.differ]
        out += [f"{p}: missing in the copy" for p in self.missing]
        out += [f"{p}: could not be checked" for p in self.errors]
        return out[:limit]

    def as_dict(self) -> dict[str, Any]:
        return {
            "ok": self.ok,
            "equal": self.equal,
            "differ": self.differ,
            "missing": self.missing,
            "errors": self.errors,
        }


def copy_transaction(names: Sequence[str]) -> int | None:
    """The transaction (segment number) the copy's ``index.N`` describes."""
    numbers = [int(n[6:]) for n in names if n.startswith("index.") and n[6:].isdigit()]
    return max(numbers) if numbers else None


def segment_number(path: str) -> int | None:
    """``data/0/123`` -> 123 (None for anything that is not a segment file)."""
    parts = path.split("/")
    if len(parts) == 3 and parts[0] == "data" and parts[2].isdigit():
        return int(parts[2])
    return None


def settled(report: CheckReport, transaction: int | None) -> CheckReport:
    """A one-way check of a copy made earlier, judged against the copy's own transaction.

    Between copies the local repository moves on (new segments, a new ``index.N``; even
    ``borg with-lock`` writes one): files newer than the copy are not missing from it.
    Segments up to the copy's transaction, ``config`` and ``README`` must be there;
    whatever exists on both sides must match (segments never change once written),
    except ``nonce``, which Borg rewrites in place.
    """

    def expected(path: str) -> bool:
        if path in ("config", "README"):
            return True
        number = segment_number(path)
        return number is not None and (transaction is None or number <= transaction)

    return CheckReport(
        equal=report.equal,
        differ=[p for p in report.differ if p != "nonce"],
        missing=[p for p in report.missing if expected(p)],
        extra=report.extra,
        errors=report.errors,
    )


def parse_combined(text: str) -> CheckReport:
    equal = 0
    differ: list[str] = []
    missing: list[str] = []
    extra: list[str] = []
    errors: list[str] = []
    for line in text.splitlines():
        if len(line) < 3 or line[1] != " ":
            continue
        mark, path = line[0], line[2:]
        if mark == "=":
            equal += 1
        elif mark == "*":
            differ.append(path)
        elif mark == "+":
            missing.append(path)
        elif mark == "-":
            extra.append(path)
        elif mark == "!":
            errors.append(path)
    return CheckReport(equal, differ, missing, extra, errors)


# ------------------------------------------------------------------------------- errors

_UNREACHABLE = (
    "connection refused",
    "no such host",
    "i/o timeout",
    "network is unreachable",
    "connection reset",
    "dial tcp",
    "TLS handshake",
    "context deadline exceeded",
    "RequestError: send request failed",
)
_AUTH = ("InvalidAccessKeyId", "SignatureDoesNotMatch", "AccessDenied", "ExpiredToken")


def _message_lines(lines: Sequence[str]) -> list[str]:
    """The ``msg`` of rclone's JSON log lines (other lines as they are)."""
    import json

    out = []
    for line in lines:
        text = line.strip()
        if text.startswith("{"):
            try:
                record = json.loads(text)
                text = str(record.get("msg", text)).strip()
            except (json.JSONDecodeError, AttributeError):
                pass
        if text:
            out.append(text)
    return out


def classify(exc: CommandError, *, what: str, where: str) -> DataopsError:
    """DependencyError (exit 3) when storage is unreachable or refuses us, else exit 1."""
    messages = _message_lines(exc.output_tail)
    text = "\n".join(messages)
    last = messages[-1:] if messages else []
    if exc.timed_out:
        return DependencyError(
            f"rclone {what} did not finish in time and was killed ({where} may be unreachable)"
        )
    if "NoSuchBucket" in text or "bucket does not exist" in text.lower():
        return DependencyError(f"rclone {what}: the bucket of {where} does not exist", details=last)
    if "x509:" in text or "certificate signed by unknown authority" in text:
        return DependencyError(
            f"rclone {what}: the TLS certificate of {where} is not trusted "
            "(DATAOPS_S3_CA_BUNDLE names the CA of a private endpoint)",
            details=last,
        )
    if any(p in text for p in _AUTH):
        return DependencyError(
            f"rclone {what}: object storage {where} rejected the credentials "
            "(AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY)",
            details=last,
        )
    if any(p.lower() in text.lower() for p in _UNREACHABLE):
        return DependencyError(
            f"rclone {what}: object storage {where} is unreachable", details=last
        )
    if exc.returncode is not None and exc.returncode < 0:
        return OperationError(f"rclone {what} was killed by signal {-exc.returncode}")
    return OperationError(
        f"rclone {what} failed (exit code {exc.returncode})", details=messages[-5:]
    )


# ------------------------------------------------------------------------------- runner


@dataclass
class Rclone:
    binary: str
    env: dict[str, str]
    remote: str
    where: str
    flags: Flags
    timeout: float
    stall_seconds: float | None = None  # the no-progress watchdog (DATAOPS_STORAGE_STALL_TIMEOUT)

    def _stall(self) -> Stall | None:
        if not self.stall_seconds:
            return None
        return Stall(self.stall_seconds, f"object storage {self.where}")

    def run(
        self,
        argv: Sequence[str],
        *,
        what: str,
        capture: bool = False,
        ok_codes: Sequence[int] = (0,),
        timeout: float | None = None,
        extra_env: Mapping[str, str] | None = None,
    ) -> execute.Result:
        log.info("rclone.start", extra={"command": what, "remote": self.remote})
        try:
            result = execute.run(
                argv,
                env={**self.env, **(extra_env or {})},
                capture=capture,
                ok_codes=ok_codes,
                timeout=timeout or self.timeout,
                stall=self._stall(),
            )
        except CommandError as exc:
            raise classify(exc, what=what, where=self.where) from None
        log.info("rclone.finished", extra={"command": what, "seconds": round(result.seconds, 3)})
        return result

    def probe(self, flags: Flags | None = None) -> list[str]:
        """Names at the top of the copy (``[]`` if there is none); exit 3 if unreachable."""
        quick = flags or self.flags.quick()
        try:
            result = execute.run(
                lsf_argv(self.binary, self.remote, quick),
                env=self.env,
                capture=True,
                ok_codes=(0, 3),  # 3: directory not found = no copy yet
                timeout=120,
            )
        except CommandError as exc:
            raise classify(exc, what="lsf", where=self.where) from None
        if result.returncode == 3:
            return []
        return [ln for ln in (result.stdout or b"").decode("utf-8", "replace").splitlines() if ln]

    def cat(self, name: str) -> bytes | None:
        """The content of one object of the copy, None when it does not exist."""
        argv = cat_argv(self.binary, self.remote + "/" + name, self.flags)
        try:
            result = execute.run(argv, env=self.env, capture=True, ok_codes=(0, 3, 4), timeout=300)
        except CommandError as exc:
            raise classify(exc, what="cat", where=self.where) from None
        if result.returncode != 0:
            return None
        return result.stdout or b""

    def read_writer(self) -> str | None:
        """The id of the machine that claimed the copy (None: nobody yet)."""
        argv = cat_argv(self.binary, self.remote + ".writer", self.flags)
        try:
            result = execute.run(argv, env=self.env, capture=True, timeout=300)
        except CommandError as exc:
            raise classify(exc, what="cat", where=self.where) from None
        text = (result.stdout or b"").decode("utf-8", "replace").strip()
        return text or None

    def claim(self, writer: str) -> None:
        argv = rcat_argv(self.binary, self.remote + ".writer", self.flags)
        try:
            execute.run(argv, env=self.env, input=writer.encode() + b"\n", timeout=300)
        except CommandError as exc:
            raise classify(exc, what="rcat", where=self.where) from None

    def copy_segments(self, repo: Path) -> None:
        self.run(copy_segments_argv(self.binary, repo, self.remote, self.flags), what="copy")

    def sync(self, repo: Path) -> None:
        self.run(sync_argv(self.binary, repo, self.remote, self.flags), what="sync")

    def check(self, repo: Path, combined: Path) -> CheckReport:
        """``check --one-way --checksum``; differences are a report, not an exception."""
        argv = check_argv(self.binary, repo, self.remote, combined, self.flags)
        try:
            result = execute.run(
                argv, env=self.env, ok_codes=(0, 1), timeout=self.timeout, stall=self._stall()
            )
        except CommandError as exc:
            raise classify(exc, what="check", where=self.where) from None
        report = parse_combined(combined.read_text("utf-8", "replace") if combined.exists() else "")
        if result.returncode != 0 and report.ok:  # failed before comparing anything
            raise classify(
                CommandError(
                    "rclone check failed",
                    argv=argv,
                    returncode=result.returncode,
                    output_tail=result.stderr_tail,
                ),
                what="check",
                where=self.where,
            )
        return report

    def pull(self, dest: Path) -> None:
        """Copy the repository copy into ``dest`` (``config`` last)."""
        self.run(pull_argv(self.binary, self.remote, dest, self.flags, last=False), what="pull")
        self.run(pull_argv(self.binary, self.remote, dest, self.flags, last=True), what="pull")
