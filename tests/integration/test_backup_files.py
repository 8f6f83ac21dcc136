"""``dataops backup files`` end to end: real Borg 1.4, rclone and MinIO, the CLI as a process."""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import secrets
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from dataops.backup.files.borg import read_repository_id
from tests.harness.common import tools_bin
from tests.harness.minio import MinioServer, start_minio

pytestmark = pytest.mark.integration

RunCli = Callable[..., subprocess.CompletedProcess[str]]
PASSPHRASE = "correct horse " + secrets.token_hex(8)
FIXED_NS = 1_600_000_000_123_456_789


# ------------------------------------------------------------------------------ the tree


def make_tree(root: Path) -> None:
    """Binary files, symlinks, permissions and owners, hard links, odd names, an empty dir."""
    (root / "sub" / "deeper").mkdir(parents=True)
    (root / "bin.dat").write_bytes(os.urandom(300_000) + bytes(range(256)) * 64)
    (root / "text.txt").write_text("hello\n")
    script = root / "run.sh"
    script.write_text("#!/bin/sh\necho hi\n")
    script.chmod(0o750)
    private = root / "sub" / "private.key"
    private.write_bytes(b"\x00\x01secret-ish\xff")
    private.chmod(0o600)
    os.chown(private, 1234, 2345)
    (root / "link-to-text").symlink_to("text.txt")
    (root / "sub" / "dangling").symlink_to("../does-not-exist")
    (root / "hard-a").write_bytes(b"shared inode\n" * 100)
    os.link(root / "hard-a", root / "sub" / "deeper" / "hard-b")
    (root / "ünïcødé 文件 ✓.txt").write_text("unicode name\n")
    (root / "new\nline name.txt").write_text("newline in the name\n")
    (root / "empty-dir").mkdir()
    (root / "empty-dir").chmod(0o701)
    setuid_free = root / "sub" / "group-writable"
    setuid_free.write_text("g+w\n")
    setuid_free.chmod(0o664)
    for path in sorted(root.rglob("*"), reverse=True):
        os.utime(path, ns=(FIXED_NS, FIXED_NS), follow_symlinks=False)
    os.utime(root, ns=(FIXED_NS, FIXED_NS))


def snapshot(root: Path) -> tuple[dict[str, tuple[Any, ...]], set[frozenset[str]]]:
    """Every entry below ``root``: kind, mode, owner, mtime, size and content or link target;
    plus the groups of hard-linked paths."""
    entries: dict[str, tuple[Any, ...]] = {}
    inodes: dict[int, set[str]] = {}
    for dirpath, dirnames, filenames in os.walk(root):
        for name in (
            [".", *dirnames, *filenames] if dirpath == str(root) else [*dirnames, *filenames]
        ):
            path = Path(dirpath) / name if name != "." else root
            rel = str(path.relative_to(root))
            st = path.lstat()
            kind = "dir" if path.is_dir() and not path.is_symlink() else "file"
            if path.is_symlink():
                kind, content = "link", os.readlink(path)
            elif kind == "file":
                content = hashlib.sha256(path.read_bytes()).hexdigest()
                if st.st_nlink > 1:
                    inodes.setdefault(st.st_ino, set()).add(rel)
            else:
                content = None
            entries[rel] = (kind, st.st_mode, st.st_uid, st.st_gid, st.st_mtime_ns, content)
    links = {frozenset(group) for group in inodes.values() if len(group) > 1}
    return entries, links


def restored_root(target: Path, source: Path) -> Path:
    return target / str(source).lstrip("/")


# ------------------------------------------------------------------------------ fixtures


def borg_bin() -> str:
    candidate = tools_bin() / "borg"
    return str(candidate) if candidate.exists() else "borg"


@pytest.fixture
def source(tmp_path: Path) -> Path:
    root = tmp_path / "app-files"
    root.mkdir()
    make_tree(root)
    return root


def files_env(
    minio: MinioServer, bucket: str, tmp_path: Path, source: Path, volume_name: str = "volume"
) -> dict[str, str]:
    volume = tmp_path / volume_name
    return {
        **minio.env(bucket, "app"),
        "DATAOPS_BORG_REPO": str(volume / "repo"),
        "DATAOPS_BORG_BASE_DIR": str(volume / "borg-home"),
        "DATAOPS_FILES_PATHS": str(source),
        "DATAOPS_BORG_PASSPHRASE": PASSPHRASE,
        "DATAOPS_BORG_SEGMENT_SIZE_MIB": "1",
        "DATAOPS_BORG_BIN": borg_bin(),
        "DATAOPS_RCLONE_RETRIES": "1",
        "DATAOPS_LOG_FORMAT": "json",
    }


@pytest.fixture
def env(minio: MinioServer, bucket: str, tmp_path: Path, source: Path) -> dict[str, str]:
    return files_env(minio, bucket, tmp_path, source)


def secrets_of(env: dict[str, str]) -> list[str]:
    return [env["DATAOPS_BORG_PASSPHRASE"], env["AWS_SECRET_ACCESS_KEY"]]


def ok(proc: subprocess.CompletedProcess[str], env: dict[str, str]) -> str:
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert_no_secrets(proc, env)
    return proc.stdout


def assert_no_secrets(proc: subprocess.CompletedProcess[str], env: dict[str, str]) -> None:
    for secret in secrets_of(env):
        assert secret not in proc.stdout
        assert secret not in proc.stderr
    assert "Traceback" not in proc.stderr


def push_json(run_cli: RunCli, env: dict[str, str], *args: str) -> dict[str, Any]:
    proc = run_cli("backup", "files", "push", "--json", *args, env=env)
    data: dict[str, Any] = json.loads(ok(proc, env))
    return data


def archive_names(run_cli: RunCli, env: dict[str, str]) -> list[str]:
    data = json.loads(ok(run_cli("backup", "files", "list", "--json", env=env), env))
    return [a["name"] for a in data["archives"]]


def copy_objects(minio: MinioServer, bucket: str) -> dict[str, int]:
    client = minio.client()
    out: dict[str, int] = {}
    for page in client.get_paginator("list_objects_v2").paginate(Bucket=bucket, Prefix="app/borg/"):
        for item in page.get("Contents", []):
            out[item["Key"][len("app/borg/") :]] = item["Size"]
    return out


# --------------------------------------------------------------------------------- tests


def test_two_archives_restore_the_older_byte_for_byte(
    run_cli: RunCli,
    env: dict[str, str],
    source: Path,
    tmp_path: Path,
    minio: MinioServer,
    bucket: str,
) -> None:
    first_state = snapshot(source)
    first = push_json(run_cli, env)
    assert first["repository_origin"] == "created"
    assert first["offsite"]["ok"] is True
    assert first["offsite"]["check"]["ok"] is True
    archive = first["archive"]
    assert archive["name"].startswith("files-")
    assert archive["nfiles"] >= 7
    assert archive["original_size"] > 300_000
    assert archive["deduplicated_size"] > 0
    assert archive["start"].endswith("+00:00")
    assert "config" in copy_objects(minio, bucket)

    # change the tree: edit, delete, add
    (source / "text.txt").write_text("changed\n")
    (source / "bin.dat").unlink()
    (source / "added.txt").write_text("new file\n")
    second_state = snapshot(source)
    second = push_json(run_cli, env)
    assert second["repository_origin"] == "existing"
    assert second["offsite"]["ok"] is True

    names = archive_names(run_cli, env)
    assert names == [first["archive"]["name"], second["archive"]["name"]]

    # the older archive, whole, from the local repository
    target = tmp_path / "restore-old"
    out = ok(
        run_cli(
            "backup", "files", "restore", "--archive", names[0], "--target", str(target), env=env
        ),
        env,
    )
    assert names[0] in out
    assert snapshot(restored_root(target, source)) == first_state

    # the newest, one subtree, from the off-site copy (scratch, own BORG_BASE_DIR)
    target2 = tmp_path / "restore-sub"
    proc = run_cli(
        "backup", "files", "restore", "--archive", "latest", "--target", str(target2),
        "--path", str(source / "sub"), "--from-offsite", "--json", env=env,
    )  # fmt: skip
    data = json.loads(ok(proc, env))
    assert data["source"] == "offsite"
    assert data["archive"]["name"] == names[1]
    entries, _ = snapshot(restored_root(target2, source) / "sub")
    expected, _ = snapshot(source / "sub")
    assert entries == expected
    assert not (restored_root(target2, source) / "text.txt").exists()

    # a non-empty target is refused, nothing written
    proc = run_cli(
        "backup", "files", "restore", "--archive", "latest", "--target", str(target), env=env
    )
    assert proc.returncode == 2, proc.stderr
    assert "not empty" in proc.stderr

    # check: local borg check and rclone check of the copy
    data = json.loads(ok(run_cli("backup", "files", "check", "--json", env=env), env))
    assert data["ok"] is True
    assert data["offsite"]["check"]["equal"] > 3

    # key export (0600 file) and status
    key_file = tmp_path / "key.txt"
    ok(run_cli("backup", "files", "key", "export", "-o", str(key_file), env=env), env)
    assert key_file.read_text().startswith("BORG_KEY ")
    assert key_file.stat().st_mode & 0o777 == 0o600
    status = json.loads(ok(run_cli("backup", "files", "status", "--json", env=env), env))
    assert status["archives"] == 2
    assert status["last_archive"]["name"] == names[1]
    assert status["last_archive"]["nfiles"] == second["archive"]["nfiles"]
    assert status["offsite"]["last_ok"] is True
    assert status["offsite"]["last_success"] is not None
    assert second_state  # the newest state was archived (restored subset above)


def _processes(*needles: str) -> list[int]:
    pids = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            cmdline = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
        except OSError:
            continue
        if all(n in cmdline for n in needles):
            pids.append(int(entry.name))
    return pids


def test_kill_9_mid_upload_then_next_push_completes(
    env: dict[str, str],
    source: Path,
    tmp_path: Path,
    minio: MinioServer,
    bucket: str,
    run_cli: RunCli,
) -> None:
    (source / "big.bin").write_bytes(os.urandom(6 * 1024 * 1024))
    slow = {**env, "DATAOPS_RCLONE_BWLIMIT": "1M"}
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("DATAOPS_", "AWS_"))}
    proc = subprocess.Popen(
        [sys.executable, "-m", "dataops", "backup", "files", "push"],
        env={**clean, **slow},
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    repo = env["DATAOPS_BORG_REPO"]
    killed: list[int] = []
    inspected: list[int] = []
    deadline = time.monotonic() + 240
    try:
        while time.monotonic() < deadline and proc.poll() is None:
            if any(k.startswith("data/") for k in copy_objects(minio, bucket)):
                rclone = _processes("rclone", f"dataops:{bucket}/app/borg")
                holder = _processes("with-lock", repo)
                helper = _processes("dataops.backup.files.offsite")
                if rclone:
                    for pid in rclone + holder + helper:  # no secret in argv; no passphrase
                        proc_dir = Path(f"/proc/{pid}")
                        with contextlib.suppress(OSError):
                            argv = (proc_dir / "cmdline").read_bytes()
                            environ = (proc_dir / "environ").read_bytes()
                            for secret in secrets_of(env):
                                assert secret.encode() not in argv
                            assert PASSPHRASE.encode() not in environ
                            inspected.append(pid)
                    # the holder's argv carries the helper's spec (rclone's path, the
                    # remote): it can be in both lists, and may be gone by the second kill
                    for pid in dict.fromkeys(rclone + holder):
                        with contextlib.suppress(ProcessLookupError):
                            os.kill(pid, signal.SIGKILL)
                        killed.append(pid)
                    break
            time.sleep(0.1)
        stdout, stderr = proc.communicate(timeout=120)
    finally:
        if proc.poll() is None:
            proc.kill()
    assert killed, "the copy was never seen uploading"
    assert len(inspected) >= 3  # rclone, the borg holding the lock, the child between them
    assert proc.returncode == 1, stderr[-2000:]
    assert "off-site copy failed" in stderr
    assert "archive files-" in stdout  # the local archive was made
    assert (Path(repo) / "lock.exclusive").exists()  # a stale lock of our pinned host id
    partial = copy_objects(minio, bucket)
    assert "config" not in partial  # segments go first: the copy was cut before the rest

    again = push_json(run_cli, env)
    assert again["offsite"]["ok"] is True
    data = json.loads(ok(run_cli("backup", "files", "check", "--json", env=env), env))
    assert data["ok"] is True
    assert len(archive_names(run_cli, env)) == 2


def test_lost_local_repository_is_pulled_back_and_continued(
    run_cli: RunCli, minio_tls: MinioServer, tls_bucket: str, source: Path, tmp_path: Path
) -> None:
    env = files_env(minio_tls, tls_bucket, tmp_path, source)  # over TLS, a private CA
    assert env["DATAOPS_S3_ENDPOINT"].startswith("https://") and env["DATAOPS_S3_CA_BUNDLE"]
    first = push_json(run_cli, env)
    repo = Path(env["DATAOPS_BORG_REPO"])
    repo_id = read_repository_id(repo)
    shutil.rmtree(repo)
    repo.mkdir()  # an empty volume

    second = push_json(run_cli, env)
    assert second["repository_origin"] == "pulled"
    assert second["offsite"]["ok"] is True
    assert read_repository_id(repo) == repo_id  # the same repository, not a new one
    assert archive_names(run_cli, env) == [first["archive"]["name"], second["archive"]["name"]]
    target = tmp_path / "after-loss"
    ok(
        run_cli(
            "backup",
            "files",
            "restore",
            "--archive",
            first["archive"]["name"],
            "--target",
            str(target),
            env=env,
        ),
        env,
    )
    assert snapshot(restored_root(target, source)) == snapshot(source)


def test_one_repository_one_writer(
    run_cli: RunCli,
    env: dict[str, str],
    minio: MinioServer,
    bucket: str,
    source: Path,
    tmp_path: Path,
) -> None:
    first = push_json(run_cli, env)
    before = copy_objects(minio, bucket)

    # an unrelated repository misconfigured onto the first one's copy: never overwritten
    unrelated = {
        **files_env(minio, bucket, tmp_path, source, "unrelated-volume"),
        "DATAOPS_BORG_OFFSITE_PATH": "elsewhere",
    }
    push_json(run_cli, unrelated)
    unrelated["DATAOPS_BORG_OFFSITE_PATH"] = "borg"
    proc = run_cli("backup", "files", "push", env=unrelated)
    assert proc.returncode == 1, proc.stderr[-2000:]
    assert "holds a copy of another Borg repository" in proc.stderr
    assert copy_objects(minio, bucket) == before  # untouched

    # a new pod with an empty volume takes the copy over; the old one is refused after
    other = files_env(minio, bucket, tmp_path, source, "other-volume")
    taken = push_json(run_cli, other)
    assert taken["repository_origin"] == "pulled"
    assert taken["offsite"]["ok"] is True
    proc = run_cli("backup", "files", "push", env=env)  # the old pod, still running
    assert proc.returncode == 1, proc.stderr[-2000:]
    assert "another machine has taken over the off-site copy" in proc.stderr
    assert "archive files-" in proc.stdout  # its local archive is still made
    names = archive_names(run_cli, other)
    assert names == [first["archive"]["name"], taken["archive"]["name"]]
    data = json.loads(ok(run_cli("backup", "files", "check", "--json", env=other), other))
    assert data["ok"] is True


def test_corrupted_object_in_the_copy_fails_check_naming_it(
    run_cli: RunCli, env: dict[str, str], minio: MinioServer, bucket: str
) -> None:
    push_json(run_cli, env)
    objects = copy_objects(minio, bucket)
    segment = max((k for k in objects if k.startswith("data/")), key=lambda k: objects[k])
    client = minio.client()
    key = "app/borg/" + segment
    body = bytearray(client.get_object(Bucket=bucket, Key=key)["Body"].read())
    body[len(body) // 2] ^= 0xFF
    client.put_object(Bucket=bucket, Key=key, Body=bytes(body))

    proc = run_cli("backup", "files", "check", env=env)
    assert proc.returncode == 1, proc.stderr[-2000:]
    assert f"{segment}: checksum differs" in proc.stderr
    assert "local repository: ok" in proc.stdout
    assert_no_secrets(proc, env)

    # the next copy replaces the damaged object (sync --checksum) and proves it
    healed = push_json(run_cli, env)
    assert healed["offsite"]["ok"] is True
    assert json.loads(ok(run_cli("backup", "files", "check", "--json", env=env), env))["ok"]

    # damage in the local repository is borg check's to find
    local = Path(env["DATAOPS_BORG_REPO"]) / segment
    data = bytearray(local.read_bytes())
    data[len(data) // 2] ^= 0xFF
    local.write_bytes(bytes(data))
    proc = run_cli("backup", "files", "check", "--json", env=env)
    assert proc.returncode == 1, proc.stderr[-2000:]
    result = json.loads(proc.stdout)
    assert result["local"]["ok"] is False
    assert "borg check" in proc.stderr


def test_wrong_passphrase_and_bad_restore_arguments(
    run_cli: RunCli, env: dict[str, str], tmp_path: Path, source: Path
) -> None:
    pushed = push_json(run_cli, env, "--path", str(source / "sub"))  # only this subtree
    assert pushed["archive"]["nfiles"] == 3

    wrong = {**env, "DATAOPS_BORG_PASSPHRASE": "not-the-passphrase-" + secrets.token_hex(4)}
    target = tmp_path / "nothing"
    for args in (("list",), ("push",), ("restore", "--archive", "latest", "--target", str(target))):
        proc = run_cli("backup", "files", *args, env=wrong)
        assert proc.returncode == 1, proc.stderr[-2000:]
        assert "wrong passphrase" in proc.stderr
        assert wrong["DATAOPS_BORG_PASSPHRASE"] not in proc.stderr + proc.stdout
        assert "Traceback" not in proc.stderr
    assert not target.exists()

    proc = run_cli(
        "backup", "files", "restore", "--archive", "latest", "--target", str(target),
        "--path", "/no/such/path", env=env,
    )  # fmt: skip
    assert proc.returncode == 2, proc.stderr[-2000:]
    assert "not in archive" in proc.stderr
    assert not target.exists()
    assert list(tmp_path.glob(".nothing.restore-*")) == []
    proc = run_cli(
        "backup", "files", "restore", "--archive", "files-1999", "--target", str(target), env=env
    )
    assert proc.returncode == 2, proc.stderr[-2000:]
    assert "no such archive" in proc.stderr


@pytest.fixture
def own_minio() -> Iterator[MinioServer]:
    server = start_minio()
    yield server
    server.destroy()


def test_storage_down_exit_3_local_archive_still_made(
    run_cli: RunCli, own_minio: MinioServer, source: Path, tmp_path: Path
) -> None:
    bucket = own_minio.create_bucket("files-down")
    env = files_env(own_minio, bucket, tmp_path, source)
    push_json(run_cli, env)
    own_minio.stop()

    proc = run_cli("backup", "files", "push", "--json", env=env, timeout=300)
    assert proc.returncode == 3, proc.stderr[-2000:]
    data = json.loads(proc.stdout)
    assert data["offsite"]["ok"] is False
    assert data["archive"]["name"].startswith("files-")
    assert "unreachable" in proc.stderr
    assert_no_secrets(proc, env)
    assert env["AWS_ACCESS_KEY_ID"] not in proc.stderr + proc.stdout
    assert len(archive_names(run_cli, env)) == 2  # the local backup was made

    proc = run_cli("backup", "files", "check", env=env)
    assert proc.returncode == 3, proc.stderr[-2000:]
    assert_no_secrets(proc, env)

    # the volume is lost while the last copy had failed: the copy is older than what this
    # machine's security directory saw; Borg refuses it until the operator accepts the loss
    shutil.rmtree(env["DATAOPS_BORG_REPO"])
    proc = run_cli("backup", "files", "push", env=env)  # storage cannot be asked: no new repo
    assert proc.returncode == 3, proc.stderr[-2000:]
    assert not (Path(env["DATAOPS_BORG_REPO"]) / "config").exists()
    assert_no_secrets(proc, env)
    own_minio.start()
    proc = run_cli("backup", "files", "push", env=env)
    assert proc.returncode == 1, proc.stderr[-2000:]
    assert "older than what this machine last saw" in proc.stderr
    assert "--accept-older-copy" in proc.stderr
    data = push_json(run_cli, env, "--accept-older-copy")
    assert data["offsite"]["ok"] is True
    assert len(archive_names(run_cli, env)) == 2  # the first one and this one


def test_verify_offsite_in_process_for_drills(
    run_cli: RunCli,
    env: dict[str, str],
    source: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from dataops.backup.files.verify import verify_offsite
    from dataops.config.settings import load_settings

    (source / "scratch.tmp").write_text("excluded\n")
    os.utime(source, ns=(FIXED_NS, FIXED_NS))
    env = {**env, "DATAOPS_FILES_EXCLUDES": '["sh:**/*.tmp"]'}
    pushed = push_json(run_cli, env)
    for key in list(os.environ):
        if key.startswith(("DATAOPS_", "AWS_")):
            monkeypatch.delenv(key)
    for key, value in env.items():
        monkeypatch.setenv(key, value)
    scratch = tmp_path / "scratch"
    result = verify_offsite(
        load_settings(), target=tmp_path / "drill", verify_data=True, scratch_dir=scratch
    )
    assert result.archive.name == pushed["archive"]["name"]
    assert result.archive.nfiles == pushed["archive"]["nfiles"]
    restored = restored_root(tmp_path / "drill", source)
    assert not (restored / "scratch.tmp").exists()
    (source / "scratch.tmp").unlink()
    os.utime(source, ns=(FIXED_NS, FIXED_NS))
    assert snapshot(restored) == snapshot(source)
    assert list(scratch.iterdir()) == []  # the scratch copy is gone
    assert Path(env["DATAOPS_BORG_BASE_DIR"]).exists()  # the live base dir was not used


def test_old_borg_is_refused(run_cli: RunCli, tmp_path: Path) -> None:
    old = tmp_path / "borg"
    old.write_text("#!/bin/sh\necho 'borg 1.2.4'\n")
    old.chmod(0o755)
    env = {
        "DATAOPS_BORG_BIN": str(old),
        "DATAOPS_BORG_REPO": str(tmp_path / "repo"),
        "DATAOPS_BORG_PASSPHRASE": PASSPHRASE,
    }
    proc = run_cli("backup", "files", "list", env=env)
    assert proc.returncode == 3, proc.stderr
    assert "borg 1.2.4" in proc.stderr and "too old" in proc.stderr
    assert PASSPHRASE not in proc.stderr


@pytest.mark.parametrize(
    "args",
    [
        ("files",),
        ("files", "push"),
        ("files", "list"),
        ("files", "restore"),
        ("files", "check"),
        ("files", "status"),
        ("files", "key"),
        ("files", "key", "export"),
    ],
)
def test_help(run_cli: RunCli, args: tuple[str, ...]) -> None:
    done = run_cli("backup", *args, "--help")
    assert done.returncode == 0, done.stderr
    assert "Usage:" in done.stdout


def test_configuration_errors_exit_2(run_cli: RunCli, tmp_path: Path) -> None:
    base = {"DATAOPS_BORG_BIN": borg_bin(), "DATAOPS_BORG_REPO": str(tmp_path / "repo")}
    proc = run_cli("backup", "files", "push", env=base)
    assert proc.returncode == 2, proc.stderr
    assert "DATAOPS_BORG_PASSPHRASE" in proc.stderr  # every problem at once
    assert "DATAOPS_FILES_PATHS" in proc.stderr
    proc = run_cli(
        "backup", "files", "push", "--path", str(tmp_path / "missing"),
        env={**base, "DATAOPS_BORG_PASSPHRASE": PASSPHRASE},
    )  # fmt: skip
    assert proc.returncode == 2, proc.stderr
    assert "missing: does not exist" in proc.stderr
    assert not (tmp_path / "repo").exists()
    proc = run_cli("backup", "files", "list", env={**base, "DATAOPS_BORG_KEEP_DAILY": "-1"})
    assert proc.returncode == 2 and "DATAOPS_BORG_KEEP_DAILY" in proc.stderr
