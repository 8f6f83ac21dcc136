"""Row-aligned pieces of COPY data, transformed (and compressed) in worker processes.

Archive engines cut a table's decompressed COPY data into pieces of about
:data:`PIECE_SIZE` bytes at row boundaries (a raw newline always ends a row in COPY
text format), send each piece to a process pool, and write the results back in
order.  Piece boundaries depend only on the content, so the output is the same
for any number of jobs.

Compression of the output happens where it is cheapest to parallelise:

* gzip is slow, so each worker compresses its own piece: a raw deflate segment
  ended by a sync flush (custom archives: the segments form one zlib stream,
  pigz-style, with a combined Adler-32) or a complete gzip member (directory
  archives: a gzip file may hold several members);
* none, lz4 and zstd are fast: workers return plain bytes and the main process
  compresses one continuous stream.

The end-of-data marker (``\\.`` and blank lines) that pg_dump stores after the
rows is held back from the transformer and appended verbatim.
"""

from __future__ import annotations

import collections
import concurrent.futures
import contextlib
import multiprocessing
import os
import pickle
import signal
import threading
import zlib
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from multiprocessing.connection import Connection
from multiprocessing.connection import wait as mp_wait
from typing import Any

from dataops.anonymize import atomic
from dataops.anonymize.atomic import TERMINATING_SIGNALS
from dataops.anonymize.engine_api import DumpPlan, TableData
from dataops.anonymize.formats.pgarchive import Compression
from dataops.errors import DataopsError, OperationError
from dataops.execute import wake_main_thread

PIECE_SIZE = 4 << 20

#: How results come back from a worker.
MODE_RAW = "raw"  # transformed bytes, compressed later by the main process
MODE_DEFLATE = "deflate"  # raw deflate segment ending in a sync flush
MODE_GZIP = "gzip"  # a complete gzip member

_ADLER_BASE = 65521


def adler32_combine(adler1: int, adler2: int, len2: int) -> int:
    """Adler-32 of A+B from adler32(A), adler32(B) and len(B) (as zlib's adler32_combine)."""
    rem = len2 % _ADLER_BASE
    sum1 = adler1 & 0xFFFF
    sum2 = (rem * sum1) % _ADLER_BASE
    sum1 += (adler2 & 0xFFFF) + _ADLER_BASE - 1
    sum2 += ((adler1 >> 16) & 0xFFFF) + ((adler2 >> 16) & 0xFFFF) + _ADLER_BASE - rem
    sum1 %= _ADLER_BASE
    sum2 %= _ADLER_BASE
    return sum1 | (sum2 << 16)


def zlib_header(level: int) -> bytes:
    return zlib.compress(b"", level)[:2]


def deflate_segment(data: bytes, level: int) -> bytes:
    comp = zlib.compressobj(level, zlib.DEFLATED, -15)
    return comp.compress(data) + comp.flush(zlib.Z_SYNC_FLUSH)


#: A final, empty, fixed-Huffman deflate block: ends a stream of sync-flushed segments.
DEFLATE_END = b"\x03\x00"


def gzip_member(data: bytes, level: int) -> bytes:
    comp = zlib.compressobj(level, zlib.DEFLATED, 31)
    return comp.compress(data) + comp.flush()


@dataclass
class PieceResult:
    data: bytes  # transformed bytes, or their compressed form per the mode
    length: int  # uncompressed length of the transformed bytes
    adler: int  # Adler-32 of the transformed bytes (MODE_DEFLATE only, else 1)
    rows: int


def encode_piece(data: bytes, mode: str, level: int) -> PieceResult:
    if mode == MODE_DEFLATE:
        return PieceResult(deflate_segment(data, level), len(data), zlib.adler32(data), 0)
    if mode == MODE_GZIP:
        return PieceResult(gzip_member(data, level), len(data), 1, 0)
    return PieceResult(data, len(data), 1, 0)


_PLAN: DumpPlan | None = None


def transform_piece(
    table: TableData, piece: bytes, mode: str, level: int, first_row: int = 0
) -> PieceResult:
    """Worker entry point: transform one row-aligned piece and encode it.

    ``first_row``: rows of the table before this piece (for error messages)."""
    assert _PLAN is not None, "worker started without a plan"
    transformer = _PLAN.transformer(table)
    if hasattr(transformer, "row_offset"):
        transformer.row_offset = first_row
    out = transformer.feed(piece) + transformer.finish()
    result = encode_piece(out, mode, level)
    result.rows = transformer.rows
    return result


def split_end_marker(tail: bytes, prev: int | None) -> tuple[bytes, bytes]:
    """Split the last bytes of a table's COPY data into (rows, end marker).

    ``prev`` is the byte before ``tail`` (None at the start of the data).  The marker
    is a ``\\.`` line followed only by newlines; a row can never be exactly ``\\.``
    because COPY escapes backslashes.
    """
    stripped = tail.rstrip(b"\n")
    if stripped.endswith(b"\\."):
        cut = len(stripped) - 2
        before = tail[cut - 1] if cut > 0 else prev
        if before is None or before == 0x0A:
            return tail[:cut], tail[cut:]
    return tail, b""


def row_pieces(chunks: Iterable[bytes], size: int | None = None) -> Iterator[bytes | tuple[bytes]]:
    """Cut a stream into row-aligned pieces of at least ``size`` bytes.

    Yields ``bytes`` pieces of rows, then one 1-tuple holding the end marker (possibly
    empty).  The last piece of rows may end without a newline (a truncated dump): the
    transformer reports it.
    """
    size = size or PIECE_SIZE
    buf = bytearray()
    prev: int | None = None
    for chunk in chunks:
        buf += chunk
        while len(buf) >= size + 64:
            cut = buf.find(b"\n", size)
            if cut < 0 or cut + 64 >= len(buf):
                break  # keep enough bytes behind to recognise the end marker
            piece = bytes(buf[: cut + 1])
            del buf[: cut + 1]
            prev = 0x0A
            yield piece
    rows, marker = split_end_marker(bytes(buf), prev)
    if rows:
        yield rows
    yield (marker,)


_PR_SET_PDEATHSIG = 1


def _die_with_parent() -> None:
    """Ask Linux to SIGKILL this worker when its parent dies (prctl PR_SET_PDEATHSIG)."""
    try:
        import ctypes

        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
    except (OSError, AttributeError):  # not Linux: the parent still kills its workers
        pass


def _worker_main(conn: Connection, parent: int, siblings: list[Connection]) -> None:
    """A worker: run (fn, args) items from ``conn`` and send back ("ok", result) or
    ("err", exception) until the parent closes the connection.  Never returns: it ends
    with ``os._exit``, so nothing inherited from the parent (buffered output) is flushed."""
    code = 0
    try:
        # the parent handles Ctrl-C (it kills its workers); any other signal kills outright
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        for sig in TERMINATING_SIGNALS:
            if sig != signal.SIGINT:
                signal.signal(sig, signal.SIG_DFL)
        # signals were blocked across the fork (see OrderedPool): now they kill us outright
        signal.pthread_sigmask(signal.SIG_UNBLOCK, TERMINATING_SIGNALS)
        _die_with_parent()
        if os.getppid() != parent:  # the parent died before prctl
            os._exit(1)
        for other in siblings:  # the parent's ends of the pipes (own one included)
            other.close()
        while True:
            try:
                data = conn.recv_bytes()
            except (EOFError, OSError):
                break
            fn, args = pickle.loads(data)  # noqa: S301 - from our own parent, over a private pipe
            try:
                reply = ("ok", fn(*args))
            except Exception as exc:
                reply = ("err", _portable(exc))
            conn.send_bytes(pickle.dumps(reply, protocol=pickle.HIGHEST_PROTOCOL))
    except BaseException:
        code = 1
    finally:
        os._exit(code)


def _portable(exc: Exception) -> Exception:
    """``exc`` if it survives pickling, else an OperationError with its message."""
    try:
        pickle.loads(pickle.dumps(exc))  # noqa: S301 - our own bytes
    except Exception:
        message = exc.message if isinstance(exc, DataopsError) else f"{type(exc).__name__}: {exc}"
        return OperationError(message)
    return exc


class _Worker:
    def __init__(self, ctx: Any, siblings: list[Connection]) -> None:
        parent_end, child_end = ctx.Pipe(duplex=True)
        self.conn: Connection = parent_end
        self.process = ctx.Process(
            target=_worker_main, args=(child_end, os.getpid(), [*siblings, parent_end]), daemon=True
        )
        self.process.start()
        child_end.close()
        self.busy = False


class OrderedPool:
    """Runs work items in worker processes, delivering results in submission order.

    Each worker has its own pipe and at most one item in flight (items go round
    robin), so memory stays bounded and no pipe can deadlock.  With ``jobs <= 1``
    everything runs inline.  ``then(callback)`` queues a main-process action behind
    the pending results (e.g. opening the next output block).

    Unlike ``multiprocessing.Pool``, a worker's death (``kill -9``, the OOM killer) is
    noticed at once -- its pipe reaches EOF -- and fails the run with an
    OperationError naming it; :meth:`terminate` kills the workers with SIGKILL and
    holds no lock a signal handler could be waiting on; workers ask the kernel to kill
    them when the parent dies.
    """

    def __init__(self, jobs: int, plan: DumpPlan) -> None:
        global _PLAN
        _PLAN = plan
        self.jobs = max(1, jobs)
        self.workers: list[_Worker] = []
        self.next = 0
        self._closing = False
        self._dead: _Worker | None = None
        self._watch: threading.Thread | None = None
        self._stop: tuple[int, int] | None = None
        self.pending: collections.deque[tuple[_Worker | None, Callable[[Any], None]]] = (
            collections.deque()
        )
        if self.jobs > 1:
            ctx = multiprocessing.get_context("fork")
            # no signal may reach a child before it has its own handlers (it would run
            # the parent's, in the parent's code): block them across the forks
            mask = signal.pthread_sigmask(signal.SIG_BLOCK, TERMINATING_SIGNALS)
            try:
                for _ in range(self.jobs):
                    self.workers.append(_Worker(ctx, [w.conn for w in self.workers]))
            except BaseException:
                self.terminate()
                raise
            finally:
                signal.pthread_sigmask(signal.SIG_SETMASK, mask)
            self._start_watch()

    # a watcher thread: a worker that dies while the main thread waits elsewhere (a slow
    # input pipe, a long kept table) still fails the run at once
    def _start_watch(self) -> None:
        if not atomic.wake_handlers_installed():
            return  # not under termination_as_exception: found at the next submit/drain
        self._stop = os.pipe()
        sentinels = {w.process.sentinel: w for w in self.workers}
        self._watch = threading.Thread(
            target=self._watcher, args=(sentinels,), name="dataops-pool-watch", daemon=True
        )
        atomic.add_wake_callback(self._on_wake)
        self._watch.start()

    def _watcher(self, sentinels: dict[int, _Worker]) -> None:
        assert self._stop is not None
        ready = mp_wait([*sentinels, self._stop[0]])
        if self._closing or self._stop[0] in ready:
            return
        self._dead = sentinels[next(s for s in ready if s in sentinels)]
        wake_main_thread()

    def _on_wake(self) -> None:
        dead, self._dead = self._dead, None
        # a terminating signal (e.g. SIGTERM to the process group, which killed the worker
        # too) is the better explanation: its own handler reports it
        if dead is not None and not self._closing and atomic.received_signal() is None:
            raise self._died(dead)

    def _stop_watch(self) -> None:
        self._closing = True
        atomic.remove_wake_callback(self._on_wake)
        if self._stop is not None:
            stop, self._stop = self._stop, None
            with contextlib.suppress(OSError):
                os.write(stop[1], b"x")
            if self._watch is not None:
                self._watch.join(timeout=5)
            for fd in stop:
                with contextlib.suppress(OSError):
                    os.close(fd)
        self._watch = None

    def submit(
        self, fn: Callable[..., Any], args: tuple[Any, ...], callback: Callable[[Any], None]
    ) -> None:
        if not self.workers:
            self.drain()
            callback(fn(*args))
            return
        worker = self.workers[self.next % len(self.workers)]
        self.next += 1
        while worker.busy:
            self._pop()
        payload = pickle.dumps((fn, args), protocol=pickle.HIGHEST_PROTOCOL)
        try:
            worker.conn.send_bytes(payload)
        except OSError:
            raise self._died(worker) from None
        worker.busy = True
        self.pending.append((worker, callback))

    def then(self, callback: Callable[[], None]) -> None:
        if not self.pending:
            callback()
            return
        self.pending.append((None, lambda _: callback()))

    def _pop(self) -> None:
        worker, callback = self.pending.popleft()
        if worker is None:
            callback(None)
            return
        try:
            data = worker.conn.recv_bytes()
        except (EOFError, OSError):
            raise self._died(worker) from None
        worker.busy = False
        status, value = pickle.loads(data)  # noqa: S301 - from our own worker
        if status == "err":
            raise value
        callback(value)

    def _died(self, worker: _Worker) -> OperationError:
        self._closing = True  # the watcher's news, if any, is this same news
        worker.process.join(timeout=2)
        code = worker.process.exitcode
        if code is not None and code < 0:
            try:
                how = f"killed by {signal.Signals(-code).name}"
            except ValueError:
                how = f"killed by signal {-code}"
            if -code == signal.SIGKILL:
                how += " (the kernel's OOM killer, or kill -9)"
        else:
            how = f"exited with code {code}"
        self.terminate()
        return OperationError(f"worker process {worker.process.pid} died ({how}); nothing written")

    def drain(self) -> None:
        while self.pending:
            self._pop()

    def close(self) -> None:
        try:
            self.drain()
        except BaseException:
            self.terminate()
            raise
        self._stop_watch()
        workers, self.workers = self.workers, []
        for worker in workers:
            worker.conn.close()  # EOF: the worker exits
        failed = []
        for worker in workers:
            worker.process.join(timeout=10)
            if worker.process.exitcode != 0:
                failed.append(worker)
        if failed:
            self.workers = failed
            raise self._died(failed[0])

    def terminate(self) -> None:
        self._stop_watch()
        self.pending.clear()
        workers, self.workers = self.workers, []
        for worker in workers:
            with contextlib.suppress(Exception):
                worker.process.kill()
        for worker in workers:
            with contextlib.suppress(Exception):
                worker.process.join(timeout=5)
            with contextlib.suppress(Exception):
                worker.conn.close()

    def __enter__(self) -> OrderedPool:
        return self

    def __exit__(self, exc_type: object, exc: object, tb: object) -> None:
        if exc_type is None:
            self.close()
        else:
            self.terminate()


class ThreadPool:
    """:class:`OrderedPool`'s interface over threads, for tables whose whole transform runs
    in the compiled loop (``RowTransformer.gil_free``): it releases the GIL, so threads
    share the work with no pickling, no pipes and no copies of the pieces, and the main
    thread keeps reading and writing meanwhile.  At most ``2 * jobs`` pieces are in
    flight (bounded memory); results are delivered in submission order.  A failed piece
    raises its exception in the main thread; :meth:`terminate` cancels what has not
    started (a running piece ends within milliseconds; threads cannot be killed).
    """

    #: bigger slices than the processes' (nothing is copied): fewer hand-overs of the GIL
    piece_size = 2 << 20

    def __init__(self, jobs: int, plan: DumpPlan) -> None:
        global _PLAN
        _PLAN = plan
        self.jobs = max(1, jobs)
        self.executor = concurrent.futures.ThreadPoolExecutor(
            self.jobs, thread_name_prefix="dataops-piece"
        )
        self.inflight = 0
        self.pending: collections.deque[
            tuple[concurrent.futures.Future[Any] | None, Callable[[Any], None]]
        ] = collections.deque()

    def submit(
        self, fn: Callable[..., Any], args: tuple[Any, ...], callback: Callable[[Any], None]
    ) -> None:
        while self.inflight >= 2 * self.jobs:
            self._pop()
        self.pending.append((self.executor.submit(fn, *args), callback))
        self.inflight += 1

    def then(self, callback: Callable[[], None]) -> None:
        if not self.pending:
            callback()
            return
        self.pending.append((None, lambda _: callback()))

    def _pop(self) -> None:
        future, callback = self.pending.popleft()
        if future is None:
            callback(None)
            return
        self.inflight -= 1
        callback(future.result())

    def drain(self) -> None:
        while self.pending:
            self._pop()

    def close(self) -> None:
        try:
            self.drain()
        except BaseException:
            self.terminate()
            raise
        self.executor.shutdown(wait=True)

    def terminate(self) -> None:
        self.pending.clear()
        self.inflight = 0
        self.executor.shutdown(wait=False, cancel_futures=True)

    def __enter__(self) -> ThreadPool:
        return self

    def __exit__(self, exc_type: object, exc: object, tb: object) -> None:
        if exc_type is None:
            self.close()
        else:
            self.terminate()


Pool = OrderedPool | ThreadPool


def make_pool(jobs: int, plan: DumpPlan, transformed: Iterable[TableData]) -> Pool:
    """Threads when every transformed table runs wholly in the compiled loop (no pickling,
    no pipes), else worker processes; inline with ``jobs <= 1``."""
    if jobs > 1 and all(
        getattr(plan.transformer(table), "gil_free", False) for table in transformed
    ):
        return ThreadPool(jobs, plan)
    return OrderedPool(jobs, plan)


def default_jobs() -> int:
    return (
        len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)
    )


def piece_mode(method: Compression, *, gzip_file: bool) -> str:
    if method is Compression.GZIP:
        return MODE_GZIP if gzip_file else MODE_DEFLATE
    return MODE_RAW
