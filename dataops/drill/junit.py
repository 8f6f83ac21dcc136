"""JUnit XML for CI systems: one ``<testsuite>`` per drill, one ``<testcase>`` per check.

The shape is the widely used Ant/Jenkins one (``tests/data/junit.xsd`` validates it):
``<testsuites>`` > ``<testsuite name tests failures errors skipped time timestamp
hostname>`` > ``<properties>`` (RTO, RPO, objectives, backup, engine) then the
``<testcase name classname time>`` elements with a ``<failure message type>`` or a
``<skipped message>`` child.  A check that failed because a dependency was unreachable
is an ``<error>``, as CI systems distinguish both.
"""

from __future__ import annotations

import socket
import xml.etree.ElementTree as ET
from collections.abc import Sequence

from dataops.drill.report import DrillReport


def _seconds(value: float) -> str:
    return f"{max(value, 0.0):.3f}"


def _properties(report: DrillReport) -> list[tuple[str, str]]:
    values: list[tuple[str, str | float | None]] = [
        ("drill", report.drill),
        ("engine", report.engine),
        ("target", report.target),
        ("result", report.result),
        ("backup", report.backup),
        ("recovery_target", report.recovery_target),
        ("rto_seconds", report.rto_seconds),
        ("rpo_seconds", report.rpo_seconds),
        ("rpo_source", report.rpo_source),
        ("rto_objective_seconds", report.objectives.rto_seconds),
        ("rpo_objective_seconds", report.objectives.rpo_seconds),
        ("max_backup_age_seconds", report.objectives.max_backup_age_seconds),
    ]
    for tool, version in sorted(report.tool_versions.items()):
        values.append((f"version.{tool}", version))
    out = []
    for name, value in values:
        if value is None:
            continue
        out.append((name, f"{value:.3f}" if isinstance(value, float) else str(value)))
    return out


def testsuite(report: DrillReport) -> ET.Element:
    errors = sum(1 for c in report.checks if c.status == "failed" and c.dependency)
    suite = ET.Element(
        "testsuite",
        {
            "name": f"dataops.drill.{report.drill}",
            "tests": str(len(report.checks)),
            "failures": str(report.failed - errors),
            "errors": str(errors),
            "skipped": str(report.skipped),
            "time": _seconds(report.seconds),
            "timestamp": report.started.replace(tzinfo=None).isoformat(timespec="seconds"),
            "hostname": socket.gethostname() or "localhost",
        },
    )
    props = ET.SubElement(suite, "properties")
    for name, value in _properties(report):
        ET.SubElement(props, "property", {"name": name, "value": value})
    for check in report.checks:
        case = ET.SubElement(
            suite,
            "testcase",
            {
                "name": check.name,
                "classname": f"dataops.drill.{report.drill}",
                "time": _seconds(check.seconds),
            },
        )
        if check.status == "failed":
            tag = "error" if check.dependency else "failure"
            child = ET.SubElement(
                case,
                tag,
                {
                    "message": check.message,
                    "type": "DependencyError" if check.dependency else "CheckFailed",
                },
            )
            child.text = "\n".join([check.message, *check.details])
        elif check.status == "skipped":
            ET.SubElement(case, "skipped", {"message": check.message})
        elif check.message:
            out = ET.SubElement(case, "system-out")
            out.text = check.message
    return suite


def render(reports: Sequence[DrillReport]) -> str:
    root = ET.Element(
        "testsuites",
        {
            "name": "dataops drill",
            "tests": str(sum(len(r.checks) for r in reports)),
            "failures": str(
                sum(
                    1
                    for r in reports
                    for c in r.checks
                    if c.status == "failed" and not c.dependency
                )
            ),
            "errors": str(
                sum(1 for r in reports for c in r.checks if c.status == "failed" and c.dependency)
            ),
            "time": _seconds(sum(r.seconds for r in reports)),
        },
    )
    for report in reports:
        root.append(testsuite(report))
    ET.indent(root)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n"
