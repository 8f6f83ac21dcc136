"""``dataops serve`` as a real process, with helpers to scrape and drive it; the same HTTP
and metric helpers serve the native runs of docker-compose.test.yml and deploy/kubernetes."""

from __future__ import annotations

import json
import re
import signal
import subprocess
import sys
import urllib.error
import urllib.request
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from prometheus_client.parser import text_string_to_metric_families

from tests.conftest import clean_env
from tests.harness.common import free_port, wait_for

REPO = Path(__file__).resolve().parents[2]
ARTIFACTS = REPO / "build" / "test-artifacts"


def http_request(
    url: str, *, method: str = "GET", headers: Mapping[str, str] | None = None
) -> tuple[int, bytes, Mapping[str, str]]:
    """One HTTP request (a POST with an empty body): status, body, headers; errors too."""
    data = b"" if method == "POST" else None
    req = urllib.request.Request(url, method=method, data=data)  # noqa: S310
    for key, value in (headers or {}).items():
        req.add_header(key, value)
    try:
        with urllib.request.urlopen(req, timeout=10) as resp:  # noqa: S310
            return resp.status, resp.read(), dict(resp.headers)
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read(), dict(exc.headers)


def http_get(url: str, token: str | None = None, method: str = "GET") -> tuple[int, str]:
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    code, body, _ = http_request(url, method=method, headers=headers)
    return code, body.decode()


def metric(text: str, name: str, **labels: str) -> float | None:
    """The value of the first sample ``name`` in an exposition carrying ``labels``."""
    wanted = frozenset(labels.items())
    for family in text_string_to_metric_families(text):
        for sample in family.samples:
            if sample.name == name and wanted <= frozenset(sample.labels.items()):
                return float(sample.value)
    return None


def map_paths(value: str, mounts: Mapping[str, str]) -> str:
    """Replace container paths by native ones in one pass, the longest mount first."""
    targets = sorted(mounts, key=len, reverse=True)
    if not targets:
        return value
    pattern = "|".join(re.escape(t) for t in targets)
    return re.sub(rf"(?<![\w/.])({pattern})(?=/|$|[\s'&?])", lambda m: mounts[m.group(1)], value)


class SidecarProcess:
    def __init__(self, workdir: Path, config: str, env: Mapping[str, str]) -> None:
        self.workdir = workdir
        self.config_path = workdir / "sidecar.yaml"
        self.config_path.write_text(config)
        self.port = free_port()
        self.env = clean_env()
        self.env.update(
            {
                "DATAOPS_HTTP_ADDR": f"127.0.0.1:{self.port}",
                "DATAOPS_STATE_DIR": str(workdir / "state"),
                "DATAOPS_LOCK_DIR": str(workdir / "locks"),
                "DATAOPS_LOG_FORMAT": "json",
            }
        )
        self.env.update(env)
        self.proc: subprocess.Popen[bytes] | None = None
        self.logfile = workdir / "sidecar.log"
        self.starts = 0

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self, timeout: float = 60) -> None:
        assert self.proc is None or self.proc.poll() is not None
        self.starts += 1
        log = self.logfile.open("ab")
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "dataops", "serve", "--config", str(self.config_path)],
            env=self.env,
            stdout=log,
            stderr=log,
            cwd=self.workdir,
        )
        log.close()
        wait_for("sidecar", lambda: self.get("/healthz")[0] == 200, timeout, self.logfile)

    def stop(self, sig: int = signal.SIGTERM, timeout: float = 90) -> int:
        assert self.proc is not None
        self.proc.send_signal(sig)
        try:
            return self.proc.wait(timeout)
        finally:
            if self.proc.poll() is None:
                self.proc.kill()
                self.proc.wait()

    def kill(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait()

    # ---------------------------------------------------------------------- HTTP
    def request(
        self, path: str, *, method: str = "GET", headers: Mapping[str, str] | None = None
    ) -> tuple[int, bytes, Mapping[str, str]]:
        return http_request(self.url + path, method=method, headers=headers)

    def get(self, path: str) -> tuple[int, bytes]:
        code, body, _ = self.request(path)
        return code, body

    def status(self) -> dict[str, Any]:
        code, body = self.get("/status")
        assert code == 200, body
        result: dict[str, Any] = json.loads(body)
        return result

    def job(self, name: str) -> dict[str, Any]:
        return next(j for j in self.status()["jobs"] if j["name"] == name)

    def metrics_text(self) -> str:
        code, body = self.get("/metrics")
        assert code == 200
        return body.decode()

    def metrics(self) -> dict[tuple[str, frozenset[tuple[str, str]]], float]:
        out = {}
        for family in text_string_to_metric_families(self.metrics_text()):
            for sample in family.samples:
                out[(sample.name, frozenset(sample.labels.items()))] = sample.value
        return out

    def value(self, name: str, **labels: str) -> float | None:
        return metric(self.metrics_text(), name, **labels)

    def run_job(self, name: str, token: str, query: str = "") -> tuple[int, dict[str, Any]]:
        code, body, _ = self.request(
            f"/jobs/{name}/run{query}", method="POST", headers={"Authorization": f"Bearer {token}"}
        )
        return code, json.loads(body)

    def wait_run(self, job: str, run_id: str, timeout: float = 180) -> dict[str, Any]:
        """The run record of ``run_id`` once it has ended."""
        found: dict[str, Any] = {}

        def done() -> bool:
            info = self.job(job)
            if (info.get("running") or {}).get("run_id") == run_id:
                return False
            for run in info["runs"]:
                if run.get("last_run_id") == run_id:
                    found.update(run)
                    return True
            return False

        wait_for(f"{job} run {run_id}", done, timeout, self.logfile)
        return found

    def log_records(self) -> list[dict[str, Any]]:
        records = []
        for line in self.logfile.read_text(errors="replace").splitlines():
            if line.startswith("{"):
                try:
                    records.append(json.loads(line))
                except ValueError:
                    continue
        return records


def chromium(
    args: list[str], profile: Path, timeout: float = 120
) -> subprocess.CompletedProcess[str]:
    """Debian's chromium, headless, as root, with a fresh profile and no network chatter."""
    binary = next(
        (p for p in ("/usr/bin/chromium", "/usr/bin/chromium-browser") if Path(p).exists()), None
    )
    assert binary, "chromium is missing: scripts/bootstrap installs Debian's chromium package"
    return subprocess.run(
        [
            binary,
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
            "--disable-dev-shm-usage",
            f"--user-data-dir={profile}",
            *args,
        ],
        capture_output=True,
        text=True,
        timeout=timeout,
    )
