"""docker-compose.test.yml: valid against the Compose Specification schema (the copy bundled
with check-jsonschema), and wired consistently (volumes, secrets, health-gated start order,
the engine bundle in archive_command, Prometheus loading alerts.yml and scraping the
sidecar).  What the sidecar and drill services run is exercised natively by
tests/integration/test_compose_sidecar.py."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import yaml

from dataops.config.settings import Settings, env_name
from dataops.sidecar.config import load_config
from dataops.sidecar.service import job_specs

REPO = Path(__file__).resolve().parents[2]
COMPOSE = REPO / "docker-compose.test.yml"
BIN = Path(sys.executable).parent
SECRETISH = re.compile(r"PASSWORD|SECRET|TOKEN|PASSPHRASE|ACCESS_KEY|ROOT_USER|_KEY$|DSN")


def _compose() -> dict[str, Any]:
    data: dict[str, Any] = yaml.safe_load(COMPOSE.read_text())
    return data


def _check_jsonschema(path: Path) -> subprocess.CompletedProcess[str]:
    tool = shutil.which("check-jsonschema", path=str(BIN)) or shutil.which("check-jsonschema")
    assert tool, "check-jsonschema is missing: it comes with the test extras"
    return subprocess.run(
        [tool, "--builtin-schema", "vendor.compose-spec", str(path)],
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_compose_file_matches_the_compose_specification(tmp_path: Path) -> None:
    result = _check_jsonschema(COMPOSE)
    assert result.returncode == 0, result.stdout + result.stderr
    # The schema bites: an unknown depends_on condition is rejected.
    broken = tmp_path / "docker-compose.yml"
    broken.write_text(
        COMPOSE.read_text().replace("condition: service_healthy", "condition: service_happy", 1)
    )
    result = _check_jsonschema(broken)
    assert result.returncode == 1, result.stdout
    assert "service_happy" in result.stdout + result.stderr


def test_services_volumes_and_secrets_are_wired() -> None:
    data = _compose()
    services: dict[str, dict[str, Any]] = data["services"]
    assert {"postgres", "minio", "createbucket", "dataops", "prometheus", "drill"} <= set(services)
    for name, service in services.items():
        for dep in service.get("depends_on", {}):
            assert dep in services, f"{name} depends on unknown {dep}"
        for mount in service.get("volumes", []):
            source = mount.split(":", 1)[0]
            if source.startswith("./"):
                assert (REPO / source).exists(), f"{name}: {source} does not exist"
            else:
                assert source in data["volumes"], f"{name}: volume {source} is not declared"
        for secret in service.get("secrets", []):
            assert secret in data["secrets"]
        # Secrets come only as *_FILE variables reading a Docker secret this service mounts.
        for key, value in (service.get("environment") or {}).items():
            if SECRETISH.search(key.removesuffix("_FILE")):
                assert key.endswith("_FILE"), f"{name}: {key} is a secret given as a value"
                match = re.fullmatch(r"/run/secrets/(\w+)", str(value))
                assert match and match.group(1) in service.get("secrets", []), f"{name}: {key}"
        if "healthcheck" not in service and service.get("restart") != "no":
            assert service.get("profiles"), f"long-running {name} has no healthcheck"
    for secret in data["secrets"].values():
        assert (REPO / secret["file"]).is_file()


def test_start_order_is_health_gated() -> None:
    services = _compose()["services"]
    one_shots = {n for n, s in services.items() if s.get("restart") == "no"}
    for name, service in services.items():
        for dep, how in service.get("depends_on", {}).items():
            expected = "service_completed_successfully" if dep in one_shots else "service_healthy"
            assert how == {"condition": expected}, f"{name} -> {dep}"
    assert "postgres" in services["dataops"]["depends_on"]


def test_postgres_archives_through_the_engine_bundle() -> None:
    services = _compose()["services"]
    postgres, engine = services["postgres"], services["engine"]
    assert engine["command"][:3] == ["cp", "-a", "/opt/dataops-engine/."]
    engine_volume = engine["volumes"][0].split(":")[0]
    mounts = {m.split(":")[0]: m.split(":")[1] for m in postgres["volumes"]}
    archive = next(a for a in postgres["command"] if a.startswith("archive_command="))
    binary = archive.removeprefix("archive_command=").split()[0]
    assert binary == f"{mounts[engine_volume]}/pgbackrest"
    assert postgres["image"].startswith("postgres:15.")
    assert services["dataops"]["build"]["args"]["PG_MAJOR"] == "15", "pg_dump matches the server"
    config = re.search(r"--config=(\S+)", archive)
    assert config and services["archive-config"]["command"][-1] == config.group(1)
    env = services["dataops"]["environment"]
    assert env["DATAOPS_PG_BACKUP_ENGINE"] == "pgbackrest"
    assert env["DATAOPS_PGBACKREST_CONFIG"] == config.group(1)
    # The sidecar sees PGDATA and the socket at the paths PostgreSQL uses.
    sidecar = {m.split(":")[0]: m.split(":")[1] for m in services["dataops"]["volumes"]}
    assert sidecar["pgdata"] == mounts["pgdata"] and sidecar["pgrun"] == mounts["pgrun"]
    assert env["DATAOPS_PG_DATA"].startswith(mounts["pgdata"] + "/")
    assert env["DATAOPS_PG_DATA"] == postgres["environment"]["PGDATA"]
    # The official image declares VOLUME /var/lib/postgresql/data: anything mounted above it
    # would be shadowed by an anonymous volume there.
    assert mounts["pgdata"] == "/var/lib/postgresql/data"


def test_sidecar_prometheus_and_drill() -> None:
    services = _compose()["services"]
    sidecar = services["dataops"]
    assert sidecar["command"] == ["dataops", "serve"]
    assert "9187:9187" in sidecar["ports"]
    assert "/healthz" in " ".join(sidecar["healthcheck"]["test"])
    prom = services["prometheus"]
    (config_mount,) = [m for m in prom["volumes"] if m.startswith("./configs/prometheus:")]
    assert config_mount.split(":")[1] == "/etc/prometheus"
    prom_config = yaml.safe_load((REPO / "configs/prometheus/prometheus.yml").read_text())
    assert prom_config["rule_files"] == ["alerts.yml"]
    targets = [
        t
        for job in prom_config["scrape_configs"]
        for c in job["static_configs"]
        for t in c["targets"]
    ]
    assert "dataops:9187" in targets
    drill = services["drill"]
    assert drill["command"][:3] == ["dataops", "drill", "pg"]
    assert drill["profiles"] == ["drill"], "run on demand: docker compose run --rm drill"


def test_make_certs_gives_minio_a_certificate_signed_by_the_ca(tmp_path: Path) -> None:
    script = REPO / "deploy" / "compose" / "make-certs.sh"
    services = _compose()["services"]
    assert services["certs"]["command"][-1] == "/certs"
    assert "--certs-dir" in services["minio"]["command"]
    out = tmp_path / "certs"
    cas = []
    for _ in range(2):  # idempotent: the second run keeps the first CA
        result = subprocess.run(
            ["sh", str(script), str(out)], capture_output=True, text=True, timeout=60
        )
        assert result.returncode == 0, result.stderr
        cas.append((out / "ca.crt").read_bytes())
    assert cas[0] == cas[1]
    assert oct((out / "minio" / "private.key").stat().st_mode & 0o777) == "0o600"
    assert not list(out.rglob("*ca.key")), "the CA key does not outlive the signing"
    verify = subprocess.run(
        ["openssl", "verify", "-CAfile", str(out / "ca.crt"), str(out / "minio" / "public.crt")],
        capture_output=True,
        text=True,
        timeout=30,
    )
    assert verify.returncode == 0, verify.stderr
    text = subprocess.run(
        [
            "openssl",
            "x509",
            "-noout",
            "-ext",
            "subjectAltName",
            "-in",
            str(out / "minio" / "public.crt"),
        ],
        capture_output=True,
        text=True,
        timeout=30,
    ).stdout
    assert "DNS:minio" in text and "IP Address:127.0.0.1" in text


def test_sidecar_job_files() -> None:
    """The compose and Kubernetes sidecar.yaml load with dataops serve's own loader and
    schedule the same PostgreSQL jobs (drills run as their own service / CronJob)."""
    loaded = {}
    for where in ("compose", "kubernetes"):
        config = load_config(REPO / "deploy" / where / "sidecar.yaml", job_specs(), {})
        loaded[where] = {
            job.name: (job.schedule.text if job.schedule else None, job.options)
            for job in config.enabled()
        }
    assert loaded["compose"] == loaded["kubernetes"]
    assert set(loaded["compose"]) == {"pg_backup", "pg_retain", "pg_verify", "pg_archiver"}
    mount = _compose()["services"]["dataops"]["volumes"]
    assert "./deploy/compose/sidecar.yaml:/etc/dataops/sidecar.yaml:ro" in mount
    env = _compose()["services"]["dataops"]["environment"]
    assert env["DATAOPS_SIDECAR_CONFIG"] == "/etc/dataops/sidecar.yaml"


def known_variables() -> set[str]:
    return {env_name(name, field) for name, field in Settings.model_fields.items()}


def test_every_dataops_variable_is_a_setting() -> None:
    known = known_variables()
    services = _compose()["services"]
    for name, service in services.items():
        if "build" not in service:
            continue  # not the dataops image
        for key in service.get("environment") or {}:
            if key.startswith(("DATAOPS_", "AWS_")):
                assert key in known or key.removesuffix("_FILE") in known, f"{name}: {key}"


def test_images_are_pinned_and_majors_agree() -> None:
    """No floating tags, and one PostgreSQL major everywhere: the image's PG_MAJOR, the
    compose and Kubernetes database images (pg_dump and the drills must match it)."""
    dockerfile = (REPO / "Dockerfile").read_text()
    (major,) = re.findall(r"^ARG PG_MAJOR=(\d+)$", dockerfile, flags=re.MULTILINE)
    images = [s["image"] for s in _compose()["services"].values() if "image" in s]
    kustomization = yaml.safe_load((REPO / "deploy/kubernetes/kustomization.yaml").read_text())
    tags = {i["name"]: i["newTag"] for i in kustomization["images"]}
    for image in [*images, *(f"{k}:{v}" for k, v in tags.items())]:
        if image.startswith("${DATAOPS_IMAGE"):
            continue
        tag = image.partition(":")[2]
        assert tag and tag != "latest" and re.search(r"\d", tag), image
    postgres = next(i for i in images if i.startswith("postgres:"))
    assert postgres.split(":")[1].split(".")[0] == major
    assert tags["postgres"].split(".")[0] == major
    assert _compose()["services"]["dataops"]["build"]["args"]["PG_MAJOR"] == major
