"""``--source mysql://…``: run ``mariadb-dump`` (or ``mysqldump``) and anonymize its output.

The schema is dumped first (``--no-data``, small) so that every constraint is known
before any row is read; then the full dump streams through the mysql engine -- an
unmasked dump never touches the disk.  The password reaches the dump tool through a
0600 option file given as ``--defaults-extra-file`` (removed afterwards), never argv
or logs.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from dataops import db, tools
from dataops.errors import ConfigError, ToolNotFoundError

DUMP_TOOLS = ("mariadb-dump", "mysqldump")


@dataclass(frozen=True)
class MySQLSource:
    host: str | None
    port: int | None
    user: str | None
    password: str | None
    database: str


def parse_source(url: str) -> MySQLSource:
    """A ``mysql://`` / ``mariadb://`` URL -> its parts (ConfigError without echoing it)."""
    try:
        parsed = db.parse(url)
    except ValueError as exc:
        raise ConfigError(f"--source: {exc}") from None
    if not parsed.database:
        raise ConfigError("--source: the mysql:// URL must name a database (mysql://host/db)")
    return MySQLSource(parsed.host, parsed.port, parsed.username, parsed.password, parsed.database)


def _option_value(value: str) -> str:
    escaped = value.replace("\\", "\\\\").replace('"', '\\"')
    return f'"{escaped}"'


@contextlib.contextmanager
def option_file(source: MySQLSource) -> Iterator[Path]:
    """A 0600 ``[client]`` option file with the connection settings; removed on exit."""
    lines = ["[client]"]
    if source.host:
        lines.append(f"host={_option_value(source.host)}")
        if source.host not in ("localhost",):
            lines.append("protocol=TCP")
    if source.port:
        lines.append(f"port={source.port}")
    if source.user:
        lines.append(f"user={_option_value(source.user)}")
    if source.password is not None:
        lines.append(f"password={_option_value(source.password)}")
    fd, name = tempfile.mkstemp(prefix="dataops-my-", suffix=".cnf")
    path = Path(name)
    try:
        os.fchmod(fd, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write("\n".join(lines) + "\n")
        yield path
    finally:
        path.unlink(missing_ok=True)


def find_dump_tool() -> str:
    for name in DUMP_TOOLS:
        with contextlib.suppress(ToolNotFoundError):
            return tools.find(name)
    raise ToolNotFoundError("mariadb-dump / mysqldump: not found on PATH")


def dump_argv(tool: str, options: Path, database: str, *, schema_only: bool = False) -> list[str]:
    """The dump command: consistent (``--single-transaction``), routines and triggers,
    binary columns as hex; ``--defaults-extra-file`` must come first."""
    argv = [
        tool,
        f"--defaults-extra-file={options}",
        "--single-transaction",
        "--routines",
        "--triggers",
        "--hex-blob",
    ]
    if schema_only:
        argv.append("--no-data")
    argv += ["--", database]
    return argv
