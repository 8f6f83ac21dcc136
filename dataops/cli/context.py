"""State shared by the click commands of one invocation."""

from __future__ import annotations

import sys
from typing import Any

import click

from dataops.config.settings import Settings, load_settings


class AppContext:
    """Loads settings on first use (so ``--help`` works with a broken environment)."""

    def __init__(self) -> None:
        self._settings: Settings | None = None

    def settings(self, **overrides: Any) -> Settings:
        if self._settings is None or overrides:
            from dataops import execute, sentry
            from dataops import log as logsetup

            self._settings = load_settings(**overrides)
            logsetup.setup(self._settings.log_level, self._settings.log_format)
            execute.configure(kill_grace=self._settings.kill_grace)
            sentry.init(self._settings)
        return self._settings


def app(ctx: click.Context) -> AppContext:
    obj = ctx.find_object(AppContext)
    if obj is None:
        obj = ctx.ensure_object(AppContext)
    return obj


def stdout_is_tty() -> bool:
    return sys.stdout.isatty()
