"""POST /api/inquiries through the inquiry function's handler."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from http import HTTPStatus
from pathlib import Path
from typing import Any

from tests.support.api import Api, event, inquiry, make_api


def stored_inquiries(api: Api) -> list[dict[str, Any]]:
    return [i for i in api.items() if i["sk"]["S"].startswith("INQUIRY#")]


def test_a_guest_s_inquiry_is_stored_and_only_staff_are_told(api: Api) -> None:
    # Given a vehicle in stock
    vehicle = api.add_vehicle()
    body = inquiry(stock_no=vehicle.stock_no)
    # When a buyer asks about it
    response = api.call("inquiry", event("POST", "/api/inquiries", body))
    # Then it is stored with a received-at time and a reference, and staff get an e-mail; the address the guest
    # typed is not proven, so the company mails nothing to it (the page shows the reference instead)
    assert response.status == HTTPStatus.CREATED
    reference = response.body["reference"]
    (item,) = stored_inquiries(api)
    assert item["reference"]["S"] == reference
    assert item["received_at"]["S"] == response.body["received_at"]
    assert item["stock_no"]["S"] == vehicle.stock_no
    assert "member_id" not in item
    sent = api.outbox.sent()
    assert [e.to for e in sent] == [api.deps.settings.staff_email]
    assert all(reference in e.subject for e in sent)
    assert response.body["answer_within_hours"] == api.deps.company.answer_within_hours


def test_a_signed_in_buyer_s_inquiry_is_linked_to_their_membership(
    api: Api, signed_up: Callable[..., tuple[str, dict[str, Any]]]
) -> None:
    # Given a member
    cookie, _ = signed_up()
    me = api.call("register", event("GET", "/api/me", cookie=cookie)).body
    # When they send a general inquiry
    response = api.call("inquiry", event("POST", "/api/inquiries", inquiry(), cookie=cookie))
    # Then it is stored in their own item collection
    assert response.status == HTTPStatus.CREATED
    (item,) = stored_inquiries(api)
    assert item["member_id"]["S"] == me["member_id"]
    assert item["pk"]["S"] == f"MEMBER#{me['member_id']}"


def test_the_honeypot_looks_like_success_but_stores_and_sends_nothing(api: Api) -> None:
    # When a bot fills the hidden field
    response = api.call("inquiry", event("POST", "/api/inquiries", inquiry(website="http://spam.example")))
    # Then it sees what a person sees, and nothing happens
    assert response.status == HTTPStatus.CREATED
    assert set(response.body) == {"reference", "received_at", "answer_within_hours"}
    assert stored_inquiries(api) == []
    assert api.outbox.sent() == []


def test_an_unknown_stock_number_is_named_in_the_error(api: Api) -> None:
    response = api.call("inquiry", event("POST", "/api/inquiries", inquiry(stock_no="NOPE-404")))
    assert response.status == HTTPStatus.NOT_FOUND
    assert "stock_no" in response.body["error"]["fields"]
    assert stored_inquiries(api) == []


def test_a_country_outside_the_shipping_data_is_named_in_the_error(api: Api) -> None:
    response = api.call("inquiry", event("POST", "/api/inquiries", inquiry(country="XX")))
    assert response.status == HTTPStatus.UNPROCESSABLE_ENTITY
    assert list(response.body["error"]["fields"]) == ["country"]
    assert stored_inquiries(api) == []


def test_invalid_fields_are_each_named(api: Api) -> None:
    response = api.call("inquiry", event("POST", "/api/inquiries", inquiry(email="not-an-address", country="Kenya")))
    assert response.status == HTTPStatus.UNPROCESSABLE_ENTITY
    assert response.body["error"]["code"] == "invalid_fields"
    assert {"email", "country"} <= set(response.body["error"]["fields"])


def test_too_many_inquiries_from_one_address_are_refused_and_the_address_is_not_stored(api: Api) -> None:
    # Given the hourly allowance is used up from one address
    limit = api.deps.settings.inquiries_per_hour
    for _ in range(limit):
        assert api.call("inquiry", event("POST", "/api/inquiries", inquiry(), source_ip="203.0.113.9")).status == 201
    # When one more arrives from it
    response = api.call("inquiry", event("POST", "/api/inquiries", inquiry(), source_ip="203.0.113.9"))
    # Then it is refused, another address is not, and no raw address is stored anywhere
    assert response.status == HTTPStatus.TOO_MANY_REQUESTS
    assert response.body["error"]["code"] == "rate_limited"
    assert api.call("inquiry", event("POST", "/api/inquiries", inquiry(), source_ip="203.0.113.10")).status == 201
    assert "203.0.113.9" not in str(api.items())


def test_a_failed_notice_never_loses_the_inquiry(api: Api) -> None:
    # Given the mail service is down
    class BrokenMailer:
        def send(self, email: object) -> None:
            raise ConnectionError("mail service down")

    api.deps.mailer = BrokenMailer()
    # When an inquiry arrives
    response = api.call("inquiry", event("POST", "/api/inquiries", inquiry()))
    # Then it is still stored and the buyer still gets their reference
    assert response.status == HTTPStatus.CREATED
    assert len(stored_inquiries(api)) == 1


def test_the_viewer_address_counts_only_on_requests_that_came_through_cloudfront(aws: None, tmp_path: Path) -> None:
    # Given the origin secret CloudFront sends, and one viewer's allowance used up through CloudFront
    api = make_api(tmp_path, origin_verify="s" * 40)
    through_cdn = {"cloudfront-viewer-address": "203.0.113.50:41234", "x-origin-verify": "s" * 40}
    for index in range(api.deps.settings.inquiries_per_hour):
        request = event("POST", "/api/inquiries", inquiry(), headers=through_cdn, source_ip=f"10.0.0.{index}")
        assert api.call("inquiry", request).status == HTTPStatus.CREATED
    # When the same viewer comes through another edge, it is still limited
    again = event("POST", "/api/inquiries", inquiry(), headers=through_cdn, source_ip="10.0.1.1")
    assert api.call("inquiry", again).status == HTTPStatus.TOO_MANY_REQUESTS
    # and a direct caller cannot pick a fresh made-up viewer address without the secret
    spoofed = {"cloudfront-viewer-address": "198.51.100.99:1", "x-origin-verify": "wrong"}
    direct = event("POST", "/api/inquiries", inquiry(), headers=spoofed, source_ip="10.0.1.1")
    assert api.call("inquiry", direct).status == HTTPStatus.CREATED
    for _ in range(api.deps.settings.inquiries_per_hour):
        api.call("inquiry", event("POST", "/api/inquiries", inquiry(), headers=spoofed, source_ip="10.0.1.1"))
    spoofed_again = {**spoofed, "cloudfront-viewer-address": "198.51.100.100:1"}
    blocked = event("POST", "/api/inquiries", inquiry(), headers=spoofed_again, source_ip="10.0.1.1")
    assert api.call("inquiry", blocked).status == HTTPStatus.TOO_MANY_REQUESTS


def test_an_inquiry_expires_when_the_policy_says(api: Api) -> None:
    # Given the retention the privacy policy states for inquiries (two years)
    days = api.deps.settings.inquiry_retention_days
    assert days == 730
    # When an inquiry is stored
    response = api.call("inquiry", event("POST", "/api/inquiries", inquiry()))
    assert response.status == HTTPStatus.CREATED
    # Then DynamoDB's TTL attribute deletes it that many days after it was received
    (item,) = stored_inquiries(api)
    received = dt.datetime.fromisoformat(item["received_at"]["S"].replace("Z", "+00:00"))
    assert int(item["expires_at"]["N"]) == int((received + dt.timedelta(days=days)).timestamp())
