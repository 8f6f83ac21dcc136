"""The ``dataops_migrations`` history table (golang-migrate ignores it).

One row per attempt: version (or Alembic revision), direction, the file's sha256,
start and finish (UTC), duration in seconds, host, outcome and error.  Directions:
``up``, ``down``, ``force``, ``baseline`` (a version found applied by another tool,
adopted with the file's current checksum) and ``accept`` (checksums re-recorded by
``verify --accept``).  Outcomes: ``running``, ``success``, ``failed``, ``cancelled``.
"""

from __future__ import annotations

import datetime as dt
import socket
import uuid
from dataclasses import dataclass
from typing import Any

from dataops.migrate.version_table import Executor

TABLE = "dataops_migrations"
APPLIED_DIRECTIONS = frozenset({"up", "baseline", "accept"})
OK_OUTCOMES = ("success",)


@dataclass
class Record:
    version: int | None
    name: str
    direction: str
    sha256: str | None
    started_at: dt.datetime
    finished_at: dt.datetime | None = None
    duration: float | None = None
    host: str = ""
    outcome: str = "running"
    error: str | None = None
    tool: str = "migrate"
    revision: str | None = None
    run_id: str = ""

    def as_dict(self) -> dict[str, Any]:
        return {
            "version": self.version,
            "revision": self.revision,
            "name": self.name,
            "direction": self.direction,
            "sha256": self.sha256,
            "started_at": self.started_at.isoformat() if self.started_at else None,
            "finished_at": self.finished_at.isoformat() if self.finished_at else None,
            "duration": self.duration,
            "host": self.host,
            "outcome": self.outcome,
            "error": self.error,
            "tool": self.tool,
        }


def now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def hostname() -> str:
    return socket.gethostname()


def create_sql(ex: Executor) -> str:
    name = ex.qualified(TABLE)
    if ex.dialect == "postgresql":
        ident, ts, text = "bigserial PRIMARY KEY", "timestamptz", "text"
    elif ex.dialect == "mysql":
        ident, ts, text = "bigint NOT NULL AUTO_INCREMENT PRIMARY KEY", "datetime(6)", "text"
    else:
        ident, ts, text = "INTEGER PRIMARY KEY AUTOINCREMENT", "text", "text"
    return (
        f"CREATE TABLE IF NOT EXISTS {name} ("
        f"id {ident}, "
        "run_id varchar(32) NOT NULL, "
        "tool varchar(16) NOT NULL, "
        "version bigint NULL, "
        "revision varchar(255) NULL, "
        "name varchar(512) NOT NULL, "
        "direction varchar(16) NOT NULL, "
        "sha256 char(64) NULL, "
        f"started_at {ts} NOT NULL, "
        f"finished_at {ts} NULL, "
        "duration double precision NULL, "
        "host varchar(255) NOT NULL, "
        "outcome varchar(16) NOT NULL, "
        f"error {text} NULL)"
    )


def ensure(ex: Executor) -> None:
    if not ex.table_exists(TABLE):
        ex.query(create_sql(ex))


def _ts(ex: Executor, value: dt.datetime | None) -> Any:
    if value is None:
        return None
    if ex.dialect == "postgresql":
        return value
    if ex.dialect == "mysql":
        return value.astimezone(dt.UTC).replace(tzinfo=None)
    return value.astimezone(dt.UTC).isoformat()


def _from_db(value: Any) -> dt.datetime | None:
    if value is None:
        return None
    if isinstance(value, str):
        value = dt.datetime.fromisoformat(value)
    assert isinstance(value, dt.datetime)
    return value if value.tzinfo else value.replace(tzinfo=dt.UTC)


_COLUMNS = (
    "run_id, tool, version, revision, name, direction, sha256, started_at, finished_at, "
    "duration, host, outcome, error"
)


def insert(ex: Executor, rec: Record) -> Record:
    if not rec.run_id:
        rec.run_id = uuid.uuid4().hex
    if not rec.host:
        rec.host = hostname()
    ex.query(
        f"INSERT INTO {ex.qualified(TABLE)} ({_COLUMNS}) "
        "VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s)",
        (
            rec.run_id,
            rec.tool,
            rec.version,
            rec.revision,
            rec.name,
            rec.direction,
            rec.sha256,
            _ts(ex, rec.started_at),
            _ts(ex, rec.finished_at),
            rec.duration,
            rec.host,
            rec.outcome,
            rec.error,
        ),
    )
    return rec


def finish(ex: Executor, rec: Record, outcome: str, error: str | None = None) -> Record:
    """Set finish time, duration and outcome of a row written with outcome ``running``."""
    rec.finished_at = now()
    rec.duration = round((rec.finished_at - rec.started_at).total_seconds(), 6)
    rec.outcome = outcome
    rec.error = error
    ex.query(
        f"UPDATE {ex.qualified(TABLE)} SET finished_at = %s, duration = %s, outcome = %s, "
        "error = %s WHERE run_id = %s",
        (_ts(ex, rec.finished_at), rec.duration, outcome, error, rec.run_id),
    )
    return rec


def completed(rec: Record, outcome: str = "success", error: str | None = None) -> Record:
    """Fill in the finish fields without writing (for rows inserted complete)."""
    rec.finished_at = now()
    rec.duration = round((rec.finished_at - rec.started_at).total_seconds(), 6)
    rec.outcome = outcome
    rec.error = error
    return rec


def history(ex: Executor, tool: str | None = None) -> list[Record]:
    """Every row, oldest first (empty if the table does not exist)."""
    if not ex.table_exists(TABLE):
        return []
    sql = f"SELECT {_COLUMNS} FROM {ex.qualified(TABLE)}"
    params: tuple[Any, ...] = ()
    if tool:
        sql += " WHERE tool = %s"
        params = (tool,)
    rows = ex.query(sql + " ORDER BY id", params)
    out = []
    for r in rows:
        started = _from_db(r[7])
        assert started is not None
        out.append(
            Record(
                run_id=r[0],
                tool=r[1],
                version=None if r[2] is None else int(r[2]),
                revision=r[3],
                name=r[4],
                direction=r[5],
                sha256=r[6],
                started_at=started,
                finished_at=_from_db(r[8]),
                duration=None if r[9] is None else float(r[9]),
                host=r[10],
                outcome=r[11],
                error=r[12],
            )
        )
    return out


def latest_successful(records: list[Record]) -> dict[int, Record]:
    """Per version, the last successful row that applied or reverted it (force rows ignored)."""
    latest: dict[int, Record] = {}
    for rec in records:
        if rec.version is None or rec.outcome != "success" or rec.direction == "force":
            continue
        latest[rec.version] = rec
    return latest
