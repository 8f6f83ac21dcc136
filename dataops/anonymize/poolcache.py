"""Where the anonymizer keeps its Faker value pools: the shared :mod:`dataops.fakerpool` cache.

``DATAOPS_ANONYMIZE_POOL_CACHE`` (``Settings.anonymize_pool_cache``): a directory, or
``off`` to disable; the default is ``$XDG_CACHE_HOME/dataops/anonymize-pools``.  The
action calls :func:`configure` with the setting before it builds transforms.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from dataops.fakerpool import PoolCache, cache_dir, faker_version

__all__ = ["PoolCache", "configure", "current", "default_cache_dir", "faker_version"]

DIRECTORY_NAME = "anonymize-pools"


def default_cache_dir(configured: str | None = None) -> Path | None:
    """The cache directory for a ``DATAOPS_ANONYMIZE_POOL_CACHE`` value; None when off."""
    return cache_dir(configured, DIRECTORY_NAME)


_UNSET: Any = object()
_configured: Any = _UNSET


def configure(setting: str | None) -> None:
    """Use the cache a ``DATAOPS_ANONYMIZE_POOL_CACHE`` setting names (the action calls this)."""
    global _configured
    directory = default_cache_dir(setting)
    _configured = PoolCache(directory, "anonymize.pool_cache") if directory is not None else None


def current() -> PoolCache | None:
    """The configured cache; unconfigured (library use), the default directory."""
    if _configured is _UNSET:
        configure(None)
    cache: PoolCache | None = _configured
    return cache
