"""Sign-in by link, field errors, ordering safely (double click, retry with the same key), live status, favourites."""

from __future__ import annotations

import json
from http import HTTPStatus
from typing import Any

import pytest

from tests.support.browser import LocalStack, Visitor, reserved_at_the_edge, sign_up, unique_email

pytestmark = pytest.mark.browser


def choose_port_and_address(page: Any) -> None:
    page.get_by_label("Port of discharge", exact=True).select_option("KEMBA")
    page.wait_for_selector('[data-field="quote.total_usd"]:not(:empty)')  # a selector: the CSP forbids eval
    page.get_by_label("Address", exact=True).first.fill("P.O. Box 9, Mombasa")


def orders_of(visitor: Visitor, stack: LocalStack) -> list[dict[str, Any]]:
    answer = visitor.context.request.get(f"{stack.origin}/api/orders")
    assert answer.status == HTTPStatus.OK
    orders: list[dict[str, Any]] = answer.json()["orders"]
    return orders


def test_sign_in_link_shows_its_address_and_waits_for_the_button(visitor_factory: Any, stack: LocalStack) -> None:
    # Given a member who signed up on another device
    email = unique_email()
    sign_up(visitor_factory(), email)
    device: Visitor = visitor_factory()

    # When they ask for a link on this device and open it
    page = device.page("/members/sign-in/")
    page.get_by_label("E-mail", exact=True).fill(email)
    page.get_by_role("button", name="E-mail me a sign-in link").click()
    page.locator("[data-say]", has_text="Check your mail").wait_for()
    link = stack.sign_in_link(email)
    opened = device.page(link.removeprefix(stack.origin))

    # Then the page says which address the link signs into, before anything is pressed (login CSRF by link)
    assert opened.get_by_text("This link signs you in as").text_content() == f"This link signs you in as {email}."
    assert opened.locator("[data-show=preview-sign-in] strong").text_content() == email
    # And nothing is posted to sign in until they press the button (mail scanners open links too)
    assert device.posts("/api/session/preview") == [{"token": link.split("#token=")[1]}]
    assert device.posts("/api/session") == []
    assert device.context.cookies() == []
    opened.get_by_role("button", name="Sign in").click()
    opened.wait_for_url("**/members/account/")
    opened.wait_for_selector("html[data-forms-ready]", state="attached")
    assert opened.get_by_label("Name", exact=True).input_value() == "Amani Buyer"

    # And the used link does not work twice: the page says so at once, with no button to press
    reused = device.page(link.removeprefix(stack.origin))
    reused.locator("[data-say]", has_text="already used or is too old").wait_for()
    assert reused.get_by_role("button", name="Sign in").count() == 0
    assert "#token=" not in reused.url

    # When they sign out, then the API no longer knows them
    account = device.page("/members/account/")
    account.get_by_role("button", name="Sign out").click()
    account.locator("[data-say]", has_text="You are signed out").wait_for()
    assert device.context.request.get(f"{stack.origin}/api/me").status == HTTPStatus.UNAUTHORIZED


def test_field_errors_are_shown_next_to_their_fields(visitor_factory: Any) -> None:
    page = visitor_factory().page("/members/join/")
    # Given a sign-up with a bad telephone number and nothing else
    page.get_by_label("Contact number", exact=True).fill("call me")
    page.get_by_role("button", name="Become a member").click()
    # Then each field says what is wrong, is marked invalid, and the first one has the focus
    name = page.get_by_label("Your name", exact=True)
    assert name.get_attribute("aria-invalid") == "true"
    assert page.evaluate("document.activeElement.id") == "join-name"
    described = page.get_by_label("Contact number", exact=True).get_attribute("aria-describedby") or ""
    assert "with the country code" in (page.locator(f"#{described.split()[-1]}").text_content() or "")

    # Given values the browser accepts but the API refuses (an e-mail without a dot in its domain)
    name.fill("Amani")
    page.get_by_label("Contact number", exact=True).fill("+254 712 345678")
    page.get_by_label("E-mail", exact=True).fill("amani@localhost")
    page.get_by_label("Country", exact=True).select_option("KE")
    page.get_by_label("Port of discharge", exact=True).select_option("KEMBA")
    page.get_by_role("button", name="Become a member").click()
    # Then the API's 422 names the field, and the page shows its own words next to it
    email = page.get_by_label("E-mail", exact=True)
    page.wait_for_selector('#join-email[aria-invalid="true"]')
    assert page.evaluate("document.activeElement.id") == "join-email"
    assert name.get_attribute("aria-invalid") is None
    assert "name@example.com" in (page.locator("#join-email-error").text_content() or "")
    assert email.get_attribute("aria-describedby") == "join-email-error"


def test_double_click_on_confirm_places_one_order(visitor_factory: Any, stack: LocalStack) -> None:
    buyer: Visitor = visitor_factory()
    sign_up(buyer, unique_email())
    page = buyer.page("/order/?stock_no=CJ26003")
    choose_port_and_address(page)

    page.get_by_role("button", name="Confirm the order").dblclick()

    page.wait_for_url("**/order/invoice/?order=*")
    assert len(buyer.posts("/api/orders")) == 1
    assert [o["stock_no"] for o in orders_of(buyer, stack)] == ["CJ26003"]


def test_a_503_is_retried_with_the_same_key(visitor_factory: Any, stack: LocalStack) -> None:
    buyer: Visitor = visitor_factory()
    sign_up(buyer, unique_email())
    page = buyer.page("/order/?stock_no=CJ26004")
    choose_port_and_address(page)
    failures = {"left": 2}

    def busy_then_through(route: Any) -> None:
        # Given a service that is busy twice (503, as DynamoDB throttling gives) and then answers
        if route.request.method == "POST" and failures["left"] > 0:
            failures["left"] -= 1
            body = {"error": {"code": "unavailable", "message": "busy", "fields": {}}}
            route.fulfill(status=503, content_type="application/json", body=json.dumps(body))
        else:
            route.continue_()

    page.route("**/api/orders", busy_then_through)
    page.get_by_role("button", name="Confirm the order").click()
    page.locator("[data-say]", has_text="Still trying").wait_for()

    page.wait_for_url("**/order/invoice/?order=*")
    keys = {body["idempotency_key"] for body in buyer.posts("/api/orders")}
    assert len(buyer.posts("/api/orders")) == 3
    assert len(keys) == 1
    assert [o["stock_no"] for o in orders_of(buyer, stack)] == ["CJ26004"]


@pytest.mark.parametrize(
    ("car", "lost"),
    [
        ("CJ26005", "connection reset"),
        ("CJ26031", HTTPStatus.INTERNAL_SERVER_ERROR),
        ("CJ26032", HTTPStatus.GATEWAY_TIMEOUT),
    ],
)
def test_an_answer_lost_then_a_second_press_uses_the_same_key(
    visitor_factory: Any, stack: LocalStack, car: str, lost: str | HTTPStatus
) -> None:
    buyer: Visitor = visitor_factory()
    sign_up(buyer, unique_email())
    page = buyer.page(f"/order/?stock_no={car}")
    page.evaluate("document.querySelector('form[data-cj=order]').dataset.retries = '0'")
    choose_port_and_address(page)
    # Given the first request reaches the API (the car is reserved) but its answer is lost on the way back:
    # the connection drops, or a proxy answers with a 5xx instead (a Lambda timed out after the reservation)
    first = {"once": True}

    def lose_answer(route: Any) -> None:
        if first["once"]:
            first["once"] = False
            route.fetch()  # the order is placed...
            if isinstance(lost, HTTPStatus):  # ...and the buyer hears a 5xx, or nothing
                body = {"error": {"code": "internal_error", "message": "failed", "fields": {}}}
                route.fulfill(status=lost, content_type="application/json", body=json.dumps(body))
            else:
                route.abort("connectionreset")
        else:
            route.continue_()

    page.route("**/api/orders", lose_answer)
    page.get_by_role("button", name="Confirm the order").click()
    page.locator("[data-say]", has_text='"Confirm the order" again').wait_for()

    # When they press again, then the same key returns the same order, not a 409 for their own car
    page.get_by_role("button", name="Confirm the order").click()
    page.wait_for_url("**/order/invoice/?order=*")
    keys = [body["idempotency_key"] for body in buyer.posts("/api/orders")]
    assert len(keys) == 2
    assert keys[0] == keys[1]
    assert [o["stock_no"] for o in orders_of(buyer, stack)] == [car]


def test_a_car_the_member_already_holds_opens_its_invoice(visitor_factory: Any, stack: LocalStack) -> None:
    # Given a member with the order page of one car open in two tabs
    buyer: Visitor = visitor_factory()
    sign_up(buyer, unique_email())
    first, second = buyer.page("/order/?stock_no=CJ26033"), buyer.page("/order/?stock_no=CJ26033")
    for tab in (first, second):
        choose_port_and_address(tab)
    # When they order it in the first tab, then again in the second (a new attempt, with a key of its own)
    first.get_by_role("button", name="Confirm the order").click()
    first.wait_for_url("**/order/invoice/?order=*")
    second.get_by_role("button", name="Confirm the order").click()
    # Then the second tab opens the same order's invoice (200), not "someone else reserved this car" (409)
    second.wait_for_url("**/order/invoice/?order=*")
    assert second.url == first.url
    assert len({body["idempotency_key"] for body in buyer.posts("/api/orders")}) == 2
    assert [o["stock_no"] for o in orders_of(buyer, stack)] == ["CJ26033"]


def test_sold_car_cannot_be_ordered_and_favourites_stay_on_the_device(visitor_factory: Any) -> None:
    buyer: Visitor = visitor_factory()
    sign_up(buyer, unique_email())
    # Given a car staff marked sold
    page = buyer.page("/order/?stock_no=CJ26030")
    # Then the page says so and ordering is disabled
    assert page.locator("[data-show-when=sold]").is_visible()
    assert page.locator("[data-say]", has_text="This car is sold").is_visible()
    assert page.get_by_role("button", name="Confirm the order").is_disabled()

    # When the buyer keeps another car as a favourite
    other = buyer.page("/order/?stock_no=CJ26006")
    other.get_by_role("button", name="Favourite").click()
    assert other.get_by_role("button", name="Favourite").get_attribute("aria-pressed") == "true"

    # Then the favourites page lists it, and both cars as recently viewed, from localStorage
    listing = buyer.page("/favourites/")
    assert listing.locator("[data-list=favourites] [data-field=stock_no]").all_text_contents() == ["CJ26006"]
    assert listing.locator("[data-list=recent] [data-field=stock_no]").all_text_contents() == ["CJ26006", "CJ26030"]
    stored = listing.evaluate("JSON.parse(localStorage.getItem('cj.favourites'))")
    assert [car["stock_no"] for car in stored] == ["CJ26006"]


def test_vehicle_page_marks_a_car_reserved_after_an_order(visitor_factory: Any) -> None:
    # Given a car that a member has just ordered
    buyer: Visitor = visitor_factory()
    sign_up(buyer, unique_email())
    page = buyer.page("/order/?stock_no=CJ26007")
    choose_port_and_address(page)
    page.get_by_role("button", name="Confirm the order").click()
    page.wait_for_url("**/order/invoice/?order=*")

    # And the edge's copy of /api/stock/status has caught up: CloudFront (and the local edge) keep it for its
    # max-age, so another buyer may see the car free for up to that long
    reserved_at_the_edge(buyer.origin, "CJ26007")

    # When another buyer opens the car's page (the site's vehicle template carries data-stock-no)
    vehicle = visitor_factory().page("/vehicles/CJ26007/")

    # Then the live status marks it reserved, from one request to /api/stock/status
    assert vehicle.locator("[data-stock-no=CJ26007]").get_attribute("data-live") == "reserved"
    assert vehicle.locator("[data-show-when=reserved]").is_visible()
    order_link = vehicle.locator("a[data-order-link]")
    assert order_link.get_attribute("aria-disabled") == "true"
    assert order_link.get_attribute("href") is None
    # And the stock list marks its card reserved too
    stock = visitor_factory().page("/stock/?q=CJ26007")
    card = stock.locator("#stock-results [data-stock-no=CJ26007]")
    card.locator("[data-show-when=reserved]").wait_for(state="visible")
    assert card.get_attribute("data-live") == "reserved"
    other = visitor_factory()
    other.page("/vehicles/CJ26008/")
    assert [url for method, url, _ in other.requests if "/api/" in url] == [f"{other.origin}/api/stock/status"]
    free = other.context.pages[0]
    assert free.locator("[data-stock-no=CJ26008]").get_attribute("data-live") is None
    # And a free car's buttons lead to the order and inquiry forms for that car
    free.get_by_role("link", name="Order this car").click()
    free.wait_for_url("**/order/?stock_no=CJ26008")
    free.go_back()
    free.get_by_role("link", name="Ask about this car").click()
    free.wait_for_url("**/ask/?stock_no=CJ26008")


MARKUP = '<img src=x onerror="window.__pwned=1"><script>window.__pwned=1</script>'


def test_markup_a_buyer_types_comes_back_as_text_on_the_invoice_and_account_pages(visitor_factory: Any) -> None:
    # Given a member whose name, and whose order's consignee, are HTML with script in them
    buyer: Visitor = visitor_factory()
    sign_up(buyer, unique_email(), name=f"Eve {MARKUP}")
    page = buyer.page("/order/?stock_no=CJ26040")
    choose_port_and_address(page)
    page.locator("#order-consignee-name").fill(f"Con {MARKUP}")
    page.locator("#order-consignee-address").fill(MARKUP)
    # When the order is placed and its invoice, then the account page, are shown
    page.get_by_role("button", name="Confirm the order").click()
    page.wait_for_url("**/order/invoice/?order=*")
    page.wait_for_selector("html[data-forms-ready]", state="attached")
    account = buyer.page("/members/account/")
    # Then the markup is shown as the characters typed, never run or parsed into elements
    for shown in (page, account):
        assert shown.evaluate("window.__pwned") is None
        assert shown.locator("img[src=x]").count() == 0
        assert shown.evaluate("[...document.scripts].some((s) => s.text.includes('__pwned'))") is False
    assert MARKUP in page.locator("main").inner_text()
    account.wait_for_selector("html[data-forms-ready]", state="attached")
    assert account.locator("#me-name").input_value() == f"Eve {MARKUP}"
