"""The subprocess gate under faults (issue 22), with real processes: a forwarded SIGTERM
that the program ignores is followed by SIGKILL after the kill grace; the no-progress
watchdog stops a silent program (exit 3, naming the storage) and never one that moves."""

from __future__ import annotations

import os
import signal
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from dataops import execute
from dataops.errors import Interrupted, StallError
from dataops.stall import Stall


@pytest.fixture
def short_grace() -> Iterator[None]:
    before = execute.kill_grace()
    execute.configure(kill_grace=1.0)
    yield
    execute.configure(kill_grace=before)


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


def _signal_self_after(seconds: float, sig: int) -> threading.Timer:
    timer = threading.Timer(seconds, os.kill, (os.getpid(), sig))
    timer.start()
    return timer


@pytest.mark.parametrize(("sig", "code"), [(signal.SIGTERM, 143), (signal.SIGINT, 130)])
def test_a_signal_the_program_ignores_is_followed_by_sigkill(
    tmp_path: Path, short_grace: None, sig: int, code: int
) -> None:
    pidfile = tmp_path / "pid"
    script = f'trap "" TERM INT; echo $$ > {pidfile}; exec sleep 60'
    _signal_self_after(0.5, sig)
    started = time.monotonic()
    with pytest.raises(Interrupted) as caught:
        execute.run(["sh", "-c", script], timeout=120)
    elapsed = time.monotonic() - started
    assert caught.value.exit_code == code
    assert elapsed < 0.5 + 1.0 + 2.0, elapsed  # signal + grace + a little
    pid = int(pidfile.read_text())
    assert not _alive(pid)


def test_descendants_in_their_own_session_are_killed_too(tmp_path: Path, short_grace: None) -> None:
    """A tool that starts a helper in a new session (as pg_ctl does): both end."""
    pidfile = tmp_path / "pid"
    script = f"setsid sh -c 'trap \"\" TERM; echo $$ > {pidfile}; exec sleep 60' & wait"
    _signal_self_after(0.7, signal.SIGTERM)
    with pytest.raises(Interrupted):
        execute.run(["sh", "-c", script], timeout=120)
    pid = int(pidfile.read_text())
    deadline = time.monotonic() + 3
    while _alive(pid) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not _alive(pid)


def test_a_silent_program_is_stopped_by_the_stall_watchdog(tmp_path: Path) -> None:
    pidfile = tmp_path / "pid"
    stall = Stall(1.5, "object storage s3://bucket/prefix (https://minio:9000)")
    started = time.monotonic()
    with pytest.raises(StallError) as caught:
        execute.run(["sh", "-c", f"echo $$ > {pidfile}; exec sleep 60"], timeout=120, stall=stall)
    elapsed = time.monotonic() - started
    assert 1.5 <= elapsed < 1.5 + 3, elapsed
    assert caught.value.exit_code == 3
    assert "no progress for 1.5 s" in caught.value.message
    assert "s3://bucket/prefix" in caught.value.message
    assert not _alive(int(pidfile.read_text()))


def test_retry_lines_are_not_progress() -> None:
    script = (
        'while true; do echo "upload failed, retrying in 1s (retries left: 9)" >&2; sleep 0.2; done'
    )
    with pytest.raises(StallError):
        execute.run(["sh", "-c", script], timeout=60, stall=Stall(1.5, "storage x"))


def test_output_lines_and_directory_growth_are_progress(tmp_path: Path) -> None:
    lines = "for i in $(seq 1 15); do echo fetched file $i >&2; sleep 0.2; done"
    result = execute.run(["sh", "-c", lines], timeout=60, stall=Stall(1.0, "storage x"))
    assert result.returncode == 0 and result.seconds > 2.5

    target = tmp_path / "target"
    target.mkdir()
    grows = f"for i in $(seq 1 15); do echo x >> {target}/f; sleep 0.2; done"
    stall = Stall(1.0, "storage x", (target,))
    result = execute.run(["sh", "-c", grows], timeout=60, stall=stall)
    assert result.returncode == 0 and (target / "f").stat().st_size == 30


def test_bytes_moved_are_progress(tmp_path: Path) -> None:
    """A quiet program that reads and writes (a transfer) is never cut."""
    script = "for i in $(seq 1 12); do head -c 262144 /dev/zero > /dev/null; sleep 0.25; done"
    result = execute.run(["sh", "-c", script], timeout=60, stall=Stall(1.0, "storage x"))
    assert result.returncode == 0 and result.seconds > 2.5
