"""The one gate through which dataops starts external programs.

* argv sequences only, never a shell;
* an explicit environment (a small inherited base plus what the caller passes);
  values of secret variables are registered for redaction before the start;
* every child runs in its own process group; a timeout or a forwarded signal
  reaches the whole group (and the groups of descendants that left it); a signal
  the program does not act on is followed by SIGKILL after the kill grace
  (``DATAOPS_KILL_GRACE``, :func:`configure`), so SIGTERM/SIGINT always win;
* an optional no-progress watchdog (:class:`Stall`): no new output line, no bytes
  read or written by the program's processes, no growth of a watched directory for
  ``Stall.seconds`` ends the call with :class:`~dataops.errors.StallError` (exit 3)
  naming the storage -- progress-based, so a call that moves data is never cut;
* stderr is streamed line by line into the logs, redacted, and its last lines
  travel with the :class:`~dataops.errors.CommandError` raised on failure;
* which exit codes count as success is the caller's table (``ok_codes``).
"""

from __future__ import annotations

import collections
import contextlib
import logging
import os
import pwd
import signal
import subprocess
import threading
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from types import FrameType
from typing import IO, Any

from dataops.errors import CommandError, Interrupted, ToolNotFoundError
from dataops.log import SECRET_NAMES, SECRET_WORDS, redact, register_secret
from dataops.stall import Stall, Watchdog, is_progress_line

log = logging.getLogger(__name__)

BASE_ENV_KEYS = ("PATH", "HOME", "LANG", "LC_ALL", "LC_CTYPE", "TZ", "TMPDIR", "USER")
TAIL_LINES = 20
KILL_GRACE_SECONDS = 10.0
POLL_SECONDS = 0.2

_kill_grace = [KILL_GRACE_SECONDS]


def configure(*, kill_grace: float | None = None) -> None:
    """Process-wide defaults from the settings (``DATAOPS_KILL_GRACE``); the CLI and the
    sidecar's job processes call this once they have read their settings."""
    if kill_grace is not None:
        _kill_grace[0] = max(0.0, float(kill_grace))


def kill_grace() -> float:
    """Seconds between SIGTERM (or the forwarded signal) and SIGKILL."""
    return _kill_grace[0]


# environment variables whose values are registered for redaction before a start
_SECRET_VARS = frozenset(SECRET_NAMES)
_SECRET_VAR_WORDS = tuple(w.upper() for w in (*SECRET_WORDS, "passphrase", "token"))


def _is_secret_var(key: str) -> bool:
    upper = key.upper()
    return upper in _SECRET_VARS or any(w in upper for w in _SECRET_VAR_WORDS)


@dataclass
class Result:
    argv: list[str]
    returncode: int
    stdout: bytes | None
    stderr_tail: list[str] = field(default_factory=list)
    seconds: float = 0.0


def build_env(env: Mapping[str, str] | None, inherit: bool) -> dict[str, str]:
    base: dict[str, str]
    if inherit:
        base = dict(os.environ)
    else:
        base = {k: os.environ[k] for k in BASE_ENV_KEYS if k in os.environ}
    if env:
        base.update(env)
    for key, value in base.items():
        if _is_secret_var(key):
            register_secret(value)
    return base


def _drop_to(user: str | None) -> tuple[int | None, int | None, list[int] | None]:
    """(uid, gid, extra_groups) for Popen to run as ``user`` when we are root."""
    if user is None or os.geteuid() != 0:
        return None, None, None
    entry = pwd.getpwnam(user)
    return entry.pw_uid, entry.pw_gid, []


def _kill_group(proc: subprocess.Popen[bytes], sig: int = signal.SIGTERM) -> None:
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(proc.pid, sig)


def _descendant_groups(pid: int) -> set[int]:
    """Process groups of ``pid``'s descendants (Linux ``/proc``), e.g. tools that a child
    started in their own sessions; never our own group."""
    parents: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        fields = stat[stat.rfind(")") + 2 :].split()
        parents.setdefault(int(fields[1]), []).append(int(entry.name))
    groups: set[int] = set()
    todo = list(parents.get(pid, []))
    while todo:
        child = todo.pop()
        with contextlib.suppress(OSError):
            groups.add(os.getpgid(child))
        todo.extend(parents.get(child, []))
    groups.discard(os.getpgrp())
    groups.discard(pid)
    return groups


def _terminate(proc: subprocess.Popen[bytes], grace: float | None = None) -> None:
    """SIGTERM the group, SIGKILL it after the grace period (with the groups of any
    descendants that started their own, so nothing outlives a timeout)."""
    grace = kill_grace() if grace is None else grace
    groups: set[int] = set()
    with contextlib.suppress(OSError):
        groups = _descendant_groups(proc.pid)
    _kill_group(proc, signal.SIGTERM)
    try:
        proc.wait(grace)
    except subprocess.TimeoutExpired:
        with contextlib.suppress(OSError):
            groups |= _descendant_groups(proc.pid)
        _kill_group(proc, signal.SIGKILL)
        proc.wait()
    # children that outlived the leader
    _kill_group(proc, signal.SIGKILL)
    for group in groups:
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(group, signal.SIGKILL)


def terminate(proc: subprocess.Popen[bytes], grace: float | None = None) -> None:
    """End a running program started here: its group (and its descendants' groups)."""
    if proc.poll() is None:
        _terminate(proc, grace)


class _Forward:
    """What a caught SIGTERM/SIGINT does to a running child: the same signal to its
    group and its descendants' groups at once, SIGKILL to all of them after the kill
    grace if the program has not ended by then (it may ignore or mishandle the signal)."""

    def __init__(self, proc: subprocess.Popen[bytes]) -> None:
        self.proc = proc
        self.groups: set[int] = set()
        self.timer: threading.Timer | None = None
        self.deadline = 0.0

    def _signal_all(self, sig: int) -> None:
        with contextlib.suppress(OSError):
            self.groups |= _descendant_groups(self.proc.pid)
        _kill_group(self.proc, sig)
        for group in self.groups:
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.killpg(group, sig)

    def __call__(self, signum: int) -> None:
        if self.proc.poll() is not None:
            return
        self._signal_all(signum)
        if self.timer is None:
            self.deadline = time.monotonic() + kill_grace()
            self.timer = threading.Timer(kill_grace(), self._kill)
            self.timer.daemon = True
            self.timer.start()

    def _kill(self) -> None:
        if self.proc.poll() is None:
            log.warning(
                "subprocess.killed",
                extra={"tool": _describe(self.proc.args), "grace_seconds": kill_grace()},  # type: ignore[arg-type]
            )
        self._signal_all(signal.SIGKILL)

    def cancel(self) -> None:
        """The program has ended: descendants that left its group and outlive it get
        the rest of the grace period, then SIGKILL."""
        if self.timer is None:
            return
        self.timer.cancel()
        others = set(self.groups)
        while others and time.monotonic() < self.deadline:
            for group in list(others):
                try:
                    os.killpg(group, 0)
                except (ProcessLookupError, PermissionError):
                    others.discard(group)
            time.sleep(0.05)
        for group in others:
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.killpg(group, signal.SIGKILL)


class _StderrPump(threading.Thread):
    """Reads a child's stderr, logs every line redacted, keeps the last lines."""

    def __init__(self, stream: IO[bytes], tool: str, level: int) -> None:
        super().__init__(daemon=True, name=f"stderr-{tool}")
        self.stream = stream
        self.tool = tool
        self.level = level
        self.tail: collections.deque[str] = collections.deque(maxlen=TAIL_LINES)
        self.progress = 0  # lines that do not say "retrying", "timed out"...

    def run(self) -> None:
        for raw in iter(self.stream.readline, b""):
            line = redact(raw.decode("utf-8", "replace").rstrip("\r\n"))
            if not line:
                continue
            self.tail.append(line)
            if is_progress_line(line):
                self.progress += 1
            log.log(self.level, "subprocess.output", extra={"tool": self.tool, "line": line})
        self.stream.close()


class SignalGuard:
    """The one signal guard: while active, SIGINT and SIGTERM are caught, not fatal.

    The first signal is remembered (:attr:`signum`) and :attr:`event` is set; then
    ``on_signal(signum)`` runs (e.g. forward the signal to a child's process group),
    and with ``raise_interrupted`` the handler raises :class:`~dataops.errors.Interrupted`
    so that ``finally`` blocks clean up.  The previous handlers come back on exit.
    Python allows handlers only in the main thread: elsewhere nothing is installed
    (the event can still be set by :meth:`trigger`).

    ``signals`` widens the set (e.g. every signal that would end the process); one of
    those the process ignores stays ignored (nohup's SIGHUP), SIGINT and SIGTERM never.
    With ``on_wake``, :data:`WAKE_SIGNAL` runs it in the main thread: a helper thread
    with bad news calls :func:`wake_main_thread` (even a blocking read is interrupted).
    """

    SIGNALS = (signal.SIGINT, signal.SIGTERM)
    WAKE_SIGNAL = signal.SIGURG  # its default action is to do nothing

    def __init__(
        self,
        on_signal: Callable[[int], None] | None = None,
        *,
        raise_interrupted: bool = False,
        signals: Sequence[int] = SIGNALS,
        on_wake: Callable[[], None] | None = None,
    ) -> None:
        self._on_signal = on_signal
        self._raise = raise_interrupted
        self._signals = tuple(signals)
        self._on_wake = on_wake
        self.event = threading.Event()
        self.signum: int | None = None
        self._previous: dict[int, Any] = {}

    def trigger(self, signum: int) -> None:
        if self.signum is None:
            self.signum = signum
        self.event.set()
        if self._on_signal is not None:
            self._on_signal(signum)

    def _handle(self, signum: int, frame: FrameType | None) -> None:
        self.trigger(signum)
        if self._raise:
            raise Interrupted(signum)

    def _wake(self, signum: int, frame: FrameType | None) -> None:
        if self._on_wake is not None:
            self._on_wake()

    def __enter__(self) -> SignalGuard:
        if threading.current_thread() is threading.main_thread():
            if self._on_wake is not None:
                self._previous[self.WAKE_SIGNAL] = signal.signal(self.WAKE_SIGNAL, self._wake)
            for sig in self._signals:
                if sig not in self.SIGNALS and signal.getsignal(sig) == signal.SIG_IGN:
                    continue
                self._previous[sig] = signal.signal(sig, self._handle)
        return self

    @property
    def installed(self) -> bool:
        """Whether handlers are in place (only in the main thread)."""
        return bool(self._previous)

    def __exit__(self, *exc: object) -> None:
        for sig, handler in self._previous.items():
            signal.signal(sig, handler)
        self._previous.clear()

    @property
    def triggered(self) -> bool:
        return self.event.is_set()

    @property
    def signal_name(self) -> str:
        return signal.Signals(self.signum).name if self.signum else ""

    def interrupted(self, message: str, details: Sequence[str] = ()) -> Interrupted:
        """The error to raise once the work stopped: ``message (SIGTERM)``, exit 128 + n."""
        assert self.signum is not None
        return Interrupted(self.signum, message, details)


def wake_main_thread() -> None:
    """Send :data:`SignalGuard.WAKE_SIGNAL` to the main thread (its guard's ``on_wake`` runs)."""
    ident = threading.main_thread().ident
    if ident is not None:
        with contextlib.suppress(OSError, ValueError):
            signal.pthread_kill(ident, SignalGuard.WAKE_SIGNAL)


def _describe(argv: Sequence[str]) -> str:
    return redact(Path(argv[0]).name)


def _popen(
    argv: Sequence[str],
    *,
    env: Mapping[str, str] | None,
    inherit_env: bool,
    cwd: str | Path | None,
    stdin: int | IO[bytes] | None,
    stdout: int | IO[bytes] | None,
    user: str | None,
    stderr: int | None = subprocess.PIPE,
) -> subprocess.Popen[bytes]:
    argv = [str(a) for a in argv]
    uid, gid, groups = _drop_to(user)
    try:
        return subprocess.Popen(
            argv,
            env=build_env(env, inherit_env),
            cwd=cwd,
            stdin=stdin,
            stdout=stdout,
            stderr=stderr,
            start_new_session=True,
            close_fds=True,
            user=uid,
            group=gid,
            extra_groups=groups,
        )
    except FileNotFoundError as exc:
        raise ToolNotFoundError(f"{_describe(argv)}: not found") from exc
    except PermissionError as exc:
        raise ToolNotFoundError(f"{_describe(argv)}: not executable ({exc.strerror})") from exc


def _check_outcome(
    argv: list[str],
    returncode: int | None,
    tail: list[str],
    ok_codes: Sequence[int],
    signal_received: int | None,
    timed_out: bool,
    timeout: float | None,
) -> None:
    """The one table that turns how a child ended into success or an exception."""
    tool = _describe(argv)
    if signal_received is not None:
        raise Interrupted(signal_received)
    if timed_out:
        raise CommandError(
            f"{tool} timed out after {timeout or 0:g} s and was killed",
            argv=argv,
            returncode=None,
            output_tail=tail,
            timed_out=True,
        )
    if returncode not in ok_codes:
        raise CommandError(
            f"{tool} failed with exit code {returncode}",
            argv=argv,
            returncode=returncode,
            output_tail=tail,
        )


def run(
    argv: Sequence[str | Path],
    *,
    env: Mapping[str, str] | None = None,
    inherit_env: bool = False,
    timeout: float | None = None,
    cwd: str | Path | None = None,
    input: bytes | None = None,
    capture: bool = False,
    ok_codes: Sequence[int] = (0,),
    user: str | None = None,
    stderr_level: int = logging.INFO,
    stall: Stall | None = None,
) -> Result:
    """Run a program to completion.

    ``capture=True`` returns stdout in :attr:`Result.stdout`; otherwise stdout is
    discarded.  A return code outside ``ok_codes`` raises CommandError; a timeout
    kills the whole process group and raises CommandError(timed_out=True); with
    ``stall``, no progress for ``stall.seconds`` kills it and raises StallError;
    SIGTERM/SIGINT are forwarded (SIGKILL after the kill grace) and raise Interrupted.
    """
    args = [str(a) for a in argv]
    tool = _describe(args)
    started = time.monotonic()
    proc = _popen(
        args,
        env=env,
        inherit_env=inherit_env,
        cwd=cwd,
        stdin=subprocess.PIPE if input is not None else subprocess.DEVNULL,
        stdout=subprocess.PIPE if capture else subprocess.DEVNULL,
        user=user,
    )
    forward = _Forward(proc)
    try:
        assert proc.stderr is not None
        pump = _StderrPump(proc.stderr, tool, stderr_level)
        pump.start()
        watchdog = Watchdog(stall, proc.pid, lambda: pump.progress) if stall else None
        out_chunks: list[bytes] = []
        reader: threading.Thread | None = None
        if capture:
            assert proc.stdout is not None
            stdout = proc.stdout

            def _read() -> None:
                for chunk in iter(lambda: stdout.read1(65536), b""):  # type: ignore[attr-defined]
                    out_chunks.append(chunk)
                    if watchdog is not None:
                        watchdog.out_bytes += len(chunk)

            reader = threading.Thread(target=_read, daemon=True)
            reader.start()
        timed_out = stalled = False
        deadline = started + timeout if timeout else None
        with SignalGuard(forward) as fwd:
            if input is not None:
                assert proc.stdin is not None
                with contextlib.suppress(BrokenPipeError):
                    proc.stdin.write(input)
                proc.stdin.close()
            while True:
                try:
                    proc.wait(POLL_SECONDS if watchdog or deadline else None)
                    break
                except subprocess.TimeoutExpired:
                    pass
                now = time.monotonic()
                if fwd.triggered:
                    continue  # the forwarder's timer ends it
                if deadline is not None and now >= deadline:
                    timed_out = True
                elif watchdog is not None and watchdog.stalled(now):
                    stalled = True
                    log.warning(
                        "subprocess.stalled",
                        extra={"tool": tool, "seconds": stall.seconds if stall else None},
                    )
                if timed_out or stalled:
                    _terminate(proc)
                    break
    except BaseException:
        terminate(proc)
        raise
    finally:
        forward.cancel()
    ended = proc.returncode in ok_codes and not (timed_out or stalled or fwd.triggered)
    if reader is not None:
        reader.join(None if ended else 5)
    pump.join(timeout=5)
    seconds = time.monotonic() - started
    tail = list(pump.tail)
    if stalled and watchdog is not None and fwd.signum is None:
        raise watchdog.error(tool, tail)
    _check_outcome(args, proc.returncode, tail, ok_codes, fwd.signum, timed_out, timeout)
    log.debug(
        "subprocess.finished", extra={"tool": tool, "rc": proc.returncode, "seconds": seconds}
    )
    return Result(args, proc.returncode, b"".join(out_chunks) if capture else None, tail, seconds)


class Stream:
    """A running program whose stdout is read by the caller (see :func:`stream`)."""

    def __init__(
        self, proc: subprocess.Popen[bytes], pump: _StderrPump | None, argv: list[str]
    ) -> None:
        self.proc = proc
        self.pump = pump
        self.argv = argv

    @property
    def stdout(self) -> IO[bytes]:
        assert self.proc.stdout is not None
        return self.proc.stdout


@contextlib.contextmanager
def stream(
    argv: Sequence[str | Path],
    *,
    env: Mapping[str, str] | None = None,
    inherit_env: bool = False,
    timeout: float | None = None,
    cwd: str | Path | None = None,
    ok_codes: Sequence[int] = (0,),
    user: str | None = None,
    stderr_level: int = logging.INFO,
    on_timeout: Callable[[], None] | None = None,
    pass_stderr: bool = False,
    input: bytes | None = None,
) -> Iterator[Stream]:
    """Start a program and yield it with its stdout as a pipe (e.g. ``pg_dump`` into a filter).

    On leaving the block the program must have exited with an ok code; if the
    block raised, the program's group is terminated.  A watchdog enforces ``timeout``.
    ``pass_stderr``: the program writes to our stderr directly (a dataops child process
    whose lines are already JSON log records), not through the logging pump.  ``input``
    is written to the program's stdin (which is then closed).
    """
    args = [str(a) for a in argv]
    tool = _describe(args)
    proc = _popen(
        args,
        env=env,
        inherit_env=inherit_env,
        cwd=cwd,
        stdin=subprocess.PIPE if input is not None else subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        user=user,
        stderr=None if pass_stderr else subprocess.PIPE,
    )
    if input is not None:
        assert proc.stdin is not None
        with contextlib.suppress(BrokenPipeError):
            proc.stdin.write(input)
        proc.stdin.close()
    pump: _StderrPump | None = None
    if proc.stderr is not None:
        pump = _StderrPump(proc.stderr, tool, stderr_level)
        pump.start()
    expired = threading.Event()

    def _expire() -> None:
        expired.set()
        _terminate(proc)
        if on_timeout:
            on_timeout()

    timer = threading.Timer(timeout, _expire) if timeout else None
    if timer:
        timer.daemon = True
        timer.start()
    forward = _Forward(proc)
    try:
        with SignalGuard(forward) as fwd:
            try:
                yield Stream(proc, pump, args)
            except BaseException:
                _terminate(proc)
                raise
            finally:
                if proc.stdout:
                    proc.stdout.close()
            proc.wait()
    finally:
        forward.cancel()
        if timer:
            timer.cancel()
        if proc.poll() is None:
            _terminate(proc)
        if pump is not None:
            pump.join(timeout=5)
    tail = list(pump.tail) if pump is not None else []
    _check_outcome(args, proc.returncode, tail, ok_codes, fwd.signum, expired.is_set(), timeout)


def tool_version(argv: Sequence[str], timeout: float = 10.0) -> str:
    """First non-empty line a ``--version`` style invocation prints (stdout or stderr)."""
    result = run(argv, capture=True, timeout=timeout, stderr_level=logging.DEBUG, inherit_env=True)
    text = (result.stdout or b"").decode("utf-8", "replace").strip()
    lines = [ln for ln in text.splitlines() if ln.strip()] or result.stderr_tail
    return lines[0].strip() if lines else ""
