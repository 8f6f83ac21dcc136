"""``backup files check``: ``borg check`` of the local repository and ``rclone check`` of
its off-site copy (under the repository lock, so a running backup cannot skew it)."""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass
from typing import Any

from dataops.backup.files.config import offsite_configured, open_borg
from dataops.backup.files.listing import require_local
from dataops.backup.files.offsite import OffsiteResult, run_under_lock
from dataops.config.settings import Settings
from dataops.errors import EXIT_FAILED, DataopsError

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class CheckResult:
    repository: str
    verify_data: bool
    local_ok: bool
    local_error: str | None
    local_details: list[str]
    offsite: OffsiteResult | None  # None: no object storage configured
    seconds: float

    @property
    def ok(self) -> bool:
        return self.local_ok and (self.offsite is None or self.offsite.ok)

    def failure(self) -> DataopsError | None:
        """The error to end the command with; exit 3 only when storage was the problem."""
        if self.ok:
            return None
        problems: list[str] = []
        code = EXIT_FAILED
        if not self.local_ok:
            problems.append(f"borg check: {self.local_error}")
            problems += self.local_details
        if self.offsite is not None and not self.offsite.ok:
            problems.append(f"off-site copy: {self.offsite.error}")
            problems += self.offsite.details
            if self.local_ok:
                code = self.offsite.exit_code or EXIT_FAILED
        err = DataopsError("check failed", details=problems)
        err.exit_code = code
        return err

    def as_dict(self) -> dict[str, Any]:
        return {
            "ok": self.ok,
            "repository": self.repository,
            "verify_data": self.verify_data,
            "local": {
                "ok": self.local_ok,
                "error": self.local_error,
                "details": self.local_details,
            },
            "offsite": self.offsite.as_dict() if self.offsite else None,
            "seconds": round(self.seconds, 3),
        }


def check(settings: Settings, *, verify_data: bool = False) -> CheckResult:
    started = time.monotonic()
    borg = open_borg(settings)
    require_local(borg)
    local_ok, local_error, local_details = True, None, []
    try:
        borg.check(verify_data=verify_data)
    except DataopsError as exc:
        if exc.exit_code != EXIT_FAILED:
            raise  # passphrase missing, tool missing: not a finding about the repository
        local_ok, local_error, local_details = False, exc.message, exc.details
    offsite = run_under_lock(settings, borg, "check") if offsite_configured(settings) else None
    return CheckResult(
        repository=str(borg.repo),
        verify_data=verify_data,
        local_ok=local_ok,
        local_error=local_error,
        local_details=local_details,
        offsite=offsite,
        seconds=time.monotonic() - started,
    )
