"""Inquiries: kept in the member's item collection when the sender is signed in, else on their own."""

from __future__ import annotations

from typing import Any

from carjunction.api.store.db import Db, Item, find_by_type, from_item, key, list_by_type, query_all, to_item, update_if
from carjunction.api.store.members import member_pk

BATCH_GET_SIZE = 100  # BatchGetItem's limit


INQUIRY = "INQUIRY#"  # the start of every inquiry's sort key (and of a guest's inquiry's own pk)


def is_inquiry(item: Item) -> bool:
    """Whether an item of a member's collection is an inquiry they sent signed in."""
    return str(item["sk"]).startswith(INQUIRY)


def sender_pk(email_key: str) -> str:
    return f"SENDER#{email_key}"


def put_inquiry(db: Db, inquiry: Item, email_key: str) -> None:
    """Store an inquiry; gsi2 finds it by the sender's normalised address, for that person's export and erasure."""
    owner = member_pk(inquiry["member_id"]) if inquiry.get("member_id") else f"{INQUIRY}{inquiry['reference']}"
    item = {
        "pk": owner,
        "sk": f"{INQUIRY}{inquiry['received_at']}#{inquiry['reference']}",
        "gsi1pk": "INQUIRY",
        "gsi1sk": f"{inquiry['received_at']}#{inquiry['reference']}",
        "gsi2pk": sender_pk(email_key),
        "gsi2sk": f"{inquiry['received_at']}#{inquiry['reference']}",
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


def inquiry_keys_from(db: Db, email_key: str) -> list[tuple[str, str]]:
    """(pk, sk) of every inquiry sent from an address, signed in or not: a query on gsi2, never a scan."""
    items = query_all(
        db,
        IndexName="gsi2",
        KeyConditionExpression="gsi2pk = :sender",
        ExpressionAttributeValues={":sender": {"S": sender_pk(email_key)}},
    )
    return [(str(item["pk"]), str(item["sk"])) for item in items]


def get_inquiries(db: Db, keys: list[tuple[str, str]]) -> list[Item]:
    """The inquiries at ``keys`` (gsi2 holds keys only), read in batches."""
    found: list[Item] = []
    for start in range(0, len(keys), BATCH_GET_SIZE):
        request: dict[str, Any] = {
            db.table: {"Keys": [key(pk, sk) for pk, sk in keys[start : start + BATCH_GET_SIZE]], "ConsistentRead": True}
        }
        while request:
            answer = db.client.batch_get_item(RequestItems=request)
            found.extend(from_item(item) for item in answer.get("Responses", {}).get(db.table, []))
            request = answer.get("UnprocessedKeys") or {}
    return sorted(found, key=lambda item: str(item["sk"]))
