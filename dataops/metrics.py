"""Every Prometheus metric of dataops, defined once, on an injectable registry.

Conventions (Prometheus practice for batch jobs): one ``dataops_`` namespace, base units
(seconds, bytes), timestamps rather than ages (alert on ``time() - x > threshold``), no
backup names as labels, and every series that is known in advance exported from the
first scrape (``declare_*``), so that "never succeeded" alerts fire on a fresh install.

A process builds one :class:`Metrics` on its registry (the sidecar: a fresh
``CollectorRegistry``; tests: one per test).
"""

from __future__ import annotations

import platform
from collections.abc import Iterable
from dataclasses import dataclass

from prometheus_client import CollectorRegistry, Counter, Gauge, disable_created_metrics
from prometheus_client.exposition import generate_latest

from dataops import __version__

NAN = float("nan")
BACKUP_LABELS = ("engine", "target", "type")
REPO_LABELS = ("engine", "target")
RESULTS = ("success", "failed")
SKIP_REASONS = ("already_running", "target_locked", "heavy_busy", "not_installed", "shutdown")


@dataclass(frozen=True)
class BackupSeries:
    """One backup kind: ``engine`` (pgbackrest, walg, borg), ``target``, ``type`` (full...)."""

    engine: str
    target: str
    type: str

    def labels(self) -> tuple[str, str, str]:
        return (self.engine, self.target, self.type)


class Metrics:
    """The metric families; one instance per registry."""

    def __init__(self, registry: CollectorRegistry | None = None) -> None:
        disable_created_metrics()  # type: ignore[no-untyped-call]  # no *_created series
        self.registry = registry if registry is not None else CollectorRegistry()
        r = self.registry
        self._last_success: dict[tuple[str, str, str], float] = {}
        # backups (PostgreSQL base backups, files archives)
        self.backup_last_success = Gauge(
            "dataops_backup_last_success_timestamp_seconds",
            "Unix time of the last successful backup of this kind (0: never).",
            BACKUP_LABELS,
            registry=r,
        )
        self.backup_last_attempt = Gauge(
            "dataops_backup_last_attempt_timestamp_seconds",
            "Unix time the last backup attempt of this kind ended (0: never).",
            BACKUP_LABELS,
            registry=r,
        )
        self.backup_last_attempt_success = Gauge(
            "dataops_backup_last_attempt_success",
            "1 if the last backup attempt of this kind succeeded, else 0.",
            BACKUP_LABELS,
            registry=r,
        )
        self.backup_last_duration = Gauge(
            "dataops_backup_last_duration_seconds",
            "Duration of the last backup attempt of this kind.",
            BACKUP_LABELS,
            registry=r,
        )
        self.backup_last_size = Gauge(
            "dataops_backup_last_size_bytes",
            "Size in storage of the last successful backup of this kind.",
            BACKUP_LABELS,
            registry=r,
        )
        self.backup_runs = Counter(
            "dataops_backup_runs",
            "Backup attempts by result.",
            (*BACKUP_LABELS, "result"),
            registry=r,
        )
        self.backups_retained = Gauge(
            "dataops_backups_retained",
            "Backups currently kept in the repository.",
            REPO_LABELS,
            registry=r,
        )
        self.pitr_window_start = Gauge(
            "dataops_pitr_window_start_timestamp_seconds",
            "Earliest point in time a restore can reach (start of the oldest kept backup).",
            REPO_LABELS,
            registry=r,
        )
        # WAL archiving
        self.wal_last_success = Gauge(
            "dataops_wal_archive_last_success_timestamp_seconds",
            "Unix time PostgreSQL last archived a WAL segment (pg_stat_archiver).",
            ("target",),
            registry=r,
        )
        self.wal_failures = Counter(
            "dataops_wal_archive_failures",
            "WAL archive failures seen in pg_stat_archiver since the sidecar started.",
            ("target",),
            registry=r,
        )
        self.wal_pending = Gauge(
            "dataops_wal_archive_pending_segments",
            "Completed WAL segments not archived yet.",
            ("target",),
            registry=r,
        )
        self.wal_poll_success = Gauge(
            "dataops_wal_archive_poll_success",
            "1 if the last pg_stat_archiver poll reached the database, else 0.",
            ("target",),
            registry=r,
        )
        # repository verification and off-site copies
        self.repo_verify_last_success = Gauge(
            "dataops_repo_verify_last_success",
            "1 if the last repository verification passed, else 0.",
            REPO_LABELS,
            registry=r,
        )
        self.repo_verify_last_success_ts = Gauge(
            "dataops_repo_verify_last_success_timestamp_seconds",
            "Unix time of the last passing repository verification (0: never).",
            REPO_LABELS,
            registry=r,
        )
        self.offsite_last_success = Gauge(
            "dataops_offsite_sync_last_success_timestamp_seconds",
            "Unix time of the last off-site copy whose check passed (0: never).",
            ("target",),
            registry=r,
        )
        # restore drills
        self.drill_last_success = Gauge(
            "dataops_drill_last_success_timestamp_seconds",
            "Unix time of the last passing restore drill (0: never).",
            ("drill",),
            registry=r,
        )
        self.drill_last_run_success = Gauge(
            "dataops_drill_last_run_success",
            "1 if the last restore drill passed, else 0.",
            ("drill",),
            registry=r,
        )
        self.drill_last_rto = Gauge(
            "dataops_drill_last_rto_seconds",
            "Recovery time measured by the last drill (restore start to accepting queries).",
            ("drill",),
            registry=r,
        )
        self.drill_last_rpo = Gauge(
            "dataops_drill_last_rpo_seconds",
            "Recovery point measured by the last drill (data lost up to the backup's end).",
            ("drill",),
            registry=r,
        )
        self.drill_rpo_objective = Gauge(
            "dataops_drill_rpo_objective_seconds",
            "The configured recovery point objective of this drill.",
            ("drill",),
            registry=r,
        )
        # jobs
        self.job_running = Gauge(
            "dataops_job_running", "1 while the job runs.", ("job",), registry=r
        )
        self.job_skipped = Counter(
            "dataops_job_skipped",
            "Job runs that did not start, by reason.",
            ("job", "reason"),
            registry=r,
        )
        self.job_last_run_success = Gauge(
            "dataops_job_last_run_success",
            "1 if the job's last run succeeded, else 0.",
            ("job",),
            registry=r,
        )
        self.job_last_run = Gauge(
            "dataops_job_last_run_timestamp_seconds",
            "Unix time the job's last run ended (0: never).",
            ("job",),
            registry=r,
        )
        self.job_enabled = Gauge(
            "dataops_job_enabled",
            "1 if the job is scheduled, 0 if configured off or its feature is not installed.",
            ("job",),
            registry=r,
        )
        self.build_info = Gauge(
            "dataops_build_info",
            "Always 1; the labels carry the dataops and Python versions.",
            ("version", "python"),
            registry=r,
        )
        self.build_info.labels(__version__, platform.python_version()).set(1)

    # series known in advance ----------------------------------------------------
    # "…_success" gauges start as NaN ("no attempt yet"), so `== 0` alerts mean a failure,
    # while timestamps start at 0 ("never"), so "too old" alerts fire on a fresh install.
    def declare_job(self, job: str, *, enabled: bool) -> None:
        self.job_running.labels(job).set(0)
        self.job_last_run_success.labels(job).set(NAN)
        self.job_last_run.labels(job)
        self.job_enabled.labels(job).set(1 if enabled else 0)
        for reason in SKIP_REASONS:
            self.job_skipped.labels(job, reason)

    def declare_backup(self, series: BackupSeries) -> None:
        labels = series.labels()
        for gauge in (
            self.backup_last_success,
            self.backup_last_attempt,
            self.backup_last_duration,
            self.backup_last_size,
        ):
            gauge.labels(*labels)
        self.backup_last_attempt_success.labels(*labels).set(NAN)
        for result in RESULTS:
            self.backup_runs.labels(*labels, result)

    def declare_repo(self, engine: str, target: str) -> None:
        self.backups_retained.labels(engine, target)
        self.pitr_window_start.labels(engine, target)

    def declare_verify(self, engine: str, target: str) -> None:
        self.repo_verify_last_success.labels(engine, target).set(NAN)
        self.repo_verify_last_success_ts.labels(engine, target)

    def declare_wal(self, target: str) -> None:
        self.wal_last_success.labels(target)
        self.wal_failures.labels(target)
        self.wal_pending.labels(target)
        self.wal_poll_success.labels(target).set(NAN)

    def declare_offsite(self, target: str) -> None:
        self.offsite_last_success.labels(target)

    def declare_drill(self, drill: str, rpo_objective: float | None) -> None:
        self.drill_last_success.labels(drill)
        self.drill_last_run_success.labels(drill).set(NAN)
        self.drill_last_rto.labels(drill).set(NAN)
        self.drill_last_rpo.labels(drill).set(NAN)
        if rpo_objective is not None:
            self.drill_rpo_objective.labels(drill).set(rpo_objective)

    # outcomes ---------------------------------------------------------------------
    def backup_attempt(
        self,
        series: BackupSeries,
        *,
        ended: float,
        ok: bool,
        seconds: float,
        size_bytes: int | None = None,
        count: bool = True,
        success_at: float | None = None,
    ) -> None:
        """One attempt; a success counts from ``success_at`` (the backup's own stop time,
        as the repository lists it) or else from ``ended``."""
        labels = series.labels()
        self.backup_last_attempt.labels(*labels).set(ended)
        self.backup_last_attempt_success.labels(*labels).set(1 if ok else 0)
        self.backup_last_duration.labels(*labels).set(seconds)
        if ok:
            self.backup_success(series, success_at or ended, size_bytes)
        if count:
            self.backup_runs.labels(*labels, "success" if ok else "failed").inc()

    def backup_success(self, series: BackupSeries, when: float, size_bytes: int | None) -> None:
        """Raise the last-success time (never lower it: a listing may lag a finished run)."""
        labels = series.labels()
        if when >= self._last_success.get(labels, 0.0):
            self._last_success[labels] = when
            self.backup_last_success.labels(*labels).set(when)
            if size_bytes is not None:
                self.backup_last_size.labels(*series.labels()).set(size_bytes)

    def render(self) -> bytes:
        return generate_latest(self.registry)


def metric_names(metrics: Metrics) -> Iterable[str]:
    """Names of the exported families (counters with their ``_total`` suffix)."""
    for family in metrics.registry.collect():
        yield family.name + ("_total" if family.type == "counter" else "")
