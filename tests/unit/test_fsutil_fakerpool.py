"""The shared mechanisms: atomic writes (fsutil) and the Faker pool disk cache (fakerpool)."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from dataops import fakerpool, fsutil
from dataops.anonymize import poolcache
from dataops.demo.pools import PoolStore, default_cache_dir


def test_atomic_write_replaces_whole_files_only(tmp_path: Path) -> None:
    target = tmp_path / "state.json"
    fsutil.atomic_write(target, '{"a": 1}', mode=0o600)
    assert target.read_text() == '{"a": 1}'
    assert (target.stat().st_mode & 0o777) == 0o600
    with pytest.raises(RuntimeError), fsutil.atomic_file(target) as fh:
        fh.write(b"half")
        raise RuntimeError("disk on fire")
    assert target.read_text() == '{"a": 1}'  # the old content, untouched
    assert sorted(p.name for p in tmp_path.iterdir()) == ["state.json"]  # no temp file left
    fsutil.atomic_write(target, b"new")
    assert target.read_bytes() == b"new"
    assert (target.stat().st_mode & 0o777) == 0o666 & ~_umask()


def _umask() -> int:
    current = os.umask(0)
    os.umask(current)
    return current


def test_one_pool_cache_for_anonymize_and_demo(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    anonymize_dir = poolcache.default_cache_dir(None)
    demo_dir = default_cache_dir(None)
    assert anonymize_dir == tmp_path / "dataops" / "anonymize-pools"
    assert demo_dir == tmp_path / "dataops" / "demo-pools"
    assert default_cache_dir("off") is None and poolcache.default_cache_dir("OFF") is None

    store = PoolStore(16, demo_dir)
    assert isinstance(store._cache, fakerpool.PoolCache)
    drawn = store.pool("first_name", "en_US").values
    [entry] = demo_dir.glob("*.json")  # type: ignore[union-attr]
    stored = json.loads(entry.read_text())
    assert stored["values"] == drawn and stored["params"][1] == fakerpool.faker_version()

    again = PoolStore(16, demo_dir)
    monkeypatch.setattr(again, "_draw", lambda *a: pytest.fail("Faker was called"))
    assert again.pool("first_name", "en_US").values == drawn  # read back, same order

    entry.write_text(entry.read_text().replace(drawn[0], drawn[0] + "x", 1))  # damaged
    assert fakerpool.PoolCache(demo_dir).get("pool", (stored["params"][3],)) is None


def test_values_json_cannot_give_back_are_not_cached(tmp_path: Path) -> None:
    import datetime as dt

    cache = fakerpool.PoolCache(tmp_path)
    cache.put("pool", ("dates",), [dt.date(2020, 1, 1)])
    assert cache.get("pool", ("dates",)) is None and not list(tmp_path.iterdir())
    cache.put("pool", ("mixed",), ["a", 1, 2.5, True, None])
    assert cache.get("pool", ("mixed",)) == ["a", 1, 2.5, True, None]
