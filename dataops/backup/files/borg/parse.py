"""Borg's output read back: ``create``/``info``/``list --json``, versions, a repository's ``config``."""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from dataops.errors import DependencyError, OperationError

_VERSION = re.compile(r"(\d+)\.(\d+)\.(\d+)")


def parse_version(text: str) -> tuple[int, int, int]:
    match = _VERSION.search(text)
    if not match:
        raise DependencyError(f"borg: cannot read a version from {text.strip()[:80]!r}")
    major, minor, patch = (int(g) for g in match.groups())
    return major, minor, patch


def parse_time(value: str) -> dt.datetime:
    """Borg's JSON time (ISO 8601, local time, no offset; dataops runs Borg with TZ=UTC)."""
    parsed = dt.datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=dt.UTC)
    return parsed.astimezone(dt.UTC)


@dataclass(frozen=True)
class ArchiveStats:
    """One archive as ``create --json`` / ``info --json`` describe it (times in UTC)."""

    name: str
    id: str
    start: dt.datetime
    end: dt.datetime
    duration: float
    original_size: int
    compressed_size: int
    deduplicated_size: int
    nfiles: int

    def as_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "id": self.id,
            "start": self.start.isoformat(),
            "end": self.end.isoformat(),
            "duration_seconds": round(self.duration, 3),
            "original_size": self.original_size,
            "compressed_size": self.compressed_size,
            "deduplicated_size": self.deduplicated_size,
            "nfiles": self.nfiles,
        }


@dataclass(frozen=True)
class ArchiveEntry:
    """One line of ``list --json``."""

    name: str
    id: str
    time: dt.datetime

    def as_dict(self) -> dict[str, Any]:
        return {"name": self.name, "id": self.id, "time": self.time.isoformat()}


def _json(raw: bytes | str, what: str) -> Any:
    text = raw.decode("utf-8", "replace") if isinstance(raw, bytes) else raw
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise OperationError(
            f"unexpected output from borg {what}: not JSON ({exc.msg} at line {exc.lineno})"
        ) from None


def _archive_stats(item: Mapping[str, Any]) -> ArchiveStats:
    stats = item.get("stats") or {}
    return ArchiveStats(
        name=str(item["name"]),
        id=str(item.get("id", "")),
        start=parse_time(str(item["start"])),
        end=parse_time(str(item["end"])),
        duration=float(item.get("duration") or 0.0),
        original_size=int(stats.get("original_size") or 0),
        compressed_size=int(stats.get("compressed_size") or 0),
        deduplicated_size=int(stats.get("deduplicated_size") or 0),
        nfiles=int(stats.get("nfiles") or 0),
    )


def parse_create(raw: bytes | str) -> ArchiveStats:
    """``borg create --json``: the new archive."""
    data = _json(raw, "create")
    try:
        return _archive_stats(data["archive"])
    except (KeyError, TypeError, ValueError) as exc:
        raise OperationError(f"unexpected output from borg create: {exc!r}") from None


def parse_info(raw: bytes | str) -> ArchiveStats:
    """``borg info --json REPO::ARCHIVE``: that archive."""
    data = _json(raw, "info")
    try:
        return _archive_stats(data["archives"][0])
    except (KeyError, IndexError, TypeError, ValueError) as exc:
        raise OperationError(f"unexpected output from borg info: {exc!r}") from None


@dataclass(frozen=True)
class RepoListing:
    repository_id: str
    last_modified: dt.datetime | None
    archives: list[ArchiveEntry] = field(default_factory=list)


def parse_list(raw: bytes | str) -> RepoListing:
    """``borg list --json REPO``: archives oldest first."""
    data = _json(raw, "list")
    try:
        archives = [
            ArchiveEntry(
                name=str(a["name"]),
                id=str(a.get("id", "")),
                time=parse_time(str(a.get("start") or a["time"])),
            )
            for a in data["archives"]
        ]
        repo = data.get("repository") or {}
        modified = repo.get("last_modified")
        listing = RepoListing(
            repository_id=str(repo.get("id", "")),
            last_modified=parse_time(str(modified)) if modified else None,
            archives=sorted(archives, key=lambda a: (a.time, a.name)),
        )
    except (KeyError, TypeError, ValueError) as exc:
        raise OperationError(f"unexpected output from borg list: {exc!r}") from None
    return listing


def read_repository_id(repo: Path) -> str | None:
    """The ``id`` in a Borg 1.x repository's ``config`` file (None if there is none)."""
    return (
        parse_repository_config((repo / "config").read_text("utf-8", "replace"))
        if (repo / "config").is_file()
        else None
    )


def parse_repository_config(text: str) -> str | None:
    import configparser

    parser = configparser.ConfigParser(interpolation=None)
    try:
        parser.read_string(text)
        return parser.get("repository", "id", fallback=None)
    except configparser.Error:
        return None
