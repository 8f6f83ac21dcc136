"""The Faker pool disk cache shared by ``dataops anonymize`` and ``dataops demo``.

Both draw Faker values once per (provider, locale, arguments, size) into pools.
Drawing costs ≈0.15 s per provider on every run, but a pool depends only on those
parameters and Faker's version -- never on the data or a secret -- so it is kept on
disk and read back by the next run, the same values in the same order.

Entries are JSON files named by a hash of the parameters; each holds the parameters
again and a SHA-256 of its values.  An entry that cannot be read, does not parse,
names other parameters or fails its checksum is ignored (and rewritten after the
pool is rebuilt), so a damaged cache only costs time.  Writes are atomic
(:func:`dataops.fsutil.atomic_write`).  Only JSON scalars (text, numbers, booleans,
null) are cached: other values would not come back with the same type.

The directory is a setting per feature (``DATAOPS_ANONYMIZE_POOL_CACHE``,
``DATAOPS_DEMO_POOL_CACHE``): a path, or ``off``; by default
``$XDG_CACHE_HOME/dataops/<name>`` (``~/.cache/dataops/...``).
"""

from __future__ import annotations

import functools
import hashlib
import json
import logging
import os
from pathlib import Path
from typing import Any

from dataops.fsutil import atomic_write

log = logging.getLogger(__name__)

CACHE_FORMAT = 1
OFF = ("off", "0", "false", "no")


def cache_dir(configured: str | None, name: str) -> Path | None:
    """The cache directory for a setting's value; None when it is ``off``."""
    configured = (configured or "").strip()
    if configured.lower() in OFF:
        return None
    if configured:
        return Path(configured).expanduser()
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "dataops" / name


@functools.cache
def faker_version() -> str:
    """The installed Faker's version, without importing Faker (it takes ≈0.15 s)."""
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("Faker")
    except PackageNotFoundError:  # pragma: no cover - Faker is a dependency
        return "unknown"


def _checksum(values: list[Any]) -> str:
    return hashlib.sha256(json.dumps(values, ensure_ascii=False).encode()).hexdigest()


def cacheable(values: list[Any]) -> bool:
    """Only values JSON gives back with the same type (text, numbers, booleans, null)."""
    return all(v is None or isinstance(v, str | int | float) for v in values)


class PoolCache:
    """Pools of JSON scalar values on disk, one JSON file per pool."""

    def __init__(self, directory: Path, event_prefix: str = "pool_cache") -> None:
        self.directory = directory
        self.event_prefix = event_prefix

    @staticmethod
    def _params(kind: str, parts: tuple[str, ...]) -> list[str]:
        return [str(CACHE_FORMAT), faker_version(), kind, *parts]

    def path(self, kind: str, parts: tuple[str, ...]) -> Path:
        params = self._params(kind, parts)
        digest = hashlib.sha256("\0".join(params).encode()).hexdigest()
        return self.directory / f"{digest[:40]}.json"

    def get(self, kind: str, parts: tuple[str, ...]) -> list[Any] | None:
        """The cached values, or None when missing or not trustworthy."""
        path = self.path(kind, parts)
        try:
            data = json.loads(path.read_bytes())
        except FileNotFoundError:
            return None
        except (OSError, ValueError) as exc:
            log.debug(
                f"{self.event_prefix}_unreadable", extra={"path": str(path), "error": str(exc)}
            )
            return None
        values = data.get("values") if isinstance(data, dict) else None
        if (
            not isinstance(values, list)
            or data.get("params") != self._params(kind, parts)
            or not cacheable(values)
            or data.get("sha256") != _checksum(values)
        ):
            log.debug(f"{self.event_prefix}_corrupt", extra={"path": str(path)})
            return None
        return values

    def put(self, kind: str, parts: tuple[str, ...], values: list[Any]) -> None:
        """Store ``values`` atomically; an unwritable cache is only logged."""
        if not cacheable(values):
            return
        path = self.path(kind, parts)
        entry = {"params": self._params(kind, parts), "sha256": _checksum(values), "values": values}
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            atomic_write(path, json.dumps(entry, ensure_ascii=False))
        except (OSError, ValueError) as exc:
            log.debug(
                f"{self.event_prefix}_unwritable", extra={"path": str(path), "error": str(exc)}
            )
