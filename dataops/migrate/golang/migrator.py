"""golang-migrate folders: the :class:`~dataops.migrate.api.Migrator` for integer versions.

The protocol is golang-migrate's: under the lock, read ``(version, dirty)``; refuse a
dirty database (``Dirty database version N. Fix and force version.``); for each step
record ``(target, dirty=true)``, run the file, record ``(target, false)``; a down of
version V records the version before V (or no version).  :mod:`.planner` chooses the
steps, :mod:`.apply` runs them.  On top of that the ``dataops_migrations`` history gives
checksums (an applied file that changed is refused) and out-of-order detection (a
never-applied file below the current version is refused unless ``allow_out_of_order``);
the lock wait has a timeout and a heartbeat, SIGTERM cancels the running statement.
"""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Iterator
from pathlib import Path
from typing import Literal

from dataops.errors import ConfigError, DirtyError, VerificationError
from dataops.migrate import audit, source, version_table
from dataops.migrate.api import (
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
)
from dataops.migrate.backend import Backend
from dataops.migrate.golang import apply, planner
from dataops.migrate.golang.planner import Step
from dataops.migrate.lock import DEFAULT_LOCK_TIMEOUT
from dataops.migrate.session import locked_backend, readonly_backend, wait_until
from dataops.migrate.signals import StatementCanceller
from dataops.migrate.source import Source
from dataops.migrate.version_table import NIL_VERSION

log = logging.getLogger(__name__)


def _int_version(value: Revision, command: str) -> int:
    if isinstance(value, int):
        return value
    try:
        return int(value)
    except ValueError:
        raise ConfigError(f"{command}: {value!r} is not an integer version") from None


def _at(insp: Inspection) -> int:
    """The version of a golang-migrate inspection (always an int here)."""
    assert isinstance(insp.version, int)
    return insp.version


class GolangMigrator:
    """Runs one command against one database and one migrations folder."""

    tool: Tool = "migrate"

    def __init__(
        self,
        url: str,
        path: Path,
        *,
        lock_timeout: float = DEFAULT_LOCK_TIMEOUT,
        allow_out_of_order: bool = False,
    ) -> None:
        if lock_timeout <= 0:
            raise ConfigError("--lock-timeout must be positive")
        self.url = url
        self.path = Path(path)
        self.lock_timeout = lock_timeout
        self.allow_out_of_order = allow_out_of_order
        self._source: Source | None = None

    @property
    def source(self) -> Source:
        if self._source is None:
            self._source = source.load(self.path)
        return self._source

    # -- sessions --------------------------------------------------------
    @contextlib.contextmanager
    def _locked(self, command: str) -> Iterator[tuple[Backend, StatementCanceller]]:
        """Read the folder afresh (bad files fail before the database is touched), lock."""
        self._source = None
        self.source  # noqa: B018
        with locked_backend(self.url, self.lock_timeout, command) as session:
            yield session

    @contextlib.contextmanager
    def _readonly(self) -> Iterator[Backend]:
        self._source = None
        self.source  # noqa: B018
        with readonly_backend(self.url) as backend:
            yield backend

    # -- plans -----------------------------------------------------------
    def plan_up(self, cur: int, limit: int) -> list[Step]:
        return planner.plan_up(self.source, cur, limit)

    def plan_down(self, cur: int, limit: int) -> list[Step]:
        return planner.plan_down(self.source, cur, limit)

    def plan_goto(self, cur: int, target: int) -> list[Step]:
        return planner.plan_goto(self.source, cur, target)

    # -- inspection ------------------------------------------------------
    def inspect(self, backend: Backend) -> Inspection:
        src = self.source
        cur, dirty = version_table.read(backend)
        history = audit.history(backend, tool="migrate")
        latest = audit.latest_successful(history)
        applied_by_us = [
            v for v, r in latest.items() if r.direction in audit.APPLIED_DIRECTIONS and v <= cur
        ]
        high_water = max(applied_by_us, default=NIL_VERSION)
        files: list[FileStatus] = []
        adopt: list[int] = []
        problems: list[str] = []
        if dirty:
            problems.append(str(DirtyError(cur)))
        if cur != NIL_VERSION and cur not in src:
            problems.append(f"no migration found for version {cur} in {self.path}")
        for v in src.versions:
            mig = src.get(v)
            any_file = mig.up or mig.down
            name = any_file.name if any_file else str(v)
            rec = latest.get(v)
            known = rec is not None and rec.direction in audit.APPLIED_DIRECTIONS
            if cur != NIL_VERSION and v <= cur:
                if known:
                    assert rec is not None
                    checksum: Checksum
                    if mig.up is None:
                        checksum = "missing" if rec.sha256 else "ok"
                    elif rec.sha256 is None:
                        checksum = "unknown"
                    else:
                        checksum = "ok" if mig.up.sha256() == rec.sha256 else "changed"
                    when = rec.finished_at.isoformat() if rec.finished_at else None
                    files.append(FileStatus(v, name, "applied", when, checksum, "dataops"))
                    if checksum == "changed":
                        problems.append(f"{name}: changed since it was applied (checksum differs)")
                    elif checksum == "missing":
                        problems.append(f"version {v}: applied up file is missing")
                elif v < high_water:
                    files.append(FileStatus(v, name, "out-of-order", None, "-"))
                    problems.append(
                        f"{name}: version {v} is lower than the current version {cur} "
                        "and was never applied (out of order)"
                    )
                elif dirty and v == cur:  # a failed (or interrupted) run: not applied
                    ours = any(r.version == v for r in history)
                    by: Literal["dataops", "other"] = "dataops" if ours else "other"
                    files.append(FileStatus(v, name, "dirty", None, "-", by))
                else:
                    files.append(FileStatus(v, name, "applied", None, "unknown", "other"))
                    adopt.append(v)
            else:
                files.append(FileStatus(v, name, "pending", None, "-"))
        return Inspection("migrate", cur, dirty, files, list(adopt), problems)

    def _adopt(self, backend: Backend, insp: Inspection) -> None:
        """Record versions another tool applied (in order) with the files' current checksums."""
        for v in map(int, insp.adopt):
            mig = self.source.get(v)
            mf = mig.up
            rec = audit.Record(
                version=v,
                name=mf.name if mf else f"{v}",
                direction="baseline",
                sha256=mf.sha256() if mf else None,
                started_at=audit.now(),
            )
            audit.insert(backend, audit.completed(rec))
            for f in insp.files:
                if f.version == v:
                    f.checksum = "ok"
        if insp.adopt:
            log.info("migrate.adopted", extra={"versions": insp.adopt})

    def _check_before_up(self, insp: Inspection) -> None:
        if insp.changed:
            raise VerificationError(
                "applied migration files changed since they were applied",
                details=[
                    *(f"{f.name}: checksum differs from the one recorded" for f in insp.changed),
                    "restore the files, or record the new checksums with "
                    "`dataops migrate verify --accept` if the change is intended",
                ],
            )
        if insp.out_of_order and not self.allow_out_of_order:
            raise VerificationError(
                "migration files out of order: lower than the current version "
                f"{insp.version} and never applied",
                details=[
                    *(f.name for f in insp.out_of_order),
                    "apply them with --allow-out-of-order, or renumber them above the "
                    "current version",
                ],
            )

    def _mark_out_of_order(self, steps: list[Step], insp: Inspection) -> None:
        """Down steps over never-applied files: refuse, or skip their down file."""
        never = {f.version for f in insp.out_of_order}
        for step in steps:
            if step.direction == "down" and step.version in never:
                if not self.allow_out_of_order:
                    raise VerificationError(
                        f"version {step.version} was never applied (out of order); "
                        "its down migration would undo something that is not there",
                        details=["pass --allow-out-of-order to step over it without running it"],
                    )
                step.file = None
                step.skip_reason = "never applied (out of order)"

    # -- commands --------------------------------------------------------
    def _begin(self, backend: Backend) -> Inspection:
        cur, dirty = version_table.read(backend)
        if dirty:
            raise DirtyError(cur)
        insp = self.inspect(backend)
        self._adopt(backend, insp)
        return insp

    def _out_of_order_steps(self, insp: Inspection) -> list[Step]:
        if not (self.allow_out_of_order and insp.out_of_order):
            return []
        steps = []
        for f in insp.out_of_order:
            step = planner.step(self.source, int(f.version), _at(insp), _at(insp))
            step.direction = "up"
            step.file = self.source.get(int(f.version)).up
            steps.append(step)
        log.warning("migrate.out_of_order", extra={"versions": [s.version for s in steps]})
        return steps

    def up(self, limit: int = -1) -> RunResult:
        with self._locked("up") as (backend, guard):
            insp = self._begin(backend)
            self._check_before_up(insp)
            steps = self._out_of_order_steps(insp) + self.plan_up(_at(insp), limit)
            return apply.run_steps(backend, guard, "up", _at(insp), steps)

    def down(self, limit: int = -1) -> RunResult:
        with self._locked("down") as (backend, guard):
            insp = self._begin(backend)
            steps = self.plan_down(_at(insp), limit)
            self._mark_out_of_order(steps, insp)
            return apply.run_steps(backend, guard, "down", _at(insp), steps)

    def goto(self, target: Revision) -> RunResult:
        version = _int_version(target, "goto")
        if version < 0:
            raise ConfigError("goto: version must be >= 0")
        with self._locked("goto") as (backend, guard):
            insp = self._begin(backend)
            steps = self.plan_goto(_at(insp), version)
            if steps and steps[0].direction == "up":
                self._check_before_up(insp)
                steps = self._out_of_order_steps(insp) + steps
            else:
                self._mark_out_of_order(steps, insp)
            return apply.run_steps(backend, guard, "goto", _at(insp), steps)

    def force(self, target: Revision) -> VersionInfo:
        version = _int_version(target, "force")
        if version < NIL_VERSION:
            raise ConfigError("force: version must be >= -1")
        with self._locked("force") as (backend, _guard):
            before = version_table.read(backend)
            apply.set_version(backend, version, False)
            rec = audit.Record(
                version=version,
                name=f"force {version} (was {before[0]}{' dirty' if before[1] else ''})",
                direction="force",
                sha256=None,
                started_at=audit.now(),
            )
            audit.insert(backend, audit.completed(rec))
            log.info(
                "migrate.forced",
                extra={"version": version, "previous": before[0], "was_dirty": before[1]},
            )
            return VersionInfo(version, False)

    def version(self) -> VersionInfo:
        with self._readonly() as backend:
            cur, dirty = version_table.read(backend)
            return VersionInfo(cur, dirty)

    def status(self) -> Inspection:
        with self._readonly() as backend:
            return self.inspect(backend)

    def verify(self, accept: bool = False) -> VerifyResult:
        if not accept:
            with self._readonly() as backend:
                insp = self.inspect(backend)
            return VerifyResult(not insp.problems, insp)
        with self._locked("verify") as (backend, _guard):
            insp = self.inspect(backend)
            self._adopt(backend, insp)
            accepted = []
            for f in insp.changed:
                mf = self.source.get(int(f.version)).up
                assert mf is not None
                rec = audit.Record(int(f.version), mf.name, "accept", mf.sha256(), audit.now())
                audit.insert(backend, audit.completed(rec))
                accepted.append(mf.name)
            if accepted:
                log.warning("migrate.checksums_accepted", extra={"files": accepted})
            insp = self.inspect(backend)
            return VerifyResult(not insp.problems, insp, accepted)

    def wait(
        self, target: Revision | None = None, *, timeout: float = 300.0, interval: float = 1.0
    ) -> WaitResult:
        self._source = None
        wanted = self.source.last() if target is None else _int_version(target, "wait")
        if wanted is None:
            raise ConfigError(f"no migration files in {self.path}: pass --version")

        def done(state: tuple[int, bool]) -> bool:
            return not state[1] and state[0] != NIL_VERSION and state[0] >= wanted

        state, waited = wait_until(
            self.url,
            version_table.read,
            done,
            lambda st: f"version {VersionInfo(*st)}",
            target=f"version {wanted}",
            timeout=timeout,
            interval=interval,
        )
        return WaitResult(state[0], wanted, waited)

    def create(self, name: str, options: FileFormat | None = None) -> Created:
        fmt = options or FileFormat()
        made = source.create(self.path, name, seq=fmt.seq, ext=fmt.ext, digits=fmt.digits)
        return Created("migrate", made.version, [made.up, made.down])
