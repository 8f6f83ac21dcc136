"""The dataops CLI as a process: version, help, configuration errors."""

from __future__ import annotations

import json
import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest

from dataops import __version__

RunCli = Callable[..., subprocess.CompletedProcess[str]]


def test_version(run_cli: RunCli) -> None:
    done = run_cli("--version")
    assert done.returncode == 0
    assert __version__ in done.stdout


@pytest.mark.parametrize(
    "args",
    [
        (),
        ("config",),
        ("config", "show"),
        ("doctor",),
        ("anonymize",),
        ("migrate",),
        ("demo",),
        ("backup",),
    ],
)
def test_help_everywhere(run_cli: RunCli, args: tuple[str, ...]) -> None:
    done = run_cli(*args, "--help")
    assert done.returncode == 0, done.stderr
    assert "Usage:" in done.stdout


def test_bad_log_level_exits_2_naming_it(run_cli: RunCli) -> None:
    done = run_cli("config", "show", env={"DATAOPS_LOG_LEVEL": "bogus"})
    assert done.returncode == 2
    assert "DATAOPS_LOG_LEVEL" in done.stderr
    assert "Traceback" not in done.stderr


def test_unknown_command_is_usage_error(run_cli: RunCli) -> None:
    done = run_cli("frobnicate")
    assert done.returncode == 2
    assert "No such command" in done.stderr


def test_config_show_masks_secrets(run_cli: RunCli, tmp_path: Path) -> None:
    secret_file = tmp_path / "key"
    secret_file.write_text("aws-secret-from-file\n")
    done = run_cli(
        "config",
        "show",
        "--json",
        env={
            "DATAOPS_DATABASE_URL": "postgresql://alice:S3cr3t@db/app",
            "AWS_SECRET_ACCESS_KEY_FILE": str(secret_file),
            "DATAOPS_LOG_FORMAT": "json",
        },
    )
    assert done.returncode == 0, done.stderr
    shown = json.loads(done.stdout)
    assert shown["DATAOPS_DATABASE_URL"] == "postgresql+psycopg://alice:***@db/app"
    assert shown["AWS_SECRET_ACCESS_KEY"] == "***"
    assert "S3cr3t" not in done.stdout + done.stderr
    assert "aws-secret-from-file" not in done.stdout + done.stderr


@pytest.mark.parametrize(
    ("args", "env_key"),
    [
        (("jobs", "list"), "DATAOPS_STATE_DIR"),  # a state "dir" that is a file
        (("backup", "pg", "push"), "DATAOPS_LOCK_DIR"),  # a lock "dir" that is a file
    ],
)
def test_a_bad_path_is_one_clear_error_not_a_traceback(
    run_cli: RunCli, tmp_path: Path, args: tuple[str, ...], env_key: str
) -> None:
    """An OSError no command turned into a message was 'internal error' + traceback
    (exit 1); it is one line naming the path, exit 2."""
    a_file = tmp_path / "a-file"
    a_file.write_text("x")
    env = {
        env_key: str(a_file),
        "DATAOPS_PG_BACKUP_ENGINE": "pgbackrest",
        "DATAOPS_S3_BUCKET": "b",
        "DATAOPS_PG_DATA": str(tmp_path),
    }
    done = run_cli(*args, env=env)
    assert done.returncode == 2, done.stdout + done.stderr
    assert str(a_file) in done.stderr
    assert "Traceback" not in done.stderr and "internal error" not in done.stderr
