"""What every sidecar job is: a class in :data:`dataops.sidecar.jobs.JOBS`.

A job's :meth:`Job.run` calls typed action functions (never the CLI) and returns JSON-able
facts; it runs in a child process (``isolated``) so that a timeout or a shutdown can end
it and everything it started.  :meth:`Job.record` turns an outcome into metrics in the
sidecar process, :meth:`Job.declare` exports the job's series before its first run, and
:meth:`Job.refresh` reads "last success" back from the repositories at start.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from dataclasses import asdict, dataclass, field
from typing import TYPE_CHECKING, Any, ClassVar

from dataops.errors import OperationError
from dataops.sidecar.config import JobConfig, JobSpec

if TYPE_CHECKING:
    from dataops.config.settings import Settings
    from dataops.metrics import Metrics


SUCCESS = "success"
FAILED = "failed"
SKIPPED = "skipped"
INTERRUPTED = "interrupted"  # ended by the sidecar's shutdown: not a failure of the job


@dataclass
class Outcome:
    """One run of one job (``variant``: ``full``/``incremental`` for pg_backup, else "")."""

    job: str
    variant: str
    run_id: str
    result: str  # success | failed | skipped
    started: float
    ended: float
    error: str | None = None
    skip_reason: str | None = None
    facts: dict[str, Any] = field(default_factory=dict)

    @property
    def key(self) -> str:
        return run_key(self.job, self.variant)

    @property
    def ok(self) -> bool:
        return self.result == SUCCESS

    @property
    def seconds(self) -> float:
        return max(self.ended - self.started, 0.0)

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def run_key(job: str, variant: str) -> str:
    return f"{job}:{variant}" if variant else job


class JobFailed(OperationError):
    """A job failed but has facts to export (a drill's measured RTO, say)."""

    def __init__(
        self, message: str, *, details: list[str] | None = None, facts: dict[str, Any]
    ) -> None:
        super().__init__(message, details=details or [])
        self.facts = facts


@dataclass(frozen=True)
class Refreshed:
    """A last success read back from a repository (``when``: unix time)."""

    variant: str
    when: float
    facts: dict[str, Any]


def ts(value: dt.datetime | None) -> float | None:
    return value.timestamp() if value is not None else None


class Job:
    """Base class; subclasses set the class attributes and override what they need."""

    name: ClassVar[str]
    summary: ClassVar[str]
    heavy: ClassVar[bool] = False  # base backups, files backups, drills: one at a time per host
    lock: ClassVar[str | None] = None  # the target lock shared with manual commands
    isolated: ClassVar[bool] = True  # run in a child process (own process group)
    default_timeout: ClassVar[float] = 3600.0
    default_schedule: ClassVar[str | None] = None
    incremental: ClassVar[bool] = False
    run_at_start: ClassVar[bool] = False  # first run right at start (pollers)
    order: ClassVar[int] = 1  # overdue runs at start go in this order: backups (0), then
    # retention and verification (1), then drills (2)
    options: ClassVar[Mapping[str, Callable[[Any], Any]]] = {}

    def __init__(self, config: JobConfig, targets: Mapping[str, str], settings: Settings) -> None:
        self.config = config
        self.targets = dict(targets)
        self.settings = settings

    @classmethod
    def spec(cls) -> JobSpec:
        return JobSpec(
            default_timeout=cls.default_timeout,
            default_schedule=cls.default_schedule,
            incremental=cls.incremental,
            options=cls.options,
        )

    @classmethod
    def missing_feature(cls) -> str | None:
        """Why the job cannot run in this installation (a module not installed), or None."""
        return None

    def variants(self) -> list[str]:
        """The run keys this job's schedules produce ("" = the job itself)."""
        return [""]

    # in the child process ---------------------------------------------------------
    def run(self, settings: Settings, variant: str) -> dict[str, Any]:
        """Do the work; return facts for :meth:`record`; raise DataopsError on failure."""
        raise NotImplementedError

    # in the sidecar process --------------------------------------------------------
    def declare(self, metrics: Metrics) -> None:
        """Create this job's series (exported from the first scrape)."""

    def record(self, metrics: Metrics, outcome: Outcome, *, replay: bool = False) -> None:
        """Metrics from an outcome; ``replay``: restoring the state file at start."""

    def refresh(self, settings: Settings) -> list[Refreshed]:
        """Last successes read from the repository (at start); [] when not applicable."""
        return []

    def record_refresh(self, metrics: Metrics, refreshed: Refreshed) -> None:
        """Metrics from a last success read back by :meth:`refresh`."""

    def describe(self) -> dict[str, Any]:
        """Facts for /status (beyond the run records)."""
        return {}
