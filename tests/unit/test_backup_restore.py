"""Restore and retention logic: backup selection, target time, recovery settings, CLI surface."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from click.testing import CliRunner

from dataops import tools
from dataops.backup import engine as engine_api
from dataops.backup.actions import pg_restore, pg_retain
from dataops.backup.walg import Backup
from dataops.cli.backup import backup
from dataops.config.settings import Settings
from dataops.errors import ConfigError, OperationError

T = dt.datetime(2024, 5, 1, 12, 0, tzinfo=dt.UTC)


def make(name: str, start_min: int, finish_min: int, permanent: bool = False) -> Backup:
    return Backup(
        name=name,
        start_time=T + dt.timedelta(minutes=start_min),
        finish_time=T + dt.timedelta(minutes=finish_min),
        wal_file_name=name.split("_")[1],
        start_lsn=0,
        finish_lsn=0,
        pg_version=150010,
        uncompressed_size=1,
        compressed_size=1,
        is_permanent=permanent,
        hostname="h",
        data_dir="/d",
    )


FULL1 = make("base_000000010000000000000002", 0, 10)
DELTA1 = make("base_000000010000000000000005_D_000000010000000000000002", 60, 62)
FULL2 = make("base_000000010000000000000009", 120, 130)
BACKUPS = [FULL1, DELTA1, FULL2]


def test_select_latest_and_named() -> None:
    assert pg_restore.select_backup(BACKUPS, "LATEST", None) is FULL2
    assert pg_restore.select_backup(BACKUPS, None, None) is FULL2
    assert pg_restore.select_backup(BACKUPS, "latest", None) is FULL2
    assert pg_restore.select_backup(BACKUPS, DELTA1.name, None) is DELTA1


def test_select_newest_finished_before_target_time() -> None:
    at = T + dt.timedelta(minutes=125)  # FULL2 started but not finished
    assert pg_restore.select_backup(BACKUPS, "LATEST", at) is DELTA1
    exactly = T + dt.timedelta(minutes=62)  # finished *at* T is not before T
    assert pg_restore.select_backup(BACKUPS, "LATEST", exactly) is FULL1
    assert pg_restore.select_backup(BACKUPS, FULL1.name, at) is FULL1


def test_select_errors_say_why() -> None:
    with pytest.raises(OperationError, match="no backup in s3://b/p: nothing to restore"):
        pg_restore.select_backup([], "LATEST", None, "s3://b/p")
    with pytest.raises(OperationError, match="no backup finished before 2024-05-01T12:05:00"):
        pg_restore.select_backup(BACKUPS, "LATEST", T + dt.timedelta(minutes=5))
    with pytest.raises(OperationError, match="not found") as info:
        pg_restore.select_backup(BACKUPS, "base_nope", None)
    assert FULL2.name in info.value.render()
    with pytest.raises(OperationError, match="not before the target time"):
        pg_restore.select_backup(BACKUPS, FULL2.name, T + dt.timedelta(minutes=121))


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2024-05-01T12:30:00Z", dt.datetime(2024, 5, 1, 12, 30, tzinfo=dt.UTC)),
        ("2024-05-01 14:30:00+02:00", dt.datetime(2024, 5, 1, 12, 30, tzinfo=dt.UTC)),
        ("2024-05-01T12:30:00.250", dt.datetime(2024, 5, 1, 12, 30, 0, 250000, tzinfo=dt.UTC)),
    ],
)
def test_parse_target_time(text: str, expected: dt.datetime) -> None:
    parsed = pg_restore.parse_target_time(text)
    assert parsed == expected and parsed.tzinfo is not None


def test_parse_target_time_rejects_garbage() -> None:
    with pytest.raises(ConfigError, match="ISO 8601"):
        pg_restore.parse_target_time("yesterday at noon")


def test_recovery_settings_without_archiving() -> None:
    values = pg_restore.recovery_settings("/r/x.walg-fetch.sh %f %p", T, None)
    assert values == {
        "restore_command": "'/r/x.walg-fetch.sh %f %p'",
        "recovery_target_time": "'2024-05-01T12:00:00+00:00'",
        "recovery_target_action": "'promote'",
        "recovery_target_timeline": "'latest'",
        "archive_mode": "off",
    }
    latest = pg_restore.recovery_settings("/r/w.sh %f %p", None, None)
    assert "recovery_target_time" not in latest


def test_recovery_settings_keep_archiving_with_the_new_config() -> None:
    archive = engine_api.ArchiveSetup(
        engine="walg",
        config_path=Path("/r/x.walg.json"),
        restore_wrapper=Path("/r/x.walg-fetch.sh"),
        binary="/usr/bin/wal-g",
        archive_mode="on",
        archive_command="timeout 600 /usr/bin/wal-g --config /r/x.walg.json wal-push %p",
        archive_timeout=60,
        restore_command="/r/x.walg-fetch.sh %f %p",
    )
    values = pg_restore.recovery_settings(archive.restore_command, None, archive.archive_command)
    assert values["archive_mode"] == "on"
    assert values["archive_command"] == engine_api.conf_quote(archive.archive_command)


def test_check_target(tmp_path: Path) -> None:
    pg_restore.check_target(tmp_path / "new")
    pg_restore.check_target(tmp_path)
    (tmp_path / "f").write_text("x")
    with pytest.raises(ConfigError, match="not empty"):
        pg_restore.check_target(tmp_path)
    with pytest.raises(ConfigError, match="not a directory"):
        pg_restore.check_target(tmp_path / "f")


def test_pg_tool_prefers_the_backups_major_version(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    dirs = []
    for major in (17, 15, 14):  # newest first, as tools.pg_bin_dirs() orders them
        directory = tmp_path / str(major) / "bin"
        directory.mkdir(parents=True)
        (directory / "pg_ctl").write_text("#!/bin/sh\n")
        (directory / "pg_ctl").chmod(0o755)
        dirs.append(directory)
    monkeypatch.setattr(
        tools, "pg_bin_dirs", lambda override=None: [*([override] if override else []), *dirs]
    )
    settings = _bare_settings()
    assert pg_restore.pg_tool("pg_ctl", settings, 150010) == str(dirs[1] / "pg_ctl")
    assert pg_restore.pg_tool("pg_ctl", settings, 140007) == str(dirs[2] / "pg_ctl")
    # not installed: the newest one
    assert pg_restore.pg_tool("pg_ctl", settings, 160002) == str(dirs[0] / "pg_ctl")
    # DATAOPS_PG_BIN_DIR wins over the version
    pinned = Settings(pg_bin_dir=dirs[2])
    assert pg_restore.pg_tool("pg_ctl", pinned, 150010) == str(dirs[2] / "pg_ctl")


def _bare_settings() -> Settings:
    return Settings()


def test_retain_plan_keeps_newest_full_backups_and_their_deltas() -> None:
    assert pg_retain.doomed(BACKUPS, 1) == [FULL1, DELTA1]
    assert pg_retain.doomed(BACKUPS, 2) == []
    assert pg_retain.doomed(BACKUPS, 5) == []
    permanent = make("base_000000010000000000000001", -60, -50, permanent=True)
    assert pg_retain.doomed([permanent, *BACKUPS], 1) == [FULL1, DELTA1]


def test_retain_refuses_zero() -> None:
    with pytest.raises(ConfigError):
        pg_retain.retain(_bare_settings(), full=0)


@pytest.mark.parametrize(
    "command",
    [
        [],
        ["pg"],
        ["pg", "archive-config"],
        ["pg", "push"],
        ["pg", "list"],
        ["pg", "retain"],
        ["pg", "verify"],
        ["pg", "restore"],
        ["pg", "check"],
    ],
)
def test_every_command_has_help(command: list[str]) -> None:
    result = CliRunner().invoke(backup, [*command, "--help"])
    assert result.exit_code == 0, result.output
    assert "Usage:" in result.output


def test_restore_requires_target_dir_and_retain_full() -> None:
    assert CliRunner().invoke(backup, ["pg", "restore"]).exit_code == 2
    assert CliRunner().invoke(backup, ["pg", "retain", "--full", "0"]).exit_code == 2


def test_port_without_start_is_refused(tmp_path: Path, run_cli) -> None:  # type: ignore[no-untyped-def]
    """`--port` only means something with `--start`: exit 2 instead of silently ignoring it."""
    target = tmp_path / "restore"
    out = run_cli("backup", "pg", "restore", "--target-dir", str(target), "--port", "5999")
    assert out.returncode == 2, out.stderr
    assert "--port is only used with --start" in out.stderr
    assert not target.exists()
