"""Object storage behind one small interface (S3 and S3-compatible stores such as MinIO)."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from dataops.errors import ConfigError, DependencyError

if TYPE_CHECKING:
    from dataops.config.settings import Settings


@dataclass(frozen=True)
class StorageConfig:
    bucket: str
    prefix: str = ""
    endpoint: str | None = None
    region: str = "us-east-1"
    access_key: str | None = None
    secret_key: str | None = None
    path_style: bool = True
    ca_file: Path | None = None  # a private CA for the endpoint's TLS certificate

    @classmethod
    def from_settings(cls, settings: Settings) -> StorageConfig:
        if not settings.s3_bucket:
            raise ConfigError("DATAOPS_S3_BUCKET is not set")
        return cls(
            bucket=settings.s3_bucket,
            prefix=settings.s3_prefix.strip("/"),
            endpoint=settings.s3_endpoint,
            region=settings.s3_region,
            access_key=settings.aws_access_key_id,
            secret_key=(
                settings.aws_secret_access_key.get_secret_value()
                if settings.aws_secret_access_key
                else None
            ),
            path_style=settings.s3_force_path_style,
            ca_file=getattr(settings, "s3_ca_bundle", None),
        )

    def url(self) -> str:
        """``s3://bucket/prefix`` as wal-g and borg expect it."""
        return f"s3://{self.bucket}/{self.prefix}".rstrip("/")


def _describe(exc: Exception) -> str:
    from botocore.exceptions import ClientError

    if isinstance(exc, ClientError):
        err = exc.response.get("Error", {})
        return f"{err.get('Code', 'error')}: {err.get('Message', '')}".strip(": ")
    return type(exc).__name__ + (f": {exc}" if str(exc) else "")


class ObjectStore:
    """put/get/delete/list under a prefix; every failure is a DependencyError (exit 3)."""

    def __init__(self, config: StorageConfig, *, timeout: float = 10.0) -> None:
        # boto3 costs ~0.3 s to import: only pay it when storage is used
        import boto3
        from botocore.config import Config

        self.config = config
        self._client: Any = boto3.session.Session().client(
            "s3",
            endpoint_url=config.endpoint,
            region_name=config.region,
            aws_access_key_id=config.access_key,
            aws_secret_access_key=config.secret_key,
            verify=str(config.ca_file) if config.ca_file else None,
            config=Config(
                s3={"addressing_style": "path" if config.path_style else "auto"},
                connect_timeout=timeout,
                read_timeout=timeout,
                retries={"max_attempts": 2, "mode": "standard"},
            ),
        )

    def key(self, name: str) -> str:
        return f"{self.config.prefix}/{name}" if self.config.prefix else name

    def _call(self, what: str, fn: Any, **kwargs: Any) -> Any:
        from botocore.exceptions import BotoCoreError, ClientError

        try:
            return fn(Bucket=self.config.bucket, **kwargs)
        except (ClientError, BotoCoreError) as exc:
            raise DependencyError(
                f"object storage: {what} failed on bucket {self.config.bucket!r}: {_describe(exc)}"
            ) from None

    def check_bucket(self) -> None:
        self._call("bucket check", self._client.head_bucket)

    def create_bucket(self) -> None:
        self._call("create bucket", self._client.create_bucket)

    def put(self, name: str, data: bytes) -> None:
        self._call("put", self._client.put_object, Key=self.key(name), Body=data)

    def get(self, name: str) -> bytes:
        body = self._call("get", self._client.get_object, Key=self.key(name))["Body"]
        data: bytes = body.read()
        return data

    def delete(self, name: str) -> None:
        self._call("delete", self._client.delete_object, Key=self.key(name))

    def list(self, under: str = "") -> Iterator[str]:
        """Object names (relative to the prefix) under ``under``."""
        token: str | None = None
        base = (
            self.key(under) if under else (self.config.prefix + "/" if self.config.prefix else "")
        )
        strip = len(self.config.prefix) + 1 if self.config.prefix else 0
        while True:
            kwargs: dict[str, Any] = {"Prefix": base}
            if token:
                kwargs["ContinuationToken"] = token
            page = self._call("list", self._client.list_objects_v2, **kwargs)
            for item in page.get("Contents", []):
                yield item["Key"][strip:]
            if not page.get("IsTruncated"):
                return
            token = page.get("NextContinuationToken")
