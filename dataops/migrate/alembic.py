"""Alembic projects under the same lock, history and logging as golang-migrate folders.

Alembic's command API runs in-process (``alembic.command.upgrade(cfg, "heads")``...)
with the project's own ``env.py``.  Around it, dataops

* takes the migration lock (the same keys as for ``schema_migrations``, so a
  golang-migrate run and an Alembic run on one database exclude each other too);
* keeps logging in its own format: the ini file's ``[loggers]`` are not applied and
  Alembic's messages go through the dataops handler;
* writes one ``dataops_migrations`` row per revision applied or reverted (tool
  ``alembic``, with the revision file's sha256) and refuses to upgrade when an applied
  revision file changed;
* cancels the running statement on SIGTERM (every connection Alembic opens while the
  command runs is tracked through a SQLAlchemy pool event).
"""

from __future__ import annotations

import argparse
import contextlib
import io
import logging
import sqlite3
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from alembic.runtime.environment import EnvironmentContext
from alembic.script import Script, ScriptDirectory
from alembic.util import CommandError
from sqlalchemy import event
from sqlalchemy.exc import DBAPIError
from sqlalchemy.pool import Pool

from dataops.db import normalize_url
from dataops.errors import (
    ConfigError,
    MigrationError,
    NoDatabaseError,
    OperationError,
    VerificationError,
)
from dataops.migrate import audit
from dataops.migrate.api import (
    Applied,
    Checksum,
    Created,
    FileFormat,
    FileStatus,
    Inspection,
    Revision,
    RunResult,
    Tool,
    VerifyResult,
    VersionInfo,
    WaitResult,
    heads_label,
)
from dataops.migrate.backend import Backend
from dataops.migrate.lock import DEFAULT_LOCK_TIMEOUT
from dataops.migrate.session import locked_backend, readonly_backend, wait_until
from dataops.migrate.signals import StatementCanceller

log = logging.getLogger(__name__)
logging.getLogger("alembic.runtime.plugins").setLevel(logging.WARNING)

TOOL = "alembic"


def _sha256(script: Script) -> str | None:
    import hashlib

    path = script.path
    if not path or not Path(path).is_file():
        return None
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


class _Progress(logging.Handler):
    """Remembers Alembic's last 'Running upgrade a -> b' message."""

    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.last: str | None = None

    def emit(self, record: logging.LogRecord) -> None:
        with contextlib.suppress(Exception):
            message = record.getMessage()
            if message.startswith("Running "):
                self.last = message


class _Connections:
    """Tracks the DB-API connections opened while Alembic runs, to cancel their statements."""

    def __init__(self) -> None:
        self.conns: list[Any] = []
        self._lock = threading.Lock()

    def _on_connect(self, dbapi_conn: Any, record: Any) -> None:
        with self._lock:
            self.conns.append(dbapi_conn)

    def __enter__(self) -> _Connections:
        event.listen(Pool, "connect", self._on_connect)
        return self

    def __exit__(self, *exc: object) -> None:
        event.remove(Pool, "connect", self._on_connect)

    def cancel(self, backend: Backend | None) -> None:
        with self._lock:
            conns = list(self.conns)
        for conn in conns:
            with contextlib.suppress(Exception):
                if hasattr(conn, "cancel_safe"):
                    conn.cancel_safe(timeout=10)
                elif isinstance(conn, sqlite3.Connection):
                    conn.interrupt()
                elif hasattr(conn, "thread_id") and backend is not None:
                    backend.query(f"KILL QUERY {int(conn.thread_id())}")


@contextlib.contextmanager
def _keep_logging() -> Iterator[None]:
    """Undo any logging reconfiguration an env.py does (fileConfig disables loggers)."""
    root = logging.getLogger()
    handlers, level = list(root.handlers), root.level
    try:
        yield
    finally:
        root.handlers[:] = handlers
        root.setLevel(level)
        for logger in list(logging.Logger.manager.loggerDict.values()):
            if isinstance(logger, logging.Logger):
                logger.disabled = False


class AlembicMigrator:
    """``dataops migrate --alembic-config alembic.ini ...``."""

    tool: Tool = "alembic"

    def __init__(
        self,
        config_path: Path,
        url: str | None = None,
        *,
        lock_timeout: float = DEFAULT_LOCK_TIMEOUT,
    ) -> None:
        config_path = Path(config_path)
        if not config_path.is_file():
            raise ConfigError(f"Alembic config {config_path} does not exist")
        self.stdout = io.StringIO()
        # quiet: Alembic's "Generating ... done" messages would go to stdout
        opts = argparse.Namespace(quiet=True, x=[], verbose=False)
        cfg = Config(str(config_path), stdout=self.stdout, cmd_opts=opts)
        try:
            cfg.file_config  # noqa: B018 - load now, while config_file_name is set
        except Exception as exc:
            raise ConfigError(f"{config_path}: {exc}") from None
        # env.py calls fileConfig(config.config_file_name) when it is set: that would
        # replace the dataops log handler, so it is cleared once the file is loaded.
        cfg.config_file_name = None
        if url:
            try:
                url = normalize_url(url)  # postgresql:// -> postgresql+psycopg://
            except ValueError as exc:
                raise ConfigError(f"invalid database URL: {exc}") from None
            cfg.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
        resolved = url or cfg.get_main_option("sqlalchemy.url")
        if not resolved:
            raise NoDatabaseError("(or set sqlalchemy.url in the Alembic config)")
        self.url: str = resolved
        self.cfg = cfg
        self.lock_timeout = lock_timeout
        try:
            self.script = ScriptDirectory.from_config(cfg)
        except CommandError as exc:
            raise ConfigError(f"{config_path}: {exc}") from None

    # -- reading ---------------------------------------------------------
    def current_heads(self) -> list[str]:
        """The revisions in the database's version table (through env.py)."""
        heads: list[str] = []

        def capture(rev: Any, context: Any) -> list[Any]:
            heads.extend(context.get_current_heads())
            return []

        with (
            _keep_logging(),
            EnvironmentContext(self.cfg, self.script, fn=capture, dont_mutate=True),
        ):
            self._alembic(self.script.run_env)
        return sorted(heads)

    def applied(self, heads: list[str]) -> set[str]:
        out: set[str] = set()
        for head in heads:
            for sc in self.script.iterate_revisions(head, "base"):
                if sc is not None:
                    out.add(sc.revision)
        return out

    def _ordered(self) -> list[Script]:
        """Every revision, base first."""
        return list(reversed(list(self.script.walk_revisions())))

    def inspect(self, backend: Backend | None, heads: list[str] | None = None) -> Inspection:
        heads = self.current_heads() if heads is None else heads
        applied = self.applied(heads)
        records = audit.history(backend, tool=TOOL) if backend is not None else []
        latest: dict[str, audit.Record] = {}
        for rec in records:
            if rec.revision and rec.outcome == "success":
                latest[rec.revision] = rec
        files: list[FileStatus] = []
        problems: list[str] = []
        adopt: list[Revision] = []
        known = {sc.revision for sc in self.script.walk_revisions()}
        for head in heads:
            if head not in known:
                problems.append(f"the database is at revision {head}, which no file defines")
        for sc in self._ordered():
            name = Path(sc.path).name if sc.path else sc.revision
            if sc.revision in applied:
                last = latest.get(sc.revision)
                if last is not None and last.direction in audit.APPLIED_DIRECTIONS:
                    sha = _sha256(sc)
                    checksum: Checksum = "ok" if last.sha256 == sha else "changed"
                    when = last.finished_at.isoformat() if last.finished_at else None
                    if checksum == "changed":
                        problems.append(f"{name}: changed since it was applied (checksum differs)")
                else:
                    checksum, when = "unknown", None
                    adopt.append(sc.revision)
                files.append(FileStatus(sc.revision, name, "applied", when, checksum))
            else:
                files.append(FileStatus(sc.revision, name, "pending", None, "-"))
        return Inspection("alembic", heads, False, files, adopt, problems)

    # -- running ---------------------------------------------------------
    def _alembic(self, fn: Any, *args: Any) -> Any:
        try:
            return fn(*args)
        except CommandError as exc:
            raise OperationError(f"alembic: {exc}") from None

    @contextlib.contextmanager
    def _session(self, name: str) -> Iterator[tuple[Backend, StatementCanceller, _Connections]]:
        conns = _Connections()
        holder: dict[str, Backend] = {}
        with locked_backend(
            self.url,
            self.lock_timeout,
            name,
            version_table_too=False,
            cancel=lambda: conns.cancel(holder.get("backend")),
        ) as (backend, guard):
            holder["backend"] = backend
            yield backend, guard, conns

    def _adopt(self, backend: Backend, status: Inspection) -> None:
        for rev in status.adopt:
            sc = self.script.get_revision(str(rev))
            rec = audit.Record(
                version=None,
                revision=str(rev),
                tool=TOOL,
                name=Path(sc.path).name if sc.path else str(rev),
                direction="baseline",
                sha256=_sha256(sc),
                started_at=audit.now(),
            )
            audit.insert(backend, audit.completed(rec))

    def _run(self, name: str, fn: Any, target: str, check_checksums: bool = True) -> RunResult:
        with self._session(name) as (backend, guard, conns):
            before = self.current_heads()
            status = self.inspect(backend, before)
            self._adopt(backend, status)
            if check_checksums and status.changed:
                raise VerificationError(
                    "applied revision files changed since they were applied",
                    details=[f"{f.name}: checksum differs" for f in status.changed],
                )
            progress = _Progress()
            alembic_log = logging.getLogger("alembic.runtime.migration")
            alembic_log.addHandler(progress)
            saved = alembic_log.level, alembic_log.propagate
            if alembic_log.getEffectiveLevel() > logging.INFO:
                # we need the "Running upgrade" lines even when they are not logged
                alembic_log.setLevel(logging.INFO)
                alembic_log.propagate = False
            started_at = audit.now()
            started = time.monotonic()
            error: BaseException | None = None
            try:
                with conns, _keep_logging():
                    guard.start_statement()
                    try:
                        self._alembic(fn, self.cfg, target)
                    finally:
                        guard.end_statement()
            except BaseException as exc:
                error = exc
            finally:
                alembic_log.removeHandler(progress)
                alembic_log.setLevel(saved[0])
                alembic_log.propagate = saved[1]
            seconds = time.monotonic() - started
            after = self.current_heads()
            steps = self._steps(before, after)
            for step in steps:
                sc = self.script.get_revision(str(step.version))
                rec = audit.Record(
                    version=None,
                    revision=str(step.version),
                    tool=TOOL,
                    name=step.file or str(step.version),
                    direction=step.direction,
                    sha256=_sha256(sc),
                    started_at=started_at,
                )
                audit.insert(backend, audit.completed(rec))
                log.info("migrate.step.finished", extra={"migration": step.log_string})
            result = RunResult("alembic", name, before, after, steps, seconds)
            if error is None:
                if guard.triggered:
                    raise guard.interrupted("stopped after the Alembic command")
                return result
            where = f" ({progress.last})" if progress.last else ""
            failed = audit.Record(
                version=None,
                revision=target,
                tool=TOOL,
                name=f"{name} {target}",
                direction="up" if name == "up" else "down",
                sha256=None,
                started_at=started_at,
            )
            reason = _describe(error)
            outcome = "cancelled" if guard.triggered else "failed"
            with contextlib.suppress(Exception):
                audit.insert(backend, audit.completed(failed, outcome, f"{where.strip()} {reason}"))
            state = f"the database is at revision {heads_label(after)}"
            if guard.triggered:
                raise guard.interrupted(f"Alembic {name} interrupted{where}", [state]) from None
            if isinstance(error, OperationError):
                raise error
            if reason is None:
                raise error
            raise MigrationError(f"Alembic {name} failed{where}: {reason}", details=[state])

    def _steps(self, before: list[str], after: list[str]) -> list[Applied]:
        was, now = self.applied(before), self.applied(after)
        steps = []
        for sc in self._ordered():
            name = Path(sc.path).name if sc.path else sc.revision
            doc = (sc.doc or "").strip().splitlines()[0] if sc.doc else ""
            if sc.revision in now and sc.revision not in was:
                steps.append(Applied(sc.revision, "up", name, f"{sc.revision}/u {doc}"))
        for sc in reversed(self._ordered()):
            name = Path(sc.path).name if sc.path else sc.revision
            doc = (sc.doc or "").strip().splitlines()[0] if sc.doc else ""
            if sc.revision in was and sc.revision not in now:
                steps.append(Applied(sc.revision, "down", name, f"{sc.revision}/d {doc}"))
        return steps

    # -- commands --------------------------------------------------------
    def up(self, limit: int = -1) -> RunResult:
        return self._run("up", command.upgrade, "heads" if limit < 0 else f"+{limit}")

    def down(self, limit: int = -1) -> RunResult:
        return self._run("down", command.downgrade, "base" if limit < 0 else f"-{limit}", False)

    def goto(self, target: Revision) -> RunResult:
        revision = str(target)
        if revision in ("base", "-1"):
            return self._run("down", command.downgrade, "base", False)
        try:
            script = self.script.get_revision(revision)
        except CommandError as exc:
            raise ConfigError(f"alembic: {exc}") from None
        if script is None:
            raise ConfigError(f"unknown revision {revision!r}")
        heads = self.current_heads()
        if script.revision in self.applied(heads):
            return self._run("down", command.downgrade, script.revision, False)
        return self._run("up", command.upgrade, script.revision)

    def force(self, target: Revision) -> VersionInfo:
        revision = str(target)
        target = "base" if revision in ("-1", "base") else revision
        with self._session("force") as (backend, _guard, _conns), _keep_logging():
            self._alembic(command.stamp, self.cfg, target, False, None, True)
            heads = self.current_heads()
            rec = audit.Record(
                version=None,
                revision=target,
                tool=TOOL,
                name=f"stamp {target}",
                direction="force",
                sha256=None,
                started_at=audit.now(),
            )
            audit.insert(backend, audit.completed(rec))
            return VersionInfo(heads)

    def version(self) -> VersionInfo:
        return VersionInfo(self.current_heads())

    def status(self) -> Inspection:
        with readonly_backend(self.url) as backend:
            return self.inspect(backend)

    def verify(self, accept: bool = False) -> VerifyResult:
        if not accept:
            status = self.status()
            return VerifyResult(not status.problems, status)
        with self._session("verify") as (backend, _guard, _conns):
            status = self.inspect(backend)
            self._adopt(backend, status)
            accepted = []
            for f in status.changed:
                sc = self.script.get_revision(str(f.version))
                rec = audit.Record(
                    version=None,
                    revision=str(f.version),
                    tool=TOOL,
                    name=f.name,
                    direction="accept",
                    sha256=_sha256(sc),
                    started_at=audit.now(),
                )
                audit.insert(backend, audit.completed(rec))
                accepted.append(f.name)
            status = self.inspect(backend)
            return VerifyResult(not status.problems, status, accepted)

    def create(self, name: str, options: FileFormat | None = None) -> Created:
        """A new revision file (golang-migrate's ``--seq``/``--ext``/``--digits`` do not apply)."""
        with _keep_logging():
            made = self._alembic(command.revision, self.cfg, name)
        script = made[0] if isinstance(made, list) else made
        return Created("alembic", str(script.revision), [Path(script.path)])

    def wait(
        self, target: Revision | None = None, *, timeout: float = 300.0, interval: float = 1.0
    ) -> WaitResult:
        wanted = set(self.script.get_heads()) if target is None else {str(target)}
        label = ", ".join(sorted(wanted))

        def read(_backend: Backend) -> list[str]:
            return self.current_heads()

        def done(heads: list[str]) -> bool:
            return wanted <= self.applied(heads)

        heads, waited = wait_until(
            self.url,
            read,
            done,
            lambda h: f"revision {heads_label(h)}",
            target=f"revision {label}",
            timeout=timeout,
            interval=interval,
        )
        return WaitResult(heads_label(heads), label, waited)


def _describe(exc: BaseException) -> str | None:
    if isinstance(exc, DBAPIError):
        orig = exc.orig
        text = str(orig).strip() if orig is not None else str(exc)
        return " ".join(text.split())
    if isinstance(exc, OperationError):
        return exc.message
    return None
