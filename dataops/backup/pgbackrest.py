"""pgBackRest's side of dataops: settings -> options, config file, wrapper, errors, WAL chain.

:func:`repo_options` is the one mapping of dataops settings to pgBackRest options; it
feeds both the environment of every call dataops makes (``PGBACKREST_*``; secrets never
on argv) and the 0600 INI file PostgreSQL's ``archive_command`` and the
``restore_command`` wrapper name explicitly with ``--config``, so the two cannot drift
apart and a restored or drill server reads the same repository settings.

pgBackRest 2.45 talks to S3 over TLS only: ``DATAOPS_S3_ENDPOINT`` must be ``https://``
and a private CA is passed as ``repo1-storage-ca-file`` (verification is never turned
off).  Path-style addressing (``repo1-s3-uri-style=path``) follows
``DATAOPS_S3_FORCE_PATH_STYLE``.

The restore_command wrapper
---------------------------
``pgbackrest archive-get`` exits 1 when the WAL file is not in the archive and with its
own error code (25 and up) for everything else.  PostgreSQL reads exit codes 1-125 as
"not found" and would end recovery early; the wrapper maps 1 to 1 and every other
failure to 255, so the startup process stops with FATAL instead (the same guarantee as
the wal-g wrapper of :mod:`dataops.backup.engines.walg`).
"""

from __future__ import annotations

import contextlib
import shlex
import urllib.parse
from collections.abc import Sequence
from pathlib import Path

from dataops.backup.engine import WalRange
from dataops.backup.objstore import StorageConfig
from dataops.backup.walg import segment_name, segment_number
from dataops.config.settings import Settings
from dataops.errors import CommandError, ConfigError, DependencyError, OperationError
from dataops.log import redact, register_secret
from dataops.tools import pgbackrest as pgb

CONFIG_NAME = "pgbackrest.conf"
WRAPPER_SUFFIX = "-fetch.sh"
STORAGE_ERROR_EXIT = 255
MAX_NAMED = 64

# ------------------------------------------------------------------------------ options


def repo_path(settings: Settings) -> str:
    """The repository path inside the bucket: DATAOPS_PGBACKREST_REPO_PATH, else /PREFIX."""
    raw = settings.pgbackrest_repo_path
    if raw is None:
        prefix = settings.s3_prefix.strip("/")
        raw = f"/{prefix}" if prefix else "/pgbackrest"
    path = "/" + raw.strip("/")
    if ".." in path.split("/"):
        raise ConfigError(f"DATAOPS_PGBACKREST_REPO_PATH={raw!r} must not contain '..'")
    return path


def ca_file(settings: Settings) -> Path | None:
    return settings.pgbackrest_ca_bundle or settings.s3_ca_bundle


def repo_options(settings: Settings) -> dict[str, str]:
    """pgBackRest's repository, encryption and performance options (with secrets)."""
    storage = StorageConfig.from_settings(settings)
    if not storage.endpoint:
        host, port = f"s3.{storage.region}.amazonaws.com", 443
    else:
        parts = urllib.parse.urlsplit(storage.endpoint)
        if parts.scheme != "https":
            raise ConfigError(
                f"DATAOPS_S3_ENDPOINT={storage.endpoint}: pgBackRest 2.45 talks to S3 over TLS "
                "only; use an https:// endpoint (and DATAOPS_S3_CA_BUNDLE for a private CA)"
            )
        if not parts.hostname:
            raise ConfigError(f"DATAOPS_S3_ENDPOINT={storage.endpoint} has no host")
        host, port = parts.hostname, parts.port or 443
    out = {
        "repo1-type": "s3",
        "repo1-path": repo_path(settings),
        "repo1-s3-bucket": storage.bucket,
        "repo1-s3-endpoint": host,
        "repo1-storage-port": str(port),
        "repo1-s3-region": storage.region,
        "repo1-s3-uri-style": "path" if storage.path_style else "host",
        "compress-type": settings.pgbackrest_compress_type,
        "process-max": str(settings.pgbackrest_process_max),
        "start-fast": "y",
        "io-timeout": str(settings.pgbackrest_io_timeout),
        "log-level-console": "off",
        "log-level-stderr": "warn",
        "log-level-file": "off",
    }
    ca = ca_file(settings)
    if ca is not None:
        if not ca.is_file():
            raise ConfigError(
                f"DATAOPS_PGBACKREST_CA_BUNDLE / DATAOPS_S3_CA_BUNDLE: {ca} is not a file"
            )
        out["repo1-storage-ca-file"] = str(ca.absolute())
    if storage.access_key:
        out["repo1-s3-key"] = storage.access_key
    if storage.secret_key:
        out["repo1-s3-key-secret"] = storage.secret_key
    if settings.pgbackrest_cipher_pass:
        out["repo1-cipher-type"] = "aes-256-cbc"
        out["repo1-cipher-pass"] = settings.pgbackrest_cipher_pass.get_secret_value()
    for key in pgb.SECRET_OPTIONS:
        register_secret(out.get(key))
    return out


def default_config_path(settings: Settings) -> Path:
    """DATAOPS_PGBACKREST_CONFIG, else ``pgbackrest.conf`` next to (not inside) PGDATA."""
    if settings.pgbackrest_config:
        return settings.pgbackrest_config
    if settings.pg_data:
        return settings.pg_data.resolve().parent / CONFIG_NAME
    raise ConfigError(
        "set DATAOPS_PGBACKREST_CONFIG or DATAOPS_PG_DATA (the pgBackRest config goes next to it)"
    )


def wrapper_path(config: Path) -> Path:
    return config.with_name(config.stem + WRAPPER_SUFFIX)


def lock_path(config: Path) -> Path:
    """Each config has its own lock directory: two clusters never share a stanza lock."""
    return config.with_name(config.stem + ".lock")


def fetch_wrapper_script(binary: str, config: Path, stanza: str, timeout: int) -> str:
    """The POSIX sh ``restore_command`` wrapper (see the module docstring)."""
    argv = pgb.archive_get_argv(binary, config, stanza, "$1", "$2")
    fetch = " ".join(f'"{a}"' if a in ("$1", "$2") else shlex.quote(a) for a in argv)
    return f"""#!/bin/sh
# restore_command wrapper written by `dataops backup pg` (pgBackRest); rewrite it with
# `dataops backup pg archive-config --write-config FILE` rather than editing it.
#
#   restore_command = '{wrapper_path(config)} %f %p'
#
# pgbackrest archive-get exits {pgb.ARCHIVE_GET_MISSING} when the file is not in the archive: PostgreSQL
# reads that as "not found" (normal at the end of the archive).  Any other failure is a
# storage or configuration problem; PostgreSQL would read exit codes 1-125 as "not found"
# too and end recovery early, so we exit {STORAGE_ERROR_EXIT} (> 125): the startup process stops
# with FATAL instead.  Fix storage, start the server again.
if [ "$#" -ne 2 ]; then
    echo "usage: $0 WALFILE DESTINATION" >&2
    exit {STORAGE_ERROR_EXIT}
fi
timeout {int(timeout)} {fetch}
rc=$?
case "$rc" in
    0) exit 0 ;;
    {pgb.ARCHIVE_GET_MISSING}) exit 1 ;;
esac
echo "dataops pgbackrest-fetch: pgbackrest archive-get $1 failed with exit code $rc (storage or configuration error, not a missing file); stopping recovery instead of ending it early" >&2
exit {STORAGE_ERROR_EXIT}
"""


# ------------------------------------------------------------------------------- errors


def printable(text: str) -> str:
    """``text`` with control and undecodable characters (garbage from a bad decrypt) as ``?``."""
    return "".join(c if c.isprintable() or c in "\n\t" else "?" for c in text).replace(
        "\ufffd", "?"
    )


ARCHIVE_TIMEOUT_ERROR = 82
_STORAGE_DOWN = (
    "unable to connect",
    "Connection refused",
    "connection refused",
    "timed out",
    "Name or service not known",
    "unable to get address",
    "TLS",
    "certificate",
    "HostConnectError",
)
_STORAGE_AUTH = (
    "InvalidAccessKeyId",
    "SignatureDoesNotMatch",
    "AccessDenied",
    "403 (Forbidden)",
)
_DATABASE = ("unable to connect to 'dbname", "DbConnectError", "password authentication failed")


def classify(exc: CommandError, *, what: str, where: str) -> Exception:
    """The dataops error for a failed pgBackRest call (exit 3 for unreachable dependencies)."""
    tail = [redact(printable(line)) for line in exc.output_tail]
    text = "\n".join(tail)
    code, message = pgb.first_error(tail)
    detail = [redact(message)] if message else []
    if exc.timed_out:
        return DependencyError(
            f"pgbackrest {what} did not finish in time and was killed (storage {where} or the "
            "database may be unreachable; DATAOPS_PGBACKREST_TIMEOUT)",
            details=tail[-5:],
        )
    if code == ARCHIVE_TIMEOUT_ERROR:
        return OperationError(
            f"pgbackrest {what}: PostgreSQL did not archive the WAL the backup needs "
            "(archive_command fails or is not set up: see `dataops backup pg check`)",
            details=detail,
        )
    if code == 56 or any(p in text for p in _DATABASE):
        return DependencyError(
            f"pgbackrest {what}: cannot connect to PostgreSQL (check DATAOPS_DATABASE_URL)",
            details=detail,
        )
    if "NoSuchBucket" in text:
        return DependencyError(
            f"pgbackrest {what}: the bucket of {where} does not exist", details=detail
        )
    if any(p in text for p in _STORAGE_AUTH):
        return DependencyError(
            f"pgbackrest {what}: object storage {where} rejected the credentials "
            "(check AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY)",
            details=detail,
        )
    if any(p in text for p in _STORAGE_DOWN):
        return DependencyError(
            f"pgbackrest {what}: object storage {where} is unreachable", details=detail
        )
    if code == 95 or "cipher" in text.lower() or "decrypt" in text.lower():
        return OperationError(
            f"pgbackrest {what}: the repository cannot be decrypted with this cipher pass "
            "(DATAOPS_PGBACKREST_CIPHER_PASS)",
            details=detail,
        )
    return OperationError(
        f"pgbackrest {what} failed (exit code {exc.returncode})", details=detail or tail[-8:]
    )


def wal_chain(first: str | None, segments: Sequence[str]) -> tuple[list[WalRange], list[str]]:
    """Ranges of present/missing segments from ``first`` to the newest present one.

    A segment number counts as present when any timeline has it (a timeline switch
    continues the numbering).  Returns (ranges, missing segment names).
    """
    present: dict[int, int] = {}
    for name in segments:
        try:
            tli, number = segment_number(name)
        except ValueError:
            continue
        present[number] = max(tli, present.get(number, 0))
    if not present:
        return [], []
    start = min(present)
    if first:
        with contextlib.suppress(ValueError):
            start = segment_number(first)[1]
    end = max(present)
    ranges: list[WalRange] = []
    missing: list[str] = []
    tli = present.get(start, 1)
    run: tuple[int, int, str] | None = None  # (first number, its timeline, status)
    for number in range(start, end + 1):
        status = "FOUND" if number in present else "MISSING_LOST"
        previous_tli, tli = tli, present.get(number, tli)
        if status != "FOUND" and len(missing) < MAX_NAMED:
            missing.append(segment_name(tli, number))
        if run is None:
            run = (number, tli, status)
        elif status != run[2]:
            ranges.append(_range(run, number - 1, previous_tli))
            run = (number, tli, status)
    if run is not None:
        ranges.append(_range(run, end, tli))
    return ranges, missing


def _range(run: tuple[int, int, str], last: int, last_tli: int) -> WalRange:
    first, first_tli, status = run
    return WalRange(
        first_tli,
        segment_name(first_tli, first),
        segment_name(last_tli, last),
        last - first + 1,
        status,
    )
