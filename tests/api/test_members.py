"""Membership: sign-up, sign-in by one-time link, sign-out, and the member's own data."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from http import HTTPStatus
from pathlib import Path
from typing import Any

import pytest

from carjunction.api import cookie
from tests.support.api import Api, confirm_sign_up, event, fixed_clock, link_token, make_api, member_body, unique_email

SignUp = Callable[..., tuple[str, dict[str, Any]]]


def link_mail(api: Api, token: str) -> Any:
    (mail,) = [e for e in api.outbox.sent() if token in e.body]
    return mail


def test_sign_up_sets_no_cookie_until_the_mailed_link_is_confirmed(api: Api) -> None:
    # Given a visitor who signs up
    body = member_body(updates_opt_in=True)
    response = api.call("register", event("POST", "/api/members", body))
    # Then they are told to check their mail, no session exists, and no member is stored yet
    assert response.status == HTTPStatus.ACCEPTED
    assert response.cookies == []
    assert [i for i in api.items() if i["sk"]["S"] in ("PROFILE", "EMAIL")] == []
    # When the owner of the address confirms the link
    confirmed = api.call("register", event("POST", "/api/session", {"token": link_token(api, body["email"])}))
    # Then the one cookie is set, with the promised flags and nothing personal inside
    assert confirmed.status == HTTPStatus.OK
    (set_cookie,) = confirmed.cookies
    assert set_cookie.startswith("member=v1.")
    for flag in ("HttpOnly", "Secure", "SameSite=Lax", "Path=/api", "Max-Age=31536000"):
        assert flag in set_cookie
    assert body["email"] not in set_cookie and body["name"].split()[0] not in set_cookie
    me = api.call("register", event("GET", "/api/me", cookie=confirmed.cookie()))
    assert me.status == HTTPStatus.OK
    # and the updates the confirmation mail named are on
    assert (me.body["port"], me.body["updates_opt_in"], me.body["updates_pending"]) == ("KEMBA", True, False)


def test_the_confirmation_mail_quotes_nothing_the_visitor_typed(api: Api) -> None:
    body = member_body(name="Win a FREE car at http://evil.example/claim")
    api.call("register", event("POST", "/api/members", body))
    (mail,) = api.outbox.sent()
    assert "evil.example" not in mail.subject + mail.body
    assert body["telephone"] not in mail.body


def test_new_pending_and_registered_addresses_get_the_same_answer(api: Api, signed_up: SignUp) -> None:
    # Given a member, an address with a sign-up pending, and a new address
    _, member = signed_up()
    pending = member_body()
    api.call("register", event("POST", "/api/members", pending))
    answers = [
        api.call("register", event("POST", "/api/members", member_body(email=email)))
        for email in (member["email"].upper(), pending["email"], unique_email())
    ]
    # Then status, body, headers and cookies are the same for all three
    assert len({(a.status, str(a.body), str(sorted(a.headers.items())), str(a.cookies)) for a in answers}) == 1
    # and the member got a sign-in link, to the address as stored, not as typed
    (sign_in,) = [e for e in api.outbox.sent() if "sign in" in e.body]
    assert sign_in.to == member["email"]
    assert len([i for i in api.items() if i["sk"]["S"] == "PROFILE"]) == 1


def test_the_confirm_page_can_show_which_address_a_link_signs_into(api: Api) -> None:
    # Given a pending sign-up's link
    body = member_body()
    api.call("register", event("POST", "/api/members", body))
    token = link_token(api, body["email"])
    # When the page asks what the link does
    preview = api.call("register", event("POST", "/api/session/preview", {"token": token}))
    # Then it learns the address and the purpose, and the link still works once
    assert preview.status == HTTPStatus.OK
    assert preview.body == {"email": body["email"], "purpose": "sign-up"}
    assert api.call("register", event("POST", "/api/session", {"token": token})).status == HTTPStatus.OK
    used = api.call("register", event("POST", "/api/session/preview", {"token": token}))
    assert used.status == HTTPStatus.UNAUTHORIZED and used.body["error"]["code"] == "invalid_token"


def test_a_pending_sign_up_expires_after_48_hours(api: Api) -> None:
    body = member_body()
    api.call("register", event("POST", "/api/members", body))
    token = link_token(api, body["email"])
    (pending,) = [i for i in api.items() if i["pk"]["S"].startswith("TOKEN#")]
    deadline = int(pending["expires_at"]["N"])
    assert deadline - dt.datetime.now(dt.UTC).timestamp() == pytest.approx(48 * 3600, abs=60)
    api.deps.clock = fixed_clock(dt.datetime.now(dt.UTC) + dt.timedelta(hours=48, minutes=1))
    assert api.call("register", event("POST", "/api/session", {"token": token})).status == HTTPStatus.UNAUTHORIZED


@pytest.mark.parametrize(("field", "value"), [("country", "XX"), ("updates_opt_in", 0), ("updates_opt_in", "yes")])
def test_an_unknown_country_and_a_non_boolean_opt_in_are_refused(api: Api, field: str, value: Any) -> None:
    response = api.call("register", event("POST", "/api/members", member_body(**{field: value})))
    assert response.status == HTTPStatus.UNPROCESSABLE_ENTITY
    assert list(response.body["error"]["fields"]) == [field]


def test_an_unknown_port_is_refused_with_the_field_named(api: Api) -> None:
    response = api.call("register", event("POST", "/api/members", member_body(port="ZZZZZ")))
    assert response.status == HTTPStatus.UNPROCESSABLE_ENTITY
    assert list(response.body["error"]["fields"]) == ["port"]


def test_sign_in_by_link_works_once(api: Api, signed_up: SignUp) -> None:
    # Given a member on a new device asks for a link
    _, details = signed_up()
    asked = api.call("register", event("POST", "/api/session/link", {"email": details["email"]}))
    assert asked.status == HTTPStatus.ACCEPTED
    token = link_token(api, details["email"])
    assert link_mail(api, token).to == details["email"]
    # When the page posts the token
    signed_in = api.call("register", event("POST", "/api/session", {"token": token}))
    # Then they are signed in, and the token cannot be used again
    assert signed_in.status == HTTPStatus.OK
    me = api.call("register", event("GET", "/api/me", cookie=signed_in.cookie()))
    assert me.body["email"] == details["email"]
    again = api.call("register", event("POST", "/api/session", {"token": token}))
    assert again.status == HTTPStatus.UNAUTHORIZED
    assert again.body["error"]["code"] == "invalid_token"
    # and only a hash of the token was ever stored
    assert token not in str(api.items())


def test_a_link_for_an_unknown_address_answers_the_same_and_sends_nothing(api: Api) -> None:
    response = api.call("register", event("POST", "/api/session/link", {"email": "nobody@example.org"}))
    assert response.status == HTTPStatus.ACCEPTED
    assert api.outbox.sent() == []


def test_a_link_expires_after_15_minutes(api: Api, signed_up: SignUp) -> None:
    _, details = signed_up()
    api.call("register", event("POST", "/api/session/link", {"email": details["email"]}))
    token = link_token(api, details["email"])
    api.deps.clock = fixed_clock(dt.datetime.now(dt.UTC) + dt.timedelta(minutes=16))
    assert api.call("register", event("POST", "/api/session", {"token": token})).status == HTTPStatus.UNAUTHORIZED


def test_sign_out_makes_every_earlier_cookie_anonymous(api: Api, signed_up: SignUp) -> None:
    cookie_value, _ = signed_up()
    out = api.call("register", event("DELETE", "/api/session", cookie=cookie_value))
    assert out.status == HTTPStatus.NO_CONTENT
    assert any("Max-Age=0" in c for c in out.cookies)
    # Replaying the old cookie after sign-out
    assert api.call("register", event("GET", "/api/me", cookie=cookie_value)).status == HTTPStatus.UNAUTHORIZED


def test_tampered_and_too_old_cookies_are_anonymous_never_an_error(api: Api, signed_up: SignUp) -> None:
    cookie_value, _ = signed_up()
    name, token = cookie_value.split("=", 1)
    parts = token.split(".")
    other_member = ".".join([parts[0], "someoneelse", *parts[2:]])
    secret = api.deps.secret()
    old = cookie.issue(secret, parts[1], 0, int(dt.datetime.now(dt.UTC).timestamp()) - cookie.MAX_AGE_SECONDS - 1)
    for bad in (other_member, token[:-2] + "AA", "garbage", "", old):
        response = api.call("register", event("GET", "/api/me", cookie=f"{name}={bad}"))
        assert response.status == HTTPStatus.UNAUTHORIZED, bad
        assert response.body["error"]["code"] == "not_signed_in"


def test_a_member_corrects_their_details(api: Api, signed_up: SignUp) -> None:
    cookie_value, _ = signed_up()
    response = api.call("register", event("PATCH", "/api/me", {"port": "TZDAR", "country": "TZ"}, cookie=cookie_value))
    assert response.status == HTTPStatus.OK
    assert (response.body["port"], response.body["country"]) == ("TZDAR", "TZ")
    bad = api.call("register", event("PATCH", "/api/me", {"port": "XXXXX"}, cookie=cookie_value))
    assert bad.status == HTTPStatus.UNPROCESSABLE_ENTITY
    assert api.call("register", event("PATCH", "/api/me", {"name": "X"})).status == HTTPStatus.UNAUTHORIZED


def test_export_holds_everything_and_erase_removes_the_personal_data(api: Api, signed_up: SignUp) -> None:
    # Given a member with an inquiry
    cookie_value, details = signed_up()
    inquiry = {"name": "A", "email": details["email"], "country": "KE", "message": "Hello"}
    assert api.call("inquiry", event("POST", "/api/inquiries", inquiry, cookie=cookie_value)).status == 201
    # When they export, then erase
    export = api.call("register", event("GET", "/api/me/export", cookie=cookie_value))
    assert export.status == HTTPStatus.OK
    assert export.body["member"]["email"] == details["email"]
    assert len(export.body["inquiries"]) == 1
    erased = api.call("register", event("DELETE", "/api/me", cookie=cookie_value))
    # Then nothing with their e-mail or telephone remains, and the cookie no longer works
    assert erased.status == HTTPStatus.NO_CONTENT
    stored = str(api.items())
    assert details["email"] not in stored and details["telephone"] not in stored
    assert api.call("register", event("GET", "/api/me", cookie=cookie_value)).status == HTTPStatus.UNAUTHORIZED
    # and the address can sign up afresh
    again = confirm_sign_up(api, member_body(email=details["email"]))
    assert api.call("register", event("GET", "/api/me", cookie=again)).status == HTTPStatus.OK


def test_the_local_stack_setting_drops_secure_only(aws: None, tmp_path: Path) -> None:
    local = make_api(tmp_path, cookie_secure=False)
    body = member_body()
    local.call("register", event("POST", "/api/members", body))
    response = local.call("register", event("POST", "/api/session", {"token": link_token(local, body["email"])}))
    (set_cookie,) = response.cookies
    assert "Secure" not in set_cookie
    assert "HttpOnly" in set_cookie and "SameSite=Lax" in set_cookie
