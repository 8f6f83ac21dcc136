"""The shipped Prometheus rules and Grafana dashboard, checked by promtool; the metric
families of dataops/metrics.py pass ``promtool check metrics``."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path

import yaml
from prometheus_client import CollectorRegistry

from dataops.metrics import BackupSeries, Metrics, metric_names

REPO = Path(__file__).resolve().parents[2]
ALERTS = REPO / "configs" / "prometheus" / "alerts.yml"
DASHBOARD = REPO / "configs" / "grafana" / "dashboard.json"
ISSUE_METRICS = {
    "dataops_backup_last_success_timestamp_seconds",
    "dataops_backup_last_attempt_timestamp_seconds",
    "dataops_backup_last_attempt_success",
    "dataops_backup_last_duration_seconds",
    "dataops_backup_last_size_bytes",
    "dataops_backup_runs_total",
    "dataops_backups_retained",
    "dataops_pitr_window_start_timestamp_seconds",
    "dataops_wal_archive_last_success_timestamp_seconds",
    "dataops_wal_archive_failures_total",
    "dataops_wal_archive_pending_segments",
    "dataops_repo_verify_last_success",
    "dataops_offsite_sync_last_success_timestamp_seconds",
    "dataops_drill_last_success_timestamp_seconds",
    "dataops_drill_last_run_success",
    "dataops_drill_last_rto_seconds",
    "dataops_drill_last_rpo_seconds",
    "dataops_job_running",
    "dataops_job_skipped_total",
    "dataops_build_info",
}


def promtool() -> str:
    found = shutil.which("promtool")
    assert found, "promtool is missing: scripts/bootstrap installs Debian's prometheus package"
    return found


def test_alert_rules_are_valid() -> None:
    result = subprocess.run(
        [promtool(), "check", "rules", str(ALERTS)], capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "SUCCESS: 13 rules found" in result.stdout


def test_alert_rules_unit_tests() -> None:
    result = subprocess.run(
        [promtool(), "test", "rules", "alerts_test.yml", "alerts_stale_test.yml"],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=REPO / "tests" / "prometheus",
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "SUCCESS" in result.stdout


def test_alerts_cover_the_issue() -> None:
    rules = yaml.safe_load(ALERTS.read_text())["groups"][0]["rules"]
    names = {r["alert"] for r in rules}
    assert names >= {
        "DataopsPgBackupTooOld",
        "DataopsBackupFailing",
        "DataopsWalArchivingFailing",
        "DataopsWalArchivingLagging",
        "DataopsFilesBackupTooOld",
        "DataopsOffsiteCopyTooOld",
        "DataopsRepoVerifyFailing",
        "DataopsDrillFailed",
        "DataopsDrillStale",
        "DataopsRpoObjectiveMissed",
        "DataopsSidecarDown",
    }
    # every metric an alert reads is one that dataops exports (or Prometheus' own `up`)
    exported = set(metric_names(Metrics(CollectorRegistry())))
    for rule in rules:
        for word in re.findall(r"dataops_[a-z_]+", rule["expr"]):
            assert word in exported, (rule["alert"], word)


def dashboard_queries() -> list[str]:
    dashboard = json.loads(DASHBOARD.read_text())
    return [t["expr"] for p in dashboard["panels"] for t in p.get("targets", [])]


def test_dashboard_queries_pass_promtool(tmp_path: Path) -> None:
    queries = dashboard_queries()
    assert len(queries) >= 20
    rules = {
        "groups": [
            {
                "name": "dashboard",
                "rules": [
                    {"record": f"dashboard:query{i}", "expr": q} for i, q in enumerate(queries)
                ],
            }
        ]
    }
    path = tmp_path / "dashboard_rules.yml"
    path.write_text(yaml.safe_dump(rules))
    result = subprocess.run(
        [promtool(), "check", "rules", str(path)], capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert f"SUCCESS: {len(queries)} rules found" in result.stdout
    exported = set(metric_names(Metrics(CollectorRegistry())))
    used = {w for q in queries for w in re.findall(r"dataops_[a-z_]+", q)}
    assert used <= exported


def test_metrics_declared_and_promtool_clean() -> None:
    metrics = Metrics(CollectorRegistry())
    assert set(metric_names(metrics)) >= ISSUE_METRICS
    series = BackupSeries("pgbackrest", "postgres", "full")
    metrics.declare_backup(series)
    metrics.declare_repo("pgbackrest", "postgres")
    metrics.declare_wal("postgres")
    metrics.declare_drill("pg", 900)
    metrics.declare_job("pg_backup", enabled=True)
    text = metrics.render().decode()
    # known series exist before any run: "never" is 0, "success" is NaN until an attempt
    labels = 'engine="pgbackrest",target="postgres",type="full"'
    assert f"dataops_backup_last_success_timestamp_seconds{{{labels}}} 0.0" in text
    assert f"dataops_backup_last_attempt_success{{{labels}}} NaN" in text
    runs = 'engine="pgbackrest",result="failed",target="postgres",type="full"'
    assert f"dataops_backup_runs_total{{{runs}}} 0.0" in text
    assert 'dataops_job_skipped_total{job="pg_backup",reason="target_locked"} 0.0' in text
    assert "_created" not in text
    metrics.backup_attempt(series, ended=1000.0, ok=True, seconds=3.5, size_bytes=2048)
    metrics.backup_success(series, 900.0, 1)  # an older listing never lowers it
    text = metrics.render().decode()
    assert f"dataops_backup_last_success_timestamp_seconds{{{labels}}} 1000.0" in text
    assert f"dataops_backup_last_size_bytes{{{labels}}} 2048.0" in text
    result = subprocess.run(
        [promtool(), "check", "metrics"], input=text, capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.strip() == "" and result.stderr.strip() == ""
