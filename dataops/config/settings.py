"""Settings from the environment (twelve-factor), with ``_FILE`` indirection for secrets.

Every variable ``NAME`` may instead be given as ``NAME_FILE`` pointing to a file
whose content (trailing newline stripped) is the value, as Docker and Kubernetes
mount secrets.  Setting both is an error.  All invalid variables are reported at
once as a :class:`~dataops.errors.ConfigError` (exit 2).
"""

from __future__ import annotations

import contextlib
import logging
import os
from collections.abc import Mapping
from contextvars import ContextVar
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import AliasChoices, Field, SecretStr, ValidationError, field_validator
from pydantic.fields import FieldInfo
from pydantic_settings import (
    BaseSettings,
    EnvSettingsSource,
    NoDecode,
    PydanticBaseSettingsSource,
    SettingsConfigDict,
)

from dataops.db import normalize_url
from dataops.errors import ConfigError, NoDatabaseError
from dataops.log import LOG_LEVELS, register_secret

log = logging.getLogger(__name__)

PREFIX = "DATAOPS_"
# borg --compression values dataops accepts (auto, and a level where the algorithm has one)
_BORG_COMPRESSION = (
    r"^(auto,)?(none|lz4|zstd(,([1-9]|1[0-9]|2[0-2]))?|zlib(,[0-9])?|lzma(,[0-9])?)$"
)
FILE_SUFFIX = "_FILE"


class _FileIndirectionError(Exception):
    def __init__(self, problems: list[str]) -> None:
        super().__init__("; ".join(problems))
        self.problems = problems


def resolve_file_variables(
    environ: Mapping[str, str], *, skip_failed: bool = False
) -> dict[str, str]:
    """Return ``environ`` with every ``X_FILE`` replaced by ``X`` = the file's content.

    With ``skip_failed`` a variable that cannot be resolved is left out instead of
    raising (its problem is reported separately)."""
    result = dict(environ)
    problems: list[str] = []
    for key, path in environ.items():
        upper = key.upper()
        if not upper.endswith(FILE_SUFFIX) or not (
            upper.startswith(PREFIX) or upper.startswith("AWS_") or upper.startswith("SENTRY_")
        ):
            continue
        target = key[: -len(FILE_SUFFIX)]
        if environ.get(target):
            problems.append(f"{target} and {key} are both set; use one")
            continue
        try:
            value = Path(path).read_text(encoding="utf-8").rstrip("\r\n")
        except OSError as exc:
            problems.append(f"{key}: cannot read {path}: {exc.strerror}")
            continue
        except UnicodeDecodeError:
            problems.append(f"{key}: {path} is not UTF-8 text")
            continue
        result[target] = value
        del result[key]
    if problems and not skip_failed:
        raise _FileIndirectionError(problems)
    if skip_failed:
        for key in environ:
            if key.upper().endswith(FILE_SUFFIX) and key in result:
                del result[key]
    return result


_FILE_PROBLEMS: ContextVar[list[str] | None] = ContextVar("dataops_file_problems", default=None)


class _EnvWithFiles(EnvSettingsSource):
    def _load_env_vars(self) -> Mapping[str, str | None]:
        problems = _FILE_PROBLEMS.get()
        if problems is None:
            resolved = resolve_file_variables(os.environ)
        else:
            try:
                resolved = resolve_file_variables(os.environ)
            except _FileIndirectionError as exc:
                # report them with every other invalid variable: validate the rest
                problems.extend(exc.problems)
                resolved = resolve_file_variables(os.environ, skip_failed=True)
        return {
            (k if self.case_sensitive else k.lower()): v
            for k, v in resolved.items()
            if not (self.env_ignore_empty and v == "")
        }


class Settings(BaseSettings):
    """The effective configuration of one dataops process."""

    model_config = SettingsConfigDict(
        env_prefix=PREFIX,
        case_sensitive=False,
        env_ignore_empty=True,
        extra="ignore",
        frozen=True,
    )

    # core
    database_url: SecretStr | None = Field(None, description="SQLAlchemy-style database URL")
    log_level: Literal["debug", "info", "warning", "error", "critical"] = "info"
    log_format: Literal["json", "text"] | None = Field(
        None, description="json or text; default json unless stderr is a terminal"
    )

    # object storage
    s3_endpoint: str | None = Field(None, description="S3-compatible endpoint URL (MinIO)")
    s3_bucket: str | None = None
    s3_prefix: str = ""
    s3_region: str = "us-east-1"
    s3_force_path_style: bool = True
    aws_access_key_id: str | None = Field(
        None, validation_alias=AliasChoices("AWS_ACCESS_KEY_ID", "DATAOPS_AWS_ACCESS_KEY_ID")
    )
    aws_secret_access_key: SecretStr | None = Field(
        None,
        validation_alias=AliasChoices("AWS_SECRET_ACCESS_KEY", "DATAOPS_AWS_SECRET_ACCESS_KEY"),
    )

    # migrations
    migrations_path: Path = Path("migrations")
    migrate_lock_timeout: float = Field(
        300.0, gt=0, description="seconds to wait for the migration lock"
    )

    # PostgreSQL backups (wal-g)
    pg_data: Path | None = Field(None, description="PostgreSQL data directory")
    pg_os_user: str | None = Field(None, description="OS user running PostgreSQL")
    pg_bin_dir: Path | None = Field(None, description="directory of postgres, pg_ctl, initdb")
    walg_bin: str = "wal-g"
    walg_compression: Literal["lz4", "lzma", "zstd", "brotli"] = "lz4"
    walg_libsodium_key: SecretStr | None = None
    walg_delta_max_steps: int = Field(0, ge=0)
    walg_timeout: float = Field(3600.0, gt=0, description="seconds for one wal-g call")
    # `dataops backup pg` (archiving, restore): wal-g config file, archive_command and
    # restore_command timeout, S3 retries, libsodium key encoding, archive_timeout, check age
    walg_config: Path | None = Field(
        None, description="wal-g config file for archive/restore_command; default next to PGDATA"
    )
    walg_libsodium_key_transform: Literal["none", "base64", "hex"] = "none"
    walg_s3_max_retries: int = Field(8, ge=0, description="wal-g S3 retries before giving up")
    walg_download_file_retries: int = Field(
        3, ge=0, description="wal-g backup-fetch: rounds of retrying failed files (wal-g: 15)"
    )
    walg_archive_command_timeout: int = Field(
        600, gt=0, description="seconds one archive_command/restore_command call may take"
    )
    pg_archive_timeout: int = Field(60, ge=0, description="PostgreSQL archive_timeout (seconds)")
    pg_archive_max_age: float = Field(
        3600.0, gt=0, description="backup pg check: the last archived WAL may be this old"
    )

    # PostgreSQL backup engine (`dataops backup pg`): wal-g or pgBackRest (issue 13)
    pg_backup_engine: Literal["walg", "pgbackrest"] = Field(
        "walg", description="walg or pgbackrest: the engine behind `dataops backup pg`"
    )
    s3_ca_bundle: Path | None = Field(
        None, description="CA certificate (PEM) that signs the S3 endpoint's TLS certificate"
    )
    pgbackrest_bin: str = "pgbackrest"
    pgbackrest_stanza: str = Field("main", pattern=r"^[A-Za-z0-9][A-Za-z0-9_.-]*$")
    pgbackrest_repo_path: str | None = Field(
        None, description="repository path inside the bucket (default /DATAOPS_S3_PREFIX)"
    )
    pgbackrest_cipher_pass: SecretStr | None = Field(
        None, description="encrypt the repository with aes-256-cbc using this passphrase"
    )
    pgbackrest_process_max: int = Field(2, ge=1, le=64)
    pgbackrest_ca_bundle: Path | None = Field(
        None, description="CA file for the S3 TLS certificate (default DATAOPS_S3_CA_BUNDLE)"
    )
    pgbackrest_config: Path | None = Field(
        None, description="pgBackRest config file; default pgbackrest.conf next to PGDATA"
    )
    pgbackrest_compress_type: Literal["none", "gz", "lz4", "zst", "bz2"] = "lz4"
    pgbackrest_timeout: float = Field(3600.0, gt=0, description="seconds for one pgBackRest call")
    pgbackrest_command_timeout: int = Field(
        600, gt=0, description="seconds one archive_command/restore_command call may take"
    )
    pgbackrest_io_timeout: int = Field(
        60, ge=1, description="pgBackRest io-timeout: also how long it retries unreachable storage"
    )

    # anonymization (dataops anonymize)
    anonymize_secret: SecretStr | None = Field(
        None, description="conventional home of the secret, read by ${...} in rules files"
    )
    anonymize_pool_cache: str | None = Field(
        None, description="directory for cached Faker pools (default ~/.cache/...), or off"
    )
    anonymize_pure_python: bool = Field(
        False, description="1: never use the compiled kernels (compare both paths)"
    )

    # restore drills (dataops drill): scratch folder, seconds for restore + recovery
    drill_scratch_dir: Path | None = Field(
        None, description="folder for drill scratch copies (default: the system temp folder)"
    )
    drill_timeout: float = Field(
        3600.0, gt=0, description="seconds a drill's restore and recovery may take"
    )

    # file backups (dataops backup files): Borg 1.4 repository + rclone off-site copy
    borg_repo: Path | None = Field(None, description="local Borg repository (a directory)")
    files_paths: Annotated[list[Path], NoDecode] = Field(
        default_factory=list, description="paths to back up: JSON array or comma-separated"
    )
    files_excludes: Annotated[list[str], NoDecode] = Field(
        default_factory=list, description="borg --exclude patterns: JSON array or comma-separated"
    )
    borg_compression: str = Field("zstd,3", description="borg --compression")
    borg_passphrase: SecretStr | None = Field(None, description="repokey-blake2 passphrase")
    borg_keep_daily: int = Field(7, ge=0)
    borg_keep_weekly: int = Field(4, ge=0)
    borg_keep_monthly: int = Field(6, ge=0)
    borg_compact_interval_days: float = Field(
        7.0, ge=0, description="days between borg compact runs (0: after every push)"
    )
    borg_base_dir: Path | None = Field(None, description="BORG_BASE_DIR (cache, security, keys)")
    borg_cache_dir: Path | None = None
    borg_security_dir: Path | None = None
    borg_host_id: str = Field("dataops-files", min_length=1, description="pinned BORG_HOST_ID")
    borg_segment_size_mib: int = Field(64, ge=1, le=1024, description="repository segment size")
    borg_lock_wait: int = Field(300, ge=0, description="seconds to wait for the Borg lock")
    borg_timeout: float = Field(21600.0, gt=0, description="seconds for one borg/rclone call")
    borg_offsite_path: str = Field(
        "borg", description="where the copy lives under DATAOPS_S3_PREFIX in DATAOPS_S3_BUCKET"
    )
    borg_bin: str = "borg"
    rclone_bin: str = "rclone"
    rclone_retries: int = Field(3, ge=1, description="rclone --retries")
    rclone_bwlimit: str | None = Field(None, description="rclone --bwlimit, e.g. 10M")

    # demo data (dataops demo): Faker pool disk cache directory, or "off"
    demo_pool_cache: str | None = Field(
        None, description="directory for cached Faker pools (default ~/.cache/...), or off"
    )

    # sidecar (dataops serve): jobs file, HTTP address, state, admin token, shutdown grace,
    # and the host-wide lock directory shared with manual `dataops backup` commands
    sidecar_config: Path | None = Field(None, description="sidecar.yaml of dataops serve")
    http_addr: str = Field("0.0.0.0:9187", description="HOST:PORT of the sidecar's HTTP server")
    state_dir: Path = Field(Path("/var/lib/dataops"), description="sidecar state (a volume)")
    admin_token: SecretStr | None = Field(None, description="bearer token of POST /jobs/N/run")
    shutdown_grace: float = Field(60.0, ge=0, description="seconds a job may finish on SIGTERM")
    lock_dir: Path | None = Field(None, description="host-wide lock files (default $TMPDIR)")

    # bounded time under faults (issue 22): SIGTERM/SIGINT -> SIGKILL after the kill grace;
    # a storage call with no progress for the stall timeout ends with exit 3
    kill_grace: float = Field(
        10.0, ge=0, description="seconds a program may take to stop after SIGTERM before SIGKILL"
    )
    storage_stall_timeout: float = Field(
        120.0, gt=0, description="seconds without progress before a storage call ends (exit 3)"
    )

    # error reporting
    sentry_dsn: SecretStr | None = Field(
        None, validation_alias=AliasChoices("SENTRY_DSN", "DATAOPS_SENTRY_DSN")
    )
    sentry_environment: str | None = None

    @field_validator("database_url", mode="before")
    @classmethod
    def _normalize_database_url(cls, value: Any) -> Any:
        if value is None:
            return None
        raw = value.get_secret_value() if isinstance(value, SecretStr) else str(value)
        return normalize_url(raw)

    @field_validator("files_paths", "files_excludes", mode="before")
    @classmethod
    def _split_list(cls, value: Any) -> Any:
        """A JSON array, or a comma-separated list (entries stripped, empty ones dropped)."""
        if not isinstance(value, str):
            return value
        text = value.strip()
        if text.startswith("["):
            import json

            try:
                return json.loads(text)
            except json.JSONDecodeError as exc:
                raise ValueError(f"not a JSON array ({exc.msg})") from None
        return [part.strip() for part in text.split(",") if part.strip()]

    @field_validator("borg_compression")
    @classmethod
    def _check_compression(cls, value: str) -> str:
        import re

        if not re.match(_BORG_COMPRESSION, value):
            raise ValueError("expected none, lz4, zstd[,1-22], zlib[,0-9] or lzma[,0-9] (auto,…)")
        return value

    @field_validator("borg_repo")
    @classmethod
    def _local_repo(cls, value: Path | None) -> Path | None:
        if value is not None and (":" in str(value).split("/", 1)[0] or "://" in str(value)):
            raise ValueError("must be a local directory (the off-site copy goes to S3 via rclone)")
        return value

    @field_validator("log_level", mode="before")
    @classmethod
    def _lower_level(cls, value: Any) -> Any:
        return value.lower() if isinstance(value, str) else value

    @field_validator("s3_endpoint")
    @classmethod
    def _check_endpoint(cls, value: str | None) -> str | None:
        if value is not None and not value.startswith(("http://", "https://")):
            raise ValueError("must start with http:// or https://")
        return value

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        return (init_settings, _EnvWithFiles(settings_cls))

    # helpers -------------------------------------------------------------
    @property
    def database_url_value(self) -> str | None:
        return self.database_url.get_secret_value() if self.database_url else None

    def require_database_url(self) -> str:
        """The database URL, or the one "no database" ConfigError."""
        if not self.database_url:
            raise NoDatabaseError()
        return self.database_url.get_secret_value()

    def register_secrets(self) -> None:
        """Register every secret value with the log redactor."""
        from dataops.db import endpoint_secret, make_url

        for name, field in type(self).model_fields.items():
            value = getattr(self, name)
            if isinstance(value, SecretStr):
                register_secret(value.get_secret_value())
            del field
        if self.database_url:
            with contextlib.suppress(Exception):  # an unparsable URL was rejected earlier
                register_secret(make_url(self.database_url.get_secret_value()).password)
        if self.s3_endpoint:
            register_secret(endpoint_secret(self.s3_endpoint))

    def public_dict(self) -> dict[str, Any]:
        """The effective configuration keyed by variable name, secrets as ``***``."""
        out: dict[str, Any] = {}
        for name, field in type(self).model_fields.items():
            value = getattr(self, name)
            if name == "database_url" and value is not None:
                from dataops.db import masked_url

                shown: Any = masked_url(value.get_secret_value())
            elif name == "s3_endpoint" and value is not None:
                from dataops.db import masked_endpoint

                shown = masked_endpoint(value)
            elif isinstance(value, SecretStr):
                shown = "***"
            elif isinstance(value, Path):
                shown = str(value)
            else:
                shown = value
            out[env_name(name, field)] = shown
        return out


def env_name(name: str, field: FieldInfo) -> str:
    alias = field.validation_alias
    if isinstance(alias, AliasChoices):
        first = alias.choices[0]
        return str(first)
    return PREFIX + name.upper()


def _describe_errors(exc: ValidationError) -> list[str]:
    fields = Settings.model_fields
    problems = []
    for err in exc.errors():
        loc = err["loc"][0] if err["loc"] else ""
        key = str(loc)
        field = fields.get(key)
        if field is None:  # alias used as loc
            matches = [n for n, f in fields.items() if env_name(n, f).lower() == key.lower()]
            field = fields[matches[0]] if matches else None
            key = matches[0] if matches else key
        var = env_name(key, field) if field is not None else key.upper()
        msg = err["msg"].removeprefix("Value error, ")
        problems.append(f"{var}: {msg}")
    return problems


def load_settings(**overrides: Any) -> Settings:
    """Read the environment; raise ConfigError naming every invalid or unknown variable."""
    problems = [
        f"{key}: unknown variable, not a dataops setting (a typo would fall back to a default)"
        for key in unknown_variables(os.environ)
    ]
    file_problems: list[str] = []
    token = _FILE_PROBLEMS.set(file_problems)
    try:
        settings = Settings(**overrides)
    except _FileIndirectionError as exc:
        problems += exc.problems
    except ValidationError as exc:
        problems += _describe_errors(exc)
    finally:
        _FILE_PROBLEMS.reset(token)
    problems = file_problems + problems
    if problems:
        raise ConfigError("invalid configuration", details=problems) from None
    settings.register_secrets()
    return settings


# the test harness's own variables; the sidecar's per-job overrides (DATAOPS_JOB_<JOB>_<KEY>,
# validated fail-closed by dataops/sidecar/config.py against the job registry)
RESERVED_PREFIXES = ("DATAOPS_TEST_", "DATAOPS_JOB_")
# read by scripts/bootstrap (the tool installer), never by dataops itself
BOOTSTRAP_VARIABLES = frozenset(
    {"DATAOPS_TOOLS_CACHE", "DATAOPS_TOOLS_BIN", "DATAOPS_WALG_NO_BUILD"}
)


def unknown_variables(environ: Mapping[str, str]) -> list[str]:
    """The ``DATAOPS_*`` names (also as ``*_FILE``) that are no field of :class:`Settings`."""
    known = {env_name(n, f).upper() for n, f in Settings.model_fields.items()}
    out = []
    for key in environ:
        upper = key.upper()
        if (
            not upper.startswith(PREFIX)
            or upper.startswith(RESERVED_PREFIXES)
            or upper in BOOTSTRAP_VARIABLES
        ):
            continue
        if upper not in known and upper.removesuffix(FILE_SUFFIX) not in known:
            out.append(key)
    return sorted(out)


__all__ = ["LOG_LEVELS", "Settings", "load_settings"]
