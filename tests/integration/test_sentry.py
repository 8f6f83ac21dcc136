"""Errors reach Sentry: a local HTTP endpoint stands in for sentry.io and receives the envelope."""

from __future__ import annotations

import gzip
import http.server
import subprocess
import threading
from collections.abc import Callable, Iterator

import pytest

from tests.harness.common import free_port

RunCli = Callable[..., subprocess.CompletedProcess[str]]


class _Collector(http.server.BaseHTTPRequestHandler):
    bodies: list[bytes] = []

    def do_POST(self) -> None:
        body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
        if self.headers.get("Content-Encoding") == "gzip":
            body = gzip.decompress(body)
        type(self).bodies.append(self.path.encode() + b"\n" + body)
        self.send_response(200)
        self.end_headers()
        self.wfile.write(b"{}")

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def sentry_endpoint() -> Iterator[tuple[str, list[bytes]]]:
    _Collector.bodies = []
    server = http.server.ThreadingHTTPServer(("127.0.0.1", free_port()), _Collector)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://publickey@127.0.0.1:{server.server_port}/42", _Collector.bodies
    server.shutdown()


def test_failed_command_is_reported(
    run_cli: RunCli, sentry_endpoint: tuple[str, list[bytes]]
) -> None:
    dsn, bodies = sentry_endpoint
    env = {
        "SENTRY_DSN": dsn,
        "DATAOPS_DATABASE_URL": f"postgresql://alice:S3cr3t@127.0.0.1:{free_port()}/db",
    }
    done = run_cli("doctor", env=env)
    assert done.returncode == 3
    assert bodies, "no envelope reached the endpoint"
    payload = b"".join(bodies)
    assert b"/api/42/envelope/" in payload
    assert b"DependencyError" in payload
    assert b"S3cr3t" not in payload


def test_no_dsn_sends_nothing(run_cli: RunCli, sentry_endpoint: tuple[str, list[bytes]]) -> None:
    _, bodies = sentry_endpoint
    done = run_cli(
        "doctor", env={"DATAOPS_DATABASE_URL": f"postgresql://a@127.0.0.1:{free_port()}/db"}
    )
    assert done.returncode == 3
    assert bodies == []
