"""deploy/kubernetes: the kustomization renders (real kustomize, built by scripts/bootstrap),
every object validates against the Kubernetes schemas (kubernetes-validate, strict), the
two Prometheus Operator objects against their own small schemas, and the pod follows the
sidecar rules (shared data volume, engine bundle for archive_command, liveness on /healthz
only, non-root, read-only root filesystem, resources, Secrets by reference only)."""

from __future__ import annotations

import copy
import functools
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import jsonschema
import kubernetes_validate
import pytest
import yaml

from tests.harness.common import go_tool
from tests.unit.test_compose_file import known_variables

REPO = Path(__file__).resolve().parents[2]
KDIR = REPO / "deploy" / "kubernetes"
ALERTS = REPO / "configs" / "prometheus" / "alerts.yml"
K8S_VERSION = "1.30.0"
# Custom resources kubernetes-validate has no schema for: checked by CRD_SCHEMAS below.
CRD_KINDS = {"ServiceMonitor", "PrometheusRule"}
SECRETISH = re.compile(r"PASSWORD|SECRET|TOKEN|PASSPHRASE|ACCESS_KEY|_KEY$|CIPHER_PASS|DSN")

_META = {
    "type": "object",
    "required": ["name"],
    "properties": {"name": {"type": "string"}, "labels": {"type": "object"}},
}
CRD_SCHEMAS: dict[str, dict[str, Any]] = {
    "ServiceMonitor": {
        "type": "object",
        "required": ["apiVersion", "kind", "metadata", "spec"],
        "additionalProperties": False,
        "properties": {
            "apiVersion": {"const": "monitoring.coreos.com/v1"},
            "kind": {"const": "ServiceMonitor"},
            "metadata": _META,
            "spec": {
                "type": "object",
                "required": ["selector", "endpoints"],
                "additionalProperties": False,
                "properties": {
                    "selector": {
                        "type": "object",
                        "required": ["matchLabels"],
                        "properties": {"matchLabels": {"type": "object"}},
                    },
                    "endpoints": {
                        "type": "array",
                        "minItems": 1,
                        "items": {
                            "type": "object",
                            "required": ["port"],
                            "additionalProperties": False,
                            "properties": {
                                "port": {"type": "string"},
                                "path": {"type": "string"},
                                "interval": {"type": "string", "pattern": r"^\d+[smh]$"},
                            },
                        },
                    },
                },
            },
        },
    },
    "PrometheusRule": {
        "type": "object",
        "required": ["apiVersion", "kind", "metadata", "spec"],
        "additionalProperties": False,
        "properties": {
            "apiVersion": {"const": "monitoring.coreos.com/v1"},
            "kind": {"const": "PrometheusRule"},
            "metadata": _META,
            "spec": {
                "type": "object",
                "required": ["groups"],
                "additionalProperties": False,
                "properties": {
                    "groups": {
                        "type": "array",
                        "minItems": 1,
                        "items": {
                            "type": "object",
                            "required": ["name", "rules"],
                            "properties": {
                                "name": {"type": "string"},
                                "interval": {"type": "string"},
                                "rules": {
                                    "type": "array",
                                    "items": {
                                        "type": "object",
                                        "required": ["expr"],
                                        "oneOf": [
                                            {"required": ["alert"]},
                                            {"required": ["record"]},
                                        ],
                                        "additionalProperties": False,
                                        "properties": {
                                            "alert": {"type": "string"},
                                            "record": {"type": "string"},
                                            "expr": {"type": ["string", "integer"]},
                                            "for": {"type": "string"},
                                            "keep_firing_for": {"type": "string"},
                                            "labels": {"type": "object"},
                                            "annotations": {"type": "object"},
                                        },
                                    },
                                },
                            },
                        },
                    }
                },
            },
        },
    },
}


@functools.cache
def _rendered() -> tuple[dict[str, Any], ...]:
    result = subprocess.run(
        [go_tool("kustomize"), "build", str(KDIR)], capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stderr
    return tuple(doc for doc in yaml.safe_load_all(result.stdout) if doc)


def _objects(kind: str) -> list[dict[str, Any]]:
    return [copy.deepcopy(doc) for doc in _rendered() if doc["kind"] == kind]


def _one(kind: str, name: str) -> dict[str, Any]:
    (found,) = [doc for doc in _objects(kind) if doc["metadata"]["name"] == name]
    return found


def _validate(doc: dict[str, Any]) -> None:
    if doc["kind"] in CRD_KINDS:
        jsonschema.validate(doc, CRD_SCHEMAS[doc["kind"]])
    else:
        kubernetes_validate.validate(doc, K8S_VERSION, strict=True)


def test_kustomization_renders_every_resource() -> None:
    kinds = sorted(doc["kind"] for doc in _rendered())
    expected = ["ConfigMap", "ConfigMap", "Service", "Service", "StatefulSet", "CronJob", "Job"]
    assert kinds == sorted([*expected, *CRD_KINDS])
    for doc in _rendered():
        assert doc["metadata"]["labels"]["app.kubernetes.io/part-of"] == "dataops"


@pytest.mark.parametrize("index", range(9))
def test_every_object_validates(index: int) -> None:
    doc = _rendered()[index]
    _validate(doc)


def test_validation_rejects_a_broken_object() -> None:
    """The validators are strict: a misspelt field fails, so a pass means something."""
    sts = _one("StatefulSet", "postgres")
    sts["spec"]["template"]["spec"]["containers"][0]["resource"] = {}
    with pytest.raises(kubernetes_validate.ValidationError):
        _validate(sts)
    rule = _one("PrometheusRule", "dataops")
    rule["spec"]["groups"][0]["rules"][0]["exprr"] = "1"
    with pytest.raises(jsonschema.ValidationError):
        _validate(rule)


def test_prometheusrule_carries_exactly_alerts_yml() -> None:
    rule = _one("PrometheusRule", "dataops")
    assert rule["spec"]["groups"] == yaml.safe_load(ALERTS.read_text())["groups"]
    check = subprocess.run(
        [sys.executable, str(REPO / "scripts" / "gen-prometheusrule"), "--check"],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert check.returncode == 0, check.stderr


def test_servicemonitor_selects_the_metrics_service() -> None:
    monitor = _one("ServiceMonitor", "dataops")
    service = _one("Service", "dataops-metrics")
    wanted = monitor["spec"]["selector"]["matchLabels"]
    assert wanted.items() <= service["metadata"]["labels"].items()
    ports = {port["name"] for port in service["spec"]["ports"]}
    assert {endpoint["port"] for endpoint in monitor["spec"]["endpoints"]} <= ports
    pod = _one("StatefulSet", "postgres")["spec"]["template"]
    assert service["spec"]["selector"].items() <= pod["metadata"]["labels"].items()
    (sidecar,) = [c for c in pod["spec"]["containers"] if c["name"] == "dataops"]
    assert {"name": "metrics", "containerPort": 9187} in sidecar["ports"]


def _containers(pod_spec: dict[str, Any]) -> list[dict[str, Any]]:
    return list(pod_spec.get("initContainers", [])) + list(pod_spec["containers"])


def _pod_specs() -> list[tuple[str, dict[str, Any]]]:
    sts = _one("StatefulSet", "postgres")["spec"]["template"]["spec"]
    cron = _one("CronJob", "dataops-drill")["spec"]["jobTemplate"]["spec"]["template"]["spec"]
    job = _one("Job", "dataops-migrate")["spec"]["template"]["spec"]
    return [("statefulset", sts), ("drill", cron), ("migrate", job)]


def test_sidecar_pod_layout() -> None:
    sts = _one("StatefulSet", "postgres")
    assert sts["spec"]["replicas"] == 1, "one sidecar per primary"
    spec = sts["spec"]["template"]["spec"]
    containers = {c["name"]: c for c in spec["containers"]}
    inits = {c["name"]: c for c in spec["initContainers"]}
    assert set(containers) == {"postgres", "dataops"}
    sidecar, postgres = containers["dataops"], containers["postgres"]
    assert sidecar["args"] == ["dataops", "serve"]
    assert sidecar["image"] == inits["engine"]["image"]
    # Shared data volume (a volumeClaimTemplate) and socket directory.
    mounts = {
        c: {m["name"]: m["mountPath"] for m in containers[c]["volumeMounts"]} for c in containers
    }
    assert mounts["dataops"]["data"] == mounts["postgres"]["data"]
    assert mounts["dataops"]["run"] == mounts["postgres"]["run"] == "/var/run/postgresql"
    claims = {t["metadata"]["name"] for t in sts["spec"]["volumeClaimTemplates"]}
    assert "data" in claims
    # The engine bundle: copied by the init container, run by archive_command.
    (copy_cmd,) = [inits["engine"]["command"]]
    assert copy_cmd[:3] == ["cp", "-a", "/opt/dataops-engine/."]
    (engine_mount,) = [m for m in postgres["volumeMounts"] if m["name"] == "engine"]
    assert engine_mount["readOnly"] is True
    assert inits["engine"]["volumeMounts"][0]["name"] == "engine"
    archive = next(a for a in postgres["args"] if a.startswith("archive_command="))
    engine = archive.removeprefix("archive_command=").split()[0]
    assert engine.startswith(engine_mount["mountPath"] + "/")
    assert Path(engine).name in ("pgbackrest", "wal-g")
    config = re.search(r"--config=(\S+)", archive)
    assert config, archive
    writer = inits["archive-config"]["command"]
    assert writer[-1] == config.group(1), "archive_command reads the file the init container writes"
    assert Path(config.group(1)).parent == Path(mounts["postgres"]["data"]), "beside PGDATA"
    pgdata = {e["name"]: e.get("value") for e in postgres["env"]}["PGDATA"]
    assert Path(pgdata).parent == Path(mounts["postgres"]["data"])


def test_liveness_is_healthz_only() -> None:
    """A failed backup must never restart the database: only the sidecar has a liveness
    probe, and it asks /healthz (process alive), never /readyz or job results."""
    for where, spec in _pod_specs():
        for container in _containers(spec):
            probe = container.get("livenessProbe")
            if container["name"] == "dataops" and where == "statefulset":
                assert probe["httpGet"]["path"] == "/healthz"
                assert set(probe) - {
                    "initialDelaySeconds",
                    "periodSeconds",
                    "timeoutSeconds",
                    "failureThreshold",
                } == {"httpGet"}
            else:
                assert probe is None, f"{where}/{container['name']} has a liveness probe"


def test_security_context_and_resources() -> None:
    for where, spec in _pod_specs():
        pod = spec["securityContext"]
        assert pod["runAsNonRoot"] is True and pod["runAsUser"] == 999, where
        assert pod["seccompProfile"]["type"] == "RuntimeDefault"
        for container in _containers(spec):
            name = f"{where}/{container['name']}"
            ctx = container["securityContext"]
            assert ctx["allowPrivilegeEscalation"] is False, name
            assert ctx["readOnlyRootFilesystem"] is True, name
            assert ctx["capabilities"]["drop"] == ["ALL"], name
            assert container["resources"]["requests"]["memory"], name
            assert container["resources"]["limits"]["memory"], name
            # A read-only root needs a writable /tmp (all but the engine copy's `cp`).
            assert container.get("command", [""])[0] == "cp" or any(
                m["mountPath"] == "/tmp" for m in container["volumeMounts"]
            ), name


def test_secrets_by_reference_only() -> None:
    assert _objects("Secret") == [], "Secrets are created by the operator, never shipped"
    for doc in _objects("ConfigMap"):
        for key, value in doc["data"].items():
            for line in value.splitlines() if "\n" in value else [f"{key}={value}"]:
                name = line.split("=", 1)[0].strip()
                if name and not name.startswith("#"):
                    assert not SECRETISH.search(name.upper()), f"{doc['metadata']['name']}: {name}"
    for where, spec in _pod_specs():
        secret_mounts: dict[str, str] = {}
        volumes = {v["name"]: v for v in spec["volumes"]}
        for container in _containers(spec):
            for mount in container.get("volumeMounts", []):
                if "secret" in volumes.get(mount["name"], {}):
                    secret_mounts[mount["mountPath"]] = mount["name"]
                    assert volumes[mount["name"]]["secret"]["defaultMode"] == 0o400
            for env in container.get("env", []):
                if SECRETISH.search(env["name"]) and not env["name"].endswith("_FILE"):
                    assert "value" not in env, f"{where}: {env['name']} has a literal value"
                if env["name"].endswith("_FILE"):
                    path = env["value"]
                    assert any(path.startswith(m + "/") for m in secret_mounts), (
                        f"{where}/{container['name']}: {env['name']} is not in a mounted Secret"
                    )


def test_drill_cronjob_and_migrate_job() -> None:
    cron = _one("CronJob", "dataops-drill")
    assert cron["spec"]["concurrencyPolicy"] == "Forbid"
    job = cron["spec"]["jobTemplate"]["spec"]
    assert job["backoffLimit"] == 0, "a failed drill is a result, not something to retry"
    (drill,) = job["template"]["spec"]["containers"]
    assert drill["args"][:3] == ["dataops", "drill", "pg"]
    assert "--junit" in drill["args"]
    migrate = _one("Job", "dataops-migrate")
    (container,) = migrate["spec"]["template"]["spec"]["containers"]
    assert container["args"] == ["dataops", "migrate", "up"]


def test_every_dataops_variable_is_a_setting() -> None:
    known = known_variables()
    names = [line.split("=", 1)[0] for line in (KDIR / "dataops.env").read_text().splitlines()]
    names = [n for n in names if n and not n.startswith("#")]
    for _, spec in _pod_specs():
        for container in _containers(spec):
            names += [
                e["name"] for e in container.get("env", []) if "dataops" in container["image"]
            ]
    checked = [n for n in names if n.startswith(("DATAOPS_", "AWS_"))]
    assert len(checked) > 15
    for name in checked:
        assert name in known or name.removesuffix("_FILE") in known, name
