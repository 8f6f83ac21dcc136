"""``/``: the status page for people, rendered on the server from the ``/status`` facts.

One self-contained document: inline CSS, no scripts, no external assets; it refreshes
itself every 30 s with a ``<meta>`` tag.
"""

from __future__ import annotations

import html
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from dataops.sidecar.status import Check

_CSS = """
body{font:14px/1.4 system-ui,sans-serif;margin:1.5rem;color:#1d1d1f;background:#fafafa}
h1{font-size:1.4rem;margin:0 0 .2rem}h2{font-size:1.1rem;margin:1.6rem 0 .4rem}
table{border-collapse:collapse;background:#fff;min-width:60%}
th,td{border:1px solid #ddd;padding:.3rem .6rem;text-align:left;vertical-align:top}
th{background:#f0f0f0}.muted{color:#666}.err{color:#a40000;font-size:.9em;white-space:pre-wrap}
.b{display:inline-block;padding:0 .45rem;border-radius:.6rem;font-size:.85em;color:#fff}
.ok{background:#1a7f37}.bad{background:#c62828}.warn{background:#b26a00}.off{background:#777}
"""

_BADGES = {
    "success": "ok",
    "scheduled": "ok",
    "running": "warn",
    "failed": "bad",
    "skipped": "warn",
    "interrupted": "warn",
    "disabled": "off",
    "not_installed": "off",
    True: "ok",
    False: "bad",
}


def _e(value: Any) -> str:
    return html.escape("—" if value is None or value == "" else str(value))


def _badge(value: Any, text: str | None = None) -> str:
    cls = _BADGES.get(value, "off")
    return f'<span class="b {cls}">{_e(text if text is not None else value)}</span>'


def _table(headers: Sequence[str], rows: Iterable[Sequence[str]], empty: str) -> str:
    body = "".join("<tr>" + "".join(f"<td>{c}</td>" for c in row) + "</tr>" for row in rows)
    if not body:
        return f'<p class="muted">{_e(empty)}</p>'
    head = "".join(f"<th>{_e(h)}</th>" for h in headers)
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def _seconds(value: Any) -> str:
    if value is None:
        return "—"
    return f"{float(value):.1f} s"


def render(facts: dict[str, Any], checks: Sequence[Check]) -> str:
    ready = all(c.ok for c in checks)
    job_rows = []
    for job in facts["jobs"]:
        runs = job["runs"] or [{}]
        for i, run in enumerate(runs):
            state = _badge(job["state"]) if i == 0 else ""
            error = run.get("last_error")
            result = _badge(run.get("last_result")) if run.get("last_result") else "—"
            if error:
                result += f'<div class="err">{_e(error)}</div>'
            job_rows.append(
                [
                    f"<b>{_e(job['name'])}</b>" if i == 0 else "",
                    _e((run.get("key") or "").partition(":")[2] or None),
                    state + (f'<div class="muted">{_e(job["reason"])}</div>' if job["reason"] and i == 0 else ""),
                    _e(job["schedule"] if run.get("key", "").find(":incremental") < 0 else job["incremental_schedule"]),
                    _e(run.get("last_attempt")),
                    result,
                    _e(run.get("last_success")),
                    _seconds(run.get("last_duration_seconds")),
                    _e(run.get("next_run")),
                ]
            )  # fmt: skip
    backup_rows = [
        [
            _e(b["key"]),
            _e(b["type"]),
            _e(b["last_success"]),
            _e(b["last_backup"]),
            _e(b["size_bytes"]),
            _e(b["backup_count"]),
            _e(b["recoverability_start"]),
        ]
        for b in facts["backups"]
    ]
    drill_rows = [
        [
            _e(name),
            _badge(d["last_result"]) if d["last_result"] else "—",
            _e(d["last_success"]),
            _seconds(d["rto_seconds"]),
            _seconds(d["rpo_seconds"]),
        ]
        for name, d in facts["drills"].items()
    ]
    wal = facts.get("wal_archive")
    wal_html = (
        _table(
            ["last archived", "segment", "pending segments", "failing", "last poll"],
            [
                [
                    _e(wal["last_archived_time"]),
                    _e(wal["last_archived_wal"]),
                    _e(wal["pending_segments"]),
                    _badge(not wal["failing"], "no" if not wal["failing"] else "yes"),
                    _e(wal["last_poll"]),
                ]
            ],
            "",
        )
        if wal
        else '<p class="muted">pg_archiver is not configured.</p>'
    )
    check_rows = [
        [_e(c.name), _badge(c.ok, "ok" if c.ok else "failing"), _e(c.detail)] for c in checks
    ]
    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width,initial-scale=1">
<meta http-equiv="refresh" content="30">
<title>dataops sidecar</title><style>{_CSS}</style></head>
<body>
<h1>dataops sidecar {_badge(ready, "ready" if ready else "not ready")}</h1>
<p class="muted">version {_e(facts["version"])} · started {_e(facts["started"])} · now {_e(facts["now"])} · config {_e(facts["config"])}</p>
<h2>Backups</h2>
{_table(["backup", "type", "last success", "last backup", "size (bytes)", "backups kept", "restorable since"], backup_rows, "No backup has been recorded yet.")}
<h2>Jobs</h2>
{_table(["job", "variant", "state", "schedule", "last run", "result", "last success", "duration", "next run"], job_rows, "No jobs.")}
<h2>Restore drills</h2>
{_table(["drill", "last result", "last success", "RTO", "RPO"], drill_rows, "No drill has run yet.")}
<h2>WAL archiving</h2>
{wal_html}
<h2>Readiness</h2>
{_table(["check", "state", "detail"], check_rows, "")}
</body></html>
"""
