"""The table handle passed down to every store function, and the attribute-value codec."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

Item = dict[str, Any]


@dataclass(frozen=True)
class Db:
    client: Any  # a boto3 DynamoDB client (low level: TransactWriteItems needs it anyway)
    table: str


def encode(value: Any) -> dict[str, Any]:
    if value is None:
        return {"NULL": True}
    if isinstance(value, bool):
        return {"BOOL": value}
    if isinstance(value, int | float):
        return {"N": repr(value)}
    if isinstance(value, str):
        return {"S": value}
    if isinstance(value, list | tuple):
        return {"L": [encode(v) for v in value]}
    if isinstance(value, dict):
        return {"M": {str(k): encode(v) for k, v in value.items()}}
    raise TypeError(f"cannot store {type(value).__name__}")


def decode(attribute: dict[str, Any]) -> Any:
    kind, value = next(iter(attribute.items()))
    if kind == "S":
        return value
    if kind == "N":
        return int(value) if value.lstrip("-").isdigit() else float(value)
    if kind == "BOOL":
        return bool(value)
    if kind == "NULL":
        return None
    if kind == "L":
        return [decode(v) for v in value]
    if kind == "M":
        return {k: decode(v) for k, v in value.items()}
    raise TypeError(f"unexpected attribute type {kind}")


def to_item(values: Item) -> dict[str, Any]:
    return {key: encode(value) for key, value in values.items()}


def from_item(item: dict[str, Any]) -> Item:
    return {key: decode(value) for key, value in item.items()}


def key(pk: str, sk: str) -> dict[str, Any]:
    return {"pk": {"S": pk}, "sk": {"S": sk}}


def cancellation_codes(error: Any) -> list[str]:
    """Per-item reasons of a TransactionCanceledException, '' where the item was fine."""
    reasons = error.response.get("CancellationReasons") or []
    return [str(reason.get("Code") or "") for reason in reasons]


def error_code(error: Any) -> str:
    return str(error.response.get("Error", {}).get("Code", ""))


def query_all(db: Db, **request: Any) -> list[Item]:
    items: list[Item] = []
    while True:
        page = db.client.query(TableName=db.table, **request)
        items.extend(from_item(i) for i in page.get("Items", []))
        if "LastEvaluatedKey" not in page:
            return items
        request["ExclusiveStartKey"] = page["LastEvaluatedKey"]


def list_by_type(db: Db, entity: str) -> list[Item]:
    """Every item of one type, oldest first: gsi1 is keyed by type and by creation time."""
    return query_all(
        db,
        IndexName="gsi1",
        KeyConditionExpression="gsi1pk = :type",
        ExpressionAttributeValues={":type": {"S": entity}},
        ScanIndexForward=True,
    )


def find_by_type(db: Db, entity: str, attribute: str, value: str) -> Item | None:
    """The item of one type whose ``attribute`` is ``value``, searched in gsi1 (staff know only the number)."""
    found = query_all(
        db,
        IndexName="gsi1",
        KeyConditionExpression="gsi1pk = :type",
        FilterExpression="#attribute = :value",
        ExpressionAttributeNames={"#attribute": attribute},  # "reference" is a reserved word
        ExpressionAttributeValues={":type": {"S": entity}, ":value": {"S": value}},
    )
    return found[0] if found else None


def update_if(db: Db, **request: Any) -> Item | None:
    """UpdateItem with a condition; the item as it is now, or None when the condition did not hold."""
    from botocore.exceptions import ClientError  # noqa: PLC0415 - botocore comes with the client anyway

    try:
        answer = db.client.update_item(TableName=db.table, ReturnValues="ALL_NEW", **request)
    except ClientError as error:
        if error_code(error) == "ConditionalCheckFailedException":
            return None
        raise
    return from_item(answer["Attributes"])
