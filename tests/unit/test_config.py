from __future__ import annotations

from pathlib import Path

import pytest

from dataops.config.settings import load_settings
from dataops.db import libpq_env, masked_url, normalize_url
from dataops.errors import ConfigError


@pytest.fixture(autouse=True)
def clean_env(monkeypatch: pytest.MonkeyPatch) -> None:
    import os

    for key in list(os.environ):
        if key.startswith(("DATAOPS_", "AWS_", "SENTRY_")):
            monkeypatch.delenv(key)


def test_defaults() -> None:
    s = load_settings()
    assert s.log_level == "info"
    assert s.database_url is None
    assert s.s3_region == "us-east-1"
    assert s.migrations_path == Path("migrations")


def test_reads_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DATAOPS_LOG_LEVEL", "DEBUG")
    monkeypatch.setenv("DATAOPS_S3_BUCKET", "backups")
    monkeypatch.setenv("DATAOPS_S3_ENDPOINT", "http://minio:9000")
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "AKIA")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "very-secret-key")
    s = load_settings()
    assert s.log_level == "debug"
    assert s.s3_bucket == "backups"
    assert s.aws_access_key_id == "AKIA"
    assert s.aws_secret_access_key is not None
    assert s.aws_secret_access_key.get_secret_value() == "very-secret-key"


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("postgresql://u:p@h:5432/db", "postgresql+psycopg://u:p@h:5432/db"),
        ("postgres://u@h/db", "postgresql+psycopg://u@h/db"),
        ("mysql://u:p@h/db", "mysql+pymysql://u:p@h/db"),
        ("mariadb://u:p@h/db", "mysql+pymysql://u:p@h/db"),
        ("sqlite:///tmp/x.db", "sqlite:///tmp/x.db"),
        ("postgresql+psycopg://u@h/db", "postgresql+psycopg://u@h/db"),
    ],
)
def test_database_url_mapped_to_bundled_drivers(raw: str, expected: str) -> None:
    assert normalize_url(raw) == expected


def test_file_suffix(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    secret = tmp_path / "db"
    secret.write_text("postgresql://app:fromfile@db:5432/app\n")
    monkeypatch.setenv("DATAOPS_DATABASE_URL_FILE", str(secret))
    key = tmp_path / "aws"
    key.write_text("file-secret-key")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY_FILE", str(key))
    s = load_settings()
    assert s.database_url_value == "postgresql+psycopg://app:fromfile@db:5432/app"
    assert s.aws_secret_access_key is not None
    assert s.aws_secret_access_key.get_secret_value() == "file-secret-key"


def test_file_and_value_both_set_is_an_error(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    f = tmp_path / "x"
    f.write_text("warning")
    monkeypatch.setenv("DATAOPS_LOG_LEVEL", "info")
    monkeypatch.setenv("DATAOPS_LOG_LEVEL_FILE", str(f))
    with pytest.raises(ConfigError) as err:
        load_settings()
    assert "DATAOPS_LOG_LEVEL and DATAOPS_LOG_LEVEL_FILE" in err.value.render()


def test_unreadable_file_names_variable(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("DATAOPS_DATABASE_URL_FILE", str(tmp_path / "missing"))
    with pytest.raises(ConfigError) as err:
        load_settings()
    assert "DATAOPS_DATABASE_URL_FILE" in err.value.render()
    assert err.value.exit_code == 2


def test_every_invalid_variable_reported_at_once(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DATAOPS_LOG_LEVEL", "bogus")
    monkeypatch.setenv("DATAOPS_LOG_FORMAT", "xml")
    monkeypatch.setenv("DATAOPS_S3_ENDPOINT", "minio:9000")
    monkeypatch.setenv("DATAOPS_DATABASE_URL", "oracle://scott:tiger@db/orcl")
    monkeypatch.setenv("DATAOPS_WALG_DELTA_MAX_STEPS", "-1")
    with pytest.raises(ConfigError) as err:
        load_settings()
    text = err.value.render()
    for var in (
        "DATAOPS_LOG_LEVEL",
        "DATAOPS_LOG_FORMAT",
        "DATAOPS_S3_ENDPOINT",
        "DATAOPS_DATABASE_URL",
        "DATAOPS_WALG_DELTA_MAX_STEPS",
    ):
        assert var in text
    assert "tiger" not in text


def test_public_dict_masks_secrets(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DATAOPS_DATABASE_URL", "postgresql://alice:S3cr3t@db/app")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "abcdefgh")
    monkeypatch.setenv("DATAOPS_WALG_LIBSODIUM_KEY", "k" * 32)
    shown = load_settings().public_dict()
    assert shown["DATAOPS_DATABASE_URL"] == "postgresql+psycopg://alice:***@db/app"
    assert shown["AWS_SECRET_ACCESS_KEY"] == "***"
    assert shown["DATAOPS_WALG_LIBSODIUM_KEY"] == "***"
    assert "S3cr3t" not in repr(shown)


def test_libpq_env_carries_password_outside_argv() -> None:
    env = libpq_env("postgresql://alice:S3cr3t@db:6543/app?sslmode=require")
    assert env == {
        "PGHOST": "db",
        "PGPORT": "6543",
        "PGUSER": "alice",
        "PGPASSWORD": "S3cr3t",
        "PGDATABASE": "app",
        "PGSSLMODE": "require",
    }
    assert masked_url("postgresql://alice:S3cr3t@db/app") == "postgresql://alice:***@db/app"
