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


class EmailTaken(Exception):
    pass


def member_pk(member_id: str) -> str:
    return f"MEMBER#{member_id}"


def email_pk(email: str) -> str:
    return f"EMAIL#{email}"


def create_member(db: Db, member: Item) -> None:
    """Member and e-mail claim in one transaction; EmailTaken if the address is already a member's."""
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
            ]
        )
    except ClientError as error:
        if error_code(error) == "TransactionCanceledException" and cancellation_codes(error)[1:2] == [
            "ConditionalCheckFailed"
        ]:
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
    """Profile, inquiries and orders of a member: one item collection."""
    return query_all(
        db,
        KeyConditionExpression="pk = :pk",
        ExpressionAttributeValues={":pk": {"S": member_pk(member_id)}},
        ConsistentRead=True,
    )


def erase_member(db: Db, member_id: str, email_key: str, order_keys: list[str], inquiry_keys: list[str]) -> None:
    """Delete profile, e-mail claim and inquiries; keep orders for accounting, without personal fields."""
    pk = member_pk(member_id)
    writes: list[dict[str, Any]] = [
        {"Delete": {"TableName": db.table, "Key": key(pk, PROFILE)}},
        {"Delete": {"TableName": db.table, "Key": key(email_pk(email_key), "EMAIL")}},
    ]
    writes += [{"Delete": {"TableName": db.table, "Key": key(pk, sk)}} for sk in inquiry_keys]
    writes += [
        {
            "Update": {
                "TableName": db.table,
                "Key": key(pk, sk),
                "UpdateExpression": "SET consignee = :erased, erased = :true REMOVE notify_party",
                "ExpressionAttributeValues": to_item(
                    {":erased": {"name": "(erased)", "address": "(erased)", "telephone": None}, ":true": True}
                ),
            }
        }
        for sk in order_keys
    ]
    # A transaction holds at most 100 writes; a member with more is erased in chunks, profile first.
    for start in range(0, len(writes), 100):
        db.client.transact_write_items(TransactItems=writes[start : start + 100])


def opted_in_members(db: Db) -> list[Item]:
    """Members who asked to be told about updates to the website, oldest membership first."""
    return query_all(
        db,
        IndexName="gsi1",
        KeyConditionExpression="gsi1pk = :member",
        FilterExpression="updates_opt_in = :yes",
        ExpressionAttributeValues={":member": {"S": "MEMBER"}, ":yes": {"BOOL": True}},
    )
