from __future__ import annotations

import io
import json
import logging
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from dataops import execute, tools
from dataops import log as logsetup
from dataops.errors import CommandError, ToolNotFoundError


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    # a zombie counts as dead
    stat = Path(f"/proc/{pid}/stat")
    return stat.exists() and stat.read_text().split()[2] != "Z"


def test_capture_and_ok() -> None:
    result = execute.run(["sh", "-c", "printf hello"], capture=True)
    assert result.stdout == b"hello"
    assert result.returncode == 0


def test_failure_carries_exit_code_and_stderr_tail() -> None:
    script = "for i in $(seq 1 30); do echo line$i >&2; done; exit 7"
    with pytest.raises(CommandError) as err:
        execute.run(["sh", "-c", script])
    assert err.value.returncode == 7
    assert err.value.output_tail[-1] == "line30"
    assert len(err.value.output_tail) == execute.TAIL_LINES
    assert "exit code 7" in err.value.message


def test_ok_codes_table() -> None:
    assert execute.run(["sh", "-c", "exit 74"], ok_codes=(0, 74)).returncode == 74


def test_timeout_kills_the_whole_process_group(tmp_path: Path) -> None:
    pidfile = tmp_path / "child.pid"
    # the shell starts a grandchild that would outlive a plain kill of the shell
    script = f"sleep 60 & echo $! > {pidfile}; wait"
    started = time.monotonic()
    with pytest.raises(CommandError) as err:
        execute.run(["sh", "-c", script], timeout=1)
    assert err.value.timed_out
    assert time.monotonic() - started < 15
    grandchild = int(pidfile.read_text())
    deadline = time.monotonic() + 5
    while _alive(grandchild) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not _alive(grandchild)


def test_environment_is_explicit(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DATAOPS_LEAK_CHECK", "inherited")
    out = execute.run(
        ["sh", "-c", 'echo "[$DATAOPS_LEAK_CHECK][$MINE]"'], env={"MINE": "x"}, capture=True
    )
    assert out.stdout == b"[][x]\n"


def test_stderr_is_logged_redacted() -> None:
    stream = io.StringIO()
    handler = logsetup.setup("debug", "json", stream=stream)
    try:
        execute.run(
            ["sh", "-c", 'echo "using $PGPASSWORD and postgresql://u:pw123456@h/db" >&2'],
            env={"PGPASSWORD": "topsecret-pg"},
        )
    finally:
        logging.getLogger().removeHandler(handler)
    records = [json.loads(line) for line in stream.getvalue().splitlines()]
    output = [r for r in records if r["event"] == "subprocess.output"]
    assert output, records
    assert "topsecret-pg" not in stream.getvalue()
    assert "pw123456" not in stream.getvalue()


def test_missing_tool() -> None:
    with pytest.raises(ToolNotFoundError):
        execute.run(["definitely-not-a-tool-xyz"])
    with pytest.raises(ToolNotFoundError, match="not found on PATH"):
        tools.find("definitely-not-a-tool-xyz")


def test_stream_pipes_stdout_and_checks_exit() -> None:
    with execute.stream(["sh", "-c", "seq 1 100000"]) as proc:
        data = proc.stdout.read()
    assert data.splitlines()[-1] == b"100000"
    with pytest.raises(CommandError), execute.stream(["sh", "-c", "echo partial; exit 3"]) as proc:
        proc.stdout.read()


def test_sigterm_is_forwarded_to_the_child(tmp_path: Path) -> None:
    """A parent running execute.run() passes SIGTERM on to the child's group and exits 143."""
    marker = tmp_path / "got-term"
    started = tmp_path / "started"
    code = (
        "import sys\n"
        "from dataops import errors, execute\n"
        "from dataops.cli import run\n"
        "try:\n"
        f"    execute.run(['sh', '-c', 'trap \"touch {marker}; exit 0\" TERM; "
        f"touch {started}; sleep 30 & wait'])\n"
        "except errors.Interrupted as exc:\n"
        "    sys.exit(exc.exit_code)\n"
    )
    proc = subprocess.Popen([sys.executable, "-c", code])
    deadline = time.monotonic() + 30  # a loaded machine may take seconds to import
    while not started.exists() and time.monotonic() < deadline:
        time.sleep(0.05)
    time.sleep(0.3)  # the guard is entered right after the child starts
    proc.terminate()
    assert proc.wait(20) == 143
    assert marker.exists()


def test_the_one_signal_guard() -> None:
    """First signal remembered, callback run, Interrupted raised on request, handlers restored."""
    import signal

    from dataops.errors import Interrupted

    before = signal.getsignal(signal.SIGTERM)
    seen: list[int] = []
    with execute.SignalGuard(seen.append) as guard:
        os.kill(os.getpid(), signal.SIGTERM)
        time.sleep(0.05)  # the handler runs between bytecodes of the main thread
        os.kill(os.getpid(), signal.SIGINT)
        time.sleep(0.05)
        assert guard.triggered and guard.signum == signal.SIGTERM
        assert seen == [signal.SIGTERM, signal.SIGINT]
        stopped = guard.interrupted("migration 3 interrupted", ["the database is at 2"])
    assert signal.getsignal(signal.SIGTERM) == before
    assert stopped.exit_code == 143 and stopped.render().startswith(
        "migration 3 interrupted (SIGTERM)"
    )
    with pytest.raises(Interrupted) as info, execute.SignalGuard(raise_interrupted=True):
        os.kill(os.getpid(), signal.SIGINT)
        time.sleep(1)
    assert info.value.exit_code == 130
    assert signal.getsignal(signal.SIGTERM) == before


def test_the_signal_guard_widened_keeps_ignored_signals_and_wakes() -> None:
    """``signals=``: more signals caught, an ignored one (nohup's SIGHUP) stays ignored;
    ``on_wake``: wake_main_thread() from another thread runs it in the main thread."""
    import signal
    import threading

    from dataops.errors import Interrupted

    previous = signal.signal(signal.SIGHUP, signal.SIG_IGN)
    try:
        with (
            pytest.raises(Interrupted) as info,
            execute.SignalGuard(
                raise_interrupted=True, signals=(signal.SIGINT, signal.SIGTERM, signal.SIGUSR1)
            ) as guard,
        ):
            assert guard.installed
            assert signal.getsignal(signal.SIGHUP) == signal.SIG_IGN
            os.kill(os.getpid(), signal.SIGHUP)  # ignored: nothing happens
            time.sleep(0.05)
            assert not guard.triggered
            os.kill(os.getpid(), signal.SIGUSR1)
            time.sleep(1)
        assert info.value.exit_code == 128 + signal.SIGUSR1 and guard.signum == signal.SIGUSR1
        assert signal.getsignal(signal.SIGUSR1) == signal.SIG_DFL
        with execute.SignalGuard(signals=(signal.SIGINT, signal.SIGTERM, signal.SIGHUP)):
            assert signal.getsignal(signal.SIGHUP) == signal.SIG_IGN
    finally:
        signal.signal(signal.SIGHUP, previous)

    class Woken(Exception):
        pass

    def wake() -> None:
        assert threading.current_thread() is threading.main_thread()
        raise Woken

    before = signal.getsignal(execute.SignalGuard.WAKE_SIGNAL)
    with pytest.raises(Woken), execute.SignalGuard(on_wake=wake):
        threading.Thread(target=execute.wake_main_thread).start()
        time.sleep(5)  # a blocking wait, cut short by the wake signal
    assert signal.getsignal(execute.SignalGuard.WAKE_SIGNAL) == before
    execute.wake_main_thread()  # without a guard: SIGURG's default action is nothing
