"""One-time link tokens (sign-up, sign-in, opt-in). Only a keyed hash of the token is stored; redeeming deletes it.

A sign-up token's item is the pending sign-up itself: it holds the details typed into the form until the link
is confirmed, and DynamoDB's TTL deletes it when the link runs out.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from botocore.exceptions import ClientError

from carjunction.api.store.db import Db, Item, error_code, from_item, key, to_item

TOKEN = "TOKEN"  # noqa: S105 - the sort key of a link item, not a secret


def token_pk(token_hash: str) -> str:
    return f"TOKEN#{token_hash}"


def token_key(token_hash: str) -> dict[str, Any]:
    return key(token_pk(token_hash), TOKEN)


def stored_key(link: Item) -> dict[str, Any]:
    """The key of a link read from the table (its ``pk`` holds the hash)."""
    return key(str(link["pk"]), TOKEN)


def put_token(db: Db, token_hash: str, link: Item, expires_at: int) -> None:
    """``link`` holds purpose, email (where the link was sent) and member_id or the pending sign-up's details."""
    item = {"pk": token_pk(token_hash), "sk": TOKEN, **link, "expires_at": expires_at}
    db.client.put_item(TableName=db.table, Item=to_item(item))


def read_token(db: Db, token_hashes: Iterable[str], now: int) -> Item | None:
    """The unexpired link under any of the hashes, without spending it."""
    for token_hash in token_hashes:
        answer = db.client.get_item(TableName=db.table, Key=token_key(token_hash), ConsistentRead=True)
        if "Item" in answer:
            item = from_item(answer["Item"])
            # TTL deletes within days, not at the second: the time is checked here too.
            return item if int(item.get("expires_at", 0)) > now else None
    return None


def redeem_token(db: Db, token_hashes: Iterable[str], purposes: Iterable[str], now: int) -> Item | None:
    """The link if it exists under one of the hashes, is unexpired and is for one of ``purposes``; deleted then
    (single use). A link for another purpose is left as it is."""
    allowed = sorted(purposes)
    values = {":now": now, **{f":p{i}": purpose for i, purpose in enumerate(allowed)}}
    purpose_in = ", ".join(f":p{i}" for i in range(len(allowed)))
    for token_hash in token_hashes:
        try:
            answer = db.client.delete_item(
                TableName=db.table,
                Key=token_key(token_hash),
                ConditionExpression=f"attribute_exists(pk) AND expires_at > :now AND purpose IN ({purpose_in})",
                ExpressionAttributeValues=to_item(values),
                ReturnValues="ALL_OLD",
            )
        except ClientError as error:
            if error_code(error) == "ConditionalCheckFailedException":
                continue
            raise
        return from_item(answer["Attributes"])
    return None
