"""One-time links by e-mail: sign-up confirmation, sign-in and the updates opt-in. Only a keyed hash of a link's
token is stored, and a link always goes to an address that is stored (never one typed on another form)."""

from __future__ import annotations

import secrets
from enum import StrEnum
from typing import Any

from carjunction.api import cookie
from carjunction.api.deps import Deps
from carjunction.api.errors import Unavailable
from carjunction.api.languages import Language, in_language, language_of
from carjunction.api.mail import render, send_quietly
from carjunction.api.site_origin import link_origin
from carjunction.api.store import tokens
from carjunction.api.store.db import Item

SIGN_IN_MINUTES = 15
SIGN_IN_PAGE = "/members/sign-in/"
UPDATES_PAGE = "/members/updates/"


class Purpose(StrEnum):
    SIGN_UP = "sign-up"
    SIGN_IN = "sign-in"
    UPDATES = "updates"


def token_hashes(deps: Deps, token: str) -> list[str]:
    return cookie.keyed_hashes(deps.secret(), "link", token)


def send_link(
    deps: Deps,
    purpose: Purpose,
    email: str,
    link: Item,
    *,
    template: str,
    page: str,
    seconds: int,
    language: Language,
) -> None:
    """Store the link (``link``: member_id, or a pending sign-up's details) and mail it to ``email``, in
    ``language`` and to the page in that language."""
    token = secrets.token_urlsafe(32)
    now = int(deps.clock().timestamp())
    stored = {"purpose": purpose.value, "email": email, **link}
    tokens.put_token(deps.db, cookie.keyed_hash(deps.secret(), "link", token), stored, now + seconds)
    # A fragment, not a query: it never reaches a server log, and the page POSTs it to the API.
    url = f"{link_origin(deps.settings.site_origin)}{in_language(page, language)}#token={token}"
    values: dict[str, Any] = {"company": deps.company.name, "link": url, "hours": seconds // 3600}
    if not send_quietly(deps.mailer, render(template, email, language=language, **values), f"{purpose.value} link"):
        # The link is the whole answer: the buyer must hear that it is not on its way, and may simply ask again.
        raise Unavailable("The e-mail with your link could not be sent; try again in a moment.")


def send_sign_in_link(deps: Deps, member: Item) -> None:
    send_link(
        deps,
        Purpose.SIGN_IN,
        str(member["email"]),
        {"member_id": member["member_id"]},
        template="sign_in_link",
        page=SIGN_IN_PAGE,
        seconds=SIGN_IN_MINUTES * 60,
        language=language_of(member),
    )


def send_sign_up_link(deps: Deps, email: str, details: Item, wants_updates: bool) -> None:
    send_link(
        deps,
        Purpose.SIGN_UP,
        email,
        {"details": details},
        template="sign_up_updates" if wants_updates else "sign_up",
        page=SIGN_IN_PAGE,
        seconds=deps.settings.sign_up_link_hours * 3600,
        language=language_of(details),  # chosen on the sign-up form
    )


def send_updates_link(deps: Deps, member: Item) -> None:
    send_link(
        deps,
        Purpose.UPDATES,
        str(member["email"]),
        {"member_id": member["member_id"]},
        template="updates_confirm",
        page=UPDATES_PAGE,
        seconds=deps.settings.sign_up_link_hours * 3600,
        language=language_of(member),
    )
