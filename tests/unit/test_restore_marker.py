"""The incomplete-restore marker (issue 22): set before the fetch, left by a failed one,
refused by the next restore, cleared only by --force and only for a marked directory."""

from __future__ import annotations

from pathlib import Path

import pytest

from dataops.backup import recovery
from dataops.errors import ConfigError


def test_a_failed_fetch_is_marked_refused_and_cleared_by_force(tmp_path: Path) -> None:
    target = tmp_path / "restore"
    target.mkdir()
    recovery.check_target(target)
    recovery.mark_incomplete(target, engine="pgbackrest", backup="B1")
    (target / "base").mkdir()
    (target / "base" / "1").write_bytes(b"x" * 100)  # what a fetch had written
    assert recovery.is_incomplete(target)

    recovery.fetch_failed(target, engine="pgbackrest", backup="B1")
    inside, beside = recovery.incomplete_markers(target)
    assert sorted(p.name for p in target.iterdir()) == [recovery.INCOMPLETE_MARKER]
    assert not (target / "recovery.signal").exists() and beside.is_file()
    assert "--force" in inside.read_text()
    with pytest.raises(ConfigError, match=r"did not finish.*--force"):
        recovery.check_target(target)

    assert recovery.clear_incomplete(target)
    assert target.is_dir() and not any(target.iterdir()) and not beside.exists()
    recovery.check_target(target)


def test_a_killed_fetch_is_known_by_the_marker_beside(tmp_path: Path) -> None:
    """dataops was SIGKILLed mid-fetch: no cleanup ran, the marker beside says it all."""
    target = tmp_path / "restore"
    target.mkdir()
    recovery.mark_incomplete(target, engine="walg", backup="base_0001")
    (target / "PG_VERSION").write_text("15\n")
    with pytest.raises(ConfigError, match="did not finish"):
        recovery.check_target(target)


def test_force_never_clears_an_unmarked_directory(tmp_path: Path) -> None:
    (tmp_path / "precious").write_text("data")
    assert not recovery.clear_incomplete(tmp_path)
    assert (tmp_path / "precious").read_text() == "data"
    with pytest.raises(ConfigError, match="not empty"):
        recovery.check_target(tmp_path)
