"""Exception hierarchy and the exit codes it maps to.

Every failure a user can cause or meet is one of these; the CLI turns them into
a message on stderr and the documented exit code, never a traceback.
"""

from __future__ import annotations

import signal
from collections.abc import Sequence

EXIT_OK = 0
EXIT_FAILED = 1
EXIT_USAGE = 2
EXIT_DEPENDENCY = 3


class DataopsError(Exception):
    """Base class: an operation failed (exit 1)."""

    exit_code = EXIT_FAILED

    def __init__(self, message: str, *, details: Sequence[str] = ()) -> None:
        super().__init__(message)
        self.message = message
        self.details = list(details)

    def render(self) -> str:
        if not self.details:
            return self.message
        return self.message + "\n" + "\n".join(f"  - {d}" for d in self.details)


class OperationError(DataopsError):
    """The requested work was attempted and failed (exit 1)."""


class ConfigError(DataopsError):
    """Bad configuration, arguments or input files (exit 2)."""

    exit_code = EXIT_USAGE


class DependencyError(DataopsError):
    """A database, object store or external tool is unreachable or missing (exit 3)."""

    exit_code = EXIT_DEPENDENCY


class CommandError(OperationError):
    """An external program exited unsuccessfully."""

    def __init__(
        self,
        message: str,
        *,
        argv: Sequence[str],
        returncode: int | None,
        output_tail: Sequence[str] = (),
        timed_out: bool = False,
    ) -> None:
        super().__init__(message, details=list(output_tail))
        self.argv = list(argv)
        self.returncode = returncode
        self.output_tail = list(output_tail)
        self.timed_out = timed_out


class StallError(DependencyError):
    """A tool made no progress (no output, no bytes moved) for the stall timeout and was
    stopped: its storage is unreachable or not answering (exit 3)."""


class ToolNotFoundError(DependencyError):
    """An external program is not installed or not executable."""


class Interrupted(OperationError):
    """Stopped by SIGINT/SIGTERM; exit code 128 + signal number.

    The one signal error: :mod:`dataops.execute` raises it when a forwarded signal
    stopped a child, migrations when a signal cancelled a statement, the anonymizer's
    atomic output when a signal arrived while writing.
    """

    def __init__(
        self, signum: int, message: str | None = None, details: Sequence[str] = ()
    ) -> None:
        name = signal.Signals(signum).name
        super().__init__(
            f"interrupted by {name}" if message is None else f"{message} ({name})",
            details=details,
        )
        self.signum = signum
        self.exit_code = 128 + signum


class LockTimeoutError(OperationError):
    """A lock (the migration lock) was not acquired within its timeout."""

    def __init__(self, what: str, timeout: float) -> None:
        super().__init__(
            f"timeout: can't acquire database lock ({what}) within {round(timeout, 1):g} s",
            details=[
                "another `dataops migrate` or `migrate` process holds it; "
                "raise --lock-timeout or check for a stuck migration"
            ],
        )


class DirtyError(OperationError):
    """golang-migrate's dirty flag is set: a migration failed half-way."""

    def __init__(self, version: int) -> None:
        super().__init__(f"Dirty database version {version}. Fix and force version.")
        self.version = version


class MigrationError(OperationError):
    """A migration file (or an Alembic revision) failed."""


class VerificationError(OperationError):
    """Checksums changed, files out of order or missing."""


class NoDatabaseError(ConfigError):
    """The one "no database URL" error (exit 2)."""

    def __init__(self, alternatives: str = "") -> None:
        extra = f" {alternatives}" if alternatives else ""
        super().__init__(f"no database: set DATAOPS_DATABASE_URL or pass --db{extra}")
