"""The interface every database loader implements (a leaf: it imports no loader).

A loader works on one DBAPI connection inside one transaction opened by
:mod:`dataops.demo.load`; it never commits.  ``insert`` takes batches of column
lists (values already converted to the column kinds by the model) and uses the
fastest bulk path of its database.  :func:`prefetch` runs the batch producer
(value generation and formatting) in a thread so that it overlaps the time the
database spends on the previous batch.
"""

from __future__ import annotations

import queue
import threading
from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import TYPE_CHECKING, Any, Protocol, TypeVar

if TYPE_CHECKING:
    from dataops.demo.reflect import ForeignKey

Batch = dict[str, list[Any]]
T = TypeVar("T")


class Loader(Protocol):
    dialect: str

    def delete_all(self, table: str) -> int:
        """DELETE every row (transactional, unlike TRUNCATE on MySQL)."""
        ...

    def set_null(self, table: str, columns: Sequence[str]) -> None:
        """Set nullable self/cycle references to NULL before deleting."""
        ...

    def insert(
        self, table: str, columns: Sequence[str], kinds: Sequence[str], batches: Iterable[Batch]
    ) -> int:
        """Insert the batches; return the number of rows written."""
        ...

    def update(
        self,
        table: str,
        keys: Sequence[str],
        columns: Sequence[str],
        kinds: Sequence[str],
        batches: Iterable[Batch],
    ) -> int:
        """Set ``columns`` of the rows identified by ``keys``."""
        ...

    def reset_sequences(self, table: str, columns: Sequence[str]) -> None:
        """Move sequences / AUTO_INCREMENT past the loaded ids."""
        ...

    def suspend(self, fks: Sequence[ForeignKey]) -> None:
        """Stop checking these cycle FKs row by row (see :mod:`dataops.demo.cycles`)."""
        ...

    def restore(self, fks: Sequence[ForeignKey], loaded: Sequence[ForeignKey]) -> None:
        """Check every row against the suspended FKs (``loaded``: every FK of the loaded
        tables, for databases that suspend them all); raise OperationError on orphans."""
        ...


LoaderFactory = Callable[[Any, Callable[[str], str]], Loader]


def rows_of(batch: Batch, columns: Sequence[str]) -> Iterable[tuple[Any, ...]]:
    return zip(*(batch[c] for c in columns), strict=True)


_DONE = object()


def prefetch(items: Iterable[T], depth: int = 2) -> Iterator[T]:
    """Iterate ``items`` produced by a background thread, ``depth`` ahead.

    Exceptions in the producer are re-raised in the consumer; closing the
    consumer early stops the producer.
    """
    q: queue.Queue[Any] = queue.Queue(maxsize=depth)
    stop = threading.Event()

    def produce() -> None:
        try:
            for item in items:
                while not stop.is_set():
                    try:
                        q.put(item, timeout=0.1)
                        break
                    except queue.Full:
                        continue
                if stop.is_set():
                    return
            q.put(_DONE)
        except BaseException as exc:  # handed to the consumer
            q.put(exc)

    thread = threading.Thread(target=produce, name="demo-batches", daemon=True)
    thread.start()
    try:
        while True:
            item = q.get()
            if item is _DONE:
                return
            if isinstance(item, BaseException):
                raise item
            yield item
    finally:
        stop.set()
        thread.join()
