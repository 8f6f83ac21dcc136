"""The `dataops migrate` command line (in-process, on SQLite): output, confirmations, exit codes."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from dataops.cli import run
from tests.integration.migrate_samples.helpers import copy_sample


@pytest.fixture
def cli(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> tuple[Path, object]:
    folder = copy_sample("sqlite", tmp_path)
    monkeypatch.setenv("DATAOPS_DATABASE_URL", f"sqlite:///{tmp_path / 'cli.db'}")
    monkeypatch.setenv("DATAOPS_MIGRATIONS_PATH", str(folder))
    monkeypatch.setenv("DATAOPS_LOG_FORMAT", "json")
    monkeypatch.setattr("sys.stdin.isatty", lambda: False)

    def invoke(*args: str) -> tuple[int, str, str]:
        code = run(["migrate", *args])
        out, err = capsys.readouterr()
        return code, out, err

    return folder, invoke


def test_up_status_version_down(cli: tuple[Path, object]) -> None:
    _folder, invoke = cli
    code, out, _ = invoke("up", "1")  # type: ignore[operator]
    assert code == 0 and out.startswith("1/u create_users (")
    code, out, _ = invoke("version")  # type: ignore[operator]
    assert (code, out) == (0, "1\n")
    code, out, _ = invoke("status")  # type: ignore[operator]
    lines = out.splitlines()
    assert lines[0] == "version: 1"
    assert lines[2].split()[:3] == ["1", "1_create_users.up.sql", "applied"]
    assert lines[2].split()[-1] == "ok"
    assert lines[3].split() == ["2", "2_user_log.up.sql", "pending", "-"]
    code, out, _ = invoke("--json", "up")  # type: ignore[operator]
    assert json.loads(out)["to_version"] == 2
    code, out, _ = invoke("up")  # type: ignore[operator]
    assert (code, out) == (0, "no change\n")

    code, _, err = invoke("down")  # type: ignore[operator]
    assert code == 2 and "refusing to apply all down migrations" in err
    code, out, _ = invoke("down", "1")  # type: ignore[operator]
    assert code == 0 and out.startswith("2/d user_log")
    code, out, _ = invoke("down", "--all", "--yes")  # type: ignore[operator]
    assert code == 0
    code, out, _ = invoke("--json", "version")  # type: ignore[operator]
    assert json.loads(out) == {"version": None, "dirty": False}
    code, out, _ = invoke("goto", "2")  # type: ignore[operator]
    assert code == 0 and len(out.splitlines()) == 2
    code, out, _ = invoke("force", "-1")  # type: ignore[operator]
    assert (code, out) == (0, "no version\n")


def test_create_writes_pairs(cli: tuple[Path, object]) -> None:
    folder, invoke = cli
    code, out, _ = invoke("create", "add_things", "--seq")  # type: ignore[operator]
    assert code == 0
    assert [Path(p).name for p in out.split()] == [
        "000003_add_things.up.sql",
        "000003_add_things.down.sql",
    ]
    code, out, _ = invoke("--json", "create", "stamped")  # type: ignore[operator]
    made = json.loads(out)
    assert len(made["version"]) == 14 and Path(made["up"]).parent == folder


def test_errors_and_exit_codes(cli: tuple[Path, object], tmp_path: Path) -> None:
    folder, invoke = cli
    (folder / "01_dup.up.sql").write_text("SELECT 1;")
    code, _, err = invoke("up")  # type: ignore[operator]
    assert code == 2 and "duplicate migration file: " in err
    (folder / "01_dup.up.sql").unlink()

    code, _, err = invoke("--path", str(tmp_path / "missing"), "up")  # type: ignore[operator]
    assert code == 2 and "does not exist" in err
    code, _, err = invoke("goto", "abc")  # type: ignore[operator]
    assert code == 2
    code, _, err = invoke("--db", f"sqlite:///{tmp_path}/nodir/x.db", "up")  # type: ignore[operator]
    assert code == 3 and "unable to open database file" in err
    code, _, err = invoke("wait", "--version", "2", "--timeout", "0.3")  # type: ignore[operator]
    assert code == 1 and "timed out after 0.3 s waiting for version 2" in err
    code, _, err = invoke("goto", "7")  # type: ignore[operator]
    assert code == 1 and "no migration found for version 7" in err
