"""Saved searches ("alerts", issue 19) in Chromium on the local stack: the stock page's button for a guest and a
member, My account's list of them, and an alert mail's one-click link."""

from __future__ import annotations

import dataclasses
import json
import re
import time
import uuid
from http import HTTPStatus
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, quote, urlsplit

import pytest

from carjunction.catalogue import Status, load_catalogue
from carjunction.clock import iso, utc_now
from tests.support.browser import ROOT, LocalStack, Visitor, join, local_client, mail_link, sign_up, unique_email

pytestmark = pytest.mark.browser
BUTTON = "Tell me about new cars like these"
# Filters the sample stock has cars for: a make, its body type and a price ceiling, in the page's own URL order.
TOYOTA_WAGONS = "/stock/?make=Toyota&body=wagon&price_max=20000"
# Six different searches, one more than a member may keep.
SEARCHES = [f"/stock/?price_max={usd}" for usd in (5000, 8000, 11000, 14000, 17000, 20000)]


def alerts_of(visitor: Visitor) -> dict[str, Any]:
    answer = visitor.context.request.get(f"{visitor.origin}/api/me/alerts")
    assert answer.status == HTTPStatus.OK
    listed: dict[str, Any] = answer.json()
    return listed


def watch_for_script_errors(visitor: Visitor) -> list[str]:
    """Uncaught script errors and Content-Security-Policy refusals on any page of the visitor's, from now on."""
    found: list[str] = []

    def refused(message: Any) -> None:
        if "Content Security Policy" in message.text:
            found.append(message.text)

    visitor.context.on("weberror", lambda error: found.append(str(error.error)))
    visitor.context.on("console", refused)
    return found


def press(page: Any, words: str) -> str:
    """Press the stock page's button; the live region's sentence once it holds ``words``."""
    page.get_by_role("button", name=BUTTON).click()
    said = page.locator("[data-alert-save] [data-say]", has_text=words)
    said.wait_for()
    return said.text_content() or ""


def test_a_guest_is_sent_to_join_and_comes_back_to_the_same_filters_saved(
    visitor_factory: Any, stack: LocalStack
) -> None:
    # Given a guest on the stock page with filters set
    guest: Visitor = visitor_factory()
    errors = watch_for_script_errors(guest)
    stock = guest.page(TOYOTA_WAGONS)
    # When they press the button
    said = press(stock, "Only members can save a search")
    # Then nothing is asked of the API, and the page offers to sign in or join
    assert guest.posts("/api/me/alerts") == []
    assert "we bring you back to these filters" in said
    assert stock.get_by_role("link", name="Sign in", exact=True).last.is_visible()
    stock.locator("[data-alert-save]").get_by_role("link", name="Become a member").click()
    stock.wait_for_url("**/members/join/")

    # When they join and open the mailed link on this device
    email = unique_email()
    join(guest, email)
    confirm = guest.page(mail_link(stack.outbox, email, "/members/sign-in/").removeprefix(stack.origin))
    confirm.get_by_role("button", name="Confirm my membership").click()
    # Then they are back on the stock page with the same filters, and the search is saved without a second press
    confirm.wait_for_url(re.compile(re.escape(stack.origin + TOYOTA_WAGONS) + "$"))
    back = confirm.locator("[data-alert-save] [data-say]", has_text="Saved as")
    back.wait_for()
    assert confirm.locator("#stock-filters [name=make]").input_value() == "Toyota"
    (alert,) = alerts_of(guest)["alerts"]
    assert alert["filters"] == {"make": "Toyota", "body": "wagon", "price_max": 20000}
    assert f"“{alert['name']}”" in (back.text_content() or "")
    assert alert["name"] == "Toyota · Station wagon · ≤ US$20,000"
    # And updates are off, so the page says alert mails need them, with the button that asks for them
    assert "only to members who get e-mails about updates" in (back.text_content() or "")
    confirm.get_by_role("button", name="E-mail me updates").click()
    confirm.locator("[data-alert-save] [data-say]", has_text="We e-mailed you a link to confirm").wait_for()
    assert mail_link(stack.outbox, email, "/members/updates/")
    # And the way back is used once: the page opened again saves nothing more
    assert confirm.evaluate("localStorage.getItem('cj.return')") is None
    guest.page(TOYOTA_WAGONS)
    assert len(guest.posts("/api/me/alerts")) == 1
    assert errors == []


@pytest.mark.parametrize(
    "kept",
    [
        {"path": "//evil.example/stock/", "age_hours": 0},  # another site, written as a path
        {"path": "/members/account/?next=https://evil.example/", "age_hours": 0},  # not a stock page
        {"path": "/stock/?make=Toyota", "age_hours": 49},  # a stock page, asked for too long ago
    ],
)
def test_signing_in_goes_back_only_to_a_recent_stock_page_of_this_site(visitor_factory: Any, kept: Any) -> None:
    # Given a device whose kept way back is not a recent stock search of ours
    visitor: Visitor = visitor_factory()
    page = visitor.page("/")
    page.evaluate(
        "([path, hours]) => localStorage.setItem('cj.return', JSON.stringify({path, at: Date.now() - hours * 3600e3}))",
        [kept["path"], kept["age_hours"]],
    )
    # When they become a member on it, then the link opens My account, as without it, and the key is gone
    account = sign_up(visitor, unique_email())
    assert account.url == visitor.origin + "/members/account/"
    assert account.evaluate("localStorage.getItem('cj.return')") is None
    assert visitor.posts("/api/me/alerts") == []


def test_a_member_saves_a_search_and_renames_pauses_and_deletes_it_in_my_account(visitor_factory: Any) -> None:
    # Given a signed-in member (updates off)
    member: Visitor = visitor_factory()
    errors = watch_for_script_errors(member)
    sign_up(member, unique_email())
    stock = member.page("/stock/?make=Toyota&year_min=2015")
    # When they press the button, twice
    first = press(stock, "Saved as")
    again = press(stock, "You saved this search already")
    # Then one search is kept, with the filters as numbers where they are numbers, and each press says what it did
    (alert,) = alerts_of(member)["alerts"]
    assert alert["filters"] == {"make": "Toyota", "year_min": 2015}
    assert member.posts("/api/me/alerts")[0] == {"name": "Toyota · ≥ 2015", "filters": alert["filters"]}
    assert "“Toyota · ≥ 2015”" in first and "“Toyota · ≥ 2015”" in again
    assert stock.get_by_role("link", name="See my saved searches in My account").is_visible()

    # When they open My account
    account = member.page("/members/account/")
    item = account.locator("[data-alert-list] > li")
    item.wait_for()
    # Then the search is listed with a link to the same cars, and the note that mails need updates
    assert item.locator("[data-alert-name]").first.text_content() == "Toyota · ≥ 2015"
    link = item.get_by_role("link", name="See these cars")
    assert dict(parse_qsl(urlsplit(link.get_attribute("href") or "").query)) == {"make": "Toyota", "year_min": "2015"}
    assert account.locator("[data-show=alerts-updates-off]").is_visible()
    say = account.locator("[data-alerts] [data-say]")

    # When they rename it with the keyboard
    account.get_by_role("button", name="Rename Toyota · ≥ 2015").click()
    field = account.get_by_label("New name", exact=True)
    assert field.evaluate("(f) => f === document.activeElement")
    field.fill("Family car")
    field.press("Enter")
    # Then the new name is shown and said, and the focus is back on the Rename button
    say.filter(has_text="Renamed: “Family car”.").wait_for()
    assert field.is_hidden()
    assert account.get_by_role("button", name="Rename Family car").evaluate("(b) => b === document.activeElement")
    assert alerts_of(member)["alerts"][0]["name"] == "Family car"
    # And an empty name is refused in the page's words, next to the field
    account.get_by_role("button", name="Rename Family car").click()
    field.fill("  ")
    field.press("Enter")
    assert field.get_attribute("aria-invalid") == "true"
    field.press("Escape")
    assert field.is_hidden()

    # When they pause it, then it says so, and the button resumes
    account.get_by_role("button", name="Pause Family car").click()
    say.filter(has_text="Paused: we send no e-mails for “Family car”").wait_for()
    assert item.locator(".cj-badge", has_text="Paused").is_visible()
    assert alerts_of(member)["alerts"][0]["paused"] is True
    account.get_by_role("button", name="Resume Family car").press("Enter")
    say.filter(has_text="Resumed").wait_for()
    assert alerts_of(member)["alerts"][0]["paused"] is False
    # And the keyboard stays on the button, which pauses again
    assert account.get_by_role("button", name="Pause Family car").evaluate("(b) => b === document.activeElement")

    # When they delete it, then it is gone, said, and the list says there is none
    account.get_by_role("button", name="Delete Family car").click()
    say.filter(has_text="Deleted: “Family car”.").wait_for()
    assert item.count() == 0
    assert account.get_by_text("No saved searches yet.").is_visible()
    assert alerts_of(member)["alerts"] == []
    # And the page still lists it nowhere after a reload
    assert member.page("/members/account/").locator("[data-alert-list] > li").count() == 0
    # And no script failed, and the pages' policy refused nothing (no inline script or style)
    assert errors == []


def test_the_sixth_saved_search_is_refused_with_the_limit_and_a_link_to_my_account(visitor_factory: Any) -> None:
    # Given a member who saved five searches
    member: Visitor = visitor_factory()
    sign_up(member, unique_email())
    for path in SEARCHES[:5]:
        press(member.page(path), "Saved as")
    # When they press the button on a sixth
    page = member.page(SEARCHES[5])
    said = press(page, "You already keep 5 saved searches")
    # Then the page says the limit and links to My account, where they can delete one
    assert "Delete one in My account" in said
    link = page.get_by_role("link", name="See my saved searches in My account")
    assert (link.get_attribute("href") or "").endswith("/members/account/#alerts")
    assert len(alerts_of(member)["alerts"]) == 5


def test_an_alert_mail_link_pauses_its_search_without_a_cookie(visitor_factory: Any, stack: LocalStack) -> None:
    from carjunction.api.cookie import alert_unsubscribe_token, unsubscribe_token  # noqa: PLC0415

    # Given a member's saved search, and the link an alert mail carries for it (signed with the stack's key)
    member: Visitor = visitor_factory()
    sign_up(member, unique_email())
    press(member.page("/stock/?body=wagon"), "Saved as")
    (alert,) = alerts_of(member)["alerts"]
    me = member.context.request.get(f"{stack.origin}/api/me").json()
    secret = (stack.state_dir / "cookie-secret").read_text(encoding="utf-8").strip().encode()
    token = alert_unsubscribe_token(secret, me["member_id"], [alert["alert_id"]])
    # When someone opens it on a device that is not signed in
    stranger: Visitor = visitor_factory()
    page = stranger.page("/members/unsubscribe/#token=" + quote(token))
    # Then the page speaks of the saved search, not of all updates, and waits for the press
    assert page.get_by_text("Stop e-mails about new cars for the saved searches in this e-mail?").is_visible()
    assert page.get_by_role("button", name="Stop e-mails about updates").is_hidden()
    assert stranger.posts(f"/api/unsubscribe?token={quote(token)}") == []
    page.get_by_role("button", name="Pause these saved searches").click()
    page.locator("[data-say]", has_text="this saved search is paused").wait_for()
    # Then the search is paused, with no cookie sent or set, and the link leaves the address bar
    assert stranger.context.cookies() == []
    assert "#token=" not in page.url
    assert alerts_of(member)["alerts"][0]["paused"] is True
    # And an update mail's link (u1) still speaks of, and stops, updates as a whole
    everything = stranger.page("/members/unsubscribe/#token=" + quote(unsubscribe_token(secret, me["member_id"])))
    assert everything.get_by_role("button", name="Pause these saved searches").is_hidden()
    everything.get_by_role("button", name="Stop e-mails about updates").click()
    everything.locator("[data-say]", has_text="we send you no more e-mails about updates").wait_for()


def mail_to(outbox: Path, email: str, words: str, timeout: float = 30) -> dict[str, Any]:
    """The mail to ``email`` whose body holds ``words``, waited for (mail goes through a queue)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        for path in sorted(outbox.glob("*.json")) if outbox.is_dir() else []:
            try:
                mail: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
            except (OSError, ValueError):
                continue  # still being written
            if mail["to"] == email and words in mail["body"]:
                return mail
        time.sleep(0.2)
    raise AssertionError(f"no mail to {email} with {words!r} in {outbox}")


def test_a_saved_search_mails_a_new_matching_car_whose_link_pauses_it(visitor_factory: Any, stack: LocalStack) -> None:
    from carjunction.api.logic.sync_catalogue import sync_catalogue  # noqa: PLC0415 - the stack's own sync
    from carjunction.api.store import vehicles  # noqa: PLC0415
    from carjunction.api.store.db import Db  # noqa: PLC0415
    from carjunction.cli import main  # noqa: PLC0415

    # Given a member whose updates are on (asked at sign-up; the mailed link confirmed both) and who saves a search
    email = unique_email()
    member: Visitor = visitor_factory()
    sign_up(member, email, updates=True)
    said = press(member.page(TOYOTA_WAGONS), "Saved as")
    assert "only to members who get e-mails about updates" not in said
    (alert,) = alerts_of(member)["alerts"]
    # Times are kept to the second, and a car is new for a search listed strictly after it was saved
    while iso(utc_now()) <= alert["created_at"]:
        time.sleep(0.05)

    # When a catalogue sync adds a car the search matches (a copy of a listed Toyota wagon, new stock number)
    catalogue = load_catalogue(ROOT / "content")
    model = next(
        v
        for v in catalogue.vehicles
        if v.status == Status.AVAILABLE and v.make == "Toyota" and v.body_type.value == "wagon" and v.price_usd <= 20000
    )
    new_car = model.model_copy(update={"stock_no": f"CJ29{uuid.uuid4().int % 1000:03d}"})
    settings = json.loads((stack.state_dir / "stack.json").read_text(encoding="utf-8"))
    db = Db(local_client(settings["endpoint"], settings["region"]), settings["table"])
    sync_catalogue(db, dataclasses.replace(catalogue, vehicles=(new_car,)), complete=False)
    try:
        # And the alert job runs, as `carjunction admin alerts run --local` runs it
        assert main(["admin", "alerts", "run", "--local", "--state-dir", str(stack.state_dir)]) == 0
        # Then the member's digest is in the outbox, with the new car and not the cars listed before the search
        mail = mail_to(stack.outbox, email, new_car.stock_no)
        assert model.stock_no not in mail["body"]
        assert alert["name"] in mail["body"]
        # When they open the mail's link for that search, on a device that is not signed in, and press
        link = re.search(r"http://\S+/members/unsubscribe/#token=a1\.\S+", mail["body"])
        assert link is not None, mail["body"]
        stranger: Visitor = visitor_factory()
        page = stranger.page(link.group(0).removeprefix(stack.origin))
        page.get_by_role("button", name="Pause these saved searches").click()
        page.locator("[data-say]", has_text="this saved search is paused").wait_for()
        # Then the search is paused, and My account says so
        assert alerts_of(member)["alerts"][0]["paused"] is True
        account = member.page("/members/account/")
        account.locator("[data-alert-list] > li .cj-badge", has_text="Paused").wait_for()
    finally:
        vehicles.withdraw(db, new_car.stock_no, iso(utc_now()))  # the session's other tests see the sample stock
