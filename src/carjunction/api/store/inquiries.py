"""Inquiries: kept in the member's item collection when the sender is signed in, else on their own."""

from __future__ import annotations

from carjunction.api.store.db import Db, Item, find_by_type, key, list_by_type, to_item, update_if


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
    return list_by_type(db, "INQUIRY")


def find_inquiry(db: Db, reference: str) -> Item | None:
    return find_by_type(db, "INQUIRY", "reference", reference)


def mark_answered(db: Db, pk: str, sk: str, changes: Item) -> Item | None:
    """Set ``changes`` (status answered, answered_at, note) if the inquiry is still unanswered; else None."""
    names = {f"#f{i}": name for i, name in enumerate(changes)}
    values = {f":v{i}": value for i, value in enumerate(changes.values())}
    return update_if(
        db,
        Key=key(pk, sk),
        UpdateExpression="SET " + ", ".join(f"#f{i} = :v{i}" for i in range(len(changes))),
        ConditionExpression="attribute_exists(pk) AND #status = :new",
        ExpressionAttributeNames={**names, "#status": "status"},
        ExpressionAttributeValues=to_item({**values, ":new": "new"}),
    )
