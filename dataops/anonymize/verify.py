"""``--verify-restore URL``: prove the anonymized output restores, on a scratch database.

After the output is written, dataops creates a new database with a random name
(``dataops_verify_<hex>``, ``TEMPLATE template0``, the dump's encoding, C locale)
on the server of ``URL`` -- never an existing one -- restores the output into it
(plain: ``psql -v ON_ERROR_STOP=1``; custom and directory: ``pg_restore
--exit-on-error --no-owner --no-acl``) and drops it again, whatever happened.  A
failing statement or constraint fails the run (exit 1) naming the error and its
context, and the output is removed: a dump that does not restore is not a result.
The server being unreachable, or the role lacking CREATEDB, exits 3.
"""

from __future__ import annotations

import contextlib
import logging
import secrets
import shutil
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from dataops import db, execute, tools
from dataops.anonymize.formats import compression
from dataops.config.settings import Settings
from dataops.errors import CommandError, ConfigError, DependencyError, OperationError

log = logging.getLogger(__name__)

PREFIX = "dataops_verify_"


@dataclass
class VerifyResult:
    server: str  # the URL, password masked
    database: str
    seconds: float


def check_url(url: str) -> dict[str, str]:
    """The libpq environment of a ``--verify-restore`` URL (ConfigError when it is not one)."""
    try:
        if db.dialect(url) != "postgresql":
            raise ConfigError("--verify-restore must be a postgresql:// URL")
        return db.libpq_env(url)
    except ValueError as exc:
        raise ConfigError(f"--verify-restore: {exc}") from None


def _quote_ident(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _sql_literal(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def _error_lines(tail: list[str]) -> list[str]:
    """The server's error and its context from psql / pg_restore output."""
    keep = []
    for i, line in enumerate(tail):
        if "ERROR" in line or "FATAL" in line:
            keep.append(line.strip())
            for more in tail[i + 1 : i + 4]:
                if more.lstrip().startswith(("CONTEXT", "DETAIL", "Command was", "LINE", "HINT")):
                    keep.append(more.strip())
            break
    return keep or [line.strip() for line in tail[-5:]]


@contextlib.contextmanager
def _readable(output: Path, fmt: str) -> Iterator[Path]:
    """The output as psql / pg_restore can read it (decompressed into a temp file if needed)."""
    if fmt == "directory" or compression.codec_for(str(output)) is None:
        yield output
        return
    fd, tmp_name = tempfile.mkstemp(prefix=".dataops-verify-", dir=output.parent)
    tmp = Path(tmp_name)
    try:
        with open(fd, "wb") as dst, output.open("rb") as raw:
            shutil.copyfileobj(compression.reader(raw), dst, 1 << 20)
        yield tmp
    finally:
        tmp.unlink(missing_ok=True)


def _remove(output: Path) -> None:
    if output.is_dir():
        shutil.rmtree(output, ignore_errors=True)
    else:
        output.unlink(missing_ok=True)


def verify_restore(
    settings: Settings,
    url: str,
    output: Path,
    fmt: str,
    encoding: str | None = None,
    *,
    remove_on_failure: bool = True,
) -> VerifyResult:
    """Restore ``output`` into a scratch database on ``url``'s server; raise on failure
    (and remove ``output``, unless ``remove_on_failure`` is false: ``anonymize audit``)."""
    removed = "; the output was removed" if remove_on_failure else ""
    env = check_url(url)
    psql = tools.find("psql", pg_bin_dir=settings.pg_bin_dir)
    name = PREFIX + secrets.token_hex(6)
    started = time.monotonic()
    create = (
        f"CREATE DATABASE {_quote_ident(name)} TEMPLATE template0 "
        f"ENCODING {_sql_literal(encoding or 'UTF8')} LC_COLLATE 'C' LC_CTYPE 'C'"
    )
    admin = [psql, "-X", "-q", "-v", "ON_ERROR_STOP=1", "-c"]
    try:
        execute.run([*admin, create], env=env, timeout=120)
    except CommandError as exc:
        if remove_on_failure:
            _remove(output)
        raise DependencyError(
            f"--verify-restore: cannot create a scratch database on {db.masked_url(url)}" + removed,
            details=_error_lines(exc.output_tail),
        ) from None
    scratch_env = {**env, "PGDATABASE": name}
    try:
        with _readable(output, fmt) as path:
            if fmt == "plain":
                argv = [psql, "-X", "-q", "-v", "ON_ERROR_STOP=1", "-f", str(path)]
            else:
                pg_restore = tools.find("pg_restore", pg_bin_dir=settings.pg_bin_dir)
                argv = [pg_restore, "--exit-on-error", "--no-owner", "--no-acl", "-d", name]
                argv.append(str(path))
            execute.run(argv, env=scratch_env, timeout=None, stderr_level=logging.DEBUG)
    except CommandError as exc:
        if remove_on_failure:
            _remove(output)
        raise OperationError(
            f"--verify-restore: the anonymized dump does not restore (scratch database {name} "
            f"on {db.masked_url(url)})" + removed,
            details=_error_lines(exc.output_tail),
        ) from None
    finally:
        try:
            execute.run(
                [*admin, f"DROP DATABASE IF EXISTS {_quote_ident(name)} WITH (FORCE)"],
                env=env,
                timeout=120,
            )
        except CommandError as exc:
            log.warning(
                "anonymize.verify_drop_failed",
                extra={"database": name, "error": " ".join(_error_lines(exc.output_tail))},
            )
    seconds = time.monotonic() - started
    log.info("anonymize.verified", extra={"database": name, "seconds": round(seconds, 3)})
    return VerifyResult(db.masked_url(url), name, seconds)
