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
        if dialect == "mysql":
            from dataops.anonymize.scan.mylive import MyLive

            return MyLive(url, sample)
        raise ConfigError(f"--source: {dialect} is not supported (postgresql:// or mysql://)")
    path = Path(str(dump))
    from dataops.anonymize.scan import mydump

    if fmt == "mysql" or (fmt == "auto" and path.is_file() and mydump.looks_like(path)):
        return mydump.MyDump(path)
    from dataops.anonymize.scan.pgdump import PgDump

    return PgDump(path, fmt)
