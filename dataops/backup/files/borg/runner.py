"""Running Borg: the environment of every call and :class:`Borg`, one repository's runner."""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from dataops import execute
from dataops.backup.files.borg import argv as cmd
from dataops.backup.files.borg.failures import classify, warnings_of
from dataops.backup.files.borg.parse import (
    ArchiveStats,
    RepoListing,
    parse_create,
    parse_info,
    parse_list,
    parse_version,
)
from dataops.errors import CommandError

log = logging.getLogger("dataops.backup.files.borg")

EXIT_WARNING = 1


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
        text = execute.tool_version(cmd.version_argv(self.binary))
        return parse_version(text)

    def init(self) -> None:
        self.run(cmd.init_argv(self.binary, self.repo), what="init")

    def get_config(self, key: str) -> str:
        out = self.run(cmd.config_argv(self.binary, self.repo, key), what="config", capture=True)
        return (out.result.stdout or b"").decode().strip()

    def set_config(self, key: str, value: str) -> None:
        self.run(cmd.config_argv(self.binary, self.repo, key, value), what="config")

    def create(
        self, archive: str, paths: Sequence[Path], *, compression: str, excludes: Sequence[str]
    ) -> tuple[ArchiveStats, Outcome]:
        argv = cmd.create_argv(
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
        argv = cmd.prune_argv(
            self.binary,
            self.repo,
            daily=daily,
            weekly=weekly,
            monthly=monthly,
            lock_wait=self.lock_wait,
        )
        return self.run(argv, what="prune", warning_ok=True)

    def compact(self) -> Outcome:
        argv = cmd.compact_argv(self.binary, self.repo, lock_wait=self.lock_wait)
        return self.run(argv, what="compact", warning_ok=True)

    def list(self) -> RepoListing:
        argv = cmd.list_argv(self.binary, self.repo, lock_wait=self.lock_wait)
        out = self.run(argv, what="list", capture=True)
        return parse_list(out.result.stdout or b"")

    def info(self, archive: str) -> ArchiveStats:
        argv = cmd.info_argv(self.binary, self.repo, archive, lock_wait=self.lock_wait)
        out = self.run(argv, what="info", capture=True)
        return parse_info(out.result.stdout or b"")

    def extract(self, archive: str, target: Path, paths: Sequence[str] = ()) -> Outcome:
        argv = cmd.extract_argv(self.binary, self.repo, archive, paths, lock_wait=self.lock_wait)
        return self.run(argv, what="extract", cwd=target, warning_ok=True)

    def check(self, *, verify_data: bool = False) -> Outcome:
        """``borg check``; problems found (Borg's exit code 1) raise OperationError."""
        argv = cmd.check_argv(
            self.binary, self.repo, verify_data=verify_data, lock_wait=self.lock_wait
        )
        return self.run(argv, what="check")

    def key_export(self, *, paper: bool = False) -> bytes:
        out = self.run(
            cmd.key_export_argv(self.binary, self.repo, paper=paper),
            what="key export",
            capture=True,
        )
        return out.result.stdout or b""

    def with_lock(
        self, command: Sequence[str], *, extra_env: Mapping[str, str], capture: bool = True
    ) -> execute.Result:
        """Run ``command`` while holding the repository's exclusive lock.

        Returns the result whatever the command's exit code (Borg passes it through);
        only Borg's own failures (lock, passphrase) raise.
        """
        argv = cmd.with_lock_argv(self.binary, self.repo, command, lock_wait=self.lock_wait)
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
