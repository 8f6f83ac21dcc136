"""``dataops`` as a process on hostile inputs and failing outputs (issue #10, findings 4
and 5): one clear line naming the file and the problem, exit 2 for bad input and 1 for
an I/O failure, never a traceback, never a partial or stale output, no secret printed.

Full and read-only disks are real: a small tmpfs mounted for the test (this suite runs
as root) and ``/dev/full``.
"""

from __future__ import annotations

import gzip
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
import zstandard

from dataops.anonymize.formats import pgarchive as pa
from tests.conftest import _clean_env
from tests.unit.archive_fakes import make_custom_archive, make_directory_archive

RunCli = Callable[..., subprocess.CompletedProcess[str]]

RULES = """\
version: 1
secret: "0123456789abcdef"
tables:
  public.customer:
    columns:
      id: keep
      email: {transform: email}
"""
ROWS = b"".join(b"%d\tperson%d@real-customer.com\n" % (i, i) for i in range(20_000))
DUMP = (
    b"SET standard_conforming_strings = on;\n\n"
    b"CREATE TABLE public.customer (\n    id integer NOT NULL,\n    email text NOT NULL\n);\n\n"
    b"COPY public.customer (id, email) FROM stdin;\n" + ROWS + b"\\.\n\n"
)
# the archives of tests/unit/archive_fakes.py
ARCHIVE_RULES = """\
version: 1
secret: "0123456789abcdef"
large_objects: keep
tables:
  public.people:
    columns:
      id: keep
      name: {transform: hash}
      note: keep
  public.kept: keep
  public.gone: truncate
"""
ENV = {"DATAOPS_LOG_FORMAT": "json"}


@pytest.fixture
def work(tmp_path: Path) -> Path:
    (tmp_path / "rules.yaml").write_text(RULES)
    (tmp_path / "archive-rules.yaml").write_text(ARCHIVE_RULES)
    (tmp_path / "dump.sql").write_bytes(DUMP)
    return tmp_path


@pytest.fixture
def small_disk(tmp_path: Path) -> Iterator[Path]:
    """A 64 KiB tmpfs: too small for any of the outputs below."""
    mnt = tmp_path / "mnt"
    mnt.mkdir()
    subprocess.run(["mount", "-t", "tmpfs", "-o", "size=64k", "tmpfs", str(mnt)], check=True)
    try:
        yield mnt
    finally:
        subprocess.run(["umount", str(mnt)], check=True)


def _one_error(result: subprocess.CompletedProcess[str], code: int, *needles: str) -> None:
    assert result.returncode == code, result.stderr
    assert "Traceback" not in result.stderr and "internal error" not in result.stderr
    assert "Aborted" not in result.stderr
    errors = [line for line in result.stderr.splitlines() if line.startswith("dataops: error:")]
    assert len(errors) == 1, result.stderr
    for needle in needles:
        assert needle in result.stderr, result.stderr


def _gzip_variants(data: bytes) -> dict[str, bytes]:
    good = gzip.compress(data, mtime=0)
    crc = bytearray(good)
    crc[-8] ^= 1
    header = bytearray(good)
    header[2] = 9  # compression method 9 does not exist
    return {
        "crc.sql.gz": bytes(crc),
        "truncated.sql.gz": good[: len(good) // 2],
        "garbage.sql.gz": b"\x1f\x8b" + bytes(range(256)) * 4,
        "header.sql.gz": bytes(header),
    }


@pytest.mark.parametrize("name", list(_gzip_variants(b"x")))
def test_corrupt_gzip_is_bad_input_not_a_traceback(work: Path, run_cli: RunCli, name: str) -> None:
    src = work / name
    src.write_bytes(_gzip_variants(DUMP)[name])
    out = work / "out.sql"
    result = run_cli("anonymize", "-c", str(work / "rules.yaml"), str(src), "-o", str(out), env=ENV)
    _one_error(result, 2, f"{src}: corrupt gzip data")
    assert not out.exists() and not list(work.glob(".out.sql*"))
    # from stdin too
    result = subprocess.run(
        [sys.executable, "-m", "dataops", "anonymize", "-c", str(work / "rules.yaml")],
        input=src.read_bytes(),
        capture_output=True,
        env={**_clean_env(), **ENV},
        timeout=120,
    )
    assert result.returncode == 2
    assert b"stdin: corrupt gzip data" in result.stderr and b"Traceback" not in result.stderr


def test_truncated_zstd_frame_is_bad_input(work: Path, run_cli: RunCli) -> None:
    src = work / "dump.sql.zst"
    whole = zstandard.ZstdCompressor().compress(DUMP)
    src.write_bytes(whole[: len(whole) - 40])
    result = run_cli("anonymize", "-c", str(work / "rules.yaml"), str(src), "-o", str(work / "o"))
    _one_error(result, 2, "corrupt zstd data: the data ends inside a frame (truncated)")
    assert not (work / "o").exists()


def test_binary_garbage_is_not_a_postgresql_dump(work: Path, run_cli: RunCli) -> None:
    src = work / "garbage.bin"
    src.write_bytes(bytes(range(256)) * 64)
    result = run_cli("anonymize", "-c", str(work / "rules.yaml"), str(src), "-o", str(work / "o"))
    _one_error(result, 2, "not a PostgreSQL dump")


@pytest.mark.parametrize("output", ["out.sql", "out.sql.gz", "out.sql.zst", "out.dump", "out.dir"])
def test_a_full_disk_is_an_io_failure_leaving_nothing(
    work: Path, small_disk: Path, run_cli: RunCli, output: str
) -> None:
    rules, src = work / "rules.yaml", work / "dump.sql"
    if output == "out.dump":
        rules, src = work / "archive-rules.yaml", work / "in.dump"
        src.write_bytes(make_custom_archive(pa.V1_14, pa.Compression.NONE))
    elif output == "out.dir":
        rules, src = work / "archive-rules.yaml", work / "in.dir"
        make_directory_archive(src, pa.V1_14, pa.Compression.NONE)
    if output != "out.sql" and src.suffix == ".sql":  # compressed outputs: make them big
        src.write_bytes(DUMP.replace(b"real-customer.com", bytes(range(1, 120)).hex().encode()))
    result = run_cli("anonymize", "-c", str(rules), str(src), "-o", str(small_disk / output))
    _one_error(result, 1, f"cannot write {small_disk / output}", "No space left on device")
    assert list(small_disk.iterdir()) == []


def test_a_full_stdout_is_an_io_failure(work: Path) -> None:
    with open("/dev/full", "wb") as full:
        result = subprocess.run(
            [sys.executable, "-m", "dataops", "anonymize", "-c", str(work / "rules.yaml")],
            input=DUMP,
            stdout=full,
            stderr=subprocess.PIPE,
            env={**_clean_env(), **ENV},
            timeout=120,
        )
    err = result.stderr.decode()
    assert result.returncode == 1, err
    assert "cannot write stdout: No space left on device" in err
    assert "Traceback" not in err and "Exception ignored" not in err


def test_a_read_only_output_directory_is_an_io_failure(
    work: Path, small_disk: Path, run_cli: RunCli
) -> None:
    subprocess.run(["mount", "-o", "remount,ro", str(small_disk)], check=True)
    for output in ("out.sql", "out.dir"):
        rules, src = work / "rules.yaml", work / "dump.sql"
        if output == "out.dir":
            rules, src = work / "archive-rules.yaml", work / "in.dir"
            make_directory_archive(src, pa.V1_14, pa.Compression.NONE)
        result = run_cli("anonymize", "-c", str(rules), str(src), "-o", str(small_disk / output))
        _one_error(result, 1, f"cannot write {small_disk / output}", "Read-only file system")


def test_a_report_that_cannot_be_written_leaves_no_output(
    work: Path, small_disk: Path, run_cli: RunCli
) -> None:
    subprocess.run(["mount", "-o", "remount,ro", str(small_disk)], check=True)
    out = work / "out.sql"
    result = run_cli(
        "anonymize",
        "-c",
        str(work / "rules.yaml"),
        str(work / "dump.sql"),
        "-o",
        str(out),
        "--report",
        str(small_disk / "report.json"),
    )
    _one_error(result, 1, "report.json")
    assert not out.exists() and not list(work.glob(".out.sql*"))
    # and with a directory archive
    make_directory_archive(work / "in.dir", pa.V1_14, pa.Compression.NONE)
    result = run_cli(
        "anonymize",
        "-c",
        str(work / "archive-rules.yaml"),
        str(work / "in.dir"),
        "-o",
        str(work / "out.dir"),
        "--report",
        str(small_disk / "report.json"),
    )
    _one_error(result, 1, "report.json")
    assert not (work / "out.dir").exists() and not list(work.glob(".out.dir*"))


def test_output_and_report_are_written_together(work: Path, run_cli: RunCli) -> None:
    out, report = work / "out.sql", work / "report.json"
    result = run_cli(
        "anonymize", "-c", str(work / "rules.yaml"), str(work / "dump.sql"), "-o", str(out),
        "--report", str(report),
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert b"real-customer" not in out.read_bytes()
    assert '"rows": 20000' in report.read_text()


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["-o", "{dump}"], "-o {dump} is the input"),
        (["-o", "{out}", "--report", "{out}"], "--report {out} is the output"),
        (["-o", "{out}", "--report", "{dump}"], "--report {dump} is the input"),
        (["--report", "{dump}"], "--report {dump} is the input"),  # dump to stdout
        (["-o", "{out}", "--report", "{rules}"], "--report {rules} is the rules file"),
    ],
)
def test_path_collisions_are_refused_up_front(
    work: Path, run_cli: RunCli, args: list[str], message: str
) -> None:
    names = {"dump": work / "dump.sql", "out": work / "out.sql", "rules": work / "rules.yaml"}
    result = run_cli(
        "anonymize", "-c", str(names["rules"]), str(names["dump"]),
        *[a.format(**names) for a in args],
    )  # fmt: skip
    _one_error(result, 2, message.format(**names))
    assert (work / "dump.sql").read_bytes() == DUMP
    assert (work / "rules.yaml").read_text() == RULES
    assert not (work / "out.sql").exists()


def test_bad_values_name_table_column_and_row(work: Path, run_cli: RunCli) -> None:
    (work / "nn.yaml").write_text(
        RULES.replace(
            "email: {transform: email}",
            "email: keep\n      amount: {transform: number_noise}\n      born: {transform: date_shift}",
        )
    )
    dump = DUMP.replace(
        b"email text NOT NULL\n", b"email text NOT NULL,\n    amount numeric,\n    born date\n"
    )
    dump = dump.replace(b"(id, email)", b"(id, email, amount, born)")
    rows = b"".join(b"%d\tx%d\t%d.5\t2020-01-0%d\n" % (i, i, i, i) for i in range(1, 6))
    bad_number = rows.replace(b"3\tx3\t3.5", b"3\tx3\tabc")
    bad_date = rows.replace(b"2020-01-04", b"20x0-01-04")
    for body, column, row in ((bad_number, "amount", 3), (bad_date, "born", 4)):
        (work / "nn.sql").write_bytes(dump.replace(ROWS, body))
        for jobs in ("1", "2"):
            result = run_cli(
                "anonymize", "-c", str(work / "nn.yaml"), str(work / "nn.sql"),
                "-o", str(work / "o.sql"), "-j", jobs,
            )  # fmt: skip
            _one_error(result, 2, f"public.customer, column {column}, row {row} (COPY at line 10)")


def test_a_transform_typo_names_the_unknown_key(work: Path, run_cli: RunCli) -> None:
    (work / "typo.yaml").write_text(RULES.replace("{transform: email}", "{transfrom: email}"))
    result = run_cli("anonymize", "-c", str(work / "typo.yaml"), str(work / "dump.sql"))
    _one_error(result, 2, "unknown key 'transfrom' (did you mean transform?)")


@pytest.mark.parametrize("scale", ["nan", "inf", "-inf"])
def test_demo_scale_must_be_finite(work: Path, run_cli: RunCli, scale: str) -> None:
    result = run_cli(
        "demo", "load", "--scale", scale, "-c", "examples/demo/spec.yaml",
        env={"DATAOPS_DATABASE_URL": f"sqlite:///{work}/demo.db"},
    )  # fmt: skip
    _one_error(result, 2, "--scale must be a finite number greater than 0")


def test_a_failing_file_variable_does_not_hide_other_invalid_ones(
    work: Path, run_cli: RunCli
) -> None:
    result = run_cli(
        "config",
        "show",
        env={
            "DATAOPS_DATABASE_URL_FILE": str(work / "missing"),
            "DATAOPS_LOG_LEVEL": "loud",
            "DATAOPS_S3_ENDPOINT": "ftp://minio",
        },
    )
    _one_error(
        result,
        2,
        "DATAOPS_DATABASE_URL_FILE: cannot read",
        "DATAOPS_LOG_LEVEL",
        "DATAOPS_S3_ENDPOINT",
    )


PASSWORD = "p@ss:w/rd@x"  # an unescaped "@" (and ":" and "/") in the password


def test_passwords_with_at_signs_are_never_printed(work: Path, run_cli: RunCli) -> None:
    url = f"postgresql://app:{PASSWORD}@127.0.0.1:1/app"
    env = {
        "DATAOPS_DATABASE_URL": url,
        "DATAOPS_S3_ENDPOINT": "http://AKIA:s3cr@t/key@127.0.0.1:1",
        "DATAOPS_LOG_FORMAT": "json",
    }
    shown = run_cli("config", "show", env=env)
    assert shown.returncode == 0, shown.stderr
    assert "postgresql+psycopg://app:***@127.0.0.1:1/app" in shown.stdout
    assert "http://***@127.0.0.1:1" in shown.stdout
    for cmd in (
        ["config", "show"],
        ["doctor"],
        ["doctor", "--json"],
        ["migrate", "version"],
        ["demo", "load", "-c", "examples/demo/spec.yaml"],
    ):
        result = run_cli(*cmd, env=env, timeout=120)
        text = result.stdout + result.stderr
        for part in ("p@ss", "ss:w", "w/rd", "rd@x", "s3cr", "t/key"):
            assert part not in text, (cmd, text)
    doctor = run_cli("doctor", env=env, timeout=120)
    assert "127.0.0.1" in doctor.stdout + doctor.stderr  # the real host, not a password's tail
    result = run_cli("anonymize", "-c", str(work / "rules.yaml"), "--source", url, env=env)
    assert result.returncode in (1, 3)
    for part in ("p@ss", "ss:w", "w/rd", "rd@x"):
        assert part not in result.stdout + result.stderr


def test_role_password_hashes_are_dropped_unless_kept(work: Path, run_cli: RunCli) -> None:
    dumpall = (
        b"CREATE ROLE app;\n"
        b"ALTER ROLE app WITH LOGIN PASSWORD 'SCRAM-SHA-256$4096:c2FsdA==$a2V5:c2VydmVy';\n"
    )
    (work / "all.sql").write_bytes(dumpall + DUMP)
    args = ["anonymize", "-c", str(work / "rules.yaml"), str(work / "all.sql"), "-o"]
    result = run_cli(*args, str(work / "dropped.sql"))
    assert result.returncode == 0, result.stderr
    assert b"SCRAM-SHA-256" not in (work / "dropped.sql").read_bytes()
    assert b"ALTER ROLE app WITH LOGIN;\n" in (work / "dropped.sql").read_bytes()
    result = run_cli(*args, str(work / "kept.sql"), "--role-passwords", "keep")
    assert result.returncode == 0, result.stderr
    assert b"SCRAM-SHA-256$4096" in (work / "kept.sql").read_bytes()
