"""Exception hierarchy and the exit codes it maps to.

Every failure a user can cause or meet is one of these; the CLI turns them into
a message on stderr and the documented exit code, never a traceback.
"""

from __future__ import annotations

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


class ToolNotFoundError(DependencyError):
    """An external program is not installed or not executable."""
