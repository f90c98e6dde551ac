"""Every word and number a buyer reads comes from the page: the one card markup, the page's language for
numbers, the page's messages for the API's errors. The site is served alone; the API is answered by the test."""

from __future__ import annotations

import re
from http import HTTPStatus
from pathlib import Path
from typing import Any

import pytest

from carjunction.catalogue import Incoterm, Status, load_catalogue, quote
from carjunction.site.words import slug

pytestmark = pytest.mark.browser
ROOT = Path(__file__).resolve().parents[2]
CATALOGUE = load_catalogue(ROOT / "content")
LISTED = [v for v in CATALOGUE.vehicles if v.status == Status.AVAILABLE]
NARROW_SPACE = "\u202f"  # French groups digits with a narrow no-break space

# Each element of a card: tag, class, where a link or image leads (resolved), and its text if it has no children.
CARD_PARTS = """li => [...li.querySelectorAll('*')].filter(e => !e.closest('.cj-card__live')).map(e => [
  e.tagName, e.className, e.getAttribute('href') && e.href, e.getAttribute('src') && e.src,
  e.children.length ? '' : e.textContent.trim()])"""


def french(number: int) -> str:
    return f"{number:,}".replace(",", NARROW_SPACE)


def in_language(page: Any, url: str, lang: str) -> None:
    """Serve ``url`` (with any query) as if the site were built in ``lang``: only its <html lang> changes."""

    def relabel(route: Any) -> None:
        answer = route.fetch()
        html = answer.text().replace('<html lang="en"', f'<html lang="{lang}"', 1)
        route.fulfill(response=answer, body=html)

    page.route(re.compile(re.escape(url) + r"(\?.*)?$"), relabel)


def answer_api(page: Any, path: str, status: int, body: dict[str, Any]) -> None:
    page.route(f"**/api{path}", lambda route: route.fulfill(status=status, json=body))


def test_a_stock_card_drawn_by_the_script_is_the_card_the_build_renders(page: Any, site_url: str) -> None:
    # Given a car with photos, on the make page the build renders from overrides/partials/card.html
    car = next(v for v in LISTED if v.photos and v.mileage_km >= 1000)
    page.goto(f"{site_url}stock/{slug(car.make)}/")
    built = page.eval_on_selector(f".cj-card:has(a[href$='vehicles/{car.stock_no}/'])", CARD_PARTS)
    # When the stock page's script draws the same car from stock.json and the page's <template>
    page.goto(f"{site_url}stock/?q={car.stock_no}")
    page.wait_for_selector("#stock-results[data-ready]")
    drawn = page.eval_on_selector("#stock-results .cj-card", CARD_PARTS)
    # Then both have the same markup, link, photo and words
    assert drawn == built
    assert any(href and href.endswith(f"/vehicles/{car.stock_no}/") for _, _, href, _, _ in drawn)
    assert any(src and src.endswith(".webp") for _, _, _, src, _ in drawn)
    # And the drawn card is one the live status can mark (its badges are in the template, hidden)
    assert page.get_attribute("#stock-results .cj-card", "data-stock-no") == car.stock_no
    assert page.locator("#stock-results .cj-card [data-show-when=sold]").is_hidden()
    assert page.errors == []


def test_stock_cards_write_numbers_in_the_page_language(page: Any, site_url: str) -> None:
    # Given the stock page in French, and a car with a mileage and a price in the thousands
    car = next(v for v in LISTED if v.mileage_km >= 1000 and v.price_usd >= 1000)
    in_language(page, f"{site_url}stock/", "fr")
    # When the script draws its card
    page.goto(f"{site_url}stock/?q={car.stock_no}")
    page.wait_for_selector("#stock-results[data-ready]")
    # Then the figures are grouped the French way
    facts = page.inner_text("#stock-results .cj-card__facts")
    assert facts == f"{car.registration_year} · {french(car.mileage_km)} km"
    assert page.inner_text("#stock-results .cj-card__price").endswith(f"US${french(car.price_usd)}")
    assert page.errors == []


def test_the_calculator_writes_money_in_the_page_language(page: Any, site_url: str) -> None:
    # Given a vehicle page in French
    car = next(v for v in LISTED if v.price_usd >= 1000)
    url = f"{site_url}vehicles/{car.stock_no}/"
    in_language(page, url, "fr")
    page.goto(url)
    page.wait_for_selector("#calculator:not([hidden])")
    # When the buyer chooses Kenya, Mombasa, CIF, and Kenyan shillings
    page.select_option("select[name=country]", "KE")
    page.select_option("select[name=port]", "KEMBA")
    page.check("input[name=incoterm][value=CIF]")
    page.select_option("select[name=currency]", "KES")
    # Then the Python quote's figures are written the French way, the shillings without decimals (the data's)
    expected = quote(car, CATALOGUE.shipping.port("KEMBA"), CATALOGUE.shipping.country("KE"), Incoterm.CIF)
    assert page.inner_text("[data-out=total]") == f"US${french(expected.total_usd)}"
    assert page.inner_text("[data-out=volume]") == f"{car.volume_m3:.3f}".replace(".", ",")
    assert re.fullmatch(rf"KES \d{{1,3}}({NARROW_SPACE}\d{{3}})+", page.inner_text("[data-out=converted]"))
    assert page.errors == []


def test_a_form_shows_the_page_words_for_an_api_error_never_the_api_message(page: Any, site_url: str) -> None:
    # Given the inquiry form, a guest, and an API that refuses with English messages of its own
    english = "Too Many Requests: slow down (the API's own words)"
    answer_api(page, "/me", HTTPStatus.UNAUTHORIZED, {"error": {"code": "not_signed_in", "message": "x", "fields": {}}})
    busy = {"error": {"code": "rate_limited", "message": english, "fields": {}}}
    answer_api(page, "/inquiries", HTTPStatus.TOO_MANY_REQUESTS, busy)
    page.goto(f"{site_url}ask/")
    page.wait_for_selector("html[data-forms-ready]", state="attached")
    page.fill("#ask-name", "Amani")
    page.fill("#ask-email", "amani@example.com")
    page.select_option("#ask-country", "KE")
    page.fill("#ask-message", "Is it still available?")
    # When the buyer sends it
    page.click("button[type=submit]")
    # Then the page says its own message for the status, and nowhere the API's
    own = page.text_content("[data-msg=busy]").strip()
    page.wait_for_selector(f"[data-say]:has-text('{own[:30]}')")
    assert english not in page.content()


def test_a_page_message_named_after_the_api_code_comes_first(page: Any, site_url: str) -> None:
    # Given an inquiry page with a message of its own for the API's "rate_limited" code
    def with_own_message(route: Any) -> None:
        answer = route.fetch()
        own = '<span hidden data-msg="rate_limited">Our inbox is full for the hour.</span></form>'
        route.fulfill(response=answer, body=answer.text().replace("</form>", own, 1))

    page.route(f"{site_url}ask/", with_own_message)
    answer_api(page, "/me", HTTPStatus.UNAUTHORIZED, {"error": {"code": "not_signed_in", "message": "x", "fields": {}}})
    busy = {"error": {"code": "rate_limited", "message": "Too Many Requests", "fields": {}}}
    answer_api(page, "/inquiries", HTTPStatus.TOO_MANY_REQUESTS, busy)
    page.goto(f"{site_url}ask/")
    page.wait_for_selector("html[data-forms-ready]", state="attached")
    for field, value in (("#ask-name", "Amani"), ("#ask-email", "a@example.com"), ("#ask-message", "Hello")):
        page.fill(field, value)
    page.select_option("#ask-country", "KE")
    # When the API answers with that code
    page.click("button[type=submit]")
    # Then that message is said
    page.wait_for_selector("[data-say]:has-text('Our inbox is full for the hour.')")


def test_a_field_the_api_refuses_gets_the_page_words_not_the_api_text(page: Any, site_url: str) -> None:
    # Given an API that refuses a field (the hidden stock number) with an English reason
    english = "Value error, no vehicle has this stock number"
    fields = {"stock_no": english}
    invalid = {"error": {"code": "invalid_fields", "message": "Some fields are not valid.", "fields": fields}}
    answer_api(page, "/me", HTTPStatus.UNAUTHORIZED, {"error": {"code": "not_signed_in", "message": "x", "fields": {}}})
    answer_api(page, "/inquiries", HTTPStatus.UNPROCESSABLE_ENTITY, invalid)
    page.goto(f"{site_url}ask/?stock_no=CJ00000")
    page.wait_for_selector("html[data-forms-ready]", state="attached")
    for field, value in (("#ask-name", "Amani"), ("#ask-email", "a@example.com"), ("#ask-message", "Hello")):
        page.fill(field, value)
    page.select_option("#ask-country", "KE")
    # When the buyer sends it
    page.click("button[type=submit]")
    # Then the field's note says the page's general words for a field, and the form says to correct it
    page.wait_for_selector("#ask-stock-no-error")
    assert page.text_content("#ask-stock-no-error") == page.text_content("[data-msg=invalid]")
    assert page.text_content("[data-say]") == page.text_content("[data-msg=fix]")
    assert english not in page.content()
