"""``audit --restore mysql://…``: restore a MySQL dump into a scratch database, then drop it.

The scratch database has a fresh random name (``dataops_verify_…``) and is never an
existing one; the ``mariadb``/``mysql`` client runs ``source DUMP`` with
``--abort-source-on-error`` so the first failing statement fails the restore.  A dump
that switches or creates databases (``USE``, ``CREATE DATABASE``: ``mariadb-dump
--databases``) is refused -- it would write outside the scratch database.  The
password travels in a 0600 option file.
"""

from __future__ import annotations

import contextlib
import re
import secrets
import time
from dataclasses import dataclass
from pathlib import Path

from dataops import db, execute, tools
from dataops.anonymize import mysqlsource
from dataops.anonymize.formats import compression
from dataops.anonymize.formats import mysqldump as my
from dataops.errors import (
    CommandError,
    ConfigError,
    DependencyError,
    OperationError,
    ToolNotFoundError,
)

PREFIX = "dataops_verify_"
_SWITCH = re.compile(r"^\s*(?:USE\s|CREATE\s+(?:DATABASE|SCHEMA)\b)", re.I)


@dataclass
class Restored:
    server: str
    seconds: float


def _client() -> str:
    for name in ("mariadb", "mysql"):
        with contextlib.suppress(ToolNotFoundError):
            return tools.find(name)
    raise ToolNotFoundError("mariadb / mysql client: not found on PATH")


def switches_database(path: Path) -> bool:
    with path.open("rb") as raw:
        reader = my.DumpReader(compression.reader(raw, str(path)), name=str(path))
        for ev in reader.events():
            if isinstance(ev, my.Chunk) and ev.kind == "statement" and _SWITCH.match(ev.sql):
                return True
    return False


def restore(url: str, dump: Path) -> Restored:
    """Raise OperationError naming the server's error when the dump does not restore."""
    try:
        parsed = db.parse(url)
    except ValueError as exc:
        raise ConfigError(f"--restore: {exc}") from None
    source = mysqlsource.MySQLSource(
        parsed.host, parsed.port, parsed.username, parsed.password, parsed.database or ""
    )
    if switches_database(dump):
        raise OperationError(
            f"{dump} switches or creates databases (USE / CREATE DATABASE): not restored, "
            "it would write outside the scratch database (dump one database without --databases)"
        )
    client = _client()
    name = PREFIX + secrets.token_hex(6)
    started = time.monotonic()
    server = db.masked_url(url)
    from dataops.anonymize.verify import _readable

    with mysqlsource.option_file(source) as defaults:
        base = [client, f"--defaults-extra-file={defaults}", "--batch"]
        try:
            execute.run([*base, "-e", f"CREATE DATABASE `{name}`"], timeout=120)
        except CommandError as exc:
            raise DependencyError(
                f"--restore: cannot create a scratch database on {server}",
                details=exc.output_tail[-5:],
            ) from None
        try:
            with _readable(dump, "plain") as path:
                execute.run(
                    [*base, "--abort-source-on-error", f"--database={name}", "-e",
                     f"source {path}"],
                    timeout=None,
                )  # fmt: skip
        except CommandError as exc:
            errors = [line for line in exc.output_tail if line.startswith("ERROR")]
            raise OperationError(
                f"the anonymized dump does not restore (scratch database {name} on {server})",
                details=errors or exc.output_tail[-3:],
            ) from None
        finally:
            with contextlib.suppress(CommandError):
                execute.run([*base, "-e", f"DROP DATABASE IF EXISTS `{name}`"], timeout=120)
    return Restored(server, time.monotonic() - started)
