"""Who is asking: cookie → member; signing in (and finishing a sign-up) with a one-time link; sign-out."""

from __future__ import annotations

from carjunction.api import cookie
from carjunction.api.deps import Deps
from carjunction.api.errors import InvalidToken
from carjunction.api.logic.limit_rate import limit_mail_to, limit_rate
from carjunction.api.logic.make_ids import member_id as new_member_id
from carjunction.api.logic.make_ids import normalise_email
from carjunction.api.logic.send_links import Purpose, send_sign_in_link, token_hashes
from carjunction.api.schemas import LinkPreview
from carjunction.api.store import members, tokens
from carjunction.api.store.db import Item
from carjunction.clock import iso

BAD_LINK = "This link is used, expired or unknown; ask for a new one."


def identify_member(deps: Deps, token: str | None) -> Item | None:
    """The member a cookie belongs to; None for no, tampered, expired or signed-out cookies, and for a member
    whose address was never proven (registered before sign-up needed a confirmed link)."""
    claims = cookie.verify(deps.secret(), token, int(deps.clock().timestamp()))
    if claims is None:
        return None
    member = members.get_member(deps.db, claims.member_id)
    if member is None or member.get("confirmed") is not True or int(member.get("session_epoch", 0)) != claims.epoch:
        return None
    return member


def issue_cookie(deps: Deps, member: Item) -> str:
    return cookie.issue(
        deps.secret(), str(member["member_id"]), int(member.get("session_epoch", 0)), int(deps.clock().timestamp())
    )


def request_sign_in(deps: Deps, email: str, client_address: str) -> None:
    """Send a link if the address is a member's, to the address as stored; the caller answers the same either way."""
    limit_rate(deps, "sign-in", client_address, deps.settings.sign_ups_per_hour)
    email_key = normalise_email(email)
    limit_mail_to(deps, email_key)
    member_id = members.member_id_for_email(deps.db, email_key)
    member = members.get_member(deps.db, member_id) if member_id else None
    if member is not None:
        send_sign_in_link(deps, member)


def preview_link(deps: Deps, token: str) -> LinkPreview:
    """What a link does, without spending it: the page shows which address it signs into (login CSRF by link)."""
    link = tokens.read_token(deps.db, token_hashes(deps, token), int(deps.clock().timestamp()))
    if link is None or link.get("purpose") not in (Purpose.SIGN_IN, Purpose.SIGN_UP):
        raise InvalidToken(BAD_LINK)
    return LinkPreview(email=str(link["email"]), purpose=str(link["purpose"]))


def sign_in(deps: Deps, token: str) -> tuple[str, Item]:
    """Redeem a sign-in or sign-up link: the new cookie value and the member. The link proves the address, so the
    member is confirmed; the first confirmation bumps the session epoch (no earlier cookie survives it)."""
    now = int(deps.clock().timestamp())
    hashes = token_hashes(deps, token)
    link = tokens.read_token(deps.db, hashes, now)
    if link is not None and link.get("purpose") == Purpose.SIGN_UP:
        member_id = finish_sign_up(deps, link, hashes, now)
    else:
        link = tokens.redeem_token(deps.db, hashes, (Purpose.SIGN_IN,), now)
        member_id = str(link["member_id"]) if link else None
    member = members.confirm_member(deps.db, member_id) if member_id else None
    if member is None:
        raise InvalidToken(BAD_LINK)  # used, out of time, or the member erased since the link was sent
    return issue_cookie(deps, member), member


def finish_sign_up(deps: Deps, link: Item, hashes: list[str], now: int) -> str | None:
    """The member a sign-up link makes, or the one that already holds the address (a member registered before
    links were needed, or another link confirmed first): the link proves the address either way."""
    details: Item = dict(link["details"])
    wants_updates = bool(details.pop("updates_opt_in", False))
    member_id = new_member_id()
    try:
        members.create_member(
            deps.db,
            {
                **details,
                "member_id": member_id,
                # Confirmed now by the owner of the address; the sign-up mail said whether the box was ticked.
                "confirmed": True,
                "updates_opt_in": wants_updates,
                "updates_pending": False,
                "created_at": iso(deps.clock()),
            },
            tokens.stored_key(link),
            now,
        )
    except members.LinkSpent:
        return None
    except members.EmailTaken:
        if tokens.redeem_token(deps.db, hashes, (Purpose.SIGN_UP,), now) is None:
            return None
        return members.member_id_for_email(deps.db, str(details["email_key"]))
    return member_id


def sign_out(deps: Deps, member: Item | None) -> None:
    if member is not None:
        members.bump_session_epoch(deps.db, str(member["member_id"]))
