"""The sidecar's HTTP server: one thread per request, so a slow scrape blocks nothing.

``GET /metrics`` (Prometheus text), ``/healthz`` (process and scheduler alive),
``/readyz`` (configuration valid, database and object storage reachable; else 503),
``/status`` (JSON), ``/`` (a server-rendered HTML page, no scripts, no external assets),
``POST /jobs/NAME/run`` (bearer ``DATAOPS_ADMIN_TOKEN``; refused without one).
"""

from __future__ import annotations

import hmac
import json
import logging
from collections.abc import Callable
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qs, urlsplit

from prometheus_client.exposition import CONTENT_TYPE_LATEST

from dataops.errors import ConfigError
from dataops.sidecar import page
from dataops.sidecar.runner import new_run_id
from dataops.sidecar.status import Readiness, job_state, status

if TYPE_CHECKING:
    from dataops.sidecar.view import SidecarView

log = logging.getLogger("dataops.sidecar.http")


def parse_addr(addr: str) -> tuple[str, int]:
    host, sep, port = addr.rpartition(":")
    if not sep or not port.isdigit() or not 0 <= int(port) <= 65535:
        raise ConfigError(f"DATAOPS_HTTP_ADDR={addr!r}: expected HOST:PORT, e.g. 0.0.0.0:9187")
    return host.strip("[]") or "0.0.0.0", int(port)  # noqa: S104 (a sidecar serves its pod)


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True
    sidecar: SidecarView
    readiness: Readiness


class _Handler(BaseHTTPRequestHandler):
    server: _Server
    server_version = "dataops"
    sys_version = ""
    protocol_version = "HTTP/1.1"
    timeout = 30  # seconds a connection may stay silent (a stalled client goes away)

    # ------------------------------------------------------------------ plumbing
    def log_message(self, format: str, *args: Any) -> None:
        log.debug("http.request", extra={"request": format % args})

    def _send(self, code: int, body: bytes, content_type: str) -> None:
        self.send_response(code)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Cache-Control", "no-store")
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def _json(self, code: int, payload: Any) -> None:
        body = (json.dumps(payload, indent=1, default=str) + "\n").encode()
        self._send(code, body, "application/json")

    # -------------------------------------------------------------------- routes
    def do_GET(self) -> None:
        path = urlsplit(self.path).path
        route = GET_ROUTES.get(path)
        if route is None:
            self._json(HTTPStatus.NOT_FOUND, {"error": f"no such endpoint: {path}"})
            return
        route(self)

    do_HEAD = do_GET

    def do_POST(self) -> None:
        parts = urlsplit(self.path)
        segments = [s for s in parts.path.split("/") if s]
        length = int(self.headers.get("Content-Length") or 0)
        if length:
            self.rfile.read(min(length, 65536))
        if len(segments) == 3 and segments[0] == "jobs" and segments[2] == "run":
            self.run_job(segments[1], parse_qs(parts.query))
            return
        self._json(HTTPStatus.NOT_FOUND, {"error": f"no such endpoint: {parts.path}"})

    def metrics(self) -> None:
        self._send(HTTPStatus.OK, self.server.sidecar.metrics.render(), CONTENT_TYPE_LATEST)

    def healthz(self) -> None:
        alive = self.server.sidecar.scheduler_alive()
        code = HTTPStatus.OK if alive else HTTPStatus.SERVICE_UNAVAILABLE
        self._json(code, {"status": "ok" if alive else "scheduler not running"})

    def readyz(self) -> None:
        checks = self.server.readiness.checks()
        ready = all(c.ok for c in checks)
        self._json(
            HTTPStatus.OK if ready else HTTPStatus.SERVICE_UNAVAILABLE,
            {
                "ready": ready,
                "checks": [{"name": c.name, "ok": c.ok, "detail": c.detail} for c in checks],
            },
        )

    def status(self) -> None:
        self._json(HTTPStatus.OK, status(self.server.sidecar))

    def index(self) -> None:
        sidecar = self.server.sidecar
        html = page.render(status(sidecar), self.server.readiness.checks())
        self._send(HTTPStatus.OK, html.encode(), "text/html; charset=utf-8")

    def run_job(self, name: str, query: dict[str, list[str]]) -> None:
        sidecar = self.server.sidecar
        token = sidecar.settings.admin_token
        if token is None:
            self._json(
                HTTPStatus.FORBIDDEN,
                {"error": "the admin endpoint is disabled: set DATAOPS_ADMIN_TOKEN"},
            )
            return
        given = self.headers.get("Authorization", "")
        expected = "Bearer " + token.get_secret_value()
        if not hmac.compare_digest(given.encode(), expected.encode()):
            self.send_response(HTTPStatus.UNAUTHORIZED)
            body = b'{"error": "a valid bearer token is required"}\n'
            self.send_header("WWW-Authenticate", 'Bearer realm="dataops"')
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)
            log.warning("http.admin_refused", extra={"job": name, "client": self.client_address[0]})
            return
        job = sidecar.jobs.get(name)
        if job is None:
            self._json(HTTPStatus.NOT_FOUND, {"error": f"no such job: {name}"})
            return
        state = job_state(sidecar, name)
        if state in ("disabled", "not_installed"):
            reason = sidecar.missing.get(name) or "the job is not configured"
            self._json(HTTPStatus.CONFLICT, {"error": f"{name} is {state}: {reason}"})
            return
        if sidecar.stop_event.is_set():
            self._json(HTTPStatus.SERVICE_UNAVAILABLE, {"error": "the sidecar is stopping"})
            return
        variants = job.variants() or [""]
        variant = (query.get("variant") or [variants[0]])[0]
        if variant not in variants:
            self._json(
                HTTPStatus.BAD_REQUEST,
                {"error": f"{name} has no variant {variant!r} (scheduled: {variants})"},
            )
            return
        if state == "running":
            self._json(HTTPStatus.CONFLICT, {"error": f"{name} is running already"})
            return
        run_id = new_run_id()
        sidecar.trigger(name, variant, run_id)
        log.info("http.job_triggered", extra={"job": name, "run_id": run_id})
        self._json(HTTPStatus.ACCEPTED, {"job": name, "variant": variant or None, "run_id": run_id})


GET_ROUTES: dict[str, Callable[[_Handler], None]] = {
    "/metrics": _Handler.metrics,
    "/healthz": _Handler.healthz,
    "/readyz": _Handler.readyz,
    "/status": _Handler.status,
    "/": _Handler.index,
}


def start_http(sidecar: SidecarView, addr: str) -> ThreadingHTTPServer:
    """Bind and serve in a background thread; ConfigError/DependencyError when it cannot."""
    import threading

    from dataops.errors import DependencyError

    host, port = parse_addr(addr)
    try:
        server = _Server((host, port), _Handler)
    except OSError as exc:
        raise DependencyError(f"cannot listen on {addr}: {exc.strerror}") from None
    server.sidecar = sidecar
    server.readiness = Readiness(sidecar.settings)
    threading.Thread(target=server.serve_forever, name="http", daemon=True).start()
    log.info("http.listening", extra={"addr": f"{host}:{server.server_address[1]}"})
    return server
