"""The catalogue copy and the live status of each vehicle.

Staff-owned attributes (status, price, data) come from the YAML by ``sync``; reservation attributes
(reserved_by, reserved_member, reserved_until, gsi2 while reserved) belong to orders, and sync never touches them.
"""

from __future__ import annotations

from botocore.exceptions import ClientError

from carjunction.api.store.db import Db, Item, error_code, from_item, key, query_all, to_item

RESERVED = "STOCK#RESERVED"
SOLD = "STOCK#SOLD"


def vehicle_pk(stock_no: str) -> str:
    return f"VEHICLE#{stock_no}"


def get_vehicle(db: Db, stock_no: str) -> Item | None:
    answer = db.client.get_item(TableName=db.table, Key=key(vehicle_pk(stock_no), "VEHICLE"), ConsistentRead=True)
    return from_item(answer["Item"]) if "Item" in answer else None


def put_catalogue_entry(
    db: Db, stock_no: str, *, status: str, price_usd: int, data: str, title: str, synced_at: str
) -> None:
    """Upsert what staff own; an UpdateItem so a live reservation on the item survives."""
    sets = "#status = :status, price_usd = :price, #data = :data, title = :title, synced_at = :synced"
    values: Item = {":status": status, ":price": price_usd, ":data": data, ":title": title, ":synced": synced_at}
    if status == "sold":
        sets += ", gsi2pk = :sold, gsi2sk = :stock"
        values |= {":sold": SOLD, ":stock": stock_no}
    db.client.update_item(
        TableName=db.table,
        Key=key(vehicle_pk(stock_no), "VEHICLE"),
        UpdateExpression=f"SET {sets}",
        ExpressionAttributeNames={"#status": "status", "#data": "data"},
        ExpressionAttributeValues=to_item(values),
    )
    if status != "sold":
        # Undo a "sold" that staff have taken back, but never a reservation.
        try:
            db.client.update_item(
                TableName=db.table,
                Key=key(vehicle_pk(stock_no), "VEHICLE"),
                UpdateExpression="REMOVE gsi2pk, gsi2sk",
                ConditionExpression="gsi2pk = :sold",
                ExpressionAttributeValues={":sold": {"S": SOLD}},
            )
        except ClientError as error:
            if error_code(error) != "ConditionalCheckFailedException":
                raise


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
