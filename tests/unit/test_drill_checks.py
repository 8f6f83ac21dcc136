"""checks.yaml: loading (every problem at once, file:line), expectations, options."""

from __future__ import annotations

import datetime as dt
import decimal
from pathlib import Path

import pytest

from dataops.drill import checks
from dataops.drill.options import parse_duration, parse_target
from dataops.errors import ConfigError

REPO = Path(__file__).resolve().parents[2]


def test_the_example_file_loads(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("DATAOPS_DRILL_DATABASE", raising=False)
    loaded = checks.load(REPO / "configs" / "checks.example.yaml")
    assert loaded.database == "app"
    assert loaded.freshness is not None and "max(created_at)" in loaded.freshness.query
    names = [c.name for c in loaded.checks]
    assert names[0] == "orders are there"
    assert len(names) == len(set(names)) >= 3
    lines = {c.name: c for c in loaded.checks}
    assert lines["no order line without its order"].timeout == 120
    assert lines["orders are there"].timeout == 30
    assert lines["orders are there"].expect.min == 1
    assert lines["exactly one owner account"].expect.rows == 1
    assert lines["schema migrations applied and clean"].expect.equals is False


def test_interpolation(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DRILL_DB", "shop")
    loaded = checks.parse(
        "version: 1\ndatabase: ${DRILL_DB}\nchecks:\n"
        "  - {name: a, query: 'SELECT 1', expect: {equals: '${NOPE:-x}'}}\n",
        "c.yaml",
    )
    assert loaded.database == "shop"
    assert loaded.checks[0].database == "shop"
    assert loaded.checks[0].expect.equals == "x"


def test_every_problem_at_once_with_lines() -> None:
    text = (
        "version: 1\n"  # 1
        "timeout: -3\n"  # 2
        "bogus: 1\n"  # 3
        "checks:\n"  # 4
        "  - name: a\n"  # 5
        "    query: SELECT 1\n"  # 6
        "    expect: {min: x, colour: red}\n"  # 7
        "  - name: a\n"  # 8
        "    query: SELECT 2\n"  # 9
        "    expect: {min: 5, max: 1}\n"  # 10
        "  - query: SELECT 3\n"  # 11
        "  - name: c\n"  # 12
        "    query: SELECT 4\n"  # 13
        "    expect: {rows: -1}\n"  # 14
        "    timeout: 0\n"  # 15
    )
    with pytest.raises(ConfigError) as info:
        checks.parse(text, "checks.yaml")
    details = "\n".join(info.value.details)
    assert "checks.yaml:2: timeout: must be a number of seconds" in details
    assert "checks.yaml:3: bogus: unknown key" in details
    assert "checks.yaml:7: checks[0].expect.min: must be a number" in details
    assert "checks.yaml:7: checks[0].expect.colour: unknown key" in details
    assert "checks.yaml:8: checks[1].name: duplicate name (also on line 5)" in details
    assert "checks.yaml:10: checks[1].expect: min 5 is greater than max 1" in details
    assert "checks.yaml:11: checks[2].name: missing" in details
    assert "checks.yaml:11: checks[2].expect: missing" in details
    assert "checks.yaml:14: checks[3].expect.rows: must be a whole number" in details
    assert "checks.yaml:15: checks[3].timeout: must be a number of seconds" in details


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "c.yaml:1: the file is empty"),
        ("version: [1\n", "invalid checks file c.yaml"),
        ("version: 2\n", "unsupported version"),
        ("checks: []\n", "version: missing"),
        ("version: 1\nchecks: {a: 1}\n", "expected a list of checks"),
        ("version: 1\ndatabase: ${UNSET_DRILL_VAR_X}\n", "UNSET_DRILL_VAR_X is not set"),
        (
            "version: 1\nchecks: [{name: a, query: q, expect: {min: 1}}, {name: a, query: q, expect: {min: 1}}]\n",
            "duplicate name",
        ),
    ],
)
def test_bad_files(text: str, message: str) -> None:
    with pytest.raises(ConfigError) as info:
        checks.parse(text, "c.yaml")
    assert message in info.value.render()


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="no such file"):
        checks.load(tmp_path / "nope.yaml")


def _expect(**kw: object) -> checks.Expect:
    return checks.Expect(has_equals="equals" in kw, **kw)  # type: ignore[arg-type]


def test_expectations() -> None:
    assert _expect(equals=0).evaluate([(0,)]) is None
    assert _expect(equals=0).evaluate([(decimal.Decimal("0"),)]) is None
    assert _expect(equals=0).evaluate([(3,)]) == "expected 0, got 3"
    assert _expect(equals="0").evaluate([("0",)]) is None
    assert _expect(equals=None).evaluate([(None,)]) is None
    assert _expect(equals=False).evaluate([(False,)]) is None
    assert _expect(equals=False).evaluate([(True,)]) is not None
    assert _expect(equals="2026-01-02").evaluate([(dt.date(2026, 1, 2),)]) is None
    assert _expect(min=1).evaluate([(1,)]) is None
    assert _expect(min=1).evaluate([(0,)]) == "expected at least 1, got 0"
    assert _expect(max=10).evaluate([(11,)]) == "expected at most 10, got 11"
    assert _expect(min=1).evaluate([("abc",)]) == "expected a number, got 'abc'"
    assert _expect(min=1).evaluate([]) == "the query returned no rows (expected a value)"
    assert _expect(rows=2).evaluate([(1,), (2,)]) is None
    assert _expect(rows=2).evaluate([(1,)]) == "expected 2 row(s), got 1"
    assert _expect(rows=0).evaluate([]) is None


def test_targets_and_durations() -> None:
    now = dt.datetime(2026, 6, 1, tzinfo=dt.UTC)
    assert parse_target("latest").kind == "latest"
    assert parse_target(None).kind == "latest"
    t = parse_target("2026-05-01T12:30:00Z", now=now)
    assert t.kind == "time" and t.time == dt.datetime(2026, 5, 1, 12, 30, tzinfo=dt.UTC)
    naive = parse_target("2026-05-01 12:30", now=now)
    assert naive.time == dt.datetime(2026, 5, 1, 12, 30, tzinfo=dt.UTC)
    offset = parse_target("2026-05-01T14:30:00+02:00", now=now)
    assert offset.time == dt.datetime(2026, 5, 1, 12, 30, tzinfo=dt.UTC)
    b = parse_target("20260501-123000F")
    assert b.kind == "backup" and b.backup == "20260501-123000F"
    assert parse_target("base_000000010000000000000004").kind == "backup"
    with pytest.raises(ConfigError, match="in the future"):
        parse_target("2030-01-01T00:00:00Z", now=now)
    with pytest.raises(ConfigError, match="not a valid ISO 8601"):
        parse_target("2026-13-01T00:00:00Z", now=now)
    with pytest.raises(ConfigError):
        parse_target("rm -rf /")
    assert parse_duration("90", "--x") == 90
    assert parse_duration("15m", "--x") == 900
    assert parse_duration("26h", "--x") == 93600
    assert parse_duration("2d", "--x") == 172800
    assert parse_duration(None, "--x") is None
    with pytest.raises(ConfigError, match="--rpo-objective 'soon' is not a duration"):
        parse_duration("soon", "--rpo-objective")
    with pytest.raises(ConfigError, match="greater than zero"):
        parse_duration("0s", "--x")


def test_rpo_from_the_recovery_log() -> None:
    from dataops.drill import rpo

    lines = [
        "2026-11-30 07:30:47.690 UTC [1] LOG:  redo done at 0/300AD48 system usage: CPU",
        "2026-11-30 07:30:47.690 UTC [1] LOG:  last completed transaction was at log time "
        "2026-11-30 07:30:35.062673+00",
        "2026-11-30 07:30:47.767 UTC [1] LOG:  selected new timeline ID: 2",
    ]
    found = rpo.recovery_log(lines)
    assert found is not None and found.source == "recovery_log"
    assert found.at == dt.datetime(2026, 11, 30, 7, 30, 35, 62673, tzinfo=dt.UTC)
    offset = rpo.recovery_log(
        ["LOG:  last completed transaction was at log time 2026-01-02 03:04:05+05:30"]
    )
    assert offset is not None
    assert offset.at == dt.datetime(2026, 1, 1, 21, 34, 5, tzinfo=dt.UTC)
    assert rpo.recovery_log(["LOG:  redo is not required"]) is None
