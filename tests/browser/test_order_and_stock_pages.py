"""The order page shows the car being ordered, from the stock index, and says plainly when a car cannot be ordered;
the stock page puts its count and first cards first on a phone, with the filters in a panel behind a button."""

from __future__ import annotations

import json
import re
import time
from http import HTTPStatus
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlparse

import pytest
import yaml

from carjunction.catalogue import Incoterm, Status, load_catalogue, quote
from tests.support.browser import LocalStack, Visitor, sign_up, unique_email
from tests.support.site_build import ROOT

pytestmark = pytest.mark.browser

CATALOGUE = load_catalogue(ROOT / "content")
COMPANY = yaml.safe_load((ROOT / "content" / "company.yaml").read_text(encoding="utf-8"))
PHONE = {"width": 412, "height": 915}
DESKTOP = {"width": 1280, "height": 900}


def stock_index(site: Path) -> dict[str, Any]:
    index: dict[str, Any] = json.loads((site / "stock" / "stock.json").read_text(encoding="utf-8"))
    return index


def test_the_order_page_shows_the_car_from_the_stock_data(visitor_factory: Any, stack: LocalStack) -> None:
    # Given a car the stock index lists with a photo
    index = stock_index(stack.site_dir)
    at = next(i for i, photo in enumerate(index["ph"]) if photo)
    stock_no = index["no"][at]
    vehicle = CATALOGUE.vehicle(stock_no)
    visitor: Visitor = visitor_factory()
    # When a buyer opens its order page (the stock number as they may type it)
    page = visitor.page(f"/order/?stock_no={stock_no.lower()}")
    car = page.locator("[data-car-slot]")
    title = car.locator("[data-car-title]")
    # Then the page shows its title, key facts and FOB price, written in the page's language
    assert title.inner_text() == f"{index['yr'][at]} {vehicle.make} {vehicle.model}"
    facts = " ".join(car.inner_text().split())
    for fact in (stock_no, f"{index['km'][at]:,} km", f"US${index['usd'][at]:,}"):
        assert fact in facts
    # And its photo, loaded from the site
    photo = car.locator("img")
    assert photo.evaluate("img => img.decode().then(() => img.naturalWidth)") > 0
    # And the title leads to the car's page
    assert title.evaluate("a => a.href") == f"{visitor.origin}/vehicles/{stock_no}/"
    # And what happens next names the days the car is held, then the proforma invoice, then the bank transfer
    steps = page.locator(".cj-next li").all_inner_texts()
    assert [step.split(".")[0] for step in steps] == [
        f"Reserved for {COMPANY['reservation_days']} days",
        "Proforma invoice",
        "Bank transfer",
    ]
    # And the car is remembered as recently viewed under its title, not its number alone
    recent = page.evaluate("JSON.parse(localStorage.getItem('cj.recent'))")
    assert recent[0]["title"] == title.inner_text()


def dollars(text: str) -> int:
    return int(re.sub(r"\D", "", text) or -1)


def test_the_order_page_quotes_the_chosen_port_and_terms(visitor_factory: Any) -> None:
    # Given a member (from Kenya, shipping to Mombasa) on the order page of an available car
    vehicle = next(v for v in CATALOGUE.vehicles if v.status == Status.AVAILABLE)
    port, country = CATALOGUE.shipping.port("KEMBA"), CATALOGUE.shipping.country("KE")
    visitor: Visitor = visitor_factory()
    sign_up(visitor, unique_email())
    page = visitor.page(f"/order/?stock_no={vehicle.stock_no}")
    page.get_by_label("Port of discharge", exact=True).select_option("KEMBA")
    total = page.locator('[data-field="quote.total_usd"]')
    for incoterm in (Incoterm.CIF, Incoterm.CFR, Incoterm.FOB):
        expected = quote(vehicle, port, country, incoterm)
        # When they choose these terms
        page.locator(f"input[name=incoterm][value={incoterm.value}]").check()
        # Then the landed cost follows, as the API works it out (and the invoice will say)
        deadline = time.monotonic() + 10
        while dollars(total.inner_text()) != expected.total_usd and time.monotonic() < deadline:
            time.sleep(0.1)
        assert dollars(total.inner_text()) == expected.total_usd, incoterm
        assert dollars(page.locator('[data-field="quote.fob_usd"]').inner_text()) == vehicle.price_usd
        # And only the lines these terms carry are shown
        assert page.locator("[data-line=freight_usd]").is_visible() == (incoterm != Incoterm.FOB), incoterm
        assert page.locator("[data-line=insurance_usd]").is_visible() == (incoterm == Incoterm.CIF), incoterm


@pytest.mark.parametrize(
    ("stock_no", "said"),
    [
        ("CJ26011", "This car is not in our stock now"),  # withdrawn
        ("CJ29999", "This car is not in our stock now"),  # no such car
        ("CJ26030", "This car is sold."),  # sold: the live status says which
    ],
)
def test_the_order_page_says_when_a_car_cannot_be_ordered(visitor_factory: Any, stock_no: str, said: str) -> None:
    assert stock_no == "CJ29999" or CATALOGUE.vehicle(stock_no).status != Status.AVAILABLE
    visitor: Visitor = visitor_factory()
    # When a buyer opens the order page of a car that is not for sale
    page = visitor.page(f"/order/?stock_no={stock_no}")
    # Then it says so, draws no car, and asks nobody to sign in for it
    page.locator("[data-say]", has_text=said).wait_for()
    assert page.locator("[data-car-slot]").inner_html() == ""
    assert not page.get_by_text("Only members can order").is_visible()


@pytest.mark.parametrize("failure", ["offline", "failed deploy"])
def test_the_order_page_says_so_when_it_cannot_load_the_car(visitor_factory: Any, failure: str) -> None:
    # Given an available car, and a buyer whose device cannot have the stock index (the connection drops, or the
    # deploy left the index unreadable)
    stock_no = next(v.stock_no for v in CATALOGUE.vehicles if v.status == Status.AVAILABLE)
    visitor: Visitor = visitor_factory()
    if failure == "offline":
        visitor.context.route("**/stock/stock.json", lambda route: route.abort("internetdisconnected"))
    else:
        visitor.context.route("**/stock/stock.json", lambda route: route.fulfill(status=HTTPStatus.SERVICE_UNAVAILABLE))
    # When they open its order page
    page = visitor.page(f"/order/?stock_no={stock_no}")
    # Then the page says, in its own words, that it cannot show the car, naming it by its stock number
    said = page.locator("[data-car-say]", has_text="We could not load the photo, details and price of car")
    said.wait_for()
    assert stock_no in said.inner_text() and "reload this page" in said.inner_text()
    assert said.get_attribute("role") == "status"
    assert page.locator("[data-car-slot]").inner_html() == ""
    # And the order stays open (the API checks the car when they confirm): it asks them to sign in, as for any car
    assert page.get_by_text("Only members can order").is_visible()
    assert "not in our stock" not in page.locator("form[data-cj=order]").inner_text()


def stock_page(visitor: Visitor, viewport: dict[str, int], query: str = "") -> Any:
    page = visitor.context.new_page()
    page.set_viewport_size(viewport)
    page.goto(f"{visitor.origin}/stock/{query}")
    page.wait_for_selector("#stock-results[data-ready]")
    return page


def test_on_a_phone_the_cards_come_first_and_the_filters_open_from_a_button(visitor_factory: Any) -> None:
    visitor: Visitor = visitor_factory()
    # Given the stock page on a phone
    page = stock_page(visitor, PHONE)
    filters = page.locator("#stock-filters")
    # Then the first card's top edge is on the first screen, and the filters wait behind a button
    top = page.locator("#stock-results .cj-card").first.bounding_box()
    assert top and 0 <= top["y"] < PHONE["height"]
    # And the result count is above it, on the same screen
    count = page.locator("#stock-count").bounding_box()
    assert count and 0 <= count["y"] < top["y"] and page.locator("#stock-count").inner_text().endswith("found")
    assert not filters.is_visible()
    toggle = page.locator("#stock-filters-toggle")
    assert toggle.inner_text() == "Filters (0)"
    assert (toggle.get_attribute("aria-controls"), toggle.get_attribute("aria-expanded")) == ("stock-filters", "false")

    # When the buyer opens them from the keyboard
    toggle.focus()
    page.keyboard.press("Enter")
    # Then the panel shows, the button says so, and focus is in the panel
    assert filters.is_visible() and toggle.get_attribute("aria-expanded") == "true"
    assert page.evaluate("document.activeElement.id") == "stock-filters"

    # When they choose a make
    make = filters.locator("select[name=make]")
    make.select_option("Toyota")
    # Then the results and the URL follow as on a desktop, and the button counts the filter
    toyotas = [v for v in CATALOGUE.vehicles if v.status == Status.AVAILABLE and v.make == "Toyota"]
    page.locator("#stock-count", has_text=f"{len(toyotas)} vehicles found").wait_for()
    assert parse_qs(urlparse(page.url).query) == {"make": ["Toyota"]}
    assert page.get_by_role("button", name="Filters (1)").is_visible()

    # When they press Escape in the panel
    make.focus()
    page.keyboard.press("Escape")
    # Then it closes, and focus is back on the button
    assert not filters.is_visible() and toggle.get_attribute("aria-expanded") == "false"
    assert page.evaluate("document.activeElement.id") == "stock-filters-toggle"

    # And a shared search opens with its filters counted on the button
    shared = stock_page(visitor, PHONE, "?make=Toyota&steering=right&sort=price")
    assert shared.get_by_role("button", name="Filters (2)").is_visible()


def test_on_a_desktop_the_filters_show_without_the_button(visitor_factory: Any) -> None:
    visitor: Visitor = visitor_factory()
    page = stock_page(visitor, DESKTOP)
    assert page.locator("#stock-filters").is_visible()
    assert page.locator("#stock-filters select[name=make]").is_visible()
    assert not page.locator("#stock-filters-toggle").is_visible()
