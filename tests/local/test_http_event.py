"""The adapter between a local HTTP request and the Lambda payload 2.0 event."""

from __future__ import annotations

import base64

from carjunction.local.http_event import LocalRequest, from_result, to_event


def test_a_json_post_becomes_a_payload_2_event() -> None:
    # Given a browser's POST with two cookies and a repeated query parameter
    request = LocalRequest(
        method="POST",
        target="/api/inquiries?a=1&a=2&b=",
        headers=[("Host", "127.0.0.1:8000"), ("Content-Type", "application/json"), ("Cookie", "member=abc; x=1")],
        body=b'{"name": "Amani"}',
    )
    # When it is turned into an event
    event = to_event(request)
    # Then it has what API Gateway sends
    assert event["version"] == "2.0"
    assert event["rawPath"] == "/api/inquiries"
    assert event["requestContext"]["http"]["method"] == "POST"
    assert event["queryStringParameters"] == {"a": "1,2", "b": ""}
    assert event["cookies"] == ["member=abc", "x=1"]
    assert "cookie" not in event["headers"]
    assert event["headers"]["content-type"] == "application/json"
    assert event["body"] == '{"name": "Amani"}'
    assert event["isBase64Encoded"] is False


def test_bytes_that_are_not_utf8_are_passed_base64_encoded() -> None:
    event = to_event(LocalRequest("POST", "/api/x", [("Content-Type", "application/json")], b"\xff\xfe"))
    assert event["isBase64Encoded"] is True
    assert base64.b64decode(event["body"]) == b"\xff\xfe"


def test_an_empty_body_is_none() -> None:
    assert to_event(LocalRequest("GET", "/api/me", [], b""))["body"] is None


def test_a_result_with_cookies_becomes_set_cookie_headers() -> None:
    response = from_result(
        {
            "statusCode": 201,
            "headers": {"Content-Type": "application/json"},
            "cookies": ["member=t; Path=/api"],
            "body": "{}",
        }
    )
    assert response.status == 201
    assert ("Set-Cookie", "member=t; Path=/api") in response.headers
    assert response.body == b"{}"
