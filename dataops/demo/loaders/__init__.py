"""Bulk loaders, one module per database: COPY, multi-row INSERT, executemany.

:func:`registry` maps a SQLAlchemy dialect name to its loader; the contract every
loader implements is :class:`~dataops.demo.loaders.base.Loader`.  A new database is
a module here and one line in the registry.
"""

from __future__ import annotations

from dataops.demo.loaders.base import Loader, LoaderFactory
from dataops.demo.loaders.mysql import MySQLLoader
from dataops.demo.loaders.postgres import PostgresLoader
from dataops.demo.loaders.sqlite import SQLiteLoader

__all__ = ["Loader", "LoaderFactory", "registry"]


def registry() -> dict[str, LoaderFactory]:
    """Loader factories by dialect name."""
    return {"postgresql": PostgresLoader, "mysql": MySQLLoader, "sqlite": SQLiteLoader}
