"""After the catalogue sync, the deploy starts the alert job once (asynchronously), so that the cars it listed are
announced now; a job that cannot be started is reported and the deploy finishes. On moto; the Lambda calls are
read from the client's own request hook (moto's Lambda answers Event invocations without running anything)."""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import boto3
import pytest
from botocore.config import Config

from carjunction.catalogue import Catalogue
from carjunction.local.dynamodb import free_port
from carjunction.ops.deploy import Clients, DeploySettings, deploy
from carjunction.ops.stack_outputs import OUTPUT_ALERTS_FUNCTION
from tests.support.aws_ops import CONTENT, LEAKING, REGION, client, invalidated, new_bucket, new_distribution


@pytest.fixture(autouse=True)
def aws(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """As tests/ops/conftest.py's, with moto's Lambda answering invocations without running a function (docker)."""
    from moto import mock_aws  # noqa: PLC0415

    for name in LEAKING:
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    monkeypatch.setenv("AWS_DEFAULT_REGION", REGION)
    with mock_aws(config={"lambda": {"use_docker": False}}):
        yield


class Steps:
    """What the deploy did, in order: catalogue syncs and Lambda invocations."""

    def __init__(self) -> None:
        self.done: list[tuple[str, Any]] = []

    def sync(self, dynamodb: Any, table_name: str, catalogue: Catalogue) -> int:
        self.done.append(("sync", table_name))
        return len(catalogue.vehicles)

    def watch(self, lambda_client: Any) -> Any:
        def record(params: dict[str, Any], **_: Any) -> None:
            self.done.append(("invoke", {k: params[k] for k in ("FunctionName", "InvocationType")}))

        lambda_client.meta.events.register("before-parameter-build.lambda.Invoke", record)
        return lambda_client


def a_stack(outputs: dict[str, str]) -> tuple[str, str, str]:
    """A deployed stack with a site built for it: (stack name, bucket, distribution)."""
    bucket = new_bucket(client("s3"))
    distribution = new_distribution(client("cloudfront"), bucket)
    name = f"cj-{uuid.uuid4().hex[:8]}"
    values = {"SiteBucketName": bucket, "DistributionId": distribution, "DataTableName": "cj-data", **outputs}
    template = {
        "Resources": {"Nothing": {"Type": "AWS::SNS::Topic"}},
        "Outputs": {key: {"Value": value} for key, value in values.items()},
    }
    client("cloudformation").create_stack(StackName=name, TemplateBody=json.dumps(template))
    return name, bucket, distribution


def settings_for(stack: str, tmp_path: Path) -> DeploySettings:
    site = tmp_path / "site"
    site.mkdir(exist_ok=True)
    (site / "index.html").write_text(f"<h1>{uuid.uuid4().hex}</h1>", encoding="utf-8")
    return DeploySettings(stack_name=stack, content_dir=CONTENT, site_dir=site, skip_build=True)


def clients(lambda_client: Any | None) -> Clients:
    return Clients(
        s3=client("s3"),
        cloudfront=client("cloudfront"),
        cloudformation=client("cloudformation"),
        dynamodb=client("dynamodb"),
        lambda_=lambda_client,
    )


def test_the_alert_job_is_started_once_asynchronously_after_the_catalogue_sync(tmp_path: Path) -> None:
    # Given a stack whose outputs name its alert job
    stack, _, distribution = a_stack({OUTPUT_ALERTS_FUNCTION: "cj-AlertsFunction-abc"})
    steps = Steps()
    lines: list[str] = []
    # When it is deployed
    report = deploy(
        settings_for(stack, tmp_path),
        clients(steps.watch(client("lambda"))),
        sam_available=False,
        catalogue_sync=steps.sync,
        say=lines.append,
    )
    # Then the job was invoked once, without waiting for it, after the catalogue sync
    assert steps.done == [
        ("sync", "cj-data"),
        ("invoke", {"FunctionName": "cj-AlertsFunction-abc", "InvocationType": "Event"}),
    ]
    assert report.alerts_started is True and report.alerts_problem is None
    assert any("alert job cj-AlertsFunction-abc started" in line for line in lines)
    assert len(invalidated(client("cloudfront"), distribution)) == 1


def test_a_job_that_cannot_be_started_is_reported_and_the_deploy_finishes(tmp_path: Path) -> None:
    # Given a stack with its alert job, and a Lambda endpoint that cannot be reached
    stack, _, distribution = a_stack({OUTPUT_ALERTS_FUNCTION: "cj-AlertsFunction-abc"})
    config = Config(connect_timeout=1, read_timeout=1, retries={"total_max_attempts": 1})
    unreachable = boto3.client(
        "lambda", region_name=REGION, config=config, endpoint_url=f"http://127.0.0.1:{free_port()}"
    )
    lines: list[str] = []
    # When it is deployed
    report = deploy(
        settings_for(stack, tmp_path),
        clients(unreachable),
        sam_available=False,
        catalogue_sync=Steps().sync,
        say=lines.append,
    )
    # Then the deploy went on to the invalidation, and says the job was not started and when it will run
    assert report.vehicles_synced and report.alerts_started is False
    assert report.alerts_problem is not None and "EndpointConnectionError" in report.alerts_problem
    assert any("WARNING: alert job not started" in line and "hourly run" in line for line in lines)
    assert len(invalidated(client("cloudfront"), distribution)) == 1


def test_a_stack_without_the_alert_job_is_reported_not_fatal(tmp_path: Path) -> None:
    # Given a stack deployed before the alert job existed
    stack, _, _ = a_stack({})
    steps = Steps()
    report = deploy(
        settings_for(stack, tmp_path),
        clients(steps.watch(client("lambda"))),
        sam_available=False,
        catalogue_sync=steps.sync,
        say=lambda _: None,
    )
    assert [kind for kind, _ in steps.done] == ["sync"]
    assert report.alerts_problem is not None and OUTPUT_ALERTS_FUNCTION in report.alerts_problem


def test_the_job_is_found_from_the_stack_when_the_targets_are_given_as_options(tmp_path: Path) -> None:
    # Given bucket, distribution and table given as options (the stack's outputs are not otherwise read)
    stack, bucket, distribution = a_stack({OUTPUT_ALERTS_FUNCTION: "cj-AlertsFunction-xyz"})
    settings = settings_for(stack, tmp_path).model_copy(
        update={"bucket": bucket, "distribution_id": distribution, "table_name": "cj-data"}
    )
    steps = Steps()
    report = deploy(
        settings, clients(steps.watch(client("lambda"))), sam_available=False, catalogue_sync=steps.sync, say=print
    )
    assert report.alerts_started is True
    assert ("invoke", {"FunctionName": "cj-AlertsFunction-xyz", "InvocationType": "Event"}) in steps.done


def test_without_a_catalogue_sync_no_job_is_started(tmp_path: Path) -> None:
    stack, _, _ = a_stack({OUTPUT_ALERTS_FUNCTION: "cj-AlertsFunction-abc"})
    steps = Steps()
    report = deploy(
        settings_for(stack, tmp_path), clients(steps.watch(client("lambda"))), sam_available=False, say=print
    )
    assert steps.done == [] and report.alerts_started is False and report.alerts_problem is None


def test_without_a_lambda_client_the_deploy_says_the_job_was_not_started(tmp_path: Path) -> None:
    stack, _, _ = a_stack({OUTPUT_ALERTS_FUNCTION: "cj-AlertsFunction-abc"})
    lines: list[str] = []
    report = deploy(
        settings_for(stack, tmp_path), clients(None), sam_available=False, catalogue_sync=Steps().sync, say=lines.append
    )
    assert report.alerts_problem == "no Lambda client"
    assert any("alert job not started: no Lambda client" in line for line in lines)
