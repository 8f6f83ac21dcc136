"""The disk cache of the anonymizer's Faker pools (dataops/anonymize/poolcache.py)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from dataops.anonymize import poolcache
from dataops.anonymize.transforms import fake
from dataops.config.settings import load_settings

SIZE = 32


@pytest.fixture
def fresh_pools(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """No in-memory pools; the cache configuration restored afterwards."""
    monkeypatch.setattr(fake, "_pools", {})
    monkeypatch.setattr(poolcache, "_configured", poolcache._UNSET)
    yield


def _no_faker(locale: str) -> Any:
    raise AssertionError(f"Faker was called for {locale}")


def _entries(directory: Path) -> list[Path]:
    return sorted(p for p in directory.iterdir() if p.suffix == ".json")


def test_cache_dir_setting(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    assert poolcache.default_cache_dir(None) == tmp_path / "dataops" / "anonymize-pools"
    assert poolcache.default_cache_dir("") == tmp_path / "dataops" / "anonymize-pools"
    assert poolcache.default_cache_dir(str(tmp_path / "x")) == tmp_path / "x"
    for off in ("off", "OFF", "0", "false", "no"):
        assert poolcache.default_cache_dir(off) is None


def test_miss_then_hit_gives_the_same_values(
    fresh_pools: None, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    poolcache.configure("off")
    built = fake.pool("first_name", "en_US", None, SIZE)
    assert len(built) == SIZE

    fake._pools.clear()
    poolcache.configure(str(tmp_path))
    assert fake.pool("first_name", "en_US", None, SIZE) == built  # miss: drawn, then stored
    [entry] = _entries(tmp_path)
    stored = json.loads(entry.read_text(encoding="utf-8"))
    assert stored["values"] == built
    assert stored["params"][2:] == ["pool", "first_name", "en_US", "null", str(SIZE)]
    assert not list(tmp_path.glob(".pool-*"))  # the temp file was renamed

    fake._pools.clear()
    monkeypatch.setattr(fake, "_faker", _no_faker)
    assert fake.pool("first_name", "en_US", None, SIZE) == built  # hit: no Faker call


def test_key_covers_the_parameters(fresh_pools: None, tmp_path: Path) -> None:
    poolcache.configure(str(tmp_path))
    a = fake.pool("random_int", "en_US", {"min": 1, "max": 9}, SIZE)
    b = fake.pool("random_int", "en_US", {"min": 100, "max": 900}, SIZE)
    c = fake.pool("random_int", "en_US", {"min": 1, "max": 9}, SIZE + 1)
    assert len(_entries(tmp_path)) == 3
    assert set(a) <= {str(i) for i in range(1, 10)}
    assert all(100 <= int(v) <= 900 for v in b)
    assert len(c) == SIZE + 1


@pytest.mark.parametrize(
    "damage",
    [
        lambda text: "{not json",  # unparsable
        lambda text: "",  # empty
        lambda text: text.replace('"values": ["', '"values": ["X'),  # checksum mismatch
        lambda text: json.dumps({**json.loads(text), "values": [1, 2]}),  # wrong types
        lambda text: json.dumps({**json.loads(text), "params": ["other"]}),  # other params
    ],
    ids=["garbage", "empty", "checksum", "types", "params"],
)
def test_corrupt_entry_is_ignored_and_rebuilt(
    fresh_pools: None, tmp_path: Path, damage: Any
) -> None:
    poolcache.configure(str(tmp_path))
    built = fake.pool("last_name", "en_US", None, SIZE)
    [entry] = _entries(tmp_path)
    entry.write_text(damage(entry.read_text(encoding="utf-8")), encoding="utf-8")

    fake._pools.clear()
    assert fake.pool("last_name", "en_US", None, SIZE) == built  # rebuilt, not trusted
    repaired = json.loads(entry.read_text(encoding="utf-8"))
    assert repaired["values"] == built  # and the entry rewritten


def test_wrong_length_entry_is_rebuilt(fresh_pools: None, tmp_path: Path) -> None:
    poolcache.configure(str(tmp_path))
    built = fake.pool("city", "en_US", None, SIZE)
    [entry] = _entries(tmp_path)
    cache = poolcache.current()
    assert cache is not None
    cache.put("pool", ("city", "en_US", "null", str(SIZE)), built[:5])  # valid checksum
    fake._pools.clear()
    assert fake.pool("city", "en_US", None, SIZE) == built
    assert json.loads(entry.read_text(encoding="utf-8"))["values"] == built


def test_disabled_writes_nothing(
    fresh_pools: None, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    monkeypatch.setenv("DATAOPS_ANONYMIZE_POOL_CACHE", "off")
    poolcache.configure(load_settings().anonymize_pool_cache)
    assert poolcache.current() is None
    assert len(fake.pool("first_name", "en_US", None, SIZE)) == SIZE
    assert fake.check_locale("de_DE") is None
    assert not any(tmp_path.rglob("*.json"))


def test_environment_variable_names_the_directory(
    fresh_pools: None, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("DATAOPS_ANONYMIZE_POOL_CACHE", str(tmp_path / "pools"))
    poolcache.configure(load_settings().anonymize_pool_cache)
    fake.pool("first_name", "en_US", None, SIZE)
    assert len(_entries(tmp_path / "pools")) == 1


def test_unwritable_cache_only_costs_time(fresh_pools: None, tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("not a directory", encoding="utf-8")
    poolcache.configure(str(blocker / "pools"))
    assert len(fake.pool("first_name", "en_US", None, SIZE)) == SIZE


def test_validation_uses_the_cache(
    fresh_pools: None, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A warm cache spares the rules check Faker too; unknown names still fail."""
    poolcache.configure(str(tmp_path))
    family = fake.FakeFamily()
    params = {"provider": "first_name", "args": None, "locale": "en_US", "pool_size": SIZE}
    family.validate(params)
    fake.pool("first_name", "en_US", None, SIZE)

    monkeypatch.setattr(fake, "_faker", _no_faker)
    family.validate(params)  # locale and pool cached: no Faker
    assert fake.check_locale("en_US") is None
    with pytest.raises(AssertionError):  # not cached: Faker is asked
        fake.check_locale("xx_XX")
