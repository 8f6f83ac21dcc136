"""Archive engines for ``dataops anonymize``: pg_dump's custom (-Fc) and directory (-Fd) formats.

``ENGINES`` maps a format name to its entry point:

* ``custom``: ``anonymize_custom(plan, source: BinaryIO, out: BinaryIO | None, *, jobs=None,
  progress=None, row_hook=None, preview_rows=None)`` -- streams in and out, so the
  input may be a pipe and the output stdout or a temp file renamed at the end;
* ``directory``: ``anonymize_directory(plan, src: Path, dst: Path | None, *, jobs=None,
  progress=None, row_hook=None, preview_rows=None)`` -- writes ``dst`` atomically
  (temp directory + rename).

Both return the per-table :class:`~dataops.anonymize.engine_api.TableStats` and
check the plan against the archive before writing anything.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from dataops.anonymize.engines.custom import anonymize_custom
from dataops.anonymize.engines.directory import anonymize_directory, is_directory_archive
from dataops.anonymize.pgarchive import MAGIC

ENGINES: dict[str, Callable[..., Any]] = {
    "custom": anonymize_custom,
    "directory": anonymize_directory,
}


def sniff_format(path: Path | None, head: bytes = b"") -> str | None:
    """``directory`` or ``custom`` when ``path`` (or the first bytes ``head``) is such an archive."""
    if path is not None and is_directory_archive(path):
        return "directory"
    if not head and path is not None and path.is_file():
        with path.open("rb") as fh:
            head = fh.read(len(MAGIC))
    if head.startswith(MAGIC):
        return "custom"
    return None


__all__ = ["ENGINES", "anonymize_custom", "anonymize_directory", "sniff_format"]
