"""``migrate up`` once at start (``migrate_at_start: true``), under the migrate lock, so the
same image serves as an init container."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from dataops.config.settings import Settings


def migrate_up(settings: Settings) -> dict[str, Any]:
    """Apply every pending migration (the typed action ``migrate.actions.up``)."""
    from dataops.migrate.actions import UpOptions, up

    data = up(settings, UpOptions()).as_dict()
    summary = {k: data[k] for k in ("from_version", "to_version") if k in data}
    summary["applied"] = len(data.get("applied") or [])
    return summary
