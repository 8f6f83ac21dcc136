"""Connections for ``dataops demo``: the database URL (``--db`` or the setting) and connect."""

from __future__ import annotations

from typing import Any

from sqlalchemy.engine import Connection
from sqlalchemy.exc import SQLAlchemyError

from dataops import db
from dataops.config.settings import Settings
from dataops.errors import ConfigError, DependencyError, NoDatabaseError
from dataops.log import redact, register_secret


def database_url(settings: Settings, override: str | None) -> str:
    raw = override or settings.database_url_value
    if not raw:
        raise NoDatabaseError()
    try:
        url = db.normalize_url(raw)
    except ValueError as exc:
        raise ConfigError(f"--db: {exc}") from None
    register_secret(db.parse(url).password)
    return url


def db_message(exc: BaseException) -> str:
    orig = getattr(exc, "orig", None) or exc
    lines = str(orig).strip().splitlines()
    return redact(lines[0] if lines else type(orig).__name__)


def connect(url: str, bulk: bool = False) -> Connection:
    """A connection; ``bulk`` enables LOAD DATA LOCAL INFILE on MySQL/MariaDB."""
    kwargs: dict[str, Any] = {}
    if bulk and db.dialect(url) == "mysql":
        kwargs["connect_args"] = {"local_infile": True}
    try:
        conn = db.engine(url, **kwargs).connect()
        if conn.dialect.name == "sqlite":
            # enforce foreign keys on this connection (before any transaction starts)
            conn.connection.driver_connection.execute("PRAGMA foreign_keys = ON")  # type: ignore[union-attr]
        return conn
    except SQLAlchemyError as exc:
        raise DependencyError(
            f"cannot connect to {db.masked_url(url)}: {db_message(exc)}"
        ) from None
