from __future__ import annotations

from pathlib import Path

import pytest

from dataops.config.settings import load_settings
from dataops.db import libpq_env, masked_url, normalize_url
from dataops.errors import ConfigError

pytestmark = pytest.mark.usefixtures("clean_environment")


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


def test_an_unknown_dataops_variable_is_an_error_naming_it(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("DATAOPS_MIGRATE_LOCK_TIMOUT", "5")  # typo'd: must not fall back silently
    (tmp_path / "cache").write_text("off")
    monkeypatch.setenv("DATAOPS_ANONYMIZE_POOL_CACH_FILE", str(tmp_path / "cache"))
    with pytest.raises(ConfigError) as info:
        load_settings()
    assert info.value.exit_code == 2
    assert [d.split(":")[0] for d in info.value.details] == [
        "DATAOPS_ANONYMIZE_POOL_CACH_FILE",
        "DATAOPS_MIGRATE_LOCK_TIMOUT",
    ]


def test_reserved_names_are_not_settings(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DATAOPS_TEST_ANYTHING", "1")  # the test harness's
    monkeypatch.setenv("DATAOPS_TOOLS_CACHE", "/tmp")  # scripts/bootstrap's
    assert load_settings().log_level == "info"


def test_variables_once_read_around_settings_are_fields(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DATAOPS_MIGRATE_LOCK_TIMEOUT", "7.5")
    monkeypatch.setenv("DATAOPS_ANONYMIZE_POOL_CACHE", "off")
    monkeypatch.setenv("DATAOPS_ANONYMIZE_PURE_PYTHON", "1")
    monkeypatch.setenv("DATAOPS_ANONYMIZE_SECRET", "a-secret-value")
    monkeypatch.setenv("DATAOPS_PG_BIN_DIR", "/opt/pg/bin")
    s = load_settings()
    assert s.migrate_lock_timeout == 7.5
    assert s.anonymize_pool_cache == "off"
    assert s.anonymize_pure_python is True
    assert s.anonymize_secret is not None
    assert s.public_dict()["DATAOPS_ANONYMIZE_SECRET"] == "***"
    assert s.pg_bin_dir == Path("/opt/pg/bin")
    monkeypatch.setenv("DATAOPS_MIGRATE_LOCK_TIMEOUT", "0")
    with pytest.raises(ConfigError) as info:
        load_settings()
    assert info.value.details[0].startswith("DATAOPS_MIGRATE_LOCK_TIMEOUT:")


def test_no_database_is_one_error(monkeypatch: pytest.MonkeyPatch) -> None:
    with pytest.raises(ConfigError, match="no database: set DATAOPS_DATABASE_URL or pass --db"):
        load_settings().require_database_url()
