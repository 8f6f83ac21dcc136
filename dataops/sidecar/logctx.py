"""``job`` and ``run_id`` on every log line of a run (a logging filter over context vars).

Threads of the sidecar set the context of the run they execute; a job's child process
sets a process-wide default, so lines from its helper threads carry it too.
"""

from __future__ import annotations

import contextlib
import contextvars
import logging
from collections.abc import Iterator

_JOB: contextvars.ContextVar[str | None] = contextvars.ContextVar("dataops_job", default=None)
_RUN: contextvars.ContextVar[str | None] = contextvars.ContextVar("dataops_run", default=None)
_PROCESS: dict[str, str] = {}


class RunContextFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        job = _JOB.get() or _PROCESS.get("job")
        if job and not hasattr(record, "job"):
            record.job = job
        run_id = _RUN.get() or _PROCESS.get("run_id")
        if run_id and not hasattr(record, "run_id"):
            record.run_id = run_id
        return True


def install(handler: logging.Handler) -> None:
    if not any(isinstance(f, RunContextFilter) for f in handler.filters):
        # before the redaction filter is irrelevant: job names and run ids are not secret
        handler.addFilter(RunContextFilter())


def install_on_root() -> None:
    for handler in logging.getLogger().handlers:
        install(handler)


def set_process(job: str, run_id: str) -> None:
    _PROCESS.update(job=job, run_id=run_id)


@contextlib.contextmanager
def run_context(job: str, run_id: str) -> Iterator[None]:
    t1 = _JOB.set(job)
    t2 = _RUN.set(run_id)
    try:
        yield
    finally:
        _JOB.reset(t1)
        _RUN.reset(t2)
