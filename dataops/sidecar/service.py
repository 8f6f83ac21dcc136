"""``dataops serve``: the sidecar process.

Start: state file replayed into the metrics -> optional ``migrate up`` -> HTTP server ->
APScheduler 3 (thread pool; ``max_instances=1``, ``coalesce``, a real
``misfire_grace_time``, jitter) -> in the background, "last success" of every backup
kind read back from the repositories, then every overdue job scheduled once, soon.
SIGTERM/SIGINT: stop scheduling, let running jobs finish within DATAOPS_SHUTDOWN_GRACE,
end their process groups, write the state, exit 0.
"""

from __future__ import annotations

import datetime as dt
import logging
import random
import threading
import time
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from dataops import __version__
from dataops.errors import ConfigError, DataopsError
from dataops.execute import SignalGuard
from dataops.metrics import Metrics
from dataops.sidecar import logctx
from dataops.sidecar.config import JobConfig, SidecarConfig, load_config
from dataops.sidecar.jobs import JOBS, Job
from dataops.sidecar.jobs.base import FAILED, SUCCESS, Outcome, run_key
from dataops.sidecar.runner import Runner, new_run_id
from dataops.sidecar.schedule import Schedule
from dataops.sidecar.state import RunRecord, StateStore

if TYPE_CHECKING:
    from pathlib import Path

    from prometheus_client import CollectorRegistry

    from dataops.config.settings import Settings

log = logging.getLogger("dataops.sidecar")


def job_specs() -> dict[str, Any]:
    return {name: cls.spec() for name, cls in JOBS.items()}


def load_sidecar_config(settings: Settings, path: Path | None = None) -> SidecarConfig:
    return load_config(path or settings.sidecar_config, job_specs())


@dataclass(frozen=True)
class Entry:
    """One scheduled run key: a job and its variant with the variant's schedule."""

    job: str
    variant: str
    schedule: Schedule

    @property
    def key(self) -> str:
        return run_key(self.job, self.variant)


def _utc(value: float | None) -> dt.datetime | None:
    return dt.datetime.fromtimestamp(value, dt.UTC) if value else None


class Sidecar:
    def __init__(
        self,
        settings: Settings,
        config: SidecarConfig,
        *,
        registry: CollectorRegistry | None = None,
    ) -> None:
        self.settings = settings
        self.config = config
        self.metrics = Metrics(registry)
        self.state = StateStore(settings.state_dir).open()
        self.started = time.time()
        self.jobs: dict[str, Job] = {}
        self.missing: dict[str, str] = {}
        for name, cls in JOBS.items():
            job_config = config.jobs.get(name) or JobConfig(
                name, False, None, cls.default_timeout, 0.0, 0.0
            )
            self.jobs[name] = cls(job_config, config.targets, settings)
            if job_config.enabled:
                reason = cls.missing_feature()
                if reason:
                    self.missing[name] = reason
        self.runner = Runner(settings, config, self.jobs, self.metrics, self.state, self.missing)
        self.scheduler: Any = None
        self.stop_event = threading.Event()
        self.refreshed = threading.Event()
        self.migrated: dict[str, Any] | None = None
        self._catch_up: dict[str, float] = {}
        for name, job in self.jobs.items():
            scheduled = job.config.enabled and name not in self.missing
            self.metrics.declare_job(name, enabled=scheduled)
            if scheduled:
                job.declare(self.metrics)

    # ------------------------------------------------------------------- schedule
    def entries(self) -> list[Entry]:
        out = []
        for name, job in self.jobs.items():
            if not job.config.enabled or name in self.missing:
                continue
            if job.config.schedule is not None:
                variant = "full" if job.incremental else ""
                out.append(Entry(name, variant, job.config.schedule))
            if job.config.incremental_schedule is not None:
                out.append(Entry(name, "incremental", job.config.incremental_schedule))
        return out

    def replay_state(self) -> None:
        """Metrics from the state file: each key's last success, then its last attempt.

        A job's ``last_run`` metrics come from its newest run that ended in success or
        failure, over every variant, as the runner sets them: a success only seen in a
        repository listing, a skipped or an interrupted run is no run result.
        """
        newest: dict[str, RunRecord] = {}
        for key, record in self.state.all().items():
            name, _, variant = key.partition(":")
            job = self.jobs.get(name)
            if job is None or not job.config.enabled or name in self.missing:
                continue
            if record.last_success:
                started = record.last_success
                if record.last_result == SUCCESS and record.last_attempt == record.last_success:
                    started = record.last_started or started  # the run's real duration
                job.record(
                    self.metrics,
                    Outcome(name, variant, "", SUCCESS, started, record.last_success,
                            facts=record.facts),
                    replay=True,
                )  # fmt: skip
            if record.last_attempt and record.last_result == FAILED:
                failure = record.facts.get("last_failure", {})
                job.record(
                    self.metrics,
                    Outcome(name, variant, record.last_run_id or "", record.last_result,
                            record.last_started or record.last_attempt, record.last_attempt,
                            record.last_error, facts=failure),
                    replay=True,
                )  # fmt: skip
            if record.last_attempt and record.last_result in (SUCCESS, FAILED):
                known = newest.get(name)
                if known is None or (known.last_attempt or 0) < record.last_attempt:
                    newest[name] = record
        for name, record in newest.items():
            self.metrics.job_last_run.labels(name).set(record.last_attempt or 0)
            self.metrics.job_last_run_success.labels(name).set(
                1 if record.last_result == SUCCESS else 0
            )

    def refresh_from_repositories(self) -> None:
        """Read "last success" of every backup kind back from the repositories."""
        for name, job in self.jobs.items():
            if not job.config.enabled or name in self.missing:
                continue
            try:
                with logctx.run_context(name, "refresh-" + new_run_id()):
                    found = job.refresh(self.settings)
            except DataopsError as exc:
                log.warning("refresh.failed", extra={"job": name, "error": exc.render()})
                continue
            except Exception:
                log.error("refresh.internal_error", extra={"job": name}, exc_info=True)
                continue
            for item in found:
                job.record_refresh(self.metrics, item)
                if item.when <= 0:
                    continue
                key = run_key(name, item.variant)
                record = self.state.get(key)
                if record.last_success is None or item.when > record.last_success:
                    record.last_success = item.when
                    record.facts = {**record.facts, **item.facts}
                    if record.last_attempt is None or item.when > record.last_attempt:
                        record.last_attempt = item.when
                    self.state.update(key, record)
                    log.info(
                        "refresh.last_success",
                        extra={"job": name, "variant": item.variant or None, "at": item.when},
                    )

    def schedule_overdue(self) -> list[str]:
        """Run each overdue run key once, ``overdue_delay`` (+ jitter) from now.

        They run one after the other in the order of :attr:`Job.order` (backups, then
        retention and verification, then drills), so that on a fresh install a check or a
        drill never runs before the first backup exists.
        """
        now = dt.datetime.now(dt.UTC)
        due: list[Entry] = []
        for entry in self.entries():
            if self.jobs[entry.job].run_at_start:
                continue
            record = self.state.get(entry.key)
            last = record.last_attempt or record.last_success
            if entry.schedule.overdue(_utc(last), now):
                due.append(entry)
        keys = [e.key for e in due]
        due = [
            e
            for e in due
            # the full backup runs: an incremental right after it is pointless
            if not (e.variant == "incremental" and run_key(e.job, "full") in keys)
        ]
        due.sort(key=lambda e: (self.jobs[e.job].order, e.variant == "incremental"))
        if not due:
            return []
        jitter = max(self.jobs[e.job].config.jitter for e in due)
        delay = self.config.overdue_delay + random.uniform(0, jitter)
        run_date = now + dt.timedelta(seconds=delay)
        self._catch_up = {e.key: run_date.timestamp() for e in due}
        self.scheduler.add_job(
            self._run_catch_up,
            "date",
            run_date=run_date,
            args=[due],
            id="overdue",
            misfire_grace_time=None,
            replace_existing=True,
        )
        log.info("jobs.overdue", extra={"jobs": [e.key for e in due],
                                        "in_seconds": round(delay, 1)})  # fmt: skip
        return [e.key for e in due]

    def _run_catch_up(self, due: list[Entry]) -> None:
        for entry in due:
            if self.stop_event.is_set():
                return
            self.runner.run(entry.job, entry.variant, trigger="overdue")
            self._catch_up.pop(entry.key, None)

    def start_scheduler(self) -> None:
        from apscheduler.executors.pool import ThreadPoolExecutor
        from apscheduler.schedulers.background import BackgroundScheduler

        self.scheduler = BackgroundScheduler(
            executors={"default": ThreadPoolExecutor(max_workers=len(self.jobs) + 4)},
            job_defaults={"coalesce": True, "max_instances": 1},
            timezone=dt.UTC,
        )
        for entry in self.entries():
            job = self.jobs[entry.job]
            self.scheduler.add_job(
                self.runner.run,
                entry.schedule.trigger(job.config.jitter),
                args=[entry.job, entry.variant],
                id=entry.key,
                name=entry.key,
                coalesce=True,
                max_instances=1,
                misfire_grace_time=max(int(job.config.misfire_grace_time), 1),
                **({"next_run_time": dt.datetime.now(dt.UTC)} if job.run_at_start else {}),
            )
        logging.getLogger("apscheduler").setLevel(logging.WARNING)
        self.scheduler.start()

    def next_run(self, key: str) -> float | None:
        if self.scheduler is None:
            return None
        times = []
        aps_job = self.scheduler.get_job(key)
        if aps_job is not None and aps_job.next_run_time is not None:
            times.append(aps_job.next_run_time.timestamp())
        if key in self._catch_up:  # overdue: runs at this time, or after the ones before it
            times.append(self._catch_up[key])
        return min(times) if times else None

    def scheduler_alive(self) -> bool:
        if self.scheduler is None or not self.scheduler.running:
            return False
        thread = getattr(self.scheduler, "_thread", None)
        return thread is None or bool(thread.is_alive())

    def trigger(self, name: str, variant: str, run_id: str) -> None:
        """Run a job now in the scheduler's pool (the admin endpoint)."""
        self.scheduler.add_job(
            self.runner.run,
            "date",
            args=[name, variant],
            kwargs={"trigger": "api", "run_id": run_id},
            id=f"api:{run_id}",
            misfire_grace_time=None,
        )

    # ----------------------------------------------------------------- lifecycle
    def _startup_background(self) -> None:
        try:
            self.refresh_from_repositories()
        finally:
            self.refreshed.set()
        if not self.stop_event.is_set():
            self.schedule_overdue()

    def migrate_at_start(self) -> None:
        from dataops.sidecar.migrate_start import migrate_up

        log.info("migrate.start")
        self.migrated = migrate_up(self.settings)
        log.info("migrate.done", extra=self.migrated)

    def serve(self) -> int:
        from dataops.sidecar.http import start_http

        self.replay_state()
        if self.config.migrate_at_start:
            self.migrate_at_start()
        server = start_http(self, self.settings.http_addr)
        with SignalGuard(self._on_signal):  # SIGTERM/SIGINT: stop gracefully
            try:
                self.start_scheduler()
                log.info(
                    "sidecar.started",
                    extra={
                        "version": __version__,
                        "http": self.settings.http_addr,
                        "jobs": [e.key for e in self.entries()],
                        "not_installed": sorted(self.missing),
                        "config": self.config.source,
                    },
                )
                threading.Thread(
                    target=self._startup_background, name="startup", daemon=True
                ).start()
                while not self.stop_event.wait(1.0):
                    pass
                log.info("sidecar.stopping", extra={"grace_seconds": self.settings.shutdown_grace})
                self.scheduler.shutdown(wait=False)
                self.runner.stop(self.settings.shutdown_grace)
            finally:
                server.shutdown()
                server.server_close()
        log.info("sidecar.stopped")
        return 0

    def _on_signal(self, signum: int) -> None:
        self.runner.stopping.set()
        self.stop_event.set()


def build(settings: Settings, config_path: Path | None = None) -> Sidecar:
    config = load_sidecar_config(settings, config_path)
    if not config.enabled():
        log.warning("sidecar.no_jobs", extra={"config": config.source})
    return Sidecar(settings, config)


__all__ = ["ConfigError", "Sidecar", "build", "load_sidecar_config"]
