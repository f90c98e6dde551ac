"""One-time sign-in tokens. Only a keyed hash of the token is stored; redeeming deletes it."""

from __future__ import annotations

from botocore.exceptions import ClientError

from carjunction.api.store.db import Db, error_code, from_item, key, to_item


def put_token(db: Db, token_hash: str, member_id: str, expires_at: int) -> None:
    item = {"pk": f"TOKEN#{token_hash}", "sk": "TOKEN", "member_id": member_id, "expires_at": expires_at}
    db.client.put_item(TableName=db.table, Item=to_item(item))


def redeem_token(db: Db, token_hash: str, now: int) -> str | None:
    """The member id if the token exists and is unexpired; it is deleted either way (single use)."""
    try:
        answer = db.client.delete_item(
            TableName=db.table,
            Key=key(f"TOKEN#{token_hash}", "TOKEN"),
            ConditionExpression="attribute_exists(pk) AND expires_at > :now",
            ExpressionAttributeValues={":now": {"N": str(now)}},
            ReturnValues="ALL_OLD",
        )
    except ClientError as error:
        if error_code(error) == "ConditionalCheckFailedException":
            return None
        raise
    return str(from_item(answer["Attributes"])["member_id"])
