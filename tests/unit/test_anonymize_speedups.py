"""The compiled kernels (dataops/anonymize/_speedups.c) give exactly the pure-Python bytes.

Every kernel is compared with the Python path on adversarial inputs (escapes, NULLs,
invalid UTF-8, multi-block values, malformed dates, bad rows), and whole
transformers / the plain engine run both ways must write identical bytes.
"""

from __future__ import annotations

import hashlib
import io
import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dataops.anonymize import speedups
from dataops.anonymize.engine_api import TableData
from dataops.anonymize.engines.plain import anonymize_plain, scan
from dataops.anonymize.formats import copytext
from dataops.anonymize.formats.ddl import Catalog
from dataops.anonymize.plan import Plan
from dataops.anonymize.rowtransform import RowTransformer, _run_kernel
from dataops.anonymize.rules import load_rules, parse_rules
from dataops.config.settings import load_settings
from dataops.errors import ConfigError, OperationError

REPO = Path(__file__).resolve().parents[2]

COLUMNS = {
    "k1": "keep",
    "hash_even": "{transform: hash, length: 24, prefix: h_}",
    "hash_odd": "{transform: hash, length: 23}",
    "hash_long": "{transform: hash, length: 128, unique: true}",
    "email": "{transform: email, domain: example.com, unique: true}",
    "email_short": "{transform: email, domain: mail.test}",
    "email_fit": "{transform: email, domain: example.com, unique: true}",
    "fake": "{transform: fake, provider: first_name}",
    "fake_big": "{transform: fake, provider: random_int, pool_size: 5000}",
    "choice": "{transform: choice, values: [a, b, null, 7]}",
    "shift": "{transform: date_shift, max_days: 400}",
    "shift_big": "{transform: date_shift, max_days: 100000}",
    "k2": "keep",
    "mask": "{transform: mask, keep_last: 2}",
    "mask_first": "{transform: mask, keep_first: 3, char: '#'}",
    "mask_both": "{transform: mask, keep_first: 1, keep_last: 2}",
    "k3": "keep",
}
KERNEL_COLUMNS = [c for c in COLUMNS if not c.startswith("k")]
# column types (text unless given): date_shift needs dates; email_fit is an email shortened
# to fit varchar(36) (its name part is cut, the kernel gets the shortened names)
TYPES = {"shift": "date", "shift_big": "date", "email_fit": "varchar(36)"}


def test_the_extension_is_built_here() -> None:
    # the bootstrap's `uv pip install -e .` compiles it; without a compiler it is optional
    assert speedups.BUILT and speedups.enabled()


@pytest.fixture
def pure_python() -> Iterator[None]:
    saved = speedups.ENABLED
    speedups.ENABLED = False
    try:
        yield
    finally:
        speedups.ENABLED = saved


def make_plan() -> tuple[Plan, TableData]:
    cols = "\n".join(f"      {name}: {spec}" for name, spec in COLUMNS.items())
    text = f"version: 1\nsecret: speedups-secret\ntables:\n  public.t:\n    columns:\n{cols}\n"
    plan = Plan(parse_rules(text, "r.yaml", {}))
    catalog = Catalog()
    catalog.add_sql(
        "CREATE TABLE public.t (" + ", ".join(f"{c} {TYPES.get(c, 'text')}" for c in COLUMNS) + ");"
    )
    table = TableData("public", "t", tuple(COLUMNS))
    plan.check(catalog, [table])
    return plan, table


def both_plans() -> tuple[tuple[Plan, TableData], tuple[Plan, TableData]]:
    """(compiled plan, pure-Python plan) -- kernels are chosen when a plan builds them."""
    saved = speedups.ENABLED
    try:
        speedups.ENABLED = True
        compiled = make_plan()
        speedups.ENABLED = False
        pure = make_plan()
    finally:
        speedups.ENABLED = saved
    return compiled, pure


COMPILED, PURE = both_plans()


# ------------------------------------------------------------------ BLAKE2b


@settings(max_examples=300, deadline=None)
@given(
    st.binary(max_size=300),
    st.binary(max_size=400),
    st.integers(min_value=1, max_value=64),
)
def test_blake2b_equals_hashlib(prefix: bytes, value: bytes, size: int) -> None:
    expected = hashlib.blake2b(prefix + value, digest_size=size).digest()
    assert speedups.digest(prefix, value, size) == expected


def test_blake2b_block_boundaries() -> None:
    for plen in (0, 1, 63, 64, 127, 128, 129, 255, 256, 257):
        for vlen in (0, 1, 63, 64, 65, 127, 128, 129, 256, 1000):
            prefix, value = os.urandom(plen), os.urandom(vlen)
            for size in (1, 2, 8, 16, 33, 64):
                expected = hashlib.blake2b(prefix + value, digest_size=size).digest()
                assert speedups.digest(prefix, value, size) == expected


# ------------------------------------------------------------------ column kernels

raw_values = st.one_of(
    st.binary(max_size=40),
    st.binary(max_size=40).map(lambda b: bytes(c % 128 for c in b)),
    st.binary(min_size=120, max_size=300),  # key + value beyond one BLAKE2b block
)
fields = st.one_of(
    raw_values.map(copytext.escape),  # escaped: tabs, newlines, backslashes inside
    st.just(copytext.NULL),
    st.just(b"\\\\N"),  # the literal string \N, not NULL
)
dates = st.builds(
    lambda y, m, d, tail: f"{y}-{m}-{d}{tail}".encode(),
    st.one_of(
        st.integers(1, 9999).map(lambda y: f"{y:04d}"),
        st.sampled_from(["0000", "0001", "9999", "00001", "12345", "999999999999", "123"]),
    ),
    st.one_of(st.integers(0, 13).map(lambda m: f"{m:02d}"), st.sampled_from(["1", "a1"])),
    st.one_of(st.integers(0, 32).map(lambda d: f"{d:02d}"), st.sampled_from(["3", "x1"])),
    st.sampled_from(["", " BC", " 13:45:00.5+02", " 00:00:00 BC", "T", "junk", "\\N"]),
)
date_fields = st.one_of(
    dates,
    dates.map(copytext.escape),
    st.sampled_from([b"infinity", b"-infinity", b"", copytext.NULL, b"2020-02-29", b"0001-01-01"]),
    st.sampled_from([b"0000000002020-01-01", b"000000000000000000001-01-01 BC"]),
)
valid_dates = st.builds(
    lambda d, tail: d.isoformat().encode() + tail,
    st.dates(),
    st.sampled_from([b"", b" BC", b" 10:00:00+02", b" 23:59:59.999 BC"]),
)


def value_path(plan: Plan, table: TableData, name: str) -> tuple[object, object]:
    rule = plan._resolved[("public", "t")].columns[name]
    assert rule.spec is not None
    fns = plan._column_fn(table, name, rule.spec)
    return fns.kernel, fns.raw


def check_kernel(name: str, column: list[bytes]) -> None:
    kernel, _ = value_path(*COMPILED, name)
    py_kernel, py_raw = value_path(*PURE, name)
    assert isinstance(kernel, speedups.FieldKernel), name
    result = _run_kernel(kernel, column)  # type: ignore[arg-type]
    expected: list[bytes] = []
    failed = False
    for v in column:
        try:
            expected.append(py_raw(v))  # type: ignore[operator]
        except OperationError:
            failed = True
    if result is None:
        # declined: only for fields with escapes other than NULL, or values the Python
        # path rejects (it then reports them)
        assert (
            failed
            or any(b"\\" in v and v != copytext.NULL for v in column)
            or (name.startswith("mask") and not b"".join(column).isascii())  # characters
        ), name
        return
    assert not failed, name
    assert list(result) == expected, name
    if py_kernel is not None:  # the pure-Python kernel agrees as well
        py_result = _run_kernel(py_kernel, column)  # type: ignore[arg-type]
        if py_result is not None:
            assert list(py_result) == expected, name


@settings(max_examples=150, deadline=None)
@given(st.lists(fields, min_size=1, max_size=60))
def test_column_kernels_equal_the_python_path(column: list[bytes]) -> None:
    for name in KERNEL_COLUMNS:
        if not name.startswith("shift"):
            check_kernel(name, column)


@settings(max_examples=40, deadline=None)
@given(st.lists(fields.filter(lambda f: b"\\" not in f or f == copytext.NULL), max_size=60))
def test_column_kernels_never_decline_plain_fields(column: list[bytes]) -> None:
    for name in KERNEL_COLUMNS:
        if not name.startswith("shift") and (b"".join(column).isascii() or name[:4] != "mask"):
            kernel, _ = value_path(*COMPILED, name)
            assert kernel(column) is not None  # type: ignore[operator]
            check_kernel(name, column)


@settings(max_examples=300, deadline=None)
@given(st.lists(date_fields, min_size=1, max_size=20))
def test_date_shift_kernel_equals_the_python_path(column: list[bytes]) -> None:
    check_kernel("shift", column)
    check_kernel("shift_big", column)


def test_date_shift_kernel_at_the_ends_of_the_calendar() -> None:
    column = [
        f"{y:04d}-{m:02d}-{d:02d}".encode() + tail
        for y in (1, 2, 4, 100, 400, 1600, 1900, 2000, 2024, 9998, 9999)
        for m, d in ((1, 1), (2, 28), (2, 29), (3, 1), (12, 31))
        for tail in (b"", b" BC")
        if not (m == 2 and d == 29 and not (y % 4 == 0 and (y % 100 != 0 or y % 400 == 0)))
    ]
    for name in ("shift", "shift_big"):
        kernel, _ = value_path(*COMPILED, name)
        assert kernel(column) is not None  # type: ignore[operator]
        check_kernel(name, column)


# ------------------------------------------------------------------ split / join

plain_field = st.binary(max_size=12).map(lambda b: b.replace(b"\t", b"").replace(b"\n", b""))


HEX_OP = ("hex", b"k" * 64, 8, 15, b"h_")
MASK_OP = ("mask", 1, 1, b"*")


def _expected_field(kind: str, f: bytes) -> bytes:
    """What the program gives for one field: C ops by the Python reference (fallback
    "<f>" for values the op declines), a Python column as it returns."""
    if kind == "py":
        return b"[" + f + b"]"
    if f == copytext.NULL:
        return f
    if b"\\" in f or (kind == "mask" and not f.isascii()):
        return b"<" + f + b">"  # declined: the fallback
    if kind == "hex":
        return b"h_" + hashlib.blake2b(b"k" * 64 + f, digest_size=8).hexdigest()[:15].encode()
    return f[:1] + b"*" * max(len(f) - 2, 0) + f[1:][-1:] if len(f) > 1 else f


program_field = st.one_of(
    plain_field,
    st.just(copytext.NULL),
    st.just(b"a\\tb"),
    st.binary(max_size=4).map(
        lambda b: b.replace(b"\t", b"").replace(b"\n", b"").replace(b"\\", b"")
    ),
)


@settings(max_examples=300, deadline=None)
@given(st.integers(min_value=1, max_value=8), st.data())
def test_program_equals_split_map_join(ncols: int, data: st.DataObject) -> None:
    """The C loop (split -> per-column op or Python column -> join) gives the bytes of
    bytes.split / map / bytes.join, declines a block with a row of the wrong width before
    calling anything, and calls the fallback only for the values an op declines."""
    rows = data.draw(
        st.lists(
            st.lists(program_field, min_size=ncols, max_size=ncols).map(b"\t".join),
            min_size=1,
            max_size=40,
        )
    )
    bad = data.draw(st.booleans())
    if bad:  # a bad row: one field too many or too few
        at = data.draw(st.integers(0, len(rows) - 1))
        rows[at] = rows[at] + b"\tx" if data.draw(st.booleans()) or ncols == 1 else b"x"
    block = b"\n".join(rows)
    wanted = sorted(data.draw(st.sets(st.integers(0, ncols - 1), min_size=1)))
    kinds = {i: data.draw(st.sampled_from(["hex", "mask", "py"])) for i in wanted}
    maxsplit = -1 if wanted[-1] + 2 >= ncols else wanted[-1] + 1
    width = ncols if maxsplit < 0 else maxsplit + 1
    calls: list[bytes] = []

    def fallback(f: bytes) -> bytes:
        calls.append(f)
        return b"<" + f + b">"

    def py_column(col: list[bytes]) -> list[bytes]:
        calls.append(b"column")
        return [b"[" + f + b"]" for f in col]

    columns: list[speedups.ProgramColumn] = []
    for i in wanted:
        if kinds[i] == "py":
            columns.append((i, None, py_column, None))
        else:
            columns.append((i, HEX_OP if kinds[i] == "hex" else MASK_OP, fallback, None))
    result = speedups.Program(ncols, maxsplit, columns).run(block)
    parts = [line.split(b"\t", maxsplit) for line in block.split(b"\n")]
    if any(len(p) != width for p in parts):
        assert result is None and not calls
        return
    assert result is not None
    for p in parts:
        for i in wanted:
            p[i] = _expected_field(kinds[i], p[i])
    assert result == (b"\n".join(b"\t".join(p) for p in parts) + b"\n", len(parts))


def test_program_reports_a_collision_through_the_guard() -> None:
    class Collided(Exception):
        pass

    def collision() -> None:
        raise Collided

    one_hex = ("hex", b"k" * 64, 1, 1, b"")  # 16 possible outputs: collisions guaranteed
    program = speedups.Program(1, -1, [(0, one_hex, bytes, collision)])
    assert program.run(b"a\na\na") is not None  # the same input: no collision
    with pytest.raises(Collided):
        program.run(b"\n".join(str(n).encode() for n in range(40)))
    # across blocks too (the first values of a column are remembered)
    program = speedups.Program(1, -1, [(0, one_hex, bytes, collision)])
    with pytest.raises(Collided):
        for n in range(40):
            program.run(str(n).encode())


@settings(max_examples=200, deadline=None)
@given(
    st.one_of(st.binary(min_size=64, max_size=64), st.binary(max_size=130)),
    st.lists(st.binary(max_size=140), max_size=40),
    st.integers(min_value=1, max_value=64),
)
def test_batched_blake2b_equals_hashlib(key: bytes, values: list[bytes], size: int) -> None:
    """Four values at a time in SIMD lanes (64-byte keys, values up to 64 bytes) or one by
    one: the same digests as hashlib."""
    expected = [hashlib.blake2b(key + v, digest_size=size).digest() for v in values]
    assert speedups.digests(key, values, size) == expected


def test_bad_arguments_raise_instead_of_crashing() -> None:
    with pytest.raises(ValueError):
        speedups.Program(2, -1, [(1, MASK_OP, bytes, None), (0, MASK_OP, bytes, None)])
    with pytest.raises(ValueError):
        speedups.Program(2, -1, [(0, ("nope",), bytes, None)])
    with pytest.raises(TypeError):
        speedups.Program(2, -1, [(0, MASK_OP, None, None)])
    with pytest.raises(ValueError):
        speedups.Program(2, -1, [(0, ("pool", b"k", 4, ()), bytes, None)])  # empty pool
    with pytest.raises(TypeError):
        speedups.HexDigest(b"k", 4, 8, b"")(["text"])  # type: ignore[list-item]


# ------------------------------------------------------------------ whole transformer


@settings(max_examples=40, deadline=None)
@given(
    st.lists(
        st.tuples(fields, fields, fields, st.one_of(valid_dates, valid_dates, date_fields)),
        max_size=200,
    ),
    st.integers(min_value=1, max_value=4000),
)
def test_transformer_writes_the_same_bytes_both_ways(
    rows: list[tuple[bytes, bytes, bytes, bytes]], chunk: int
) -> None:
    def table_rows() -> bytes:
        out = []
        for n, (a, b, c, d) in enumerate(rows):
            fields_of = {name: a for name in COLUMNS}
            fields_of.update(k1=str(n).encode(), k2=b, k3=c, mask_both=b, shift=d, shift_big=d)
            out.append(b"\t".join(fields_of[name] for name in COLUMNS) + b"\n")
        return b"".join(out)

    data = table_rows()

    def run(plan: Plan, table: TableData) -> bytes | str:
        tr = plan.transformer(table)
        assert isinstance(tr, RowTransformer)
        try:
            out = b"".join(tr.feed(data[i : i + chunk]) for i in range(0, len(data), chunk))
            return out + tr.finish()
        except (OperationError, ConfigError) as exc:  # bad values: ConfigError naming the row
            return str(exc)

    compiled, pure = run(*COMPILED), run(*PURE)
    if isinstance(compiled, str) or isinstance(pure, str):
        # Both refuse the input; the compiled path works column by column, the pure one row
        # by row, so with several bad values each may name a different one first.
        assert isinstance(compiled, str) and isinstance(pure, str), (compiled, pure)
        assert "date_shift" in compiled and "date_shift" in pure
    else:
        assert compiled == pure


def test_plain_engine_on_the_example_dump_both_ways(pure_python: None) -> None:
    dump = (REPO / "examples/anonymize/shop.sql").read_bytes()
    rules = load_rules(REPO / "examples/anonymize/rules.yaml")

    def run() -> bytes:
        out = io.BytesIO()
        prescan = scan(io.BytesIO(dump))
        anonymize_plain(Plan(rules), io.BytesIO(dump), out, prescan=prescan, jobs=1)
        return out.getvalue()

    pure = run()
    speedups.ENABLED = True
    compiled = run()
    assert compiled == pure and compiled != dump


def test_environment_variable_forces_pure_python(monkeypatch: pytest.MonkeyPatch) -> None:
    saved = speedups.ENABLED
    try:
        monkeypatch.setenv("DATAOPS_ANONYMIZE_PURE_PYTHON", "1")
        speedups.use(not load_settings().anonymize_pure_python)
        assert not speedups.enabled()
        monkeypatch.setenv("DATAOPS_ANONYMIZE_PURE_PYTHON", "0")
        speedups.use(not load_settings().anonymize_pure_python)
        assert speedups.enabled()
    finally:
        speedups.ENABLED = saved


# ------------------------------------------------------------------ tokenize (integers)
INT_TYPES = {"smallint": 16, "integer": 32, "bigint": 64}


@settings(max_examples=60, deadline=None)
@given(
    type_name=st.sampled_from(sorted(INT_TYPES)),
    ints=st.lists(st.integers(-(2**63), 2**63 - 1), max_size=40),
)
def test_int_permute_equals_the_python_permutation(type_name: str, ints: list[int]) -> None:
    from dataops.anonymize.coltypes import parse_type
    from dataops.anonymize.transforms import BuildContext, TransformSpec, get_family

    family = get_family("tokenize")
    spec = TransformSpec("tokenize", {})
    col = parse_type(type_name)
    ctx = BuildContext(coltype=col)
    kernel = family.build_kernel(spec, b"s" * 64, ctx)
    value_fn = family.build(spec, b"s" * 64, ctx)
    assert isinstance(kernel, speedups.IntPermute) and kernel.bits == INT_TYPES[type_name]
    lo, hi = col.int_range or (0, 0)
    values = [str(min(max(v, lo), hi)).encode() for v in [lo, hi, 0, *ints]]
    fields = [*values, copytext.NULL]
    assert kernel(fields) == [*map(value_fn, values), copytext.NULL]
    for declined in ([str(hi + 1).encode()], [b"1.5"], [b"-0"], [b"+1"], [b"1\\t2"], [b""]):
        assert kernel(declined) is None


# ------------------------------------------------------------------ engines: threads, processes

MIXED_RULES = """\
version: 1
secret: speedups-engine-secret
tables:
  public.person:
    columns:
      id: keep
      name: {transform: fake, provider: last_name}
      email: {transform: email, domain: example.com, unique: true}
      note: null
      born: {transform: date_shift, max_days: 30}
  public.event:
    columns:
      id: keep
      code: {transform: regex_replace, pattern: '[0-9]', replacement: '#'}
      who: {transform: hash, length: 12}
"""


def mixed_dump(rows: int) -> bytes:
    person = b"".join(
        b"%d\tname %d\tp%d@mail.test\t%s\t%s\n"
        % (i, i % 50, i, b"\\N" if i % 7 == 0 else b"note\\t%d" % i, b"2001-02-%02d" % (1 + i % 28))
        for i in range(rows)
    )
    event = b"".join(b"%d\tcode-%d\twho %d\n" % (i, i, i % 13) for i in range(rows))
    return (
        b"CREATE TABLE public.person (id integer, name text, email text, note text, born date);\n"
        b"CREATE TABLE public.event (id integer, code text, who text);\n"
        b"COPY public.person (id, name, email, note, born) FROM stdin;\n" + person + b"\\.\n\n"
        b"COPY public.event (id, code, who) FROM stdin;\n" + event + b"\\.\n"
    )


def test_threads_processes_and_pure_python_write_the_same_bytes(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """person runs wholly in C (worker threads with --jobs 2), event has a Python column
    (worker processes); both against one job and the pure-Python path."""
    from dataops.anonymize.engines import pieces, plain

    monkeypatch.setattr(plain, "BLOCK", 4096)  # many slices
    monkeypatch.setattr(pieces.ThreadPool, "piece_size", 3000)
    dump = mixed_dump(3000)
    made: list[str] = []
    real_thread_init = pieces.ThreadPool.__init__

    def spy(self: pieces.ThreadPool, *args: object) -> None:
        made.append("threads")
        real_thread_init(self, *args)  # type: ignore[arg-type]

    monkeypatch.setattr(pieces.ThreadPool, "__init__", spy)

    def run(jobs: int, compiled: bool) -> bytes:
        saved = speedups.ENABLED
        speedups.ENABLED = compiled
        try:
            rules = parse_rules(MIXED_RULES, "rules.yaml", {})
            out = io.BytesIO()
            stats = anonymize_plain(Plan(rules), io.BytesIO(dump), out, jobs=jobs)
            assert [s.rows for s in stats] == [3000, 3000]
            return out.getvalue()
        finally:
            speedups.ENABLED = saved

    reference = run(1, compiled=False)
    assert run(1, compiled=True) == reference
    assert not made
    assert run(2, compiled=True) == reference
    assert made == ["threads"]  # person: threads; event: processes (a Python column)
    assert b"p17@mail.test" not in reference and b"code-#" in reference


def test_a_table_is_gil_free_only_when_every_column_runs_in_c() -> None:
    rules = parse_rules(MIXED_RULES, "rules.yaml", {})
    plan = Plan(rules)
    scanned = scan(io.BytesIO(mixed_dump(3)))
    plan.check(scanned.catalog, scanned.tables)
    person, event = scanned.tables
    assert getattr(plan.transformer(person), "gil_free", None) is True
    assert getattr(plan.transformer(event), "gil_free", None) is False
    saved = speedups.ENABLED
    try:
        speedups.ENABLED = False
        assert getattr(Plan(rules).transformer(person), "gil_free", None) is False
    finally:
        speedups.ENABLED = saved


def test_thread_pool_keeps_order_and_raises_in_the_caller() -> None:
    import time

    from dataops.anonymize.engines.pieces import ThreadPool

    got: list[int] = []
    with ThreadPool(3, COMPILED[0]) as pool:
        for n in range(20):
            pool.submit(time.sleep, ((20 - n) / 2000,), lambda _, n=n: got.append(n))
        pool.then(lambda: got.append(-1))
    assert got == [*range(20), -1]

    def fail() -> None:
        raise OperationError("piece failed")

    with pytest.raises(OperationError, match="piece failed"), ThreadPool(2, COMPILED[0]) as pool:
        pool.submit(fail, (), got.append)
        pool.drain()


@settings(max_examples=200, deadline=None)
@given(st.binary(max_size=3000), st.integers(0, 3100), st.integers(0, 3100))
def test_count_lines_equals_bytes_count(data: bytes, start: int, end: int) -> None:
    assert speedups.count_lines(data, start, end) == data.count(b"\n", start, end)
    assert speedups.count_lines(memoryview(data)) == data.count(b"\n")


@pytest.mark.parametrize(("jobs", "compiled"), [(1, False), (1, True), (2, True)])
def test_a_bad_value_is_named_by_its_row_in_every_path(
    jobs: int, compiled: bool, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The C loop hands a value it declines to the Python path, which reports it: the same
    row number with one job, worker threads (many slices) and pure Python."""
    from dataops.anonymize.engines import pieces, plain

    monkeypatch.setattr(plain, "BLOCK", 4096)
    monkeypatch.setattr(pieces.ThreadPool, "piece_size", 3000)
    dump = mixed_dump(3000)
    start = dump.index(b"\n2345\tname ")  # the 2346th row of person
    end = dump.index(b"\n", start + 1)
    dump = dump[: end - 10] + b"2001-02-30" + dump[end:]
    saved = speedups.ENABLED
    speedups.ENABLED = compiled
    try:
        with pytest.raises(ConfigError, match=r"public\.person, column born, row 2346 "):
            plan = Plan(parse_rules(MIXED_RULES, "rules.yaml", {}))
            anonymize_plain(plan, io.BytesIO(dump), io.BytesIO(), jobs=jobs)
    finally:
        speedups.ENABLED = saved
