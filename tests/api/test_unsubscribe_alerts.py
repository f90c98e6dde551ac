"""One-click unsubscribe without a cookie: a u1 link stops every update mail, an a1 link pauses the alerts it
names, of the member it names, and nothing else; forged or edited links are refused. Export lists the alerts and
erasure leaves no ALERT item behind."""

from __future__ import annotations

from collections.abc import Callable
from http import HTTPStatus
from typing import Any

import pytest

from carjunction.api import cookie
from carjunction.api.store import alerts, members
from carjunction.api.store.db import key, to_item
from tests.support.api import Api, assert_error, event, fail_operation, heal, link_token

SignUp = Callable[..., tuple[str, dict[str, Any]]]
SECRET = b"k" * 32


def member_id_of(api: Api, cookie_value: str) -> str:
    return str(api.call("register", event("GET", "/api/me", cookie=cookie_value)).body["member_id"])


def saved_alert(api: Api, cookie_value: str, filters: dict[str, Any]) -> dict[str, Any]:
    answer = api.call("register", event("POST", "/api/me/alerts", {"filters": filters}, cookie=cookie_value))
    assert answer.status == HTTPStatus.CREATED, answer.body
    return dict(answer.body)


def one_click(api: Api, token: str) -> Any:
    """The mail client's RFC 8058 POST: a form body, no cookie, no Origin."""
    request = event(
        "POST",
        "/api/unsubscribe",
        raw_body="List-Unsubscribe=One-Click",
        headers={"content-type": "application/x-www-form-urlencoded"},
        query={"token": token},
    )
    request["headers"].pop("origin")
    return api.call("register", request)


def listed(api: Api, cookie_value: str) -> list[dict[str, Any]]:
    return list(api.call("register", event("GET", "/api/me/alerts", cookie=cookie_value)).body["alerts"])


# --- the tokens ------------------------------------------------------------------------------------------------
def test_an_alert_token_names_its_member_and_alerts_and_survives_a_key_rotation() -> None:
    token = cookie.alert_unsubscribe_token(SECRET, "m1", ["abcdefgh", "23456789"])
    assert token.startswith("a1.m1.abcdefgh-23456789.")
    assert cookie.alert_unsubscribe_claims(SECRET, token) == ("m1", ("abcdefgh", "23456789"))
    # After a rotation (new key first, old one kept), links already mailed still work
    assert cookie.alert_unsubscribe_claims(b"n" * 32 + b" " + SECRET, token) == ("m1", ("abcdefgh", "23456789"))
    # Once the old key is dropped, they do not
    assert cookie.alert_unsubscribe_claims(b"n" * 32, token) is None


def test_the_two_kinds_of_token_cannot_stand_in_for_each_other() -> None:
    updates = cookie.unsubscribe_token(SECRET, "m1")
    alert = cookie.alert_unsubscribe_token(SECRET, "m1", ["abcdefgh"])
    assert cookie.alert_unsubscribe_claims(SECRET, updates) is None
    assert cookie.unsubscribe_member(SECRET, alert) is None
    # nor can a u1 signature be moved onto an a1 payload
    signature = updates.rsplit(".", 1)[1]
    assert cookie.alert_unsubscribe_claims(SECRET, f"a1.m1.abcdefgh.{signature}") is None


@pytest.mark.parametrize(
    ("member_id", "alert_ids"),
    [
        ("m.1", ["abcdefgh"]),
        ("", ["abcdefgh"]),
        ("m1", []),
        ("m1", ["ABCDEFGH"]),
        ("m1", ["abcdefg"]),
        ("m1", ["abcdefgi"]),
        ("m1", ["abcdefgh"] * 6),
        ("m1", ["abcd-fgh"]),
    ],
)
def test_a_token_is_never_made_for_what_a_link_could_not_carry(member_id: str, alert_ids: list[str]) -> None:
    with pytest.raises(ValueError, match=r"never|alert ids"):
        cookie.alert_unsubscribe_token(SECRET, member_id, alert_ids)


# --- one click, no cookie ------------------------------------------------------------------------------------
def test_an_alert_link_pauses_the_alerts_it_names_without_signing_in(api: Api, signed_up: SignUp) -> None:
    # Given a member with three alerts, and a mail's link naming two of them
    cookie_value, _ = signed_up()
    first, second, third = (saved_alert(api, cookie_value, {"year_min": year}) for year in (2010, 2015, 2020))
    member_id = member_id_of(api, cookie_value)
    token = cookie.alert_unsubscribe_token(api.deps.secret(), member_id, [first["alert_id"], second["alert_id"]])
    # When the mail client posts it, without a cookie
    answer = one_click(api, token)
    # Then those two are paused, from the mail, and the third and the member's updates are as they were
    assert answer.status == HTTPStatus.OK, answer.body
    assert answer.body == {"status": "unsubscribed", "scope": "alerts"}
    paused = {a["alert_id"]: a["paused"] for a in listed(api, cookie_value)}
    assert paused == {first["alert_id"]: True, second["alert_id"]: True, third["alert_id"]: False}
    stored = alerts.get_alert(api.deps.db, member_id, first["alert_id"])
    assert stored is not None and stored["unsubscribed_at"]
    # And a second click is the same answer and keeps the first moment
    assert one_click(api, token).body == answer.body
    again = alerts.get_alert(api.deps.db, member_id, first["alert_id"])
    assert again is not None and again["unsubscribed_at"] == stored["unsubscribed_at"]
    # And the member resuming the alert forgets that the mail paused it
    resume = event("PATCH", f"/api/me/alerts/{first['alert_id']}", {"paused": False}, cookie=cookie_value)
    assert api.call("register", resume).body["paused"] is False
    resumed = alerts.get_alert(api.deps.db, member_id, first["alert_id"])
    assert resumed is not None and "unsubscribed_at" not in resumed


def test_an_updates_link_still_turns_every_update_mail_off(api: Api, signed_up: SignUp) -> None:
    # Given a member whose updates are on
    cookie_value, member = signed_up()
    api.call("register", event("PATCH", "/api/me", {"updates_opt_in": True}, cookie=cookie_value))
    token = link_token(api, member["email"], "/members/updates/")
    api.call("register", event("POST", "/api/updates", {"token": token}))
    member_id = member_id_of(api, cookie_value)
    # When their u1 link is posted without a cookie
    answer = one_click(api, cookie.unsubscribe_token(api.deps.secret(), member_id))
    # Then updates are off
    assert answer.status == HTTPStatus.OK
    assert answer.body == {"status": "unsubscribed", "scope": "updates"}
    profile = members.get_member(api.deps.db, member_id)
    assert profile is not None and profile["updates_opt_in"] is False


def test_an_alert_token_of_member_a_cannot_pause_member_b_s_alert(api: Api, signed_up: SignUp) -> None:
    # Given member A, and member B with an alert
    a_cookie, _ = signed_up()
    b_cookie, _ = signed_up()
    b_alert = saved_alert(api, b_cookie, {"make": "Toyota"})
    a_id, b_id = member_id_of(api, a_cookie), member_id_of(api, b_cookie)
    secret = api.deps.secret()
    # When A holds a genuine token for their own id that names B's alert (say, guessed from a shared screen)
    naming_b = cookie.alert_unsubscribe_token(secret, a_id, [b_alert["alert_id"]])
    # and edits a genuine token of theirs to name B as the member
    edited = cookie.alert_unsubscribe_token(secret, a_id, [b_alert["alert_id"]]).replace(f".{a_id}.", f".{b_id}.")
    # Then the first finds no such alert of A's and the second is refused; B's alert is untouched
    assert one_click(api, naming_b).status == HTTPStatus.OK
    assert_error(one_click(api, edited), HTTPStatus.UNAUTHORIZED, "invalid_token")
    assert listed(api, b_cookie) == [b_alert]
    assert alerts.get_alert(api.deps.db, a_id, b_alert["alert_id"]) is None  # nothing was made under A either


def forgeries(secret: bytes, member_id: str, alert_id: str) -> list[str]:
    genuine = cookie.alert_unsubscribe_token(secret, member_id, [alert_id])
    payload, signature = genuine.rsplit(".", 1)
    other_alert = "zzzzzzzz" if alert_id != "zzzzzzzz" else "yyyyyyyy"
    flipped = ("A" if signature[0] != "A" else "B") + signature[1:]
    return [
        f"{payload}.{flipped}",  # the signature edited
        f"{payload}.{'A' * 43}",  # made up
        genuine.replace(alert_id, other_alert),  # another alert named
        genuine.replace(f".{alert_id}.", f".{alert_id}-{other_alert}."),  # an alert added
        cookie.alert_unsubscribe_token(b"not-our-key" * 3, member_id, [alert_id]),  # signed with another key
        "u1" + genuine[2:].replace(f".{alert_id}", ""),  # re-labelled as the other kind
    ]


def test_forged_and_edited_links_are_refused_and_change_nothing(api: Api, signed_up: SignUp) -> None:
    # Given a member with an alert and updates on
    cookie_value, member = signed_up()
    api.call("register", event("PATCH", "/api/me", {"updates_opt_in": True}, cookie=cookie_value))
    api.call(
        "register", event("POST", "/api/updates", {"token": link_token(api, member["email"], "/members/updates/")})
    )
    alert = saved_alert(api, cookie_value, {"body": "van"})
    member_id = member_id_of(api, cookie_value)
    # When each forgery is posted, then each is refused as a token that is not ours
    for forged in forgeries(api.deps.secret(), member_id, alert["alert_id"]):
        assert_error(one_click(api, forged), HTTPStatus.UNAUTHORIZED, "invalid_token")
    # and the alert and the member's updates are as they were
    assert listed(api, cookie_value) == [alert]
    assert api.call("register", event("GET", "/api/me/alerts", cookie=cookie_value)).body["updates"] == "on"


@pytest.mark.parametrize(
    "token",
    [
        "a1.m1.abcdefgh." + "A" * 44,
        "a1.m1.abcdefgh-abcdefgh-abcdefgh-abcdefgh-abcdefgh-abcdefgh." + "A" * 43,
        "a1.m1.ABCDEFGH." + "A" * 43,
        "a1.m1..abcdefgh." + "A" * 43,
        "a1." + "m" * 41 + ".abcdefgh." + "A" * 43,
        "a1.m1.abcdefgh." + "A" * 43 + "&token=u1.x." + "A" * 43,
        "x" * 5000,
    ],
)
def test_a_token_of_the_wrong_shape_is_refused_before_any_signature_is_checked(api: Api, token: str) -> None:
    answer = one_click(api, token)
    assert_error(answer, HTTPStatus.UNPROCESSABLE_ENTITY, "invalid_fields")


# --- export and erasure --------------------------------------------------------------------------------------
def test_export_lists_the_alerts_and_erasure_leaves_no_alert_item(api: Api, signed_up: SignUp) -> None:
    # Given a member with two alerts and the alert job's state item
    cookie_value, _ = signed_up()
    saved = [saved_alert(api, cookie_value, {"make": make}) for make in ("Toyota", "Nissan")]
    member_id = member_id_of(api, cookie_value)
    state = {"pk": members.member_pk(member_id), "sk": "ALERTS", "sent": ["CJ-1"], "version": 1}
    api.deps.db.client.put_item(TableName=api.deps.db.table, Item=to_item(state))
    # When they export
    export = api.call("register", event("GET", "/api/me/export", cookie=cookie_value))
    # Then the export holds the alerts as the API shows them, oldest first
    assert export.status == HTTPStatus.OK
    assert export.body["alerts"] == sorted(saved, key=lambda a: (a["created_at"], a["alert_id"]))
    # When they erase their membership
    assert api.call("register", event("DELETE", "/api/me", cookie=cookie_value)).status == HTTPStatus.NO_CONTENT
    # Then no item of theirs whose sort key starts with ALERT is left, and nothing in the alerts' index
    pk = members.member_pk(member_id)
    assert [i for i in api.items() if i["pk"]["S"] == pk] == []
    assert [i for i in api.items() if i.get("gsi1pk", {}).get("S") == "ALERT"] == []


def test_erasing_alert_items_twice_is_no_error(api: Api, signed_up: SignUp) -> None:
    cookie_value, _ = signed_up()
    saved_alert(api, cookie_value, {"make": "Mazda"})
    member_id = member_id_of(api, cookie_value)
    alerts.erase_alert_items(api.deps.db, member_id)
    alerts.erase_alert_items(api.deps.db, member_id)
    assert api.deps.db.client.get_item(TableName=api.deps.db.table, Key=key(members.member_pk(member_id), "PROFILE"))
    assert listed(api, cookie_value) == []


def test_an_erasure_that_fails_half_way_leaves_its_retry_to_remove_the_alerts(api: Api, signed_up: SignUp) -> None:
    # Given a member with an alert, and a table that fails the erasure's last transaction
    cookie_value, _ = signed_up()
    saved_alert(api, cookie_value, {"make": "Subaru"})
    member_id = member_id_of(api, cookie_value)
    fail_operation(api, "TransactWriteItems", "ThrottlingException")
    # When they erase: a clear 503, still signed in
    assert (
        api.call("register", event("DELETE", "/api/me", cookie=cookie_value)).status == HTTPStatus.SERVICE_UNAVAILABLE
    )
    assert api.call("register", event("GET", "/api/me", cookie=cookie_value)).status == HTTPStatus.OK
    # Then the retry finishes, and nothing of theirs is left
    heal(api, "TransactWriteItems")
    assert api.call("register", event("DELETE", "/api/me", cookie=cookie_value)).status == HTTPStatus.NO_CONTENT
    assert [i for i in api.items() if i["pk"]["S"] == members.member_pk(member_id)] == []
