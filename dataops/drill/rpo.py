"""Achieved RPO from the restored data: how old is the newest committed data?

Sources, first that answers wins:

1. ``heartbeat``: the newest ``dataops.heartbeat.beat_at`` in any database (the sidecar
   writes a row every N seconds when enabled; the table is :data:`HEARTBEAT_DDL`);
2. ``commit_timestamp``: ``pg_last_committed_xact()`` when ``track_commit_timestamp`` is on;
3. ``freshness_query``: the user's query from ``checks.yaml`` (``freshness.query``),
   returning one timestamp;
4. ``recovery_log``: PostgreSQL's own "last completed transaction was at log time ..."
   line written at the end of recovery (the newest commit record replayed).

RPO = reference time - newest data time, where the reference is the recovery target
(``--target TIME``), the drill's start (``latest``: what would be lost if the primary
died now) or the backup's end (``--target BACKUP``).  Measure before anything writes
to the restored cluster (amcheck installs an extension).
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import Any

import psycopg

from dataops.drill.checks import Freshness
from dataops.drill.scratch import ScratchServer

HEARTBEAT_SCHEMA = "dataops"
HEARTBEAT_TABLE = "heartbeat"
HEARTBEAT_DDL = (
    "CREATE SCHEMA IF NOT EXISTS dataops;\n"
    "CREATE TABLE IF NOT EXISTS dataops.heartbeat "
    "(source text PRIMARY KEY, beat_at timestamptz NOT NULL DEFAULT now())"
)
HEARTBEAT_UPSERT = (
    "INSERT INTO dataops.heartbeat (source, beat_at) VALUES (%s, now()) "
    "ON CONFLICT (source) DO UPDATE SET beat_at = excluded.beat_at"
)
_LAST_TX = re.compile(r"last completed transaction was at log time (.+?)\s*$")


@dataclass(frozen=True)
class Newest:
    at: dt.datetime
    source: str  # heartbeat | commit_timestamp | freshness_query | recovery_log
    detail: str = ""


def connectable_databases(server: ScratchServer) -> list[str]:
    with server.connect() as conn:
        rows = conn.execute(
            "SELECT datname FROM pg_database WHERE datallowconn AND NOT datistemplate "
            "ORDER BY datname"
        ).fetchall()
    return [str(r[0]) for r in rows]


def _utc(value: Any) -> dt.datetime | None:
    if isinstance(value, dt.datetime):
        return value if value.tzinfo else value.replace(tzinfo=dt.UTC)
    if isinstance(value, dt.date):
        return dt.datetime(value.year, value.month, value.day, tzinfo=dt.UTC)
    return None


def heartbeat(server: ScratchServer, databases: list[str]) -> Newest | None:
    best: Newest | None = None
    for name in databases:
        with server.connect(name) as conn:
            row = conn.execute(
                "SELECT to_regclass(%s) IS NOT NULL", (f"{HEARTBEAT_SCHEMA}.{HEARTBEAT_TABLE}",)
            ).fetchone()
            if not row or not row[0]:
                continue
            beat = conn.execute("SELECT max(beat_at) FROM dataops.heartbeat").fetchone()
        at = _utc(beat[0]) if beat else None
        if at is not None and (best is None or at > best.at):
            best = Newest(at, "heartbeat", f"dataops.heartbeat in database {name}")
    return best


def commit_timestamp(server: ScratchServer) -> Newest | None:
    with server.connect() as conn:
        row = conn.execute("SELECT current_setting('track_commit_timestamp')").fetchone()
        if not row or row[0] != "on":
            return None
        last = conn.execute("SELECT timestamp FROM pg_last_committed_xact()").fetchone()
    at = _utc(last[0]) if last else None
    return Newest(at, "commit_timestamp", "pg_last_committed_xact()") if at else None


def freshness_query(server: ScratchServer, freshness: Freshness) -> Newest | None:
    with server.connect(freshness.database) as conn:
        conn.execute(f"SET statement_timeout = {int(freshness.timeout * 1000)}")
        row = conn.execute(freshness.query).fetchone()
    if not row:
        return None
    at = _utc(row[0])
    if at is None and row[0] is not None:
        raise ValueError(f"the freshness query returned {row[0]!r}, not a timestamp")
    return (
        Newest(at, "freshness_query", f"checks.yaml freshness query on {freshness.database}")
        if at
        else None
    )


def recovery_log(lines: list[str]) -> Newest | None:
    for line in reversed(lines):
        match = _LAST_TX.search(line)
        if match:
            text = match.group(1).strip()
            # PostgreSQL prints e.g. "2026-11-30 07:40:01.123456+00"
            if re.search(r"[+-]\d\d$", text):
                text += ":00"
            try:
                at = _utc(dt.datetime.fromisoformat(text))
            except ValueError:
                return None
            return (
                Newest(at, "recovery_log", "last completed transaction (server log)")
                if at
                else None
            )
    return None


def newest_data(
    server: ScratchServer, freshness: Freshness | None, log_lines: list[str]
) -> Newest | None:
    """The newest committed data in the restored cluster, from the best available source."""
    databases = connectable_databases(server)
    found = heartbeat(server, databases)
    if found is None:
        found = commit_timestamp(server)
    if found is None and freshness is not None:
        try:
            found = freshness_query(server, freshness)
        except (psycopg.Error, ValueError) as exc:
            raise FreshnessError(str(exc).strip()) from None
    if found is None:
        found = recovery_log(log_lines)
    return found


class FreshnessError(Exception):
    pass
