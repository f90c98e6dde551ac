"""Orders, the reservation of their vehicle and the invoice-code item, written together or not at all."""

from __future__ import annotations

from typing import Any

from botocore.exceptions import ClientError

from carjunction.api.store.db import (
    Db,
    Item,
    cancellation_codes,
    error_code,
    find_by_type,
    from_item,
    key,
    list_by_type,
    query_all,
    to_item,
    update_if,
)
from carjunction.api.store.members import member_pk, profile_key
from carjunction.api.store.vehicles import RESERVED, SOLD, vehicle_key


class VehicleTaken(Exception):
    pass


class ReservationLimit(Exception):
    """The member already holds as many unpaid reservations as one member may (or is no longer a member)."""


# An order placed under the cap carries this flag; the member's counter goes down once, when the order stops being
# an unpaid reservation. Orders without it (placed before the cap existed, or erased) never touch the counter.
HOLDS_SLOT = "holds_slot"


def slot_freed(order: Item) -> dict[str, Any] | None:
    """The write that gives back the member's reservation slot when ``order`` leaves "reserved", or None."""
    if order.get("status") != "reserved" or not order.get(HOLDS_SLOT) or order.get("erased"):
        return None
    return {
        "Update": {
            "Key": profile_key(str(order["pk"])),
            "UpdateExpression": "ADD open_reservations :minus_one",
            "ConditionExpression": "attribute_exists(pk)",
            "ExpressionAttributeValues": {":minus_one": {"N": "-1"}},
        }
    }


ORDER = "ORDER#"  # the start of every order's sort key, in its member's item collection


def order_sk(order_no: str) -> str:
    return f"{ORDER}{order_no}"


def is_order(item: Item) -> bool:
    """Whether an item of a member's collection is one of their orders."""
    return str(item["sk"]).startswith(ORDER)


def invoice_pk(code: str) -> str:
    return f"INVOICE#{code}"


def invoice_key(code: str) -> dict[str, Any]:
    return key(invoice_pk(code), "INVOICE")


def reserve_and_place(db: Db, order: Item, invoice: Item, max_open: int) -> None:
    """One transaction: reserve the car only if available and unreserved, take one of the member's ``max_open``
    reservation slots (confirmed members only), store the order and its invoice code.

    VehicleTaken or ReservationLimit when a condition fails; nothing is written then."""
    owner = member_pk(order["member_id"])
    order_item = {
        "pk": owner,
        "sk": order_sk(order["order_no"]),
        "gsi1pk": "ORDER",
        "gsi1sk": f"{order['created_at']}#{order['order_no']}",
        HOLDS_SLOT: True,
        **order,
    }
    slot = {
        "TableName": db.table,
        "Key": profile_key(owner),
        "UpdateExpression": "ADD open_reservations :one",
        "ConditionExpression": "confirmed = :yes "
        "AND (attribute_not_exists(open_reservations) OR open_reservations < :cap)",
        "ExpressionAttributeValues": to_item({":one": 1, ":yes": True, ":cap": max_open}),
    }
    invoice_item = {"pk": invoice_pk(invoice["code"]), "sk": "INVOICE", **invoice}
    reserve = {
        "TableName": db.table,
        "Key": vehicle_key(order["stock_no"]),
        "UpdateExpression": "SET reserved_by = :order, reserved_member = :member, reserved_until = :until, "
        "gsi2pk = :held, gsi2sk = :until",
        "ConditionExpression": "#status = :available AND attribute_not_exists(reserved_by)",
        "ExpressionAttributeNames": {"#status": "status"},
        "ExpressionAttributeValues": to_item(
            {
                ":order": order["order_no"],
                ":member": order["member_id"],
                ":until": order["reserved_until"],
                ":held": RESERVED,
                ":available": "available",
            }
        ),
    }
    try:
        db.client.transact_write_items(
            TransactItems=[
                {"Update": reserve},
                {
                    "Put": {
                        "TableName": db.table,
                        "Item": to_item(order_item),
                        "ConditionExpression": "attribute_not_exists(pk)",
                    }
                },
                {
                    "Put": {
                        "TableName": db.table,
                        "Item": to_item(invoice_item),
                        "ConditionExpression": "attribute_not_exists(pk)",
                    }
                },
                {"Update": slot},
            ]
        )
    except ClientError as error:
        if error_code(error) == "TransactionCanceledException":
            codes = cancellation_codes(error)
            if codes[:1] == ["ConditionalCheckFailed"]:
                raise VehicleTaken from None
            if codes[3:4] == ["ConditionalCheckFailed"]:
                raise ReservationLimit from None
        raise


def with_table(db: Db, write: dict[str, Any]) -> dict[str, Any]:
    ((kind, request),) = write.items()
    return {kind: {"TableName": db.table, **request}}


def get_order(db: Db, member_id: str, order_no: str) -> Item | None:
    answer = db.client.get_item(
        TableName=db.table, Key=key(member_pk(member_id), order_sk(order_no)), ConsistentRead=True
    )
    return from_item(answer["Item"]) if "Item" in answer else None


def list_orders(db: Db, member_id: str) -> list[Item]:
    return query_all(
        db,
        KeyConditionExpression="pk = :pk AND begins_with(sk, :orders)",
        ExpressionAttributeValues={":pk": {"S": member_pk(member_id)}, ":orders": {"S": ORDER}},
        ConsistentRead=True,
    )


def get_invoice(db: Db, code: str) -> Item | None:
    answer = db.client.get_item(TableName=db.table, Key=invoice_key(code))
    return from_item(answer["Item"]) if "Item" in answer else None


def release(db: Db, stock_no: str, now_iso: str) -> bool:
    """Free a lapsed reservation and mark its order lapsed, if it is still reserved and unpaid."""
    vehicle = db.client.get_item(TableName=db.table, Key=vehicle_key(stock_no), ConsistentRead=True)
    if "Item" not in vehicle:
        return False
    held = from_item(vehicle["Item"])
    if "reserved_by" not in held:
        return False
    order = get_order(db, str(held["reserved_member"]), str(held["reserved_by"]))
    freed = slot_freed(order) if order else None
    change = to_item({":lapsed": "lapsed", ":reserved": "reserved", ":history": [{"status": "lapsed", "at": now_iso}]})
    try:
        db.client.transact_write_items(
            TransactItems=[
                {
                    "Update": {
                        "TableName": db.table,
                        "Key": vehicle_key(stock_no),
                        "UpdateExpression": "REMOVE reserved_by, reserved_member, reserved_until, gsi2pk, gsi2sk",
                        "ConditionExpression": "reserved_by = :order AND reserved_until < :now",
                        "ExpressionAttributeValues": to_item({":order": held["reserved_by"], ":now": now_iso}),
                    }
                },
                {
                    "Update": {
                        "TableName": db.table,
                        "Key": key(member_pk(str(held["reserved_member"])), order_sk(str(held["reserved_by"]))),
                        "UpdateExpression": "SET #status = :lapsed, history = list_append(history, :history)",
                        "ConditionExpression": "#status = :reserved",
                        "ExpressionAttributeNames": {"#status": "status"},
                        "ExpressionAttributeValues": change,
                    }
                },
                *([with_table(db, freed)] if freed else []),
            ]
        )
    except ClientError as error:
        if error_code(error) == "TransactionCanceledException":
            return False  # paid meanwhile, released by another run, or the member erased meanwhile (next run frees it)
        raise
    return True


# --- staff (the admin CLI) ------------------------------------------------------------------------
class StatusChanged(Exception):
    """The order is no longer in the status the move was decided on (someone else moved it)."""


class ReservationLost(Exception):
    """The vehicle is not held by this order, so it cannot be freed or marked sold through it."""


def list_all_orders(db: Db) -> list[Item]:
    """Every order, oldest first (gsi1 ``ORDER``)."""
    return list_by_type(db, "ORDER")


def find_order(db: Db, order_no: str) -> Item | None:
    return find_by_type(db, "ORDER", "order_no", order_no)


def change_status(db: Db, order: Item, to_status: str, at: str, *, vehicle: str | None = None) -> None:
    """Move ``order`` from the status it was read with to ``to_status``, appending to its history.

    ``vehicle`` is ``"free"`` (cancel: the car can be ordered again) or ``"sold"`` (paid: the site shows it sold),
    done in the same transaction and only while the car is held by this order.
    """
    order_no, stock_no = str(order["order_no"]), str(order["stock_no"])
    move = {
        "Update": {
            "TableName": db.table,
            "Key": key(str(order["pk"]), order_sk(order_no)),
            "UpdateExpression": "SET #status = :to, history = list_append(history, :change)",
            "ConditionExpression": "#status = :from",
            "ExpressionAttributeNames": {"#status": "status"},
            "ExpressionAttributeValues": to_item(
                {":to": to_status, ":from": order["status"], ":change": [{"status": to_status, "at": at}]}
            ),
        }
    }
    writes = [move]
    freed = slot_freed(order) if to_status != "reserved" else None
    if vehicle == "free":
        update = "REMOVE reserved_by, reserved_member, reserved_until, gsi2pk, gsi2sk"
        values: Item = {":order": order_no}
    elif vehicle == "sold":
        # reserved_by stays: it keeps the car from being ordered again, and the release function only looks
        # at STOCK#RESERVED, so a paid car is never released.
        update = "SET gsi2pk = :sold, gsi2sk = :stock, sold_order = :order, sold_at = :at"
        values = {":order": order_no, ":sold": SOLD, ":stock": stock_no, ":at": at}
    if vehicle is not None:
        writes.append(
            {
                "Update": {
                    "TableName": db.table,
                    "Key": vehicle_key(stock_no),
                    "UpdateExpression": update,
                    "ConditionExpression": "reserved_by = :order",
                    "ExpressionAttributeValues": to_item(values),
                }
            }
        )
    if freed:
        writes.append(with_table(db, freed))
    try:
        db.client.transact_write_items(TransactItems=writes)
    except ClientError as error:
        if error_code(error) != "TransactionCanceledException":
            raise
        codes = cancellation_codes(error)
        if codes[:1] == ["ConditionalCheckFailed"]:
            raise StatusChanged from None
        if codes[1:2] == ["ConditionalCheckFailed"]:
            raise ReservationLost from None
        raise


def record_shipment(db: Db, order: Item, shipment: Item) -> Item | None:
    """Store vessel, voyage and bill of lading if the order is still in the status it was read with."""
    return update_if(
        db,
        Key=key(str(order["pk"]), order_sk(str(order["order_no"]))),
        UpdateExpression="SET shipment = :shipment",
        ConditionExpression="#status = :status",
        ExpressionAttributeNames={"#status": "status"},
        ExpressionAttributeValues=to_item({":shipment": shipment, ":status": order["status"]}),
    )
