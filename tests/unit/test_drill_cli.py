"""``dataops drill``: help, and bad input refused with exit 2 before anything runs."""

from __future__ import annotations

import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest

RunCli = Callable[..., subprocess.CompletedProcess[str]]


def test_help_lists_both_drills(run_cli: RunCli) -> None:
    proc = run_cli("drill", "--help")
    assert proc.returncode == 0
    assert "pg" in proc.stdout and "files" in proc.stdout
    assert "drill: N passed, N failed" in proc.stdout
    pg = run_cli("drill", "pg", "--help")
    for option in ("--target", "--checks", "--json", "--junit", "--keep-on-failure",
                   "--max-backup-age", "--rto-objective", "--rpo-objective", "--timeout"):  # fmt: skip
        assert option in pg.stdout, option
    files = run_cli("drill", "files", "--help")
    for option in ("--local", "--all", "--sample", "--json", "--junit"):
        assert option in files.stdout, option


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("pg", "--json", "/nonexistent-dir/r.json"), "--json /nonexistent-dir/r.json: the folder"),
        (("pg", "--junit", "/"), "is a directory"),
        (("pg", "--rto-objective", "soon"), "--rto-objective 'soon' is not a duration"),
        (("pg", "--target", "2999-01-01T00:00:00Z"), "is in the future"),
        (("pg", "--target", "bad name!"), "neither latest, an ISO 8601 time nor a backup name"),
        (("pg", "--checks", "/nonexistent.yaml"), "no such file"),
        (("files", "--max-backup-age", "-1h"), "--max-backup-age '-1h' is not a duration"),
        (("files", "--sample", "0"), "--sample"),
    ],
)
def test_bad_input_is_exit_2(run_cli: RunCli, args: tuple[str, ...], message: str) -> None:
    proc = run_cli("drill", *args)
    assert proc.returncode == 2, proc.stderr
    assert message in proc.stderr
    assert "Traceback" not in proc.stderr
    assert "drill: " not in proc.stdout


def test_bad_checks_file_names_every_problem(run_cli: RunCli, tmp_path: Path) -> None:
    path = tmp_path / "checks.yaml"
    path.write_text("version: 1\nchecks:\n  - {name: a, query: SELECT 1, expect: {most: 3}}\n")
    proc = run_cli("drill", "pg", "--checks", str(path))
    assert proc.returncode == 2
    assert f"{path}:3: checks[0].expect.most: unknown key" in proc.stderr


def test_no_engine_configuration_is_exit_2(run_cli: RunCli) -> None:
    proc = run_cli("drill", "pg", env={"DATAOPS_PG_BACKUP_ENGINE": "pgbackrest"})
    assert proc.returncode == 2, proc.stderr
    assert "Traceback" not in proc.stderr


def test_files_drill_configuration_is_checked_first(run_cli: RunCli, tmp_path: Path) -> None:
    proc = run_cli("drill", "files", env={"DATAOPS_BORG_PASSPHRASE": "x" * 12})
    assert proc.returncode == 2, proc.stderr
    assert "DATAOPS_S3_BUCKET is not set" in proc.stderr
    proc = run_cli("drill", "files", "--local")
    assert proc.returncode == 2
    assert "DATAOPS_BORG_PASSPHRASE" in proc.stderr


@pytest.mark.parametrize("drill", ["pg", "files"])
def test_bad_scratch_dir_is_exit_2_before_any_work(
    run_cli: RunCli, tmp_path: Path, drill: str
) -> None:
    """An unusable DATAOPS_DRILL_SCRATCH_DIR is bad configuration, found before the engine,
    the repository or the storage are touched (a missing wal-g would otherwise be exit 3)."""
    missing = tmp_path / "no-such-scratch"
    env = {
        "DATAOPS_DRILL_SCRATCH_DIR": str(missing),
        "DATAOPS_S3_BUCKET": "b",
        "DATAOPS_WALG_BIN": str(tmp_path / "no-wal-g"),
        "DATAOPS_BORG_PASSPHRASE": "x" * 12,
        "DATAOPS_BORG_REPO": str(tmp_path / "repo"),
    }
    proc = run_cli("drill", drill, env=env)
    assert proc.returncode == 2, proc.stdout + proc.stderr
    assert f"DATAOPS_DRILL_SCRATCH_DIR={missing} is not a directory" in proc.stderr
