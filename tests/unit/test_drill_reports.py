"""Drill reports: the check runner, JSON dataops.drill/v1, JUnit XML against a JUnit XSD."""

from __future__ import annotations

import datetime as dt
import json
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
import xmlschema

from dataops.drill import junit
from dataops.drill.report import (
    SCHEMA,
    CheckFailed,
    CheckResult,
    DrillReport,
    DrillRun,
    Objectives,
    to_json,
)
from dataops.errors import DependencyError, Interrupted

XSD = Path(__file__).resolve().parents[1] / "data" / "junit.xsd"
T0 = dt.datetime(2026, 1, 2, 3, 4, 5, tzinfo=dt.UTC)


def _report(*checks: CheckResult, **kw: object) -> DrillReport:
    values: dict[str, object] = {
        "drill": "pg",
        "engine": "pgbackrest",
        "target": "latest",
        "started": T0,
        "finished": T0 + dt.timedelta(seconds=42.5),
        "checks": checks,
        "objectives": Objectives(rto_seconds=600, rpo_seconds=300),
        "backup": "20260102-030000F",
        "backup_finished": T0 - dt.timedelta(hours=1),
        "recovery_target": "latest (end of the archived WAL)",
        "rto_seconds": 12.34567,
        "rpo_seconds": 4.5,
        "rpo_source": "heartbeat",
        "tool_versions": {"pgbackrest": "pgBackRest 2.45", "postgres": "postgres 15.5"},
    }
    values.update(kw)
    return DrillReport(**values)  # type: ignore[arg-type]


def test_run_records_pass_fail_skip_and_dependency() -> None:
    run = DrillRun()

    def ok(c: object) -> int:
        c.message = "fine"  # type: ignore[attr-defined]
        return 7

    def unmet(c: object) -> None:
        raise CheckFailed("expected 1 row(s), got 0", ["detail"])

    def unreachable(c: object) -> None:
        raise DependencyError("storage unreachable")

    assert run.step("repository", ok) == 7
    assert run.step("verify", unmet, requires=["repository"]) is None
    assert run.step("restore", ok, requires=["repository"]) == 7  # runs despite verify
    assert run.step("amcheck", ok) is None  # default: needs every earlier check ok
    assert run.step("recovery", unreachable, requires=["restore"]) is None
    assert run.step("target", ok, requires=["recovery"]) is None
    statuses = [(c.name, c.status) for c in run.checks]
    assert statuses == [
        ("repository", "passed"),
        ("verify", "failed"),
        ("restore", "passed"),
        ("amcheck", "skipped"),
        ("recovery", "failed"),
        ("target", "skipped"),
    ]
    assert run.checks[0].message == "fine"
    assert run.checks[1].details == ("detail",)
    assert run.checks[4].dependency and not run.checks[1].dependency
    assert "recovery did not pass" in run.checks[5].message


def test_interrupts_propagate_and_are_recorded() -> None:
    run = DrillRun()

    def ctrl_c(c: object) -> None:
        raise KeyboardInterrupt

    def sigterm(c: object) -> None:
        raise Interrupted(15)

    with pytest.raises(KeyboardInterrupt):
        run.step("restore", ctrl_c)
    with pytest.raises(Interrupted):
        run.step("recovery", sigterm, requires=[])
    assert [c.message for c in run.checks] == ["interrupted", "interrupted"]


def test_result_and_exit_codes() -> None:
    ok = CheckResult("a", "passed", 1.0, "fine")
    failed = CheckResult("check: orders", "failed", 0.5, "expected at least 1, got 0")
    dep = CheckResult("repository", "failed", 0.1, "unreachable", dependency=True)
    skipped = CheckResult("b", "skipped", 0.0, "not run")
    assert _report(ok, skipped).exit_code == 0
    assert _report(ok, skipped).result == "passed"
    assert _report(ok, failed).exit_code == 1
    assert _report(ok, failed).result == "failed"
    assert _report(dep, failed).exit_code == 3
    assert _report(dep).result == "error"
    assert _report(ok, failed, skipped).summary_line() == "drill: 1 passed, 1 failed"


def test_json_has_every_field_of_the_schema() -> None:
    report = _report(
        CheckResult("repository", "passed", 1.23456, "3 backup(s)"),
        CheckResult("check: orders", "failed", 0.5, "expected at least 1, got 0", ("d",)),
    )
    data = json.loads(to_json(report))
    assert data["schema"] == SCHEMA == "dataops.drill/v1"
    for key in (
        "drill",
        "engine",
        "target",
        "started",
        "finished",
        "result",
        "backup",
        "recovery_target",
        "rto_seconds",
        "rpo_seconds",
        "objectives",
        "tool_versions",
        "checks",
    ):
        assert key in data, key
    assert data["result"] == "failed"
    assert data["rto_seconds"] == 12.346
    assert data["objectives"] == {
        "rto_seconds": 600,
        "rpo_seconds": 300,
        "max_backup_age_seconds": None,
    }
    assert data["started"] == "2026-01-02T03:04:05+00:00"
    assert data["checks"][1] == {
        "name": "check: orders",
        "status": "failed",
        "duration_seconds": 0.5,
        "message": "expected at least 1, got 0",
        "details": ["d"],
    }
    assert data["counts"] == {"passed": 1, "failed": 1, "skipped": 0}


def test_junit_validates_against_the_xsd_and_carries_rto_rpo() -> None:
    report = _report(
        CheckResult("repository", "passed", 1.0, "3 backup(s) <ok> & fine"),
        CheckResult("check: orders", "failed", 0.5, 'expected "1", got 0', ("line 1",)),
        CheckResult("verify", "failed", 0.2, "storage unreachable", dependency=True),
        CheckResult("amcheck", "skipped", 0.0, "not run: an earlier step failed"),
    )
    files_report = _report(
        CheckResult("borg check", "passed", 3.0, "ok"), drill="files", engine="borg"
    )
    text = junit.render([report, files_report])
    schema = xmlschema.XMLSchema(str(XSD))
    schema.validate(text)
    root = ET.fromstring(text)  # noqa: S314 - our own output
    suites = root.findall("testsuite")
    assert [s.get("name") for s in suites] == ["dataops.drill.pg", "dataops.drill.files"]
    suite = suites[0]
    assert suite.get("tests") == "4"
    assert suite.get("failures") == "1"
    assert suite.get("errors") == "1"
    assert suite.get("skipped") == "1"
    props = {p.get("name"): p.get("value") for p in suite.iter("property")}
    assert props["rto_seconds"] == "12.346"
    assert props["rpo_seconds"] == "4.500"
    assert props["rpo_objective_seconds"] == "300"
    assert props["version.pgbackrest"] == "pgBackRest 2.45"
    cases = {c.get("name"): c for c in suite.iter("testcase")}
    failure = cases["check: orders"].find("failure")
    assert failure is not None
    assert failure.get("message") == 'expected "1", got 0'
    assert "line 1" in (failure.text or "")
    assert cases["verify"].find("error") is not None
    assert cases["amcheck"].find("skipped") is not None
    assert root.get("tests") == "5"


def test_the_xsd_rejects_a_broken_report() -> None:
    schema = xmlschema.XMLSchema(str(XSD))
    broken = (
        '<testsuites><testsuite name="x" tests="1">'
        '<testcase name="a" time="-1"/></testsuite></testsuites>'
    )
    assert not schema.is_valid(broken)
    assert not schema.is_valid('<testsuites><testsuite tests="1"/></testsuites>')


def test_configuration_errors_stop_the_drill() -> None:
    from dataops.errors import ConfigError

    run = DrillRun()

    def bad(c: object) -> None:
        raise ConfigError("DATAOPS_X is not set")

    with pytest.raises(ConfigError):
        run.step("repository", bad)
    assert run.checks == []


def test_expected_tool_errors_fail_the_check_other_errors_propagate() -> None:
    run = DrillRun(expected=(OSError,))

    def unreadable(c: object) -> None:
        raise PermissionError(13, "Permission denied", "/srv/x")

    def bug(c: object) -> None:
        raise ZeroDivisionError("bug")

    assert run.step("compare", unreadable) is None
    assert run.checks[0].status == "failed"
    assert run.checks[0].message == "PermissionError: [Errno 13] Permission denied: '/srv/x'"
    with pytest.raises(ZeroDivisionError):
        run.step("rto", bug, requires=[])
    assert run.checks[1].message == "internal error: ZeroDivisionError"
