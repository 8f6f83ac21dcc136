"""Optional error reporting to Sentry (``pip install dataops[sentry]``, ``SENTRY_DSN``)."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any

from dataops import __version__
from dataops.log import redactor

if TYPE_CHECKING:
    from dataops.config.settings import Settings

log = logging.getLogger(__name__)
_enabled = False


def _scrub(event: Any, hint: Any) -> Any:
    """Run every string of the event through the log redactor."""
    return redactor.redact_obj(event)


def init(settings: Settings) -> bool:
    """Initialise the SDK when a DSN is configured and the extra is installed."""
    global _enabled
    if settings.sentry_dsn is None:
        return False
    try:
        import sentry_sdk
    except ImportError:
        log.warning("sentry.unavailable", extra={"hint": "pip install 'dataops[sentry]'"})
        return False
    sentry_sdk.init(
        dsn=settings.sentry_dsn.get_secret_value(),
        release=f"dataops@{__version__}",
        environment=settings.sentry_environment,
        send_default_pii=False,
        before_send=_scrub,
        default_integrations=False,
        auto_enabling_integrations=False,
    )
    _enabled = True
    return True


def capture(exc: BaseException, **context: Any) -> None:
    if not _enabled:
        return
    import sentry_sdk

    with sentry_sdk.new_scope() as scope:
        for key, value in context.items():
            scope.set_extra(key, value)
        sentry_sdk.capture_exception(exc)


def flush(timeout: float = 5.0) -> None:
    if _enabled:
        import sentry_sdk

        sentry_sdk.flush(timeout)
