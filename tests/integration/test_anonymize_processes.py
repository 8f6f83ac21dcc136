"""``dataops anonymize --jobs 2`` as a real process, with real signals (issue #10, finding 3):
a dead worker fails the run at once (exit 1, naming it), a SIGTERM to the whole process
group does not hang, workers die with the parent, no ``.partial`` survives a catchable
signal (SIGHUP included).

Worker processes serve tables with a column transformed in Python (here
``regex_replace``); a table whose columns all run in the compiled loop (``email``) is
shared between threads instead (issue #20): the signal guarantees hold for both."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.conftest import _clean_env

RULES = """\
version: 1
secret: "0123456789abcdef"
tables:
  public.customer:
    columns:
      id: keep
      email: {transform: regex_replace, pattern: '@.*', replacement: '@example.com'}
"""
THREAD_RULES = RULES.replace(
    "{transform: regex_replace, pattern: '@.*', replacement: '@example.com'}",
    "{transform: email}",
)
HEAD = (
    b"SET standard_conforming_strings = on;\n\n"
    b"CREATE TABLE public.customer (\n    id integer NOT NULL,\n    email text NOT NULL\n);\n\n"
    b"COPY public.customer (id, email) FROM stdin;\n"
)
ROWS = b"".join(b"%d\tperson%d@real-customer.com\n" % (i, i) for i in range(120_000))
TAIL = b"\\.\n\n"


def _children(pid: int) -> list[int]:
    try:
        text = Path(f"/proc/{pid}/task/{pid}/children").read_text()
    except OSError:
        return []
    return [int(p) for p in text.split()]


def _alive(pid: int) -> bool:
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return False
    return stat.rsplit(")", 1)[1].split()[0] != "Z"  # a zombie is dead


def _wait(predicate: object, timeout: float = 30) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():  # type: ignore[operator]
            return True
        time.sleep(0.05)
    return False


@dataclass
class Run:
    proc: subprocess.Popen[bytes]
    workdir: Path
    out: Path

    def partials(self) -> list[Path]:
        return list(self.workdir.glob(".out.sql.*"))

    def finish(self, timeout: float = 60) -> tuple[int, str]:
        try:
            _, err = self.proc.communicate(timeout=timeout)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.communicate()
            pytest.fail(f"dataops anonymize hung for {timeout} s")
        return self.proc.returncode, err.decode()


@pytest.fixture
def started(tmp_path: Path) -> Iterator[Run]:
    """A run with 2 worker processes, half-way through the transformed table, stdin held
    open."""
    yield from _started(tmp_path, RULES, workers=2)


@pytest.fixture
def started_threads(tmp_path: Path) -> Iterator[Run]:
    """The same with worker threads (no child processes)."""
    yield from _started(tmp_path, THREAD_RULES, workers=0)


def _started(tmp_path: Path, text: str, workers: int) -> Iterator[Run]:
    rules = tmp_path / "rules.yaml"
    rules.write_text(text)
    out = tmp_path / "out.sql"
    proc = subprocess.Popen(
        [sys.executable, "-m", "dataops", "anonymize", "-c", str(rules), "-j", "2", "-o", str(out)],
        stdin=subprocess.PIPE,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        env=_clean_env(),
        start_new_session=True,  # its own process group, as under systemd
    )
    assert proc.stdin is not None
    proc.stdin.write(HEAD + ROWS[: len(ROWS) // 2])
    proc.stdin.flush()
    run = Run(proc, tmp_path, out)
    assert _wait(run.partials)
    if workers:
        assert _wait(lambda: len(_children(proc.pid)) == workers), "no worker processes"
    else:
        assert not _children(proc.pid), "worker processes for a table wholly in C"
    try:
        yield run
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.communicate()


def _feed_rest(run: Run) -> None:
    stdin, run.proc.stdin = run.proc.stdin, None
    assert stdin is not None
    try:
        stdin.write(ROWS[len(ROWS) // 2 :] + TAIL)
        stdin.close()
    except BrokenPipeError:
        pass  # it already stopped reading


def test_a_killed_worker_fails_the_run_naming_it(started: Run) -> None:
    workers = _children(started.proc.pid)
    os.kill(workers[0], signal.SIGKILL)
    _feed_rest(started)
    code, err = started.finish(timeout=60)
    assert code == 1, err
    assert f"worker process {workers[0]} died (killed by SIGKILL" in err
    assert not started.out.exists() and not started.partials()
    assert _wait(lambda: not any(_alive(w) for w in workers), 10), "orphaned worker"


def test_a_killed_worker_fails_the_run_while_input_waits(started: Run) -> None:
    # the parent is blocked reading stdin (held open, nothing more comes): it must not
    # wait for input to notice that a worker is gone
    workers = _children(started.proc.pid)
    os.kill(workers[1], signal.SIGKILL)
    code, err = started.finish(timeout=30)
    assert code == 1, err
    assert f"worker process {workers[1]} died (killed by SIGKILL" in err
    assert "Traceback" not in err
    assert not started.out.exists() and not started.partials()
    assert _wait(lambda: not any(_alive(w) for w in workers), 10), "orphaned worker"


def test_sigterm_to_the_process_group_does_not_hang(started: Run) -> None:
    workers = _children(started.proc.pid)
    os.killpg(started.proc.pid, signal.SIGTERM)  # systemd KillMode=control-group
    code, err = started.finish(timeout=30)
    assert code == 128 + signal.SIGTERM, err
    assert "Traceback" not in err
    assert not started.out.exists() and not started.partials()
    assert _wait(lambda: not any(_alive(w) for w in workers), 10)


@pytest.mark.parametrize("sig", [signal.SIGHUP, signal.SIGTERM, signal.SIGINT, signal.SIGQUIT])
def test_a_catchable_signal_leaves_no_partial_file(started: Run, sig: signal.Signals) -> None:
    workers = _children(started.proc.pid)
    started.proc.send_signal(sig)
    code, err = started.finish(timeout=30)
    assert code == 128 + sig, err
    assert not started.out.exists() and not started.partials()
    assert _wait(lambda: not any(_alive(w) for w in workers), 10), "orphaned worker"


def test_workers_die_with_their_parent(started: Run) -> None:
    workers = _children(started.proc.pid)
    started.proc.kill()  # SIGKILL: nothing can run in the parent
    started.proc.communicate(timeout=30)
    assert _wait(lambda: not any(_alive(w) for w in workers), 10), "orphaned worker"
    # the temp file SIGKILL left behind is removed by the next run for that output
    assert started.partials()
    rules = started.workdir / "rules.yaml"
    done = subprocess.run(
        [sys.executable, "-m", "dataops", "anonymize", "-c", str(rules), "-o", str(started.out)],
        input=HEAD + ROWS + TAIL,
        capture_output=True,
        env=_clean_env(),
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    assert not started.partials()


def test_a_complete_run_with_two_workers_masks_everything(started: Run) -> None:
    _feed_rest(started)
    code, err = started.finish(timeout=120)
    assert code == 0, err
    data = started.out.read_bytes()
    assert b"real-customer.com" not in data
    assert data.count(b"\n") > 120_000


def test_threads_sigterm_to_the_process_group_does_not_hang(started_threads: Run) -> None:
    os.killpg(started_threads.proc.pid, signal.SIGTERM)
    code, err = started_threads.finish(timeout=30)
    assert code == 128 + signal.SIGTERM, err
    assert "Traceback" not in err
    assert not started_threads.out.exists() and not started_threads.partials()


@pytest.mark.parametrize("sig", [signal.SIGHUP, signal.SIGINT])
def test_threads_a_catchable_signal_leaves_no_partial_file(
    started_threads: Run, sig: signal.Signals
) -> None:
    started_threads.proc.send_signal(sig)
    code, err = started_threads.finish(timeout=30)
    assert code == 128 + sig, err
    assert not started_threads.out.exists() and not started_threads.partials()


def test_threads_a_complete_run_masks_everything(started_threads: Run) -> None:
    _feed_rest(started_threads)
    code, err = started_threads.finish(timeout=120)
    assert code == 0, err
    data = started_threads.out.read_bytes()
    assert b"real-customer.com" not in data
    assert data.count(b"\n") > 120_000
