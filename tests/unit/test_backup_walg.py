"""wal-g integration: settings mapping, argv builders, JSON parsers, error mapping."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

from dataops.backup import walg
from dataops.config.settings import Settings, load_settings
from dataops.errors import CommandError, ConfigError, DependencyError, OperationError

pytestmark = pytest.mark.usefixtures("clean_environment")


def settings(monkeypatch: pytest.MonkeyPatch, **env: str) -> Settings:
    base = {
        "DATAOPS_S3_BUCKET": "backups",
        "DATAOPS_S3_PREFIX": "/prod/pg/",
        "DATAOPS_S3_ENDPOINT": "http://minio:9000",
        "AWS_ACCESS_KEY_ID": "AKIAEXAMPLE",
        "AWS_SECRET_ACCESS_KEY": "secret-key-value",
    }
    base.update(env)
    for key, value in base.items():
        monkeypatch.setenv(key, value)
    return load_settings()


# ------------------------------------------------------------------------------ settings


def test_walg_settings_map_storage_compression_and_retries(monkeypatch: pytest.MonkeyPatch) -> None:
    s = settings(monkeypatch, DATAOPS_WALG_COMPRESSION="zstd", DATAOPS_WALG_DELTA_MAX_STEPS="3")
    env = walg.walg_settings(s)
    assert env == {
        "WALG_S3_PREFIX": "s3://backups/prod/pg",
        "AWS_ENDPOINT": "http://minio:9000",
        "AWS_REGION": "us-east-1",
        "AWS_S3_FORCE_PATH_STYLE": "true",
        "AWS_ACCESS_KEY_ID": "AKIAEXAMPLE",
        "AWS_SECRET_ACCESS_KEY": "secret-key-value",
        "WALG_COMPRESSION_METHOD": "zstd",
        "WALG_DELTA_MAX_STEPS": "3",
        "S3_MAX_RETRIES": "8",
        "WALG_DOWNLOAD_FILE_RETRIES": "3",
    }


def test_walg_settings_without_prefix_endpoint_or_credentials(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("DATAOPS_S3_BUCKET", "b")
    monkeypatch.setenv("DATAOPS_S3_FORCE_PATH_STYLE", "false")
    env = walg.walg_settings(load_settings())
    assert env["WALG_S3_PREFIX"] == "s3://b"
    assert env["AWS_S3_FORCE_PATH_STYLE"] == "false"
    assert not {"AWS_ENDPOINT", "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY"} & env.keys()


def test_libsodium_key_and_transform_pass_through(monkeypatch: pytest.MonkeyPatch) -> None:
    s = settings(
        monkeypatch,
        DATAOPS_WALG_LIBSODIUM_KEY="a" * 64,
        DATAOPS_WALG_LIBSODIUM_KEY_TRANSFORM="hex",
    )
    env = walg.walg_settings(s)
    assert env["WALG_LIBSODIUM_KEY"] == "a" * 64
    assert env["WALG_LIBSODIUM_KEY_TRANSFORM"] == "hex"


def test_missing_bucket_is_a_config_error(monkeypatch: pytest.MonkeyPatch) -> None:
    with pytest.raises(ConfigError, match="DATAOPS_S3_BUCKET"):
        walg.walg_settings(load_settings())


def test_config_document_has_no_database_password(monkeypatch: pytest.MonkeyPatch) -> None:
    s = settings(monkeypatch, DATAOPS_DATABASE_URL="postgresql://app:dbpass@db:5433/app")
    doc = walg.config_document(s)
    assert "PGPASSWORD" not in doc and "dbpass" not in json.dumps(doc)
    assert list(doc) == sorted(doc)


def test_runtime_env_adds_libpq_variables_only_when_asked(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    s = settings(
        monkeypatch,
        DATAOPS_DATABASE_URL="postgresql://app:dbpass@db:5433/app",
        DATAOPS_PG_DATA="/var/lib/postgresql/15/main",
    )
    plain = walg.runtime_env(s)
    assert "PGPASSWORD" not in plain and plain["PGDATA"] == "/var/lib/postgresql/15/main"
    full = walg.runtime_env(s, with_database=True)
    assert full["PGHOST"] == "db" and full["PGPORT"] == "5433" and full["PGUSER"] == "app"
    assert full["PGPASSWORD"] == "dbpass" and full["PGDATABASE"] == "app"


def test_runtime_env_needs_a_postgresql_url(monkeypatch: pytest.MonkeyPatch) -> None:
    with pytest.raises(ConfigError, match="DATAOPS_DATABASE_URL is not set"):
        walg.runtime_env(settings(monkeypatch), with_database=True)
    s = settings(monkeypatch, DATAOPS_DATABASE_URL="mysql://u:p@h/db")
    with pytest.raises(ConfigError, match="postgresql"):
        walg.runtime_env(s, with_database=True)


# --------------------------------------------------------------------------------- argv


def test_argv_builders() -> None:
    assert walg.backup_push_argv("wal-g", Path("/data")) == ["wal-g", "backup-push", "/data"]
    assert walg.backup_push_argv("wal-g", Path("/data"), full=True) == [
        "wal-g",
        "backup-push",
        "--full",
        "/data",
    ]
    assert walg.backup_list_argv("w") == ["w", "backup-list", "--json", "--detail"]
    assert walg.backup_fetch_argv("w", Path("/t"), "base_1") == [
        "w",
        "backup-fetch",
        "/t",
        "base_1",
    ]
    assert walg.wal_verify_argv("w") == ["w", "wal-verify", "integrity", "timeline", "--json"]
    assert walg.st_check_argv("w", "write") == ["w", "st", "check", "write"]
    assert walg.wal_push_argv("w", Path("/c.json")) == [
        "w",
        "--config",
        "/c.json",
        "wal-push",
        "%p",
    ]
    assert walg.wal_fetch_argv("w", Path("/c.json"), "%f", "%p") == [
        "w",
        "--config",
        "/c.json",
        "wal-fetch",
        "%f",
        "%p",
    ]
    with pytest.raises(ValueError):
        walg.st_check_argv("w", "delete")


def test_delete_retain_argv_orders_by_backup_time_and_confirms() -> None:
    assert walg.delete_retain_argv("w", 2, confirm=True) == [
        "w",
        "delete",
        "--use-sentinel-time",
        "retain",
        "FULL",
        "2",
        "--confirm",
    ]
    assert "--confirm" not in walg.delete_retain_argv("w", 2, confirm=False)
    with pytest.raises(ConfigError):
        walg.delete_retain_argv("w", 0, confirm=True)


# ------------------------------------------------------------------------------ parsing


def _entry(name: str, start: str, finish: str, modified: str, **extra: object) -> dict[str, object]:
    entry: dict[str, object] = {
        "backup_name": name,
        "time": modified,
        "wal_file_name": name.split("_")[1],
        "storage_name": "default",
        "start_time": start,
        "finish_time": finish,
        "date_fmt": "%Y-%m-%dT%H:%M:%S.%fZ",
        "hostname": "db1",
        "data_dir": "/var/lib/postgresql/15/main",
        "pg_version": 150010,
        "start_lsn": 16777256,
        "finish_lsn": 16777600,
        "is_permanent": False,
        "system_identifier": 7441234567890123456,
        "uncompressed_size": 30000000,
        "compressed_size": 4000000,
    }
    entry.update(extra)
    return entry


def test_parse_backup_list_sorts_by_backup_time_not_object_time() -> None:
    raw = json.dumps(
        [
            # copied later (newer object time) but taken first
            _entry(
                "base_000000010000000000000002",
                "2024-05-01T10:00:00.123456789Z",
                "2024-05-01T10:05:00Z",
                "2024-05-03T00:00:00Z",
            ),
            _entry(
                "base_000000010000000000000009_D_000000010000000000000002",
                "2024-05-02T10:00:00Z",
                "2024-05-02T10:01:00.5Z",
                "2024-05-02T10:01:01Z",
            ),
        ][::-1]
    )
    backups = walg.parse_backup_list(raw)
    assert [b.name for b in backups] == [
        "base_000000010000000000000002",
        "base_000000010000000000000009_D_000000010000000000000002",
    ]
    first, delta = backups
    assert first.start_time == dt.datetime(2024, 5, 1, 10, 0, 0, 123456, tzinfo=dt.UTC)
    assert first.kind == "full" and not first.is_delta and first.delta_base is None
    assert delta.kind == "delta" and delta.delta_base == "000000010000000000000002"
    assert delta.finish_time.microsecond == 500000
    assert first.as_dict()["start_lsn"] == "0/1000028"
    assert first.compressed_size == 4000000 and first.pg_version == 150010


@pytest.mark.parametrize("raw", ["", "  \n", "[]", "null", b"[]\n"])
def test_parse_backup_list_empty(raw: str | bytes) -> None:
    assert walg.parse_backup_list(raw) == []


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        ("INFO: No backups found", "not JSON"),
        ('{"a": 1}', "expected a JSON array"),
        ("[1]", "expected objects"),
        ('[{"backup_name": "x"}]', "missing field 'start_time'"),
        (
            '[{"backup_name": "x", "start_time": "yesterday", "finish_time": "now"}]',
            "bad value",
        ),
    ],
)
def test_parse_backup_list_rejects_unexpected_output(raw: str, message: str) -> None:
    with pytest.raises(OperationError, match=message):
        walg.parse_backup_list(raw)


VERIFY_OK = {
    "integrity": {
        "status": "WARNING",
        "details": [
            {
                "timeline_id": 1,
                "start_segment": "000000010000000000000002",
                "end_segment": "000000010000000000000010",
                "segments_count": 15,
                "status": "FOUND",
            },
            {
                "timeline_id": 1,
                "start_segment": "000000010000000000000011",
                "end_segment": "000000010000000000000011",
                "segments_count": 1,
                "status": "MISSING_DELAYED",
            },
        ],
    },
    "timeline": {
        "status": "OK",
        "details": {"current_timeline_id": 1, "highest_storage_timeline_id": 1},
    },
}


def test_parse_wal_verify_warning_is_ok() -> None:
    report = walg.parse_wal_verify(json.dumps(VERIFY_OK))
    assert report.ok and report.lost == [] and report.lost_segments() == []
    assert [r.status for r in report.pending] == ["MISSING_DELAYED"]
    assert report.current_timeline == 1 and report.storage_timeline == 1
    assert report.as_dict()["integrity"]["ranges"][0]["count"] == 15


def test_parse_wal_verify_names_lost_segments() -> None:
    data = json.loads(json.dumps(VERIFY_OK))
    data["integrity"]["status"] = "FAILURE"
    data["integrity"]["details"].insert(
        1,
        {
            "timeline_id": 1,
            "start_segment": "0000000100000000000000FE",
            "end_segment": "000000010000000100000001",
            "segments_count": 4,
            "status": "MISSING_LOST",
        },
    )
    report = walg.parse_wal_verify(json.dumps(data).encode())
    assert not report.ok
    assert report.lost_segments() == [
        "0000000100000000000000FE",
        "0000000100000000000000FF",
        "000000010000000100000000",
        "000000010000000100000001",
    ]
    assert report.lost_segments(limit=2) == ["0000000100000000000000FE", "0000000100000000000000FF"]
    assert report.as_dict()["lost_segments"][-1] == "000000010000000100000001"


def test_parse_wal_verify_timeline_failure() -> None:
    data = json.loads(json.dumps(VERIFY_OK))
    data["timeline"]["status"] = "FAILURE"
    assert not walg.parse_wal_verify(json.dumps(data)).ok


@pytest.mark.parametrize("raw", ["", "[]", '{"timeline": {}}', '{"integrity": {"details": 3}}'])
def test_parse_wal_verify_rejects_unexpected_output(raw: str) -> None:
    with pytest.raises(OperationError, match="wal-verify"):
        walg.parse_wal_verify(raw)


def test_segment_names_round_trip() -> None:
    assert walg.segment_number("0000000200000003000000A0") == (2, 3 * 256 + 0xA0)
    assert walg.segment_name(2, 3 * 256 + 0xA0) == "0000000200000003000000A0"
    with pytest.raises(ValueError):
        walg.segment_number("00000001.history")


def test_lsn_and_time_helpers() -> None:
    assert walg.lsn_text(0x1_0000_0028) == "1/28"
    assert walg.parse_time("2024-05-01T10:00:00.1Z").microsecond == 100000
    assert walg.parse_time("2024-05-01T12:00:00+02:00") == dt.datetime(
        2024, 5, 1, 10, 0, tzinfo=dt.UTC
    )
    assert walg.parse_time("2024-05-01T10:00:00").tzinfo == dt.UTC


def test_parse_delete_output() -> None:
    lines = [
        "INFO: 2024/05/01 10:00:00.000 Object marked for deletion: basebackups_005/base_1.json storage=default",
        "INFO: 2024/05/01 10:00:00.000 Object marked for deletion: wal_005/000000010000000000000001.lz4 storage=default",
        "INFO: 2024/05/01 10:00:00.000 Dry run: objects would be deleted count=2, Run with --confirm to execute",
    ]
    assert walg.parse_delete_output(lines) == (
        2,
        ["basebackups_005/base_1.json", "wal_005/000000010000000000000001.lz4"],
    )
    assert walg.parse_delete_output(["INFO: x No backup found for deletion"]) == (0, [])
    assert walg.parse_delete_output([]) == (None, [])


# ------------------------------------------------------------------------------- errors


def _failure(*tail: str, timed_out: bool = False) -> CommandError:
    return CommandError(
        "wal-g failed",
        argv=["wal-g"],
        returncode=None if timed_out else 1,
        output_tail=list(tail),
        timed_out=timed_out,
    )


REFUSED = (
    "ERROR: 2024/05/01 10:00:00.000000 Get backups from folder: failed to list s3 folder:"
    " 'p/basebackups_005/': RequestError: send request failed",
    'caused by: Get "http://127.0.0.1:9/b?list-type=2": dial tcp 127.0.0.1:9: connect:'
    " connection refused",
)


def test_classify_storage_unreachable_is_exit_3_with_cause() -> None:
    err = walg.classify(_failure(*REFUSED), what="backup-list", storage="s3://b/p")
    assert isinstance(err, DependencyError) and err.exit_code == 3
    assert "s3://b/p is unreachable" in err.message
    assert err.details == [
        "Get backups from folder: failed to list s3 folder: 'p/basebackups_005/': RequestError:"
        " send request failed (dial tcp 127.0.0.1:9: connect: connection refused)"
    ]


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("ERROR: d t list: InvalidAccessKeyId: The Access Key Id ...", "rejected the credentials"),
        (
            "ERROR: d t list: SignatureDoesNotMatch: The request signature",
            "rejected the credentials",
        ),
        ("ERROR: d t list: AccessDenied: Access Denied.", "rejected the credentials"),
        ("ERROR: d t list: NoSuchBucket: The specified bucket does not exist", "does not exist"),
        (
            "ERROR: d t Connect: failed to connect to `host=127.0.0.1 user=postgres`: dial error",
            "cannot connect to PostgreSQL",
        ),
        (
            "ERROR: d t non-empty WALG_LIBSODIUM_KEY but wal-g was not compiled with libsodium",
            "libsodium",
        ),
    ],
)
def test_classify_dependencies(line: str, expected: str) -> None:
    err = walg.classify(_failure(line), what="backup-push", storage="s3://b")
    assert isinstance(err, DependencyError)
    assert expected in err.message


def test_classify_timeout_and_other_failures() -> None:
    timeout = walg.classify(
        _failure("INFO: working", timed_out=True), what="backup-push", storage="s"
    )
    assert isinstance(timeout, DependencyError) and "did not finish in time" in timeout.message
    other = walg.classify(
        _failure("ERROR: d t Backup 'base_x' does not exist"), what="backup-fetch", storage="s"
    )
    assert type(other) is OperationError and other.exit_code == 1
    assert "Backup 'base_x' does not exist" in other.render()
