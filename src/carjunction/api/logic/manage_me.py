"""A member's own data: read, correct, erase, export."""

from __future__ import annotations

from carjunction.api.deps import Deps
from carjunction.api.errors import NotSignedIn
from carjunction.api.logic.register_member import check_port
from carjunction.api.schemas import ExportOut, MemberOut, MemberPatch, OrderOut
from carjunction.api.store import members
from carjunction.api.store.db import Item

INQUIRY_FIELDS = ("reference", "received_at", "name", "email", "telephone", "country", "stock_no", "message", "status")


def member_out(member: Item) -> MemberOut:
    return MemberOut.model_validate(member)


def update_me(deps: Deps, member: Item, patch: MemberPatch) -> MemberOut:
    changes = patch.model_dump(exclude_none=True)
    if "port" in changes:
        check_port(deps, changes["port"])
    if not changes:
        return member_out(member)
    updated = members.update_member(deps.db, str(member["member_id"]), changes)
    if updated is None:
        raise NotSignedIn("This membership no longer exists.")
    return member_out(updated)


def export_me(deps: Deps, member: Item) -> ExportOut:
    items = members.member_collection(deps.db, str(member["member_id"]))
    inquiries = [
        {k: str(item[k]) for k in INQUIRY_FIELDS if k in item}
        for item in items
        if str(item["sk"]).startswith("INQUIRY#")
    ]
    orders = [OrderOut.model_validate(item) for item in items if str(item["sk"]).startswith("ORDER#")]
    return ExportOut(member=member_out(member), inquiries=inquiries, orders=orders)


def erase_me(deps: Deps, member: Item) -> None:
    items = members.member_collection(deps.db, str(member["member_id"]))
    members.erase_member(
        deps.db,
        str(member["member_id"]),
        str(member["email_key"]),
        order_keys=[str(i["sk"]) for i in items if str(i["sk"]).startswith("ORDER#")],
        inquiry_keys=[str(i["sk"]) for i in items if str(i["sk"]).startswith("INQUIRY#")],
    )
