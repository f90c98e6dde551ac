"""Fixed-window counters with TTL. The client key is a keyed hash: no raw IP address is stored."""

from __future__ import annotations

from botocore.exceptions import ClientError

from carjunction.api.store.db import Db, error_code, key


def take(db: Db, bucket: str, client_hash: str, *, limit: int, window_seconds: int, now: int) -> bool:
    """Count one request; False when the window's limit is already reached."""
    window = now - now % window_seconds
    try:
        db.client.update_item(
            TableName=db.table,
            Key=key(f"RATE#{bucket}#{client_hash}", str(window)),
            UpdateExpression="ADD hits :one SET expires_at = :expires",
            ConditionExpression="attribute_not_exists(hits) OR hits < :limit",
            ExpressionAttributeValues={
                ":one": {"N": "1"},
                ":limit": {"N": str(limit)},
                ":expires": {"N": str(window + 2 * window_seconds)},
            },
        )
    except ClientError as error:
        if error_code(error) == "ConditionalCheckFailedException":
            return False
        raise
    return True
