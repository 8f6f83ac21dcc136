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


def quote_userinfo(raw: str) -> str:
    """``raw`` with its user name and password percent-encoded, the userinfo ending at
    the authority's LAST ``@`` (as RFC 3986 parsers such as Python's and Go's do): a
    password holding an unescaped ``@`` or ``:`` must never be split into a "host" that
    errors and logs would print.

    Already-encoded parts stay as they are (``%40`` decodes and re-encodes the same).
    """
    from urllib.parse import quote, unquote

    scheme, sep, rest = raw.partition("://")
    if not sep:
        return raw
    at = _userinfo_end(rest)
    if at < 0:
        return raw
    userinfo, hostpart = rest[:at], rest[at + 1 :]
    user, colon, password = userinfo.partition(":")
    encoded = quote(unquote(user), safe="")
    if colon:
        encoded += ":" + quote(unquote(password), safe="")
    return f"{scheme}://{encoded}@{hostpart}"


def _userinfo_end(rest: str) -> int:
    """Index of the ``@`` ending the userinfo in ``rest`` (after ``scheme://``), or -1:
    the last ``@`` before the query (``?``) or fragment (``#``).  So a password may
    hold ``@``, ``:`` and ``/`` (common in generated passwords) unescaped; ``?`` and
    ``#`` must be percent-encoded.  (A database name cannot hold an ``@``.)"""
    if rest.startswith("/"):  # no authority (sqlite:///path, postgresql:///db)
        return -1
    end = len(rest)
    for ch in "?#":
        i = rest.find(ch)
        if i >= 0:
            end = min(end, i)
    return rest.rfind("@", 0, end)


def make_url(raw: str) -> URL:
    """SQLAlchemy's ``make_url`` with the userinfo split at the last ``@``."""
    from sqlalchemy.engine import make_url as _make_url

    return _make_url(quote_userinfo(raw))


def normalize_url(raw: str) -> str:
    """Map ``postgresql://``, ``mysql://``, ``sqlite:///`` to the bundled drivers.

    Raises ValueError (without echoing the URL, which may hold a password).
    """
    from sqlalchemy.exc import ArgumentError

    try:
        url = make_url(raw)
    except (ArgumentError, ValueError):  # never echo the URL: it may hold a password
        raise ValueError("not a valid database URL (expected e.g. postgresql://host/db)") from None
    backend = url.get_backend_name()
    if url.drivername in _DRIVERS:
        url = url.set(drivername=_DRIVERS[url.drivername])
    elif backend not in ("postgresql", "mysql", "mariadb", "sqlite"):
        raise ValueError(f"unsupported database scheme {url.drivername!r}")
    return url.render_as_string(hide_password=False)


def masked_url(raw: str) -> str:
    """The URL with its password as ``***`` (``***`` alone when it cannot be parsed)."""
    from sqlalchemy.exc import ArgumentError

    try:
        return make_url(raw).render_as_string(hide_password=True)
    except (ArgumentError, ValueError):
        return "***"


def masked_endpoint(raw: str) -> str:
    """An ``http(s)://user:password@host`` endpoint with its userinfo as ``***``."""
    scheme, sep, rest = raw.partition("://")
    if not sep:
        return raw
    at = _userinfo_end(rest)
    return raw if at < 0 else f"{scheme}://***@{rest[at + 1 :]}"


def endpoint_secret(raw: str) -> str | None:
    """The userinfo of an endpoint URL (for the log redaction), if any."""
    _scheme, sep, rest = raw.partition("://")
    at = _userinfo_end(rest) if sep else -1
    return rest[:at] if at > 0 else None


def parse(raw: str) -> URL:
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
