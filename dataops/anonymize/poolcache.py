"""A disk cache for the anonymizer's Faker value pools.

Building the pools of a rules file calls Faker a few thousand times per provider
(≈0.15 s each), on every run.  A pool depends only on (Faker's version, provider,
locale, arguments, size) -- never on the data or the secret -- so it can be kept
on disk and read back by the next run, byte for byte the same values.

Entries are JSON files named by a hash of those parameters.  Each holds the
parameters again and a SHA-256 of its values; an entry that cannot be read, does
not parse, names other parameters or fails its checksum is ignored (and rewritten
after the pool is rebuilt), so a damaged cache only costs time.  Writes go to a
temporary file renamed into place, so readers never see half an entry.

``DATAOPS_ANONYMIZE_POOL_CACHE``: a directory, or ``off`` to disable; the default
is ``$XDG_CACHE_HOME/dataops/anonymize-pools`` (``~/.cache/dataops/...``).
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import json
import logging
import os
import tempfile
from pathlib import Path
from typing import Any

log = logging.getLogger(__name__)

CACHE_FORMAT = 1
ENV = "DATAOPS_ANONYMIZE_POOL_CACHE"
_OFF = ("off", "0", "false", "no")


def default_cache_dir(configured: str | None = None) -> Path | None:
    """The cache directory for a ``DATAOPS_ANONYMIZE_POOL_CACHE`` value; None when off."""
    configured = (configured or "").strip()
    if configured.lower() in _OFF:
        return None
    if configured:
        return Path(configured).expanduser()
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "dataops" / "anonymize-pools"


@functools.cache
def faker_version() -> str:
    """The installed Faker's version, without importing Faker (it takes ≈0.15 s)."""
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("Faker")
    except PackageNotFoundError:  # pragma: no cover - Faker is a dependency
        return "unknown"


def _checksum(values: list[str]) -> str:
    return hashlib.sha256(json.dumps(values, ensure_ascii=False).encode()).hexdigest()


class PoolCache:
    """Pools of text values on disk, one JSON file per pool."""

    def __init__(self, directory: Path) -> None:
        self.directory = directory

    @staticmethod
    def _params(kind: str, parts: tuple[str, ...]) -> list[str]:
        return [str(CACHE_FORMAT), faker_version(), kind, *parts]

    def path(self, kind: str, parts: tuple[str, ...]) -> Path:
        params = self._params(kind, parts)
        digest = hashlib.sha256("\0".join(params).encode()).hexdigest()
        return self.directory / f"{digest[:40]}.json"

    def get(self, kind: str, parts: tuple[str, ...]) -> list[str] | None:
        """The cached values, or None when missing or not trustworthy."""
        path = self.path(kind, parts)
        try:
            data = json.loads(path.read_bytes())
        except FileNotFoundError:
            return None
        except (OSError, ValueError) as exc:
            log.debug(
                "anonymize.pool_cache_unreadable", extra={"path": str(path), "error": str(exc)}
            )
            return None
        values = data.get("values") if isinstance(data, dict) else None
        if (
            not isinstance(values, list)
            or data.get("params") != self._params(kind, parts)
            or not all(isinstance(v, str) for v in values)
            or data.get("sha256") != _checksum(values)
        ):
            log.debug("anonymize.pool_cache_corrupt", extra={"path": str(path)})
            return None
        return values

    def put(self, kind: str, parts: tuple[str, ...], values: list[str]) -> None:
        """Store ``values`` atomically; an unwritable cache is only logged."""
        path = self.path(kind, parts)
        entry = {"params": self._params(kind, parts), "sha256": _checksum(values), "values": values}
        tmp: str | None = None
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".pool-", suffix=".tmp")
            with os.fdopen(fd, "w", encoding="utf-8") as fh:
                json.dump(entry, fh, ensure_ascii=False)
            Path(tmp).replace(path)
            tmp = None
        except (OSError, ValueError) as exc:
            log.debug(
                "anonymize.pool_cache_unwritable", extra={"path": str(path), "error": str(exc)}
            )
        finally:
            if tmp is not None:
                with contextlib.suppress(OSError):
                    Path(tmp).unlink()


_UNSET: Any = object()
_configured: Any = _UNSET


def configure(setting: str | None) -> None:
    """Use the cache a ``DATAOPS_ANONYMIZE_POOL_CACHE`` setting names (the CLI calls this)."""
    global _configured
    directory = default_cache_dir(setting)
    _configured = PoolCache(directory) if directory is not None else None


def current() -> PoolCache | None:
    """The configured cache; unconfigured, the environment variable decides."""
    global _configured
    if _configured is _UNSET:
        configure(os.environ.get(ENV))
    cache: PoolCache | None = _configured
    return cache
