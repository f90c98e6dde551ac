"""Orders: list, show, move along their status, record the shipment.

Allowed moves (anything else is refused, naming the current status):
reserved → invoiced → paid → shipped → delivered; cancelled from reserved or invoiced. Cancelling frees the car
and marking paid shows it sold on the site, each in one transaction with the order's move.
"""

from __future__ import annotations

from typing import Any

from carjunction.api.store import orders
from carjunction.api.store.db import Item
from carjunction.clock import iso
from carjunction.ops.admin.context import AdminContext, AdminError

MOVES: dict[str, tuple[str, ...]] = {
    "reserved": ("invoiced", "paid", "cancelled"),
    "invoiced": ("paid", "cancelled"),
    "paid": ("shipped",),
    "shipped": ("delivered",),
}
TARGETS = ("invoiced", "paid", "shipped", "delivered", "cancelled")
# What the move does to the car: freed for other buyers, or shown sold.
VEHICLE_EFFECT = {"cancelled": "free", "paid": "sold"}
# A booking can be recorded before the car sails, and corrected until it is delivered.
SHIPMENT_STATUSES = ("invoiced", "paid", "shipped")


def order_row(item: Item) -> dict[str, Any]:
    """What staff see of an order: no member id, no keys."""
    quote = item.get("quote") or {}
    return {
        "order_no": item.get("order_no"),
        "status": item.get("status"),
        "created_at": item.get("created_at"),
        "stock_no": item.get("stock_no"),
        "vehicle": item.get("vehicle"),
        "port": item.get("port"),
        "incoterm": item.get("incoterm"),
        "total_usd": quote.get("total_usd"),
        "reserved_until": item.get("reserved_until"),
        "consignee": item.get("consignee"),
        "notify_party": item.get("notify_party"),
        "shipment": item.get("shipment"),
        "history": item.get("history") or [],
    }


def list_orders(context: AdminContext, *, status: str | None = None) -> list[dict[str, Any]]:
    items = orders.list_all_orders(context.db)
    return [order_row(item) for item in items if status is None or item.get("status") == status]


def find(context: AdminContext, order_no: str) -> Item:
    item = orders.find_order(context.db, order_no.strip().upper())
    if item is None:
        raise AdminError(f"no order {order_no.strip()!r}")
    return item


def show_order(context: AdminContext, order_no: str) -> dict[str, Any]:
    return order_row(find(context, order_no))


def move_order(context: AdminContext, order_no: str, to_status: str) -> dict[str, Any]:
    item = find(context, order_no)
    current = str(item.get("status"))
    allowed = MOVES.get(current, ())
    if to_status not in allowed:
        choices = f"it can go to {', '.join(allowed)}" if allowed else "it cannot be moved any more"
        raise AdminError(f"order {item['order_no']} is {current}: {choices}, not {to_status}")
    try:
        orders.change_status(context.db, item, to_status, iso(context.clock()), vehicle=VEHICLE_EFFECT.get(to_status))
    except orders.StatusChanged:
        raise AdminError(f"order {item['order_no']} was changed by someone else just now; look again") from None
    except orders.ReservationLost:
        raise AdminError(
            f"vehicle {item['stock_no']} is not held by order {item['order_no']} any more; nothing was changed"
        ) from None
    return show_order(context, str(item["order_no"]))


def ship_order(context: AdminContext, order_no: str, *, vessel: str, voyage: str, bl_no: str) -> dict[str, Any]:
    item = find(context, order_no)
    if item.get("status") not in SHIPMENT_STATUSES:
        raise AdminError(
            f"order {item['order_no']} is {item.get('status')}: a shipment is recorded on an order that is "
            f"{', '.join(SHIPMENT_STATUSES)}"
        )
    shipment = {"vessel": vessel.strip(), "voyage": voyage.strip(), "bl_no": bl_no.strip()}
    for name, value in shipment.items():
        if not value or len(value) > 100:
            raise AdminError(f"{name}: give 1 to 100 characters")
    updated = orders.record_shipment(context.db, item, {**shipment, "recorded_at": iso(context.clock())})
    if updated is None:
        raise AdminError(f"order {item['order_no']} was changed by someone else just now; look again")
    return order_row(updated)
