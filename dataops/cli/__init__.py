"""The ``dataops`` command line: a thin click layer over plain Python functions.

Subcommands are registered in :data:`COMMANDS` as ``name -> "module:attribute"``
and imported only when used, so ``dataops --help`` stays fast.  Errors become a
message on stderr and the exit code documented in the README (see
:mod:`dataops.errors`).
"""

from __future__ import annotations

import gc
import importlib
import logging
import os
import sys
from typing import Any

import click

from dataops import __version__
from dataops.cli.context import AppContext
from dataops.errors import EXIT_FAILED, EXIT_USAGE, DataopsError
from dataops.log import redact

log = logging.getLogger("dataops")

COMMANDS: dict[str, str] = {
    "config": "dataops.cli.config:config",
    "doctor": "dataops.cli.doctor:doctor",
    "anonymize": "dataops.cli.anonymize:anonymize",
    "migrate": "dataops.cli.migrate:migrate",
    "demo": "dataops.cli.demo:demo",
    "backup": "dataops.cli.backup:backup",
    "serve": "dataops.cli.serve:serve",
    "jobs": "dataops.cli.jobs:jobs",
    "drill": "dataops.cli.drill:drill",
}


class LazyGroup(click.Group):
    """A group whose subcommands are imported on first use."""

    def __init__(self, *args: Any, lazy: dict[str, str] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.lazy = lazy or {}

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(set(super().list_commands(ctx)) | set(self.lazy))

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name in self.lazy:
            module_name, attr = self.lazy[cmd_name].split(":")
            command = getattr(importlib.import_module(module_name), attr)
            assert isinstance(command, click.Command)
            return command
        return super().get_command(ctx, cmd_name)


@click.group(cls=LazyGroup, lazy=COMMANDS, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, "-V", "--version", prog_name="dataops")
@click.pass_context
def cli(ctx: click.Context) -> None:
    """dataops: migrations, demo data, dump anonymization, backups and restore drills.

    Configuration comes from DATAOPS_* environment variables (any of them may be
    given as NAME_FILE=/path/to/secret).  Exit codes: 0 success, 1 operation
    failed, 2 usage or configuration error, 3 dependency unreachable or missing.
    """
    ctx.obj = AppContext()


def main(argv: list[str] | None = None) -> None:
    """Console-script entry point."""
    code = run(argv)
    # the interpreter's last garbage collection walks every object still alive (a big
    # dump's catalog, Faker pools: a third of a second): a finished command skips it
    gc.freeze()
    sys.exit(code)


def run(argv: list[str] | None = None) -> int:
    from dataops import log as logsetup

    level = os.environ.get("DATAOPS_LOG_LEVEL", "info").lower()
    fmt = os.environ.get("DATAOPS_LOG_FORMAT", "").lower() or None
    logsetup.setup(
        level if level in logsetup.LOG_LEVELS else "info",
        fmt if fmt in ("json", "text") else None,
    )
    from dataops.execute import SignalGuard

    try:
        # SIGTERM/SIGINT between two programs raise Interrupted (exit 143/130) so that
        # `finally` blocks clean up; while a program runs, dataops.execute forwards them
        with SignalGuard(raise_interrupted=True):
            rv = cli.main(args=argv, prog_name="dataops", standalone_mode=False)
        if isinstance(rv, int):  # ctx.exit(n) under standalone_mode=False
            return rv
    except click.exceptions.Abort:
        click.echo("Aborted.", err=True)
        return 130
    except click.exceptions.Exit as exc:
        return int(exc.exit_code)
    except click.ClickException as exc:
        exc.show()
        return EXIT_USAGE if isinstance(exc, click.UsageError) else exc.exit_code
    except DataopsError as exc:
        _report(exc)
        return exc.exit_code
    except KeyboardInterrupt:
        click.echo("Interrupted.", err=True)
        return 130
    except OSError as exc:  # a path or permission the user or the environment named
        log.debug("os_error", exc_info=True)
        error = _os_error(exc)
        _report(error)
        return error.exit_code
    except Exception as exc:  # a bug: say so without dumping a traceback on the user
        log.error("internal_error", exc_info=True)
        _capture(exc)
        click.echo(redact(f"dataops: internal error: {type(exc).__name__}: {exc}"), err=True)
        return EXIT_FAILED
    finally:
        _flush()
    return 0


def _os_error(exc: OSError) -> DataopsError:
    """An OSError nobody turned into a clear error: one line naming the path, no
    traceback; exit 2 for a path or permission problem, 3 for a network one, else 1."""
    import errno

    from dataops.errors import ConfigError, DependencyError, OperationError

    names = [str(n) for n in (exc.filename, exc.filename2) if n is not None]
    message = f"{exc.strerror or exc}" + (f": {' -> '.join(names)}" if names else "")
    path_problems = {
        errno.ENOENT, errno.ENOTDIR, errno.EISDIR, errno.EEXIST, errno.EACCES,
        errno.EPERM, errno.EROFS, errno.ENAMETOOLONG, errno.ELOOP,
    }  # fmt: skip
    if isinstance(exc, ConnectionError | TimeoutError):
        return DependencyError(message)
    if exc.errno in path_problems:
        return ConfigError(message)
    return OperationError(message)


def _report(exc: DataopsError) -> None:
    from dataops import log as logsetup

    # a person at a terminal reads the message below; log aggregators get the record
    log.log(
        logging.ERROR if logsetup.is_json() else logging.DEBUG,
        "command.failed",
        extra={"error": exc.message, "details": exc.details, "exit_code": exc.exit_code},
    )
    _capture(exc)
    click.echo(redact(f"dataops: error: {exc.render()}"), err=True)


def _capture(exc: BaseException) -> None:
    from dataops import sentry

    sentry.capture(exc)


def _flush() -> None:
    from dataops import sentry

    sentry.flush()
