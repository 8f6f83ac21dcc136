"""``dataops doctor``: is everything that is configured reachable and installed?"""

from __future__ import annotations

import logging
import secrets
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Literal

from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError

from dataops import db, tools
from dataops.backup.objstore import ObjectStore, StorageConfig
from dataops.config.settings import Settings
from dataops.errors import DataopsError
from dataops.execute import tool_version
from dataops.log import redact

log = logging.getLogger(__name__)

Status = Literal["ok", "failed", "missing", "skipped"]

TOOLS = ("pg_dump", "pg_restore", "psql", "postgres", "wal-g", "pgbackrest", "borg", "mysqldump")


@dataclass
class Check:
    name: str
    kind: Literal["database", "storage", "tool", "engine"]
    status: Status
    detail: str
    required: bool = False


@dataclass
class DoctorReport:
    checks: list[Check] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not any(c.status in ("failed", "missing") and c.required for c in self.checks)

    def as_dict(self) -> dict[str, object]:
        return {"ok": self.ok, "checks": [asdict(c) for c in self.checks]}


def _sql_error(exc: SQLAlchemyError) -> str:
    orig = getattr(exc, "orig", None) or exc
    first = str(orig).strip().splitlines()[0] if str(orig).strip() else type(orig).__name__
    return redact(first)


def check_database(settings: Settings) -> Check:
    url = settings.database_url_value
    if not url:
        return Check("database", "database", "skipped", "DATAOPS_DATABASE_URL not set")
    where = db.masked_url(url)
    try:
        engine = db.engine(url)
        path = engine.url.database
        local = engine.dialect.name == "sqlite" and path and path != ":memory:"
        if local and not Path(str(path)).is_file():  # connecting would create an empty one
            engine.dispose()
            return Check("database", "database", "failed", f"{where}: no such file", True)
        with engine.connect() as conn:
            backend = engine.dialect.name
            if backend == "sqlite":
                version = "SQLite " + str(conn.execute(text("select sqlite_version()")).scalar())
                conn.execute(text("select count(*) from sqlite_master"))  # a database at all?
            else:
                version = str(conn.execute(text("select version()")).scalar())
        engine.dispose()
    except SQLAlchemyError as exc:
        return Check(
            "database", "database", "failed", f"{where} unreachable: {_sql_error(exc)}", True
        )
    return Check("database", "database", "ok", f"{where}: {version.split(' on ')[0]}", True)


def check_storage(settings: Settings) -> Check:
    if not settings.s3_bucket:
        return Check("object storage", "storage", "skipped", "DATAOPS_S3_BUCKET not set")
    config = StorageConfig.from_settings(settings)
    where = f"{config.endpoint or 'aws'} {config.url()}"
    store = ObjectStore(config, timeout=5)
    probe = f".dataops-doctor-{secrets.token_hex(6)}"
    try:
        store.check_bucket()
        store.put(probe, b"dataops doctor probe\n")
        store.delete(probe)
    except DataopsError as exc:
        return Check("object storage", "storage", "failed", redact(f"{where}: {exc.message}"), True)
    return Check(
        "object storage", "storage", "ok", f"{where}: bucket exists, write+delete ok", True
    )


def check_tool(name: str, settings: Settings) -> Check:
    configured = {"wal-g": settings.walg_bin, "pgbackrest": settings.pgbackrest_bin}.get(name)
    override = configured if configured not in (None, name) else None
    try:
        path = tools.find(name, override, settings.pg_bin_dir)
        # pgBackRest has no --version option (exit 31): its `version` command
        version = tool_version([path, "version" if name == "pgbackrest" else "--version"])
    except DataopsError as exc:
        return Check(name, "tool", "missing", exc.message, required=override is not None)
    return Check(name, "tool", "ok", f"{version} ({path})")


def check_backup_engine(settings: Settings) -> Check:
    """The PostgreSQL backup engine (DATAOPS_PG_BACKUP_ENGINE): version, repository reachable.

    Required when PostgreSQL backups are configured (DATAOPS_PG_DATA set)."""
    from dataops.backup.engine import engine_name, open_engine

    name = "backup engine"
    if not settings.s3_bucket:
        return Check(name, "engine", "skipped", "DATAOPS_S3_BUCKET not set")
    required = settings.pg_data is not None
    try:
        engine = open_engine(settings)
    except DataopsError as exc:
        return Check(name, "engine", "failed", redact(exc.message), True)
    try:
        version = engine.version()
    except DataopsError as exc:
        detail = f"{engine_name(settings)}: {exc.message}"
        return Check(name, "engine", "missing", redact(detail), required)
    try:
        engine.check_storage()
    except DataopsError as exc:
        detail = f"{engine.name} ({version}): repository {engine.where} unreachable: {exc.message}"
        return Check(name, "engine", "failed", redact(detail), True)
    return Check(
        name, "engine", "ok", f"{engine.name} ({version}): repository {engine.where} reachable"
    )


def doctor(settings: Settings) -> DoctorReport:
    """Run every check; the report says which configured parts are unreachable."""
    report = DoctorReport()
    report.checks.append(check_database(settings))
    report.checks.append(check_storage(settings))
    report.checks.append(check_backup_engine(settings))
    report.checks.extend(check_tool(name, settings) for name in TOOLS)
    for check in report.checks:
        log.info("doctor.check", extra={"check": check.name, "status": check.status})
    return report
