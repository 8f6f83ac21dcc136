"""Bulk loaders, one module per database: COPY, multi-row INSERT, executemany."""

from dataops.demo.loaders.base import Loader, registry

__all__ = ["Loader", "registry"]
