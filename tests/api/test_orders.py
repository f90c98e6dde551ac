"""Orders: one conditional transaction per car, idempotent by the client's key; the public invoice check."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from http import HTTPStatus
from typing import Any

from tests.support.api import Api, event, order_body

SignUp = Callable[..., tuple[str, dict[str, Any]]]


def test_an_order_reserves_the_car_with_the_server_s_price(api: Api, signed_up: SignUp) -> None:
    # Given a member and an available car
    cookie, details = signed_up()
    vehicle = api.add_vehicle(price_usd=9000)
    # When they order it to Mombasa CIF (a price in the body would be refused, never used)
    response = api.call("order", event("POST", "/api/orders", order_body(vehicle.stock_no), cookie=cookie))
    # Then the order carries the authoritative quote, a deadline and a proforma invoice with a code
    assert response.status == HTTPStatus.CREATED, response.body
    order = response.body
    assert order["quote"]["fob_usd"] == 9000
    assert order["quote"]["total_usd"] == order["invoice"]["amount_usd"] > 9000
    assert order["status"] == "reserved"
    assert order["invoice"]["bank"]["swift"] == api.deps.company.bank.swift
    assert order["reserved_until"] > order["created_at"]
    # and the car shows as reserved
    status = api.call("inquiry", event("GET", "/api/stock/status"))
    assert vehicle.stock_no in status.body["reserved"]
    assert {e.to for e in api.outbox.sent()} >= {details["email"], api.deps.settings.staff_email}


def test_a_price_from_the_client_is_refused(api: Api, signed_up: SignUp) -> None:
    cookie, _ = signed_up()
    vehicle = api.add_vehicle()
    response = api.call("order", event("POST", "/api/orders", order_body(vehicle.stock_no, price_usd=1), cookie=cookie))
    assert response.status == HTTPStatus.UNPROCESSABLE_ENTITY
    assert "price_usd" in response.body["error"]["fields"]


def test_only_members_order(api: Api) -> None:
    vehicle = api.add_vehicle()
    response = api.call("order", event("POST", "/api/orders", order_body(vehicle.stock_no)))
    assert response.status == HTTPStatus.UNAUTHORIZED


def test_a_second_order_for_the_same_car_gets_409(api: Api, signed_up: SignUp) -> None:
    first, _ = signed_up()
    second, _ = signed_up()
    vehicle = api.add_vehicle()
    assert api.call("order", event("POST", "/api/orders", order_body(vehicle.stock_no), cookie=first)).status == 201
    response = api.call("order", event("POST", "/api/orders", order_body(vehicle.stock_no), cookie=second))
    assert response.status == HTTPStatus.CONFLICT
    assert response.body["error"]["code"] == "vehicle_unavailable"


def test_sold_unknown_and_bad_port_orders_are_refused(api: Api, signed_up: SignUp) -> None:
    cookie, _ = signed_up()
    sold = api.add_vehicle(status="sold")
    available = api.add_vehicle()
    sold_response = api.call("order", event("POST", "/api/orders", order_body(sold.stock_no), cookie=cookie))
    assert sold_response.status == HTTPStatus.CONFLICT
    unknown = api.call("order", event("POST", "/api/orders", order_body("NOSUCH-1"), cookie=cookie))
    assert unknown.status == HTTPStatus.NOT_FOUND
    bad_port = api.call(
        "order", event("POST", "/api/orders", order_body(available.stock_no, port="ZZZZZ"), cookie=cookie)
    )
    assert bad_port.status == HTTPStatus.UNPROCESSABLE_ENTITY
    assert list(bad_port.body["error"]["fields"]) == ["port"]


def test_the_same_idempotency_key_twice_gives_one_order(api: Api, signed_up: SignUp) -> None:
    cookie, _ = signed_up()
    vehicle = api.add_vehicle()
    body = order_body(vehicle.stock_no)
    first = api.call("order", event("POST", "/api/orders", body, cookie=cookie))
    replay = api.call("order", event("POST", "/api/orders", body, cookie=cookie))
    assert first.status == HTTPStatus.CREATED
    assert replay.status == HTTPStatus.CREATED
    assert replay.body == first.body
    assert len([i for i in api.items() if i["sk"]["S"].startswith("ORDER#")]) == 1
    # The same key for a different order is a client error, not a replay
    other = api.call("order", event("POST", "/api/orders", {**body, "incoterm": "FOB"}, cookie=cookie))
    assert other.status == HTTPStatus.UNPROCESSABLE_ENTITY
    assert other.body["error"]["code"] == "idempotency_key_reused"


def test_the_idempotency_record_holds_no_personal_field(api: Api, signed_up: SignUp) -> None:
    # Given a member's order (the consignee is personal data)
    cookie, _ = signed_up()
    body = order_body(api.add_vehicle().stock_no)
    first = api.call("order", event("POST", "/api/orders", body, cookie=cookie))
    assert first.status == HTTPStatus.CREATED
    # Then the idempotency table keeps only the order's number, not its consignee
    table = api.deps.settings.idempotency_table_name
    records = str(api.deps.db.client.scan(TableName=table)["Items"])
    assert first.body["order_no"] in records
    assert body["consignee"]["address"] not in records
    assert body["consignee"]["name"] not in records


def test_members_see_only_their_own_orders(api: Api, signed_up: SignUp) -> None:
    mine, _ = signed_up()
    theirs, _ = signed_up()
    vehicle = api.add_vehicle()
    placed = api.call("order", event("POST", "/api/orders", order_body(vehicle.stock_no), cookie=mine)).body
    listed = api.call("order", event("GET", "/api/orders", cookie=mine))
    assert [o["order_no"] for o in listed.body["orders"]] == [placed["order_no"]]
    one = api.call("order", event("GET", f"/api/orders/{placed['order_no']}", cookie=mine))
    assert one.status == HTTPStatus.OK
    assert one.body["history"][0]["status"] == "reserved"
    assert api.call("order", event("GET", "/api/orders", cookie=theirs)).body["orders"] == []
    stranger = api.call("order", event("GET", f"/api/orders/{placed['order_no']}", cookie=theirs))
    assert stranger.status == HTTPStatus.NOT_FOUND
    assert api.call("order", event("GET", "/api/orders")).status == HTTPStatus.UNAUTHORIZED


def test_anyone_can_check_an_invoice_code_and_learns_nothing_personal(api: Api, signed_up: SignUp) -> None:
    cookie, details = signed_up()
    vehicle = api.add_vehicle()
    placed = api.call("order", event("POST", "/api/orders", order_body(vehicle.stock_no), cookie=cookie)).body
    code = placed["invoice"]["verification_code"]
    check = api.call("order", event("GET", f"/api/invoices/{code}"))
    assert check.status == HTTPStatus.OK
    assert check.body["order_no"] == placed["order_no"]
    assert check.body["amount_usd"] == placed["quote"]["total_usd"]
    assert check.body["bank"]["account_no"] == api.deps.company.bank.account_no
    text = str(check.body)
    assert details["email"] not in text and "Otieno Motors" not in text
    unknown = api.call("order", event("GET", "/api/invoices/AAAA-BBBB-CCCC-DDDD"))
    assert unknown.status == HTTPStatus.NOT_FOUND


def test_guessing_invoice_codes_is_rate_limited(api: Api) -> None:
    for _ in range(api.deps.settings.invoice_checks_per_hour):
        api.call("order", event("GET", "/api/invoices/AAAA-BBBB-CCCC-DDDD", source_ip="192.0.2.44"))
    response = api.call("order", event("GET", "/api/invoices/AAAA-BBBB-CCCC-DDDD", source_ip="192.0.2.44"))
    assert response.status == HTTPStatus.TOO_MANY_REQUESTS


def test_an_order_and_its_invoice_code_are_kept_as_long_as_the_policy_says(api: Api, signed_up: SignUp) -> None:
    # Given a placed order
    cookie, _ = signed_up()
    vehicle = api.add_vehicle()
    response = api.call("order", event("POST", "/api/orders", order_body(vehicle.stock_no), cookie=cookie))
    assert response.status == HTTPStatus.CREATED, response.body
    # Then the order and its invoice code expire eight years on (the seven after year-end, with margin)
    created = dt.datetime.fromisoformat(response.body["created_at"].replace("Z", "+00:00"))
    expected = int((created + dt.timedelta(days=api.deps.settings.order_retention_days)).timestamp())
    kept = [i for i in api.items() if i["sk"]["S"].startswith("ORDER#") or i["sk"]["S"] == "INVOICE"]
    assert len(kept) == 2
    assert {int(i["expires_at"]["N"]) for i in kept} == {expected}
    assert expected - created.timestamp() >= 8 * 365 * 86400
