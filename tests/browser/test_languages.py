"""The six languages in Chromium: switching language keeps the page and the stock filters, and a French buyer goes
from the stock search to the invoice in French, with the mails in French too.

Fields are found by their ids and names, never by their words, since the words are the catalogues'; the English
left on a page is found the way tests/site/test_languages.py finds it (tests/support/language_words.py).
"""

from __future__ import annotations

import json
import re
from typing import Any

import pytest

from carjunction.catalogue import Status, load_catalogue
from tests.support.browser import ROOT, LocalStack, Visitor, mail_link, unique_email
from tests.support.language_words import english_left, languages

pytestmark = pytest.mark.browser
# Cars no other browser test orders or reserves (test_forms, test_journey, test_membership take theirs).
FRENCH_BUYERS_CAR = "CJ26012"


def language_menu_pick(page: Any, code: str) -> None:
    page.locator(".cj-lang summary").click()
    with page.expect_navigation():
        page.locator(f"a[data-lang-link][hreflang={code}]").click()
    page.wait_for_load_state()


def in_french(page: Any) -> None:
    """The page says it is French, and none of the site's English sentences that French translates is on it."""
    assert page.evaluate("document.documentElement.lang") == "fr", page.url
    left = english_left(page.evaluate("document.body.innerText"), "fr")
    assert left == [], f"{page.url}: {left[:5]}"


def test_switching_language_keeps_the_stock_filters(page: Any, site_url: str) -> None:
    # Given the stock page filtered by a make and a body type
    page.goto(site_url + "stock/")
    page.wait_for_selector("#stock-results li")
    make = page.locator("select[name=make] option[value]:not([value=''])").first.get_attribute("value")
    page.locator("#stock-filters-toggle").click()  # a phone: the filters are a panel behind this button
    page.locator("select[name=make]").select_option(make)
    page.wait_for_url(re.compile(r"[?&]make="))
    query = page.evaluate("location.search")
    count = page.locator("#stock-count").text_content()
    cards = page.locator("#stock-results li").count()
    # When the buyer picks Français in the language menu
    language_menu_pick(page, "fr")
    # Then they are on the French stock page with the same filters and the same cars, in French words
    assert page.evaluate("location.pathname") == "/fr/stock/"
    assert page.evaluate("location.search") == query
    assert page.evaluate("document.documentElement.lang") == "fr"
    assert page.locator("select[name=make]").input_value() == make
    page.wait_for_selector("#stock-results li")
    assert page.locator("#stock-results li").count() == cards
    french_count = page.locator("#stock-count").text_content()
    assert french_count != count and re.sub(r"\D", "", french_count or "") == re.sub(r"\D", "", count or "")
    assert english_left(page.evaluate("document.body.innerText"), "fr") == []


def test_switching_language_on_a_vehicle_page_keeps_the_vehicle(page: Any, site_url: str) -> None:
    car = next(v for v in load_catalogue(ROOT / "content").vehicles if v.status == Status.AVAILABLE)
    page.goto(site_url + f"vehicles/{car.stock_no}/")
    language_menu_pick(page, "sw")
    assert page.evaluate("location.pathname") == f"/sw/vehicles/{car.stock_no}/"
    assert page.evaluate("document.documentElement.lang") == "sw"
    assert page.locator("h1").text_content() != ""
    # And back to English, the same car again
    language_menu_pick(page, "en")
    assert page.evaluate("location.pathname") == f"/vehicles/{car.stock_no}/"


def outbox_mails(stack: LocalStack, email: str) -> list[dict[str, Any]]:
    mails = [json.loads(path.read_text(encoding="utf-8")) for path in sorted(stack.outbox.glob("*.json"))]
    return [mail for mail in mails if mail["to"] == email]


def french_mail(mail: dict[str, Any]) -> None:
    """A mail to a French buyer: French words (the catalogue's translation of its own subject), French links."""
    text = mail["subject"] + "\n" + mail["body"]
    links = re.findall(r"https?://\S+", mail["body"])
    assert all("/fr/" in link for link in links if "/api/" not in link), links
    assert re.search(r"\b(vous|votre|membre|commande)\b", text, re.IGNORECASE), text
    assert english_left(text, "fr") == [], text


def test_a_french_buyer_orders_in_french_from_search_to_invoice(visitor_factory: Any, stack: LocalStack) -> None:
    buyer: Visitor = visitor_factory()
    email = unique_email()
    assert languages()["fr"].gettext("How to buy") != "How to buy"  # the French catalogue is in place

    # Given the French stock page, When the buyer searches the car's stock number
    stock = buyer.page("/fr/stock/")
    in_french(stock)
    stock.locator("input[name=q]").fill(FRENCH_BUYERS_CAR)
    stock.wait_for_selector(f"#stock-results li:only-child a[href$='vehicles/{FRENCH_BUYERS_CAR}/']")
    # Then its card leads to the French vehicle page
    with stock.expect_navigation():
        stock.locator("#stock-results a").first.click()
    vehicle = stock
    assert vehicle.evaluate("location.pathname") == f"/fr/vehicles/{FRENCH_BUYERS_CAR}/"
    in_french(vehicle)

    # When they press the order button, Then the French order page asks a guest to become a member
    with vehicle.expect_navigation():
        vehicle.locator("a[data-order-link]").click()
    vehicle.wait_for_selector("html[data-forms-ready]", state="attached")
    assert vehicle.evaluate("location.pathname") == "/fr/order/"
    in_french(vehicle)

    # When they join on the French page (its language select offers French first for a French page)
    join = buyer.page("/fr/members/join/")
    in_french(join)
    join.locator("#join-name").fill("Jean-Pierre Acheteur")
    join.locator("#join-telephone").fill("+243 81 234 5678")
    join.locator("#join-email").fill(email)
    join.locator("#join-country").select_option("TZ")
    join.locator("#join-port").select_option(index=1)
    language = join.locator("select[name=language]")
    if language.count():
        assert language.input_value() == "fr"
    join.locator("form[data-cj=signup] button[type=submit]").click()
    join.locator("[data-say]").filter(has_text=email).wait_for()
    in_french(join)

    # Then the mailed link leads to the French confirmation page, and confirming opens the French account
    link = mail_link(stack.outbox, email, "/fr/members/sign-in/")
    confirm = buyer.page(link.removeprefix(stack.origin))
    confirm.locator("[data-show=preview-sign-up]").wait_for()
    in_french(confirm)
    confirm.locator("[data-show=preview-sign-up] button[type=submit]").click()
    confirm.wait_for_url("**/fr/members/account/")
    confirm.wait_for_selector("html[data-forms-ready]", state="attached")
    in_french(confirm)

    # When they order the car on the French order page
    order = buyer.page(f"/fr/order/?stock_no={FRENCH_BUYERS_CAR}")
    order.locator("#order-country").select_option("TZ")
    order.locator("#order-port").select_option(index=1)
    order.wait_for_selector('[data-field="quote.total_usd"]:not(:empty)')
    order.locator("#order-consignee-name").fill("Jean-Pierre Acheteur")
    order.locator("#order-consignee-address").fill("B.P. 1, Dar es Salaam")
    in_french(order)
    order.locator("form[data-cj=order] button[type=submit]").click()
    # Then the French invoice opens, and every page of the way was in French
    order.wait_for_url("**/fr/order/invoice/?order=*")
    order.locator("[data-show=invoice]").wait_for()
    in_french(order)

    # And every mail the buyer got is in French, with links to the French pages
    mails = outbox_mails(stack, email)
    assert len(mails) >= 2, [m["subject"] for m in mails]
    assert any("/fr/members/sign-in/" in mail["body"] for mail in mails)
    for mail in mails:
        french_mail(mail)
