"""Sign up. An address that is already a member's gets a sign-in link; the answer looks the same."""

from __future__ import annotations

from carjunction.api.deps import Deps, iso
from carjunction.api.errors import Invalid
from carjunction.api.logic import make_ids
from carjunction.api.logic.limit_rate import limit_rate
from carjunction.api.logic.sign_in import issue_cookie, send_sign_in_link
from carjunction.api.schemas import MemberIn
from carjunction.api.store import members


def check_port(deps: Deps, port: str) -> None:
    try:
        deps.shipping.port(port)
    except KeyError:
        raise Invalid("Unknown port.", {"port": "is not a port we ship to"}) from None


def register_member(deps: Deps, body: MemberIn, client_address: str) -> str:
    """The cookie value to set.

    For an address already registered, the value is signed for a fresh random id that matches no member: it
    reads as anonymous, and the response (status, body, headers) cannot tell a caller which case happened.
    """
    limit_rate(deps, "sign-up", client_address, deps.settings.sign_ups_per_hour)
    check_port(deps, body.port)
    member_id = make_ids.member_id()
    email_key = make_ids.normalise_email(str(body.email))
    try:
        members.create_member(
            deps.db,
            {
                "member_id": member_id,
                "email_key": email_key,
                "email": str(body.email),
                "name": body.name,
                "telephone": body.telephone,
                "country": body.country,
                "port": body.port,
                "updates_opt_in": body.updates_opt_in,
                "created_at": iso(deps.clock()),
            },
        )
    except members.EmailTaken:
        existing = members.member_id_for_email(deps.db, email_key)
        if existing is not None:
            send_sign_in_link(deps, existing, str(body.email))
    return issue_cookie(deps, member_id, 0)
