"""`carjunction admin orders`: list, show, move along the allowed path, cancel (frees the car), paid (shows it
sold), record the shipment; the buyer sees the same history in GET /api/orders."""

from __future__ import annotations

import datetime as dt
import uuid
from http import HTTPStatus

import pytest

from carjunction.api.logic.release_lapsed import release_lapsed
from carjunction.api.logic.sync_catalogue import sync_catalogue
from carjunction.api.store import orders
from carjunction.ops.admin.context import AdminError
from carjunction.ops.admin.move_orders import move_order, ship_order
from tests.support.admin_world import T0, World, order_body
from tests.support.api import event


def test_an_order_moves_along_and_the_buyer_sees_each_step(world: World) -> None:
    # Given a buyer's order
    cookie, _ = world.sign_up()
    order_no = world.order(cookie)["order_no"]
    # When staff move it along, a day apart
    for day, status in enumerate(("invoiced", "paid", "shipped", "delivered"), start=1):
        world.at(T0 + dt.timedelta(days=day))
        assert move_order(world.context, order_no, status)["status"] == status
    # Then the buyer's own order page shows the whole history, in order
    (mine,) = world.buyer_orders(cookie)
    assert mine["status"] == "delivered"
    assert [(h["status"], h["at"]) for h in mine["history"]] == [
        ("reserved", "2026-11-20T09:00:00Z"),
        ("invoiced", "2026-11-21T09:00:00Z"),
        ("paid", "2026-11-22T09:00:00Z"),
        ("shipped", "2026-11-23T09:00:00Z"),
        ("delivered", "2026-11-24T09:00:00Z"),
    ]


def test_the_move_command_reports_the_new_status(world: World) -> None:
    cookie, _ = world.sign_up()
    order_no = world.order(cookie)["order_no"]
    code, out, err = world.admin("orders", "move", order_no, "--to", "invoiced")
    assert code == 0, err
    assert out.strip() == f"order {order_no} is now invoiced"
    assert world.admin_json("orders", "show", order_no)["status"] == "invoiced"


def test_an_illegal_move_names_the_current_status_and_changes_nothing(world: World) -> None:
    # Given a reserved order
    cookie, _ = world.sign_up()
    order_no = world.order(cookie)["order_no"]
    # When staff try to mark it shipped before it is paid
    code, out, err = world.admin("orders", "move", order_no, "--to", "shipped")
    # Then they are told its status and what it can become, and it is unchanged
    assert code == 1
    assert out == ""
    assert err.strip() == f"error: order {order_no} is reserved: it can go to invoiced, paid, cancelled, not shipped"
    assert world.admin_json("orders", "show", order_no)["status"] == "reserved"


def test_an_unknown_order_is_one_line_and_exit_1(world: World) -> None:
    code, _, err = world.admin("orders", "show", "CJ-NOSUCH00")
    assert code == 1
    assert err.strip() == "error: no order 'CJ-NOSUCH00'"


def test_a_cancelled_or_paid_reservation_gives_the_member_a_slot_back(world: World) -> None:
    # Given a member holding the most unpaid reservations one member may
    buyer, _ = world.sign_up()
    held = [world.order(buyer)["order_no"] for _ in range(2)]
    over = world.api.call(
        "order", event("POST", "/api/orders", order_body(world.api.add_vehicle().stock_no), cookie=buyer)
    )
    assert over.body["error"]["code"] == "reservation_limit"
    # When staff cancel one and mark the other paid
    assert world.admin("orders", "move", held[0], "--to", "cancelled")[0] == 0
    assert world.admin("orders", "move", held[1], "--to", "invoiced")[0] == 0
    assert world.admin("orders", "move", held[1], "--to", "paid")[0] == 0
    # Then the member may reserve two cars again, and no more
    assert [world.order(buyer)["status"] for _ in range(2)] == ["reserved", "reserved"]
    again = world.api.call(
        "order", event("POST", "/api/orders", order_body(world.api.add_vehicle().stock_no), cookie=buyer)
    )
    assert again.body["error"]["code"] == "reservation_limit"


def test_cancelling_frees_the_car_for_another_buyer(world: World) -> None:
    # Given a reserved car
    first, _ = world.sign_up()
    order = world.order(first)
    assert order["stock_no"] in world.stock_status()["reserved"]
    # When staff cancel the order
    code, out, err = world.admin("orders", "move", order["order_no"], "--to", "cancelled")
    # Then the car is free on the site and another buyer can order it
    assert code == 0, err
    assert "free again" in out
    assert order["stock_no"] not in world.stock_status()["reserved"]
    second, _ = world.sign_up()
    assert world.order(second, order["stock_no"])["status"] == "reserved"
    # and the first buyer sees their order cancelled
    (mine,) = world.buyer_orders(first)
    assert [h["status"] for h in mine["history"]] == ["reserved", "cancelled"]


def test_paid_shows_the_car_sold_at_once_and_it_is_never_released_or_unsold_by_a_sync(world: World) -> None:
    # Given a reserved car (its file says available)
    cookie, _ = world.sign_up()
    vehicle = world.api.add_vehicle()
    order = world.order(cookie, vehicle.stock_no)
    # When staff mark the order paid
    move_order(world.context, order["order_no"], "paid")
    # Then the site shows the car sold, not reserved
    status = world.stock_status()
    assert vehicle.stock_no in status["sold"]
    assert vehicle.stock_no not in status["reserved"]
    # and long after the payment deadline the release job leaves it alone
    assert release_lapsed(world.api.deps.db, T0 + dt.timedelta(days=30)) == []
    # and a deploy's catalogue sync (the file still says available) does not take "sold" back
    sync_catalogue(world.api.deps.db, world.api.catalogue, complete=False)
    assert vehicle.stock_no in world.stock_status()["sold"]
    # and nobody else can order it
    other, _ = world.sign_up()
    body = {**order_body(vehicle.stock_no), "idempotency_key": uuid.uuid4().hex}
    response = world.api.call("order", event("POST", "/api/orders", body, cookie=other))
    assert response.status == HTTPStatus.CONFLICT


def test_a_lapsed_order_cannot_be_moved(world: World) -> None:
    # Given an order whose reservation lapsed and was released
    cookie, _ = world.sign_up()
    order_no = world.order(cookie)["order_no"]
    release_lapsed(world.api.deps.db, T0 + dt.timedelta(days=30))
    # When staff try to mark it paid
    with pytest.raises(AdminError, match="is lapsed: it cannot be moved any more"):
        move_order(world.context, order_no, "paid")


def test_orders_list_filters_by_status_oldest_first(world: World) -> None:
    buyers = [world.sign_up()[0] for _ in range(3)]  # one each: a member holds at most two unpaid reservations
    first = world.order(buyers[0])["order_no"]
    world.at(T0 + dt.timedelta(hours=1))
    second = world.order(buyers[1])["order_no"]
    world.at(T0 + dt.timedelta(hours=2))
    third = world.order(buyers[2])["order_no"]
    move_order(world.context, second, "invoiced")
    assert [o["order_no"] for o in world.admin_json("orders", "list")] == [first, second, third]
    assert [o["order_no"] for o in world.admin_json("orders", "list", "--status", "reserved")] == [first, third]
    code, out, _ = world.admin("orders", "list")
    assert code == 0
    assert out.splitlines()[0].split() == ["ORDER", "STATUS", "CREATED", "(UTC)", "STOCK", "VEHICLE", "PORT", "TERM",
                                           "USD", "CONSIGNEE"]  # fmt: skip
    assert [line.split()[0] for line in out.splitlines()[2:]] == [first, second, third]


def test_the_shipment_is_recorded_and_shown(world: World) -> None:
    # Given a paid order
    cookie, _ = world.sign_up()
    order_no = world.order(cookie)["order_no"]
    move_order(world.context, order_no, "paid")
    # When staff record the vessel, voyage and bill of lading
    code, out, err = world.admin("orders", "ship", order_no, "--vessel", "HOEGH TRIGGER", "--voyage", "112W",
                                 "--bl", "HLJP1234567")  # fmt: skip
    # Then the order carries them
    assert code == 0, err
    assert "B/L HLJP1234567 recorded" in out
    shipment = world.admin_json("orders", "show", order_no)["shipment"]
    assert (shipment["vessel"], shipment["voyage"], shipment["bl_no"]) == ("HOEGH TRIGGER", "112W", "HLJP1234567")
    _, shown, _ = world.admin("orders", "show", order_no)
    assert "vessel HOEGH TRIGGER, voyage 112W, B/L HLJP1234567" in shown
    # and the buyer sees them with their order
    (mine,) = world.buyer_orders(cookie)
    assert mine["shipment"]["bl_no"] == "HLJP1234567"


def test_a_shipment_is_not_recorded_on_a_cancelled_order(world: World) -> None:
    cookie, _ = world.sign_up()
    order_no = world.order(cookie)["order_no"]
    move_order(world.context, order_no, "cancelled")
    with pytest.raises(AdminError, match="is cancelled"):
        ship_order(world.context, order_no, vessel="V", voyage="1", bl_no="B")


def test_two_staff_moving_one_order_at_once_cannot_both_win(world: World) -> None:
    # Given an order that two colleagues both read as reserved
    cookie, _ = world.sign_up()
    order_no = world.order(cookie)["order_no"]
    stale = orders.find_order(world.api.deps.db, order_no)
    assert stale is not None
    # When one cancels it and the other then marks it paid from what they read
    move_order(world.context, order_no, "cancelled")
    # Then the second move is refused and the order stays cancelled, the car free
    with pytest.raises(orders.StatusChanged):
        orders.change_status(world.api.deps.db, stale, "paid", "2026-11-21T00:00:00Z", vehicle="sold")
    assert world.admin_json("orders", "show", order_no)["status"] == "cancelled"
    assert stale["stock_no"] not in world.stock_status()["sold"]


def test_a_cancel_whose_car_is_not_held_by_the_order_changes_nothing(world: World) -> None:
    # Given an order whose car, for whatever reason, is no longer held by it
    cookie, _ = world.sign_up()
    order = world.order(cookie)
    db = world.api.deps.db
    db.client.update_item(
        TableName=db.table,
        Key={"pk": {"S": f"VEHICLE#{order['stock_no']}"}, "sk": {"S": "VEHICLE"}},
        UpdateExpression="SET reserved_by = :other",
        ExpressionAttributeValues={":other": {"S": "CJ-SOMEONE0"}},
    )
    # When staff cancel the order
    with pytest.raises(AdminError, match=f"vehicle {order['stock_no']} is not held by order"):
        move_order(world.context, order["order_no"], "cancelled")
    # Then the order is unchanged (the two writes are one transaction) and the other hold stays
    assert world.admin_json("orders", "show", order["order_no"])["status"] == "reserved"
    assert order["stock_no"] in world.stock_status()["reserved"]


def test_a_buyer_s_escape_codes_in_the_consignee_reach_the_terminal_harmlessly(world: World) -> None:
    # Given an order whose consignee carries terminal escapes
    cookie, _ = world.sign_up()
    # (the API refuses them now; staff's tools must still show older or otherwise stored ones safely)
    consignee = {"name": "Evil\x1b[2J Ltd", "address": "Street\x1b]0;owned\x07 1", "telephone": "+254 700 100"}
    order_no = world.order(cookie)["order_no"]
    world.store_as_typed("order_no", order_no, consignee=consignee)
    # When staff list and show it
    _, listed, _ = world.admin("orders", "list")
    _, shown, _ = world.admin("orders", "show", order_no)
    # Then the escapes are shown, not obeyed
    for out in (listed, shown):
        assert "\x1b" not in out
        assert "Evil\\x1b[2J Ltd" in out
    assert "\x07" not in shown
