"""The real MinIO server (built by scripts/bootstrap) on a free port with random credentials.

``start_minio(tls=True)`` serves HTTPS with a certificate signed by a throwaway CA the
harness generates with openssl (MinIO reads ``public.crt``/``private.key`` from
``--certs-dir``); :attr:`MinioServer.ca_file` is that CA, passed to clients as
``DATAOPS_S3_CA_BUNDLE`` (pgBackRest 2.45 speaks S3 over TLS only; nothing turns
verification off).
"""

from __future__ import annotations

import secrets
import shutil
import ssl
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
    tls: bool = False

    @property
    def endpoint(self) -> str:
        return f"{'https' if self.tls else 'http'}://127.0.0.1:{self.port}"

    @property
    def certs_dir(self) -> Path:
        return self.root / "certs"

    @property
    def ca_file(self) -> Path | None:
        """The CA that signed the server certificate (None without TLS)."""
        return self.certs_dir / "CAs" / "ca.crt" if self.tls else None

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
            verify=str(self.ca_file) if self.ca_file else None,
            config=Config(s3={"addressing_style": "path"}),
        )

    def create_bucket(self, name: str) -> str:
        self.client().create_bucket(Bucket=name)
        return name

    def env(self, bucket: str, prefix: str = "") -> dict[str, str]:
        """DATAOPS_* variables pointing dataops at this server."""
        env = {
            "DATAOPS_S3_ENDPOINT": self.endpoint,
            "DATAOPS_S3_BUCKET": bucket,
            "DATAOPS_S3_PREFIX": prefix,
            "DATAOPS_S3_REGION": "us-east-1",
            "AWS_ACCESS_KEY_ID": self.access_key,
            "AWS_SECRET_ACCESS_KEY": self.secret_key,
        }
        if self.ca_file:
            env["DATAOPS_S3_CA_BUNDLE"] = str(self.ca_file)
        return env

    def _live(self) -> bool:
        context = ssl.create_default_context(cafile=str(self.ca_file)) if self.ca_file else None
        with urllib.request.urlopen(  # noqa: S310
            f"{self.endpoint}/minio/health/live", timeout=2, context=context
        ) as resp:
            return bool(resp.status == 200)

    def make_certificates(self) -> None:
        """A CA and a server certificate for 127.0.0.1/localhost (IP and DNS names)."""
        cas = self.certs_dir / "CAs"
        cas.mkdir(parents=True, exist_ok=True)
        self.certs_dir.chmod(0o755)
        cas.chmod(0o755)
        ca_key, ca_crt = self.root / "ca.key", cas / "ca.crt"
        key, csr, crt = (
            self.certs_dir / "private.key",
            self.root / "server.csr",
            self.certs_dir / "public.crt",
        )
        ext = self.root / "server.ext"
        ext.write_text(
            "basicConstraints=CA:FALSE\n"
            "keyUsage=digitalSignature,keyEncipherment\n"
            "extendedKeyUsage=serverAuth\n"
            "subjectAltName=IP:127.0.0.1,DNS:localhost,DNS:127.0.0.1\n"
        )
        openssl = shutil.which("openssl") or "openssl"
        steps = [
            [openssl, "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "30",
             "-subj", "/CN=dataops test CA", "-keyout", ca_key, "-out", ca_crt,
             "-addext", "basicConstraints=critical,CA:TRUE",
             "-addext", "keyUsage=critical,keyCertSign,cRLSign"],
            [openssl, "req", "-newkey", "rsa:2048", "-nodes", "-subj", "/CN=127.0.0.1",
             "-keyout", key, "-out", csr],
            [openssl, "x509", "-req", "-in", csr, "-CA", ca_crt, "-CAkey", ca_key,
             "-CAcreateserial", "-days", "30", "-extfile", ext, "-out", crt],
        ]  # fmt: skip
        for argv in steps:
            subprocess.run([str(a) for a in argv], check=True, capture_output=True, timeout=60)
        ca_crt.chmod(0o644)

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
        if self.tls and not (self.certs_dir / "public.crt").exists():
            self.make_certificates()
        log = self.logfile.open("ab")
        certs = ["--certs-dir", str(self.certs_dir)] if self.tls else []
        self.proc = subprocess.Popen(
            [
                go_tool("minio"),
                "server",
                "--quiet",
                *certs,
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


def start_minio(*, tls: bool = False) -> MinioServer:
    server = MinioServer(
        root=service_dir("minio"),
        port=free_port(),
        access_key="ak" + secrets.token_hex(6),
        secret_key="sk" + secrets.token_hex(16),
        tls=tls,
    )
    try:
        server.start()
    except Exception:
        server.destroy()
        raise
    return server
