"""What the HTTP server and the status report read from the running sidecar.

A Protocol, so that ``status``, ``page`` and ``http`` depend on this description and not
on :mod:`dataops.sidecar.service`, which starts the HTTP server (no import cycle).
:class:`dataops.sidecar.service.Sidecar` is the one implementation.
"""

from __future__ import annotations

import threading
from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    from dataops.config.settings import Settings
    from dataops.metrics import Metrics
    from dataops.sidecar.config import SidecarConfig
    from dataops.sidecar.jobs.base import Job
    from dataops.sidecar.runner import Runner
    from dataops.sidecar.state import StateStore


class SidecarView(Protocol):
    settings: Settings
    config: SidecarConfig
    metrics: Metrics
    state: StateStore
    started: float
    jobs: dict[str, Job]
    missing: dict[str, str]
    runner: Runner
    stop_event: threading.Event
    refreshed: threading.Event

    def next_run(self, key: str) -> float | None: ...

    def scheduler_alive(self) -> bool: ...

    def trigger(self, name: str, variant: str, run_id: str) -> None: ...
