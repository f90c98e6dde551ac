"""The member pages on the new flow: links that say where they lead, updates by double opt-in, one-click
unsubscribe, and the cap on reservations explained on the order page."""

from __future__ import annotations

import json
from http import HTTPStatus
from typing import Any
from urllib.parse import quote

import pytest

from carjunction.api.cookie import unsubscribe_token
from tests.support.browser import LocalStack, Visitor, mail_link, sign_up, unique_email

pytestmark = pytest.mark.browser


def me(visitor: Visitor) -> dict[str, Any]:
    answer = visitor.context.request.get(f"{visitor.origin}/api/me")
    assert answer.status == HTTPStatus.OK
    member: dict[str, Any] = answer.json()
    return member


def test_a_bad_link_says_so_at_once_and_offers_no_button(visitor_factory: Any) -> None:
    # Given a sign-in link whose token is unknown (used, expired, or mistyped)
    visitor: Visitor = visitor_factory()
    page = visitor.page("/members/sign-in/#token=" + "x" * 43)
    # Then the page says the link is bad before anything is pressed, and there is nothing to press
    page.locator("[data-say]", has_text="already used or is too old").wait_for()
    assert page.get_by_role("button").filter(has_text="Sign in").count() == 0
    assert page.get_by_role("button").filter(has_text="Confirm my membership").count() == 0
    assert visitor.posts("/api/session") == []
    # And the link leaves the address bar; the way to a new one is on the page
    assert "#token=" not in page.url
    assert page.get_by_role("link", name="Ask for a new sign-in link").is_visible()


def test_updates_start_only_from_the_mailed_link_and_stop_in_one_click(visitor_factory: Any, stack: LocalStack) -> None:
    # Given a member who did not ask for updates at sign-up
    email = unique_email()
    buyer: Visitor = visitor_factory()
    account = sign_up(buyer, email)
    assert account.locator("[data-show=updates-off]").is_visible()
    box = account.get_by_label("E-mail me when the site has news", exact=True)
    assert not box.is_checked()

    # When they tick the box and save
    box.check()
    account.get_by_role("button", name="Save my details").click()
    # Then the page says a confirmation mail was sent, and updates wait for it
    account.locator("[data-say]", has_text="We e-mailed you a link to confirm that you want updates").wait_for()
    assert account.locator("[data-show=updates-pending]").is_visible()
    assert (me(buyer)["updates_opt_in"], me(buyer)["updates_pending"]) == (False, True)
    # And the page, opened again, says the same, with the box still ticked
    again = buyer.page("/members/account/")
    assert again.get_by_text("waiting for your confirmation: we e-mailed you a link").is_visible()
    assert again.get_by_label("E-mail me when the site has news", exact=True).is_checked()

    # When they open the link from the mail (on any device: it needs no session) and press the button
    link = mail_link(stack.outbox, email, "/members/updates/")
    stranger: Visitor = visitor_factory()
    confirm = stranger.page(link.removeprefix(stack.origin))
    assert stranger.posts("/api/updates") == []
    confirm.get_by_role("button", name="Yes, e-mail me updates").click()
    # Then updates are on, and the account says so
    confirm.locator("[data-say]", has_text="Done: updates are on.").wait_for()
    assert "#token=" not in confirm.url
    assert (me(buyer)["updates_opt_in"], me(buyer)["updates_pending"]) == (True, False)
    assert buyer.page("/members/account/").locator("[data-show=updates-on]").is_visible()
    # And the same link does not work twice
    reused = stranger.page(link.removeprefix(stack.origin))
    reused.get_by_role("button", name="Yes, e-mail me updates").click()
    reused.locator("[data-say]", has_text="already used or is too old").wait_for()

    # Given the unsubscribe link an update mail carries (signed with the stack's key; it needs no session)
    secret = (stack.state_dir / "cookie-secret").read_text(encoding="utf-8").strip().encode()
    token = unsubscribe_token(secret, me(buyer)["member_id"])
    # When a person opens it and presses the button
    page = stranger.page("/members/unsubscribe/#token=" + quote(token))
    page.get_by_role("button", name="Stop e-mails about updates").click()
    page.locator("[data-say]", has_text="we send you no more e-mails about updates").wait_for()
    # Then it was the RFC 8058 request, with a JSON body, and updates are off
    (sent,) = [(url, body) for method, url, body in stranger.requests if method == "POST" and "/unsubscribe" in url]
    assert sent == (f"{stack.origin}/api/unsubscribe?token={quote(token)}", "{}")
    assert (me(buyer)["updates_opt_in"], me(buyer)["updates_pending"]) == (False, False)
    # And a forged link is refused in words
    forged = stranger.page("/members/unsubscribe/#token=" + quote(token[:-4] + "AAAA"))
    forged.get_by_role("button", name="Stop e-mails about updates").click()
    forged.locator("[data-say]", has_text="This link is damaged or is not ours").wait_for()


def test_the_order_page_explains_the_cap_on_reservations(visitor_factory: Any, stack: LocalStack) -> None:
    # Given a member who holds two reserved cars, the stack's cap (MAX_OPEN_RESERVATIONS, 2 by default)
    buyer: Visitor = visitor_factory()
    sign_up(buyer, unique_email())
    for car in ("CJ26034", "CJ26035"):
        page = buyer.page(f"/order/?stock_no={car}")
        page.get_by_label("Port of discharge", exact=True).select_option("KEMBA")
        page.wait_for_selector('[data-field="quote.total_usd"]:not(:empty)')
        page.get_by_label("Address", exact=True).first.fill("P.O. Box 9, Mombasa")
        page.get_by_role("button", name="Confirm the order").click()
        page.wait_for_url("**/order/invoice/?order=*")

    # When they order a third, and the first answer is 429 (too many orders in a short time)
    third = buyer.page("/order/?stock_no=CJ26036")
    third.get_by_label("Port of discharge", exact=True).select_option("KEMBA")
    third.wait_for_selector('[data-field="quote.total_usd"]:not(:empty)')
    third.get_by_label("Address", exact=True).first.fill("P.O. Box 9, Mombasa")
    limited = {"once": True}

    def rate_limited_once(route: Any) -> None:
        if limited["once"]:
            limited["once"] = False
            body = {"error": {"code": "rate_limited", "message": "later", "fields": {}}}
            route.fulfill(status=HTTPStatus.TOO_MANY_REQUESTS, content_type="application/json", body=json.dumps(body))
        else:
            route.continue_()

    third.route("**/api/orders", rate_limited_once)
    third.get_by_role("button", name="Confirm the order").click()
    # Then the page asks them to wait
    third.locator("[data-say]", has_text="tried to order many times in a short time").wait_for()
    # When they press again, then the API's 409 reservation_limit is explained: pay, cancel, or wait
    third.get_by_role("button", name="Confirm the order").click()
    said = third.locator("[data-say]", has_text="You already hold as many reserved cars as one member may")
    said.wait_for()
    assert "Pay for one of them first" in (said.text_content() or "")
    assert "/order/invoice/" not in third.url
    # And the car stays orderable for when they can (the button works; the car is not marked taken)
    assert third.get_by_role("button", name="Confirm the order").is_enabled()
    keys = [body["idempotency_key"] for body in buyer.posts("/api/orders")]
    assert len(keys) == 4 and keys[2] == keys[3]  # a 429 placed nothing: the same attempt, the same key
    stock = buyer.context.request.get(f"{stack.origin}/api/orders").json()["orders"]
    assert sorted(o["stock_no"] for o in stock) == ["CJ26034", "CJ26035"]
