"""`dataops demo` command line: usage and spec errors (no database needed)."""

from __future__ import annotations

from pathlib import Path

import pytest

from dataops.cli import run


def test_help_lists_the_commands(capsys: pytest.CaptureFixture[str]) -> None:
    assert run(["demo", "--help"]) == 0
    out = capsys.readouterr().out
    assert "load " in out and "infer " in out
    assert run(["demo", "load", "--help"]) == 0
    assert "--reset" in capsys.readouterr().out


def test_spec_problems_are_exit_2_before_connecting(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    spec = tmp_path / "bad.yaml"
    spec.write_text(
        "version: 1\ntables:\n  t:\n    rows: 3\n    columns:\n      a: {lorem: 1}\n      b: {range: [1]}\n"
    )
    db = tmp_path / "never-created.db"
    assert run(["demo", "load", "--config", str(spec), "--db", f"sqlite:///{db}"]) == 2
    err = capsys.readouterr().err
    assert f"{spec}:6: tables.t.columns.a: unknown generator 'lorem'" in err
    assert f"{spec}:7: tables.t.columns.b.range: range needs [low, high]" in err
    assert not db.exists()


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--scale", "0"], "--scale must be a finite number greater than 0"),
        (["--db", "oracle://x/y"], "unsupported database scheme"),
        (["--seed", "-1"], "Invalid value for '--seed'"),
    ],
)
def test_bad_arguments(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], args: list[str], message: str
) -> None:
    spec = tmp_path / "s.yaml"
    spec.write_text("version: 1\ntables:\n  t: {rows: 1}\n")
    base = ["demo", "load", "--config", str(spec)]
    if "--db" not in args:
        base += ["--db", f"sqlite:///{tmp_path / 'x.db'}"]
    assert run(base + args) == 2
    assert message in capsys.readouterr().err


def test_missing_spec_and_database(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("DATAOPS_DATABASE_URL", raising=False)
    spec = tmp_path / "s.yaml"
    assert run(["demo", "load", "--config", str(spec), "--db", "sqlite:///x.db"]) == 2
    assert "cannot read spec" in capsys.readouterr().err
    spec.write_text("version: 1\ntables:\n  t: {rows: 1}\n")
    assert run(["demo", "load", "--config", str(spec)]) == 2
    assert "no database: set DATAOPS_DATABASE_URL or pass --db" in capsys.readouterr().err
    assert run(["demo", "infer"]) == 2


def test_infer_output_in_a_missing_folder_is_exit_2_before_connecting(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db = tmp_path / "never-created.db"
    out = tmp_path / "no-such-folder" / "spec.yaml"
    assert run(["demo", "infer", "--db", f"sqlite:///{db}", "-o", str(out)]) == 2
    assert f"the folder {out.parent} does not exist" in capsys.readouterr().err
    assert not db.exists() and not out.parent.exists()
