"""PostgreSQL archive settings, the wal-g config file, the restore_command wrapper, check logic."""

from __future__ import annotations

import datetime as dt
import json
import os
import pwd
import stat
import subprocess
from pathlib import Path

import pytest

from dataops.backup import engine as engine_api
from dataops.backup import pg
from dataops.backup.actions import pg_check
from dataops.backup.engines import walg as walg_engine
from dataops.config.settings import Settings, load_settings
from dataops.errors import ConfigError

pytestmark = pytest.mark.usefixtures("clean_environment")


def settings(monkeypatch: pytest.MonkeyPatch, **env: str) -> Settings:
    base = {
        "DATAOPS_S3_BUCKET": "backups",
        "DATAOPS_S3_PREFIX": "pg",
        "DATAOPS_S3_ENDPOINT": "http://minio:9000",
        "AWS_ACCESS_KEY_ID": "AKIAEXAMPLE",
        "AWS_SECRET_ACCESS_KEY": "secret-key-value",
        "DATAOPS_WALG_BIN": "/opt/wal g/wal-g",
    }
    base.update(env)
    for key, value in base.items():
        monkeypatch.setenv(key, value)
    return load_settings()


def test_conf_quote() -> None:
    assert engine_api.conf_quote("a b") == "'a b'"
    assert engine_api.conf_quote("it's") == "'it''s'"
    assert engine_api.conf_quote("c:\\x") == "'c:\\\\x'"


def test_archive_settings_render_exact_lines(monkeypatch: pytest.MonkeyPatch) -> None:
    s = settings(monkeypatch, DATAOPS_PG_DATA="/srv/pg 15/main", DATAOPS_PG_ARCHIVE_TIMEOUT="30")
    archive = walg_engine.archive_settings(s)
    assert archive.config_path == Path("/srv/pg 15/walg.json")
    assert archive.restore_wrapper == Path("/srv/pg 15/walg-fetch.sh")
    assert archive.lines() == [
        "archive_mode = on",
        "archive_command = 'timeout 600 ''/opt/wal g/wal-g'' --config ''/srv/pg 15/walg.json''"
        " wal-push %p'",
        "archive_timeout = 30",
        "restore_command = '''/srv/pg 15/walg-fetch.sh'' %f %p'",
    ]
    # what SHOW archive_command returns, compared by `check`
    assert archive.settings()["archive_command"] == (
        "timeout 600 '/opt/wal g/wal-g' --config '/srv/pg 15/walg.json' wal-push %p"
    )
    assert archive.as_dict()["conf"]["archive_timeout"] == "30"


def test_config_path_explicit_or_required(monkeypatch: pytest.MonkeyPatch) -> None:
    s = settings(monkeypatch, DATAOPS_WALG_CONFIG="/etc/dataops/walg.json")
    archive = walg_engine.archive_settings(s)
    assert archive.config_path == Path("/etc/dataops/walg.json")
    assert archive.restore_wrapper == Path("/etc/dataops/walg-fetch.sh")
    monkeypatch.delenv("DATAOPS_WALG_CONFIG")
    with pytest.raises(ConfigError, match="DATAOPS_WALG_CONFIG or DATAOPS_PG_DATA"):
        walg_engine.archive_settings(load_settings())


def test_os_user_configured_or_owner_of_pgdata(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    s = settings(monkeypatch, DATAOPS_PG_DATA=str(tmp_path))
    assert pg.os_user(s) == pwd.getpwuid(tmp_path.stat().st_uid).pw_name
    s = settings(monkeypatch, DATAOPS_PG_OS_USER="pgadmin")
    assert pg.os_user(s) == "pgadmin"


def test_write_walg_files_modes_owner_and_content(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    s = settings(monkeypatch, DATAOPS_WALG_DELTA_MAX_STEPS="4")
    config = tmp_path / "etc" / "walg.json"
    archive = walg_engine.archive_settings(s, config)
    owner = "postgres" if os.geteuid() == 0 else pwd.getpwuid(os.geteuid()).pw_name
    walg_engine.write_walg_files(s, archive, owner)
    info = config.stat()
    assert stat.S_IMODE(info.st_mode) == 0o600
    assert info.st_uid == pwd.getpwnam(owner).pw_uid
    doc = json.loads(config.read_text())
    assert doc["WALG_S3_PREFIX"] == "s3://backups/pg"
    assert doc["AWS_SECRET_ACCESS_KEY"] == "secret-key-value"
    assert doc["WALG_DELTA_MAX_STEPS"] == "4"
    wrapper = archive.restore_wrapper
    assert stat.S_IMODE(wrapper.stat().st_mode) == 0o700
    assert "secret-key-value" not in wrapper.read_text()
    assert not [p for p in config.parent.iterdir() if p.name.startswith(".")]  # no temp left
    with pytest.raises(ConfigError, match="does not exist"):
        walg_engine.write_walg_files(s, archive, "no-such-user-xyz")


@pytest.mark.parametrize(("walg_rc", "expected"), [(0, 0), (74, 1), (1, 255), (2, 255)])
def test_fetch_wrapper_exit_codes(tmp_path: Path, walg_rc: int, expected: int) -> None:
    """74 (not in archive) -> 1; anything else -> 255 so PostgreSQL never ends recovery early."""
    fake = tmp_path / "fake-walg"
    calls = tmp_path / "calls"
    fake.write_text(f'#!/bin/sh\necho "$@" >> {calls}\nexit {walg_rc}\n')
    fake.chmod(0o755)
    config = tmp_path / "walg.json"
    script = tmp_path / "walg-fetch.sh"
    script.write_text(walg_engine.fetch_wrapper_script(str(fake), config, 5))
    script.chmod(0o700)
    done = subprocess.run(
        [str(script), "000000010000000000000003", "pg_wal/RECOVERYXLOG"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == expected
    assert calls.read_text() == (
        f"--config {config} wal-fetch 000000010000000000000003 pg_wal/RECOVERYXLOG\n"
    )
    assert ("storage or configuration error" in done.stderr) == (expected == 255)


def test_fetch_wrapper_needs_two_arguments(tmp_path: Path) -> None:
    script = tmp_path / "w.sh"
    script.write_text(walg_engine.fetch_wrapper_script("/bin/true", tmp_path / "c.json", 5))
    script.chmod(0o700)
    done = subprocess.run([str(script)], capture_output=True, text=True, check=False)
    assert done.returncode == 255 and "usage" in done.stderr


def test_fetch_wrapper_timeout_is_a_storage_error(tmp_path: Path) -> None:
    fake = tmp_path / "slow"
    fake.write_text("#!/bin/sh\nsleep 10\n")
    fake.chmod(0o755)
    script = tmp_path / "w.sh"
    script.write_text(walg_engine.fetch_wrapper_script(str(fake), tmp_path / "c.json", 1))
    script.chmod(0o700)
    done = subprocess.run([str(script), "a", "b"], capture_output=True, check=False, timeout=20)
    assert done.returncode == 255


def test_append_auto_conf(tmp_path: Path) -> None:
    (tmp_path / "postgresql.auto.conf").write_text("port = 5432\n")
    pg.append_auto_conf(tmp_path, {"archive_mode": "off"}, "restored")
    assert (tmp_path / "postgresql.auto.conf").read_text() == (
        "port = 5432\n\n# restored\narchive_mode = off\n"
    )


# ----------------------------------------------------------------------- archiver / check

T0 = dt.datetime(2024, 5, 1, 12, 0, tzinfo=dt.UTC)


def state(**kw: object) -> pg.ArchiverState:
    base: dict[str, object] = {
        "archived_count": 10,
        "last_archived_wal": "000000010000000000000009",
        "last_archived_time": T0,
        "failed_count": 0,
        "last_failed_wal": None,
        "last_failed_time": None,
        "current_wal": "00000001000000000000000A",
    }
    base.update(kw)
    return pg.ArchiverState(**base)  # type: ignore[arg-type]


def test_archiver_failing_only_when_the_last_attempt_failed() -> None:
    assert not state().failing
    assert state(last_failed_time=T0 + dt.timedelta(seconds=1)).failing
    assert not state(last_failed_time=T0 - dt.timedelta(seconds=1)).failing
    assert state(last_archived_time=None, last_failed_time=T0).failing
    assert state(last_failed_time=T0 + dt.timedelta(seconds=1)).as_dict()["failing"] is True


def archiver_items(
    st: pg.ArchiverState, now: dt.datetime, monkeypatch: pytest.MonkeyPatch
) -> list[pg_check.CheckItem]:
    report = pg_check.CheckReport()
    pg_check._check_archiver(settings(monkeypatch), report, st, now)
    return report.items


def test_check_archiver_states(monkeypatch: pytest.MonkeyPatch) -> None:
    soon = T0 + dt.timedelta(minutes=5)
    late = T0 + dt.timedelta(hours=2)
    assert archiver_items(state(), soon, monkeypatch)[0].ok
    # idle database: old but nothing waiting
    assert archiver_items(state(), late, monkeypatch)[0].ok
    stale = archiver_items(state(current_wal="000000010000000000000010"), late, monkeypatch)[0]
    assert not stale.ok and "newer segments wait" in stale.detail
    failing = archiver_items(
        state(failed_count=3, last_failed_wal="00000001000000000000000A", last_failed_time=soon),
        soon,
        monkeypatch,
    )[0]
    assert (
        not failing.ok
        and "failing" in failing.detail
        and "00000001000000000000000A" in failing.detail
    )
    never = archiver_items(
        state(last_archived_wal=None, last_archived_time=None), soon, monkeypatch
    )[0]
    assert not never.ok and "no WAL segment archived yet" in never.detail


def test_waiting_handles_backup_history_and_timelines() -> None:
    assert not pg_check._waiting(
        state(last_archived_wal="000000010000000000000009.00000028.backup")
    )
    assert pg_check._waiting(state(current_wal="00000001000000000000000B"))
    assert pg_check._waiting(state(current_wal="00000002000000000000000A"))
    assert not pg_check._waiting(state(last_archived_wal="00000002.history"))
    assert not pg_check._waiting(state(current_wal=None))


def test_check_report_problems() -> None:
    report = pg_check.CheckReport()
    report.add("storage", True, "ok")
    report.add("archiver", False, "broken")
    assert not report.ok
    assert report.problems == ["archiver: broken"]
    assert report.as_dict()["checks"][1] == {"name": "archiver", "ok": False, "detail": "broken"}
