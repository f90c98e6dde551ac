"""An attacker's view of membership (issue 13): each test is one way one visitor tried to abuse the API."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Callable
from http import HTTPStatus
from typing import Any

import pytest

from carjunction.api import cookie
from carjunction.api.logic.limit_rate import client_network
from carjunction.api.logic.release_lapsed import release_lapsed
from carjunction.api.logic.update_mail import update_mail
from carjunction.api.store import members
from carjunction.api.store.db import to_item
from tests.support.api import (
    Api,
    event,
    fail_operation,
    fixed_clock,
    heal,
    link_token,
    member_body,
    order_body,
    random_address,
    unique_email,
)

SignUp = Callable[..., tuple[str, dict[str, Any]]]


def order(api: Api, cookie_value: str, stock_no: str, **changes: Any) -> Any:
    return api.call("order", event("POST", "/api/orders", order_body(stock_no, **changes), cookie=cookie_value))


# --- 1. one account holding the stock ----------------------------------------------------------------------
def test_a_member_holds_at_most_the_cap_and_a_lapsed_reservation_gives_a_slot_back(api: Api, signed_up: SignUp) -> None:
    # Given a member who holds the cap's worth of cars
    cookie_value, _ = signed_up()
    cars = [api.add_vehicle() for _ in range(3)]
    assert [order(api, cookie_value, car.stock_no).status for car in cars[:2]] == [HTTPStatus.CREATED] * 2
    # When they order one more
    over = order(api, cookie_value, cars[2].stock_no)
    # Then it is refused with the cap's own code, and the car stays free
    assert over.status == HTTPStatus.CONFLICT and over.body["error"]["code"] == "reservation_limit"
    assert "reserved_by" not in str(
        api.deps.db.client.get_item(
            TableName=api.deps.db.table, Key={"pk": {"S": f"VEHICLE#{cars[2].stock_no}"}, "sk": {"S": "VEHICLE"}}
        )["Item"]
    )
    # and once their reservations lapse unpaid, they may reserve again
    later = dt.datetime.now(dt.UTC) + dt.timedelta(days=api.deps.settings.reservation_days, minutes=1)
    assert len(release_lapsed(api.deps.db, later)) == 2
    assert order(api, cookie_value, cars[2].stock_no).status == HTTPStatus.CREATED


def test_orders_are_rate_limited_per_member(api: Api, signed_up: SignUp) -> None:
    cookie_value, _ = signed_up()
    car = api.add_vehicle(status="sold")
    answers = [order(api, cookie_value, car.stock_no).status for _ in range(api.deps.settings.orders_per_hour + 1)]
    assert answers[-1] == HTTPStatus.TOO_MANY_REQUESTS
    assert set(answers[:-1]) == {HTTPStatus.CONFLICT}


def test_a_retry_with_a_new_key_after_a_lost_answer_gets_the_buyer_s_own_order(api: Api, signed_up: SignUp) -> None:
    # Given a member whose order went through, but whose page never saw the answer and dropped its key
    cookie_value, _ = signed_up()
    car = api.add_vehicle()
    first = order(api, cookie_value, car.stock_no)
    # When the page tries again with a new key
    retry = order(api, cookie_value, car.stock_no)
    # Then the buyer gets their own order, not a 409, and nothing new is reserved or mailed
    assert (first.status, retry.status) == (HTTPStatus.CREATED, HTTPStatus.OK)
    assert retry.body["order_no"] == first.body["order_no"]
    assert len([i for i in api.items() if i["sk"]["S"].startswith("ORDER#")]) == 1
    assert len([m for m in api.outbox.sent() if first.body["order_no"] in m.subject]) == 2  # staff + buyer, once


def test_a_failing_mail_service_never_decides_an_order(api: Api, signed_up: SignUp) -> None:
    class BrokenMailer:
        def send(self, email: object) -> None:
            raise TimeoutError("SES read timeout")

    cookie_value, _ = signed_up()
    car = api.add_vehicle()
    api.deps.mailer = BrokenMailer()
    placed = order(api, cookie_value, car.stock_no)
    assert placed.status == HTTPStatus.CREATED
    assert api.call("order", event("GET", f"/api/orders/{placed.body['order_no']}", cookie=cookie_value)).status == 200


# --- 2. pre-hijack -----------------------------------------------------------------------------------------
def test_a_sign_up_for_someone_else_s_address_gives_the_attacker_nothing(api: Api) -> None:
    # Given an attacker who signs up the victim's address
    victim = unique_email()
    attack = api.call("register", event("POST", "/api/members", member_body(email=victim, name="Attacker")))
    # Then they get no cookie and no member exists; only the victim's mailbox holds the link
    assert attack.cookies == []
    assert [i for i in api.items() if i["sk"]["S"] == "PROFILE"] == []
    assert {m.to for m in api.outbox.sent()} == {victim}


def legacy_member(api: Api, member_id: str, email: str) -> None:
    """A member as sign-up stored one before links were needed: no ``confirmed``, epoch 0."""
    profile = {
        "pk": f"MEMBER#{member_id}",
        "sk": "PROFILE",
        "member_id": member_id,
        "email_key": email,
        "email": email,
        "name": "Attacker",
        "telephone": "+254 700 000000",
        "country": "KE",
        "port": "KEMBA",
        "updates_opt_in": False,
        "created_at": "2026-01-01T00:00:00Z",
        "session_epoch": 0,
    }
    claim = {"pk": f"EMAIL#{email}", "sk": "EMAIL", "member_id": member_id}
    for item in (profile, claim):
        api.deps.db.client.put_item(TableName=api.deps.db.table, Item=to_item(item))


def test_a_cookie_of_a_member_registered_before_links_dies_at_the_owner_s_first_sign_in(api: Api) -> None:
    # Given an account an attacker registered under the victim's address before sign-up needed a link,
    # and the attacker's cookie for it
    victim, member_id = unique_email(), uuid.uuid4().hex[:16]
    legacy_member(api, member_id, victim)
    stolen = "member=" + cookie.issue(api.deps.secret(), member_id, 0, int(dt.datetime.now(dt.UTC).timestamp()))
    # Then the unproven account is anonymous to the attacker's cookie already
    assert api.call("order", event("GET", "/api/orders", cookie=stolen)).status == HTTPStatus.UNAUTHORIZED
    # When the owner signs in with a link
    api.call("register", event("POST", "/api/session/link", {"email": victim}))
    signed = api.call("register", event("POST", "/api/session", {"token": link_token(api, victim)}))
    assert signed.status == HTTPStatus.OK
    # Then the owner's session works, and the attacker's cookie never will: the epoch moved on
    assert api.call("register", event("GET", "/api/me", cookie=signed.cookie())).status == HTTPStatus.OK
    for path in ("/api/me", "/api/me/export"):
        assert api.call("register", event("GET", path, cookie=stolen)).status == HTTPStatus.UNAUTHORIZED
    assert api.call("order", event("GET", "/api/orders", cookie=stolen)).status == HTTPStatus.UNAUTHORIZED


# --- 3. enumeration ----------------------------------------------------------------------------------------
def test_a_sign_in_request_answers_the_same_for_members_and_strangers(api: Api, signed_up: SignUp) -> None:
    _, member = signed_up()
    answers = [
        api.call("register", event("POST", "/api/session/link", {"email": email}))
        for email in (member["email"], unique_email())
    ]
    assert len({(a.status, str(a.body), str(sorted(a.headers.items())), str(a.cookies)) for a in answers}) == 1


# --- 4. IPv6 ----------------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("address", "counted_as"),
    [
        ("2001:db8:1:2:aaaa::1", "2001:db8:1:2::/64"),
        ("[2001:db8:1:2:ffff:ffff:ffff:ffff]", "2001:db8:1:2::/64"),
        ("::ffff:198.51.100.7", "198.51.100.7"),
        ("198.51.100.7", "198.51.100.7"),
    ],
)
def test_an_ipv6_visitor_is_counted_by_its_64(address: str, counted_as: str) -> None:
    assert client_network(address) == counted_as


def test_one_ipv6_64_cannot_sign_up_without_limit(api: Api) -> None:
    # Given sign-ups from a thousand different addresses of one /64
    limit = api.deps.settings.sign_ups_per_hour
    answers = [
        api.call("register", event("POST", "/api/members", member_body(), source_ip=f"2001:db8:7:7::{n:x}")).status
        for n in range(1, limit + 2)
    ]
    # Then the /64 is one visitor: over the limit it is refused, while another /64 is not
    assert answers[:limit] == [HTTPStatus.ACCEPTED] * limit
    assert answers[limit] == HTTPStatus.TOO_MANY_REQUESTS
    other = api.call("register", event("POST", "/api/members", member_body(), source_ip="2001:db8:7:8::1"))
    assert other.status == HTTPStatus.ACCEPTED


# --- 5. mail to anyone -------------------------------------------------------------------------------------
def test_one_address_cannot_be_flooded_with_links_from_many_networks(api: Api) -> None:
    target = unique_email()
    limit = api.deps.settings.mails_per_address_per_hour
    answers = [
        api.call("register", event("POST", "/api/members", member_body(email=target), source_ip=random_address()))
        for _ in range(limit + 1)
    ]
    assert [a.status for a in answers[:limit]] == [HTTPStatus.ACCEPTED] * limit
    assert answers[limit].status == HTTPStatus.TOO_MANY_REQUESTS
    assert len(api.outbox.sent()) == limit


def test_a_member_s_inquiry_receipt_goes_to_the_stored_address_and_quotes_nothing_typed(
    api: Api, signed_up: SignUp
) -> None:
    cookie_value, member = signed_up()
    typed = {
        "name": "Win a FREE car at http://evil.example/claim",
        "email": unique_email(),
        "country": "KE",
        "message": "Visit http://evil.example/claim now",
    }
    assert api.call("inquiry", event("POST", "/api/inquiries", typed, cookie=cookie_value)).status == 201
    receipts = [m for m in api.outbox.sent() if m.to != api.deps.settings.staff_email and "inquiry" in m.subject]
    assert [m.to for m in receipts] == [member["email"]]
    assert "evil.example" not in receipts[0].subject + receipts[0].body


def test_updates_need_a_second_confirmation_and_stop_in_one_click(api: Api, signed_up: SignUp) -> None:
    # Given a member without updates who ticks the box
    cookie_value, member = signed_up(updates_opt_in=False)
    asked = api.call("register", event("PATCH", "/api/me", {"updates_opt_in": True}, cookie=cookie_value))
    # Then updates are pending, not on, until the link mailed to them is confirmed
    assert (asked.body["updates_opt_in"], asked.body["updates_pending"]) == (False, True)
    token = link_token(api, member["email"], "/members/updates/")
    assert api.call("register", event("POST", "/api/updates", {"token": token})).status == HTTPStatus.OK
    me = api.call("register", event("GET", "/api/me", cookie=cookie_value)).body
    assert (me["updates_opt_in"], me["updates_pending"]) == (True, False)
    # When an update mail is made for them, it carries RFC 8058's one-click headers
    stored = members.get_member(api.deps.db, me["member_id"])
    assert stored is not None
    mail = update_mail(api.deps, stored, "site_update", subject="New stock", text="Twenty vans arrived.")
    assert mail.headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    url = mail.headers["List-Unsubscribe"].strip("<>")
    assert url.startswith(f"{api.deps.settings.site_origin}/api/unsubscribe?token=")
    # and the mail client's POST, without a cookie, stops them
    one_click = event(
        "POST",
        "/api/unsubscribe",
        raw_body="List-Unsubscribe=One-Click",
        headers={"content-type": "application/x-www-form-urlencoded"},
        query={"token": url.split("token=", 1)[1]},
    )
    one_click["headers"].pop("origin")
    answer = api.call("register", one_click)
    assert answer.status == HTTPStatus.OK, answer.body
    assert api.call("register", event("GET", "/api/me", cookie=cookie_value)).body["updates_opt_in"] is False
    # and a forged token changes nothing
    forged = event("POST", "/api/unsubscribe", {}, query={"token": "u1." + me["member_id"] + "." + "A" * 43})
    assert api.call("register", forged).status == HTTPStatus.UNAUTHORIZED


# --- 6. erasure and export ---------------------------------------------------------------------------------
def test_export_and_erasure_include_inquiries_sent_before_sign_up(api: Api) -> None:
    # Given inquiries sent as a guest, then a sign-up with the same address (in other case)
    email = unique_email()
    for text in ("first question", "second question"):
        guest = {"name": "Amani", "email": email.upper(), "country": "KE", "message": text}
        assert api.call("inquiry", event("POST", "/api/inquiries", guest, source_ip=random_address())).status == 201
    body = member_body(email=email)
    api.call("register", event("POST", "/api/members", body))
    cookie_value = api.call("register", event("POST", "/api/session", {"token": link_token(api, email)})).cookie()
    # When the member exports, then erases
    export = api.call("register", event("GET", "/api/me/export", cookie=cookie_value)).body
    assert sorted(i["message"] for i in export["inquiries"]) == ["first question", "second question"]
    assert api.call("register", event("DELETE", "/api/me", cookie=cookie_value)).status == HTTPStatus.NO_CONTENT
    # Then no inquiry of theirs is left
    assert [i for i in api.items() if i["sk"]["S"].startswith("INQUIRY#")] == []


def test_an_erasure_that_fails_half_way_is_finished_by_a_retry(api: Api, signed_up: SignUp) -> None:
    # Given a member with an inquiry, and a table that fails the erasure's last step
    cookie_value, member = signed_up()
    inquiry = {"name": "A", "email": member["email"], "country": "KE", "message": "Hello"}
    api.call("inquiry", event("POST", "/api/inquiries", inquiry, cookie=cookie_value))
    fail_operation(api, "TransactWriteItems", "ThrottlingException")
    # When they erase, it fails with a clear 503, and they are still signed in to try again
    assert api.call("register", event("DELETE", "/api/me", cookie=cookie_value)).status == 503
    assert api.call("register", event("GET", "/api/me", cookie=cookie_value)).status == HTTPStatus.OK
    # Then the retry finishes the job
    heal(api, "TransactWriteItems")
    assert api.call("register", event("DELETE", "/api/me", cookie=cookie_value)).status == HTTPStatus.NO_CONTENT
    assert member["email"] not in str(api.items())


# --- 8, 9. injection and the address links go to ------------------------------------------------------------
@pytest.mark.parametrize("field", ["name", "telephone"])
def test_a_newline_cannot_forge_lines_in_staff_mails(api: Api, field: str) -> None:
    body = member_body(**{field: "Amani\nE-mail: attacker@example.org"})
    response = api.call("register", event("POST", "/api/members", body))
    assert response.status == HTTPStatus.UNPROCESSABLE_ENTITY
    assert list(response.body["error"]["fields"]) == [field]


def test_control_characters_are_refused_but_the_message_keeps_its_lines(api: Api) -> None:
    base = {"name": "Amani", "email": unique_email(), "country": "KE", "message": "Line one\r\nLine two"}
    assert api.call("inquiry", event("POST", "/api/inquiries", base)).status == HTTPStatus.CREATED
    for field, value in (("name", "A\u0000B"), ("name", "A\u2028B"), ("message", "bell\u0007")):
        bad = api.call("inquiry", event("POST", "/api/inquiries", {**base, field: value}, source_ip=random_address()))
        assert bad.status == HTTPStatus.UNPROCESSABLE_ENTITY, (field, value)


def test_a_sign_in_link_goes_to_the_address_as_stored(api: Api, signed_up: SignUp) -> None:
    _, member = signed_up()
    api.call("register", event("POST", "/api/session/link", {"email": member["email"].upper()}))
    (mail,) = [m for m in api.outbox.sent() if "Your sign-in link" in m.subject]
    assert mail.to == member["email"]


# --- 11. sessions -----------------------------------------------------------------------------------------
def test_a_key_rotation_signs_nobody_out_and_the_retired_key_stops_working(api: Api, signed_up: SignUp) -> None:
    # Given a member signed in under the old key
    cookie_value, _ = signed_up()
    old = api.deps.secret()
    # When staff add a new key in front of it (the documented second step of a rotation)
    api.deps.secret = lambda: b"new-key-" + uuid.uuid4().hex.encode() + b" " + old
    # Then the old session still works, and new sessions are signed with the new key
    assert api.call("register", event("GET", "/api/me", cookie=cookie_value)).status == HTTPStatus.OK
    # and when the old key is retired, the old session ends (anonymous, never an error)
    api.deps.secret = lambda: b"new-key-only"
    assert api.call("register", event("GET", "/api/me", cookie=cookie_value)).status == HTTPStatus.UNAUTHORIZED


def test_two_member_cookies_mean_anonymous(api: Api, signed_up: SignUp) -> None:
    mine, _ = signed_up()
    planted, _ = signed_up()
    request = event("GET", "/api/me")
    request["cookies"] = [planted, mine]
    assert api.call("register", request).status == HTTPStatus.UNAUTHORIZED


def test_a_link_s_clock_is_checked_even_before_the_table_s_ttl_runs(api: Api) -> None:
    body = member_body()
    api.call("register", event("POST", "/api/members", body))
    token = link_token(api, body["email"])
    api.deps.clock = fixed_clock(dt.datetime.now(dt.UTC) + dt.timedelta(days=3))
    assert api.call("register", event("POST", "/api/session/preview", {"token": token})).status == 401


def test_a_link_that_could_not_be_sent_is_a_clear_503_and_asking_again_works(api: Api) -> None:
    # Given a mail service that is down
    class BrokenMailer:
        def send(self, email: object) -> None:
            raise ConnectionError("queue unreachable")

    working = api.deps.mailer
    api.deps.mailer = BrokenMailer()
    body = member_body()
    # When a visitor signs up, they are told the link is not on its way (never a false "check your e-mail")
    failed = api.call("register", event("POST", "/api/members", body))
    assert failed.status == HTTPStatus.SERVICE_UNAVAILABLE and failed.body["error"]["code"] == "unavailable"
    assert failed.headers["retry-after"]
    # and once it is back, asking again sends a link that works
    api.deps.mailer = working
    assert api.call("register", event("POST", "/api/members", body)).status == HTTPStatus.ACCEPTED
    assert api.call("register", event("POST", "/api/session", {"token": link_token(api, body["email"])})).status == 200


def test_a_write_from_another_site_is_refused_before_its_body_is_looked_at(api: Api) -> None:
    # Given requests from another site whose bodies would each get another answer (422, 415, 400)
    elsewhere = {"origin": "https://evil.example"}
    requests = [
        event("POST", "/api/members", {"name": 1}, headers=elsewhere),
        event("POST", "/api/inquiries", raw_body="{}", headers={**elsewhere, "content-type": "text/plain"}),
        event("POST", "/api/session", raw_body="{not json", headers=elsewhere),
    ]
    # Then every one is refused as coming from elsewhere, and nothing about the route is told
    for request in requests:
        function = "inquiry" if request["rawPath"] == "/api/inquiries" else "register"
        answer = api.call(function, request)
        assert (answer.status, answer.body["error"]["code"]) == (HTTPStatus.FORBIDDEN, "bad_origin")
