"""deploy/bootstrap.yaml: cfn-lint clean (its IAM actions checked against AWS's catalogue), GitHub's provider,
a role trusted only by this repository's production environment, and a policy that grants make deploy's steps
without wildcards where AWS allows a resource."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from carjunction.api.tables import load_template

ROOT = Path(__file__).resolve().parents[2]
BOOTSTRAP = ROOT / "deploy" / "bootstrap.yaml"
# Actions AWS authorises on no resource narrower than "*" (the service authorisation reference says so).
ONLY_STAR = {
    "cloudformation:ValidateTemplate",
    "ses:GetAccount",
    "secretsmanager:GetRandomPassword",
    "lambda:CreateEventSourceMapping",
    "lambda:UpdateEventSourceMapping",
    "lambda:DeleteEventSourceMapping",
    "logs:DescribeLogGroups",
    "logs:CreateLogDelivery",
    "logs:GetLogDelivery",
    "logs:UpdateLogDelivery",
    "logs:DeleteLogDelivery",
    "logs:ListLogDeliveries",
    "logs:PutResourcePolicy",
    "logs:DescribeResourcePolicies",
}
# What each step of `make deploy` calls, as IAM actions.
DEPLOY_NEEDS = {
    "sam deploy": {
        "cloudformation:CreateChangeSet",
        "cloudformation:ExecuteChangeSet",
        "cloudformation:DescribeStacks",
    },
    "--resolve-s3": {"s3:PutObject", "s3:CreateBucket"},
    "functions": {"iam:PassRole", "iam:CreateRole", "iam:PutRolePolicy", "lambda:CreateFunction"},
    "site sync": {"s3:ListBucket", "s3:PutObject", "s3:DeleteObject"},
    "invalidation": {"cloudfront:CreateInvalidation"},
    "catalogue sync": {"dynamodb:GetItem", "dynamodb:UpdateItem"},
    "secrets step": {"ssm:GetParameter", "ssm:PutParameter"},
    "SES check": {"ses:GetEmailIdentity", "ses:GetAccount"},
}


@pytest.fixture(scope="module")
def bootstrap() -> dict[str, Any]:
    return load_template(BOOTSTRAP)


def statements(template: dict[str, Any]) -> list[dict[str, Any]]:
    return [
        statement
        for resource in template["Resources"].values()
        if resource["Type"] == "AWS::IAM::ManagedPolicy"
        for statement in resource["Properties"]["PolicyDocument"]["Statement"]
    ]


def as_list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else [value]


def test_cfn_lint_passes_with_every_iam_action_known() -> None:
    checker = Path(sys.executable).with_name("cfn-lint")
    result = subprocess.run([str(checker), str(BOOTSTRAP)], capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stdout + result.stderr


def test_cfn_lint_would_catch_a_misspelt_action(tmp_path: Path) -> None:
    broken = tmp_path / "bootstrap.yaml"
    text = BOOTSTRAP.read_text(encoding="utf-8")
    broken.write_text(text.replace("cloudfront:CreateInvalidation", "cloudfront:CreateInvalidations"), encoding="utf-8")
    checker = Path(sys.executable).with_name("cfn-lint")
    result = subprocess.run([str(checker), str(broken)], capture_output=True, text=True, check=False)
    assert "W3037" in result.stdout


def test_githubs_provider_is_made_for_sts(bootstrap: dict[str, Any]) -> None:
    provider = bootstrap["Resources"]["GitHubOidcProvider"]["Properties"]
    assert provider["Url"] == "https://token.actions.githubusercontent.com"
    assert provider["ClientIdList"] == ["sts.amazonaws.com"]


def test_the_role_trusts_only_this_repositorys_production_environment(bootstrap: dict[str, Any]) -> None:
    (trust,) = bootstrap["Resources"]["DeployRole"]["Properties"]["AssumeRolePolicyDocument"]["Statement"]
    assert trust["Action"] == "sts:AssumeRoleWithWebIdentity"
    assert trust["Principal"]["Federated"]["Fn::Sub"].endswith(":oidc-provider/token.actions.githubusercontent.com")
    # StringEquals (no wildcard): one repository, one environment, GitHub's audience for AWS
    assert set(trust["Condition"]) == {"StringEquals"}
    condition = trust["Condition"]["StringEquals"]
    assert condition["token.actions.githubusercontent.com:aud"] == "sts.amazonaws.com"
    assert condition["token.actions.githubusercontent.com:sub"] == {
        "Fn::Sub": "repo:${GitHubRepository}:environment:${GitHubEnvironment}"
    }
    assert bootstrap["Parameters"]["GitHubEnvironment"]["Default"] == "production"


def test_no_action_wildcards_and_star_resources_only_where_aws_allows_nothing_narrower(
    bootstrap: dict[str, Any],
) -> None:
    for statement in statements(bootstrap):
        assert statement["Effect"] == "Allow"
        actions = as_list(statement["Action"])
        assert not any("*" in action for action in actions), statement["Sid"]
        if "*" in as_list(statement["Resource"]):
            assert set(actions) <= ONLY_STAR, statement["Sid"]


def test_every_step_of_the_deploy_is_granted(bootstrap: dict[str, Any]) -> None:
    granted = {action for statement in statements(bootstrap) for action in as_list(statement["Action"])}
    missing = {step: needs - granted for step, needs in DEPLOY_NEEDS.items() if needs - granted}
    assert missing == {}


def test_roles_are_passed_only_to_lambda_and_the_scheduler(bootstrap: dict[str, Any]) -> None:
    (passing,) = [s for s in statements(bootstrap) if "iam:PassRole" in as_list(s["Action"])]
    services = passing["Condition"]["StringEquals"]["iam:PassedToService"]
    assert services == ["lambda.amazonaws.com", "scheduler.amazonaws.com"]
    assert passing["Resource"]["Fn::Sub"].endswith(":role/${StackName}-*")
