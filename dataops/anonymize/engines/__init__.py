"""Archive engines for ``dataops anonymize``: pg_dump's custom (-Fc) and directory (-Fd) formats.

* ``custom``: ``anonymize_custom(plan, source: BinaryIO, out: BinaryIO | None, *, jobs=None,
  progress=None, row_hook=None, preview_rows=None)`` -- streams in and out, so the
  input may be a pipe and the output stdout or a temp file renamed at the end;
* ``directory``: ``anonymize_directory(plan, src: Path, dst: Path | None, *, jobs=None,
  progress=None, row_hook=None, preview_rows=None)`` -- writes ``dst`` atomically
  (temp directory + rename).

Both return the per-table :class:`~dataops.anonymize.engine_api.TableStats` and
check the plan against the archive before writing anything.  Each module's
``engine(job)`` is its entry in :data:`dataops.anonymize.run.ENGINES`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from dataops.anonymize.engines.custom import anonymize_custom
    from dataops.anonymize.engines.directory import anonymize_directory

__all__ = ["anonymize_custom", "anonymize_directory"]


def __getattr__(name: str) -> Any:
    """The engines are imported on use: a plain run loads neither archive engine."""
    if name == "anonymize_custom":
        from dataops.anonymize.engines.custom import anonymize_custom

        return anonymize_custom
    if name == "anonymize_directory":
        from dataops.anonymize.engines.directory import anonymize_directory

        return anonymize_directory
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
