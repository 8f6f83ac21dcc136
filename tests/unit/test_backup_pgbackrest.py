"""pgBackRest: options from settings, config file, argv without secrets, parsers, errors,
the restore_command wrapper's exit codes, the WAL chain check and engine selection."""

from __future__ import annotations

import datetime as dt
import json
import os
import pwd
import stat
import subprocess
from pathlib import Path

import pytest

from dataops.backup import engine as engine_api
from dataops.backup import pgbackrest as core
from dataops.backup.engines import pgbackrest as eng
from dataops.backup.engines.walg import WalGEngine
from dataops.config.settings import Settings, load_settings
from dataops.errors import CommandError, ConfigError, DependencyError, OperationError
from dataops.tools import pgbackrest as pgb

SECRET = "secret-key-value-123"
CIPHER = "cipher-pass-456"


@pytest.fixture(autouse=True)
def clean_env(monkeypatch: pytest.MonkeyPatch) -> None:
    for key in list(os.environ):
        if key.startswith(("DATAOPS_", "AWS_", "SENTRY_", "PG")):
            monkeypatch.delenv(key)


def settings(monkeypatch: pytest.MonkeyPatch, **env: str) -> Settings:
    base = {
        "DATAOPS_PG_BACKUP_ENGINE": "pgbackrest",
        "DATAOPS_S3_BUCKET": "backups",
        "DATAOPS_S3_PREFIX": "pg/app",
        "DATAOPS_S3_ENDPOINT": "https://minio.local:9000",
        "AWS_ACCESS_KEY_ID": "AKIAEXAMPLE",
        "AWS_SECRET_ACCESS_KEY": SECRET,
        "DATAOPS_PGBACKREST_BIN": "/bin/sh",
    }
    base.update(env)
    for key, value in base.items():
        monkeypatch.setenv(key, value)
    return load_settings()


def test_open_engine_selects_by_setting(monkeypatch: pytest.MonkeyPatch) -> None:
    assert isinstance(engine_api.open_engine(settings(monkeypatch)), eng.PgBackRestEngine)
    walg = engine_api.open_engine(settings(monkeypatch, DATAOPS_PG_BACKUP_ENGINE="walg"))
    assert isinstance(walg, WalGEngine)
    assert isinstance(walg, engine_api.PgBackupEngine)
    monkeypatch.delenv("DATAOPS_PG_BACKUP_ENGINE")
    assert engine_api.open_engine(load_settings()).name == "walg"  # the default
    monkeypatch.setenv("DATAOPS_PG_BACKUP_ENGINE", "barman")
    with pytest.raises(ConfigError) as info:
        load_settings()
    assert "DATAOPS_PG_BACKUP_ENGINE" in info.value.render()


def test_repo_options_map_storage_tls_and_encryption(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    ca = tmp_path / "ca.crt"
    ca.write_text("-----BEGIN CERTIFICATE-----\n")
    s = settings(
        monkeypatch,
        DATAOPS_S3_CA_BUNDLE=str(ca),
        DATAOPS_PGBACKREST_CIPHER_PASS=CIPHER,
        DATAOPS_PGBACKREST_PROCESS_MAX="3",
    )
    options = core.repo_options(s)
    assert options["repo1-type"] == "s3"
    assert options["repo1-path"] == "/pg/app"
    assert options["repo1-s3-bucket"] == "backups"
    assert (options["repo1-s3-endpoint"], options["repo1-storage-port"]) == ("minio.local", "9000")
    assert options["repo1-s3-uri-style"] == "path"
    assert options["repo1-storage-ca-file"] == str(ca)
    assert "repo1-storage-verify-tls" not in options  # never turned off
    assert options["repo1-cipher-type"] == "aes-256-cbc"
    assert options["repo1-cipher-pass"] == CIPHER
    assert options["process-max"] == "3"
    env = pgb.option_env(options)
    assert env["PGBACKREST_REPO1_S3_KEY_SECRET"] == SECRET


def test_repo_path_and_ca_override(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    assert core.repo_path(settings(monkeypatch, DATAOPS_S3_PREFIX="")) == "/pgbackrest"
    assert core.repo_path(settings(monkeypatch, DATAOPS_PGBACKREST_REPO_PATH="x/y/")) == "/x/y"
    with pytest.raises(ConfigError, match=r"\.\."):
        core.repo_path(settings(monkeypatch, DATAOPS_PGBACKREST_REPO_PATH="/a/../b"))
    monkeypatch.delenv("DATAOPS_PGBACKREST_REPO_PATH")
    with pytest.raises(ConfigError, match="is not a file"):
        core.repo_options(settings(monkeypatch, DATAOPS_PGBACKREST_CA_BUNDLE=str(tmp_path / "no")))


def test_plain_http_endpoint_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    with pytest.raises(ConfigError, match="TLS only"):
        core.repo_options(settings(monkeypatch, DATAOPS_S3_ENDPOINT="http://minio:9000"))


def test_argv_never_carries_secrets(monkeypatch: pytest.MonkeyPatch) -> None:
    config = Path("/etc/x/pgbackrest.conf")
    argvs = [
        pgb.stanza_create_argv("pgbackrest", config, "main"),
        pgb.backup_argv("pgbackrest", config, "main", "incr"),
        pgb.info_argv("pgbackrest", config, "main"),
        pgb.expire_argv("pgbackrest", config, "main", 2),
        pgb.verify_argv("pgbackrest", config, "main"),
        pgb.repo_ls_argv("pgbackrest", config, "archive/main", recurse=True),
        pgb.restore_argv("pgbackrest", config, "main", "20240501-120000F"),
        pgb.archive_push_argv("pgbackrest", config, "main"),
    ]
    for argv in argvs:
        assert argv[:2] == ["pgbackrest", f"--config={config}"]
        assert not any("key" in a or "cipher" in a for a in argv)
    assert pgb.backup_argv("b", None, "s", "full") == ["b", "--stanza=s", "--type=full", "backup"]
    assert pgb.restore_argv("b", None, "s", "L")[-2:] == ["--type=none", "restore"]
    assert pgb.repo_ls_argv("b", None, None) == ["b", "--output=json", "repo-ls"]
    with pytest.raises(ValueError):
        pgb.backup_argv("b", None, "s", "delta")


def test_config_text_sections() -> None:
    text = pgb.config_text({"repo1-path": "/r", "pg1-path": "/srv/data", "pg1-port": "5433"}, "app")
    lines = text.splitlines()
    assert lines.index("[global]") < lines.index("repo1-path=/r") < lines.index("[app]")
    assert lines.index("[app]") < lines.index("pg1-path=/srv/data")


def test_write_config_modes_owner_and_wrapper(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    s = settings(monkeypatch, DATAOPS_PG_DATA=str(tmp_path / "data"))
    engine = eng.PgBackRestEngine.from_settings(s)
    setup = engine.archive_setup(tmp_path / "etc" / "pgbackrest.conf")
    assert setup.archive_command == (
        f"timeout 600 /bin/sh --config={tmp_path}/etc/pgbackrest.conf --stanza=main archive-push %p"
    )
    assert setup.restore_command == f"{tmp_path}/etc/pgbackrest-fetch.sh %f %p"
    owner = "postgres" if os.geteuid() == 0 else pwd.getpwuid(os.geteuid()).pw_name
    engine._write_files(setup, owner, None)
    info = setup.config_path.stat()
    assert stat.S_IMODE(info.st_mode) == 0o600 and info.st_uid == pwd.getpwnam(owner).pw_uid
    text = setup.config_path.read_text()
    assert f"repo1-s3-key-secret={SECRET}" in text and f"pg1-path={tmp_path}/data" in text
    assert f"lock-path={tmp_path}/etc/pgbackrest.lock" in text
    assert stat.S_IMODE(setup.restore_wrapper.stat().st_mode) == 0o700
    assert SECRET not in setup.restore_wrapper.read_text()
    monkeypatch.delenv("DATAOPS_PG_DATA")
    with pytest.raises(ConfigError, match="DATAOPS_PG_DATA"):
        eng.PgBackRestEngine.from_settings(settings(monkeypatch)).write_config(setup, owner)


@pytest.mark.parametrize(("rc", "expected"), [(0, 0), (1, 1), (103, 255), (2, 255), (124, 255)])
def test_fetch_wrapper_exit_codes(tmp_path: Path, rc: int, expected: int) -> None:
    fake = tmp_path / "pgbackrest"
    fake.write_text(f'#!/bin/sh\necho "$@" > {tmp_path}/args\nexit {rc}\n')
    fake.chmod(0o755)
    script = tmp_path / "fetch.sh"
    script.write_text(core.fetch_wrapper_script(str(fake), tmp_path / "c.conf", "main", 30))
    script.chmod(0o755)
    done = subprocess.run([str(script), "000000010000000000000001", "pg_wal/RECOVERYXLOG"])
    assert done.returncode == expected
    assert (tmp_path / "args").read_text().split() == [
        f"--config={tmp_path}/c.conf", "--stanza=main", "archive-get",
        "000000010000000000000001", "pg_wal/RECOVERYXLOG",
    ]  # fmt: skip
    assert subprocess.run([str(script)]).returncode == 255


INFO = [
    {
        "name": "main",
        "cipher": "none",
        "status": {"code": 0, "message": "ok"},
        "repo": [{"key": 1, "cipher": "none", "status": {"code": 0, "message": "ok"}}],
        "db": [{"id": 1, "version": "15", "system-id": 7}],
        "archive": [
            {"id": "15-1", "min": "000000010000000000000001", "max": "00000001000000000000000A"}
        ],
        "backup": [
            {
                "label": "20240501-120500F_20240501-121000I",
                "type": "incr",
                "prior": "20240501-120500F",
                "reference": ["20240501-120500F"],
                "timestamp": {"start": 1714565400, "stop": 1714565405},
                "archive": {
                    "start": "000000010000000000000006",
                    "stop": "000000010000000000000006",
                },
                "lsn": {"start": "0/6000028", "stop": "0/6000100"},
                "info": {"size": 100, "delta": 10, "repository": {"size": 50, "delta": 5}},
                "database": {"id": 1, "repo-key": 1},
                "error": False,
            },
            {
                "label": "20240501-120500F",
                "type": "full",
                "prior": None,
                "reference": None,
                "timestamp": {"start": 1714565100, "stop": 1714565110},
                "archive": {
                    "start": "000000010000000000000002",
                    "stop": "000000010000000000000003",
                },
                "lsn": {"start": "0/2000028", "stop": "0/3000050"},
                "info": {"size": 100, "delta": 100, "repository": {"size": 40, "delta": 40}},
                "database": {"id": 1, "repo-key": 1},
            },
        ],
    }
]


def test_parse_info_sorted_with_times_sizes_and_wal() -> None:
    info = pgb.parse_info(json.dumps(INFO), "main")
    assert info.status_code == 0 and info.current_archive_id == "15-1"
    full, incr = info.backups
    assert (full.label, incr.label) == ("20240501-120500F", "20240501-120500F_20240501-121000I")
    assert full.start == dt.datetime(2024, 5, 1, 12, 5, tzinfo=dt.UTC)
    assert (incr.kind, incr.prior, incr.repo_delta, incr.wal_stop) == (
        "incr", "20240501-120500F", 5, "000000010000000000000006",
    )  # fmt: skip
    assert info.pg_version(1) == 15
    assert pgb.parse_info("[]", "main").status_code == pgb.STATUS_MISSING_STANZA_PATH
    with pytest.raises(pgb.ParseError):
        pgb.parse_info("{oops", "main")
    with pytest.raises(pgb.ParseError):
        pgb.parse_info(json.dumps([{"name": "main", "backup": [{"label": "x"}]}]), "main")


def test_parse_verify_silent_ok_and_errors() -> None:
    assert pgb.parse_verify(b"").ok
    bad = pgb.parse_verify(
        "stanza: main\nstatus: error\n  archiveId: 15-1, total WAL checked: 8, total valid WAL: 7\n"
        "    other: 1\n  backup: 20240501-120500F, status: invalid, total files checked: 9\n"
        "    missing: 2, checksum invalid: 1, size invalid: 0, other: 0\n"
    )
    assert not bad.ok and bad.invalid == 4 and bad.wal_checked == 8
    assert bad.backups == [("20240501-120500F", "invalid")]
    with pytest.raises(pgb.ParseError):
        pgb.parse_verify("something else")


def test_wal_segments_from_listing() -> None:
    listing = pgb.parse_repo_ls(
        json.dumps(
            {
                ".": {"type": "path"},
                "0000000100000000": {"type": "path"},
                "0000000100000000/000000010000000000000002-" + "a" * 40 + ".lz4": {"type": "file"},
                "0000000100000000/000000010000000000000002.00000028.backup": {"type": "file"},
                "0000000100000000/000000010000000000000003-" + "b" * 40: {"type": "file"},
                "00000002.history": {"type": "file"},
            }
        )
    )
    assert pgb.wal_segments(listing) == ["000000010000000000000002", "000000010000000000000003"]


def test_wal_chain_names_gaps_across_timelines() -> None:
    segs = [f"0000000100000000000000{n:02X}" for n in (2, 3, 5, 6)] + ["000000020000000000000007"]
    ranges, missing = core.wal_chain("000000010000000000000002", segs)
    assert missing == ["000000010000000000000004"]
    assert [(r.start, r.end, r.status) for r in ranges] == [
        ("000000010000000000000002", "000000010000000000000003", "FOUND"),
        ("000000010000000000000004", "000000010000000000000004", "MISSING_LOST"),
        ("000000010000000000000005", "000000020000000000000007", "FOUND"),
    ]
    assert [r.count for r in ranges] == [2, 1, 3]
    _, missing = core.wal_chain("000000010000000000000001", segs)
    assert missing[0] == "000000010000000000000001"
    assert core.wal_chain(None, []) == ([], [])


def _error(*lines: str, timed_out: bool = False) -> CommandError:
    return CommandError("x", argv=["pgbackrest"], returncode=None if timed_out else 39,
                        output_tail=list(lines), timed_out=timed_out)  # fmt: skip


@pytest.mark.parametrize(
    ("lines", "kind", "text"),
    [
        (["ERROR: [039]: unable to connect to '127.0.0.1:9000': [111] Connection refused"],
         DependencyError, "unreachable"),
        (["ERROR: [039]: HTTP request failed with 403 (Forbidden):", "<Code>InvalidAccessKeyId</Code>"],
         DependencyError, "rejected the credentials"),
        (["ERROR: [056]: unable to connect to 'dbname=postgres port=5432': no such file"],
         DependencyError, "cannot connect to PostgreSQL"),
        (["ERROR: [082]: WAL segment 000000010000000000000001 was not archived before the 60000ms timeout"],
         OperationError, "did not archive"),
        (["ERROR: [095]: unable to flush: bad decrypt"], OperationError, "cipher pass"),
        (["ERROR: [028]: something else"], OperationError, "failed (exit code 39)"),
    ],
)  # fmt: skip
def test_classify(lines: list[str], kind: type[Exception], text: str) -> None:
    exc = core.classify(_error(*lines), what="backup", where="s3://b/p")
    assert type(exc) is kind and text in str(exc)


def test_classify_timeout() -> None:
    exc = core.classify(_error("INFO: ...", timed_out=True), what="info", where="s3://b/p")
    assert isinstance(exc, DependencyError) and "did not finish in time" in str(exc)


def test_push_kinds_are_checked(monkeypatch: pytest.MonkeyPatch) -> None:
    with pytest.raises(ConfigError, match="full, diff or incr"):
        eng.PgBackRestEngine.from_settings(settings(monkeypatch)).push("delta")
    walg = WalGEngine.from_settings(settings(monkeypatch, DATAOPS_PG_BACKUP_ENGINE="walg"))
    with pytest.raises(ConfigError, match="full or delta"):
        walg.push("incr")
    with pytest.raises(ConfigError, match="DELTA_MAX_STEPS"):
        walg.push("delta")


def test_facts_and_doomed() -> None:
    t = dt.datetime(2024, 5, 1, tzinfo=dt.UTC)

    def b(name: str, kind: str, minute: int) -> engine_api.BackupInfo:
        start = t + dt.timedelta(minutes=minute)
        return engine_api.BackupInfo("pgbackrest", name, kind, start, start + dt.timedelta(minutes=1),
                                     1, 1, None, None)  # fmt: skip

    backups = [b("F1", "full", 0), b("I1", "incr", 10), b("F2", "full", 20), b("D2", "diff", 30)]
    facts = engine_api.facts_from("pgbackrest", backups)
    assert facts.backup_count == 4 and facts.last_backup is backups[-1]
    assert facts.recoverability_start == t + dt.timedelta(minutes=1)
    assert engine_api.facts_from("x", []).last_backup is None
    assert [x.name for x in engine_api.doomed(backups, 1)] == ["F1", "I1"]
    assert engine_api.doomed(backups, 2) == []
