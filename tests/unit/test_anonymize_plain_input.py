"""The plain engine's COPY data readers agree byte for byte (dataops/anonymize/engines/plain.py).

``copy_views`` (kept tables, the pre-pass, the parallel path) hands out views and
joins rows that span two reads; ``copy_data`` concatenates reads.  Both must give
the same rows, line counts, consumed bytes, following lines and truncation errors
for any read size, and ``_find_terminator`` must equal ``bytes.find``.
"""

from __future__ import annotations

import io
import random

import pytest

from dataops.anonymize.engines import plain


def _row(rng: random.Random, long: bool) -> bytes:
    alphabet = [b"a", b"b", b"\\", b".", b"\\.", b"\\\\", b"\\N", b"\t", b"x" * 7, b"\xc3\xa9"]
    n = rng.randint(50, 400) if long else rng.randint(0, 12)
    return b"".join(rng.choice(alphabet) for _ in range(n)) + b"\n"


def _dumps(seed: int) -> list[bytes]:
    rng = random.Random(seed)
    rows = b"".join(_row(rng, rng.random() < 0.1) for _ in range(rng.randint(0, 60)))
    head = b"COPY t (a) FROM stdin;\n"
    tail = b"\nCREATE INDEX i ON t (a);\n"
    return [
        head + rows + b"\\.\n" + tail,  # a complete block
        head + rows + b"\\.",  # terminator without a newline at the end
        head + rows,  # truncated: no terminator
        head + rows[: max(0, len(rows) - 3)],  # truncated inside a row
        head + b"\\.\n" + tail,  # empty block
    ]


def _read(dump: bytes, method: str, block: int, monkeypatch: pytest.MonkeyPatch) -> tuple:
    monkeypatch.setattr(plain, "BLOCK", block)
    src = plain._Input(io.BufferedReader(io.BytesIO(dump), buffer_size=block))
    assert src.readline().startswith(b"COPY")
    out: list[bytes] = []
    error = False
    try:
        for data in getattr(src, method)():
            out.append(bytes(data))
    except plain._Truncated:
        error = True
    after = b"" if error else src.readline()
    return b"".join(out), error, src.lineno, src.consumed, after, src.readline()


@pytest.mark.parametrize("block", [1, 2, 3, 5, 16, 64, 1 << 20])
@pytest.mark.parametrize("seed", range(12))
def test_views_equal_copies(seed: int, block: int, monkeypatch: pytest.MonkeyPatch) -> None:
    for dump in _dumps(seed):
        copies = _read(dump, "copy_data", block, monkeypatch)
        views = _read(dump, "copy_views", block, monkeypatch)
        assert views == copies
        if not copies[1]:
            body = dump[len(b"COPY t (a) FROM stdin;\n") :]
            assert copies[0] == body[: len(copies[0])]
            assert body[len(copies[0]) :].startswith(b"\\.")


def test_truncated_dump_raises(monkeypatch: pytest.MonkeyPatch) -> None:
    dump = b"COPY t (a) FROM stdin;\nx\ny"
    for method in ("copy_data", "copy_views"):
        rows, error, *_ = _read(dump, method, 4, monkeypatch)
        assert error and rows == b"x\n"


@pytest.mark.parametrize("seed", range(40))
def test_find_terminator_equals_find(seed: int) -> None:
    rng = random.Random(seed)
    parts = [b"\n", b"\\", b".", b"a", b"\\.", b"\n\\.\n", b"\\\\"]
    weights = [5, 3 if seed % 2 else 40, 3, 10, 1, 0.3, 1]
    buf = b"".join(rng.choices(parts, weights, k=rng.randint(0, 400)))
    for pos in range(0, len(buf) + 1, 7):
        assert plain._find_terminator(buf, pos) == buf.find(b"\n\\.\n", pos)


def test_scan_counts_lines_after_skipped_data(monkeypatch: pytest.MonkeyPatch) -> None:
    """The pre-pass skips data with views: catalog locations after it stay exact."""
    monkeypatch.setattr(plain, "BLOCK", 8)
    rows = b"".join(b"%d\tname %d\n" % (i, i) for i in range(50))
    dump = (
        b"CREATE TABLE public.t (a integer, b text);\n"
        b"COPY public.t (a, b) FROM stdin;\n" + rows + b"\\.\n\n"
        b"ALTER TABLE ONLY public.t\n    ADD CONSTRAINT t_pkey PRIMARY KEY (a);\n"
    )
    result = plain.scan(io.BufferedReader(io.BytesIO(dump), buffer_size=8))
    assert [t.qualified for t in result.tables] == ["public.t"]
    assert result.tables[0].location == "line 2"
    expected = plain.scan(io.BytesIO(dump))
    assert repr(result.catalog.__dict__) == repr(expected.catalog.__dict__)


class _Trickle(io.RawIOBase):
    """A pipe that hands out at most ``step`` bytes per read (like a slow stdin)."""

    def __init__(self, data: bytes, step: int) -> None:
        self.data, self.at, self.step = data, 0, step

    def readable(self) -> bool:
        return True

    def read1(self, n: int = -1) -> bytes:
        out = self.data[self.at : self.at + min(self.step, n if n > 0 else self.step)]
        self.at += len(out)
        return out

    def readinto(self, b: bytearray) -> int:  # type: ignore[override]
        out = self.read1(len(b))
        b[: len(out)] = out
        return len(out)


PARALLEL_RULES = """\
version: 1
secret: plain-input-test-secret
tables:
  public.person:
    columns:
      id: keep
      name: {transform: fake, provider: last_name}
      note: keep
  public.film: keep
"""


@pytest.mark.parametrize(("step", "block"), [(7, 64), (4096, 1 << 20), (1 << 20, 4096)])
def test_parallel_slices_from_a_trickle_equal_one_job(
    step: int, block: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    from dataops.anonymize.plan import Plan
    from dataops.anonymize.rules import parse_rules

    person = b"".join(
        b"%d\tname %d\tnote \\\\ %d %s\n" % (i, i, i, b"x" * (i % 97)) for i in range(3000)
    )
    film = b"".join(b"%d\ttitle %d\n" % (i, i) for i in range(500))
    dump = (
        b"CREATE TABLE public.person (id integer, name text, note text);\n"
        b"CREATE TABLE public.film (id integer, title text);\n"
        b"COPY public.person (id, name, note) FROM stdin;\n" + person + b"\\.\n\n"
        b"COPY public.film (id, title) FROM stdin;\n" + film + b"\\.\n"
    )
    monkeypatch.setattr(plain, "BLOCK", block)
    outs = []
    for jobs in (1, 2):
        out = io.BytesIO()
        source = _Trickle(dump, step)
        stats = plain.anonymize_plain(
            Plan(parse_rules(PARALLEL_RULES, "rules.yaml", {})), source, out, jobs=jobs
        )
        assert [(s.table, s.rows) for s in stats] == [("public.person", 3000), ("public.film", 500)]
        outs.append(out.getvalue())
    assert outs[0] == outs[1]
    assert outs[0].endswith(b"COPY public.film (id, title) FROM stdin;\n" + film + b"\\.\n")
    assert b"name 17\t" not in outs[0] and b"\tnote \\\\ 17 " in outs[0]
