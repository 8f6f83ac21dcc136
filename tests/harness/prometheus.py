"""A real Prometheus (Debian's ``prometheus`` package) on loopback, in a temp directory.

It scrapes the given targets every second and evaluates the given rule files every
second; :meth:`PrometheusServer.query` and :meth:`alerts` read its HTTP API.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import urllib.parse
import urllib.request
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from tests.harness.common import free_port, service_dir, stop_process, wait_for


@dataclass
class PrometheusServer:
    root: Path
    port: int
    proc: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def logfile(self) -> Path:
        return self.root / "prometheus.log"

    def api(self, path: str, **params: str) -> Any:
        query = ("?" + urllib.parse.urlencode(params)) if params else ""
        with urllib.request.urlopen(f"{self.url}/api/v1/{path}{query}", timeout=10) as resp:  # noqa: S310
            payload = json.loads(resp.read())
        assert payload["status"] == "success", payload
        return payload["data"]

    def query(self, expr: str) -> list[dict[str, Any]]:
        """Instant query: ``[{"metric": {...}, "value": [ts, "v"]}, ...]``."""
        result: list[dict[str, Any]] = self.api("query", query=expr)["result"]
        return result

    def alerts(self) -> list[dict[str, Any]]:
        alerts: list[dict[str, Any]] = self.api("alerts")["alerts"]
        return alerts

    def targets_up(self) -> bool:
        active = self.api("targets")["activeTargets"]
        return bool(active) and all(t["health"] == "up" for t in active)

    def stop(self) -> None:
        stop_process(self.proc, 20)
        self.proc = None

    def destroy(self) -> None:
        self.stop()
        shutil.rmtree(self.root, ignore_errors=True)


def start_prometheus(
    targets: Sequence[str], rule_files: Sequence[Path] = (), job: str = "dataops"
) -> PrometheusServer:
    binary = shutil.which("prometheus")
    if binary is None:
        raise RuntimeError("prometheus is not installed: run scripts/bootstrap")
    server = PrometheusServer(root=service_dir("prometheus"), port=free_port())
    config = {
        "global": {"scrape_interval": "1s", "evaluation_interval": "1s", "scrape_timeout": "1s"},
        "rule_files": [str(p) for p in rule_files],
        "scrape_configs": [{"job_name": job, "static_configs": [{"targets": list(targets)}]}],
    }
    (server.root / "prometheus.yml").write_text(yaml.safe_dump(config))
    log = server.logfile.open("ab")
    server.proc = subprocess.Popen(
        [
            binary,
            f"--config.file={server.root / 'prometheus.yml'}",
            f"--storage.tsdb.path={server.root / 'data'}",
            f"--web.listen-address=127.0.0.1:{server.port}",
            "--web.enable-lifecycle",
        ],
        stdout=log,
        stderr=subprocess.STDOUT,
        cwd=server.root,
    )
    log.close()
    try:

        def ready() -> bool:
            with urllib.request.urlopen(f"{server.url}/-/ready", timeout=2) as resp:  # noqa: S310
                return bool(resp.status == 200)

        wait_for("prometheus", ready, timeout=60, log=server.logfile)
    except BaseException:
        server.destroy()
        raise
    return server
