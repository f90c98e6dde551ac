"""A member's own data: read, correct, erase, export; updates opt-in (confirmed by mail), one-click unsubscribe."""

from __future__ import annotations

from carjunction.api import cookie
from carjunction.api.deps import Deps
from carjunction.api.errors import InvalidToken, NotSignedIn
from carjunction.api.languages import language_of
from carjunction.api.logic.limit_rate import limit_mail_to
from carjunction.api.logic.manage_alerts import alert_out, pause_from_mail
from carjunction.api.logic.register_member import check_country, check_port
from carjunction.api.logic.send_links import Purpose, send_updates_link, token_hashes
from carjunction.api.schemas import ExportOut, MemberOut, MemberPatch, OrderOut, UnsubscribeOut, UpdatesOut
from carjunction.api.store import alerts, inquiries, members, orders, tokens
from carjunction.api.store.db import Item

INQUIRY_FIELDS = (
    "reference",
    "received_at",
    "name",
    "email",
    "telephone",
    "country",
    "stock_no",
    "message",
    "language",
    "status",
)
UPDATES_OFF = {"updates_opt_in": False, "updates_pending": False}


def member_out(member: Item) -> MemberOut:
    # A member from before languages reads as English; so would a stored value that is not a language.
    return MemberOut.model_validate({"updates_pending": False, **member, "language": language_of(member)})


def update_me(deps: Deps, member: Item, patch: MemberPatch) -> MemberOut:
    """Apply the corrections. Asking for updates does not switch them on: it mails a link that does (double
    opt-in), so nobody is put on a list by someone else's hand. Switching them off takes effect at once."""
    changes = patch.model_dump(mode="json", exclude_none=True)  # the language as its code
    if "country" in changes:
        check_country(deps, changes["country"])
    if "port" in changes:
        check_port(deps, changes["port"])
    wants_updates = changes.pop("updates_opt_in", None)
    if wants_updates is False:
        changes |= UPDATES_OFF
    elif wants_updates is True and member.get("updates_opt_in") is not True:
        limit_mail_to(deps, str(member["email_key"]))
        changes["updates_pending"] = True
        send_updates_link(deps, {**member, **changes})  # in the language chosen in the same save
    if not changes:
        return member_out(member)
    updated = members.update_member(deps.db, str(member["member_id"]), changes)
    if updated is None:
        raise NotSignedIn("This membership no longer exists.")
    return member_out(updated)


def confirm_updates(deps: Deps, token: str) -> UpdatesOut:
    now = int(deps.clock().timestamp())
    link = tokens.redeem_token(deps.db, token_hashes(deps, token), (Purpose.UPDATES,), now)
    if link is None:
        raise InvalidToken("This link is used, expired or unknown; tick the box in My account again.")
    updated = members.update_member(deps.db, str(link["member_id"]), {"updates_opt_in": True, "updates_pending": False})
    if updated is None:
        raise InvalidToken("This membership no longer exists.")
    return UpdatesOut(updates_opt_in=True)


def unsubscribe(deps: Deps, token: str) -> UnsubscribeOut:
    """One click from a mail, signed in or not: a ``u1`` token stops every update mail, an ``a1`` token (from an
    alert mail) pauses the alerts it names, of the member it names. A member erased since is already unsubscribed,
    and a click twice is the same as once."""
    secret = deps.secret()
    claims = cookie.alert_unsubscribe_claims(secret, token)
    if claims is not None:
        pause_from_mail(deps, *claims)
        return UnsubscribeOut(status="unsubscribed", scope="alerts")
    member_id = cookie.unsubscribe_member(secret, token)
    if member_id is None:
        raise InvalidToken("This unsubscribe link is not ours.")
    members.update_member(deps.db, member_id, UPDATES_OFF)
    return UnsubscribeOut(status="unsubscribed", scope="updates")


def sent_inquiry_keys(deps: Deps, member: Item, collection: list[Item]) -> list[tuple[str, str]]:
    """Every inquiry of the member's: sent signed in (their collection) or from their address, before or after
    sign-up (the sender index)."""
    keys = {(str(i["pk"]), str(i["sk"])) for i in collection if inquiries.is_inquiry(i)}
    keys |= set(inquiries.inquiry_keys_from(deps.db, str(member["email_key"])))
    return sorted(keys, key=lambda pair: pair[1])


def _created(item: Item) -> tuple[str, str]:
    return str(item["created_at"]), str(item["sk"])


def export_me(deps: Deps, member: Item) -> ExportOut:
    collection = members.member_collection(deps.db, str(member["member_id"]))
    sent = inquiries.get_inquiries(deps.db, sent_inquiry_keys(deps, member, collection))
    return ExportOut(
        member=member_out(member),
        inquiries=[{k: str(item[k]) for k in INQUIRY_FIELDS if k in item} for item in sent],
        orders=[OrderOut.model_validate(item) for item in collection if orders.is_order(item)],
        alerts=[alert_out(item) for item in sorted(filter(alerts.is_alert, collection), key=_created)],
    )


def erase_me(deps: Deps, member: Item) -> None:
    member_id = str(member["member_id"])
    collection = members.member_collection(deps.db, member_id)
    # Before the profile goes (members.erase_member), so that a retry by the still signed-in member finishes it;
    # and once more after, for an alert saved from another tab in between (a save needs the profile, so none
    # can follow the second sweep).
    alerts.erase_alert_items(deps.db, member_id)
    members.erase_member(
        deps.db,
        member_id,
        str(member["email_key"]),
        order_keys=[str(i["sk"]) for i in collection if orders.is_order(i)],
        inquiry_keys=sent_inquiry_keys(deps, member, collection),
    )
    alerts.erase_alert_items(deps.db, member_id)
