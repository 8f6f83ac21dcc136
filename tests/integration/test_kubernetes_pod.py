"""deploy/kubernetes, run natively: the rendered StatefulSet pod's containers (engine copy,
archive-config, PostgreSQL's archive settings, the dataops sidecar), the drill CronJob's
and the migrate Job's containers run with exactly their commands and environments (the
ConfigMaps' data, ``env`` entries, Secrets as files), every mountPath mapped to a folder
standing for its volume, ``minio.storage.svc:9000`` and the metrics port mapped to loopback.

The order is the pod's: init containers before PostgreSQL runs (so the stanza is deferred),
then the sidecar, whose overdue first backup creates the stanza and completes without
anyone triggering it; then the drill restores that backup and migrate runs its Job.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import signal
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import psycopg
import pytest

from tests.harness.common import free_port, service_dir, wait_for
from tests.harness.minio import MinioServer, start_minio
from tests.harness.postgres import OS_USER, PgServer, start_postgres
from tests.integration.sidecar_support import http_get, map_paths, metric
from tests.unit.test_deploy_kubernetes import _rendered

pytestmark = pytest.mark.integration

REPO = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent


class Pod:
    def __init__(self, spec: dict[str, Any], volumes: dict[str, Path], hosts: dict[str, str]):
        self.spec = spec
        self.volumes = volumes
        self.hosts = hosts
        self.image = {"/opt/dataops-engine": str(volumes["_image_engine"])}

    def container(self, name: str) -> dict[str, Any]:
        for container in [*self.spec.get("initContainers", []), *self.spec["containers"]]:
            if container["name"] == name:
                found: dict[str, Any] = container
                return found
        raise KeyError(name)

    def translate(self, name: str, value: str) -> str:
        for host, loopback in self.hosts.items():
            value = value.replace(host, loopback)
        mounts = dict(self.image)
        for mount in self.container(name).get("volumeMounts", []):
            mounts[mount["mountPath"]] = str(self.volumes[mount["name"]])
        return map_paths(value, mounts)

    def command(self, name: str) -> list[str]:
        container = self.container(name)
        argv = [self.translate(name, a) for a in container.get("command") or container["args"]]
        if argv[0] == "dataops":
            argv[0] = str(BIN / "dataops")
        return argv

    def environment(self, name: str, configmaps: dict[str, dict[str, str]]) -> dict[str, str]:
        container = self.container(name)
        env: dict[str, str] = {}
        for source in container.get("envFrom", []):
            env.update(configmaps[source["configMapRef"]["name"]])
        for item in container.get("env", []):
            env[item["name"]] = item["value"]
        keep = ("PATH", "HOME", "LANG", "LC_ALL", "DATAOPS_TEST_TOOLS_BIN")
        base = {k: v for k, v in os.environ.items() if k in keep}
        # The container's /tmp (an emptyDir) is its own, as are the lock files in it.
        base["TMPDIR"] = self.translate(name, "/tmp")
        return {**base, **{k: self.translate(name, v) for k, v in env.items()}}


def _configmaps() -> dict[str, dict[str, str]]:
    out = {}
    for doc in _rendered():
        if doc["kind"] == "ConfigMap":
            data = doc["data"]
            out[doc["metadata"]["name"]] = dict(data)
    return out


def _pod_spec(kind: str, name: str) -> dict[str, Any]:
    (doc,) = [d for d in _rendered() if d["kind"] == kind and d["metadata"]["name"] == name]
    spec: dict[str, Any] = doc["spec"]
    if kind == "CronJob":
        spec = spec["jobTemplate"]["spec"]
    return json.loads(json.dumps(spec["template"]["spec"]))  # type: ignore[no-any-return]


@pytest.fixture
def own_minio() -> Iterator[MinioServer]:
    """A MinIO of its own: the manifests' bucket and prefix are fixed names."""
    server = start_minio(tls=True)
    yield server
    server.destroy()


@pytest.fixture
def folders() -> Iterator[dict[str, Path]]:
    made: dict[str, Path] = {}
    yield made
    for path in made.values():
        shutil.rmtree(path, ignore_errors=True)


@pytest.mark.timeout(900)
def test_kubernetes_pod_natively(
    own_minio: MinioServer, folders: dict[str, Path], pg_db: str
) -> None:
    configmaps = _configmaps()
    env_map = next(v for k, v in configmaps.items() if k.startswith("dataops-env-"))
    own_minio.create_bucket(env_map["DATAOPS_S3_BUCKET"])
    endpoint = re.sub(r"^https://", "", env_map["DATAOPS_S3_ENDPOINT"])
    http_port = free_port()
    hosts = {endpoint: f"127.0.0.1:{own_minio.port}", "0.0.0.0:9187": f"127.0.0.1:{http_port}"}

    # Folders for the volumes: emptyDirs, ConfigMaps and Secrets as files, the claims.
    for name in (
        "drill-tmp",
        "migrate-tmp",
        "engine",
        "tmp",
        "state",
        "sidecar-config",
        "s3-ca",
        "s3-credentials",
        "admin-token",
        "postgres-password",
        "scratch",
        "migrations",
        "app-db",
        "_image_engine",
    ):
        folders[name] = service_dir(f"k8s-{name}", OS_USER)
    sidecar_map = next(v for k, v in configmaps.items() if k.startswith("dataops-sidecar-"))
    for key, text in sidecar_map.items():
        (folders["sidecar-config"] / key).write_text(text)
    assert own_minio.ca_file is not None
    shutil.copy(own_minio.ca_file, folders["s3-ca"] / "ca.crt")
    (folders["s3-ca"] / "ca.crt").chmod(0o644)
    secret_files = {
        "s3-credentials": {
            "access-key-id": own_minio.access_key,
            "secret-access-key": own_minio.secret_key,
        },
        "admin-token": {"token": "k8s-test-admin-token"},
        "postgres-password": {"password": "unused-here"},
        "app-db": {"url": pg_db},
    }
    for volume, files in secret_files.items():
        for key, value in files.items():
            (folders[volume] / key).write_text(value)
            (folders[volume] / key).chmod(0o400)
    (folders["migrations"] / "1_orders.up.sql").write_text(
        "CREATE TABLE orders (id bigint PRIMARY KEY);\n"
    )
    (folders["migrations"] / "1_orders.down.sql").write_text("DROP TABLE orders;\n")

    # The image's engine bundle, as the Dockerfile builds it.
    bundle = subprocess.run(
        [
            str(REPO / "scripts" / "install-tools"),
            "engine-bundle",
            str(folders["_image_engine"]),
            "pgbackrest",
            "wal-g",
        ],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert bundle.returncode == 0, bundle.stderr

    # PostgreSQL's claim: PGDATA inside it, as the postgres container's env says.
    spec = _pod_spec("StatefulSet", "postgres")
    pg_env = {
        e["name"]: e["value"]
        for e in next(c for c in spec["containers"] if c["name"] == "postgres")["env"]
    }
    (data_mount,) = [
        m
        for m in next(c for c in spec["containers"] if c["name"] == "postgres")["volumeMounts"]
        if m["name"] == "data"
    ]
    pgdata = Path(pg_env["PGDATA"])
    assert pgdata.parent == Path(data_mount["mountPath"])
    args = next(c for c in spec["containers"] if c["name"] == "postgres")["args"]
    settings = dict(a.split("=", 1) for a in args if "=" in a)
    server: PgServer = start_postgres(
        {"archive_mode": settings["archive_mode"]}, data_name=pgdata.name
    )
    proc: subprocess.Popen[bytes] | None = None
    try:
        server.stop()  # the init containers run before PostgreSQL does
        pod = Pod(spec, {**folders, "data": server.root, "run": server.socket_dir}, hosts)
        assert subprocess.run(pod.command("engine"), timeout=60).returncode == 0
        assert os.access(folders["engine"] / "pgbackrest", os.X_OK)
        writer_env = pod.environment("archive-config", configmaps)
        assert writer_env["DATAOPS_PG_DATA"] == str(server.datadir)
        written = subprocess.run(
            pod.command("archive-config"),
            env={**writer_env, "PGPORT": str(server.port)},
            capture_output=True,
            text=True,
            timeout=300,
        )
        assert written.returncode == 0, written.stderr
        assert "stanza_deferred" in written.stderr, (
            "PostgreSQL is not up yet: the first backup creates it"
        )

        # postgres: its -c settings (archive_command through the copied bundle).
        with (server.datadir / "postgresql.auto.conf").open("a") as conf:
            for key in ("archive_command", "archive_timeout"):
                value = pod.translate("postgres", settings[key]).replace("'", "''")
                conf.write(f"{key} = '{value}'\n")
        server.start()
        assert server.execute("SHOW archive_command")[0][0].startswith(
            str(folders["engine"] / "pgbackrest")
        )
        server.execute("CREATE TABLE app_orders AS SELECT g AS id FROM generate_series(1, 300) g")

        # dataops: serve, exactly as the container; the overdue first backup runs by itself.
        env = {**pod.environment("dataops", configmaps), "PGPORT": str(server.port)}
        log = folders["state"] / "serve.log"
        with log.open("wb") as out:
            proc = subprocess.Popen(
                pod.command("dataops"), env=env, stdout=out, stderr=subprocess.STDOUT
            )
        probe = pod.container("dataops")["livenessProbe"]["httpGet"]
        base = f"http://127.0.0.1:{http_port}"
        wait_for(
            "liveness probe", lambda: http_get(base + probe["path"])[0] == 200, timeout=90, log=log
        )

        def backed_up() -> bool:
            text = http_get(base + "/metrics")[1]
            value = metric(
                text, "dataops_backup_last_success_timestamp_seconds", engine="pgbackrest"
            )
            return value is not None and value > 0

        wait_for("the sidecar's first backup", backed_up, timeout=600, log=log)
        failures = metric(http_get(base + "/metrics")[1], "dataops_wal_archive_failures_total")
        assert failures is not None

        # drill CronJob's container.
        drill_spec = _pod_spec("CronJob", "dataops-drill")
        drill_pod = Pod(drill_spec, {**folders, "tmp": folders["drill-tmp"]}, hosts)
        drill = subprocess.run(
            drill_pod.command("drill"),
            env=drill_pod.environment("drill", configmaps),
            capture_output=True,
            text=True,
            timeout=600,
        )
        assert drill.returncode == 0, drill.stdout[-3000:] + drill.stderr[-3000:]
        assert "drill: " in drill.stdout and " 0 failed" in drill.stdout
        assert json.loads((folders["scratch"] / "drill.json").read_text())["result"] == "passed"

        # migrate Job's container.
        migrate_pod = Pod(
            _pod_spec("Job", "dataops-migrate"), {**folders, "tmp": folders["migrate-tmp"]}, hosts
        )
        migrated = subprocess.run(
            migrate_pod.command("migrate"),
            env=migrate_pod.environment("migrate", configmaps),
            capture_output=True,
            text=True,
            timeout=300,
        )
        assert migrated.returncode == 0, migrated.stderr
        with psycopg.connect(pg_db) as conn:
            row = conn.execute("SELECT version, dirty FROM schema_migrations").fetchone()
        assert row == (1, False)
    finally:
        if proc is not None:
            proc.send_signal(signal.SIGTERM)
            try:
                proc.wait(timeout=90)
            except subprocess.TimeoutExpired:
                proc.kill()
        server.destroy()
    assert proc.returncode == 0, log.read_text()[-3000:]
