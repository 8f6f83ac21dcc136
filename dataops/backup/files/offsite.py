"""The off-site copy of the local Borg repository, made and checked under ``borg with-lock``.

Borg's FAQ allows copying a repository only while nothing writes to it, so dataops runs
``borg with-lock REPO python -m dataops.backup.files.offsite SPEC`` and that child does,
with the lock held:

1. ``rclone copy --checksum`` of the segment files (``data/``): everything the index
   and hints will refer to is uploaded first;
2. ``rclone sync --checksum --delete-after`` of the whole repository (lock files
   excluded): index, hints, integrity, config; deletions only after all uploads;
3. ``rclone check --one-way --checksum``: every local file is in the copy, same MD5.

Only a passing check counts as a successful copy (:class:`OffsiteResult` ``ok``; the
sidecar's ``dataops_offsite_sync_last_success_timestamp_seconds``).  The SPEC argument
holds no secret: the rclone remote's credentials reach the child through the environment
Borg passes on.  The last attempt and success are kept in a small state file, so a
restart does not forget them.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import os
import sys
import tempfile
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from dataops.backup.files import borg as borgmod
from dataops.backup.files import rclone as rclonemod
from dataops.backup.files.config import open_rclone, state_dir
from dataops.config.settings import Settings
from dataops.errors import EXIT_DEPENDENCY, EXIT_FAILED, DataopsError, OperationError
from dataops.fsutil import atomic_write

log = logging.getLogger(__name__)

STATE_FILE = "offsite.json"


@dataclass(frozen=True)
class OffsiteResult:
    """One off-site copy (or check) attempt."""

    ok: bool
    started: dt.datetime
    finished: dt.datetime
    remote: str
    stage: str  # where it stopped: probe, copy, sync, check, done
    report: rclonemod.CheckReport | None = None
    error: str | None = None
    details: list[str] = field(default_factory=list)
    exit_code: int = 0

    @property
    def seconds(self) -> float:
        return (self.finished - self.started).total_seconds()

    def failure(self) -> DataopsError | None:
        """The error to end a command with (exit 3 when storage was unreachable)."""
        if self.ok:
            return None
        err = DataopsError(
            f"off-site copy failed ({self.stage}): {self.error}", details=self.details
        )
        err.exit_code = self.exit_code or EXIT_FAILED
        return err

    def as_dict(self) -> dict[str, Any]:
        return {
            "ok": self.ok,
            "started": self.started.isoformat(),
            "finished": self.finished.isoformat(),
            "seconds": round(self.seconds, 3),
            "remote": self.remote,
            "stage": self.stage,
            "check": self.report.as_dict() if self.report else None,
            "error": self.error,
            "details": self.details,
        }


# ----------------------------------------------------------------------------- the child


@dataclass(frozen=True)
class Spec:
    """What the child under the lock does (no secrets: they come through the environment)."""

    mode: str  # "copy" (copy + sync + check) or "check"
    repo: str
    remote: str
    where: str
    binary: str
    flags: dict[str, Any]
    timeout: float
    stall: float | None = None

    def dump(self) -> str:
        return json.dumps(asdict(self))

    @classmethod
    def load(cls, text: str) -> Spec:
        return cls(**json.loads(text))


def _child_run(spec: Spec) -> dict[str, Any]:
    env = {k: v for k, v in os.environ.items() if k.startswith("RCLONE_")}
    rc = rclonemod.Rclone(
        binary=spec.binary,
        env=env,
        remote=spec.remote,
        where=spec.where,
        flags=rclonemod.Flags(**spec.flags),
        timeout=spec.timeout,
        stall_seconds=spec.stall,
    )
    repo = Path(spec.repo)
    stage = "copy"
    try:
        if spec.mode == "copy":
            rc.copy_segments(repo)
            stage = "sync"
            rc.sync(repo)
        stage = "check"
        transaction = rclonemod.copy_transaction(rc.probe(rc.flags)) if spec.mode == "check" else 0
        with tempfile.TemporaryDirectory(prefix="dataops-rclone-check-") as tmp:
            report = rc.check(repo, Path(tmp) / "combined.txt")
        if spec.mode == "check":
            report = rclonemod.settled(report, transaction)
    except DataopsError as exc:
        return {
            "ok": False,
            "stage": stage,
            "error": exc.message,
            "details": exc.details,
            "exit_code": exc.exit_code,
        }
    if not report.ok:
        return {
            "ok": False,
            "stage": "check",
            "error": f"rclone check found {len(report.problems(10**6))} problem(s) in the copy",
            "details": report.problems(),
            "exit_code": EXIT_FAILED,
            "report": report.as_dict(),
        }
    return {"ok": True, "stage": "done", "report": report.as_dict(), "exit_code": 0}


def child_main(argv: Sequence[str]) -> int:
    """Entry point of ``python -m dataops.backup.files.offsite SPEC`` (under the lock)."""
    from dataops import log as logsetup

    logsetup.setup(os.environ.get("DATAOPS_LOG_LEVEL", "info"), "json")
    if len(argv) != 1:
        print("usage: python -m dataops.backup.files.offsite SPEC", file=sys.stderr)
        return 2
    outcome = _child_run(Spec.load(argv[0]))
    sys.stdout.write(json.dumps(outcome) + "\n")
    sys.stdout.flush()
    return int(outcome["exit_code"])


# ---------------------------------------------------------------------------- the parent


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def _report(data: dict[str, Any] | None) -> rclonemod.CheckReport | None:
    if not data:
        return None
    return rclonemod.CheckReport(
        equal=int(data.get("equal", 0)),
        differ=list(data.get("differ", [])),
        missing=list(data.get("missing", [])),
        errors=list(data.get("errors", [])),
    )


def _parse_child(stdout: bytes) -> dict[str, Any] | None:
    for line in reversed(stdout.decode("utf-8", "replace").splitlines()):
        if line.startswith("{"):
            try:
                data = json.loads(line)
            except json.JSONDecodeError:
                return None
            return data if isinstance(data, dict) else None
    return None


def run_under_lock(settings: Settings, borg: borgmod.Borg, mode: str) -> OffsiteResult:
    """Copy (``mode="copy"``) or only check (``"check"``) the repository's off-site copy.

    Never raises for a storage or copy problem: the result says what failed, where, and
    with which exit code (3 when object storage is unreachable).
    """
    started = _now()
    rc = open_rclone(settings)
    stage = "probe"
    try:
        if mode == "copy":
            guard_same_repository(rc, borg.repo)
        elif "config" not in rc.probe():  # fails fast (exit 3) when storage is unreachable
            raise OperationError(f"there is no repository copy at {rc.where} yet")
        spec = Spec(
            mode=mode,
            repo=str(borg.repo),
            remote=rc.remote,
            where=rc.where,
            binary=rc.binary,
            flags=asdict(rc.flags),
            timeout=rc.timeout,
            stall=rc.stall_seconds,
        )
        child = [sys.executable, "-m", "dataops.backup.files.offsite", spec.dump()]
        extra = {**rc.env, "DATAOPS_LOG_LEVEL": settings.log_level}
        stage = mode  # the lock is held for the whole copy / check
        result = borg.with_lock(child, extra_env=extra)
    except DataopsError as exc:
        outcome = OffsiteResult(
            ok=False,
            started=started,
            finished=_now(),
            remote=rc.where,
            stage=stage,
            error=exc.message,
            details=exc.details,
            exit_code=exc.exit_code,
        )
        return _record(settings, mode, outcome)
    data = _parse_child(result.stdout or b"")
    if data is None:
        outcome = OffsiteResult(
            ok=False,
            started=started,
            finished=_now(),
            remote=rc.where,
            stage=mode,
            error=f"borg with-lock ended with exit code {result.returncode} and no result",
            details=result.stderr_tail[-5:],
            exit_code=EXIT_FAILED,
        )
        return _record(settings, mode, outcome)
    outcome = OffsiteResult(
        ok=bool(data.get("ok")),
        started=started,
        finished=_now(),
        remote=rc.where,
        stage=str(data.get("stage", "")),
        report=_report(data.get("report")),
        error=data.get("error"),
        details=[str(d) for d in data.get("details", [])],
        exit_code=int(data.get("exit_code", 0)),
    )
    if outcome.ok:
        log.info(
            "files.offsite.ok",
            extra={"mode": mode, "remote": rc.where, "seconds": round(outcome.seconds, 3)},
        )
    return _record(settings, mode, outcome)


def guard_same_repository(rc: rclonemod.Rclone, repo: Path) -> None:
    """Refuse to overwrite a copy of a *different* repository (another id), a copy that is
    ahead of the local repository, or a copy another machine has taken over; then claim
    the copy for this repository."""
    names = rc.probe()  # fails fast (exit 3) when storage is unreachable
    exists = "config" in names
    remote_config = rc.cat("config") if exists else None
    remote_id = (
        borgmod.parse_repository_config(remote_config.decode("utf-8", "replace"))
        if remote_config
        else None
    )
    local_id = borgmod.read_repository_id(repo)
    if remote_id and local_id and remote_id != local_id:
        raise OperationError(
            f"{rc.where} holds a copy of another Borg repository (id {remote_id[:16]}…, "
            f"local {local_id[:16]}…); refusing to overwrite it",
            details=[
                "move the copy away or point DATAOPS_BORG_OFFSITE_PATH elsewhere;"
                " never let two repositories share one location or id"
            ],
        )
    claim_copy(rc, repo, copy_exists=exists)
    remote_tx = rclonemod.copy_transaction(names)
    local_tx = rclonemod.copy_transaction([p.name for p in repo.iterdir()])
    if remote_tx is not None and local_tx is not None and remote_tx > local_tx:
        raise OperationError(
            f"{rc.where} holds a newer state of this repository (transaction {remote_tx}) "
            f"than {repo} (transaction {local_tx}); refusing to overwrite it",
            details=[
                "another machine writes to the same copy, or the local repository is an old"
                " copy; one repository, one writer"
            ],
        )


def claim_copy(rc: rclonemod.Rclone, repo: Path, *, copy_exists: bool) -> None:
    """One writer per copy.  A machine that pulled the repository back (a new pod with an
    empty volume) takes the copy over at its first copy; the machine it replaced is
    refused from then on, instead of the two overwriting each other's copy."""
    local, takeover = read_local_writer(repo)
    remote = rc.read_writer()
    if remote == local and not takeover:
        return
    if remote is not None and remote != local and copy_exists and not takeover:
        raise OperationError(
            f"another machine has taken over the off-site copy at {rc.where} "
            f"(writer {remote[:8]}…, this repository {local[:8]}…); refusing to overwrite it",
            details=[
                "it pulled the repository back and writes to it now; retire this one (one "
                "repository, one writer), or point DATAOPS_BORG_OFFSITE_PATH elsewhere"
            ],
        )
    rc.claim(local)
    write_local_writer(repo, local, takeover=False)
    if takeover:
        log.warning("files.offsite.taken_over", extra={"remote": rc.where, "writer": local[:8]})


def read_local_writer(repo: Path) -> tuple[str, bool]:
    """(this repository's writer id, whether it is to take the copy over); made on first use."""
    path = repo / rclonemod.WRITER_FILE
    try:
        words = path.read_text("utf-8").split()
    except FileNotFoundError:
        words = []
    if not words:
        return write_local_writer(repo, None, takeover=False), False
    return words[0], "takeover" in words[1:]


def write_local_writer(repo: Path, writer: str | None, *, takeover: bool) -> str:
    import uuid

    writer = writer or uuid.uuid4().hex
    atomic_write(repo / rclonemod.WRITER_FILE, writer + (" takeover" if takeover else "") + "\n")
    return writer


# --------------------------------------------------------------------------------- state


@dataclass(frozen=True)
class OffsiteState:
    """What the last copies did (kept across restarts)."""

    last_attempt: dt.datetime | None = None
    last_success: dt.datetime | None = None
    last_ok: bool | None = None
    last_error: str | None = None
    last_seconds: float | None = None

    def as_dict(self) -> dict[str, Any]:
        return {
            "last_attempt": self.last_attempt.isoformat() if self.last_attempt else None,
            "last_success": self.last_success.isoformat() if self.last_success else None,
            "last_ok": self.last_ok,
            "last_error": self.last_error,
            "last_seconds": self.last_seconds,
        }


def read_state(settings: Settings) -> OffsiteState:
    path = state_dir(settings) / STATE_FILE
    try:
        data = json.loads(path.read_text("utf-8"))
    except (OSError, json.JSONDecodeError):
        return OffsiteState()

    def when(key: str) -> dt.datetime | None:
        value = data.get(key)
        return dt.datetime.fromisoformat(value) if isinstance(value, str) else None

    return OffsiteState(
        last_attempt=when("last_attempt"),
        last_success=when("last_success"),
        last_ok=data.get("last_ok"),
        last_error=data.get("last_error"),
        last_seconds=data.get("last_seconds"),
    )


def write_json_atomic(path: Path, data: dict[str, Any]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    atomic_write(path, json.dumps(data), mode=0o600)


def write_private_atomic(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` with mode 0600 (temp file beside it, then rename)."""
    atomic_write(path.absolute(), data, mode=0o600)


def _record(settings: Settings, mode: str, outcome: OffsiteResult) -> OffsiteResult:
    if not outcome.ok:
        log.error(
            "files.offsite.failed",
            extra={
                "mode": mode,
                "stage": outcome.stage,
                "error": outcome.error,
                "details": outcome.details,
            },
        )
    if mode != "copy":
        return outcome
    previous = read_state(settings)
    state = OffsiteState(
        last_attempt=outcome.finished,
        last_success=outcome.finished if outcome.ok else previous.last_success,
        last_ok=outcome.ok,
        last_error=outcome.error,
        last_seconds=round(outcome.seconds, 3),
    )
    try:
        write_json_atomic(state_dir(settings) / STATE_FILE, state.as_dict())
    except OSError as exc:
        log.warning("files.offsite.state_not_written", extra={"error": str(exc)})
    return outcome


def exit_code_for(outcome: OffsiteResult) -> int:
    return 0 if outcome.ok else (outcome.exit_code or EXIT_FAILED)


__all__ = [
    "EXIT_DEPENDENCY",
    "OffsiteResult",
    "OffsiteState",
    "child_main",
    "read_state",
    "run_under_lock",
]

if __name__ == "__main__":
    sys.exit(child_main(sys.argv[1:]))
