"""Borg and rclone integrations of ``backup files``: argv, environment, parsers, errors."""

from __future__ import annotations

import datetime as dt
import json
import os
from pathlib import Path

import pytest

from dataops.backup.files import borg, rclone
from dataops.backup.files.offsite import OffsiteResult, Spec
from dataops.backup.objstore import StorageConfig
from dataops.config.settings import load_settings
from dataops.errors import CommandError, ConfigError, DependencyError, OperationError


@pytest.fixture(autouse=True)
def clean_env(monkeypatch: pytest.MonkeyPatch) -> None:
    for key in list(os.environ):
        if key.startswith(("DATAOPS_", "AWS_", "SENTRY_")):
            monkeypatch.delenv(key)


STORAGE = StorageConfig(
    bucket="backups",
    prefix="prod",
    endpoint="http://minio:9000",
    access_key="AKIAEXAMPLE",
    secret_key="very-secret-key",
)


# ------------------------------------------------------------------------------ settings


def test_settings_lists_json_or_commas(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DATAOPS_FILES_PATHS", " /srv/uploads , /srv/exports,")
    monkeypatch.setenv("DATAOPS_FILES_EXCLUDES", '["sh:**/*.tmp", "pp:/srv/uploads/cache"]')
    monkeypatch.setenv("DATAOPS_BORG_REPO", "/var/lib/dataops/borg")
    s = load_settings()
    assert s.files_paths == [Path("/srv/uploads"), Path("/srv/exports")]
    assert s.files_excludes == ["sh:**/*.tmp", "pp:/srv/uploads/cache"]
    assert s.borg_compression == "zstd,3"
    assert s.borg_segment_size_mib == 64


def test_settings_reject_remote_repo_and_bad_compression(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DATAOPS_BORG_REPO", "ssh://backup@host/./repo")
    monkeypatch.setenv("DATAOPS_BORG_COMPRESSION", "zstd,99")
    monkeypatch.setenv("DATAOPS_FILES_PATHS", "[not json")
    with pytest.raises(ConfigError) as info:
        load_settings()
    text = "\n".join(info.value.details)
    assert "DATAOPS_BORG_REPO" in text
    assert "DATAOPS_BORG_COMPRESSION" in text
    assert "DATAOPS_FILES_PATHS" in text


def test_passphrase_file_is_secret(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    secret = tmp_path / "pass"
    secret.write_text("from-a-file\n")
    monkeypatch.setenv("DATAOPS_BORG_PASSPHRASE_FILE", str(secret))
    s = load_settings()
    assert s.borg_passphrase is not None
    assert s.borg_passphrase.get_secret_value() == "from-a-file"
    assert s.public_dict()["DATAOPS_BORG_PASSPHRASE"] == "***"


# ---------------------------------------------------------------------------------- borg


def test_env_carries_passphrase_and_pins_host_id(tmp_path: Path) -> None:
    env = borg.borg_env(passphrase="pw", host_id="dataops-files", base_dir=tmp_path)
    assert env["BORG_PASSPHRASE"] == "pw"
    assert env["BORG_HOST_ID"] == "dataops-files"
    assert env["BORG_BASE_DIR"] == str(tmp_path)
    assert env["TZ"] == "UTC"
    assert env["BORG_RELOCATED_REPO_ACCESS_IS_OK"] == "no"


def test_argv_never_holds_the_passphrase() -> None:
    repo = Path("/data/repo")
    argvs = [
        borg.init_argv("borg", repo),
        borg.create_argv(
            "borg", repo, "files-x", [Path("/srv")], compression="lz4", excludes=["*.tmp"]
        ),
        borg.prune_argv("borg", repo, daily=7, weekly=4, monthly=6),
        borg.extract_argv("borg", repo, "files-x", ["/srv/a"]),
        borg.check_argv("borg", repo, verify_data=True),
        borg.key_export_argv("borg", repo),
        borg.with_lock_argv("borg", repo, ["python", "-m", "x"]),
    ]
    for argv in argvs:
        assert "--log-json" in argv
        assert not any(a == "pw" or "PASSPHRASE" in a for a in argv)
    assert borg.init_argv("borg", repo)[2:5] == ["init", "--encryption", "repokey-blake2"]
    create = argvs[1]
    assert create[create.index("--exclude") + 1] == "*.tmp"
    assert "/data/repo::files-x" in create
    assert argvs[3][-2:] == ["--", "srv/a"]  # stored paths: no leading slash, never options
    assert "--verify-data" in argvs[4]
    assert "--glob-archives" in argvs[2]


def test_prune_refuses_to_keep_nothing() -> None:
    with pytest.raises(ConfigError):
        borg.prune_argv("borg", Path("/r"), daily=0, weekly=0, monthly=0)


@pytest.mark.parametrize("bad", ["", "/", "../etc", "a/../../b"])
def test_archive_path_rejects_escapes(bad: str) -> None:
    with pytest.raises(ConfigError):
        borg.archive_path(bad)


def test_archive_name_is_utc_and_sortable() -> None:
    when = dt.datetime(2026, 1, 2, 3, 4, 5, 678000, tzinfo=dt.timezone(dt.timedelta(hours=2)))
    assert borg.archive_name(when) == "files-2026-01-02T01:04:05.678Z"


@pytest.mark.parametrize(
    ("text", "ok"),
    [("borg 1.4.3", True), ("borg 1.2.5", True), ("borg 1.2.4", False), ("borg 2.0.0b14", False)],
)
def test_version_floor(text: str, ok: bool) -> None:
    version = borg.parse_version(text)
    if ok:
        borg.check_version(version, "borg")
    else:
        with pytest.raises(DependencyError):
            borg.check_version(version, "borg")


CREATE_JSON = {
    "archive": {
        "name": "files-2026-11-30T07:16:23.791Z",
        "id": "6fc7",
        "start": "2026-11-30T07:16:25.000000",
        "end": "2026-11-30T07:16:26.500000",
        "duration": 1.5,
        "stats": {
            "original_size": 1000,
            "compressed_size": 500,
            "deduplicated_size": 120,
            "nfiles": 7,
        },
    },
    "repository": {"id": "abc", "location": "/r"},
}


def test_parse_create_and_info() -> None:
    stats = borg.parse_create(json.dumps(CREATE_JSON))
    assert stats.name == "files-2026-11-30T07:16:23.791Z"
    assert stats.start == dt.datetime(2026, 11, 30, 7, 16, 25, tzinfo=dt.UTC)
    assert stats.duration == 1.5
    assert (stats.original_size, stats.deduplicated_size, stats.nfiles) == (1000, 120, 7)
    info = borg.parse_info(json.dumps({"archives": [CREATE_JSON["archive"]]}))
    assert info == stats
    with pytest.raises(OperationError):
        borg.parse_create("not json")


def test_parse_list_sorted_oldest_first() -> None:
    raw = {
        "archives": [
            {"name": "files-b", "id": "2", "start": "2026-11-30T08:00:00.000000"},
            {"name": "files-a", "id": "1", "start": "2026-11-29T08:00:00.000000"},
        ],
        "repository": {"id": "rid", "last_modified": "2026-11-30T08:00:01.000000"},
    }
    listing = borg.parse_list(json.dumps(raw))
    assert [a.name for a in listing.archives] == ["files-a", "files-b"]
    assert listing.repository_id == "rid"


def _failed(returncode: int, *records: dict[str, str]) -> CommandError:
    lines = [json.dumps({"type": "log_message", **r}) for r in records]
    return CommandError("x", argv=["borg"], returncode=returncode, output_tail=lines)


def test_classify_wrong_passphrase_and_lock() -> None:
    wrong = borg.classify(
        _failed(2, {"levelname": "ERROR", "msgid": "PassphraseWrong", "message": "incorrect"}),
        what="list",
        repo="/r",
    )
    assert isinstance(wrong, OperationError)
    assert wrong.exit_code == 1
    assert "wrong passphrase" in wrong.message
    locked = borg.classify(
        _failed(2, {"levelname": "ERROR", "msgid": "LockTimeout", "message": "lock"}),
        what="create",
        repo="/r",
    )
    assert "locked" in locked.message
    missing = borg.classify(
        _failed(2, {"levelname": "ERROR", "msgid": "Archive.DoesNotExist", "message": "x"}),
        what="extract",
        repo="/r",
    )
    assert isinstance(missing, ConfigError)


def test_warnings_are_collected() -> None:
    lines = [
        json.dumps({"type": "log_message", "levelname": "WARNING", "message": "/a: file changed"}),
        "plain line",
    ]
    assert borg.warnings_of(lines) == ["/a: file changed"]


def test_repository_config_id() -> None:
    text = "[repository]\nversion = 1\nsegments_per_dir = 1000\nid = 00ff\n"
    assert borg.parse_repository_config(text) == "00ff"
    assert borg.parse_repository_config("garbage") is None


# -------------------------------------------------------------------------------- rclone


def test_rclone_env_holds_the_credentials_argv_does_not(tmp_path: Path) -> None:
    env = rclone.rclone_env(STORAGE)
    assert env["RCLONE_CONFIG"] == "/dev/null"
    assert env["RCLONE_CONFIG_DATAOPS_TYPE"] == "s3"
    assert env["RCLONE_CONFIG_DATAOPS_SECRET_ACCESS_KEY"] == "very-secret-key"
    assert env["RCLONE_CONFIG_DATAOPS_ENDPOINT"] == "http://minio:9000"
    remote = rclone.remote_path(STORAGE, "borg")
    assert remote == "dataops:backups/prod/borg"
    flags = rclone.Flags(bwlimit="1M", ca_cert="/etc/ca.pem")
    assert flags.argv()[-2:] == ["--ca-cert", "/etc/ca.pem"]
    assert flags.quick().ca_cert == "/etc/ca.pem" and flags.quick().bwlimit is None
    repo = tmp_path / "repo"
    for argv in (
        rclone.copy_segments_argv("rclone", repo, remote, flags),
        rclone.sync_argv("rclone", repo, remote, flags),
        rclone.check_argv("rclone", repo, remote, tmp_path / "c.txt", flags),
        rclone.pull_argv("rclone", remote, repo, flags, last=False),
    ):
        assert "very-secret-key" not in " ".join(argv)
        assert "AKIAEXAMPLE" not in " ".join(argv)
    sync = rclone.sync_argv("rclone", repo, remote, flags)
    assert "--delete-after" in sync and "--checksum" in sync
    assert "/lock.exclusive/**" in sync and "/lock.roster" in sync
    check = rclone.check_argv("rclone", repo, remote, tmp_path / "c.txt", flags)
    assert "--one-way" in check and "--checksum" in check
    assert rclone.copy_segments_argv("rclone", repo, remote, flags)[-2:] == [
        str(repo / "data"),
        remote + "/data",
    ]
    assert rclone.pull_argv("rclone", remote, repo, flags, last=True)[3:5] == [
        "--include",
        "/config",
    ]


def test_parse_combined_and_settled() -> None:
    text = "= config\n= data/0/1\n* data/0/2\n+ data/0/9\n+ index.9\n- data/0/0\n! data/0/3\n"
    report = rclone.parse_combined(text)
    assert report.equal == 2
    assert report.differ == ["data/0/2"]
    assert report.missing == ["data/0/9", "index.9"]
    assert report.extra == ["data/0/0"]
    assert not report.ok
    assert "data/0/2: checksum differs" in report.problems()
    later = rclone.settled(rclone.parse_combined("= config\n+ data/0/9\n+ index.9\n* nonce\n"), 7)
    assert later.ok  # newer than the copy's transaction: not missing from it
    lost = rclone.settled(rclone.parse_combined("+ data/0/5\n+ config\n"), 7)
    assert lost.missing == ["data/0/5", "config"]
    assert rclone.copy_transaction(["README", "config", "data/", "index.12", "hints.12"]) == 12


def test_rclone_classify_unreachable_and_auth() -> None:
    down = CommandError(
        "x",
        argv=["rclone"],
        returncode=1,
        output_tail=[json.dumps({"level": "error", "msg": "dial tcp: connection refused"})],
    )
    assert rclone.classify(down, what="sync", where="s3://b").exit_code == 3
    auth = CommandError("x", argv=["rclone"], returncode=1, output_tail=["InvalidAccessKeyId"])
    assert "credentials" in rclone.classify(auth, what="sync", where="s3://b").message
    tls = CommandError(
        "x",
        argv=["rclone"],
        returncode=1,
        output_tail=["x509: certificate signed by unknown authority"],
    )
    untrusted = rclone.classify(tls, what="lsf", where="s3://b")
    assert untrusted.exit_code == 3 and "DATAOPS_S3_CA_BUNDLE" in untrusted.message
    other = CommandError("x", argv=["rclone"], returncode=7, output_tail=["boom"])
    assert rclone.classify(other, what="sync", where="s3://b").exit_code == 1


# --------------------------------------------------------------------------- the off-site copy


def test_spec_round_trip_has_no_secret() -> None:
    spec = Spec("copy", "/r", "dataops:b/p", "s3://b/p", "rclone", {"retries": 1}, 60.0)
    assert Spec.load(spec.dump()) == spec
    assert "secret" not in spec.dump()


def test_offsite_failure_exit_codes() -> None:
    now = dt.datetime.now(dt.UTC)
    down = OffsiteResult(False, now, now, "s3://b", "probe", error="unreachable", exit_code=3)
    failure = down.failure()
    assert failure is not None and failure.exit_code == 3
    good = OffsiteResult(True, now, now, "s3://b", "done")
    assert good.failure() is None


def test_compact_schedule_and_offsite_state(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    from dataops.backup.files import offsite, repository

    repo = tmp_path / "repo"
    repo.mkdir()
    (repo / "config").write_text("[repository]\nid = 00ff\n")
    monkeypatch.setenv("DATAOPS_BORG_BASE_DIR", str(tmp_path / "base"))
    monkeypatch.setenv("DATAOPS_BORG_COMPACT_INTERVAL_DAYS", "7")
    s = load_settings()
    now = dt.datetime(2026, 11, 30, 12, 0, tzinfo=dt.UTC)
    assert repository.compact_due(s, repo, now)  # never compacted
    repository.mark_compacted(s, repo, now)
    assert not repository.compact_due(s, repo, now + dt.timedelta(days=6))
    assert repository.compact_due(s, repo, now + dt.timedelta(days=7))

    assert offsite.read_state(s) == offsite.OffsiteState()
    good = OffsiteResult(True, now, now + dt.timedelta(seconds=3), "s3://b", "done")
    offsite._record(s, "copy", good)
    bad = OffsiteResult(False, now, now + dt.timedelta(hours=1), "s3://b", "probe", error="down")
    offsite._record(s, "copy", bad)
    state = offsite.read_state(s)
    assert state.last_success == now + dt.timedelta(seconds=3)  # kept from the good copy
    assert state.last_attempt == now + dt.timedelta(hours=1)
    assert state.last_ok is False and state.last_error == "down"


def test_local_writer_id(tmp_path: Path) -> None:
    from dataops.backup.files import offsite

    writer, takeover = offsite.read_local_writer(tmp_path)
    assert len(writer) == 32 and not takeover
    assert offsite.read_local_writer(tmp_path) == (writer, False)  # stable
    offsite.write_local_writer(tmp_path, None, takeover=True)
    fresh, takeover = offsite.read_local_writer(tmp_path)
    assert fresh != writer and takeover


def test_key_export_to_a_missing_folder_exits_2(tmp_path: Path, run_cli) -> None:  # type: ignore[no-untyped-def]
    """A typo in -o is bad input (exit 2, named), checked before Borg runs: no traceback."""
    target = tmp_path / "no-such-folder" / "key.txt"
    env = {"DATAOPS_BORG_REPO": str(tmp_path / "repo"), "DATAOPS_BORG_PASSPHRASE": "p" * 12}
    out = run_cli("backup", "files", "key", "export", "-o", str(target), env=env)
    assert out.returncode == 2, out.stderr
    assert f"the folder {target.parent} does not exist" in out.stderr
    assert "Traceback" not in out.stderr and "internal error" not in out.stderr
    assert not target.parent.exists()
