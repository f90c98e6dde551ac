"""CloudFront's X-Origin-Verify value comes from Secrets Manager (template.yaml's OriginVerifySecret): the viewer
address CloudFront reports is trusted only on requests carrying that value, and the value is read once per five
minutes, not per request. On moto."""

from __future__ import annotations

import uuid
from http import HTTPStatus
from pathlib import Path
from typing import Any

import boto3
import pytest

from carjunction.api.deps import build_deps
from tests.support.api import REGION, Api, event, inquiry, make_api

SECRET = uuid.uuid4().hex + uuid.uuid4().hex


@pytest.fixture
def secret_arn(aws: None) -> str:
    client = boto3.session.Session(region_name=REGION).client("secretsmanager")
    return str(client.create_secret(Name=f"origin-verify-{uuid.uuid4().hex[:8]}", SecretString=SECRET)["ARN"])


def through_cloudfront(viewer: str, edge: str, value: str = SECRET) -> dict[str, Any]:
    headers = {"cloudfront-viewer-address": f"{viewer}:41234", "x-origin-verify": value}
    return event("POST", "/api/inquiries", inquiry(), headers=headers, source_ip=edge)


def test_the_viewer_address_is_trusted_only_with_the_secret_s_value(secret_arn: str, tmp_path: Path) -> None:
    # Given the functions configured with the secret's ARN only, and one inquiry allowed per address and hour
    api: Api = make_api(tmp_path, origin_verify_secret_id=secret_arn, inquiries_per_hour=1)
    assert api.deps.settings.origin_verify == ""
    # When a viewer's inquiry comes through one CloudFront edge, then through another
    assert api.call("inquiry", through_cloudfront("203.0.113.7", edge="10.0.0.1")).status == HTTPStatus.CREATED
    again = api.call("inquiry", through_cloudfront("203.0.113.7", edge="10.0.0.2"))
    # Then it is the viewer who is counted, whichever edge it came through
    assert again.status == HTTPStatus.TOO_MANY_REQUESTS
    # And a caller with a wrong value is counted by its own address, whatever viewer it names
    forged = api.call("inquiry", through_cloudfront("198.51.100.1", edge="10.0.9.9", value="guess"))
    assert forged.status == HTTPStatus.CREATED
    forged_again = api.call("inquiry", through_cloudfront("198.51.100.2", edge="10.0.9.9", value="guess"))
    assert forged_again.status == HTTPStatus.TOO_MANY_REQUESTS


def test_the_secret_is_read_once_and_kept_five_minutes(secret_arn: str, tmp_path: Path) -> None:
    # Given functions whose Secrets Manager calls are counted
    api = make_api(tmp_path, origin_verify_secret_id=secret_arn)
    reads: list[str] = []
    session = boto3.session.Session(region_name=REGION)
    session.events.register("before-call.secrets-manager.GetSecretValue", lambda **_: reads.append("read"))
    api.deps = build_deps(api.deps.settings, session)
    # When ten requests come through CloudFront, and the secret changes in between
    for index in range(5):
        api.call("inquiry", through_cloudfront(f"203.0.113.{index}", edge="10.0.0.1"))
    session.client("secretsmanager").put_secret_value(SecretId=secret_arn, SecretString="rotated" * 8)
    for index in range(5, 10):
        api.call("inquiry", through_cloudfront(f"203.0.113.{index}", edge="10.0.0.1"))
    # Then the secret was read once (the cache holds it for five minutes, like the cookie key)
    assert reads == ["read"]
    assert api.deps.origin_secret() == SECRET


def test_requests_that_do_not_claim_cloudfront_never_read_the_secret(secret_arn: str, tmp_path: Path) -> None:
    api = make_api(tmp_path, origin_verify_secret_id=secret_arn)
    reads: list[str] = []
    session = boto3.session.Session(region_name=REGION)
    session.events.register("before-call.secrets-manager.GetSecretValue", lambda **_: reads.append("read"))
    api.deps = build_deps(api.deps.settings, session)
    # When a request comes directly, without CloudFront's headers
    assert api.call("inquiry", event("POST", "/api/inquiries", inquiry())).status == HTTPStatus.CREATED
    # Then nothing was read
    assert reads == []


def test_a_secret_that_cannot_be_read_trusts_no_viewer_and_fails_no_request(aws: None, tmp_path: Path) -> None:
    # Given functions pointed at a secret that does not exist (deleted, or no permission)
    missing = f"arn:aws:secretsmanager:{REGION}:123456789012:secret:missing-AbCdEf"
    api = make_api(tmp_path, origin_verify_secret_id=missing, inquiries_per_hour=1)
    # When requests claiming CloudFront arrive from one address with different viewers
    first = api.call("inquiry", through_cloudfront("203.0.113.1", edge="10.0.0.1"))
    second = api.call("inquiry", through_cloudfront("203.0.113.2", edge="10.0.0.1"))
    # Then the buyer gets an answer, and the caller is counted by its own address
    assert first.status == HTTPStatus.CREATED
    assert second.status == HTTPStatus.TOO_MANY_REQUESTS
