"""Sign up: nothing is a membership until its link is confirmed. The answer is the same for a new address, one
with a sign-up pending and a member's (who gets a sign-in link instead), so it tells nobody who is a member."""

from __future__ import annotations

from carjunction.api.deps import Deps
from carjunction.api.errors import Invalid
from carjunction.api.logic.limit_rate import limit_mail_to, limit_rate
from carjunction.api.logic.make_ids import normalise_email
from carjunction.api.logic.send_links import send_sign_in_link, send_sign_up_link
from carjunction.api.schemas import MemberIn
from carjunction.api.store import members


def check_port(deps: Deps, port: str) -> None:
    try:
        deps.shipping.port(port)
    except KeyError:
        raise Invalid("Unknown port.", {"port": "is not a port we ship to"}) from None


def check_country(deps: Deps, country: str) -> None:
    """Only the countries of the shipping data: the forms offer no other, and openapi.json lists them."""
    try:
        deps.shipping.country(country)
    except KeyError:
        raise Invalid("Unknown country.", {"country": "is not a country we ship to"}) from None


def register_member(deps: Deps, body: MemberIn, client_address: str) -> None:
    limit_rate(deps, "sign-up", client_address, deps.settings.sign_ups_per_hour)
    check_country(deps, body.country)
    check_port(deps, body.port)
    email_key = normalise_email(str(body.email))
    limit_mail_to(deps, email_key)
    member_id = members.member_id_for_email(deps.db, email_key)
    member = members.get_member(deps.db, member_id) if member_id else None
    if member is not None and member.get("confirmed") is True:
        send_sign_in_link(deps, member)
        return
    # The pending sign-up lives in its link until confirmed (or until the TTL deletes it): a stranger's sign-up
    # for someone else's address creates nothing that the owner's own sign-up could collide with.
    details = {
        "email_key": email_key,
        "email": str(body.email),
        "name": body.name,
        "telephone": body.telephone,
        "country": body.country,
        "port": body.port,
        "updates_opt_in": body.updates_opt_in,
        "language": body.language.value,
    }
    send_sign_up_link(deps, str(body.email), details, body.updates_opt_in)
