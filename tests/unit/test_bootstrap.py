"""``scripts/bootstrap walg``: the optional wal-g binary is resolved, never required."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
BOOTSTRAP = REPO / "scripts" / "bootstrap"

HELP = """Usage:
  wal-g [command]

Available Commands:
  backup-fetch  Fetches a backup from storage
  backup-list   Prints available backups
  backup-push   Makes backup and uploads it to storage
  delete        Clears old backups and WALs
  wal-fetch     Fetches a WAL file from storage
  wal-push      Uploads a WAL file to storage
  wal-verify    Verify WAL storage folder
"""


def _path_without_walg() -> str:
    keep = []
    for entry in os.environ.get("PATH", "").split(os.pathsep):
        if entry and not (Path(entry) / "wal-g").exists():
            keep.append(entry)
    return os.pathsep.join(keep)


def _bootstrap(tmp_path: Path, **extra: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("DATAOPS_")}
    env.update(
        PATH=_path_without_walg(),
        DATAOPS_TOOLS_CACHE=str(tmp_path / "cache"),
        DATAOPS_TOOLS_BIN=str(tmp_path / "bin"),
        # The proxy refuses wal-g; trying costs a network round trip and proves nothing here.
        DATAOPS_WALG_NO_BUILD="1",
        **extra,
    )
    return subprocess.run(
        [str(BOOTSTRAP), "walg"], env=env, capture_output=True, text=True, timeout=120
    )


def _fake_walg(path: Path, version: str, help_text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(
        "#!/bin/sh\n"
        f'if [ "$1" = --version ]; then echo "{version}"; exit 0; fi\n'
        f"cat <<'EOF'\n{help_text}EOF\n"
    )
    path.chmod(0o755)
    return path


def test_no_walg_anywhere_is_a_notice_not_a_failure(tmp_path: Path) -> None:
    result = _bootstrap(tmp_path)
    assert result.returncode == 0, result.stderr
    assert "NOTICE: no usable wal-g binary" in result.stderr
    assert "tests marked 'walg'" in result.stderr
    assert "DATAOPS_WALG_BIN" in result.stderr
    assert not (tmp_path / "bin" / "wal-g").exists()


def test_devel_build_with_every_command_is_used(tmp_path: Path) -> None:
    fake = _fake_walg(tmp_path / "opt" / "wal-g", "wal-g version devel\tgo1.26", HELP)
    result = _bootstrap(tmp_path, DATAOPS_WALG_BIN=str(fake))
    assert result.returncode == 0, result.stderr
    assert "NOTICE" not in result.stderr
    assert (tmp_path / "bin" / "wal-g").resolve() == fake.resolve()


def test_cached_release_is_found(tmp_path: Path) -> None:
    cached = tmp_path / "cache" / "wal-g-v3.0.9-3e493188" / "wal-g"
    _fake_walg(cached, "wal-g version v3.0.9\t3e493188\t2025.01.01_00:00:00\tPostgreSQL", HELP)
    result = _bootstrap(tmp_path)
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "bin" / "wal-g").resolve() == cached.resolve()


def test_binary_missing_a_command_is_ignored(tmp_path: Path) -> None:
    lacking = HELP.replace("  wal-verify    Verify WAL storage folder\n", "")
    fake = _fake_walg(tmp_path / "opt" / "wal-g", "wal-g version devel", lacking)
    result = _bootstrap(tmp_path, DATAOPS_WALG_BIN=str(fake))
    assert result.returncode == 0, result.stderr
    assert "lacks 'wal-verify'" in result.stderr
    assert "NOTICE: no usable wal-g binary" in result.stderr
    assert not (tmp_path / "bin" / "wal-g").exists()


def test_old_release_is_ignored(tmp_path: Path) -> None:
    fake = _fake_walg(tmp_path / "opt" / "wal-g", "wal-g version v2.0.1", HELP)
    result = _bootstrap(tmp_path, DATAOPS_WALG_BIN=str(fake))
    assert result.returncode == 0, result.stderr
    assert "neither 3.x nor a devel build" in result.stderr
    assert not (tmp_path / "bin" / "wal-g").exists()
