"""Where external programs live: PATH, settings overrides and PostgreSQL's versioned bin dirs."""

from __future__ import annotations

import glob
import os
import shutil
from pathlib import Path

from dataops.errors import ToolNotFoundError

PG_TOOLS = frozenset(
    {"postgres", "pg_ctl", "initdb", "pg_dump", "pg_restore", "psql", "pg_controldata", "pgbench"}
)


def pg_bin_dirs(override: Path | None = None) -> list[Path]:
    """Candidate PostgreSQL bin directories, newest major version first.

    ``override`` is ``Settings.pg_bin_dir`` (``DATAOPS_PG_BIN_DIR``): callers pass it.
    """
    dirs: list[Path] = []
    if override:
        dirs.append(Path(override))
    found = glob.glob("/usr/lib/postgresql/*/bin")
    found.sort(key=lambda p: int(Path(p).parent.name) if Path(p).parent.name.isdigit() else 0)
    dirs.extend(Path(p) for p in reversed(found))
    return dirs


def find(name: str, override: str | None = None, pg_bin_dir: Path | None = None) -> str:
    """Absolute path of a tool; ``override`` (a path or a name) wins."""
    if override:
        if os.sep in override:
            if Path(override).is_file() and os.access(override, os.X_OK):
                return override
            raise ToolNotFoundError(f"{name}: {override} is not an executable file")
        name = override
    if name in PG_TOOLS:
        for directory in pg_bin_dirs(pg_bin_dir):
            candidate = directory / name
            if candidate.is_file() and os.access(candidate, os.X_OK):
                return str(candidate)
    found = shutil.which(name)
    if found:
        return found
    raise ToolNotFoundError(f"{name}: not found on PATH")
