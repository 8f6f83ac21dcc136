"""sidecar.yaml loading: every problem at once with file:line, env overrides, schedules."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from dataops.errors import ConfigError
from dataops.sidecar.config import load_config
from dataops.sidecar.schedule import parse_duration, parse_schedule
from dataops.sidecar.service import job_specs

REPO = Path(__file__).resolve().parents[2]


def _load(tmp_path: Path, text: str, env: dict[str, str] | None = None):  # type: ignore[no-untyped-def]
    path = tmp_path / "sidecar.yaml"
    path.write_text(text)
    return load_config(path, job_specs(), env or {})


def test_example_config_loads() -> None:
    config = load_config(REPO / "configs" / "sidecar.example.yaml", job_specs(), {})
    names = {job.name for job in config.enabled()}
    assert names == set(job_specs())
    backup = config.jobs["pg_backup"]
    assert backup.schedule is not None and backup.schedule.text == "0 2 * * *"
    assert backup.incremental_schedule is not None
    assert backup.timeout == 6 * 3600
    assert backup.jitter == 300
    assert config.jobs["pg_archiver"].schedule is not None
    assert config.jobs["pg_archiver"].schedule.seconds == 30
    assert config.jobs["pg_retain"].options == {"full": 7}
    assert config.jobs["drill_pg"].options == {"rpo_objective": 900.0}
    assert config.targets == {"pg": "postgres", "files": "files"}
    assert config.lock_wait == 1800
    assert backup.misfire_grace_time == 600


def test_every_problem_reported_with_file_and_line(tmp_path: Path) -> None:
    text = (
        "version: 1\n"
        "colour: blue\n"  # 2 unknown top-level key
        "jobs:\n"
        "  pg_bakup:\n"  # 4 unknown job
        "    schedule: '@daily'\n"
        "  pg_backup:\n"
        "    schedule: '61 * * * *'\n"  # 7 bad cron
        "    timeout: soon\n"  # 8 bad duration
        "  pg_retain:\n"
        "    schedule: every 1h\n"
        "    options:\n"
        "      full: 0\n"  # 12 bad option
        "      keep: 3\n"  # 13 unknown option
        "  pg_verify:\n"
        "    enabled: true\n"  # 15 enabled without schedule
        "  pg_archiver:\n"
        "    incremental_schedule: every 1h\n"  # 17 not for this job
    )
    with pytest.raises(ConfigError) as info:
        _load(tmp_path, text, {"DATAOPS_JOB_PG_BACKUP_JITER": "5s"})
    details = info.value.details
    file = str(tmp_path / "sidecar.yaml")
    expected = [
        f"{file}:2: colour: unknown key",
        f"{file}:4: jobs.pg_bakup: unknown job",
        f"{file}:7: jobs.pg_backup.schedule: invalid cron expression",
        f"{file}:8: jobs.pg_backup.timeout: invalid duration 'soon'",
        f"{file}:12: jobs.pg_retain.options.full: expected a whole number",
        f"{file}:13: jobs.pg_retain.options.keep: unknown option",
        f"{file}:14: jobs.pg_verify.schedule: the job is enabled but has no schedule",
        f"{file}:17: jobs.pg_archiver.incremental_schedule: unknown key",
        "env DATAOPS_JOB_PG_BACKUP_JITER: unknown variable",
    ]
    for prefix in expected:
        assert any(d.startswith(prefix) for d in details), (prefix, details)
    assert len(details) == len(expected), details


def test_environment_overrides_and_enables(tmp_path: Path) -> None:
    env = {
        "DATAOPS_JOB_PG_BACKUP_SCHEDULE": "every 10s",
        "DATAOPS_JOB_PG_BACKUP_TIMEOUT": "2m",
        "DATAOPS_JOB_PG_VERIFY_ENABLED": "false",
        "DATAOPS_JOB_DRILL_PG_SCHEDULE": "0 3 * * 6",
    }
    config = _load(
        tmp_path,
        "jobs:\n  pg_backup:\n    schedule: '0 2 * * *'\n  pg_verify:\n    schedule: '@daily'\n",
        env,
    )
    backup = config.jobs["pg_backup"]
    assert backup.enabled and backup.schedule is not None
    assert backup.schedule.kind == "interval" and backup.schedule.seconds == 10
    assert backup.timeout == 120
    assert not config.jobs["pg_verify"].enabled
    assert config.jobs["drill_pg"].enabled  # configured by its variable alone
    assert not config.jobs["files_backup"].enabled


def test_environment_only_without_file() -> None:
    config = load_config(None, job_specs(), {"DATAOPS_JOB_PG_ARCHIVER_ENABLED": "yes"})
    assert [j.name for j in config.enabled()] == ["pg_archiver"]
    with pytest.raises(ConfigError) as info:
        load_config(None, job_specs(), {"DATAOPS_JOB_PG_BACKUP_ENABLED": "maybe"})
    assert info.value.details == [
        "env DATAOPS_JOB_PG_BACKUP_ENABLED: expected true or false, got 'maybe'"
    ]


def test_yaml_syntax_error_names_the_line(tmp_path: Path) -> None:
    with pytest.raises(ConfigError) as info:
        _load(tmp_path, "jobs:\n  pg_backup: [\n")
    assert info.value.details[0].startswith(f"{tmp_path / 'sidecar.yaml'}:")


@pytest.mark.parametrize(
    ("text", "seconds"),
    [("30", 30.0), ("30s", 30.0), ("15m", 900.0), ("1h30m", 5400.0), ("500ms", 0.5), (7, 7.0)],
)
def test_durations(text: object, seconds: float) -> None:
    assert parse_duration(text) == seconds


@pytest.mark.parametrize("text", ["", "soon", "-5", "5 m", "1h x", True])
def test_bad_durations(text: object) -> None:
    with pytest.raises(ValueError, match="duration"):
        parse_duration(text)


def test_schedules_and_overdue() -> None:
    t0 = dt.datetime(2026, 1, 5, 1, 0, tzinfo=dt.UTC)  # a Monday
    daily = parse_schedule("0 2 * * *")
    assert daily.kind == "cron"
    assert daily.next_after(t0) == dt.datetime(2026, 1, 5, 2, 0, tzinfo=dt.UTC)
    assert not daily.overdue(t0, t0 + dt.timedelta(minutes=59))
    assert daily.overdue(t0, t0 + dt.timedelta(hours=1, minutes=1))
    assert daily.overdue(None, t0)
    sunday = parse_schedule("0 3 * * 0")  # cron's 0 is Sunday
    assert sunday.next_after(t0).weekday() == 6
    seconds = parse_schedule("*/5 * * * * *")
    assert seconds.next_after(t0) == t0 + dt.timedelta(seconds=5)
    every = parse_schedule("every 6h")
    assert every.kind == "interval" and every.seconds == 6 * 3600
    assert every.overdue(t0, t0 + dt.timedelta(hours=7))
    assert parse_schedule("@daily").fields == ("0", "0", "*", "*", "*")
    for bad in ("every 0s", "* * *", "0 25 * * *", "sometimes"):
        with pytest.raises(ValueError):
            parse_schedule(bad)
