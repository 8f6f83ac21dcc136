"""Runs one job once: guards, the child process, the timeout, then state, metrics, logs.

A run is skipped (``dataops_job_skipped_total{reason}``) when the same job is still
running, when the sidecar is shutting down, when the job's feature is not installed, or
when its child finds the target lock (a manual command) or the host's heavy lock busy.
An isolated job runs in ``python -m dataops.sidecar.child`` through execute.py: its own
process group, ended (with its descendants' groups) on timeout or at shutdown.
"""

from __future__ import annotations

import json
import logging
import subprocess
import sys
import threading
import time
import uuid
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from dataops import execute, sentry
from dataops.errors import CommandError, DataopsError, OperationError
from dataops.log import redact
from dataops.sidecar import logctx
from dataops.sidecar.child import STARTED
from dataops.sidecar.jobs.base import (
    FAILED,
    INTERRUPTED,
    SKIPPED,
    SUCCESS,
    Job,
    JobFailed,
    Outcome,
)

if TYPE_CHECKING:
    from dataops.config.settings import Settings
    from dataops.metrics import Metrics
    from dataops.sidecar.config import SidecarConfig
    from dataops.sidecar.state import StateStore

log = logging.getLogger("dataops.sidecar")


def new_run_id() -> str:
    return uuid.uuid4().hex[:12]


@dataclass
class Running:
    variant: str
    run_id: str
    started: float
    trigger: str
    proc: subprocess.Popen[bytes] | None = None


class Runner:
    def __init__(
        self,
        settings: Settings,
        config: SidecarConfig,
        jobs: dict[str, Job],
        metrics: Metrics,
        state: StateStore,
        missing: dict[str, str],
    ) -> None:
        self.settings = settings
        self.config = config
        self.jobs = jobs
        self.metrics = metrics
        self.state = state
        self.missing = missing  # job -> why its feature is not installed
        self.stopping = threading.Event()
        self._guards = {name: threading.Lock() for name in jobs}
        self._running: dict[str, Running] = {}
        self._mutex = threading.Lock()

    # ----------------------------------------------------------------------- queries
    def running(self) -> dict[str, Running]:
        with self._mutex:
            return dict(self._running)

    def is_running(self, name: str) -> bool:
        with self._mutex:
            return name in self._running

    # ------------------------------------------------------------------------ run
    def run(
        self, name: str, variant: str = "", *, trigger: str = "schedule", run_id: str | None = None
    ) -> Outcome:
        job = self.jobs[name]
        run_id = run_id or new_run_id()
        with logctx.run_context(name, run_id):
            if self.stopping.is_set():
                return self._skipped(job, variant, run_id, "shutdown", "the sidecar is stopping")
            if name in self.missing:
                return self._skipped(job, variant, run_id, "not_installed", self.missing[name])
            guard = self._guards[name]
            if not guard.acquire(blocking=False):
                return self._skipped(
                    job, variant, run_id, "already_running", "the previous run is still going"
                )
            try:
                return self._run(job, variant, run_id, trigger)
            finally:
                guard.release()

    def _run(self, job: Job, variant: str, run_id: str, trigger: str) -> Outcome:
        started = time.time()
        running = Running(variant, run_id, started, trigger)
        with self._mutex:
            self._running[job.name] = running
        self.metrics.job_running.labels(job.name).set(1)
        log.log(
            logging.INFO if job.isolated else logging.DEBUG,
            "job.started",
            extra={"variant": variant or None, "trigger": trigger},
        )
        try:
            if job.isolated:
                outcome = self._run_child(job, variant, run_id, started, running)
            else:
                outcome = self._run_inline(job, variant, run_id, started)
        finally:
            with self._mutex:
                self._running.pop(job.name, None)
            self.metrics.job_running.labels(job.name).set(0)
        self.finish(job, outcome)
        return outcome

    def _run_inline(self, job: Job, variant: str, run_id: str, started: float) -> Outcome:
        try:
            facts = job.run(self.settings, variant)
        except JobFailed as exc:
            return Outcome(
                job.name, variant, run_id, FAILED, started, time.time(), exc.render(), None,
                exc.facts,
            )  # fmt: skip
        except DataopsError as exc:
            return Outcome(job.name, variant, run_id, FAILED, started, time.time(), exc.render())
        except Exception as exc:  # an unexpected failure of one poll must not stop the sidecar
            log.error("job.internal_error", exc_info=True)
            return Outcome(
                job.name, variant, run_id, FAILED, started, time.time(), f"internal error: {exc}"
            )
        return Outcome(job.name, variant, run_id, SUCCESS, started, time.time(), facts=facts)

    def _run_child(
        self, job: Job, variant: str, run_id: str, started: float, running: Running
    ) -> Outcome:
        request = {
            "job": job.name,
            "variant": variant,
            "run_id": run_id,
            "options": job.config.options,
            "targets": job.targets,
            "timeout": job.config.timeout,
            "lock_wait": self.config.lock_wait,
        }
        raw = b""
        error: str | None = None
        expired = threading.Event()
        timer: threading.Timer | None = None
        try:
            with execute.stream(
                [sys.executable, "-m", "dataops.sidecar.child"],
                inherit_env=True,
                pass_stderr=True,
                input=json.dumps(request).encode(),
            ) as child:
                running.proc = child.proc
                lines = []
                for line in child.stdout:
                    if line.strip() == STARTED.encode() and timer is None:
                        # the timeout counts from here: waiting for a lock is not the job
                        timer = threading.Timer(
                            job.config.timeout, self._expire, (child.proc, expired, job, run_id)
                        )
                        timer.daemon = True
                        timer.start()
                        continue
                    lines.append(line)
                # the result is the last line (anything an action printed comes before it)
                raw = next((ln.strip() for ln in reversed(lines) if ln.strip()), b"")
        except CommandError as exc:
            error = f"the job process failed (exit {exc.returncode})"
        except DataopsError as exc:
            error = exc.render()
        finally:
            if timer is not None:
                timer.cancel()
        if expired.is_set():
            error = f"timed out after {job.config.timeout:g} s; its processes were ended"
        ended = time.time()
        if error is None and self.stopping.is_set() and not raw:
            error = "ended at shutdown"
        try:
            result: dict[str, Any] = json.loads(raw) if raw and not expired.is_set() else {}
        except ValueError:
            result = {}
            error = "the job process printed no result"
        if (
            self.stopping.is_set()
            and not expired.is_set()
            and (not result or result.get("interrupted"))
        ):
            # ended by our own shutdown: not the job's failure (no alert after the restart;
            # the job is overdue then and runs again soon)
            return Outcome(
                job.name, variant, run_id, INTERRUPTED, started, ended,
                "ended by the sidecar's shutdown", "shutdown",
            )  # fmt: skip
        if not result:
            return Outcome(job.name, variant, run_id, FAILED, started, ended, error or "no result")
        return Outcome(
            job=job.name,
            variant=variant,
            run_id=run_id,
            result=str(result.get("result", FAILED)),
            started=float(result.get("started") or started),
            ended=ended,
            error=result.get("error"),
            skip_reason=result.get("skip_reason"),
            facts=dict(result.get("facts") or {}),
        )

    @staticmethod
    def _expire(
        proc: subprocess.Popen[bytes], expired: threading.Event, job: Job, run_id: str
    ) -> None:
        expired.set()
        log.error(
            "job.timeout",
            extra={"job": job.name, "run_id": run_id, "timeout_seconds": job.config.timeout},
        )
        execute.terminate(proc)

    def _skipped(self, job: Job, variant: str, run_id: str, reason: str, why: str) -> Outcome:
        now = time.time()
        outcome = Outcome(job.name, variant, run_id, SKIPPED, now, now, why, reason)
        self.finish(job, outcome)
        return outcome

    # -------------------------------------------------------------------- outcomes
    def finish(self, job: Job, outcome: Outcome) -> None:
        """State, metrics, log line and Sentry for one outcome."""
        record = self.state.get(outcome.key)
        if outcome.result == INTERRUPTED:
            self.metrics.job_skipped.labels(job.name, "shutdown").inc()
            log.warning("job.interrupted", extra={"variant": outcome.variant or None,
                                                  "seconds": round(outcome.seconds, 3)})  # fmt: skip
            record.last_result = INTERRUPTED
            record.last_error = outcome.error
            record.last_run_id = outcome.run_id
            record.last_started = outcome.started
            self.state.update(outcome.key, record)
            return
        if outcome.result == SKIPPED:
            self.metrics.job_skipped.labels(job.name, outcome.skip_reason or "other").inc()
            log.warning(
                "job.skipped",
                extra={
                    "variant": outcome.variant or None,
                    "reason": outcome.skip_reason,
                    "detail": outcome.error,
                },
            )
            if outcome.skip_reason in ("not_installed", "shutdown"):
                return
            record.last_result = SKIPPED
            record.last_error = outcome.error
            record.last_run_id = outcome.run_id
            self.state.update(outcome.key, record)
            return
        was_failing = record.last_result == FAILED
        record.last_attempt = outcome.ended
        record.last_started = outcome.started
        record.last_duration = round(outcome.seconds, 3)
        record.last_result = outcome.result
        record.last_error = outcome.error
        record.last_run_id = outcome.run_id
        record.runs[outcome.result] = record.runs.get(outcome.result, 0) + 1
        if outcome.ok:
            record.last_success = outcome.ended
            record.facts = outcome.facts
        elif outcome.facts:
            record.facts = {**record.facts, "last_failure": outcome.facts}
        self.state.update(outcome.key, record)
        self.metrics.job_last_run.labels(job.name).set(outcome.ended)
        self.metrics.job_last_run_success.labels(job.name).set(1 if outcome.ok else 0)
        job.record(self.metrics, outcome)
        extra = {
            "variant": outcome.variant or None,
            "result": outcome.result,
            "seconds": round(outcome.seconds, 3),
        }
        if outcome.ok:
            level = logging.DEBUG if not job.isolated else logging.INFO
            log.log(level, "job.finished", extra=extra)
            return
        log.error("job.failed", extra={**extra, "error": redact(outcome.error or "")})
        if was_failing and not job.isolated:
            return  # a poller (every 30 s) reports when it starts failing, not every poll
        sentry.capture(
            OperationError(f"{job.name} failed: {outcome.error}"),
            job=job.name,
            run_id=outcome.run_id,
            variant=outcome.variant,
        )

    # ------------------------------------------------------------------- shutdown
    def stop(self, grace: float) -> None:
        """No new runs; wait up to ``grace`` for running jobs, then end their processes."""
        self.stopping.set()
        deadline = time.monotonic() + grace
        while self.running() and time.monotonic() < deadline:
            time.sleep(0.2)
        for name, running in self.running().items():
            if running.proc is not None:
                log.warning("job.terminated", extra={"job": name, "run_id": running.run_id})
                execute.terminate(running.proc)
        # the runs' threads record their outcomes; give them a moment to write the state
        deadline = time.monotonic() + 15
        while self.running() and time.monotonic() < deadline:
            time.sleep(0.1)
