"""Sidecar parts without services: WAL arithmetic, the state file, locks, the page,
ending a job's whole process tree."""

from __future__ import annotations

import json
import signal
import threading
import time
from pathlib import Path

import pytest

from dataops import execute, locks
from dataops.config.settings import Settings
from dataops.sidecar import page
from dataops.sidecar.jobs.pg_archiver import pending_segments, segment_number
from dataops.sidecar.state import RunRecord, StateStore
from dataops.sidecar.status import Check


def test_pending_segments() -> None:
    assert segment_number("000000010000000000000002") == 2
    assert segment_number("0000000100000001000000FF") == 0x1FF
    assert pending_segments("000000010000000000000010", "00000001000000000000000A") == 5
    assert pending_segments("00000001000000000000000B", "00000001000000000000000A") == 0
    # across a log id boundary, and 64 MB segments (64 per log id)
    assert pending_segments("000000010000000100000001", "0000000100000000000000FE") == 2
    big = 64 * 1024 * 1024
    assert pending_segments("00000001000000010000000A", "00000001000000000000003F", big) == 10
    assert pending_segments(None, "000000010000000000000002") is None
    assert pending_segments("000000010000000000000002", None) is None
    assert pending_segments("000000010000000000000002", "00000002.history") is None


def test_state_file_merges_and_stays_whole(tmp_path: Path) -> None:
    a = StateStore(tmp_path).open()
    b = StateStore(tmp_path).open()  # another process: `dataops jobs run --local`
    a.update(
        "pg_backup:full", RunRecord(last_attempt=10.0, last_success=10.0, last_result="success")
    )
    b.update("pg_verify", RunRecord(last_attempt=20.0, last_result="failed", last_error="x"))
    a.update("pg_backup:full", RunRecord(last_attempt=30.0, last_success=30.0))
    data = json.loads((tmp_path / "state.json").read_text())
    assert set(data["runs"]) == {"pg_backup:full", "pg_verify"}
    assert data["runs"]["pg_backup:full"]["last_success"] == 30.0
    assert not list(tmp_path.glob("*.tmp"))
    assert StateStore(tmp_path).open().get("pg_verify").last_error == "x"


def test_unreadable_state_is_set_aside(tmp_path: Path) -> None:
    (tmp_path / "state.json").write_text('{"runs": {"pg_backup:full": ')
    store = StateStore(tmp_path).open()
    assert store.all() == {}
    assert (tmp_path / "state.unreadable").exists()


def test_state_dir_not_writable_is_a_config_error(tmp_path: Path) -> None:
    from dataops.errors import ConfigError

    blocker = tmp_path / "file"
    blocker.write_text("")
    with pytest.raises(ConfigError, match="DATAOPS_STATE_DIR"):
        StateStore(blocker / "state").open()


def test_locks_exclude_and_name_their_holder(tmp_path: Path) -> None:
    settings = Settings(lock_dir=tmp_path, s3_bucket="b1", pg_backup_engine="pgbackrest")
    name = locks.target_name(settings, "pg")
    assert name == locks.target_name(Settings(s3_bucket="b1", pg_backup_engine="pgbackrest"), "pg")
    assert name != locks.target_name(settings.model_copy(update={"s3_prefix": "x"}), "pg")
    assert locks.target_name(Settings(borg_repo=tmp_path / "r"), "files").startswith("files-")
    with locks.target(name, settings=settings, heavy=True, owner="sidecar pg_backup r1"):
        with pytest.raises(locks.LockBusy) as info, locks.hold(name, settings=settings):
            pass
        assert "pid" in info.value.holder and "sidecar pg_backup r1" in info.value.holder
        started = time.monotonic()
        with pytest.raises(locks.LockBusy), locks.hold(locks.HEAVY, settings=settings, wait=0.5):
            pass
        assert time.monotonic() - started >= 0.5
    with locks.hold(name, settings=settings), locks.hold(locks.HEAVY, settings=settings):
        pass  # released


def test_heavy_lock_waits_for_the_other(tmp_path: Path) -> None:
    settings = Settings(lock_dir=tmp_path)
    order: list[str] = []
    release = threading.Event()

    def holder() -> None:
        with locks.hold(locks.HEAVY, settings=settings):
            order.append("first")
            release.wait(5)

    thread = threading.Thread(target=holder)
    thread.start()
    while not order:
        time.sleep(0.01)
    threading.Timer(0.5, release.set).start()
    # flock locks are per open file: a second open in this process waits like another process
    with locks.hold(locks.HEAVY, settings=settings, wait=10):
        order.append("second")
    thread.join()
    assert order == ["first", "second"]


def test_page_escapes_and_has_no_scripts() -> None:
    facts = {
        "version": "1",
        "started": None,
        "now": None,
        "config": "<b>x</b>",
        "jobs": [
            {
                "name": "pg_backup",
                "state": "scheduled",
                "reason": None,
                "schedule": "@daily",
                "incremental_schedule": None,
                "runs": [
                    {
                        "key": "pg_backup:full",
                        "last_result": "failed",
                        "last_error": "<script>alert(1)</script>",
                    }
                ],
            }
        ],
        "backups": [],
        "drills": {},
        "wal_archive": None,
    }
    html = page.render(facts, [Check("database", False, "refused")])
    assert "<script" not in html and "&lt;script&gt;" in html
    assert "&lt;b&gt;x&lt;/b&gt;" in html and "not ready" in html
    assert "http://" not in html and "https://" not in html  # no external assets


def test_terminate_ends_descendants_in_their_own_sessions(tmp_path: Path) -> None:
    """A job's tools run in their own sessions (execute.py); ending the job ends them too."""
    marker = tmp_path / "pids"
    script = (
        f"setsid sh -c 'echo $$ >> {marker}; exec sleep 300' & "
        f"sh -c 'echo $$ >> {marker}; exec sleep 300' & "
        "echo ready; wait"
    )
    with execute.stream(["sh", "-c", script], ok_codes=(0, -signal.SIGTERM, -signal.SIGKILL)) as s:
        assert s.stdout.readline().strip() == b"ready"
        deadline = time.monotonic() + 10
        while (not marker.exists() or len(marker.read_text().split()) < 2) and (
            time.monotonic() < deadline
        ):
            time.sleep(0.05)
        pids = [int(p) for p in marker.read_text().split()]
        execute.terminate(s.proc, grace=0.5)
    deadline = time.monotonic() + 5
    while any(_alive(pid) for pid in pids) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not [pid for pid in pids if _alive(pid)]


def _alive(pid: int) -> bool:
    """Running (a zombie waiting for its reaper counts as ended)."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return False
    return stat[stat.rfind(")") + 2] not in "ZX"
