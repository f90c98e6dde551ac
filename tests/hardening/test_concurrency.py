"""Load through the local stack's HTTP server: many buyers at once, each from its own loopback address.

The local stack runs each function one event at a time (like one Lambda instance), so these tests hold the
connections open concurrently and prove the outcome; the DynamoDB-level race is the conditional transaction,
which is what decides here too."""

from __future__ import annotations

import uuid
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from http import HTTPStatus
from typing import Any

from tests.support.hardening import Answer, Api

SIZES = {False: (100, 1000), True: (100, 1000)}  # (orders, inquiries): default and --full alike fit the budget
WORKERS = 100  # all 100 orders in flight at once; inquiries 100 at a time


def order(stock_no: str, key: str | None = None) -> dict[str, Any]:
    return {
        "stock_no": stock_no,
        "port": "KEMBA",
        "incoterm": "CIF",
        "consignee": {"name": "Hardening Motors Ltd", "address": "Moi Avenue 1, Mombasa"},
        "idempotency_key": key or uuid.uuid4().hex,
    }


def at_once(calls: list[Any]) -> list[Answer]:
    with ThreadPoolExecutor(max_workers=WORKERS) as pool:
        return list(pool.map(lambda call: call(), calls))


def vehicle(api: Api, stock_no: str) -> dict[str, Any]:
    items = [i for i in api.items() if i["pk"]["S"] == f"VEHICLE#{stock_no}" and i["sk"]["S"] == "VEHICLE"]
    assert len(items) == 1
    return items[0]


def orders_for(api: Api, stock_no: str) -> list[dict[str, Any]]:
    return [i for i in api.items() if i["sk"]["S"].startswith("ORDER#") and i.get("stock_no", {}).get("S") == stock_no]


def test_a_hundred_buyers_order_one_car_and_exactly_one_gets_it(api: Api, full: bool) -> None:
    # Given 100 signed-in members, each on their own address, and one available car
    count = SIZES[full][0]
    stock_no = "CJ26049"
    cookies = at_once([api.sign_up for _ in range(count)])
    assert len(cookies) == count

    # When they all order it at once
    answers = at_once([lambda c=c: api.call("POST", "/api/orders", order(stock_no), cookie=c[0]) for c in cookies])

    # Then exactly one order is made, every other buyer hears 409, and the car is reserved once
    statuses = Counter(answer.status for answer in answers)
    assert statuses == {HTTPStatus.CREATED: 1, HTTPStatus.CONFLICT: count - 1}
    made = orders_for(api, stock_no)
    assert len(made) == 1
    assert vehicle(api, stock_no)["reserved_by"]["S"] == made[0]["order_no"]["S"]
    status = api.call("GET", "/api/stock/status").body
    assert status["reserved"].count(stock_no) == 1


def test_the_same_idempotency_key_from_ten_clients_makes_one_order(api: Api) -> None:
    # Given one member whose order is sent by 10 clients (retries, tabs) with the same key
    cookie, _ = api.sign_up()
    stock_no, key = "CJ26048", uuid.uuid4().hex
    body = order(stock_no, key)

    # When all 10 arrive at once
    answers = at_once([lambda: api.call("POST", "/api/orders", body, cookie=cookie) for _ in range(10)])

    # Then there is one order; every client that got it got the same order number; the rest were told to retry
    created = [answer.body["order_no"] for answer in answers if answer.status == HTTPStatus.CREATED]
    assert created
    assert len(set(created)) == 1
    assert all(answer.status in {HTTPStatus.CREATED, HTTPStatus.CONFLICT} for answer in answers)
    assert len(orders_for(api, stock_no)) == 1
    # And a retry now, with the same key, returns that same order
    again = api.call("POST", "/api/orders", body, cookie=cookie)
    assert again.status == HTTPStatus.CREATED
    assert again.body["order_no"] == created[0]


def test_a_thousand_inquiries_at_once_are_all_stored_once(api: Api, full: bool) -> None:
    # Given 1,000 buyers, each from their own address and with a unique message
    count = SIZES[full][1]
    tags = [uuid.uuid4().hex for _ in range(count)]

    def inquiry(tag: str) -> Answer:
        body = {
            "name": "Load Buyer",
            "email": f"load-{tag[:12]}@example.com",
            "country": "KE",
            "message": f"Is it still available? {tag}",
        }
        return api.call("POST", "/api/inquiries", body)

    # When they all send an inquiry at once
    answers = at_once([lambda t=t: inquiry(t) for t in tags])

    # Then every one was accepted with its own reference, and each is stored exactly once
    assert Counter(answer.status for answer in answers) == {HTTPStatus.CREATED: count}
    assert len({answer.body["reference"] for answer in answers}) == count
    stored = [i["message"]["S"] for i in api.items() if i["sk"]["S"].startswith("INQUIRY#") and "message" in i]
    found = Counter(text.rsplit(" ", 1)[-1] for text in stored)
    assert all(found[tag] == 1 for tag in tags)
