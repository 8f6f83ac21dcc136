"""Only ``walg`` tests may be skipped, and only without wal-g: any other skip fails the run."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]


def test_unexpected_skip_fails_and_walg_skip_is_reported(tmp_path: Path) -> None:
    (tmp_path / "test_sample.py").write_text(
        "import pytest\n\n"
        "def test_silent_skip():\n    pytest.skip('not now')\n\n"
        "@pytest.mark.walg\ndef test_needs_walg():\n    pass\n"
    )
    env = {k: v for k, v in os.environ.items() if k != "DATAOPS_WALG_BIN"}
    env["DATAOPS_TEST_TOOLS_BIN"] = str(tmp_path / "no-tools")
    env["PATH"] = os.pathsep.join(
        p for p in env.get("PATH", "").split(os.pathsep) if p and not (Path(p) / "wal-g").exists()
    )
    done = subprocess.run(
        [sys.executable, "-m", "pytest", "-p", "tests.conftest", "-p", "no:cacheprovider",
         "--rootdir", str(tmp_path), "-c", os.devnull, "-rA", str(tmp_path / "test_sample.py")],
        cwd=REPO, env=env, capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    out = done.stdout
    assert done.returncode == 1, out
    assert "FAILED" in out and "test_silent_skip" in out
    assert "unexpected skip" in out
    assert "1 failed, 1 skipped" in out
    assert "dataops: 1 test(s) skipped, all marked 'walg'" in out
