"""The migrator contract: one Protocol, one set of result records for both implementations.

Two migrators implement :class:`Migrator`: :class:`~dataops.migrate.golang.GolangMigrator`
(golang-migrate folders, integer versions, ``-1`` = no version) and
:class:`~dataops.migrate.alembic.AlembicMigrator` (Alembic projects, revision ids, a
database may have several heads).  A :data:`Revision` is therefore ``int | str`` and a
:data:`Position` (where a database is) ``int | list[str]``.  Every record knows its
``tool`` so that its JSON keeps each tool's established shape (golang-migrate's
``{"version": 3, "dirty": false}``, Alembic's list of heads).

:mod:`dataops.migrate.actions` chooses the implementation once; the CLI and the sidecar
call the actions, never a migrator directly.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal, Protocol

from dataops.migrate.source import Direction
from dataops.migrate.version_table import NIL_VERSION

Tool = Literal["migrate", "alembic"]  # as in the dataops_migrations history's ``tool`` column
Revision = int | str  # a golang-migrate version (int) or an Alembic revision id (str)
Position = int | list[str]  # a golang-migrate version (-1: none) or the Alembic heads
Mode = Literal["transaction", "no-transaction", "empty"]
FileState = Literal["applied", "pending", "out-of-order", "dirty"]
Checksum = Literal["ok", "changed", "unknown", "missing", "-"]


def nil(version: int) -> int | None:
    """golang-migrate's "no version" (-1) as JSON null."""
    return None if version == NIL_VERSION else version


def duration(seconds: float) -> str:
    return f"{seconds * 1000:.1f}ms" if seconds < 1 else f"{seconds:.3f}s"


def heads_label(heads: list[str]) -> str:
    return ", ".join(heads) if heads else "no version"


@dataclass
class Applied:
    """One migration applied or reverted."""

    version: Revision
    direction: Direction
    file: str | None
    log_string: str  # golang-migrate's ``3/u add_users``
    target: int = NIL_VERSION  # golang-migrate: the version recorded after the step
    seconds: float = 0.0
    mode: Mode = "transaction"
    statements: int = 0

    def as_dict(self, tool: Tool) -> dict[str, Any]:
        if tool == "alembic":
            return {"revision": self.version, "direction": self.direction, "file": self.file}
        return {
            "version": self.version,
            "target": self.target,
            "direction": self.direction,
            "file": self.file,
            "seconds": round(self.seconds, 6),
            "mode": self.mode,
            "statements": self.statements,
        }


@dataclass
class RunResult:
    """What ``up``, ``down`` and ``goto`` did."""

    tool: Tool
    command: str
    from_version: Position
    to_version: Position
    applied: list[Applied] = field(default_factory=list)
    seconds: float | None = None  # Alembic: the whole command (golang-migrate: per step)

    @property
    def no_change(self) -> bool:
        return not self.applied

    def lines(self) -> list[str]:
        """golang-migrate's output: ``3/u add_users (12.1ms)`` (Alembic: ``b2/d doc``)."""
        if self.tool == "alembic":
            return [a.log_string for a in self.applied]
        return [f"{a.log_string} ({duration(a.seconds)})" for a in self.applied]

    def as_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "command": self.command,
            "from_version": _position(self.from_version),
            "to_version": _position(self.to_version),
            "no_change": self.no_change,
        }
        if self.seconds is not None:
            out["seconds"] = round(self.seconds, 6)
        out["applied"] = [a.as_dict(self.tool) for a in self.applied]
        return out


def _position(position: Position) -> int | list[str] | None:
    return nil(position) if isinstance(position, int) else position


@dataclass
class VersionInfo:
    """Where the database is: ``3``, ``3 (dirty)``, ``no version`` (Alembic: its heads)."""

    version: Position
    dirty: bool = False

    def as_dict(self) -> dict[str, Any]:
        if isinstance(self.version, list):
            heads = self.version
            return {"version": heads[0] if len(heads) == 1 else (heads or None)}
        return {"version": nil(self.version), "dirty": self.dirty}

    def __str__(self) -> str:
        if isinstance(self.version, list):
            return heads_label(self.version)
        if self.version == NIL_VERSION and not self.dirty:
            return "no version"
        return f"{self.version} (dirty)" if self.dirty else str(self.version)


@dataclass
class FileStatus:
    """One migration file (or Alembic revision) in ``status``."""

    version: Revision
    name: str
    state: FileState
    applied_at: str | None
    checksum: Checksum
    applied_by: Literal["dataops", "other", ""] = ""

    def as_dict(self, tool: Tool) -> dict[str, Any]:
        out: dict[str, Any] = {
            "revision" if tool == "alembic" else "version": self.version,
            "file": self.name,
            "state": self.state,
            "applied_at": self.applied_at,
            "checksum": self.checksum,
        }
        if tool != "alembic":
            out["applied_by"] = self.applied_by or None
        return out


@dataclass
class Inspection:
    """``status``: the database's position, every file, and the problems found."""

    tool: Tool
    version: Position
    dirty: bool
    files: list[FileStatus]
    adopt: list[Revision]  # applied by another tool in order: recorded as baseline under the lock
    problems: list[str]

    @property
    def version_info(self) -> VersionInfo:
        return VersionInfo(self.version, self.dirty)

    @property
    def changed(self) -> list[FileStatus]:
        return [f for f in self.files if f.checksum == "changed"]

    @property
    def out_of_order(self) -> list[FileStatus]:
        return [f for f in self.files if f.state == "out-of-order"]

    def as_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"version": _position(self.version)}
        if self.tool != "alembic":
            out["dirty"] = self.dirty
        out["files"] = [f.as_dict(self.tool) for f in self.files]
        out["problems"] = self.problems
        return out


@dataclass
class VerifyResult:
    ok: bool
    inspection: Inspection
    accepted: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {"ok": self.ok, "accepted": self.accepted, **self.inspection.as_dict()}


@dataclass
class WaitResult:
    """``wait``: the version reached (Alembic: the heads as text) and how long it took."""

    version: Revision
    target: Revision
    waited: float

    def as_dict(self) -> dict[str, Any]:
        version = nil(self.version) if isinstance(self.version, int) else self.version
        return {"version": version, "target": self.target, "waited": round(self.waited, 3)}


@dataclass
class Created:
    """``create``: the new version and the files written (golang-migrate: up and down)."""

    tool: Tool
    version: str
    paths: list[Path]

    def as_dict(self) -> dict[str, Any]:
        if self.tool == "alembic":
            return {"version": self.version, "path": str(self.paths[0])}
        return {"version": self.version, "up": str(self.paths[0]), "down": str(self.paths[1])}


@dataclass(frozen=True)
class FileFormat:
    """golang-migrate's ``create`` flags (Alembic ignores them)."""

    seq: bool = False
    ext: str = "sql"
    digits: int = 6


class Migrator(Protocol):
    """One command against one database; both implementations take the same lock."""

    tool: Tool

    def up(self, limit: int = -1) -> RunResult: ...

    def down(self, limit: int = -1) -> RunResult: ...

    def goto(self, target: Revision) -> RunResult: ...

    def force(self, target: Revision) -> VersionInfo: ...

    def version(self) -> VersionInfo: ...

    def status(self) -> Inspection: ...

    def verify(self, accept: bool = False) -> VerifyResult: ...

    def wait(
        self, target: Revision | None = None, *, timeout: float = 300.0, interval: float = 1.0
    ) -> WaitResult: ...

    def create(self, name: str, options: FileFormat | None = None) -> Created: ...
