"""The catalogue copy and the live status of each vehicle.

Staff-owned attributes (status, price, data) come from the YAML by ``sync``; reservation attributes
(reserved_by, reserved_member, reserved_until, gsi2 while reserved) belong to orders, and sync never touches them.
``listed_at`` is the sync that first found the car available; the alert job (logic.alert_digest) calls a car new
for an alert saved before it.
"""

from __future__ import annotations

from typing import Any

from botocore.exceptions import ClientError

from carjunction.api.store.db import Db, Item, error_code, from_item, key, query_all, to_item

RESERVED = "STOCK#RESERVED"
SOLD = "STOCK#SOLD"


def vehicle_pk(stock_no: str) -> str:
    return f"VEHICLE#{stock_no}"


def vehicle_key(stock_no: str) -> dict[str, Any]:
    return key(vehicle_pk(stock_no), "VEHICLE")


def get_vehicle(db: Db, stock_no: str) -> Item | None:
    answer = db.client.get_item(TableName=db.table, Key=vehicle_key(stock_no), ConsistentRead=True)
    return from_item(answer["Item"]) if "Item" in answer else None


def put_catalogue_entry(
    db: Db, stock_no: str, *, status: str, price_usd: int, data: str, title: str, synced_at: str
) -> None:
    """Upsert what staff own; an UpdateItem so a live reservation on the item survives."""
    sets = (
        "#status = :status, price_usd = :price, #data = :data, title = :title, synced_at = :synced, "
        "gsi1pk = :vehicle, gsi1sk = :stock"
    )
    values: Item = {
        ":status": status,
        ":price": price_usd,
        ":data": data,
        ":title": title,
        ":synced": synced_at,
        ":vehicle": "VEHICLE",
        ":stock": stock_no,
    }
    if status == "available":
        # Set once: a later sync, a price change or a reservation that lapses does not make the car new again.
        # A car first synced sold or withdrawn gets it only when it is first offered.
        sets += ", listed_at = if_not_exists(listed_at, :synced)"
    if status == "sold":
        sets += ", gsi2pk = :sold, gsi2sk = :stock"
        values |= {":sold": SOLD}
    answer = db.client.update_item(
        TableName=db.table,
        Key=vehicle_key(stock_no),
        UpdateExpression=f"SET {sets}",
        ExpressionAttributeNames={"#status": "status", "#data": "data"},
        ExpressionAttributeValues=to_item(values),
        ReturnValues="ALL_OLD",
    )
    was_sold = from_item(answer.get("Attributes", {})).get("gsi2pk") == SOLD
    if status != "sold" and was_sold:
        # Staff took a "sold" back; the condition keeps a reservation made meanwhile, and a car sold through
        # a paid order (sold_order, set by the admin CLI) stays sold whatever its file says.
        try:
            db.client.update_item(
                TableName=db.table,
                Key=vehicle_key(stock_no),
                UpdateExpression="REMOVE gsi2pk, gsi2sk",
                ConditionExpression="gsi2pk = :sold AND attribute_not_exists(sold_order)",
                ExpressionAttributeValues={":sold": {"S": SOLD}},
            )
        except ClientError as error:
            if error_code(error) != "ConditionalCheckFailedException":
                raise


def catalogue_entries(db: Db) -> list[Item]:
    """Every synced vehicle (one gsi1 query, paged): status, data, listed_at and the live reservation/sale marks."""
    return query_all(
        db,
        IndexName="gsi1",
        KeyConditionExpression="gsi1pk = :v",
        ExpressionAttributeValues={":v": {"S": "VEHICLE"}},
    )


def is_listed(entry: Item) -> bool:
    """On offer now: available in the YAML, neither reserved nor sold through an order."""
    return entry.get("status") == "available" and "reserved_by" not in entry and entry.get("gsi2pk") != SOLD


def synced_stock_numbers(db: Db) -> set[str]:
    items = query_all(
        db,
        IndexName="gsi1",
        KeyConditionExpression="gsi1pk = :v",
        ExpressionAttributeValues={":v": {"S": "VEHICLE"}},
        ProjectionExpression="gsi1sk",
    )
    return {str(item["gsi1sk"]) for item in items}


def withdraw(db: Db, stock_no: str, synced_at: str) -> None:
    """A vehicle whose file is gone can no longer be quoted or ordered; its item (and any order) stays."""
    db.client.update_item(
        TableName=db.table,
        Key=vehicle_key(stock_no),
        UpdateExpression="SET #status = :withdrawn, synced_at = :synced",
        ConditionExpression="attribute_exists(pk)",
        ExpressionAttributeNames={"#status": "status"},
        ExpressionAttributeValues=to_item({":withdrawn": "withdrawn", ":synced": synced_at}),
    )


def stock_numbers(db: Db, partition: str) -> list[str]:
    items = query_all(
        db,
        IndexName="gsi2",
        KeyConditionExpression="gsi2pk = :p",
        ExpressionAttributeValues={":p": {"S": partition}},
    )
    return sorted(str(item["pk"]).removeprefix("VEHICLE#") for item in items)


def lapsed_reservations(db: Db, now_iso: str) -> list[str]:
    items = query_all(
        db,
        IndexName="gsi2",
        KeyConditionExpression="gsi2pk = :p AND gsi2sk < :now",
        ExpressionAttributeValues={":p": {"S": RESERVED}, ":now": {"S": now_iso}},
    )
    return [str(item["pk"]).removeprefix("VEHICLE#") for item in items]
