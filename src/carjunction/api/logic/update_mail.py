"""Mails about updates to the website go only to members whose opt-in was confirmed by mail, and each carries a
one-click unsubscribe (RFC 8058): a signed link per member that works without signing in."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from carjunction.api import cookie
from carjunction.api.deps import Deps
from carjunction.api.languages import in_language, language_of
from carjunction.api.mail import Email, render
from carjunction.api.site_origin import link_origin
from carjunction.api.store.db import Item

UNSUBSCRIBE_PAGE = "/members/unsubscribe/"
UNSUBSCRIBE_API = "/api/unsubscribe"


def may_receive_updates(member: Item) -> bool:
    return member.get("confirmed") is True and member.get("updates_opt_in") is True


def compose_update_mail(
    member: Item,
    template: str,
    *,
    secret: bytes,
    site_origin: str,
    company: str,
    token: str | None = None,
    once: str | None = None,
    **values: Any,
) -> Email:
    """An update mail to ``member``, with the unsubscribe link in its body and in the headers mail clients read.

    ``site_origin`` is the site's address (scheme and host) the links point to. The body's link always stops every
    update mail; ``token`` is what the one-click header's link carries instead (an alert digest's names its alerts).
    ``once`` makes the mail go at most once (Email.once). Staff's own words in ``values`` stay as written.

    ValueError for a member who has not confirmed updates: sending one anyway would be a bug, never a choice."""
    if not may_receive_updates(member):
        raise ValueError("this member has not confirmed updates")
    if not site_origin:
        raise ValueError("update mails need the site's address (SITE_ORIGIN) for their links")
    origin = site_origin
    everything = cookie.unsubscribe_token(secret, str(member["member_id"]))
    language = language_of(member)
    email = render(
        template,
        str(member["email"]),
        language=language,
        company=company,
        unsubscribe=f"{origin}{in_language(UNSUBSCRIBE_PAGE, language)}#token={everything}",
        **values,
    )
    # The header's URL takes the client's one-click POST; the body's link opens a page that asks first.
    headers = {
        "List-Unsubscribe": f"<{origin}{UNSUBSCRIBE_API}?token={token or everything}>",
        "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
    }
    return replace(email, headers={**email.headers, **headers}, once=once)


def update_mail(deps: Deps, member: Item, template: str, **values: Any) -> Email:
    """``compose_update_mail`` with the function's key, site (or, without one, the current request's) and company."""
    return compose_update_mail(
        member,
        template,
        secret=deps.secret(),
        site_origin=link_origin(deps.settings.site_origin),
        company=deps.company.name,
        **values,
    )
