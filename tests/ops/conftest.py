"""AWS services for the deploy tests: moto, in process, with fake credentials (never the network)."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

if TYPE_CHECKING:
    from tests.ops.admin_world import World

REGION = "us-east-1"


@pytest.fixture
def aws(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    from moto import mock_aws  # noqa: PLC0415 - only the deploy tests need it

    for name in ("AWS_PROFILE", "AWS_SESSION_TOKEN", "AWS_SECURITY_TOKEN"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    monkeypatch.setenv("AWS_DEFAULT_REGION", REGION)
    with mock_aws():
        yield


def client(service: str) -> Any:
    import boto3  # noqa: PLC0415

    # Any: boto3-stubs (with the API) types client() per literal service name, not for a variable.
    make: Any = boto3.client
    return make(service, region_name=REGION)


def new_bucket(s3: Any) -> str:
    name = f"site-{uuid.uuid4().hex[:12]}"
    s3.create_bucket(Bucket=name)
    return name


def new_distribution(cloudfront: Any, bucket: str) -> str:
    response = cloudfront.create_distribution(
        DistributionConfig={
            "CallerReference": uuid.uuid4().hex,
            "Comment": "test",
            "Enabled": True,
            "Origins": {
                "Quantity": 1,
                "Items": [
                    {
                        "Id": "site",
                        "DomainName": f"{bucket}.s3.amazonaws.com",
                        "S3OriginConfig": {"OriginAccessIdentity": ""},
                    }
                ],
            },
            "DefaultCacheBehavior": {"TargetOriginId": "site", "ViewerProtocolPolicy": "redirect-to-https"},
        }
    )
    return str(response["Distribution"]["Id"])


def invalidated(cloudfront: Any, distribution_id: str) -> list[list[str]]:
    """The paths of every invalidation created on the distribution."""
    summaries = cloudfront.list_invalidations(DistributionId=distribution_id)["InvalidationList"].get("Items", [])
    batches = []
    for summary in summaries:
        detail = cloudfront.get_invalidation(DistributionId=distribution_id, Id=summary["Id"])
        batches.append(sorted(detail["Invalidation"]["InvalidationBatch"]["Paths"]["Items"]))
    return batches


@pytest.fixture
def world(aws: None, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> World:
    """The API's tables on moto, for the admin tests; data is made through the API's own handlers."""
    from tests.api.conftest import make_api  # noqa: PLC0415 - only the admin tests need the API
    from tests.ops.admin_world import T0, World  # noqa: PLC0415

    world = World(make_api(tmp_path), capsys)
    world.at(T0)
    return world
