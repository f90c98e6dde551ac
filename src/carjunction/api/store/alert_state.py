"""What the alert job reads and keeps: the saved searches (written by store.alerts, read here by their gsi1
partition) and each member's ``ALERTS`` state item.

State item ``MEMBER#<id>`` / ``ALERTS``: ``sent`` (stock numbers already put in a digest), ``last_digest_at``,
``version`` (every write is conditional on it) and, between writing a digest and knowing it was queued,
``pending`` (its id, the mail as queued, its cars and alerts). While a digest is pending the item is in the sparse
gsi2 partition ``ALERTS#PENDING``, so a later run finds the digests a crash left behind without reading every state.
It starts with ``ALERT`` like the alerts, so erasure removes it with them.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from botocore.exceptions import ClientError

from carjunction.api.store.db import Db, Item, cancellation_codes, error_code, from_item, key, query_all, to_item
from carjunction.api.store.members import PROFILE, member_pk

ALERT_TYPE = "ALERT"  # gsi1pk of every saved search (store.alerts)
STATE_SK = "ALERTS"
PENDING = "ALERTS#PENDING"
BATCH_GET = 100  # BatchGetItem's limit


@dataclass(frozen=True)
class Pending:
    """A digest written down before its mail was queued: ``email`` is the mail exactly as queued (JSON)."""

    digest_id: str
    email: str
    stock_nos: tuple[str, ...]
    alert_ids: tuple[str, ...]
    created_at: str


@dataclass(frozen=True)
class AlertState:
    member_id: str
    version: int = 0  # 0: no item yet
    sent: frozenset[str] = field(default_factory=frozenset)
    last_digest_at: str | None = None
    pending: Pending | None = None


class StateChanged(Exception):
    """The state item was written by someone else since it was read (another run): nothing was written."""


class NotMailable(Exception):
    """The member is gone, unconfirmed or no longer opted in: nothing was written."""


def all_alerts(db: Db) -> list[Item]:
    """Every saved search, paused ones too, oldest first: one paged query of gsi1."""
    return query_all(
        db,
        IndexName="gsi1",
        KeyConditionExpression="gsi1pk = :alert",
        ExpressionAttributeValues={":alert": {"S": ALERT_TYPE}},
        ScanIndexForward=True,
    )


def state_key(member_id: str) -> dict[str, Any]:
    return key(member_pk(member_id), STATE_SK)


def _state(member_id: str, item: Item | None) -> AlertState:
    if item is None:
        return AlertState(member_id)
    pending = item.get("pending")
    return AlertState(
        member_id=member_id,
        version=int(item.get("version") or 0),
        sent=frozenset(str(s) for s in item.get("sent") or ()),
        last_digest_at=item.get("last_digest_at"),
        pending=Pending(
            digest_id=str(pending["digest_id"]),
            email=str(pending["email"]),
            stock_nos=tuple(pending["stock_nos"]),
            alert_ids=tuple(pending["alert_ids"]),
            created_at=str(pending["created_at"]),
        )
        if isinstance(pending, dict)
        else None,
    )


def get_states(db: Db, member_ids: Iterable[str]) -> dict[str, AlertState]:
    """Each member's state (a fresh one where there is no item), read consistently, a hundred keys a request."""
    wanted = sorted(set(member_ids))
    found: dict[str, Item] = {}
    for start in range(0, len(wanted), BATCH_GET):
        keys = [state_key(member_id) for member_id in wanted[start : start + BATCH_GET]]
        request: dict[str, Any] = {db.table: {"Keys": keys, "ConsistentRead": True}}
        while request:
            answer = db.client.batch_get_item(RequestItems=request)
            for raw in answer.get("Responses", {}).get(db.table, []):
                item = from_item(raw)
                found[str(item["pk"]).removeprefix("MEMBER#")] = item
            request = answer.get("UnprocessedKeys") or {}
    return {member_id: _state(member_id, found.get(member_id)) for member_id in wanted}


def pending_member_ids(db: Db) -> list[str]:
    """Members with a digest written but perhaps never queued (gsi2 is keys-only: read the states after)."""
    items = query_all(
        db,
        IndexName="gsi2",
        KeyConditionExpression="gsi2pk = :pending",
        ExpressionAttributeValues={":pending": {"S": PENDING}},
    )
    return sorted(str(item["pk"]).removeprefix("MEMBER#") for item in items)


def write_pending(db: Db, state: AlertState, pending: Pending, sent: Iterable[str]) -> AlertState:
    """Record ``pending`` (its cars now count as sent) before its mail is queued. In one transaction with a check
    that the member is still confirmed and opted in, so an opt-out or an erasure meanwhile leaves nothing behind.

    StateChanged if the item is not at ``state.version``; NotMailable if the member may not be mailed."""
    written = AlertState(
        member_id=state.member_id,
        version=state.version + 1,
        sent=frozenset(sent),
        last_digest_at=pending.created_at,
        pending=pending,
    )
    item = {
        "pk": member_pk(state.member_id),
        "sk": STATE_SK,
        "member_id": state.member_id,
        "version": written.version,
        "sent": sorted(written.sent),
        "last_digest_at": pending.created_at,
        "pending": {
            "digest_id": pending.digest_id,
            "email": pending.email,
            "stock_nos": list(pending.stock_nos),
            "alert_ids": list(pending.alert_ids),
            "created_at": pending.created_at,
        },
        "gsi2pk": PENDING,
        "gsi2sk": state.member_id,
    }
    put: dict[str, Any] = {"TableName": db.table, "Item": to_item(item)}
    if state.version == 0:
        put["ConditionExpression"] = "attribute_not_exists(pk)"
    else:
        put["ConditionExpression"] = "version = :v"
        put["ExpressionAttributeValues"] = {":v": {"N": str(state.version)}}
    check = {
        "TableName": db.table,
        "Key": key(member_pk(state.member_id), PROFILE),
        "ConditionExpression": "confirmed = :yes AND updates_opt_in = :yes",
        "ExpressionAttributeValues": {":yes": {"BOOL": True}},
    }
    try:
        db.client.transact_write_items(TransactItems=[{"ConditionCheck": check}, {"Put": put}])
    except ClientError as error:
        codes = cancellation_codes(error) if error_code(error) == "TransactionCanceledException" else []
        if codes[:1] == ["ConditionalCheckFailed"]:
            raise NotMailable from None
        if codes[1:2] == ["ConditionalCheckFailed"]:
            raise StateChanged from None
        raise
    return written


def settle(db: Db, state: AlertState) -> bool:
    """The pending digest is queued (or will never be): clear it. False if someone else changed the item first."""
    try:
        db.client.update_item(
            TableName=db.table,
            Key=state_key(state.member_id),
            UpdateExpression="SET version = :next REMOVE pending, gsi2pk, gsi2sk",
            ConditionExpression="version = :v",
            ExpressionAttributeValues={":v": {"N": str(state.version)}, ":next": {"N": str(state.version + 1)}},
        )
    except ClientError as error:
        if error_code(error) == "ConditionalCheckFailedException":
            return False
        raise
    return True
