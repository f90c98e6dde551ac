"""Nothing on the stock and order pages moves when their data arrives (Lighthouse's Cumulative Layout Shift), and a
visitor who is not signed in is not asked about on the order page (no /api/me, no 401 in the console).

The stock index is held back a moment, so that the page is painted before the cars arrive, as on a slow phone."""

from __future__ import annotations

import re
import time
from typing import Any

import pytest

from carjunction.catalogue import Status, load_catalogue
from tests.support.browser import Visitor, sign_up, unique_email
from tests.support.site_build import ROOT

pytestmark = pytest.mark.browser

CATALOGUE = load_catalogue(ROOT / "content")
# Cars the other browser tests reserve or order in the session's one local stack: their order page then says
# so (a message that rightly appears when the live status arrives), which is not what these tests measure.
ORDERED_ELSEWHERE = {
    stock_no
    for module in (ROOT / "tests" / "browser").glob("test_*.py")
    if module.name != "test_layout_shift.py"
    for stock_no in re.findall(r"CJ\d{5}", module.read_text(encoding="utf-8"))
}
# Lighthouse's phone (a Moto G Power: 412×823 at 1.75 device pixels per CSS pixel), and a desktop.
PHONE: dict[str, Any] = {
    "viewport": {"width": 412, "height": 823},
    "device_scale_factor": 1.75,
    "is_mobile": True,
    "has_touch": True,
}
DESKTOP: dict[str, Any] = {"viewport": {"width": 1280, "height": 900}}
SIZES: dict[str, dict[str, Any]] = {"phone": PHONE, "desktop": DESKTOP}
HOLD_BACK = 0.6  # seconds the stock index is held back: the page paints without it first

# Sums every layout shift not caused by input (what CLS counts), and notes where `below` is once the page is parsed
# and its scripts have run (DOMContentLoaded), before the held-back data can arrive.
WATCH = """
window.cjShifts = [];
new PerformanceObserver((list) => {
  for (const entry of list.getEntries()) if (!entry.hadRecentInput) window.cjShifts.push(entry.value);
}).observe({ type: "layout-shift", buffered: true });
document.addEventListener("DOMContentLoaded", () => {
  const below = document.querySelector(%r);
  window.cjBelowFirst = below ? below.getBoundingClientRect().top + scrollY : null;
});
"""


def held_back(route: Any) -> None:
    time.sleep(HOLD_BACK)
    route.continue_()


def watched_page(visitor: Visitor, size: dict[str, Any], path: str, below: str) -> Any:
    """``path`` opened at ``size`` on a new device (signed out) with the stock index held back, once its scripts are
    done and its photos in."""
    context = visitor.context.browser.new_context(base_url=visitor.origin, **size)
    context.add_init_script(WATCH % below)
    context.route("**/stock/stock.json", held_back)
    page = context.new_page()
    page.requests = []
    page.errors = []
    page.on("request", lambda request: page.requests.append(request.url))
    page.on("console", lambda message: message.type == "error" and page.errors.append(message.text))
    page.goto(visitor.origin + path)
    page.wait_for_selector("html[data-forms-ready]", state="attached")
    deadline = time.monotonic() + 10  # (wait_for_function would need the eval the page's CSP refuses)
    while not page.evaluate("[...document.images].every((img) => img.complete)") and time.monotonic() < deadline:
        time.sleep(0.05)
    page.wait_for_timeout(300)  # a shift is reported with the next frame
    return page


def shifts(page: Any, below: str) -> tuple[float, float, float]:
    """The layout shifts summed, and where ``below`` was before the data came and where it is now."""
    total = page.evaluate("window.cjShifts.reduce((a, b) => a + b, 0)")
    first = page.evaluate("window.cjBelowFirst")
    now = page.locator(below).evaluate("e => e.getBoundingClientRect().top + scrollY")
    return total, first, now


@pytest.mark.parametrize("size", SIZES)
def test_the_stock_page_does_not_move_when_the_cars_arrive(visitor_factory: Any, size: str) -> None:
    visitor: Visitor = visitor_factory()
    # When a buyer opens the stock page and the stock index arrives after the first paint
    page = watched_page(visitor, SIZES[size], "/stock/", "ul.cj-makes")
    # Then the cards were there from the start: the list of makes below them stayed where it was painted
    total, first, now = shifts(page, "ul.cj-makes")
    assert first is not None and abs(now - first) < 1, (first, now)
    assert total < 0.01, page.evaluate("window.cjShifts")
    # And the cards are the first of the whole stock, newest first, with "Show more" for the rest
    available = [v for v in CATALOGUE.vehicles if v.status == Status.AVAILABLE]
    listed = sorted(available, key=lambda v: (-v.added.toordinal(), v.stock_no))
    cards = page.locator("#stock-results > li")
    shown: list[str] = cards.evaluate_all("cards => cards.map((c) => c.dataset.stockNo)")
    assert shown == [v.stock_no for v in listed[: len(shown)]] and 0 < len(shown) <= len(listed)
    assert page.locator("#stock-more").is_visible() == (len(shown) < len(listed))
    page.context.close()


@pytest.mark.parametrize("size", SIZES)
def test_the_order_page_does_not_move_when_the_car_arrives(visitor_factory: Any, size: str) -> None:
    # Given a car in stock, the longest title first: on a phone its block must not need a second line
    car = max(
        (v for v in CATALOGUE.vehicles if v.status == Status.AVAILABLE and v.stock_no not in ORDERED_ELSEWHERE),
        key=lambda v: len(f"{v.registration_year} {v.make} {v.model}"),
    )
    for stock_no in (car.stock_no, "CJ26001"):
        visitor: Visitor = visitor_factory()
        # When a visitor who is not signed in opens its order page, the stock index arriving after the first paint
        page = watched_page(visitor, SIZES[size], f"/order/?stock_no={stock_no}", "section.cj-next")
        # Then the car is shown, and "What happens next" stayed where it was painted: nothing moved
        assert page.locator("[data-car-title]").is_visible()
        total, first, now = shifts(page, "section.cj-next")
        assert first is not None and abs(now - first) < 1, (stock_no, first, now)
        assert total < 0.01, (stock_no, page.evaluate("window.cjShifts"))
        # And the sign-in prompt is shown without asking the API who they are: no /api/me, no error in the console
        assert page.get_by_text("Only members can order").is_visible()
        assert not page.locator("#order-country").is_visible()
        asked = [url.removeprefix(visitor.origin) for url in page.requests if "/api/" in url]
        assert asked == ["/api/stock/status"], asked  # the car's live status only: is it reserved or sold now?
        assert page.errors == []
        page.context.close()


def test_a_signed_in_member_is_asked_about_and_gets_the_order_form(visitor_factory: Any) -> None:
    # Given a member signed in on this device
    buyer: Visitor = visitor_factory()
    sign_up(buyer, unique_email())
    # When they open an order page
    page = buyer.page("/order/?stock_no=CJ26001")
    # Then the page asked who they are, and shows the form instead of the sign-in prompt
    assert page.locator("#order-country").is_visible()
    assert not page.get_by_text("Only members can order").is_visible()
    assert page.get_by_label("Name", exact=True).first.input_value() == "Amani Buyer"
    assert [url for _, url, _ in buyer.requests].count(f"{buyer.origin}/api/me") >= 1


def test_a_member_whose_session_ended_gets_the_prompt_and_the_flag_is_cleared(visitor_factory: Any) -> None:
    # Given a member whose cookie is gone (expired, or cleared) while the device still says they are signed in
    buyer: Visitor = visitor_factory()
    sign_up(buyer, unique_email())
    buyer.context.clear_cookies()
    before = len(buyer.requests)
    # When they open an order page
    page = buyer.page("/order/?stock_no=CJ26001")
    # Then the page asked the API, which said 401, so it shows the sign-in prompt and no form
    assert f"{buyer.origin}/api/me" in [url for _, url, _ in buyer.requests[before:]]
    assert page.get_by_text("Only members can order").is_visible()
    assert not page.locator("#order-country").is_visible()
    # And the device no longer says they are signed in: the next order page asks nobody
    assert page.evaluate("localStorage.getItem('cj.member')") is None
    before = len(buyer.requests)
    buyer.page("/order/?stock_no=CJ26001")
    assert f"{buyer.origin}/api/me" not in [url for _, url, _ in buyer.requests[before:]]
