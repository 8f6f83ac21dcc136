"""Is the restored data sound? ``pg_amcheck --all --heapallindexed`` and every table read.

``pg_amcheck`` needs the ``amcheck`` extension in each database: the drill installs it
with ``--install-missing`` into the scratch copy only (it is thrown away afterwards; the
production databases are never touched).  "Every table readable" is ``pg_dump`` of each
connectable database to ``/dev/null``: it reads every row of every table (and TOAST).
"""

from __future__ import annotations

import logging

from dataops import execute
from dataops.drill.report import CheckFailed
from dataops.drill.scratch import ScratchServer, pg_program, run_as
from dataops.errors import CommandError

log = logging.getLogger(__name__)

AMCHECK_MIN_MAJOR = 14


def _libpq(server: ScratchServer, dbname: str = "postgres") -> dict[str, str]:
    return {
        "PGHOST": str(server.socket_dir),
        "PGPORT": str(server.port),
        "PGUSER": server.superuser or server.owner,
        "PGDATABASE": dbname,
        "PGAPPNAME": "dataops-drill",
    }


def amcheck(server: ScratchServer, timeout: float) -> str:
    """Run pg_amcheck over every database; a corruption report fails the check."""
    if server.major is not None and server.major < AMCHECK_MIN_MAJOR:
        raise CheckFailed(f"pg_amcheck needs PostgreSQL >= 14 (the cluster is {server.major})")
    program = pg_program("pg_amcheck", server.settings, server.major)
    try:
        result = execute.run(
            [
                program,
                "--all",
                "--heapallindexed",
                "--install-missing",
                "--no-strict-names",
                "--jobs",
                "2",
            ],
            env=_libpq(server),
            capture=True,
            timeout=timeout,
            user=run_as(server.owner),
        )
    except CommandError as exc:
        raise CheckFailed(
            "pg_amcheck reported corruption or could not check every relation"
            if exc.returncode
            else exc.message,
            list(exc.output_tail),
        ) from None
    out = (result.stdout or b"").decode("utf-8", "replace").strip()
    if out:  # pg_amcheck prints nothing when every relation is sound
        raise CheckFailed("pg_amcheck reported problems", out.splitlines()[:20])
    return "pg_amcheck --all --heapallindexed: no corruption"


def tables_readable(server: ScratchServer, databases: list[str], timeout: float) -> str:
    program = pg_program("pg_dump", server.settings, server.major)
    for name in databases:
        try:
            execute.run(
                [program, "--no-sync", "-f", "/dev/null"],
                env=_libpq(server, name),
                timeout=timeout,
                user=run_as(server.owner),
            )
        except CommandError as exc:
            raise CheckFailed(
                f"database {name}: a table cannot be read", list(exc.output_tail)
            ) from None
    return f"pg_dump read every table of {len(databases)} database(s): {', '.join(databases)}"
