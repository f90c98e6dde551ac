"""The shipping manifest: what a shipping agent needs to clear each car, and nothing else about the buyer.

The privacy policy lets shipping and clearing be the one purpose personal data leaves the company for, so the
columns are the vehicle's facts, the route, the consignee and notify party as on the bill of lading, and the
shipment. No e-mail address, member id or price.
"""

from __future__ import annotations

import csv
import io
import re
from typing import Any

from carjunction.api.store import vehicles
from carjunction.catalogue import Vehicle
from carjunction.ops.admin.context import AdminContext, AdminError
from carjunction.ops.admin.move_orders import find
from carjunction.ops.admin.render_text import safe

COLUMNS = (
    "order_no",
    "stock_no",
    "make",
    "model",
    "model_code",
    "chassis_no",
    "manufactured",
    "first_registered",
    "colour",
    "engine_cc",
    "weight_kg",
    "volume_m3",
    "port_of_discharge",
    "incoterm",
    "consignee_name",
    "consignee_address",
    "consignee_telephone",
    "notify_name",
    "notify_address",
    "notify_telephone",
    "vessel",
    "voyage",
    "bl_no",
)
MANIFEST_STATUSES = ("invoiced", "paid", "shipped", "delivered")
# A telephone number may start with "+"; any other cell starting with a formula character is neutralised.
TELEPHONE = re.compile(r"^\+?[0-9 ()./-]*$")


def manifest_rows(context: AdminContext, order_numbers: list[str]) -> list[dict[str, Any]]:
    rows = []
    for order_no in order_numbers:
        order = find(context, order_no)
        if order.get("status") not in MANIFEST_STATUSES:
            raise AdminError(f"order {order['order_no']} is {order.get('status')}: it is not going to be shipped")
        item = vehicles.get_vehicle(context.db, str(order["stock_no"]))
        if item is None:
            raise AdminError(f"vehicle {order['stock_no']} of order {order['order_no']} is not in the table")
        vehicle = Vehicle.model_validate_json(str(item["data"]))
        consignee = order.get("consignee") or {}
        notify = order.get("notify_party") or {}
        shipment = order.get("shipment") or {}
        rows.append(
            {
                "order_no": order["order_no"],
                "stock_no": vehicle.stock_no,
                "make": vehicle.make,
                "model": vehicle.model,
                "model_code": vehicle.model_code,
                "chassis_no": vehicle.chassis_no,
                "manufactured": vehicle.manufacture,
                "first_registered": vehicle.registration,
                "colour": vehicle.colour,
                "engine_cc": vehicle.engine_cc,
                "weight_kg": vehicle.weight_kg,
                "volume_m3": f"{vehicle.volume_m3:.3f}",
                "port_of_discharge": port_name(context, str(order.get("port"))),
                "incoterm": order.get("incoterm"),
                "consignee_name": consignee.get("name"),
                "consignee_address": consignee.get("address"),
                "consignee_telephone": consignee.get("telephone"),
                "notify_name": notify.get("name"),
                "notify_address": notify.get("address"),
                "notify_telephone": notify.get("telephone"),
                "vessel": shipment.get("vessel"),
                "voyage": shipment.get("voyage"),
                "bl_no": shipment.get("bl_no"),
            }
        )
    return rows


def port_name(context: AdminContext, code: str) -> str:
    if context.shipping is None:
        return code
    try:
        return f"{context.shipping.port(code).name} ({code})"
    except KeyError:
        return code


def cell(value: Any) -> str:
    """One line of text that a spreadsheet shows as text, never runs as a formula."""
    text = " ".join(safe(value).split())
    if text[:1] in ("=", "@") or (text[:1] in ("+", "-") and not TELEPHONE.match(text)):
        return "'" + text
    return text


def manifest_csv(rows: list[dict[str, Any]]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(COLUMNS)
    for row in rows:
        writer.writerow([cell(row[name]) for name in COLUMNS])
    return out.getvalue()
