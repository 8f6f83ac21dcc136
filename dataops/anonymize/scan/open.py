"""Pick the :class:`Source` for a dump path or a ``--source`` URL."""

from __future__ import annotations

from pathlib import Path

from dataops import db
from dataops.anonymize.scan.source import Source
from dataops.config.settings import Settings
from dataops.errors import ConfigError

DEFAULT_SAMPLE = 1000


def open_source(
    settings: Settings,
    dump: str | Path | None,
    url: str | None,
    *,
    sample: int = DEFAULT_SAMPLE,
    fmt: str = "auto",
    what: str = "DUMP",
) -> Source:
    if (dump is None) == (url is None):
        raise ConfigError(f"give either {what} or --source URL (one of them)")
    if url is not None:
        try:
            dialect = db.dialect(url)
        except ValueError as exc:
            raise ConfigError(f"--source: {exc}") from None
        if dialect == "postgresql":
            from dataops.anonymize.scan.pglive import PgLive

            return PgLive(settings, url, sample)
        raise ConfigError(f"--source: {dialect} databases are not supported (postgresql:// only)")
    from dataops.anonymize.scan.pgdump import PgDump

    return PgDump(Path(str(dump)), fmt)
