"""Quotes and live stock: the catalogue copy, reservations that survive a sync, and lapsed ones released."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from http import HTTPStatus
from typing import Any

from carjunction.api.logic.release_lapsed import release_lapsed
from carjunction.api.logic.sync_catalogue import sync_catalogue
from carjunction.catalogue import Catalogue, Incoterm, Vehicle, quote
from tests.support.api import Api, event, order_body
from tests.support.factories import vehicle_data

SignUp = Callable[..., tuple[str, dict[str, Any]]]


def test_the_quote_is_the_catalogue_s_own_computation(api: Api) -> None:
    vehicle = api.add_vehicle(price_usd=12345)
    response = api.call("inquiry", event("GET", "/api/quote", query={"stock_no": vehicle.stock_no, "port": "TZDAR"}))
    assert response.status == HTTPStatus.OK
    port = api.deps.shipping.port("TZDAR")
    expected = quote(vehicle, port, api.deps.shipping.country(port.country), Incoterm.CIF)
    assert response.body == expected.model_dump(mode="json")
    assert "max-age" in response.headers["cache-control"]


def test_quote_errors_name_the_parameter(api: Api) -> None:
    vehicle = api.add_vehicle()
    unknown = api.call("inquiry", event("GET", "/api/quote", query={"stock_no": "NOPE-1", "port": "TZDAR"}))
    assert unknown.status == HTTPStatus.NOT_FOUND
    bad_port = api.call("inquiry", event("GET", "/api/quote", query={"stock_no": vehicle.stock_no, "port": "ZZZZZ"}))
    assert bad_port.status == HTTPStatus.UNPROCESSABLE_ENTITY
    assert "port" in bad_port.body["error"]["fields"]
    missing = api.call("inquiry", event("GET", "/api/quote", query={"port": "TZDAR"}))
    assert missing.status == HTTPStatus.UNPROCESSABLE_ENTITY
    assert "stock_no" in missing.body["error"]["fields"]


def test_stock_status_lists_reserved_and_sold_and_is_briefly_cacheable(api: Api, signed_up: SignUp) -> None:
    cookie, _ = signed_up()
    sold = api.add_vehicle(status="sold")
    reserved = api.add_vehicle()
    free = api.add_vehicle()
    api.call("order", event("POST", "/api/orders", order_body(reserved.stock_no), cookie=cookie))
    response = api.call("inquiry", event("GET", "/api/stock/status"))
    assert response.status == HTTPStatus.OK
    assert response.body == {"reserved": [reserved.stock_no], "sold": [sold.stock_no]}
    assert free.stock_no not in str(response.body)
    assert response.headers["cache-control"] == "public, max-age=15"


def test_a_sync_never_overwrites_a_live_reservation(api: Api, signed_up: SignUp) -> None:
    # Given a reserved car
    cookie, _ = signed_up()
    vehicle = api.add_vehicle(price_usd=8000)
    api.call("order", event("POST", "/api/orders", order_body(vehicle.stock_no), cookie=cookie))
    # When staff change its price and the catalogue is synced again
    repriced = Vehicle.model_validate({**vehicle.model_dump(), "price_usd": 7500, "was_price_usd": 8000})
    sync_catalogue(api.deps.db, Catalogue((repriced,), api.catalogue.shipping, api.catalogue.company))
    # Then the price is new and the reservation still holds
    live = api.call("inquiry", event("GET", "/api/quote", query={"stock_no": vehicle.stock_no, "port": "KEMBA"}))
    assert live.body["fob_usd"] == 7500
    status = api.call("inquiry", event("GET", "/api/stock/status"))
    assert status.body["reserved"] == [vehicle.stock_no]


def test_taking_back_a_sold_status_makes_the_car_available_again(api: Api) -> None:
    data = vehicle_data(status="sold")
    api.add_vehicle(**data)
    sync_catalogue(
        api.deps.db,
        Catalogue(
            (Vehicle.model_validate({**data, "status": "available"}),), api.catalogue.shipping, api.catalogue.company
        ),
    )
    assert api.call("inquiry", event("GET", "/api/stock/status")).body == {"reserved": [], "sold": []}


def test_a_lapsed_reservation_is_released_and_a_paid_one_is_not(api: Api, signed_up: SignUp) -> None:
    # Given two reservations, one of them since paid
    cookie, _ = signed_up()
    lapsing, paid = api.add_vehicle(), api.add_vehicle()
    first = api.call("order", event("POST", "/api/orders", order_body(lapsing.stock_no), cookie=cookie)).body
    second = api.call("order", event("POST", "/api/orders", order_body(paid.stock_no), cookie=cookie)).body
    member_id = api.call("register", event("GET", "/api/me", cookie=cookie)).body["member_id"]
    api.deps.db.client.update_item(
        TableName=api.deps.db.table,
        Key={"pk": {"S": f"MEMBER#{member_id}"}, "sk": {"S": f"ORDER#{second['order_no']}"}},
        UpdateExpression="SET #s = :paid",
        ExpressionAttributeNames={"#s": "status"},
        ExpressionAttributeValues={":paid": {"S": "paid"}},
    )
    # When the release runs after the deadline
    later = dt.datetime.now(dt.UTC) + dt.timedelta(days=api.deps.settings.reservation_days, hours=1)
    released = release_lapsed(api.deps.db, later)
    # Then only the unpaid one is released, its order says so, and the car can be ordered again
    assert released == [lapsing.stock_no]
    order = api.call("order", event("GET", f"/api/orders/{first['order_no']}", cookie=cookie)).body
    assert order["status"] == "lapsed"
    assert [h["status"] for h in order["history"]] == ["reserved", "lapsed"]
    assert api.call("inquiry", event("GET", "/api/stock/status")).body["reserved"] == [paid.stock_no]
    again = api.call("order", event("POST", "/api/orders", order_body(lapsing.stock_no), cookie=cookie))
    assert again.status == HTTPStatus.CREATED


def test_nothing_is_released_before_the_deadline(api: Api, signed_up: SignUp) -> None:
    cookie, _ = signed_up()
    vehicle = api.add_vehicle()
    api.call("order", event("POST", "/api/orders", order_body(vehicle.stock_no), cookie=cookie))
    assert release_lapsed(api.deps.db, dt.datetime.now(dt.UTC) + dt.timedelta(days=1)) == []


def test_a_vehicle_whose_file_is_gone_is_withdrawn_by_the_next_sync(api: Api) -> None:
    # Given two synced vehicles
    kept, removed = api.add_vehicle(), api.add_vehicle()
    # When the catalogue is synced without one of them
    remaining = tuple(v for v in api.catalogue.vehicles if v.stock_no != removed.stock_no)
    sync_catalogue(api.deps.db, Catalogue(remaining, api.catalogue.shipping, api.catalogue.company))
    # Then it can no longer be quoted (nor ordered), and the other can
    gone = api.call("inquiry", event("GET", "/api/quote", query={"stock_no": removed.stock_no, "port": "KEMBA"}))
    assert gone.status == HTTPStatus.NOT_FOUND
    still = api.call("inquiry", event("GET", "/api/quote", query={"stock_no": kept.stock_no, "port": "KEMBA"}))
    assert still.status == HTTPStatus.OK
