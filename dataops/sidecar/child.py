"""A job's child process: ``python -m dataops.sidecar.child`` (started through execute.py).

Reads one JSON request on stdin, takes the job's target lock (and the host's heavy lock),
prints ``started`` once it holds them, runs the job's action in-process and prints one
JSON result line on stdout; its log lines go
to stderr (JSON, with ``job`` and ``run_id``).  Holding the locks here, not in the
sidecar, keeps them for exactly as long as the work can run: a lock dies with this
process, never outlives it, and never leaves it early.
"""

from __future__ import annotations

import json
import signal
import sys
import time
from typing import Any

from dataops import execute, locks
from dataops.errors import DataopsError, Interrupted
from dataops.log import redact
from dataops.sidecar.config import JobConfig
from dataops.sidecar.jobs import JOBS
from dataops.sidecar.jobs.base import FAILED, SKIPPED, SUCCESS, JobFailed

STARTED = "started"


def _announce_start() -> None:
    """Tell the sidecar the work begins (its timeout counts from here, not lock waits)."""
    sys.stdout.write(STARTED + "\n")
    sys.stdout.flush()


def execute_request(request: dict[str, Any]) -> dict[str, Any]:
    """Run one job as the request says; the result as a JSON-able dict."""
    from dataops.config.settings import load_settings

    name = request["job"]
    variant = request.get("variant", "")
    settings = load_settings()
    execute.configure(kill_grace=settings.kill_grace)
    config = JobConfig(
        name=name,
        enabled=True,
        schedule=None,
        timeout=float(request.get("timeout", 0) or 0),
        jitter=0.0,
        misfire_grace_time=0.0,
        options=request.get("options", {}),
    )
    job = JOBS[name](config, request.get("targets", {}), settings)
    started = time.time()
    try:
        if job.lock is None and not job.heavy:
            _announce_start()
            facts = job.run(settings, variant)
        else:
            with locks.target(
                locks.target_name(settings, job.lock) if job.lock else name,
                settings=settings,
                heavy=job.heavy,
                wait=float(request.get("lock_wait", 0)),
                heavy_wait=float(request.get("lock_wait", 0)),
                owner=f"sidecar {name} {request.get('run_id', '')}".strip(),
            ):
                started = time.time()
                _announce_start()
                facts = job.run(settings, variant)
    except locks.LockBusy as exc:
        reason = "heavy_busy" if exc.name == locks.HEAVY else "target_locked"
        return {"result": SKIPPED, "skip_reason": reason, "error": exc.message}
    except Interrupted as exc:  # SIGTERM: the sidecar stops (or the timeout expired)
        return {"result": FAILED, "error": exc.message, "interrupted": True, "started": started}
    except JobFailed as exc:
        return {"result": FAILED, "error": redact(exc.render()), "facts": exc.facts}
    except DataopsError as exc:
        return {"result": FAILED, "error": redact(exc.render()), "started": started}
    return {"result": SUCCESS, "facts": facts, "started": started}


def main() -> int:
    from dataops import log as logsetup
    from dataops.sidecar import logctx

    request = json.loads(sys.stdin.read())
    import os

    level = os.environ.get("DATAOPS_LOG_LEVEL", "info").lower()
    fmt = os.environ.get("DATAOPS_LOG_FORMAT", "").lower() or "json"
    handler = logsetup.setup(
        level if level in logsetup.LOG_LEVELS else "info",
        fmt if fmt in ("json", "text") else "json",
    )
    logctx.install(handler)
    logctx.set_process(request["job"], request.get("run_id", ""))
    # SIGTERM (the sidecar's timeout or shutdown) raises Interrupted so that cleanups run
    with execute.SignalGuard(raise_interrupted=True, signals=(signal.SIGTERM,)):
        try:
            result = execute_request(request)
        except Interrupted as exc:
            result = {"result": FAILED, "error": exc.message, "interrupted": True}
        except Exception as exc:  # a bug: report it as the run's error, not a traceback
            import logging

            logging.getLogger(__name__).error("job.internal_error", exc_info=True)
            result = {
                "result": FAILED,
                "error": redact(f"internal error: {type(exc).__name__}: {exc}"),
            }
    sys.stdout.write(json.dumps(result, default=str) + "\n")
    sys.stdout.flush()
    return 0


if __name__ == "__main__":
    sys.exit(main())
