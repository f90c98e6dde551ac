"""Who is asking: cookie → member; one-time sign-in links; sign-out."""

from __future__ import annotations

import secrets

from carjunction.api import cookie
from carjunction.api.deps import Deps
from carjunction.api.errors import InvalidToken
from carjunction.api.logic.limit_rate import limit_rate
from carjunction.api.logic.make_ids import normalise_email
from carjunction.api.mail import render, send_quietly
from carjunction.api.store import members, tokens
from carjunction.api.store.db import Item

LINK_LIFETIME_SECONDS = 15 * 60
SIGN_IN_PAGE = "/members/sign-in/"


def identify_member(deps: Deps, token: str | None) -> Item | None:
    """The member a cookie belongs to; None for no, tampered, expired or signed-out cookies."""
    claims = cookie.verify(deps.secret(), token, int(deps.clock().timestamp()))
    if claims is None:
        return None
    member = members.get_member(deps.db, claims.member_id)
    if member is None or int(member.get("session_epoch", 0)) != claims.epoch:
        return None
    return member


def issue_cookie(deps: Deps, member_id: str, epoch: int) -> str:
    return cookie.issue(deps.secret(), member_id, epoch, int(deps.clock().timestamp()))


def send_sign_in_link(deps: Deps, member_id: str, email: str) -> None:
    token = secrets.token_urlsafe(32)
    now = int(deps.clock().timestamp())
    tokens.put_token(
        deps.db, cookie.keyed_hash(deps.secret(), "sign-in", token), member_id, now + LINK_LIFETIME_SECONDS
    )
    # A fragment, not a query: it never reaches a server log, and the page POSTs it to /api/session.
    link = f"{deps.settings.site_origin}{SIGN_IN_PAGE}#token={token}"
    send_quietly(
        deps.mailer, render("sign_in_link", email, company=deps.company.name, link=link), f"sign-in {member_id}"
    )


def request_sign_in(deps: Deps, email: str, client_address: str) -> None:
    """Send a link if the address is a member's; the caller answers the same either way."""
    limit_rate(deps, "sign-in", client_address, deps.settings.sign_ups_per_hour)
    member_id = members.member_id_for_email(deps.db, normalise_email(email))
    if member_id is not None:
        send_sign_in_link(deps, member_id, email)


def sign_in(deps: Deps, token: str) -> str:
    """Redeem a one-time token; the new cookie value."""
    now = int(deps.clock().timestamp())
    member_id = tokens.redeem_token(deps.db, cookie.keyed_hash(deps.secret(), "sign-in", token), now)
    member = members.get_member(deps.db, member_id) if member_id else None
    if member is None:
        raise InvalidToken("This sign-in link is used, expired or unknown; ask for a new one.")
    return issue_cookie(deps, str(member["member_id"]), int(member.get("session_epoch", 0)))


def sign_out(deps: Deps, member: Item | None) -> None:
    if member is not None:
        members.bump_session_epoch(deps.db, str(member["member_id"]))
