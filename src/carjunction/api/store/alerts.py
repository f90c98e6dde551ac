"""Saved searches ("alerts"): items in the member's collection, ``sk = ALERT#<alert_id>``.

The profile keeps the count (``alert_count``) and a digest of each alert's filters (``alert_digests``, a map from
digest to alert id), changed in the same transaction as the alert: so the limit holds under concurrent creates,
and two creates of the same search at once make one alert.
"""

from __future__ import annotations

from collections.abc import Iterable

from botocore.exceptions import ClientError

from carjunction.api.store.db import (
    Db,
    Item,
    cancellation_codes,
    error_code,
    from_item,
    key,
    query_all,
    to_item,
    update_if,
)
from carjunction.api.store.members import PROFILE, member_pk

ALERT_PREFIX = "ALERT"  # the alerts (ALERT#…) and the alert job's state item (ALERTS): erased with the member


class AlertRefused(Exception):
    """The profile's condition failed: no such member, the limit is reached, or the same filters are saved."""


def alert_sk(alert_id: str) -> str:
    return f"ALERT#{alert_id}"


def is_alert(item: Item) -> bool:
    return str(item.get("sk", "")).startswith("ALERT#")


def _ensure_digest_map(db: Db, member_id: str) -> None:
    # A map's entries can be set in a transaction only once the map exists; profiles are made without it.
    update_if(
        db,
        Key=key(member_pk(member_id), PROFILE),
        UpdateExpression="SET alert_digests = :empty",
        ConditionExpression="attribute_exists(pk) AND attribute_not_exists(alert_digests)",
        ExpressionAttributeValues={":empty": {"M": {}}},
    )


def create_alert(db: Db, alert: Item, digest: str, limit: int) -> None:
    """Put the alert and count it on the profile, in one transaction. AlertRefused when the member is gone, keeps
    ``limit`` alerts already, or has an alert with these filters (``digest``); the caller reads which."""
    member_id, alert_id = str(alert["member_id"]), str(alert["alert_id"])
    item = {
        "pk": member_pk(member_id),
        "sk": alert_sk(alert_id),
        "gsi1pk": "ALERT",
        "gsi1sk": f"{alert['created_at']}#{member_id}#{alert_id}",
        **alert,
    }
    _ensure_digest_map(db, member_id)
    try:
        db.client.transact_write_items(
            TransactItems=[
                {
                    "Put": {
                        "TableName": db.table,
                        "Item": to_item(item),
                        "ConditionExpression": "attribute_not_exists(pk)",
                    }
                },
                {
                    "Update": {
                        "TableName": db.table,
                        "Key": key(member_pk(member_id), PROFILE),
                        "UpdateExpression": "SET alert_count = if_not_exists(alert_count, :zero) + :one, "
                        "alert_digests.#digest = :alert_id",
                        "ConditionExpression": "attribute_exists(pk) "
                        "AND (attribute_not_exists(alert_count) OR alert_count < :limit) "
                        "AND attribute_not_exists(alert_digests.#digest)",
                        "ExpressionAttributeNames": {"#digest": digest},
                        "ExpressionAttributeValues": {
                            ":zero": {"N": "0"},
                            ":one": {"N": "1"},
                            ":limit": {"N": str(limit)},
                            ":alert_id": {"S": alert_id},
                        },
                    }
                },
            ]
        )
    except ClientError as error:
        codes = cancellation_codes(error) if error_code(error) == "TransactionCanceledException" else []
        if "ConditionalCheckFailed" in codes:
            # A random id that is already taken (one chance in 32⁸ per alert) reads as a refusal too: the
            # caller finds neither reason and the member simply tries again.
            raise AlertRefused from None
        raise


def member_alerts(db: Db, member_id: str) -> list[Item]:
    """The member's alerts, oldest first."""
    found = query_all(
        db,
        KeyConditionExpression="pk = :pk AND begins_with(sk, :alert)",
        ExpressionAttributeValues={":pk": {"S": member_pk(member_id)}, ":alert": {"S": "ALERT#"}},
        ConsistentRead=True,
    )
    return sorted(found, key=lambda item: (str(item["created_at"]), str(item["alert_id"])))


def get_alert(db: Db, member_id: str, alert_id: str) -> Item | None:
    answer = db.client.get_item(
        TableName=db.table, Key=key(member_pk(member_id), alert_sk(alert_id)), ConsistentRead=True
    )
    return from_item(answer["Item"]) if "Item" in answer else None


def update_alert(db: Db, member_id: str, alert_id: str, changes: Item, remove: tuple[str, ...] = ()) -> Item | None:
    """Rename or pause one of the member's alerts (and ``remove`` attributes); the alert as it now is, or None if
    the member has no such alert."""
    if not changes:
        return get_alert(db, member_id, alert_id)
    names = {f"#f{i}": field for i, field in enumerate(changes)} | {f"#r{i}": field for i, field in enumerate(remove)}
    values = {f":v{i}": value for i, value in enumerate(changes.values())}
    expression = "SET " + ", ".join(f"#f{i} = :v{i}" for i in range(len(changes)))
    if remove:
        expression += " REMOVE " + ", ".join(f"#r{i}" for i in range(len(remove)))
    return update_if(
        db,
        Key=key(member_pk(member_id), alert_sk(alert_id)),
        UpdateExpression=expression,
        ConditionExpression="attribute_exists(pk)",
        ExpressionAttributeNames=names,
        ExpressionAttributeValues=to_item(values),
    )


def delete_alert(db: Db, member_id: str, alert_id: str, digest: str) -> bool:
    """Delete the alert and uncount it, in one transaction; False if the member has no such alert."""
    pk = member_pk(member_id)
    try:
        db.client.transact_write_items(
            TransactItems=[
                {
                    "Delete": {
                        "TableName": db.table,
                        "Key": key(pk, alert_sk(alert_id)),
                        "ConditionExpression": "attribute_exists(pk)",
                    }
                },
                {
                    "Update": {
                        "TableName": db.table,
                        "Key": key(pk, PROFILE),
                        "UpdateExpression": "SET alert_count = alert_count - :one REMOVE alert_digests.#digest",
                        "ConditionExpression": "attribute_exists(pk) AND alert_count > :zero",
                        "ExpressionAttributeNames": {"#digest": digest},
                        "ExpressionAttributeValues": {":zero": {"N": "0"}, ":one": {"N": "1"}},
                    }
                },
            ]
        )
    except ClientError as error:
        codes = cancellation_codes(error) if error_code(error) == "TransactionCanceledException" else []
        if codes[:1] == ["ConditionalCheckFailed"]:
            return False
        raise
    return True


def pause_alerts(db: Db, member_id: str, alert_ids: Iterable[str], at: str) -> int:
    """Pause these alerts of this member from a mail's link, noting when (the first time only); alerts that are
    gone are skipped. How many were found."""
    found = 0
    for alert_id in dict.fromkeys(alert_ids):
        paused = update_if(
            db,
            Key=key(member_pk(member_id), alert_sk(alert_id)),
            UpdateExpression="SET #paused = :yes, #at = if_not_exists(#at, :at)",
            ConditionExpression="attribute_exists(pk)",
            ExpressionAttributeNames={"#paused": "paused", "#at": "unsubscribed_at"},
            ExpressionAttributeValues=to_item({":yes": True, ":at": at}),
        )
        found += paused is not None
    return found


def erase_alert_items(db: Db, member_id: str) -> None:
    """Delete every item of the member whose sort key starts with ALERT: the alerts and the alert job's state.
    Deleting what is already gone is no error, so an erasure can be retried."""
    pk = member_pk(member_id)
    items = query_all(
        db,
        KeyConditionExpression="pk = :pk AND begins_with(sk, :alert)",
        ExpressionAttributeValues={":pk": {"S": pk}, ":alert": {"S": ALERT_PREFIX}},
        ProjectionExpression="pk, sk",
        ConsistentRead=True,
    )
    for item in items:
        db.client.delete_item(TableName=db.table, Key=key(pk, str(item["sk"])))
