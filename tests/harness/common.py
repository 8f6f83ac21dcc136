"""Shared helpers for the service fixtures."""

from __future__ import annotations

import os
import pwd
import shutil
import signal
import socket
import subprocess
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def wait_for(
    what: str, check: Callable[[], bool], timeout: float = 60.0, log: Path | None = None
) -> None:
    deadline = time.monotonic() + timeout
    last: Exception | None = None
    while time.monotonic() < deadline:
        try:
            if check():
                return
        except Exception as exc:
            last = exc
        time.sleep(0.1)
    tail = ""
    if log is not None and log.exists():
        tail = "\n" + "\n".join(log.read_text(errors="replace").splitlines()[-20:])
    raise RuntimeError(f"{what} did not become ready in {timeout:g}s (last error: {last}){tail}")


def service_dir(prefix: str, owner: str | None = None) -> Path:
    """A temp dir readable by ``owner`` (pytest's tmp dirs are root-only)."""
    path = Path(tempfile.mkdtemp(prefix=f"dataops-{prefix}-"))
    path.chmod(0o755)
    if owner and os.geteuid() == 0:
        entry = pwd.getpwnam(owner)
        os.chown(path, entry.pw_uid, entry.pw_gid)
    return path


def chown_tree(path: Path, owner: str) -> None:
    if os.geteuid() != 0:
        return
    entry = pwd.getpwnam(owner)
    for root, dirs, files in os.walk(path):
        os.chown(root, entry.pw_uid, entry.pw_gid)
        for name in dirs + files:
            os.lchown(os.path.join(root, name), entry.pw_uid, entry.pw_gid)


def tools_bin() -> Path:
    """Where the bootstrap links the Go-built tools (wal-g, minio, migrate)."""
    return Path(os.environ.get("DATAOPS_TEST_TOOLS_BIN", REPO / ".tools" / "bin"))


def go_tool(name: str) -> str:
    candidate = tools_bin() / name
    if candidate.exists():
        return str(candidate)
    found = shutil.which(name)
    if found:
        return found
    raise RuntimeError(f"{name} is not installed: run scripts/bootstrap (looked in {tools_bin()})")


def walg_binary() -> str | None:
    """The optional wal-g binary: ``$DATAOPS_WALG_BIN``, the bootstrap's link, or PATH.

    The Go module proxy does not serve wal-g, so a fresh machine has none; the tests
    marked ``walg`` are then skipped with that reason (``tests/conftest.py``).
    """
    for candidate in (os.environ.get("DATAOPS_WALG_BIN", ""), str(tools_bin() / "wal-g")):
        if candidate and os.access(candidate, os.X_OK):
            return candidate
    return shutil.which("wal-g")


def stop_process(proc: subprocess.Popen[bytes] | None, timeout: float) -> None:
    """SIGTERM, then SIGKILL after ``timeout`` seconds."""
    if proc is None or proc.poll() is not None:
        return
    proc.send_signal(signal.SIGTERM)
    try:
        proc.wait(timeout)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()
