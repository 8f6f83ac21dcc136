"""Database URLs and engines: the one place that knows driver names."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # SQLAlchemy costs ~0.1 s to import: only commands that use a database pay
    from sqlalchemy.engine import URL, Engine

_DRIVERS = {
    "postgres": "postgresql+psycopg",
    "postgresql": "postgresql+psycopg",
    "mysql": "mysql+pymysql",
    "mariadb": "mysql+pymysql",
    "sqlite": "sqlite",
}


def normalize_url(raw: str) -> str:
    """Map ``postgresql://``, ``mysql://``, ``sqlite:///`` to the bundled drivers.

    Raises ValueError (without echoing the URL, which may hold a password).
    """
    from sqlalchemy.engine import make_url
    from sqlalchemy.exc import ArgumentError

    try:
        url = make_url(raw)
    except ArgumentError:
        raise ValueError("not a valid database URL (expected e.g. postgresql://host/db)") from None
    backend = url.get_backend_name()
    if url.drivername in _DRIVERS:
        url = url.set(drivername=_DRIVERS[url.drivername])
    elif backend not in ("postgresql", "mysql", "mariadb", "sqlite"):
        raise ValueError(f"unsupported database scheme {url.drivername!r}")
    return url.render_as_string(hide_password=False)


def masked_url(raw: str) -> str:
    from sqlalchemy.engine import make_url
    from sqlalchemy.exc import ArgumentError

    try:
        return make_url(raw).render_as_string(hide_password=True)
    except ArgumentError:
        return "***"


def parse(raw: str) -> URL:
    from sqlalchemy.engine import make_url

    return make_url(normalize_url(raw))


def dialect(raw: str) -> str:
    """``postgresql``, ``mysql`` or ``sqlite``."""
    name = parse(raw).get_backend_name()
    return "mysql" if name == "mariadb" else name


def engine(raw: str, **kwargs: Any) -> Engine:
    url = parse(raw)
    if url.get_backend_name() in ("postgresql", "mysql"):
        kwargs.setdefault("connect_args", {}).setdefault("connect_timeout", 5)
    kwargs.setdefault("pool_pre_ping", True)
    from sqlalchemy import create_engine

    return create_engine(url, **kwargs)


def libpq_env(raw: str) -> dict[str, str]:
    """PG* environment for libpq tools (pg_dump, psql, wal-g): the password never goes in argv."""
    url = parse(raw)
    env = {}
    if url.host:
        env["PGHOST"] = url.host
    if url.port:
        env["PGPORT"] = str(url.port)
    if url.username:
        env["PGUSER"] = url.username
    if url.password:
        env["PGPASSWORD"] = str(url.password)
    if url.database:
        env["PGDATABASE"] = url.database
    sslmode = url.query.get("sslmode")
    if isinstance(sslmode, str):
        env["PGSSLMODE"] = sslmode
    return env
