"""``pg_archiver``: poll ``pg_stat_archiver`` (every 30 s by default).

Exports the last archive time, failures (increase of PostgreSQL's ``failed_count``) and
the completed segments not archived yet.  Lag is judged by pending segments, not by the
age of the last archived segment: an idle database archives rarely and is healthy.
Runs in the sidecar process (one short query), not in a child.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, ClassVar

from dataops.sidecar.jobs.base import Job, Outcome, ts

if TYPE_CHECKING:
    from dataops.config.settings import Settings
    from dataops.metrics import Metrics

DEFAULT_SEGMENT = 16 * 1024 * 1024


def segment_number(name: str, segment_size: int = DEFAULT_SEGMENT) -> int:
    """The absolute segment number of a WAL file name (timeline ignored)."""
    if len(name) < 24:
        raise ValueError(f"not a WAL file name: {name!r}")
    log_id, seg = int(name[8:16], 16), int(name[16:24], 16)
    return log_id * (0x1_0000_0000 // segment_size) + seg


def pending_segments(
    current: str | None, last_archived: str | None, segment_size: int = DEFAULT_SEGMENT
) -> int | None:
    """Completed segments after the last archived one (the current one is not complete)."""
    if current is None or last_archived is None:
        return None
    try:
        gap = segment_number(current, segment_size) - segment_number(last_archived, segment_size)
    except ValueError:
        return None  # e.g. a .partial or .history file name
    return max(gap - 1, 0)


class PgArchiver(Job):
    name = "pg_archiver"
    summary = "poll pg_stat_archiver: last archived WAL, failures, pending segments"
    isolated = False
    default_timeout: ClassVar[float] = 20.0
    default_schedule = "every 30s"
    run_at_start = True

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._failed_seen: int | None = None
        self._segment_size: int | None = None

    def run(self, settings: Settings, variant: str) -> dict[str, Any]:
        from dataops.backup import pg

        url = pg.require_url(settings)
        if self._segment_size is None:
            size = pg.server_settings(url, ["wal_segment_size"]).get("wal_segment_size")
            self._segment_size = int(size) if size and size.isdigit() else DEFAULT_SEGMENT
        state = pg.archiver_state(url)
        return {
            "archived_count": state.archived_count,
            "failed_count": state.failed_count,
            "last_archived_wal": state.last_archived_wal,
            "last_archived_time": ts(state.last_archived_time),
            "last_failed_time": ts(state.last_failed_time),
            "current_wal": state.current_wal,
            "failing": state.failing,
            "pending_segments": pending_segments(
                state.current_wal, state.last_archived_wal, self._segment_size
            ),
        }

    def declare(self, metrics: Metrics) -> None:
        metrics.declare_wal(self.targets["pg"])

    def record(self, metrics: Metrics, outcome: Outcome, *, replay: bool = False) -> None:
        target = self.targets["pg"]
        if outcome.result == "skipped":
            return
        metrics.wal_poll_success.labels(target).set(1 if outcome.ok else 0)
        if not outcome.ok:
            return
        facts = outcome.facts
        if facts.get("last_archived_time") is not None:
            metrics.wal_last_success.labels(target).set(float(facts["last_archived_time"]))
        if facts.get("pending_segments") is not None:
            metrics.wal_pending.labels(target).set(float(facts["pending_segments"]))
        failed = int(facts.get("failed_count") or 0)
        if replay:
            return
        if self._failed_seen is not None and failed > self._failed_seen:
            metrics.wal_failures.labels(target).inc(failed - self._failed_seen)
        self._failed_seen = failed
