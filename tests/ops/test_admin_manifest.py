"""`carjunction admin manifest`: only what a shipping agent needs to clear the cars; `members opted-in`."""

from __future__ import annotations

import csv
import io
from pathlib import Path
from typing import Any

import pytest

from carjunction.ops.admin.context import AdminError
from carjunction.ops.admin.export_manifest import manifest_rows
from carjunction.ops.admin.move_orders import move_order, ship_order
from tests.support.admin_world import World

HEADER = [
    "order_no", "stock_no", "make", "model", "model_code", "chassis_no", "manufactured", "first_registered",
    "colour", "engine_cc", "weight_kg", "volume_m3", "port_of_discharge", "incoterm",
    "consignee_name", "consignee_address", "consignee_telephone", "notify_name", "notify_address", "notify_telephone",
    "vessel", "voyage", "bl_no",
]  # fmt: skip


def shipped_order(world: World, **changes: Any) -> tuple[str, dict[str, object]]:
    """A paid order with its shipment recorded; (order no, the member's sign-up details)."""
    cookie, member = world.sign_up()
    order = world.order(
        cookie,
        notify_party={"name": "Bahari Clearing Agency", "address": "Kilindini Road 4, Mombasa"},
        **changes,
    )
    move_order(world.context, order["order_no"], "paid")
    ship_order(world.context, order["order_no"], vessel="HOEGH TRIGGER", voyage="112W", bl_no="HLJP1234567")
    return str(order["order_no"]), member


def test_the_manifest_has_exactly_the_clearing_fields_and_nothing_about_the_member(
    world: World, tmp_path: Path
) -> None:
    # Given two shipped orders from two members
    first, first_member = shipped_order(world)
    second, second_member = shipped_order(world)
    out = tmp_path / "manifest.csv"
    # When staff export the manifest for both
    code, _, err = world.admin("manifest", first, second, "--out", str(out))
    # Then the CSV has exactly the agreed columns and one row per car, in the order given
    assert code == 0, err
    text = out.read_text(encoding="utf-8")
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[0] == HEADER
    assert [row[0] for row in rows[1:]] == [first, second]
    record = dict(zip(HEADER, rows[1], strict=True))
    assert record["port_of_discharge"] == "Mombasa (KEMBA)"
    assert record["notify_name"] == "Bahari Clearing Agency"
    assert (record["vessel"], record["voyage"], record["bl_no"]) == ("HOEGH TRIGGER", "112W", "HLJP1234567")
    assert record["chassis_no"] and record["model_code"] and float(record["volume_m3"]) > 0
    # and nothing personal beyond the bill of lading's parties: no e-mail, member id or member's phone
    for member in (first_member, second_member):
        assert str(member["email"]) not in text
        assert str(member["telephone"]) not in text
    assert "@" not in text
    for item in world.api.items():
        if item["sk"]["S"] == "PROFILE":
            assert item["member_id"]["S"] not in text


def test_the_manifest_prints_to_the_terminal_and_as_json(world: World) -> None:
    order_no, _ = shipped_order(world)
    code, out, _ = world.admin("manifest", order_no)
    assert code == 0
    assert out.splitlines()[0] == ",".join(HEADER)
    (row,) = world.admin_json("manifest", order_no)
    assert list(row) == HEADER


def test_a_formula_typed_by_a_buyer_is_text_in_the_spreadsheet(world: World) -> None:
    # Given a consignee address that a spreadsheet would run as a formula
    order_no, _ = shipped_order(
        world, consignee={"name": '=HYPERLINK("http://x")', "address": "@SUM(1)", "telephone": "+254 700 100"}
    )
    # When the manifest is made
    (row,) = manifest_rows(world.context, [order_no])
    csv_text = world.admin("manifest", order_no)[1]
    # Then the cells start with a quote, and a telephone number keeps its plus
    assert "'=HYPERLINK" in csv_text
    assert "'@SUM(1)" in csv_text
    assert ",+254 700 100," in csv_text
    assert row["consignee_name"] == '=HYPERLINK("http://x")'  # the JSON keeps the value as entered


def test_an_order_that_is_only_reserved_is_not_on_a_manifest(world: World) -> None:
    cookie, _ = world.sign_up()
    order_no = world.order(cookie)["order_no"]
    with pytest.raises(AdminError, match="is reserved: it is not going to be shipped"):
        manifest_rows(world.context, [order_no])


def test_members_who_opted_in_are_listed_with_name_email_and_country_only(world: World) -> None:
    # Given one member who asked for update notices and one who did not
    _, wants = world.sign_up(name="Amina Yusuf", updates_opt_in=True, country="TZ", port="TZDAR")
    _, does_not = world.sign_up(updates_opt_in=False)
    # When staff list the opted-in members
    rows = world.admin_json("members", "opted-in")
    # Then only the first is there, with exactly those three fields
    assert rows == [{"name": "Amina Yusuf", "email": wants["email"], "country": "TZ"}]
    code, out, _ = world.admin("members", "opted-in")
    assert code == 0
    assert wants["email"] in out
    assert does_not["email"] not in out
