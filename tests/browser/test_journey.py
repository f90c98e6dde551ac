"""The buyer's whole journey on the local stack, in headless Chromium."""

from __future__ import annotations

import json
import re
from http import HTTPStatus
from pathlib import Path
from typing import Any

import pytest
import yaml

from tests.support.browser import ROOT, LocalStack, Visitor, join, reserved_at_the_edge, sign_up, unique_email

pytestmark = pytest.mark.browser
COMPANY = yaml.safe_load((ROOT / "content" / "company.yaml").read_text(encoding="utf-8"))
ORDER_NO = re.compile(r"^CJ-[0-9A-Z]{8}$")


def fill_order(page: Any, address: str = "P.O. Box 1, Mombasa") -> None:
    page.get_by_label("Port of discharge", exact=True).select_option("KEMBA")
    page.wait_for_selector('[data-field="quote.total_usd"]:not(:empty)')  # a selector: the CSP forbids eval
    page.get_by_label("Address", exact=True).first.fill(address)


def test_whole_journey(visitor_factory: Any, stack: LocalStack, tmp_path: Path) -> None:
    buyer: Visitor = visitor_factory()
    email = unique_email()
    car = "CJ26002"

    # Given a guest, when they ask about a car, then they get a reference number.
    ask = buyer.page(f"/ask/?stock_no={car}")
    assert ask.get_by_text(f"About the car with stock number {car}").is_visible()
    ask.get_by_label("Your name", exact=True).fill("Guest Buyer")
    ask.get_by_label("E-mail", exact=True).fill(email)
    ask.get_by_label("Your country", exact=True).select_option("TZ")
    ask.get_by_label("Your question", exact=True).fill("Is the timing belt changed?")
    ask.get_by_role("button", name="Send my question").click()
    ask.locator("[data-say]", has_text=re.compile(r"Your question is number Q-")).wait_for()
    reference = (ask.locator("[data-say]").first.text_content() or "").split("number ")[1].split(";")[0]
    assert buyer.posts("/api/inquiries")[0]["stock_no"] == car

    # When they become a member, then the page asks them to confirm by e-mail, and no session exists yet.
    joined = join(buyer, email, name="Amani Member")
    said = joined.locator("[data-say]").first.text_content()
    assert said == f"Check your e-mail: we sent a link to {email} to confirm your membership. It works for 48 hours."
    assert "/members/join/" in joined.url
    assert buyer.context.cookies() == []
    assert joined.evaluate("fetch('/api/me').then((answer) => answer.status)") == HTTPStatus.UNAUTHORIZED
    # When they open the link from the mail, then the page shows the address it confirms, and waits for a press.
    link = stack.sign_in_link(email)
    confirm = buyer.page(link.removeprefix(stack.origin))
    shown = confirm.locator("[data-show=preview-sign-up]")
    assert shown.is_visible()
    assert shown.locator("strong").text_content() == email
    assert "confirms the membership of" in (shown.text_content() or "")
    assert buyer.context.cookies() == []
    # When they press confirm, then the one cookie is set with its flags, and the account shows their details.
    confirm.get_by_role("button", name="Confirm my membership").click()
    confirm.wait_for_url("**/members/account/")
    assert "#token=" not in confirm.url
    account = confirm
    account.wait_for_selector("html[data-forms-ready]", state="attached")
    assert account.get_by_label("Name", exact=True).input_value() == "Amani Member"
    assert account.get_by_label("Port of discharge", exact=True).input_value() == "KEMBA"
    (cookie,) = buyer.context.cookies()
    assert (cookie["name"], cookie["httpOnly"], cookie["sameSite"], cookie["path"]) == ("member", True, "Lax", "/api")

    # When they ask again, then their details are filled in from GET /api/me.
    ask = buyer.page("/ask/")
    assert ask.get_by_label("Your name", exact=True).input_value() == "Amani Member"
    assert ask.get_by_label("E-mail", exact=True).input_value() == email
    assert ask.get_by_label("Your country", exact=True).input_value() == "KE"

    # Given a second buyer looking at the same car at the same time
    rival: Visitor = visitor_factory()
    sign_up(rival, unique_email(), name="Rival Buyer")
    rival_page = rival.page(f"/order/?stock_no={car}")
    fill_order(rival_page, "P.O. Box 2, Mombasa")

    # When the first buyer orders, then the car is reserved and the invoice opens.
    order = buyer.page(f"/order/?stock_no={car}")
    fill_order(order)
    total = order.locator('[data-field="quote.total_usd"]').first.text_content()
    order.get_by_role("button", name="Confirm the order").click()
    order.wait_for_url("**/order/invoice/?order=*")
    invoice = order.locator("[data-show=invoice]")
    invoice.wait_for()
    order_no = order.locator('[data-field="order_no"]').text_content() or ""
    code = order.locator('[data-field="invoice.verification_code"]').text_content() or ""
    assert ORDER_NO.match(order_no)
    assert order.locator('[data-field="invoice.amount_usd"]').text_content() == total
    assert order.locator('[data-field="invoice.bank.account_no"]').text_content() == COMPANY["bank"]["account_no"]
    assert order.locator("[data-history] [data-field=status]").all_text_contents() == ["Reserved for you"]
    # And printed, the invoice keeps its content and drops the site's chrome and the print button
    order.emulate_media(media="print")
    assert order.locator("[data-field='invoice.verification_code']").is_visible()
    assert not order.locator(".md-header").is_visible()
    assert not order.locator("[data-print]").is_visible()
    order.emulate_media(media="screen")

    # When anyone checks the invoice's code, then it is genuine, with the order and the bank account.
    check = rival.page("/invoices/check/")
    check.get_by_label("Verification code", exact=True).fill(code)
    check.get_by_role("button", name="Check").click()
    check.locator("[data-show=genuine]").wait_for()
    assert check.locator("[data-show=genuine] [data-field=order_no]").text_content() == order_no
    assert (
        check.locator("[data-show=genuine] [data-field='bank.account_no']").text_content()
        == COMPANY["bank"]["account_no"]
    )

    # When the rival confirms the same car, then they are told it was just reserved by someone else.
    rival_page.get_by_role("button", name="Confirm the order").click()
    rival_page.locator("[data-say]", has_text="someone else reserved this car").wait_for()
    assert rival_page.get_by_role("button", name="Confirm the order").is_disabled()
    # And on another device (the status is cached for seconds), the page says it is reserved; ordering is disabled.
    reserved_at_the_edge(buyer.origin, car)
    again = visitor_factory().page(f"/order/?stock_no={car}")
    assert again.locator("[data-say]", has_text="reserved by another buyer").is_visible()
    assert again.locator("form[data-cj=order] button[type=submit]").is_disabled()

    # When the buyer downloads their data, then it holds their details and their order.
    account = buyer.page("/members/account/")
    account.locator(".cj-order").first.wait_for()
    assert account.locator(".cj-order [data-field=order_no]").text_content() == order_no
    with account.expect_download() as download_info:
        account.get_by_role("button", name="Download my data").click()
    saved = tmp_path / "export.json"
    download_info.value.save_as(saved)
    exported = json.loads(saved.read_text(encoding="utf-8"))
    assert exported["member"]["email"] == email
    assert [o["order_no"] for o in exported["orders"]] == [order_no]
    # And the question they sent as a guest from the same address, before they were a member
    assert [i["reference"] for i in exported["inquiries"]] == [reference]

    # When they erase their membership (after confirming), then they are signed out.
    account.get_by_role("button", name="Erase my membership").click()
    assert (
        account.get_by_label("Yes, erase my membership and my details", exact=True).get_attribute("aria-invalid")
        == "true"
    )
    account.get_by_label("Yes, erase my membership and my details", exact=True).check()
    account.get_by_role("button", name="Erase my membership").click()
    account.locator("[data-say]", has_text="Your membership is erased and you are signed out.").wait_for()
    assert buyer.context.cookies() == []
    assert buyer.context.request.get(f"{stack.origin}/api/me").status == HTTPStatus.UNAUTHORIZED
    assert buyer.page("/members/account/").get_by_text("You are not signed in on this device").is_visible()
