"""examples/ci: the scheduled GitHub Actions workflow and the GitLab CI job validate
against their published schemas (the copies bundled with check-jsonschema) and run both
drills with the project's image, publishing the JUnit reports."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
import yaml

REPO = Path(__file__).resolve().parents[2]
CI = REPO / "examples" / "ci"
GITHUB = CI / "github-actions-drill.yml"
GITLAB = CI / "gitlab-ci-drill.yml"


def _validate(schema: str, path: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "check_jsonschema", "--builtin-schema", schema, str(path)],
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.mark.parametrize(
    ("schema", "path"), [("vendor.github-workflows", GITHUB), ("vendor.gitlab-ci", GITLAB)]
)
def test_examples_validate(schema: str, path: Path) -> None:
    result = _validate(schema, path)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "validation done" in result.stdout


@pytest.mark.parametrize(
    ("schema", "path", "old", "new"),
    [
        ("vendor.github-workflows", GITHUB, "timeout-minutes: 240", "timeout-minutes: lots"),
        ("vendor.gitlab-ci", GITLAB, "when: always", "when: sometimes"),
    ],
)
def test_the_schemas_catch_a_broken_file(
    schema: str, path: Path, old: str, new: str, tmp_path: Path
) -> None:
    text = path.read_text()
    assert old in text
    broken = tmp_path / path.name
    broken.write_text(text.replace(old, new))
    result = _validate(schema, broken)
    assert result.returncode == 1, result.stdout + result.stderr


def test_github_workflow_runs_both_drills_and_publishes_junit() -> None:
    data = yaml.safe_load(GITHUB.read_text())
    triggers = data[True] if True in data else data["on"]  # YAML 1.1 reads `on` as True
    assert triggers["schedule"][0]["cron"]
    job = data["jobs"]["drill"]
    assert job["strategy"]["matrix"]["drill"] == ["pg", "files"]
    assert job["container"]["image"].startswith("ghcr.io/dataops/dataops:")
    run = job["steps"][0]["run"]
    assert "dataops drill ${{ matrix.drill }}" in run
    assert "--junit drill-${{ matrix.drill }}.xml" in run
    publish = [s for s in job["steps"] if "junit" in s.get("uses", "")]
    assert publish and publish[0]["if"] == "always()"


def test_gitlab_job_runs_both_drills_and_publishes_junit() -> None:
    job = yaml.safe_load(GITLAB.read_text())["restore-drill"]
    assert job["image"]["name"].startswith("ghcr.io/dataops/dataops:")
    assert {"if": '$CI_PIPELINE_SOURCE == "schedule"'} in job["rules"]
    assert job["parallel"]["matrix"] == [{"DRILL": ["pg", "files"]}]
    assert 'dataops drill "$DRILL"' in job["script"][0]
    assert job["artifacts"]["when"] == "always"
    assert job["artifacts"]["reports"]["junit"] == "drill-$DRILL.xml"
