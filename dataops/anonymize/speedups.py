"""Optional compiled column kernels (``_speedups.c``) and the choice to use them.

The C module is built by ``pip install`` when a compiler is at hand (it is declared
optional, so an install never fails without one).  Each of its functions gives
exactly the bytes of the pure-Python path it replaces -- BLAKE2b is the RFC 7693
algorithm, digests become integers big-endian, nothing depends on byte order or on
Python's ``hash()`` -- or returns None to decline a block, which then takes the
Python path.  So the output never depends on whether the module was built.

``DATAOPS_ANONYMIZE_PURE_PYTHON=1`` (``Settings.anonymize_pure_python``, applied by the
action through :func:`use`; or ``ENABLED = False`` before transformers are built)
forces the pure-Python path; tests use it to compare both paths byte for byte.

The kernels take COPY text *fields* (still escaped): ``\\N`` gives ``\\N`` and any
other field holding a backslash declines the block.

:class:`Program` is a table's whole hot loop in C (rowtransform uses it): rows split
as far as the last transformed column, each column with a kernel computed by its C op
(BLAKE2b four values at a time where the CPU has AVX2, a small cache for repetitive
columns, the unique guard), a value the op declines by the column's Python function,
the other columns a block's column at a time in Python, then the rows joined -- no
Python object per row or field of a C column.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Sequence
from types import ModuleType


def _load() -> ModuleType | None:
    try:
        return importlib.import_module("dataops.anonymize._speedups")
    except ImportError:
        return None


_C: ModuleType | None = _load()
BUILT = _C is not None  # the extension was importable
ENABLED = BUILT  # tests switch it off to run the pure-Python path


def enabled() -> bool:
    return ENABLED and _C is not None


def use(compiled: bool) -> None:
    """Use the compiled kernels when built and ``compiled`` (False: pure Python)."""
    global ENABLED
    ENABLED = BUILT and compiled


def _mod() -> ModuleType:
    assert _C is not None
    return _C


Fields = Sequence[bytes]


class FieldKernel:
    """A column kernel over COPY fields (NULLs and escapes handled, see the module doc).

    ``kernel(fields)`` is the whole-column function: a list of output fields, or None
    when the block holds escaped values (the caller then goes value by value).
    :attr:`op` describes it to the C code (``_speedups.c``, "column ops"), which also
    runs it inside a :class:`Program`, value by value.
    """

    op: tuple[object, ...] = ()

    def __call__(self, fields: Fields) -> list[bytes] | None:
        result: list[bytes] | None = _mod().column(self.op, fields)
        return result


class PoolPick(FieldKernel):
    """``pool[int.from_bytes(blake2b(prefix + value, size)) % len(pool)]`` (fake, choice)."""

    def __init__(self, prefix: bytes, size: int, pool: Sequence[bytes]) -> None:
        self.prefix, self.size, self.pool = prefix, size, tuple(pool)
        self.op = ("pool", prefix, size, self.pool)


class HexDigest(FieldKernel):
    """``out_prefix + blake2b(prefix + value, size).hexdigest()[:length]`` (hash)."""

    def __init__(self, prefix: bytes, size: int, length: int, out_prefix: bytes) -> None:
        self.prefix, self.size, self.length, self.out_prefix = prefix, size, length, out_prefix
        self.op = ("hex", prefix, size, length, out_prefix)


class Email(FieldKernel):
    """``names[d[14:16] % len(names)] + hex(d[:tag_bytes]) + at_domain``, d = 16-byte digest."""

    def __init__(self, prefix: bytes, names: Sequence[bytes], tag_bytes: int, at: bytes) -> None:
        self.prefix, self.names, self.tag_bytes, self.at = prefix, tuple(names), tag_bytes, at
        self.op = ("email", prefix, self.names, tag_bytes, at)


class Mask(FieldKernel):
    """ASCII values: ``keep_first`` bytes, ``char`` for the rest, ``keep_last`` bytes."""

    def __init__(self, keep_first: int, keep_last: int, char: bytes) -> None:
        self.keep_first, self.keep_last, self.char = keep_first, keep_last, char
        self.op = ("mask", keep_first, keep_last, char)


class DateShift(FieldKernel):
    """date_shift's day arithmetic; declines invalid dates (the Python path reports them)."""

    def __init__(self, prefix: bytes, max_days: int) -> None:
        self.prefix, self.max_days = prefix, max_days
        self.op = ("date", prefix, max_days)


class IntPermute(FieldKernel):
    """tokenize on smallint / integer / bigint: ``fpe.Permutation`` of the type's whole range
    (``bits`` 16, 32 or 64) from its 10 round prefixes; declines non-integers."""

    def __init__(self, prefixes: Sequence[bytes], bits: int) -> None:
        self.prefixes, self.bits = tuple(prefixes), bits
        self.op = ("int", self.prefixes, bits)


class NullOut(FieldKernel):
    """Every field becomes ``\\N`` (the ``null`` action); needs no compiled code."""

    op = ("null",)

    def __call__(self, fields: Fields) -> list[bytes] | None:
        return [b"\\N"] * len(fields)


def digest(prefix: bytes, value: bytes, size: int) -> bytes:
    """``hashlib.blake2b(prefix + value, digest_size=size).digest()`` (for tests)."""
    result: bytes = _mod().digest(prefix, value, size)
    return result


def count_lines(data: bytes | memoryview, start: int = 0, end: int | None = None) -> int:
    """``data.count(b"\\n", start, end)`` for ``0 <= start`` and ``0 <= end``, several times
    faster when compiled (the plain engine counts the lines of every COPY block, twice)."""
    stop = len(data) if end is None else end
    if _C is not None and ENABLED:
        result: int = _C.count_lines(data, start, stop)
        return result
    return (
        bytes(data[start:stop]).count(b"\n")
        if isinstance(data, memoryview)
        else data.count(b"\n", start, stop)
    )


def digests(key: bytes, values: Sequence[bytes], size: int) -> list[bytes]:
    """:func:`digest` of each value through the batched (SIMD) path ops use (for tests)."""
    result: list[bytes] = _mod().digests(key, values, size)
    return result


#: One column of a :class:`Program`: (index, op, fallback, collision) for a C op --
#: ``fallback(field)`` is the Python path of a value the op declines, ``collision()``
#: raises the unique guard's error (None: not unique) -- or (index, None, column_fn,
#: None) for a column transformed in Python, a whole block's column at once.
ProgramColumn = tuple[
    int,
    tuple[object, ...] | None,
    Callable[..., object],
    Callable[[], object] | None,
]


class Program:
    """One table's COPY hot loop in C: split the rows, transform the columns, join.

    ``run(block)`` takes complete rows (without the final newline) and returns the
    transformed rows plus the final newline and the row count, or None when a row has
    the wrong number of fields (nothing was transformed; the Python path reports it).
    """

    def __init__(self, ncols: int, maxsplit: int, columns: Sequence[ProgramColumn]) -> None:
        self._program = _mod().Program(ncols, maxsplit, list(columns))

    def run(self, block: bytes) -> tuple[bytes, int] | None:
        result: tuple[bytes, int] | None = self._program.run(block)
        return result


#: (columns, spans, rows) of mysql_split: the wanted values as columns, their byte spans
Split = tuple[list[list[bytes]], bytes, int]


def join_columns(block: bytes, spans: bytes, columns: Sequence[Sequence[bytes]]) -> bytes:
    """``block`` with the spanned fields replaced by ``columns``, plus the final newline."""
    result: bytes = _mod().join_columns(block, spans, columns)
    return result


def mysql_split(block: bytes, wanted: Sequence[int], nvalues: int) -> Split | None:
    """The literals at the ``wanted`` value positions of every INSERT row in ``block``
    (rows with their separators), their byte spans and the row count; None when a row
    does not read as ``nvalues`` values (the Python path then reports it)."""
    result: Split | None = _mod().mysql_split(block, list(wanted), nvalues)
    return result


def mysql_statement_end(buf: bytes, start: int) -> tuple[int, int]:
    """(index of the ``;`` ending the INSERT rows starting at ``start`` (strings skipped),
    rows before it); index -1: not in ``buf`` yet; -2: a comment outside strings (the
    Python path decides)."""
    result: tuple[int, int] = _mod().mysql_statement_end(buf, start)
    return result


def mysql_to_copy(literals: Sequence[bytes]) -> list[bytes] | None:
    """MySQL literals -> COPY text fields; None unless all are NULL or one quoted string."""
    result: list[bytes] | None = _mod().mysql_to_copy(literals)
    return result


def copy_to_mysql(fields: Sequence[bytes]) -> list[bytes] | None:
    """COPY text fields -> quoted MySQL literals (``\\N`` -> NULL); None if a field has
    another escape."""
    result: list[bytes] | None = _mod().copy_to_mysql(fields)
    return result
