"""A scratch PostgreSQL server for a drill: its own folder, a free loopback port, always torn down.

* :func:`create_scratch` makes a fresh ``0700`` folder (``DATAOPS_DRILL_SCRATCH_DIR`` or
  the system temp folder) owned by the PostgreSQL OS user, never inside or equal to the
  production data directory.
* :meth:`ScratchServer.start` appends the drill's own settings to
  ``postgresql.auto.conf`` (they win over everything restored): listen on 127.0.0.1 and a
  free port that is not the production port, a private socket folder, a private
  ``pg_hba.conf`` (local trust inside the ``0700`` folder, no TCP logins), no archiving
  (a drill never pushes into the production archive), no streaming from the primary, no
  external pid file, logging to one file.  It starts ``postgres`` through ``pg_ctl`` as
  the OS user and returns at once; :meth:`wait_ready` polls until the server accepts
  queries and is out of recovery, and fails as soon as the server stops (e.g. a storage
  error in ``restore_command`` or a recovery target that cannot be reached).
* :meth:`ScratchServer.teardown` stops the server (``pg_ctl stop``, then the postmaster
  by its pid) and removes the folder unless it is to be kept.
* :func:`interrupts` turns SIGINT and SIGTERM into :class:`~dataops.errors.Interrupted`
  (the project's one :class:`~dataops.execute.SignalGuard`), so ``finally`` blocks run
  and nothing is left behind.
"""

from __future__ import annotations

import contextlib
import logging
import os
import pwd
import shutil
import signal
import socket
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import psycopg

from dataops import execute, tools
from dataops.config.settings import Settings
from dataops.errors import ConfigError, DependencyError, ToolNotFoundError
from dataops.execute import SignalGuard

log = logging.getLogger(__name__)

POLL_SECONDS = 0.2
START_GRACE_SECONDS = 30.0
STOP_TIMEOUT_SECONDS = 60.0
# settings that make a restored cluster safe to start next to production
CONF_MARKER = "# dataops drill: scratch server settings (override everything above)"


# ----------------------------------------------------------------------------- helpers


def run_as(owner: str) -> str | None:
    return owner if os.geteuid() == 0 else None


def chown_tree(path: Path, owner: str) -> None:
    if os.geteuid() != 0:
        return
    entry = pwd.getpwnam(owner)
    for root, dirs, files in os.walk(path):
        os.chown(root, entry.pw_uid, entry.pw_gid)
        for name in dirs + files:
            os.lchown(Path(root, name), entry.pw_uid, entry.pw_gid)


def free_port(avoid: set[int] | None = None) -> int:
    for _ in range(20):
        with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
            sock.bind(("127.0.0.1", 0))
            port = int(sock.getsockname()[1])
        if port not in (avoid or set()):
            return port
    raise DependencyError("no free loopback port for the scratch server")


def pg_program(name: str, settings: Settings, major: int | None = None) -> str:
    """A PostgreSQL program, of the cluster's major version when installed."""
    if settings.pg_bin_dir:
        candidate = Path(settings.pg_bin_dir) / name
        if candidate.is_file():
            return str(candidate)
        raise ToolNotFoundError(f"{name}: not in DATAOPS_PG_BIN_DIR={settings.pg_bin_dir}")
    dirs = tools.pg_bin_dirs()
    if major is not None:
        for directory in dirs:
            if directory.parent.name == str(major) and (directory / name).is_file():
                return str(directory / name)
    for directory in dirs:
        if (directory / name).is_file():
            if major is not None:
                raise ToolNotFoundError(
                    f"{name}: PostgreSQL {major} is not installed (the backup's version); "
                    f"found only {directory}"
                )
            return str(directory / name)
    return tools.find(name)


def major_version(data_dir: Path) -> int | None:
    try:
        text = (data_dir / "PG_VERSION").read_text().strip()
    except OSError:
        return None
    return int(text) if text.isdigit() else None


def _production_port(settings: Settings) -> int | None:
    raw = settings.database_url_value
    if raw:
        with contextlib.suppress(Exception):
            from dataops.db import parse

            url = parse(raw)
            if url.port:
                return int(url.port)
    if settings.pg_data:
        with contextlib.suppress(OSError, ValueError, IndexError):
            lines = (Path(settings.pg_data) / "postmaster.pid").read_text().splitlines()
            return int(lines[3])
    return None


def _inside(path: Path, parent: Path) -> bool:
    try:
        path.resolve().relative_to(parent.resolve())
    except ValueError:
        return False
    return True


def os_user(settings: Settings) -> str:
    """The OS user that runs PostgreSQL (the same rule as the backup engines)."""
    from dataops.backup.pg import os_user as pg_os_user

    return pg_os_user(settings)


# ------------------------------------------------------------------------ the server


@dataclass
class ScratchServer:
    root: Path
    owner: str
    settings: Settings
    port: int = 0
    major: int | None = None
    started: bool = False
    pid: int | None = None
    superuser: str | None = None
    extra: dict[str, str] = field(default_factory=dict)

    @property
    def data_dir(self) -> Path:
        return self.root / "data"

    @property
    def socket_dir(self) -> Path:
        return self.root / "sock"

    @property
    def log_file(self) -> Path:
        return self.root / "server.log"

    @property
    def hba_file(self) -> Path:
        return self.root / "pg_hba.conf"

    # ---------------------------------------------------------------- configuration
    def scratch_settings(self) -> dict[str, str]:
        values = {
            "port": str(self.port),
            "listen_addresses": "'127.0.0.1'",
            "unix_socket_directories": _quote(str(self.socket_dir)),
            "hba_file": _quote(str(self.hba_file)),
            "ident_file": _quote(str(self.root / "pg_ident.conf")),
            "archive_mode": "off",
            "archive_command": "''",
            "primary_conninfo": "''",
            "primary_slot_name": "''",
            "external_pid_file": "''",
            "logging_collector": "off",
            "log_destination": "'stderr'",
            "cluster_name": "'dataops-drill'",
            "ssl": "off",
            # the drill reads the end of recovery from the log: English, LOG lines kept
            "lc_messages": "'C'",
            "log_min_messages": "'warning'",
        }
        values.update(self.extra)
        return values

    def prepare(self) -> None:
        """Write the drill's settings and files into the restored data directory."""
        data = self.data_dir
        if not (data / "PG_VERSION").is_file():
            raise ConfigError(f"{data} is not a PostgreSQL data directory (no PG_VERSION)")
        self.major = major_version(data)
        self.socket_dir.mkdir(mode=0o700, exist_ok=True)
        self.hba_file.write_text(
            "# dataops drill: only local connections inside the scratch folder\n"
            "local all all trust\n",
            encoding="utf-8",
        )
        (self.root / "pg_ident.conf").write_text("", encoding="utf-8")
        for name in ("postgresql.conf",):
            if not (data / name).exists():  # Debian keeps it in /etc: an empty one will do
                (data / name).write_text("# written by dataops drill\n", encoding="utf-8")
        with contextlib.suppress(FileNotFoundError):
            (data / "standby.signal").unlink()  # recover, then promote: never a standby
        with (data / "postgresql.auto.conf").open("a", encoding="utf-8") as fh:
            fh.write(f"\n{CONF_MARKER}\n")
            for key, value in self.scratch_settings().items():
                fh.write(f"{key} = {value}\n")
        self.log_file.touch()
        data.chmod(0o700)
        chown_tree(self.root, self.owner)

    # --------------------------------------------------------------------- lifecycle
    def start(self) -> None:
        self.prepare()
        pg_ctl = pg_program("pg_ctl", self.settings, self.major)
        self.started = True  # from here on teardown must stop it
        execute.run(
            [pg_ctl, "-D", self.data_dir, "-l", self.log_file, "-W", "start"],
            user=run_as(self.owner),
            timeout=60,
        )
        log.info("drill.server_starting", extra={"port": self.port, "dir": str(self.root)})

    def _pidfile(self) -> tuple[int | None, str | None]:
        try:
            lines = (self.data_dir / "postmaster.pid").read_text().splitlines()
        except OSError:
            return None, None
        pid = int(lines[0]) if lines and lines[0].strip().isdigit() else None
        status = lines[7].strip() if len(lines) > 7 else None
        return pid, status

    def running(self) -> bool:
        pid, _ = self._pidfile()
        if pid is None:
            pid = self.pid
        return pid is not None and _alive(pid)

    def log_tail(self, lines: int = 15) -> list[str]:
        try:
            return self.log_file.read_text(errors="replace").splitlines()[-lines:]
        except OSError:
            return []

    def connect(self, dbname: str = "postgres", timeout: float = 10.0) -> psycopg.Connection[Any]:
        user = self.superuser or self.owner
        return psycopg.connect(
            host=str(self.socket_dir),
            port=self.port,
            user=user,
            dbname=dbname,
            autocommit=True,
            connect_timeout=max(1, int(timeout)),
            application_name="dataops-drill",
        )

    def _find_superuser(self) -> None:
        """Connect as the OS user (initdb's default), else as ``postgres``; then as OID 10."""
        last: Exception | None = None
        for candidate in dict.fromkeys([self.owner, "postgres", *self._url_user()]):
            try:
                with psycopg.connect(
                    host=str(self.socket_dir),
                    port=self.port,
                    user=candidate,
                    dbname="postgres",
                    autocommit=True,
                    connect_timeout=5,
                ) as conn:
                    row = conn.execute("SELECT rolname FROM pg_authid WHERE oid = 10").fetchone()
                    self.superuser = str(row[0]) if row else candidate
                    return
            except psycopg.Error as exc:
                last = exc
        raise DependencyError(f"cannot connect to the scratch server: {last}")

    def _url_user(self) -> list[str]:
        raw = self.settings.database_url_value
        if raw:
            with contextlib.suppress(Exception):
                from dataops.db import parse

                user = parse(raw).username
                return [user] if user else []
        return []

    def wait_ready(self, timeout: float) -> None:
        """Until the server accepts queries out of recovery; fails when it stops."""
        began = time.monotonic()
        deadline = began + timeout
        seen = False
        while time.monotonic() < deadline:
            pid, status = self._pidfile()
            if pid is not None:
                seen = True
                self.pid = pid
            alive = pid is not None and _alive(pid)
            if not alive and (seen or time.monotonic() - began > START_GRACE_SECONDS):
                raise RecoveryFailed(
                    "the scratch server stopped during recovery", self.log_tail(20)
                )
            if alive and status == "ready":
                with contextlib.suppress(psycopg.Error, DependencyError):
                    if self.superuser is None:
                        self._find_superuser()
                    with self.connect(timeout=5) as conn:
                        row = conn.execute("SELECT pg_is_in_recovery()").fetchone()
                        if row is not None and row[0] is False:
                            return
            time.sleep(POLL_SECONDS)
        raise RecoveryFailed(
            f"the scratch server did not finish recovery within {timeout:g} s "
            "(DATAOPS_DRILL_TIMEOUT)",
            self.log_tail(20),
        )

    def stop(self) -> None:
        if not self.started:
            return
        pid, _ = self._pidfile()
        pid = pid or self.pid
        if (self.data_dir / "postmaster.pid").exists():
            with contextlib.suppress(Exception):
                execute.run(
                    [
                        pg_program("pg_ctl", self.settings, self.major),
                        "-D",
                        self.data_dir,
                        "-m",
                        "fast",
                        "-w",
                        "-t",
                        str(int(STOP_TIMEOUT_SECONDS)),
                        "stop",
                    ],
                    user=run_as(self.owner),
                    timeout=STOP_TIMEOUT_SECONDS + 10,
                    ok_codes=(0, 1),
                )
        if pid is not None and _alive(pid):  # pg_ctl failed or was interrupted
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.kill(pid, signal.SIGQUIT)  # immediate shutdown, children included
            deadline = time.monotonic() + 10
            while _alive(pid) and time.monotonic() < deadline:
                time.sleep(0.1)
            if _alive(pid):
                with contextlib.suppress(ProcessLookupError, PermissionError):
                    os.kill(pid, signal.SIGKILL)
        self.started = not (pid is None or not _alive(pid))

    def teardown(self, *, keep: bool) -> list[str]:
        """Stop the server; remove the folder unless ``keep``.  Problems, as text."""
        problems: list[str] = []
        with blocked_interrupts():
            try:
                self.stop()
            except Exception as exc:  # pragma: no cover - stop suppresses what it can
                problems.append(f"stopping the scratch server: {exc}")
            if self.started:
                problems.append(f"the scratch server (pid {self.pid}) is still running")
            if not keep and not self.started:
                shutil.rmtree(self.root, ignore_errors=True)
                if self.root.exists():
                    problems.append(f"could not remove {self.root}")
        log.info(
            "drill.teardown",
            extra={"dir": str(self.root), "kept": keep, "problems": problems},
        )
        return problems


class RecoveryFailed(Exception):
    def __init__(self, message: str, log_tail: list[str]) -> None:
        super().__init__(message)
        self.message = message
        self.log_tail = log_tail


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    # a zombie child of ours counts as gone
    with contextlib.suppress(OSError):
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
        if state == "Z":
            return False
    return True


def _quote(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


def scratch_base(settings: Settings) -> Path:
    """Where scratch folders go; ConfigError when DATAOPS_DRILL_SCRATCH_DIR is unusable
    (the drills call it first, so that a bad setting is exit 2 before any work)."""
    base = Path(settings.drill_scratch_dir) if settings.drill_scratch_dir else None
    if base is not None and not base.is_dir():
        raise ConfigError(f"DATAOPS_DRILL_SCRATCH_DIR={base} is not a directory")
    base = base or Path(tempfile.gettempdir())
    if settings.pg_data and _inside(base, Path(settings.pg_data)):
        raise ConfigError(
            f"the drill scratch folder {base} is inside the production data directory "
            f"{settings.pg_data}; set DATAOPS_DRILL_SCRATCH_DIR elsewhere"
        )
    return base


def create_scratch(settings: Settings, owner: str, purpose: str = "pg") -> Path:
    """A fresh 0700 folder for the drill, owned by ``owner``; never near production data."""
    base = scratch_base(settings)
    root = Path(tempfile.mkdtemp(prefix=f"dataops-drill-{purpose}-", dir=base))
    root.chmod(0o700)
    if os.geteuid() == 0 and owner != "root":
        entry = pwd.getpwnam(owner)
        os.chown(root, entry.pw_uid, entry.pw_gid)
    return root


def new_server(settings: Settings, root: Path, owner: str) -> ScratchServer:
    production = _production_port(settings)
    avoid = {production} if production else set()
    avoid.add(5432)
    return ScratchServer(root=root, owner=owner, settings=settings, port=free_port(avoid))


# --------------------------------------------------------------------------- signals


@contextlib.contextmanager
def interrupts() -> Iterator[None]:
    """SIGINT and SIGTERM raise :class:`Interrupted` (exit 130/143), so ``finally`` tears down."""
    with SignalGuard(raise_interrupted=True):
        yield


@contextlib.contextmanager
def blocked_interrupts() -> Iterator[None]:
    """Teardown runs to its end: a SIGINT/SIGTERM is remembered and raised afterwards."""
    with SignalGuard() as guard:
        yield
    if guard.triggered:
        raise guard.interrupted("interrupted during the drill's teardown")
