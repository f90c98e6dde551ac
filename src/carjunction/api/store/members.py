"""Members and the e-mail claim that keeps each e-mail address on one member."""

from __future__ import annotations

from typing import Any

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

PROFILE = "PROFILE"
BATCH_SIZE = 25  # BatchWriteItem's limit


class EmailTaken(Exception):
    pass


class LinkSpent(Exception):
    """The sign-up link was used (or ran out) while this confirmation was under way."""


def member_pk(member_id: str) -> str:
    return f"MEMBER#{member_id}"


def profile_key(member_pk: str) -> dict[str, Any]:
    """The member's profile item, under the member's ``pk`` (``member_pk``, or an item's own ``pk``)."""
    return key(member_pk, PROFILE)


def email_pk(email: str) -> str:
    return f"EMAIL#{email}"


def create_member(db: Db, member: Item, link_key: dict[str, Any], now: int) -> None:
    """Member, e-mail claim and the spending of its sign-up link (``link_key``) in one transaction: a failure
    keeps the link usable, and a link confirmed twice at once makes one member.

    EmailTaken if the address is already a member's; LinkSpent if the link is gone or out of time."""
    profile = {
        "pk": member_pk(member["member_id"]),
        "sk": PROFILE,
        "gsi1pk": "MEMBER",
        "gsi1sk": f"{member['created_at']}#{member['member_id']}",
        "session_epoch": 0,
        **member,
    }
    claim = {"pk": email_pk(member["email_key"]), "sk": "EMAIL", "member_id": member["member_id"]}
    try:
        db.client.transact_write_items(
            TransactItems=[
                {
                    "Put": {
                        "TableName": db.table,
                        "Item": to_item(profile),
                        "ConditionExpression": "attribute_not_exists(pk)",
                    }
                },
                {
                    "Put": {
                        "TableName": db.table,
                        "Item": to_item(claim),
                        "ConditionExpression": "attribute_not_exists(pk)",
                    }
                },
                {
                    "Delete": {
                        "TableName": db.table,
                        "Key": link_key,
                        "ConditionExpression": "attribute_exists(pk) AND expires_at > :now",
                        "ExpressionAttributeValues": {":now": {"N": str(now)}},
                    }
                },
            ]
        )
    except ClientError as error:
        codes = cancellation_codes(error) if error_code(error) == "TransactionCanceledException" else []
        if codes[2:3] == ["ConditionalCheckFailed"]:
            raise LinkSpent from None
        if codes[1:2] == ["ConditionalCheckFailed"]:
            raise EmailTaken from None
        raise


def get_member(db: Db, member_id: str) -> Item | None:
    answer = db.client.get_item(TableName=db.table, Key=key(member_pk(member_id), PROFILE), ConsistentRead=True)
    return from_item(answer["Item"]) if "Item" in answer else None


def member_id_for_email(db: Db, email_key: str) -> str | None:
    answer = db.client.get_item(TableName=db.table, Key=key(email_pk(email_key), "EMAIL"), ConsistentRead=True)
    return str(from_item(answer["Item"])["member_id"]) if "Item" in answer else None


def update_member(db: Db, member_id: str, changes: Item) -> Item | None:
    """Apply ``changes``; the member as it now is, or None if there is no such member."""
    names = {f"#f{i}": field for i, field in enumerate(changes)}
    values = {f":v{i}": value for i, value in enumerate(changes.values())}
    assignments = ", ".join(f"#f{i} = :v{i}" for i in range(len(changes)))
    return update_if(
        db,
        Key=key(member_pk(member_id), PROFILE),
        UpdateExpression=f"SET {assignments}",
        ConditionExpression="attribute_exists(pk)",
        ExpressionAttributeNames=names,
        ExpressionAttributeValues=to_item(values),
    )


def bump_session_epoch(db: Db, member_id: str) -> None:
    """Sign out everywhere: tokens carry the epoch they were issued in."""
    try:
        db.client.update_item(
            TableName=db.table,
            Key=key(member_pk(member_id), PROFILE),
            UpdateExpression="ADD session_epoch :one",
            ConditionExpression="attribute_exists(pk)",
            ExpressionAttributeValues={":one": {"N": "1"}},
        )
    except ClientError as error:
        if error_code(error) != "ConditionalCheckFailedException":
            raise


def member_collection(db: Db, member_id: str) -> list[Item]:
    """Profile, inquiries, orders and alerts of a member: one item collection."""
    return query_all(
        db,
        KeyConditionExpression="pk = :pk",
        ExpressionAttributeValues={":pk": {"S": member_pk(member_id)}},
        ConsistentRead=True,
    )


def confirm_member(db: Db, member_id: str) -> Item | None:
    """Mark the address proven; the first time, bump the session epoch so no cookie issued before works.

    Only members made before sign-up needed a confirmation can be unconfirmed: whoever registered them may hold a
    cookie, and it must die when the owner of the address first signs in. The member as it now is, or None.
    """
    answer = update_if(
        db,
        Key=key(member_pk(member_id), PROFILE),
        UpdateExpression="SET confirmed = :yes ADD session_epoch :one",
        ConditionExpression="attribute_exists(pk) AND (attribute_not_exists(confirmed) OR confirmed = :no)",
        ExpressionAttributeValues={":yes": {"BOOL": True}, ":no": {"BOOL": False}, ":one": {"N": "1"}},
    )
    return answer if answer is not None else get_member(db, member_id)


def erase_member(
    db: Db, member_id: str, email_key: str, order_keys: list[str], inquiry_keys: list[tuple[str, str]]
) -> None:
    """Delete inquiries, strip orders of personal fields (kept for accounting), then delete e-mail claim and profile.

    Every step can be done twice, and the profile goes last: after a failure half-way the member is still signed
    in and their retry finishes the job, instead of leaving data behind that they can no longer reach.
    """
    pk = member_pk(member_id)
    for start in range(0, len(inquiry_keys), BATCH_SIZE):
        batch = [{"DeleteRequest": {"Key": key(*keys)}} for keys in inquiry_keys[start : start + BATCH_SIZE]]
        pending: dict[str, Any] = {db.table: batch}
        while pending:
            pending = db.client.batch_write_item(RequestItems=pending).get("UnprocessedItems") or {}
    erased = to_item({":erased": {"name": "(erased)", "address": "(erased)", "telephone": None}, ":true": True})
    for sk in order_keys:
        try:
            db.client.update_item(
                TableName=db.table,
                Key=key(pk, sk),
                UpdateExpression="SET consignee = :erased, erased = :true REMOVE notify_party",
                ConditionExpression="attribute_exists(pk)",
                ExpressionAttributeValues=erased,
            )
        except ClientError as error:
            if error_code(error) != "ConditionalCheckFailedException":
                raise
    db.client.transact_write_items(
        TransactItems=[
            {"Delete": {"TableName": db.table, "Key": key(email_pk(email_key), "EMAIL")}},
            {"Delete": {"TableName": db.table, "Key": key(pk, PROFILE)}},
        ]
    )


def opted_in_members(db: Db) -> list[Item]:
    """Confirmed members who asked, and confirmed by mail, to be told about updates; oldest membership first."""
    return query_all(
        db,
        IndexName="gsi1",
        KeyConditionExpression="gsi1pk = :member",
        FilterExpression="updates_opt_in = :yes AND confirmed = :yes",
        ExpressionAttributeValues={":member": {"S": "MEMBER"}, ":yes": {"BOOL": True}},
    )
