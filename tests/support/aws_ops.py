"""AWS for the deploy tests: boto3 clients on moto (the `aws` fixture in tests/ops/conftest.py mocks it, with
fake credentials, never the network), a bucket and distribution to deploy to, and what moto does not model."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest

REGION = "us-east-1"
CONTENT = Path(__file__).resolve().parents[2] / "content"
# What a developer's shell may hold that would send a test's calls elsewhere, or change what they do.
LEAKING = ("AWS_PROFILE", "AWS_SESSION_TOKEN", "AWS_SECURITY_TOKEN", "AWS_ENDPOINT_URL", "CARJUNCTION_PHOTOS")


@contextmanager
def fake_aws(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """AWS on moto, in process, with fake credentials and nothing from the developer's environment."""
    from moto import mock_aws  # noqa: PLC0415 - only the tests that deploy or publish need it

    for name in LEAKING:
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


class SesWithAccount:
    """moto's SES v2 client, plus the account state moto does not model (its GetAccount is not implemented)."""

    def __init__(self, *, production: bool) -> None:
        self.client = client("sesv2")
        self.production = production

    def get_account(self) -> dict[str, Any]:
        return {"ProductionAccessEnabled": self.production, "SendingEnabled": True}

    def __getattr__(self, name: str) -> Any:
        return getattr(self.client, name)


def verify_in_moto(identity: str) -> None:
    """What SES does once the DKIM records are seen in DNS (or the address's link is opened)."""
    from moto.core.models import DEFAULT_ACCOUNT_ID  # noqa: PLC0415
    from moto.sesv2.models import sesv2_backends  # noqa: PLC0415

    backend = sesv2_backends[DEFAULT_ACCOUNT_ID][REGION].core_backend
    backend.email_identities[identity].verified_for_sending_status = True
