"""Inquiries: kept in the member's item collection when the sender is signed in, else on their own."""

from __future__ import annotations

from botocore.exceptions import ClientError

from carjunction.api.store.db import Db, Item, error_code, from_item, key, query_all, to_item


def put_inquiry(db: Db, inquiry: Item) -> None:
    owner = f"MEMBER#{inquiry['member_id']}" if inquiry.get("member_id") else f"INQUIRY#{inquiry['reference']}"
    item = {
        "pk": owner,
        "sk": f"INQUIRY#{inquiry['received_at']}#{inquiry['reference']}",
        "gsi1pk": "INQUIRY",
        "gsi1sk": f"{inquiry['received_at']}#{inquiry['reference']}",
        **{k: v for k, v in inquiry.items() if v is not None},
    }
    db.client.put_item(TableName=db.table, Item=to_item(item), ConditionExpression="attribute_not_exists(pk)")


def list_inquiries(db: Db) -> list[Item]:
    """Every inquiry, oldest first (gsi1 ``INQUIRY``, sorted by received time)."""
    return query_all(
        db,
        IndexName="gsi1",
        KeyConditionExpression="gsi1pk = :inquiry",
        ExpressionAttributeValues={":inquiry": {"S": "INQUIRY"}},
        ScanIndexForward=True,
    )


def find_inquiry(db: Db, reference: str) -> Item | None:
    # Staff know the reference only; its key also holds the received time, so it is looked up in the index.
    found = query_all(
        db,
        IndexName="gsi1",
        KeyConditionExpression="gsi1pk = :inquiry",
        FilterExpression="#ref = :ref",
        ExpressionAttributeNames={"#ref": "reference"},  # a reserved word
        ExpressionAttributeValues={":inquiry": {"S": "INQUIRY"}, ":ref": {"S": reference}},
    )
    return found[0] if found else None


def mark_answered(db: Db, pk: str, sk: str, changes: Item) -> Item | None:
    """Set ``changes`` (status answered, answered_at, note) if the inquiry is still unanswered; else None."""
    names = {f"#f{i}": name for i, name in enumerate(changes)}
    values = {f":v{i}": value for i, value in enumerate(changes.values())}
    try:
        answer = db.client.update_item(
            TableName=db.table,
            Key=key(pk, sk),
            UpdateExpression="SET " + ", ".join(f"#f{i} = :v{i}" for i in range(len(changes))),
            ConditionExpression="attribute_exists(pk) AND #status = :new",
            ExpressionAttributeNames={**names, "#status": "status"},
            ExpressionAttributeValues=to_item({**values, ":new": "new"}),
            ReturnValues="ALL_NEW",
        )
    except ClientError as error:
        if error_code(error) == "ConditionalCheckFailedException":
            return None
        raise
    return from_item(answer["Attributes"])
