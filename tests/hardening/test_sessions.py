"""Sessions over HTTP through the local stack, for what tests/api does not already cover: a cookie signed
with another key, a cross-origin write carrying a real member's cookie, and one member asking for another's
order by its number. (Tampered, too old, after sign-out and sign-in links are in tests/api/test_members.py.)"""

from __future__ import annotations

import secrets
import time
import uuid
from http import HTTPStatus
from typing import Any

import pytest

from carjunction.api.cookie import issue
from tests.support.hardening import Api


def member_id_of(api: Api, cookie: str) -> str:
    me = api.call("GET", "/api/me", cookie=cookie)
    assert me.status == HTTPStatus.OK
    return str(me.body["member_id"])


def test_a_cookie_signed_with_another_key_is_anonymous(api: Api) -> None:
    # Given a real member id, and a cookie for it signed with a key that is not the site's
    cookie, _ = api.sign_up()
    forged = issue(secrets.token_bytes(32), member_id_of(api, cookie), epoch=0, now=int(time.time()))
    # When it is used, then the visitor is anonymous (401 on member routes), never that member
    for path in ("/api/me", "/api/orders", "/api/me/export"):
        answer = api.call("GET", path, cookie=f"member={forged}")
        assert answer.status == HTTPStatus.UNAUTHORIZED, path
        assert "@" not in answer.raw.decode()


@pytest.mark.parametrize(
    ("method", "path", "body"),
    [
        ("PATCH", "/api/me", {"name": "Changed By Evil"}),
        ("DELETE", "/api/me", None),
        ("DELETE", "/api/session", None),
        ("POST", "/api/orders", {"stock_no": "CJ26046", "port": "KEMBA", "incoterm": "CIF"}),
    ],
)
def test_a_write_from_another_site_is_refused_and_changes_nothing(
    api: Api, method: str, path: str, body: dict[str, str] | None
) -> None:
    # Given a signed-in member whose browser is made to send a request from another site
    cookie, member = api.sign_up()
    sent: dict[str, Any] = dict(body or {})
    if path == "/api/orders":
        sent |= {"consignee": {"name": "Evil", "address": "Nowhere"}, "idempotency_key": uuid.uuid4().hex}
    # When it arrives with the other site's Origin
    answer = api.call(method, path, sent or None, cookie=cookie, headers={"Origin": "https://evil.example"})
    # Then it is refused, and the member, their session and the car are as they were
    assert answer.status == HTTPStatus.FORBIDDEN
    assert answer.body["error"]["code"] == "bad_origin"
    me = api.call("GET", "/api/me", cookie=cookie)
    assert me.status == HTTPStatus.OK
    assert me.body["name"] == member["name"]
    assert api.call("GET", "/api/orders", cookie=cookie).body["orders"] == []


def test_one_member_can_never_read_another_s_order(api: Api) -> None:
    # Given Alice's order
    alice, _ = api.sign_up()
    body = {
        "stock_no": "CJ26044",
        "port": "KEMBA",
        "incoterm": "CIF",
        "consignee": {"name": "Alice Imports", "address": "1 Alice Road"},
        "idempotency_key": uuid.uuid4().hex,
    }
    placed = api.call("POST", "/api/orders", body, cookie=alice)
    assert placed.status == HTTPStatus.CREATED
    order_no = placed.body["order_no"]
    # When Bob (or an anonymous visitor) asks for it by number, then it does not exist for them
    bob, _ = api.sign_up()
    assert api.call("GET", f"/api/orders/{order_no}", cookie=bob).status == HTTPStatus.NOT_FOUND
    assert api.call("GET", f"/api/orders/{order_no}").status == HTTPStatus.UNAUTHORIZED
    assert order_no not in api.call("GET", "/api/orders", cookie=bob).raw.decode()
    # And Alice herself reads it
    assert api.call("GET", f"/api/orders/{order_no}", cookie=alice).body["order_no"] == order_no
