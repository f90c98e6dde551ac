"""Membership: sign-up, sign-in by one-time link, sign-out, and the member's own data."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from http import HTTPStatus
from pathlib import Path
from typing import Any

from carjunction.api import cookie
from tests.api.conftest import Api, event, fixed_clock, make_api, member_body

SignUp = Callable[..., tuple[str, dict[str, Any]]]


def link_token(api: Api, to: str) -> str:
    (mail,) = [e for e in api.outbox.sent() if e.to.lower() == to.lower() and "sign-in" in e.body]
    match = re.search(r"/members/sign-in/#token=([A-Za-z0-9_-]+)", mail.body)
    assert match is not None
    return match.group(1)


def test_sign_up_sets_the_one_cookie_with_the_promised_flags(api: Api) -> None:
    body = member_body(updates_opt_in=True)
    response = api.call("register", event("POST", "/api/members", body))
    assert response.status == HTTPStatus.ACCEPTED
    (set_cookie,) = response.cookies
    assert set_cookie.startswith("member=v1.")
    for flag in ("HttpOnly", "Secure", "SameSite=Lax", "Path=/api", "Max-Age=31536000"):
        assert flag in set_cookie
    # Nothing personal inside the cookie
    assert body["email"] not in set_cookie and body["name"].split()[0] not in set_cookie
    me = api.call("register", event("GET", "/api/me", cookie=response.cookie()))
    assert me.status == HTTPStatus.OK
    assert me.body["port"] == "KEMBA" and me.body["updates_opt_in"] is True


def test_an_address_already_registered_gets_a_link_and_the_same_answer(api: Api, signed_up: SignUp) -> None:
    # Given a member
    _, first = signed_up()
    # When someone signs up again with the same address (in other case)
    again = api.call("register", event("POST", "/api/members", member_body(email=first["email"].upper())))
    fresh = api.call("register", event("POST", "/api/members", member_body()))
    # Then the answer looks the same as a fresh sign-up, the cookie is anonymous, and a link is mailed
    assert (again.status, again.body) == (fresh.status, fresh.body)
    assert len(again.cookies) == len(fresh.cookies) == 1
    assert api.call("register", event("GET", "/api/me", cookie=again.cookie())).status == HTTPStatus.UNAUTHORIZED
    assert link_token(api, first["email"].upper())
    assert len([i for i in api.items() if i["sk"]["S"] == "PROFILE"]) == 2


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
    again = api.call("register", event("POST", "/api/members", member_body(email=details["email"])))
    assert api.call("register", event("GET", "/api/me", cookie=again.cookie())).status == HTTPStatus.OK


def test_the_local_stack_setting_drops_secure_only(aws: None, tmp_path: Path) -> None:
    local = make_api(tmp_path, cookie_secure=False)
    response = local.call("register", event("POST", "/api/members", member_body()))
    (set_cookie,) = response.cookies
    assert "Secure" not in set_cookie
    assert "HttpOnly" in set_cookie and "SameSite=Lax" in set_cookie
