"""The real MinIO server (built by scripts/bootstrap) on a free port with random credentials."""

from __future__ import annotations

import secrets
import shutil
import subprocess
import urllib.request
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import boto3
from botocore.config import Config

from tests.harness.common import free_port, go_tool, service_dir, stop_process, wait_for


@dataclass
class MinioServer:
    root: Path
    port: int
    access_key: str
    secret_key: str
    proc: subprocess.Popen[bytes] | None = None

    @property
    def endpoint(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def logfile(self) -> Path:
        return self.root / "minio.log"

    def client(self) -> Any:
        return boto3.session.Session().client(
            "s3",
            endpoint_url=self.endpoint,
            aws_access_key_id=self.access_key,
            aws_secret_access_key=self.secret_key,
            region_name="us-east-1",
            config=Config(s3={"addressing_style": "path"}),
        )

    def create_bucket(self, name: str) -> str:
        self.client().create_bucket(Bucket=name)
        return name

    def env(self, bucket: str, prefix: str = "") -> dict[str, str]:
        """DATAOPS_* variables pointing dataops at this server."""
        return {
            "DATAOPS_S3_ENDPOINT": self.endpoint,
            "DATAOPS_S3_BUCKET": bucket,
            "DATAOPS_S3_PREFIX": prefix,
            "DATAOPS_S3_REGION": "us-east-1",
            "AWS_ACCESS_KEY_ID": self.access_key,
            "AWS_SECRET_ACCESS_KEY": self.secret_key,
        }

    def _live(self) -> bool:
        with urllib.request.urlopen(f"{self.endpoint}/minio/health/live", timeout=2) as resp:  # noqa: S310
            return bool(resp.status == 200)

    def start(self) -> None:
        data = self.root / "data"
        data.mkdir(exist_ok=True)
        env = {
            "MINIO_ROOT_USER": self.access_key,
            "MINIO_ROOT_PASSWORD": self.secret_key,
            "MINIO_BROWSER": "off",
            "MINIO_UPDATE": "off",
            "HOME": str(self.root),
            "PATH": "/usr/bin:/bin",
        }
        log = self.logfile.open("ab")
        self.proc = subprocess.Popen(
            [
                go_tool("minio"),
                "server",
                "--quiet",
                "--address",
                f"127.0.0.1:{self.port}",
                "--console-address",
                f"127.0.0.1:{free_port()}",
                str(data),
            ],
            env=env,
            stdout=log,
            stderr=log,
            start_new_session=True,
        )
        wait_for("minio", self._live, timeout=60, log=self.logfile)

    def stop(self) -> None:
        stop_process(self.proc, 30)

    def destroy(self) -> None:
        stop_process(self.proc, 30)
        shutil.rmtree(self.root, ignore_errors=True)


def start_minio() -> MinioServer:
    server = MinioServer(
        root=service_dir("minio"),
        port=free_port(),
        access_key="ak" + secrets.token_hex(6),
        secret_key="sk" + secrets.token_hex(16),
    )
    try:
        server.start()
    except Exception:
        server.destroy()
        raise
    return server
