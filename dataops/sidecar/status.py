"""The facts behind ``/status`` (JSON), ``/`` (HTML) and ``dataops jobs list``."""

from __future__ import annotations

import datetime as dt
import threading
import time
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from dataops import __version__

if TYPE_CHECKING:
    from dataops.config.settings import Settings
    from dataops.sidecar.state import RunRecord
    from dataops.sidecar.view import SidecarView


def iso(value: float | None) -> str | None:
    if not value:
        return None
    return (
        dt.datetime.fromtimestamp(value, dt.UTC)
        .isoformat(timespec="seconds")
        .replace("+00:00", "Z")
    )


def _record(key: str, record: RunRecord, next_run: float | None) -> dict[str, Any]:
    return {
        "key": key,
        "last_attempt": iso(record.last_attempt),
        "last_success": iso(record.last_success),
        "last_duration_seconds": record.last_duration,
        "last_result": record.last_result,
        "last_error": record.last_error,
        "last_run_id": record.last_run_id,
        "next_run": iso(next_run),
        "runs": record.runs,
    }


def job_state(sidecar: SidecarView, name: str) -> str:
    job = sidecar.jobs[name]
    if not job.config.enabled:
        return "disabled"
    if name in sidecar.missing:
        return "not_installed"
    if sidecar.runner.is_running(name):
        return "running"
    return "scheduled"


def status(sidecar: SidecarView) -> dict[str, Any]:
    records = sidecar.state.all()
    running = sidecar.runner.running()
    jobs = []
    for name, job in sidecar.jobs.items():
        keys = [f"{name}:{v}" if v else name for v in job.variants()] if job.config.enabled else []
        keys += [k for k in records if k.partition(":")[0] == name and k not in keys]
        current = running.get(name)
        jobs.append(
            {
                "name": name,
                "summary": job.summary,
                "state": job_state(sidecar, name),
                "reason": sidecar.missing.get(name),
                "heavy": job.heavy,
                "schedule": job.config.schedule.text if job.config.schedule else None,
                "incremental_schedule": (
                    job.config.incremental_schedule.text
                    if job.config.incremental_schedule
                    else None
                ),
                "timeout_seconds": job.config.timeout,
                "running": (
                    {
                        "run_id": current.run_id,
                        "variant": current.variant or None,
                        "started": iso(current.started),
                        "trigger": current.trigger,
                    }
                    if current
                    else None
                ),
                "runs": [_record(k, records.get(k) or _empty(), sidecar.next_run(k)) for k in keys],
            }
        )
    backups = []
    for key, record in sorted(records.items()):
        facts = record.facts
        name = key.partition(":")[0]
        if name not in ("pg_backup", "files_backup"):
            continue
        backups.append(
            {
                "key": key,
                "type": facts.get("type") or key.partition(":")[2] or "archive",
                "last_success": iso(record.last_success),
                "last_backup": facts.get("backup"),
                "size_bytes": facts.get("size_bytes"),
                "backup_count": facts.get("backup_count"),
                "recoverability_start": iso(facts.get("recoverability_start")),
            }
        )
    drills = {}
    for name in ("drill_pg", "drill_files"):
        drill_record = records.get(name)
        if drill_record is None:
            continue
        facts = drill_record.facts
        last_failure = facts.get("last_failure") or {}
        drills[name] = {
            "last_result": drill_record.last_result,
            "last_success": iso(drill_record.last_success),
            "rto_seconds": facts.get("rto_seconds", last_failure.get("rto_seconds")),
            "rpo_seconds": facts.get("rpo_seconds", last_failure.get("rpo_seconds")),
        }
    wal = records.get("pg_archiver")
    return {
        "version": __version__,
        "started": iso(sidecar.started),
        "now": iso(time.time()),
        "config": sidecar.config.source,
        "stopping": sidecar.stop_event.is_set(),
        "refreshed": sidecar.refreshed.is_set(),
        "jobs": jobs,
        "backups": backups,
        "drills": drills,
        "wal_archive": (
            {
                "last_archived_time": iso(wal.facts.get("last_archived_time")),
                "last_archived_wal": wal.facts.get("last_archived_wal"),
                "pending_segments": wal.facts.get("pending_segments"),
                "failing": wal.facts.get("failing"),
                "last_poll": iso(wal.last_attempt),
                "last_poll_result": wal.last_result,
            }
            if wal
            else None
        ),
    }


def _empty() -> RunRecord:
    from dataops.sidecar.state import RunRecord

    return RunRecord()


@dataclass
class Check:
    name: str
    ok: bool
    detail: str


class Readiness:
    """Database and object storage reachable (cached for a few seconds)."""

    TTL = 5.0

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self._lock = threading.Lock()
        self._at = 0.0
        self._checks: list[Check] = []

    def checks(self) -> list[Check]:
        with self._lock:
            if time.monotonic() - self._at > self.TTL:
                self._checks = self._run()
                self._at = time.monotonic()
            return list(self._checks)

    def _run(self) -> list[Check]:
        out = [Check("config", True, "valid")]
        if self.settings.database_url is not None:
            out.append(self._database())
        if self.settings.s3_bucket:
            out.append(self._storage())
        return out

    def _database(self) -> Check:
        from sqlalchemy import text

        from dataops import db

        url = self.settings.database_url_value or ""
        try:
            engine = db.engine(url, connect_args=_connect_timeout(url), pool_pre_ping=False)
            try:
                with engine.connect() as conn:
                    conn.execute(text("select 1"))
            finally:
                engine.dispose()
        except Exception as exc:  # any driver error means "not reachable"
            return Check("database", False, type(exc).__name__)
        return Check("database", True, "reachable")

    def _storage(self) -> Check:
        from dataops.backup.objstore import ObjectStore, StorageConfig
        from dataops.errors import DataopsError

        try:
            ObjectStore(StorageConfig.from_settings(self.settings), timeout=3.0).check_bucket()
        except DataopsError as exc:
            return Check("object_storage", False, exc.message)
        return Check("object_storage", True, "reachable")


def _connect_timeout(url: str) -> dict[str, Any]:
    if url.startswith("postgresql"):
        return {"connect_timeout": 3}
    if url.startswith("mysql"):
        return {"connect_timeout": 3}
    return {}
