"""moto as the local stack runs it: on loopback only, whatever --host says, and closed to browsers. moto's own
server sends CORS headers to every origin, so a page on any website could read the cookie secret from its SSM."""

from __future__ import annotations

import http.client
import json
import threading
from collections.abc import Iterator
from http import HTTPStatus
from pathlib import Path

import boto3
import pytest

from carjunction.local.dynamodb import start_moto
from carjunction.local.moto_server import LoopbackMoto
from carjunction.local.stack import SECRET_PARAMETER, StackConfig, start_stack

ROOT = Path(__file__).resolve().parents[2]
SECRET = "the-local-cookie-secret"  # noqa: S105 - a test value
# What a page's script would send for the secret: moto checks no signature, only reads the service from it.
GET_SECRET = json.dumps({"Name": SECRET_PARAMETER, "WithDecryption": True}).encode()
SSM_HEADERS = {
    "X-Amz-Target": "AmazonSSM.GetParameter",
    "Content-Type": "application/x-amz-json-1.1",
    "Authorization": "AWS4-HMAC-SHA256 Credential=x/20260101/ap-northeast-1/ssm/aws4_request, SignedHeaders=host, "
    "Signature=0",
}


@pytest.fixture(scope="module")
def moto() -> Iterator[LoopbackMoto]:
    server, endpoint = start_moto()
    session = boto3.session.Session(aws_access_key_id="t", aws_secret_access_key="t", region_name="ap-northeast-1")  # noqa: S106
    session.client("ssm", endpoint_url=endpoint).put_parameter(
        Name=SECRET_PARAMETER, Value=SECRET, Type="SecureString", Overwrite=True
    )
    yield server
    server.stop()


def send(
    moto: LoopbackMoto, method: str, headers: dict[str, str], body: bytes = b""
) -> tuple[int, dict[str, str], bytes]:
    connection = http.client.HTTPConnection("127.0.0.1", moto.port, timeout=5)
    try:
        connection.putrequest(method, "/", skip_host=True, skip_accept_encoding=True)
        sent = {"Host": f"127.0.0.1:{moto.port}", **headers, "Content-Length": str(len(body))}
        for name, value in sent.items():
            connection.putheader(name, value)
        connection.endheaders(body)
        answer = connection.getresponse()
        return answer.status, {k.lower(): v for k, v in answer.getheaders()}, answer.read()
    finally:
        connection.close()


def cors_headers(headers: dict[str, str]) -> set[str]:
    return {name for name in headers if name.startswith("access-control-")}


def test_the_request_a_page_would_send_gets_the_secret_from_the_sdks_side(moto: LoopbackMoto) -> None:
    # The attack's request itself works (so the refusals below are the guard's, not a malformed request)
    status, _, body = send(moto, "POST", SSM_HEADERS, GET_SECRET)
    assert status == HTTPStatus.OK
    assert json.loads(body)["Parameter"]["Value"] == SECRET


def test_the_sdk_still_reads_and_writes_through_it(moto: LoopbackMoto) -> None:
    session = boto3.session.Session(aws_access_key_id="t", aws_secret_access_key="t", region_name="ap-northeast-1")  # noqa: S106
    ssm = session.client("ssm", endpoint_url=moto.endpoint)
    assert ssm.get_parameter(Name=SECRET_PARAMETER, WithDecryption=True)["Parameter"]["Value"] == SECRET


def test_a_page_on_another_site_cannot_read_the_cookie_secret(moto: LoopbackMoto) -> None:
    # When a page on evil.example asks moto's SSM for the secret (its browser adds Origin)
    status, headers, body = send(moto, "POST", {**SSM_HEADERS, "Origin": "https://evil.example"}, GET_SECRET)
    # Then it is refused, with no CORS header that would let the page read even the refusal
    assert status == HTTPStatus.FORBIDDEN
    assert cors_headers(headers) == set()
    assert SECRET.encode() not in body


def test_a_preflight_is_not_allowed(moto: LoopbackMoto) -> None:
    preflight = {
        "Origin": "https://evil.example",
        "Access-Control-Request-Method": "POST",
        "Access-Control-Request-Headers": "x-amz-target,content-type",
    }
    status, headers, _ = send(moto, "OPTIONS", preflight)
    assert status == HTTPStatus.METHOD_NOT_ALLOWED
    assert "OPTIONS" not in headers["allow"]
    assert cors_headers(headers) == set()


def test_no_answer_carries_cors_headers(moto: LoopbackMoto) -> None:
    # Given a request moto serves (its own origin), to which flask_cors would add Access-Control-Allow-Origin
    status, headers, _ = send(moto, "GET", {"Origin": f"http://127.0.0.1:{moto.port}"})
    # Then it is served without them
    assert status == HTTPStatus.OK
    assert cors_headers(headers) == set()


def test_a_no_cors_request_from_another_site_cannot_write(moto: LoopbackMoto) -> None:
    # A form or an <img> on another site sends no Origin on GET, but its browser says where it comes from
    status, _, _ = send(moto, "POST", {"Sec-Fetch-Site": "cross-site"}, b"")
    assert status == HTTPStatus.FORBIDDEN


@pytest.mark.parametrize("host", ["evil.example", "evil.example:{port}", "127.0.0.1:1", ""])
def test_a_rebound_name_is_refused(moto: LoopbackMoto, host: str) -> None:
    # When a page on evil.example, its name rebound to 127.0.0.1, asks for the secret (no Origin: same-origin now)
    status, _, body = send(moto, "POST", {**SSM_HEADERS, "Host": host.format(port=moto.port)}, GET_SECRET)
    # Then moto does not answer it
    assert status in {HTTPStatus.MISDIRECTED_REQUEST, HTTPStatus.BAD_REQUEST}
    assert SECRET.encode() not in body


def test_localhost_is_its_own_name(moto: LoopbackMoto) -> None:
    status, _, _ = send(moto, "GET", {"Host": f"localhost:{moto.port}"})
    assert status == HTTPStatus.OK


def test_host_never_moves_moto_off_loopback(tmp_path: Path) -> None:
    # Given the stack started with --host 0.0.0.0 (the site server on every interface)
    site = tmp_path / "site"
    site.mkdir()
    (site / "index.html").write_text("<!doctype html><title>t</title>", encoding="utf-8")
    config = StackConfig(ROOT, site, tmp_path / "state", host="0.0.0.0", port=0, say=lambda line: None)  # noqa: S104
    stack = start_stack(config)
    thread = threading.Thread(target=stack.server.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True)
    thread.start()
    try:
        # Then moto, which holds the cookie secret, is still bound to 127.0.0.1 alone
        assert stack.moto.address[0] == "127.0.0.1"
        assert stack.endpoint.startswith("http://127.0.0.1:")
        # And the site server answers its loopback name but not a rebound one
        port = stack.server.server_address[1]
        for host, expected in ((f"127.0.0.1:{port}", HTTPStatus.OK), ("evil.example", HTTPStatus.MISDIRECTED_REQUEST)):
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
            connection.putrequest("GET", "/", skip_host=True)
            connection.putheader("Host", host)
            connection.endheaders()
            assert connection.getresponse().status == expected, host
            connection.close()
    finally:
        stack.server.shutdown()
        thread.join(timeout=5)
        stack.stop()
