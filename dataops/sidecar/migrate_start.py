"""``migrate up`` once at start (``migrate_at_start: true``), under the migrate lock, so the
same image serves as an init container."""

from __future__ import annotations

import importlib
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from dataops.config.settings import Settings


def find_action(module: str, name: str) -> Callable[..., Any] | None:
    """``module.name`` if that module imports and has it (the typed migrate actions are
    newer than the runner), else None."""
    try:
        loaded = importlib.import_module(module)
    except ImportError:
        return None
    action = getattr(loaded, name, None)
    return action if callable(action) else None


def migrate_up(settings: Settings) -> dict[str, Any]:
    """Apply every pending migration (the typed action when present, else the runner)."""
    from dataops.migrate.actions import UpOptions, up

    result: Any = up(settings, UpOptions())
    summary: dict[str, Any] = {}
    if hasattr(result, "as_dict"):
        data = result.as_dict()
        summary = {k: data[k] for k in ("applied", "from_version", "to_version") if k in data}
        if isinstance(summary.get("applied"), list):
            summary["applied"] = len(summary["applied"])
    return summary
