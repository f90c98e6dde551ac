"""One error shape for every failure, and never a 500 for bad input or a busy table."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from http import HTTPStatus
from typing import Any

import pytest
from botocore.exceptions import EndpointConnectionError

from tests.support.api import Api, assert_error, event, fail_operation, heal, link_token, member_body, order_body

SignUp = Callable[..., tuple[str, dict[str, Any]]]


def test_bad_json_is_400(api: Api) -> None:
    response = api.call("register", event("POST", "/api/members", raw_body='{"name": "A", '))
    assert_error(response, HTTPStatus.BAD_REQUEST, "bad_json")


def test_a_body_that_is_not_an_object_names_the_body(api: Api) -> None:
    response = api.call("register", event("POST", "/api/members", raw_body="[1, 2]"))
    assert_error(response, HTTPStatus.UNPROCESSABLE_ENTITY, "invalid_fields")


def test_invalid_utf8_is_400(api: Api) -> None:
    response = api.call("register", event("POST", "/api/members", base64_body=b'{"name": "\xff\xfe"}'))
    assert_error(response, HTTPStatus.BAD_REQUEST, "bad_encoding")


def test_a_body_over_16_kb_is_413(api: Api) -> None:
    body = member_body(name="x" * (17 * 1024))
    response = api.call("register", event("POST", "/api/members", body))
    assert_error(response, HTTPStatus.REQUEST_ENTITY_TOO_LARGE, "body_too_large")


def test_invalid_fields_are_422_naming_each_field_and_nested_ones(api: Api, signed_up: SignUp) -> None:
    cookie, _ = signed_up()
    body = order_body("TS-1", incoterm="DDP", consignee={"name": "", "address": "x" * 401})
    response = api.call("order", event("POST", "/api/orders", body, cookie=cookie))
    assert_error(response, HTTPStatus.UNPROCESSABLE_ENTITY, "invalid_fields")
    assert {"incoterm", "consignee.name", "consignee.address"} <= set(response.body["error"]["fields"])


def test_a_missing_and_an_over_long_field(api: Api) -> None:
    body = member_body(name="n" * 121)
    del body["email"]
    response = api.call("register", event("POST", "/api/members", body))
    assert_error(response, HTTPStatus.UNPROCESSABLE_ENTITY, "invalid_fields")
    assert {"email", "name"} <= set(response.body["error"]["fields"])


def test_a_post_from_another_site_is_403_and_one_without_origin_is_served(api: Api) -> None:
    foreign = api.call(
        "register", event("POST", "/api/members", member_body(), headers={"origin": "https://evil.test"})
    )
    assert_error(foreign, HTTPStatus.FORBIDDEN, "bad_origin")
    plain = event("POST", "/api/members", member_body())
    del plain["headers"]["origin"]
    assert api.call("register", plain).status == HTTPStatus.ACCEPTED


def test_an_unknown_route_is_404_in_the_same_shape(api: Api) -> None:
    response = api.call("order", event("GET", "/api/nothing-here"))
    assert_error(response, HTTPStatus.NOT_FOUND, "not_found")


def data_items(api: Api) -> list[dict[str, Any]]:
    return [item for item in api.items() if not item["pk"]["S"].startswith("RATE#")]


@pytest.mark.parametrize(
    "code",
    ["ProvisionedThroughputExceededException", "ThrottlingException", "RequestLimitExceeded", "InternalServerError"],
)
def test_a_throttled_order_is_503_half_writes_nothing_and_succeeds_on_retry(
    api: Api, signed_up: SignUp, code: str
) -> None:
    # Given a member, a car, and a table that throttles transactions
    cookie, _ = signed_up()
    vehicle = api.add_vehicle()
    body = order_body(vehicle.stock_no)
    before = data_items(api)
    fail_operation(api, "TransactWriteItems", code)
    # When they order
    response = api.call("order", event("POST", "/api/orders", body, cookie=cookie))
    # Then they get a clear 503 to retry, and nothing was written
    assert_error(response, HTTPStatus.SERVICE_UNAVAILABLE, "unavailable")
    assert response.headers["retry-after"]
    assert data_items(api) == before  # rate counters aside: they count attempts, written or not
    # When the table recovers and the client retries with the same key, the order goes through once
    heal(api, "TransactWriteItems")
    retry = api.call("order", event("POST", "/api/orders", body, cookie=cookie))
    assert retry.status == HTTPStatus.CREATED
    assert len([i for i in api.items() if i["sk"]["S"].startswith("ORDER#")]) == 1


def test_an_unreachable_table_is_503(api: Api) -> None:
    fail_operation(api, "PutItem", exception=EndpointConnectionError(endpoint_url="https://dynamodb.test"))
    inquiry = {"name": "A", "email": f"{uuid.uuid4().hex}@example.org", "country": "KE", "message": "Hi"}
    response = api.call("inquiry", event("POST", "/api/inquiries", inquiry))
    assert_error(response, HTTPStatus.SERVICE_UNAVAILABLE, "unavailable")


def test_a_throttled_sign_up_is_503_and_stores_nothing(api: Api) -> None:
    fail_operation(api, "PutItem", "ThrottlingException")
    response = api.call("register", event("POST", "/api/members", member_body()))
    assert_error(response, HTTPStatus.SERVICE_UNAVAILABLE, "unavailable")
    assert [i for i in api.items() if not i["pk"]["S"].startswith("RATE#")] == []
    assert api.outbox.sent() == []


def test_a_throttled_confirmation_is_503_leaves_no_half_member_and_the_link_still_works(api: Api) -> None:
    # Given a pending sign-up, and a table that throttles transactions
    body = member_body()
    api.call("register", event("POST", "/api/members", body))
    token = link_token(api, body["email"])
    fail_operation(api, "TransactWriteItems", "ThrottlingException")
    # When the owner confirms the link
    response = api.call("register", event("POST", "/api/session", {"token": token}))
    # Then they are told to retry, and neither a member nor half of one is stored
    assert_error(response, HTTPStatus.SERVICE_UNAVAILABLE, "unavailable")
    assert [i for i in api.items() if i["sk"]["S"] in ("PROFILE", "EMAIL")] == []
    # and once the table recovers, the same link signs them in
    heal(api, "TransactWriteItems")
    assert api.call("register", event("POST", "/api/session", {"token": token})).status == HTTPStatus.OK


def test_a_throttled_idempotency_table_is_503_and_no_order_is_written(api: Api, signed_up: SignUp) -> None:
    cookie, _ = signed_up()
    vehicle = api.add_vehicle()
    fail_operation(api, "PutItem", "ProvisionedThroughputExceededException")
    response = api.call("order", event("POST", "/api/orders", order_body(vehicle.stock_no), cookie=cookie))
    assert_error(response, HTTPStatus.SERVICE_UNAVAILABLE, "unavailable")
    assert [i for i in api.items() if i["sk"]["S"].startswith("ORDER#")] == []


NASTY_BODIES = [
    "null",
    "42",
    '"a string"',
    "{}",
    '{"name": null}',
    '{"name": "\\u0000\\ud800"}',
    '{"email": ["a@b.c"]}',
    "[" * 5000 + "]" * 5000,
    '{"name": "' + "é" * 5000 + '"}',
    '{"stock_no": "<script>alert(1)</script>", "port": "../../etc", "idempotency_key": "x"}',
    '{"a": 1e999999}',
    "\ufeff{}",
]
POST_ROUTES = [
    ("inquiry", "/api/inquiries"),
    ("register", "/api/members"),
    ("register", "/api/session/link"),
    ("register", "/api/session"),
    ("order", "/api/orders"),
]


@pytest.mark.parametrize(("function", "path"), POST_ROUTES)
def test_no_nasty_body_gets_a_server_error(api: Api, signed_up: SignUp, function: str, path: str) -> None:
    cookie, _ = signed_up()
    for index, body in enumerate(NASTY_BODIES):
        request = event("POST", path, raw_body=body, cookie=cookie, source_ip=f"192.0.2.{index + 1}")
        response = api.call(function, request)
        assert 400 <= response.status < 500, (body[:40], response.status, response.body)
        assert set(response.body["error"]) == {"code", "message", "fields"}


@pytest.mark.parametrize(
    ("function", "path", "query"),
    [
        ("inquiry", "/api/quote", {"stock_no": "A" * 5000, "port": "KEMBA"}),
        ("inquiry", "/api/quote", {"stock_no": "%00", "port": "ké", "incoterm": "DDP"}),
        ("order", "/api/orders/CJ-%3Cscript%3E", None),
        ("order", "/api/invoices/" + "Z" * 300, None),
        ("order", "/api/invoices/AAAA-BBBB-CCCC-DDD%C3", None),
    ],
)
def test_no_nasty_path_or_query_gets_a_server_error(
    api: Api, signed_up: SignUp, function: str, path: str, query: dict[str, str] | None
) -> None:
    cookie, _ = signed_up()
    response = api.call(function, event("GET", path, query=query, cookie=cookie))
    assert 400 <= response.status < 500, (path, response.status, response.body)
