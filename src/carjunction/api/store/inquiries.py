"""Inquiries: kept in the member's item collection when the sender is signed in, else on their own."""

from __future__ import annotations

from carjunction.api.store.db import Db, Item, to_item


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
