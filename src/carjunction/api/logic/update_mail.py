"""Mails about updates to the website go only to members whose opt-in was confirmed by mail, and each carries a
one-click unsubscribe (RFC 8058): a signed link per member that works without signing in."""

from __future__ import annotations

from typing import Any

from carjunction.api import cookie
from carjunction.api.deps import Deps
from carjunction.api.languages import in_language, language_of
from carjunction.api.mail import Email, render
from carjunction.api.store.db import Item

UNSUBSCRIBE_PAGE = "/members/unsubscribe/"
UNSUBSCRIBE_API = "/api/unsubscribe"


def may_receive_updates(member: Item) -> bool:
    return member.get("confirmed") is True and member.get("updates_opt_in") is True


def update_mail(deps: Deps, member: Item, template: str, **values: Any) -> Email:
    """An update mail to ``member``, with the unsubscribe link in its body and in the headers mail clients read.

    ValueError for a member who has not confirmed updates: sending one anyway would be a bug, never a choice."""
    if not may_receive_updates(member):
        raise ValueError("this member has not confirmed updates")
    token = cookie.unsubscribe_token(deps.secret(), str(member["member_id"]))
    origin = deps.settings.site_origin
    language = language_of(member)
    # The member's language for the mail's own words and its page; what staff wrote (``values``) stays as written.
    email = render(
        template,
        str(member["email"]),
        language=language,
        company=deps.company.name,
        unsubscribe=f"{origin}{in_language(UNSUBSCRIBE_PAGE, language)}#token={token}",
        **values,
    )
    # The header's URL takes the client's one-click POST; the body's link opens a page that asks first.
    email.headers.update(
        {
            "List-Unsubscribe": f"<{origin}{UNSUBSCRIBE_API}?token={token}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
        }
    )
    return email
