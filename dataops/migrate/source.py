"""Migration folders in golang-migrate's format: ``{version}_{title}.{up|down}.{ext}``.

Parsing follows golang-migrate's ``source.Parse`` exactly (same regular
expression, version an unsigned integer, files that do not match are ignored,
a second file for the same version and direction is an error), and ``create``
writes the same names as ``migrate create`` (UTC ``YYYYMMDDhhmmss`` or, with
``seq``, a zero-padded sequence number).
"""

from __future__ import annotations

import bisect
import datetime as dt
import hashlib
import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from dataops.errors import ConfigError, OperationError

Direction = Literal["up", "down"]

# golang-migrate source/parse.go: `^([0-9]+)_(.*)\.(down|up)\.(.*)$`
FILE_RE = re.compile(r"^([0-9]+)_(.*)\.(down|up)\.(.*)$", re.DOTALL)
MAX_VERSION = 2**63 - 1  # the version column is a signed bigint
TIME_FORMAT = "%Y%m%d%H%M%S"  # golang-migrate's default "20060102150405"
SEQ_DIGITS = 6


@dataclass(frozen=True)
class MigrationFile:
    version: int
    identifier: str
    direction: Direction
    path: Path

    @property
    def name(self) -> str:
        return self.path.name

    def read_text(self) -> str:
        try:
            return self.path.read_bytes().decode("utf-8")
        except UnicodeDecodeError as exc:
            raise ConfigError(f"{self.name}: not valid UTF-8 ({exc.reason})") from None
        except OSError as exc:
            raise OperationError(f"{self.name}: cannot read: {exc.strerror}") from None

    def sha256(self) -> str:
        return hashlib.sha256(self.path.read_bytes()).hexdigest()


@dataclass
class Migration:
    """The up and/or down file of one version."""

    version: int
    up: MigrationFile | None = None
    down: MigrationFile | None = None

    @property
    def identifier(self) -> str:
        f = self.up or self.down
        return f.identifier if f else ""

    def file(self, direction: Direction) -> MigrationFile | None:
        return self.up if direction == "up" else self.down


def parse_name(name: str) -> tuple[int, str, Direction] | None:
    """``(version, identifier, direction)`` of a file name, or None if it is not a migration."""
    m = FILE_RE.match(name)
    if not m:
        return None
    version = int(m.group(1))
    if version > MAX_VERSION:
        raise ConfigError(f"{name}: version {version} is larger than {MAX_VERSION}")
    direction: Direction = "up" if m.group(3) == "up" else "down"
    return version, m.group(2), direction


@dataclass
class Source:
    """All migrations of one folder, by version."""

    path: Path
    migrations: dict[int, Migration] = field(default_factory=dict)

    @property
    def versions(self) -> list[int]:
        return sorted(self.migrations)

    def __contains__(self, version: int) -> bool:
        return version in self.migrations

    def get(self, version: int) -> Migration:
        return self.migrations[version]

    def first(self) -> int | None:
        versions = self.versions
        return versions[0] if versions else None

    def last(self) -> int | None:
        versions = self.versions
        return versions[-1] if versions else None

    def next(self, version: int) -> int | None:
        versions = self.versions
        i = bisect.bisect_right(versions, version)
        return versions[i] if i < len(versions) else None

    def prev(self, version: int) -> int | None:
        versions = self.versions
        i = bisect.bisect_left(versions, version)
        return versions[i - 1] if i > 0 else None


def load(path: Path) -> Source:
    """Read a migrations folder (not recursive); ConfigError on duplicates or a missing folder."""
    path = Path(path)
    if not path.is_dir():
        raise ConfigError(f"migrations folder {path} does not exist or is not a directory")
    source = Source(path=path)
    for entry in sorted(os.scandir(path), key=lambda e: e.name):
        if entry.is_dir():
            continue
        parsed = parse_name(entry.name)
        if parsed is None:
            continue
        version, identifier, direction = parsed
        mig = source.migrations.setdefault(version, Migration(version))
        if mig.file(direction) is not None:
            other = mig.file(direction)
            assert other is not None
            raise ConfigError(
                f"duplicate migration file: {entry.name}",
                details=[f"version {version} {direction} is also {other.name}"],
            )
        mf = MigrationFile(version, identifier, direction, Path(entry.path))
        if direction == "up":
            mig.up = mf
        else:
            mig.down = mf
    return source


@dataclass(frozen=True)
class Created:
    version: str
    up: Path
    down: Path


def create(
    directory: Path,
    name: str,
    *,
    seq: bool = False,
    ext: str = "sql",
    digits: int = SEQ_DIGITS,
    now: dt.datetime | None = None,
) -> Created:
    """Write an empty up/down pair, named like ``migrate create [-seq]``."""
    if not name or "/" in name or os.sep in name:
        raise ConfigError(f"invalid migration name {name!r}")
    if digits <= 0:
        raise ConfigError("Digits must be positive")
    ext = "." + ext.lstrip(".")
    if ext == "." or "/" in ext or os.sep in ext:
        raise ConfigError(f"invalid migration file extension {ext[1:]!r}")
    directory = Path(directory)
    if seq:
        existing = sorted(p.name for p in directory.glob("*" + ext)) if directory.is_dir() else []
        nxt = 1
        if existing:
            last = existing[-1]
            idx = last.find("_")
            if idx < 1 or not last[:idx].isdigit():
                raise ConfigError(f"Malformed migration filename: {last}")
            nxt = int(last[:idx]) + 1
        version = f"{nxt:0{digits}d}"
        if len(version) > digits:
            raise ConfigError(
                f"Next sequence number {version} too large. At most {digits} digits are allowed"
            )
    else:
        when = now or dt.datetime.now(dt.UTC)
        version = when.astimezone(dt.UTC).strftime(TIME_FORMAT)
    if directory.is_dir() and list(directory.glob(f"{version}_*{ext}")):
        raise ConfigError(f"duplicate migration version: {version}")
    directory.mkdir(parents=True, exist_ok=True)
    paths = []
    for direction in ("up", "down"):
        target = directory / f"{version}_{name}.{direction}{ext}"
        try:
            with target.open("x"):
                pass
        except FileExistsError:
            raise ConfigError(f"{target} already exists") from None
        paths.append(target)
    return Created(version, paths[0], paths[1])
