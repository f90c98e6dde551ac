"""The shop front as a buyer meets it in Chromium, at a desktop's 1280×900 and a phone's 412×915: the header's
links on every page, the seller's details where a buyer commits or pays, How to buy and About us reachable
from every page. Screenshots of the main pages are written to test-artifacts/screenshots/ for a reviewer."""

from __future__ import annotations

import re
import time
from functools import cache
from pathlib import Path
from typing import Any

import pytest
import yaml

from carjunction.catalogue import Status, load_catalogue
from carjunction.site.languages import Language, language_of, load_languages
from tests.support.browser import MISSING, Visitor, sign_up, site_pages, unique_email
from tests.support.site_build import ROOT

pytestmark = pytest.mark.browser

COMPANY = yaml.safe_load((ROOT / "content" / "company.yaml").read_text(encoding="utf-8"))
SIZES = {"desktop": {"width": 1280, "height": 900}, "phone": {"width": 412, "height": 915}}
HEADER_LINKS = ("Stock", "How to buy", "Contact", "Join", "Sign in", "Favourites")
SCREENSHOTS = ROOT / "test-artifacts" / "screenshots"


@cache
def languages() -> dict[str, Language]:
    return {language.code: language for language in load_languages(ROOT / "content")}


def words(path: str, text: str) -> str:
    """``text`` as the page at ``path`` says it: in its language (a missing page's 404 is English)."""
    return languages()[language_of(path)].gettext(text)


def a_car() -> str:
    return next(
        v.stock_no for v in load_catalogue(ROOT / "content").vehicles if v.status == Status.AVAILABLE and v.photos
    )


def inside_viewport(locator: Any, viewport: dict[str, int]) -> bool:
    box = locator.bounding_box()
    return (
        bool(box)
        and box["x"] >= 0
        and box["y"] >= 0
        and box["x"] + box["width"] <= viewport["width"]
        and (box["y"] + box["height"] <= viewport["height"])
    )


def settles_inside_viewport(locator: Any, viewport: dict[str, int], within: float = 3) -> bool:
    """Inside the viewport once a sliding panel (the drawer) has come to rest."""
    deadline = time.monotonic() + within
    while not inside_viewport(locator, viewport):
        if time.monotonic() > deadline:
            return False
        time.sleep(0.1)
    return True


def sized(visitor_factory: Any, viewport: dict[str, int]) -> Visitor:
    """A visitor (whose requests the factory checks at the end) on a device of this size."""
    visitor: Visitor = visitor_factory()
    browser = visitor.context.browser
    visitor.context.close()
    visitor.context = browser.new_context(base_url=visitor.origin, viewport=viewport)
    visitor.context.on("request", lambda r: visitor.requests.append((r.method, r.url, r.post_data)))
    return visitor


def opened(visitor: Visitor, path: str) -> Any:
    page = visitor.context.new_page()
    page.goto(visitor.origin + path)
    page.wait_for_selector("html[data-forms-ready]", state="attached")
    return page


@pytest.mark.parametrize("size", SIZES)
def test_every_page_has_the_header_links_on_its_first_screen(visitor_factory: Any, real_site: Path, size: str) -> None:
    # Given a buyer's device of this size, signed out
    visitor = sized(visitor_factory, SIZES[size])
    pages = site_pages(real_site)
    assert len(pages) > 15  # every hand-written page, and one of each generated kind
    for path in pages:
        # When a page opens
        page = opened(visitor, path)
        head = page.locator("[data-cj-head]")
        for name in HEADER_LINKS:
            # Then each of the header's links is shown at the top, without scrolling
            link = head.get_by_role("link", name=words(path, name), exact=True)
            assert link.is_visible() and inside_viewport(link, SIZES[size]), (path, name)
        # And the member entry offers Join / Sign in, not My account, until the script knows better
        assert not head.get_by_role("link", name=words(path, "My account")).is_visible(), path
        page.close()


@pytest.mark.parametrize("size", SIZES)
def test_how_to_buy_and_about_us_are_reachable_from_every_page(
    visitor_factory: Any, real_site: Path, size: str
) -> None:
    visitor = sized(visitor_factory, SIZES[size])
    for path in [p for p in site_pages(real_site) if p != MISSING][::3]:
        # Given a page
        page = opened(visitor, path)
        # When the buyer follows "About us" at its foot, then "How to buy" in the header
        page.locator("footer").get_by_role("link", name=words(path, "About us")).click()
        page.wait_for_url("**/about/")
        assert page.get_by_role("heading", name=words(path, "About us"), level=1).is_visible(), path
        page.locator("[data-cj-head]").get_by_role("link", name=words(path, "How to buy")).click()
        page.wait_for_url("**/how-to-buy/")
        # Then both pages open, in the page's language
        assert page.get_by_role("heading", name=words(path, "How to buy"), level=1).is_visible(), path
        page.close()


def test_the_header_shows_our_brand_mark_and_the_tab_our_matching_favicon(visitor_factory: Any) -> None:
    # Given any page, on a desktop
    visitor = sized(visitor_factory, SIZES["desktop"])
    page = opened(visitor, "/how-to-buy/")
    # Then the header's logo is our brand mark, drawn, and the favicon is the same car on the brand's tile
    logo = page.locator(".md-header img[alt=logo]").first
    assert logo.evaluate("img => img.decode().then(() => img.naturalWidth)") > 0
    icon = page.locator("link[rel=icon]").get_attribute("href") or ""
    mark = visitor.context.request.get(logo.evaluate("img => img.src")).text()
    favicon = visitor.context.request.get(page.evaluate("href => new URL(href, location).href", icon)).text()
    assert mark == (ROOT / "content/assets/images/brand.svg").read_text(encoding="utf-8")
    car = re.search(r'<path [^>]*d="([^"]+)"', mark)
    assert car and f'd="{car.group(1)}"' in favicon


def test_the_phone_drawer_lists_every_page_a_buyer_looks_for(visitor_factory: Any) -> None:
    # Given a phone on the home page
    visitor = sized(visitor_factory, SIZES["phone"])
    page = opened(visitor, "/")
    # When the menu is opened
    page.locator("label.md-header__button[for='__drawer']").click()
    drawer = page.locator("nav.md-nav--primary")
    # Then it lists the header's pages, About us and the member's pages
    for name in ("Stock", "How to buy", "Contact", "About us", "Favourites", "Join", "Sign in", "My account"):
        link = drawer.get_by_role("link", name=name, exact=True)
        link.wait_for(state="visible")
        assert settles_inside_viewport(link, SIZES["phone"]), name


def member_entry(page: Any) -> str:
    """What the header's member entry offers, as a buyer sees it."""
    head = page.locator("[data-cj-head]")
    shown = [name for name in ("Join", "Sign in", "My account") if head.get_by_role("link", name=name).is_visible()]
    return " / ".join(shown)


def api_calls(visitor: Visitor, since: int) -> list[str]:
    return [url for _, url, _ in visitor.requests[since:] if url.startswith(visitor.origin + "/api/")]


def test_the_member_entry_says_my_account_after_sign_in_and_sign_in_after_sign_out(visitor_factory: Any) -> None:
    # Given a buyer who has just become a member (the mailed link confirmed on this device)
    buyer: Visitor = visitor_factory()
    account = sign_up(buyer, unique_email())
    # Then the header offers their account, on this page and on the next
    assert member_entry(account) == "My account"
    before = len(buyer.requests)
    page = opened(buyer, "/how-to-buy/")
    assert member_entry(page) == "My account"
    # And knowing it took no request and no cookie the page can see (the member cookie is HttpOnly, Path=/api)
    assert api_calls(buyer, before) == []
    assert page.evaluate("document.cookie") == ""
    assert page.evaluate("localStorage.getItem('cj.member')") == "1"

    # When they sign out on their account page
    account.get_by_role("button", name="Sign out").click()
    account.locator("[data-say]", has_text="signed out").wait_for()
    # Then the header says "Sign in" at once, on that page, on the page open in another tab, and on the next page
    assert member_entry(account) == "Join / Sign in"
    page.locator("[data-cj-head]").get_by_role("link", name="Sign in").wait_for()
    assert member_entry(page) == "Join / Sign in"
    assert member_entry(opened(buyer, "/contact/")) == "Join / Sign in"


def test_an_expired_session_turns_the_entry_back_to_sign_in(visitor_factory: Any) -> None:
    # Given a member whose cookie is gone (expired, or cleared with the browser's cookies)
    buyer: Visitor = visitor_factory()
    sign_up(buyer, unique_email())
    buyer.context.clear_cookies()
    # When a page that asks the API who they are opens (the inquiry form fills in a member's details)
    page = opened(buyer, "/ask/")
    # Then the API's 401 ends the header's "My account", here and on the pages after
    assert member_entry(page) == "Join / Sign in"
    assert member_entry(opened(buyer, "/stock/")) == "Join / Sign in"


def favourites_count(page: Any) -> str:
    count = page.locator("[data-cj-head] [data-favourites-count]")
    return count.inner_text() if count.is_visible() else ""


def test_the_favourites_count_follows_the_favourites_in_every_tab(visitor_factory: Any) -> None:
    # Given a buyer with no favourites, on a car's page and, in another tab, the stock page
    visitor: Visitor = visitor_factory()
    cars = [v.stock_no for v in load_catalogue(ROOT / "content").vehicles if v.status == Status.AVAILABLE][:2]
    car = opened(visitor, f"/vehicles/{cars[0]}/")
    other = opened(visitor, "/stock/")
    assert favourites_count(car) == favourites_count(other) == ""
    # When they save the car to their favourites
    car.get_by_role("button", name="Save to favourites").click()
    # Then the header counts it on this page, and the other tab follows
    assert favourites_count(car) == "1"
    other.locator("[data-cj-head] [data-favourites-count]:not([hidden])").wait_for()
    assert favourites_count(other) == "1"
    assert other.locator("[data-cj-head]").get_by_role("link", name="Favourites 1").is_visible()
    # And a second car makes two, on the next page too
    second = opened(visitor, f"/vehicles/{cars[1]}/")
    second.get_by_role("button", name="Save to favourites").click()
    assert favourites_count(second) == "2" and favourites_count(opened(visitor, "/")) == "2"
    # When both are removed, then the count goes, here and in the other tab
    second.get_by_role("button", name="Save to favourites").click()
    car.get_by_role("button", name="Save to favourites").click()
    assert favourites_count(car) == ""
    other.locator("[data-cj-head] [data-favourites-count][hidden]").wait_for(state="attached")
    assert favourites_count(other) == ""


@pytest.mark.parametrize(
    "path", ["/vehicles/{car}/", "/order/?stock_no={car}", "/order/invoice/", "/invoices/", "/invoices/check/"]
)
def test_the_seller_details_are_on_the_vehicle_order_and_invoice_pages(visitor_factory: Any, path: str) -> None:
    # Given the company's details as content/company.yaml gives them
    visitor: Visitor = visitor_factory()
    page = opened(visitor, path.format(car=a_car()))
    # When the page opens, then its trust block names the company, its registration and memberships, its only
    # domains and e-mail addresses, beside the rule about bank details and a link to check an invoice
    trust = page.locator("[data-trust]")
    trust.wait_for(state="visible")
    text = " ".join(trust.inner_text().split())
    assert COMPANY["name"] in text and COMPANY["corporate_number"] in text
    for membership in COMPANY["memberships"]:
        assert f"{membership['name']}" in text and membership["number"] in text
    assert all(domain in text for domain in COMPANY["official_domains"])
    assert all(email in text for email in COMPANY["official_emails"])
    assert "We never change our bank details by e-mail." in text
    check = trust.get_by_role("link", name="our invoice check page")
    assert check.evaluate("link => link.href") == f"{visitor.origin}/invoices/check/"


def test_a_phone_shows_the_cars_title_status_price_and_buttons_before_scrolling(visitor_factory: Any) -> None:
    # Given an available car with photos, on a phone, with the header's two rows above it
    visitor = sized(visitor_factory, SIZES["phone"])
    page = opened(visitor, f"/vehicles/{a_car()}/")
    # Then what a buyer acts on is on the first screen
    parts = {
        "title": page.locator(".cj-vehicle h1"),
        "status": page.locator(".cj-vehicle .cj-status"),
        "price": page.locator(".cj-price strong"),
        "ask": page.get_by_role("link", name="Ask about this car"),
        "order": page.get_by_role("link", name="Order this car"),
    }
    for name, locator in parts.items():
        assert inside_viewport(locator, SIZES["phone"]), name


def test_how_to_buy_gives_the_steps_payments_price_documents_times_and_the_invoice_check(visitor_factory: Any) -> None:
    # Given a first-time buyer on How to buy, on a phone
    visitor = sized(visitor_factory, SIZES["phone"])
    page = opened(visitor, "/how-to-buy/")
    # Then it answers, in this order, what they ask before they buy
    sections = page.locator("article h2").all_inner_texts()
    asked = [
        "The steps",
        "What you pay, and when",
        "What the price includes",
        "The documents you receive",
        "How long it takes",
        "How to check an invoice",
    ]
    assert [name for name in sections if name in asked] == asked
    text = " ".join(page.locator("article").inner_text().split())
    # And it names the days a car is held, each price term, each document, and the way to check an invoice
    assert f"reserved for you for {COMPANY['reservation_days']} days" in text
    for words in ("FOB", "CFR", "CIF", "proforma invoice", "export certificate", "bill of lading", "inspection"):
        assert words in text, words
    check = page.locator("article").get_by_role("link", name="Verify an invoice code")
    assert check.evaluate("link => link.href") == f"{visitor.origin}/invoices/check/"
    # And who the seller is, with the rule about bank details
    assert "We never change our bank details by e-mail." in page.locator("[data-trust]").inner_text()


def test_about_us_gives_the_address_and_the_hours_in_japan_time(visitor_factory: Any) -> None:
    visitor: Visitor = visitor_factory()
    page = opened(visitor, "/about/")
    address = " ".join(page.locator("[data-about='address']").inner_text().split())
    hours = page.locator("[data-contact-hours]").inner_text()
    assert COMPANY["address"]["postcode"] in address and COMPANY["address"]["lines"][0] in address
    assert COMPANY["contact_hours"]["opens"] in hours and COMPANY["contact_hours"]["closes"] in hours
    assert "Japan time" in hours


def test_screenshots_of_the_main_pages_at_both_sizes(visitor_factory: Any) -> None:
    """A test artefact for a reviewer to open (test-artifacts/screenshots/), not a golden: nothing compares them."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    car = a_car()
    pages = {"home": "/", "stock": "/stock/", "vehicle": f"/vehicles/{car}/", "order": f"/order/?stock_no={car}"}
    written: list[Path] = []
    for viewport in SIZES.values():
        visitor = sized(visitor_factory, viewport)
        for name, path in pages.items():
            page = opened(visitor, path)
            page.wait_for_load_state("networkidle")
            target = SCREENSHOTS / f"{name}-{viewport['width']}x{viewport['height']}.png"
            page.screenshot(path=str(target))
            written.append(target)
            page.close()
    assert all(p.stat().st_size > 5_000 for p in written)
