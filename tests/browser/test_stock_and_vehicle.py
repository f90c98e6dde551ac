"""A buyer on a phone: filters and sorts the stock, opens a car, works out the landed cost; and page weight.

The site is served alone by a static server (fixtures in conftest.py); the forms' tests run the whole stack.
"""

from __future__ import annotations

import gzip
import json
import re
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlparse

import pytest

from carjunction.catalogue import Incoterm, Status, load_catalogue, quote
from tests.support.site_build import ROOT

pytestmark = pytest.mark.browser
CATALOGUE = load_catalogue(ROOT / "content")
LISTED = [v for v in CATALOGUE.vehicles if v.status == Status.AVAILABLE]


def open_stock(page: Any, site_url: str, query: str = "") -> None:
    page.goto(f"{site_url}stock/{query}")
    page.wait_for_selector("#stock-results[data-ready]")


def open_filters(page: Any) -> None:
    """On a phone the filters are a panel behind the "Filters (n)" button; on a desktop they always show."""
    if page.is_visible("#stock-filters-toggle"):
        page.click("#stock-filters-toggle")


def shown_stock_nos(page: Any) -> list[str]:
    hrefs = page.eval_on_selector_all("#stock-results a", "els => els.map(a => a.getAttribute('href'))")
    return [re.search(r"vehicles/([^/]+)/", h).group(1) for h in hrefs]  # type: ignore[union-attr]


def test_filtering_by_make_and_steering_shows_exactly_the_matching_cars(page: Any, site_url: str) -> None:
    # Given the stock page
    open_stock(page, site_url)
    assert page.inner_text("#stock-count").startswith(f"{len(LISTED)} ")
    # When the buyer picks Toyota and right-hand drive
    open_filters(page)
    page.select_option("select[name=make]", "Toyota")
    page.select_option("select[name=steering]", "right")
    page.wait_for_timeout(100)
    for _ in range(len(LISTED)):
        if not page.is_visible("#stock-more"):
            break
        page.click("#stock-more")
    # Then the count and cards are the matching cars, and the URL holds the filters
    expected = {v.stock_no for v in LISTED if v.make == "Toyota" and v.steering.value == "right"}
    assert set(shown_stock_nos(page)) == expected
    assert page.inner_text("#stock-count").startswith(f"{len(expected)} ")
    query = parse_qs(urlparse(page.url).query)
    assert query == {"make": ["Toyota"], "steering": ["right"]}
    assert page.foreign_requests == [] and page.errors == []


def test_a_shared_search_url_restores_filters_and_sorts_by_price(page: Any, site_url: str) -> None:
    # Given a shared link with a price ceiling, sorted by price
    open_stock(page, site_url, "?price_max=15000&sort=price")
    # Then the filter boxes show it and the cards are the cheap cars, cheapest first
    assert page.input_value("input[name=price_max]") == "15000"
    cheap = sorted((v for v in LISTED if v.price_usd <= 15000), key=lambda v: v.price_usd)
    shown = shown_stock_nos(page)
    prices = [CATALOGUE.vehicle(no).price_usd for no in shown]
    assert prices == sorted(prices) and prices[0] == cheap[0].price_usd
    assert set(shown) <= {v.stock_no for v in cheap}


@pytest.mark.parametrize(
    ("query", "make", "model"),
    [("?make=Lada", "Lada", ""), ("?make=Toyota&model=Ranger", "Toyota", "Ranger"), ("?model=Niva", "", "Niva")],
)
def test_a_saved_search_link_naming_a_make_or_model_not_in_stock_shows_no_car(
    page: Any, site_url: str, query: str, make: str, model: str
) -> None:
    # Given a saved search's link naming a make, or a make's model, that the stock does not hold
    assert not any(v.make == "Lada" or (v.make, v.model) == ("Toyota", "Ranger") for v in LISTED)
    assert not any(v.model == "Niva" for v in LISTED) and any(v.model == "Ranger" for v in LISTED)
    page.goto(f"{site_url}stock/{query}")
    page.wait_for_selector("#stock-results[data-ready]", state="attached")  # an empty list is not visible
    # Then the filters keep those values and no car is shown, as the search itself matches none (not every car)
    assert page.input_value("select[name=make]") == make
    assert page.input_value("select[name=model]") == model
    assert shown_stock_nos(page) == []
    assert page.errors == []


def test_free_text_finds_a_car_by_chassis_number(page: Any, site_url: str) -> None:
    target = LISTED[3]
    open_stock(page, site_url)
    open_filters(page)
    page.fill("input[name=q]", target.chassis_no[-6:].lower())
    page.wait_for_timeout(100)
    assert target.stock_no in shown_stock_nos(page)


def test_opening_a_car_and_using_the_calculator_gives_the_python_quote(page: Any, site_url: str) -> None:
    # Given the stock page, filtered to one make
    vehicle = next(v for v in LISTED if v.photos)
    open_stock(page, site_url, f"?q={vehicle.stock_no}")
    # When the buyer opens the car
    # (by keyboard: on a phone-sized page the sticky header can cover a card Playwright scrolled to)
    page.press(f"#stock-results a[href$='vehicles/{vehicle.stock_no}/']", "Enter")
    page.wait_for_selector("#calculator:not([hidden])")
    assert vehicle.stock_no in page.title()
    main_photo = page.locator(".cj-gallery__main img")
    assert main_photo.get_attribute("loading") is None and main_photo.get_attribute("width")
    # And chooses Kenya, Mombasa, CIF
    page.select_option("select[name=country]", "KE")
    page.select_option("select[name=port]", "KEMBA")
    page.check("input[name=incoterm][value=CIF]")
    # Then the figures are the authoritative Python quote's
    expected = quote(vehicle, CATALOGUE.shipping.port("KEMBA"), CATALOGUE.shipping.country("KE"), Incoterm.CIF)
    total = page.inner_text("[data-out=total]")
    assert int(re.sub(r"\D", "", total)) == expected.total_usd
    assert int(re.sub(r"\D", "", page.inner_text("[data-out=insurance]"))) == expected.insurance_usd
    # And a display currency adds a converted line without changing the USD total
    page.select_option("select[name=currency]", "KES")
    assert page.is_visible(".cj-calc__converted")
    assert page.inner_text("[data-out=total]") == total
    jsonld = json.loads(page.inner_text("script[type='application/ld+json']"))
    assert jsonld["offers"]["price"] == vehicle.price_usd
    assert page.foreign_requests == [] and page.errors == []


def test_pages_without_javascript_still_reach_every_make(browser: Any, site_url: str) -> None:
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(f"{site_url}stock/")
    makes = {v.make for v in LISTED}
    page.click("text=Toyota >> nth=-1")
    assert page.url.endswith("/stock/toyota/")
    assert page.locator(".cj-card").count() == len([v for v in LISTED if v.make == "Toyota"])
    assert len(makes) > 3
    context.close()


def test_the_home_page_loads_nothing_from_other_hosts(page: Any, site_url: str) -> None:
    page.goto(site_url)
    page.wait_for_load_state("networkidle")
    assert page.locator(".cj-card").count() > 0
    assert page.foreign_requests == []


def test_a_vehicle_page_first_view_without_photos_is_at_most_80_kb(page: Any, site_url: str, real_site: Path) -> None:
    # Given the vehicle with the most photos
    vehicle = max(LISTED, key=lambda v: len(v.photos))
    loaded: list[str] = []
    page.on("requestfinished", lambda r: loaded.append(r.url))
    # When a phone opens it with an empty cache
    page.goto(f"{site_url}vehicles/{vehicle.stock_no}/")
    page.wait_for_load_state("networkidle")
    # Then everything but the photos, compressed as the CDN sends it, fits the budget
    weight = 0
    for url in loaded:
        if url.startswith(f"{site_url}api/"):
            continue  # the live-status call: tens of bytes from the API, which this static server does not run
        path = real_site / url[len(site_url) :].split("?")[0]
        path = path / "index.html" if path.is_dir() else path
        if path.suffix != ".webp":
            weight += len(gzip.compress(path.read_bytes(), 9))
    assert weight <= 80 * 1024, f"{weight} bytes: {loaded}"
    assert not [url for url in loaded if "search" in url]
    assert page.foreign_requests == []
