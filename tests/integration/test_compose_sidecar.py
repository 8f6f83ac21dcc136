"""docker-compose.test.yml, run natively: there is no Docker engine here, so this test reads
the compose file and runs what its services run, with exactly their commands and
environments, on the harness's loopback services:

* container paths are mapped through the services' own volume lists (a named volume is a
  folder here, a bind mount is the repository file, a Docker secret a 0600 file);
* host names are mapped to the loopback services (``minio:9000`` -> the harness's TLS
  MinIO, the published ``9187`` -> a free port), and ``PGPORT`` stands for the container's
  default port 5432 (the harness's PostgreSQL listens on a free one).

Then: the engine bundle is copied as the ``engine`` service does, ``archive-config`` writes
the pgBackRest config, PostgreSQL archives through the bundled binary with the compose
file's ``archive_command``, ``dataops serve`` serves /healthz and /metrics and completes a
backup, Prometheus (configs/prometheus/prometheus.yml) loads the alert rules and scrapes
it, and the ``drill`` service's command restores that backup and passes.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
from collections.abc import Callable, Iterator, Mapping
from pathlib import Path
from typing import Any

import pytest
import yaml

from tests.harness.common import free_port, service_dir, stop_process, wait_for
from tests.harness.minio import MinioServer, start_minio
from tests.harness.postgres import OS_USER, PgServer, start_postgres
from tests.integration.sidecar_support import http_get, map_paths, metric

pytestmark = pytest.mark.integration

REPO = Path(__file__).resolve().parents[2]
COMPOSE = REPO / "docker-compose.test.yml"
BIN = Path(sys.executable).parent


class Stack:
    """The compose file's view of the world, mapped onto this machine."""

    def __init__(self, compose: dict[str, Any], volumes: Mapping[str, Path], secrets: Path):
        self.compose = compose
        self.volumes = volumes
        self.secrets = secrets
        self.hosts: dict[str, str] = {}
        self.image: dict[str, str] = {}  # paths inside the dataops image itself
        self.tmp: dict[str, Path] = {}

    def service(self, name: str) -> dict[str, Any]:
        service: dict[str, Any] = self.compose["services"][name]
        return service

    def paths(self, name: str) -> list[tuple[str, str]]:
        """(container path, native path) of the service's mounts, longest first."""
        out = {**self.image, "/run/secrets": str(self.secrets)}  # a mount shadows the image
        for mount in self.service(name).get("volumes", []):
            source, target = mount.split(":")[:2]
            native = REPO / source if source.startswith("./") else self.volumes[source]
            out[target] = str(native)
        return sorted(out.items(), key=lambda pair: len(pair[0]), reverse=True)

    def translate(self, name: str, value: str) -> str:
        for host, loopback in self.hosts.items():
            value = value.replace(host, loopback)
        return map_paths(value, dict(self.paths(name)))

    def command(self, name: str) -> list[str]:
        argv = [self.translate(name, str(arg)) for arg in self.service(name)["command"]]
        if argv[0] == "dataops":
            argv[0] = str(BIN / "dataops")
        return argv

    def environment(self, name: str) -> dict[str, str]:
        env = self.service(name).get("environment") or {}
        out = {key: self.translate(name, str(value)) for key, value in env.items()}
        # Each container has a /tmp (and lock files in it) of its own.
        tmp = self.tmp.setdefault(name, service_dir(f"tmp-{name}", OS_USER))
        return {"TMPDIR": str(tmp), **out}


def _base_env() -> dict[str, str]:
    keep = ("PATH", "HOME", "LANG", "LC_ALL", "DATAOPS_TEST_TOOLS_BIN")
    return {k: v for k, v in os.environ.items() if k in keep}


@pytest.fixture
def own_minio() -> Iterator[MinioServer]:
    """A MinIO of its own: the compose file's bucket and prefix are fixed names."""
    server = start_minio(tls=True)
    yield server
    server.destroy()


@pytest.fixture
def stack(own_minio: MinioServer) -> Iterator[tuple[Stack, dict[str, Path]]]:
    compose = yaml.safe_load(COMPOSE.read_text())
    dirs: dict[str, Path] = {}
    for volume in compose["volumes"]:
        if volume != "pgdata":  # PostgreSQL's volume is the harness cluster's folder
            dirs[volume] = service_dir(f"vol-{volume}", OS_USER)
    secrets = service_dir("secrets")
    for name, spec in compose["secrets"].items():
        value = {
            "s3_access_key_id": own_minio.access_key,
            "s3_secret_access_key": own_minio.secret_key,
        }.get(name) or (REPO / spec["file"]).read_text().strip()
        (secrets / name).write_text(value + "\n")
        (secrets / name).chmod(0o600)
    assert own_minio.ca_file is not None
    shutil.copy(own_minio.ca_file, dirs["certs"] / "ca.crt")
    (dirs["certs"] / "ca.crt").chmod(0o644)
    st = Stack(compose, dirs, secrets)
    yield st, dirs
    for path in [*dirs.values(), secrets, *st.tmp.values()]:
        shutil.rmtree(path, ignore_errors=True)


@pytest.fixture
def servers() -> Iterator[list[PgServer]]:
    started: list[PgServer] = []
    yield started
    for server in started:
        server.destroy()


@pytest.mark.timeout(900)
def test_compose_stack_natively(
    stack: tuple[Stack, dict[str, Path]],
    own_minio: MinioServer,
    servers: list[PgServer],
    run_cli: Callable[..., subprocess.CompletedProcess[str]],
) -> None:
    st, dirs = stack
    http_port = free_port()
    st.hosts = {
        "minio:9000": f"127.0.0.1:{own_minio.port}",
        "0.0.0.0:9187": f"127.0.0.1:{http_port}",
    }

    # createbucket: the bucket the environment names.
    env_compose = st.service("dataops")["environment"]
    own_minio.create_bucket(env_compose["DATAOPS_S3_BUCKET"])

    # engine: the image's bundle (Dockerfile: install-tools engine-bundle), copied by the
    # service's own command into the volume PostgreSQL mounts.
    image_engine = service_dir("image-engine")
    bundle = subprocess.run(
        [
            str(REPO / "scripts" / "install-tools"),
            "engine-bundle",
            str(image_engine / "opt"),
            "pgbackrest",
            "wal-g",
        ],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert bundle.returncode == 0, bundle.stderr
    st.image = {"/opt/dataops-engine": str(image_engine / "opt")}
    copy = st.command("engine")
    assert copy[:2] == ["cp", "-a"]
    assert subprocess.run(copy, timeout=60).returncode == 0
    assert os.access(dirs["engine"] / "pgbackrest", os.X_OK)

    # postgres: the compose file's settings; archive_command is set once the cluster's
    # folder (the pgdata volume) exists, then reloaded.
    pgdata = Path(st.service("postgres")["environment"]["PGDATA"])
    server = start_postgres(
        {"archive_mode": "on", "archive_timeout": "60", "archive_command": "'/bin/false'"},
        data_name=pgdata.name,
    )
    servers.append(server)
    st.volumes = {**st.volumes, "pgdata": server.root, "pgrun": server.socket_dir}
    settings = dict(arg.split("=", 1) for arg in st.service("postgres")["command"] if "=" in arg)
    assert settings["archive_mode"] == "on"
    assert st.translate("postgres", settings["unix_socket_directories"]) == str(server.socket_dir)
    archive_command = st.translate("postgres", settings["archive_command"])
    assert archive_command.startswith(str(dirs["engine"] / "pgbackrest") + " ")

    env = {**_base_env(), **st.environment("dataops"), "PGPORT": str(server.port)}
    assert env["DATAOPS_PG_DATA"] == str(server.datadir)

    # archive-config: writes the engine config where archive_command reads it.
    writer = st.command("archive-config")
    assert st.service("archive-config")["environment"] == env_compose
    writer_env = {**_base_env(), **st.environment("archive-config"), "PGPORT": str(server.port)}
    written = subprocess.run(writer, env=writer_env, capture_output=True, text=True, timeout=300)
    assert written.returncode == 0, written.stderr
    config = Path(writer[-1])
    assert config.stat().st_mode & 0o777 == 0o600
    assert f"--config={config}" in archive_command
    assert "stanza_deferred" not in written.stderr, "the stanza is created with the config"
    server.execute(f"ALTER SYSTEM SET archive_command = '{archive_command}'")
    server.execute("SELECT pg_reload_conf()")
    server.execute("CREATE TABLE app_orders (id serial PRIMARY KEY, note text)")
    server.execute(
        "INSERT INTO app_orders (note) SELECT 'order ' || g FROM generate_series(1, 500) g"
    )
    segment = str(server.execute("SELECT pg_walfile_name(pg_switch_wal())")[0][0])
    wait_for(
        "WAL archived through the engine bundle",
        lambda: (
            (server.execute("SELECT last_archived_wal FROM pg_stat_archiver")[0][0] or "")
            >= segment
        ),
        timeout=120,
        log=server.logfile,
    )

    # dataops (the sidecar): exactly its command and environment.
    command = st.command("dataops")
    assert command[1:] == ["serve"]
    log = dirs["dataops-state"] / "serve.log"
    with log.open("wb") as out:
        proc = subprocess.Popen(command, env=env, stdout=out, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{http_port}"
    token = (st.secrets / "admin_token").read_text().strip()
    prometheus: subprocess.Popen[bytes] | None = None
    try:
        wait_for(
            "dataops serve /healthz",
            lambda: http_get(base + "/healthz")[0] == 200,
            timeout=90,
            log=log,
        )
        status, metrics = http_get(base + "/metrics")
        assert status == 200 and "dataops_build_info" in metrics
        code, body = http_get(base + "/jobs/pg_backup/run", token=token, method="POST")
        assert code in (200, 202), body

        def backed_up() -> bool:
            text = http_get(base + "/metrics")[1]
            value = metric(
                text, "dataops_backup_last_success_timestamp_seconds", engine="pgbackrest"
            )
            return value is not None and value > 0

        wait_for("a completed backup in /metrics", backed_up, timeout=600, log=log)
        listed = run_cli("backup", "pg", "list", "--json", env=env)
        assert listed.returncode == 0, listed.stderr
        assert json.loads(listed.stdout), "the backup is listed"  # (+ the overdue run, maybe)

        # prometheus: configs/prometheus/ as the service mounts it, the target mapped.
        prom_dir = service_dir("prometheus")
        for name in ("prometheus.yml", "alerts.yml"):
            text = (REPO / "configs" / "prometheus" / name).read_text()
            (prom_dir / name).write_text(text.replace("dataops:9187", f"127.0.0.1:{http_port}"))
        prom_port = free_port()
        prometheus = subprocess.Popen(
            [
                shutil.which("prometheus") or "/usr/bin/prometheus",
                f"--config.file={prom_dir / 'prometheus.yml'}",
                f"--storage.tsdb.path={prom_dir / 'data'}",
                f"--web.listen-address=127.0.0.1:{prom_port}",
            ],
            stdout=subprocess.DEVNULL,
            stderr=(prom_dir / "prometheus.log").open("wb"),
        )
        papi = f"http://127.0.0.1:{prom_port}/api/v1"

        def scraped() -> bool:
            targets = json.loads(http_get(papi + "/targets")[1])["data"]["activeTargets"]
            return any(t["labels"]["job"] == "dataops" and t["health"] == "up" for t in targets)

        wait_for(
            "Prometheus scraping the sidecar", scraped, timeout=120, log=prom_dir / "prometheus.log"
        )
        groups = json.loads(http_get(papi + "/rules")[1])["data"]["groups"]
        alerts = yaml.safe_load((REPO / "configs" / "prometheus" / "alerts.yml").read_text())
        assert {g["name"] for g in groups} == {g["name"] for g in alerts["groups"]}

        # drill: the one-shot service's command and environment; it must pass.
        drill_env = {**_base_env(), **st.environment("drill"), "PGPORT": str(server.port)}
        drill = subprocess.run(
            st.command("drill"), env=drill_env, capture_output=True, text=True, timeout=600
        )
        assert drill.returncode == 0, drill.stdout[-3000:] + drill.stderr[-3000:]
        report = json.loads((dirs["drill-reports"] / "drill.json").read_text())
        assert report["result"] == "passed", report
        assert report["counts"]["failed"] == 0
        assert (dirs["drill-reports"] / "drill.xml").read_text().startswith("<?xml")
    finally:
        if prometheus is not None:
            stop_process(prometheus, timeout=20)
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(timeout=90)
        except subprocess.TimeoutExpired:
            proc.kill()
    assert proc.returncode == 0, log.read_text()[-3000:]
