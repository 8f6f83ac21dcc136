"""Jobs whose feature ships in another package of dataops: found at run time, or reported
as "feature not installed" (the job is listed, never scheduled, and /status says why)."""

from __future__ import annotations

import importlib
from collections.abc import Callable
from typing import Any


def find_action(module: str, name: str) -> Callable[..., Any] | None:
    """``module.name`` if that module imports and has it, else None."""
    try:
        loaded = importlib.import_module(module)
    except ImportError:
        return None
    action = getattr(loaded, name, None)
    return action if callable(action) else None


def not_installed(module: str, name: str) -> str | None:
    if find_action(module, name) is None:
        return f"feature not installed: {module}.{name} is not part of this dataops"
    return None
