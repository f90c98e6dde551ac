"""The member's language: chosen at sign-up, kept on the member, changed in My account; every mail to a buyer is in
the buyer's language with links to the pages in it, and staff mails stay English and name that language."""

from __future__ import annotations

from collections.abc import Callable
from http import HTTPStatus
from typing import Any

import pytest

from carjunction.api.languages import Language
from carjunction.api.logic.update_mail import update_mail
from carjunction.api.mail import Email
from carjunction.api.store import members
from tests.support.api import SITE, Api, assert_error, event, inquiry, link_token, member_body, order_body

SignUp = Callable[..., tuple[str, dict[str, Any]]]


def mails_to(api: Api, to: str) -> list[Email]:
    return [e for e in api.outbox.sent() if e.to.lower() == to.lower()]


def me(api: Api, cookie: str) -> dict[str, Any]:
    answer = api.call("register", event("GET", "/api/me", cookie=cookie))
    assert answer.status == HTTPStatus.OK, answer.body
    return dict(answer.body)


def test_a_french_member_gets_the_sign_up_sign_in_and_order_mails_in_french(api: Api, signed_up: SignUp) -> None:
    # Given a buyer who signs up on the French page
    cookie, body = signed_up(language="fr")
    (sign_up,) = mails_to(api, body["email"])
    # Then the confirmation mail is French and its link opens the French page
    assert sign_up.subject.startswith("Confirmez votre adhésion")
    assert "ouvrez ce lien" in sign_up.body
    assert f"{SITE}/fr/members/sign-in/#token=" in sign_up.body
    # and the member's language is French
    assert me(api, cookie)["language"] == "fr"

    # When they ask for a sign-in link on another device
    asked = api.call("register", event("POST", "/api/session/link", {"email": body["email"]}))
    assert asked.status == HTTPStatus.ACCEPTED
    sign_in = mails_to(api, body["email"])[-1]
    # Then it is French too, to the French page, and the link works
    assert sign_in.subject.startswith("Votre lien de connexion")
    assert "« Se connecter »" in sign_in.body
    token = link_token(api, body["email"], "/fr/members/sign-in/")
    assert api.call("register", event("POST", "/api/session", {"token": token})).status == HTTPStatus.OK

    # When they order a car
    vehicle = api.add_vehicle(price_usd=7350)
    placed = api.call("order", event("POST", "/api/orders", order_body(vehicle.stock_no), cookie=cookie))
    assert placed.status == HTTPStatus.CREATED, placed.body
    order = placed.body
    receipt = mails_to(api, body["email"])[-1]
    # Then the receipt is French; the order number, code, terms and amount's digits are as they are
    assert receipt.subject == f"Votre commande {order['order_no']} est réservée"
    assert "facture proforma" in receipt.body and "un faux" in receipt.body
    assert order["invoice"]["verification_code"] in receipt.body
    assert f"CIF KEMBA : USD {order['quote']['total_usd']}." in receipt.body
    # And the staff's mail is English and names the buyer's language
    (staff,) = [e for e in api.outbox.sent() if e.to == api.deps.settings.staff_email and e.kind == "order_staff"]
    assert staff.subject.startswith("New order")
    assert "Language:    French (fr)" in staff.body


def test_an_inquiry_from_a_swahili_page_gets_a_swahili_receipt_and_staff_read_english(
    api: Api, signed_up: SignUp
) -> None:
    # Given a member whose own language is English, reading the Swahili site
    cookie, body = signed_up()
    # When they send an inquiry from a Swahili page
    sent = api.call("inquiry", event("POST", "/api/inquiries", inquiry(language="sw"), cookie=cookie))
    assert sent.status == HTTPStatus.CREATED, sent.body
    reference = sent.body["reference"]
    # Then their receipt is in Swahili, with the reference as it is
    receipt = mails_to(api, body["email"])[-1]
    assert receipt.kind == "inquiry_receipt"
    assert receipt.subject == f"Tumepokea swali lako ({reference})"
    assert "tutakujibu ndani ya saa" in receipt.body
    # And staff get English, with the buyer's language named
    (staff,) = [e for e in api.outbox.sent() if e.to == api.deps.settings.staff_email]
    assert staff.subject == f"New inquiry {reference}"
    assert "Language:  Swahili (sw)" in staff.body
    # And the inquiry keeps its language, which the member's export shows
    exported = api.call("register", event("GET", "/api/me/export", cookie=cookie)).body
    assert [(i["reference"], i["language"]) for i in exported["inquiries"]] == [(reference, "sw")]


def test_a_guest_inquiry_without_a_language_is_english(api: Api) -> None:
    # Given an old page that sends no language
    sent = api.call("inquiry", event("POST", "/api/inquiries", inquiry()))
    assert sent.status == HTTPStatus.CREATED
    (staff,) = api.outbox.sent()
    assert "Language:  English (en)" in staff.body


def test_a_member_changes_their_language_in_my_account(api: Api, signed_up: SignUp) -> None:
    # Given a member who signed up without choosing (an old form): English
    cookie, body = signed_up()
    assert me(api, cookie)["language"] == "en"
    # When they choose Russian and ask for updates
    patched = api.call("register", event("PATCH", "/api/me", {"language": "ru", "updates_opt_in": True}, cookie=cookie))
    # Then the answer and the record say Russian
    assert patched.status == HTTPStatus.OK, patched.body
    assert patched.body["language"] == "ru"
    assert me(api, cookie)["language"] == "ru"
    # and the mail confirming the updates is Russian, to the Russian page
    confirm = mails_to(api, body["email"])[-1]
    assert confirm.kind == "updates_confirm"
    assert confirm.subject.startswith("Подтвердите подписку")
    assert f"{SITE}/ru/members/updates/#token=" in confirm.body
    # And an update mail's own words are Russian, while what staff wrote stays as they wrote it
    token = link_token(api, body["email"], "/ru/members/updates/")
    assert api.call("register", event("POST", "/api/updates", {"token": token})).status == HTTPStatus.OK
    member = members.get_member(api.deps.db, me(api, cookie)["member_id"])
    assert member is not None
    update = update_mail(api.deps, member, "site_update", subject="New stock: 20 vans", text="Twenty vans arrived.")
    assert update.subject == "New stock: 20 vans"
    assert "Twenty vans arrived." in update.body and "Чтобы отказаться" in update.body
    assert f"{SITE}/ru/members/unsubscribe/#token=" in update.body
    assert update.headers["List-Unsubscribe"].startswith(f"<{SITE}/api/unsubscribe?token=")


def test_an_existing_member_signing_up_again_gets_a_sign_in_link_in_their_own_language(
    api: Api, signed_up: SignUp
) -> None:
    # Given a Portuguese member, and someone who signs their address up again from the Spanish page
    _, body = signed_up(language="pt")
    again = api.call("register", event("POST", "/api/members", {**body, "language": "es", "name": "Someone Else"}))
    assert again.status == HTTPStatus.ACCEPTED
    # Then the member gets a sign-in link in their own language, not the form's
    link = mails_to(api, body["email"])[-1]
    assert link.kind == "sign_in_link"
    assert link.subject.startswith("O seu link para entrar")
    assert "/pt/members/sign-in/#token=" in link.body


@pytest.mark.parametrize(
    "value", ["de", "FR", "en-US", "fr\n", "", "français", "<b>fr</b>", 7, ["fr"], {"S": "fr"}, None]
)
def test_an_unknown_language_is_refused_naming_the_field(api: Api, signed_up: SignUp, value: Any) -> None:
    cookie, _ = signed_up()
    before = len(api.items())
    requests = [
        ("register", event("POST", "/api/members", member_body(language=value))),
        ("register", event("PATCH", "/api/me", {"language": value}, cookie=cookie)),
        ("inquiry", event("POST", "/api/inquiries", inquiry(language=value))),
    ]
    for function, request in requests:
        if value is None and request["requestContext"]["http"]["method"] == "PATCH":
            continue  # null in a correction means "leave it as it is"
        # When a request names a language that is not one of the six
        answer = api.call(function, request)
        # Then it is a 422 in the one error shape, naming the field, and nothing is stored or sent
        assert_error(answer, HTTPStatus.UNPROCESSABLE_ENTITY, "invalid_fields")
        assert "language" in answer.body["error"]["fields"], answer.body
    assert len(api.items()) == before
    assert me(api, cookie)["language"] == "en"


def test_a_record_from_before_languages_or_with_a_stray_value_reads_as_english(api: Api, signed_up: SignUp) -> None:
    # Given members stored without a language, and with one that is not a language (written by hand, say)
    for stored in (None, "klingon"):
        cookie, body = signed_up()
        member_id = me(api, cookie)["member_id"]
        key = {"pk": {"S": f"MEMBER#{member_id}"}, "sk": {"S": "PROFILE"}}
        if stored is None:
            api.deps.db.client.update_item(
                TableName=api.deps.db.table,
                Key=key,
                UpdateExpression="REMOVE #l",
                ExpressionAttributeNames={"#l": "language"},
            )
        else:
            members.update_member(api.deps.db, member_id, {"language": stored})
        # Then GET /api/me answers English (never a 500), and their mails are English
        assert me(api, cookie)["language"] == "en"
        api.call("register", event("POST", "/api/session/link", {"email": body["email"]}))
        link = mails_to(api, body["email"])[-1]
        assert link.subject.startswith("Your sign-in link")
        assert f"{SITE}/members/sign-in/#token=" in link.body


def test_a_member_record_holds_the_language_and_erasure_removes_it(api: Api, signed_up: SignUp) -> None:
    # Given a Spanish member
    cookie, _ = signed_up(language="es")
    member_id = me(api, cookie)["member_id"]
    (profile,) = [i for i in api.items() if i["pk"]["S"] == f"MEMBER#{member_id}" and i["sk"]["S"] == "PROFILE"]
    assert profile["language"] == {"S": "es"}
    # When they export and then erase their membership
    exported = api.call("register", event("GET", "/api/me/export", cookie=cookie)).body
    assert exported["member"]["language"] == "es"
    assert api.call("register", event("DELETE", "/api/me", cookie=cookie)).status == HTTPStatus.NO_CONTENT
    # Then no record of theirs is left
    assert [i for i in api.items() if i["pk"]["S"] == f"MEMBER#{member_id}"] == []


def test_a_pending_sign_up_keeps_its_language_until_confirmed(api: Api) -> None:
    # Given a sign-up from the Russian page, not yet confirmed
    body = member_body(language="ru")
    assert api.call("register", event("POST", "/api/members", body)).status == HTTPStatus.ACCEPTED
    (pending,) = [i for i in api.items() if i["sk"]["S"] == "TOKEN"]
    assert pending["details"]["M"]["language"] == {"S": "ru"}
    # When the link is confirmed, Then the member is Russian
    token = link_token(api, body["email"], "/ru/members/sign-in/")
    confirmed = api.call("register", event("POST", "/api/session", {"token": token}))
    assert me(api, confirmed.cookie())["language"] == Language.RU
