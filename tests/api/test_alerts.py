"""Saved searches ("alerts"): a member saves, lists, renames, pauses and deletes them; at most five; nobody
reaches another member's; what the API refuses is refused with 422, never a 500."""

from __future__ import annotations

import threading
from collections.abc import Callable
from http import HTTPStatus
from typing import Any

import pytest
from moto.dynamodb.responses import DynamoHandler

from carjunction.api.alert_filters import StockFilters
from carjunction.api.deps import build_deps
from carjunction.api.errors import ApiError, TooManyAlerts
from carjunction.api.logic.manage_alerts import MAX_ALERTS, create_alert, default_name
from carjunction.api.logic.sign_in import identify_member
from carjunction.api.schemas import AlertIn
from carjunction.api.store import members
from carjunction.api.store.db import Item
from tests.support.api import Api, assert_error, event, link_token

SignUp = Callable[..., tuple[str, dict[str, Any]]]
LAND_CRUISER = {"make": "Toyota", "model": "Land Cruiser", "body": "suv", "price_max": 20000}


def alerts_call(api: Api, method: str, cookie: str | None, body: Any = None, alert_id: str | None = None) -> Any:
    path = "/api/me/alerts" + (f"/{alert_id}" if alert_id else "")
    return api.call("register", event(method, path, body, cookie=cookie))


def save(api: Api, cookie: str, filters: dict[str, Any], name: str | None = None) -> Any:
    body: dict[str, Any] = {"filters": filters} | ({"name": name} if name is not None else {})
    return alerts_call(api, "POST", cookie, body)


def profile_of(api: Api, cookie: str) -> Item:
    me = api.call("register", event("GET", "/api/me", cookie=cookie)).body
    profile = members.get_member(api.deps.db, me["member_id"])
    assert profile is not None
    return profile


# --- the member's own alerts --------------------------------------------------------------------------------
def test_a_member_saves_lists_renames_pauses_and_deletes_an_alert(api: Api, signed_up: SignUp) -> None:
    # Given a signed-in member without updates
    cookie, _ = signed_up()
    # When they save a search
    saved = save(api, cookie, LAND_CRUISER, name="  My cruiser  ")
    # Then it is stored with its filters, trimmed name and the stock page's query
    assert saved.status == HTTPStatus.CREATED, saved.body
    alert = saved.body
    assert set(alert) == {"alert_id", "name", "filters", "paused", "created_at", "query"}
    assert alert["name"] == "My cruiser"
    assert alert["filters"] == LAND_CRUISER
    assert alert["query"] == "make=Toyota&model=Land+Cruiser&body=suv&price_max=20000"
    assert alert["paused"] is False
    listed = alerts_call(api, "GET", cookie)
    assert listed.status == HTTPStatus.OK
    assert listed.body == {"alerts": [alert], "limit": MAX_ALERTS, "updates": "off"}
    assert profile_of(api, cookie)["alert_count"] == 1
    # When they rename and pause it
    renamed = alerts_call(api, "PATCH", cookie, {"name": "Cruiser\tfor Kenya"}, alert["alert_id"])
    assert renamed.status == HTTPStatus.UNPROCESSABLE_ENTITY  # a tab is a control character
    patched = alerts_call(api, "PATCH", cookie, {"name": "Cruiser", "paused": True}, alert["alert_id"])
    assert patched.status == HTTPStatus.OK, patched.body
    assert (patched.body["name"], patched.body["paused"]) == ("Cruiser", True)
    assert patched.body["filters"] == LAND_CRUISER
    # And delete it
    deleted = alerts_call(api, "DELETE", cookie, alert_id=alert["alert_id"])
    assert deleted.status == HTTPStatus.NO_CONTENT and deleted.body is None
    # Then it is gone, uncounted, and a second delete is a 404
    assert alerts_call(api, "GET", cookie).body["alerts"] == []
    assert profile_of(api, cookie)["alert_count"] == 0
    assert_error(alerts_call(api, "DELETE", cookie, alert_id=alert["alert_id"]), HTTPStatus.NOT_FOUND, "not_found")


def test_an_alert_without_a_name_is_named_from_its_filters(api: Api, signed_up: SignUp) -> None:
    cookie, _ = signed_up()
    saved = save(api, cookie, LAND_CRUISER)
    assert saved.status == HTTPStatus.CREATED
    assert saved.body["name"] == "Toyota Land Cruiser, SUV, ≤ US$ 20,000"


@pytest.mark.parametrize(
    ("filters", "name"),
    [
        ({}, "*"),
        ({"year_min": 2015, "year_max": 2020, "km_max": 80000}, "2015–2020, ≤ 80,000 km"),
        ({"year_min": 2018, "year_max": 2018, "steering": "left"}, "LHD, 2018"),
        ({"fuel": "plug_in_hybrid", "drive": "4wd", "price_min": 5000}, "Plug in hybrid, 4WD, ≥ US$ 5,000"),
        ({"q": "  gdj150 "}, "“gdj150”"),
        ({"make": "ABC" + "x" * 80}, "ABC" + "x" * 56 + "…"),
    ],
)
def test_made_up_names_are_values_only_on_one_line_within_60_characters(filters: dict[str, Any], name: str) -> None:
    made = default_name(StockFilters.model_validate(filters))
    assert made == name
    assert AlertIn.model_validate({"name": made, "filters": filters}).name == made


def test_the_same_search_saved_twice_is_one_alert(api: Api, signed_up: SignUp) -> None:
    # Given a saved search
    cookie, _ = signed_up()
    first = save(api, cookie, {"make": "Nissan", "q": "NV350"})
    assert first.status == HTTPStatus.CREATED
    # When the same filters are saved again, in another order, with spaces around q and a null filter
    again = save(api, cookie, {"q": " NV350 ", "body": None, "make": "Nissan"}, name="Vans")
    # Then the answer is the alert already saved
    assert again.status == HTTPStatus.OK
    assert again.body == first.body
    assert len(alerts_call(api, "GET", cookie).body["alerts"]) == 1


def test_a_whole_number_written_with_a_point_is_that_number(api: Api, signed_up: SignUp) -> None:
    # JSON Schema's integer includes 2015.0, and the document promises what JSON Schema means
    cookie, _ = signed_up()
    saved = save(api, cookie, {"year_min": 2015.0, "price_max": 20000})
    assert saved.status == HTTPStatus.CREATED, saved.body
    assert saved.body["filters"] == {"year_min": 2015, "price_max": 20000}
    assert save(api, cookie, {"year_min": 2015, "price_max": 20000.0}).status == HTTPStatus.OK


def test_a_member_keeps_at_most_five_alerts(api: Api, signed_up: SignUp) -> None:
    # Given a member with five alerts
    cookie, _ = signed_up()
    saved = [save(api, cookie, {"year_min": 2010 + n}) for n in range(MAX_ALERTS)]
    assert [s.status for s in saved] == [HTTPStatus.CREATED] * MAX_ALERTS
    # When they save a sixth, then it is refused
    assert_error(save(api, cookie, {"year_min": 2000}), HTTPStatus.CONFLICT, "too_many_alerts")
    # but one of the five saved again is still answered
    assert save(api, cookie, {"year_min": 2010}).status == HTTPStatus.OK
    # and after deleting one there is room for another
    alerts_call(api, "DELETE", cookie, alert_id=saved[0].body["alert_id"])
    assert save(api, cookie, {"year_min": 2000}).status == HTTPStatus.CREATED
    assert profile_of(api, cookie)["alert_count"] == MAX_ALERTS


# --- many at once -------------------------------------------------------------------------------------------
@pytest.fixture
def atomic_moto(monkeypatch: pytest.MonkeyPatch) -> None:
    """DynamoDB applies each request atomically; moto's in-process backend does not while other threads write.
    One lock per request gives back that guarantee only: the gap between our read and our write stays open."""
    lock = threading.RLock()
    original = DynamoHandler.call_action

    def call_action(self: Any) -> Any:
        with lock:
            return original(self)

    monkeypatch.setattr(DynamoHandler, "call_action", call_action)


def save_at_once(api: Api, member: Item, bodies: list[AlertIn]) -> list[bool | ApiError]:
    """Each body saved from its own thread and deps (a warm Lambda instance each), all released together: through
    the logic, since Powertools keeps the current event on its router class, which threads would share."""
    instances = [build_deps(api.deps.settings, api.session) for _ in bodies]
    results: list[bool | ApiError] = []
    lock = threading.Lock()
    start = threading.Barrier(len(bodies))

    def one(index: int) -> None:
        start.wait()
        try:
            outcome: bool | ApiError = create_alert(instances[index], member, bodies[index])[0]
        except ApiError as error:
            outcome = error
        with lock:
            results.append(outcome)

    threads = [threading.Thread(target=one, args=(i,)) for i in range(len(bodies))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results


def test_ten_creates_at_once_make_at_most_five(api: Api, signed_up: SignUp, atomic_moto: None) -> None:
    # Given a member with no alert
    cookie, _ = signed_up()
    member = identify_member(api.deps, cookie.removeprefix("member="))
    assert member is not None
    # When ten different searches are saved at the same moment
    bodies = [AlertIn.model_validate({"filters": {"km_max": 10_000 * (n + 1)}}) for n in range(10)]
    results = save_at_once(api, member, bodies)
    # Then five are made, five refused as too many, and the count is right
    assert results.count(True) == MAX_ALERTS
    assert sorted(type(r).__name__ for r in results if r is not True) == [TooManyAlerts.__name__] * 5
    assert len(alerts_call(api, "GET", cookie).body["alerts"]) == MAX_ALERTS
    assert profile_of(api, cookie)["alert_count"] == MAX_ALERTS


def test_the_same_search_ten_times_at_once_is_one_alert(api: Api, signed_up: SignUp, atomic_moto: None) -> None:
    cookie, _ = signed_up()
    member = identify_member(api.deps, cookie.removeprefix("member="))
    assert member is not None
    results = save_at_once(api, member, [AlertIn.model_validate({"filters": {"make": "Honda"}})] * 10)
    assert results.count(True) == 1 and results.count(False) == 9
    assert len(alerts_call(api, "GET", cookie).body["alerts"]) == 1
    assert profile_of(api, cookie)["alert_count"] == 1


# --- nobody else's --------------------------------------------------------------------------------------------
def test_another_member_s_alert_is_not_found_and_untouched(api: Api, signed_up: SignUp) -> None:
    # Given member A's alert, and member B
    owner, _ = signed_up()
    alert = save(api, owner, LAND_CRUISER).body
    other, _ = signed_up()
    # When B renames, pauses or deletes it by its id
    answers = [
        alerts_call(api, "PATCH", other, {"name": "Mine now", "paused": True}, alert["alert_id"]),
        alerts_call(api, "DELETE", other, alert_id=alert["alert_id"]),
    ]
    # Then each is the 404 of an id that never existed, word for word
    never = [
        alerts_call(api, "PATCH", other, {"name": "Mine now", "paused": True}, "zzzzzzzz"),
        alerts_call(api, "DELETE", other, alert_id="zzzzzzzz"),
    ]
    for answer, unknown in zip(answers, never, strict=True):
        assert_error(answer, HTTPStatus.NOT_FOUND, "not_found")
        assert answer.body == unknown.body
    # and A's alert is as it was; B lists none
    assert alerts_call(api, "GET", owner).body["alerts"] == [alert]
    assert alerts_call(api, "GET", other).body["alerts"] == []


def test_every_alert_route_needs_the_member_cookie(api: Api) -> None:
    for method, body, alert_id in (
        ("GET", None, None),
        ("POST", {"filters": {}}, None),
        ("PATCH", {"paused": True}, "abcdefgh"),
        ("DELETE", None, "abcdefgh"),
    ):
        assert_error(alerts_call(api, method, None, body, alert_id), HTTPStatus.UNAUTHORIZED, "not_signed_in")


def test_updates_say_whether_alert_mails_can_go(api: Api, signed_up: SignUp) -> None:
    # Given a member without updates: off
    cookie, member = signed_up()
    assert alerts_call(api, "GET", cookie).body["updates"] == "off"
    # When they ask for updates: pending until the mailed link is confirmed, then on
    api.call("register", event("PATCH", "/api/me", {"updates_opt_in": True}, cookie=cookie))
    assert alerts_call(api, "GET", cookie).body["updates"] == "pending"
    token = link_token(api, member["email"], "/members/updates/")
    assert api.call("register", event("POST", "/api/updates", {"token": token})).status == HTTPStatus.OK
    assert alerts_call(api, "GET", cookie).body["updates"] == "on"


# --- hostile input ------------------------------------------------------------------------------------------
HOSTILE_POSTS = [
    {"filters": {"make": "Toyota"}, "name": "x" * 61},
    {"filters": {"make": "Toyota"}, "name": "   "},
    {"filters": {"make": "Toyota"}, "name": "Cars\nE-mail: attacker@example.org"},
    {"filters": {"make": "Toyota"}, "name": "evil\u202eeman"},
    {"filters": {"make": "Toyota"}, "name": "nul\u0000"},
    {"filters": {"make": "Toyota"}, "name": 123},
    {"filters": {"make": "Toyota"}, "name": ["a"]},
    {"filters": {"q": "x" * 41}},
    {"filters": {"make": "x" * 10_000}},
    {"filters": {"make": "Toy\u0007ota"}},
    {"filters": {"year_min": -1}},
    {"filters": {"price_max": -20000}},
    {"filters": {"km_max": 10**12}},
    {"filters": {"year_min": "2015"}},
    {"filters": {"year_min": True}},
    {"filters": {"year_min": 2015.5}},
    {"filters": {"year_min": float("nan")}},
    {"filters": {"km_max": float("inf")}},
    {"filters": {"make": 7}},
    {"filters": {"make": {"$ne": ""}}},
    {"filters": {"body": "tank"}},
    {"filters": {"fuel": "PETROL"}},
    {"filters": {"steering": "RHD"}},
    {"filters": {"colour": "red"}},
    {"filters": {"sort": "price"}},
    {"filters": "make=Toyota"},
    {"filters": ["make", "Toyota"]},
    {"filters": None},
    {"name": "No filters at all"},
    {"filters": {}, "member_id": "someone-else"},
    {"filters": {}, "paused": True},
    [],
    "alert",
]


@pytest.mark.parametrize("body", HOSTILE_POSTS)
def test_hostile_alert_bodies_are_refused_with_422(api: Api, signed_up: SignUp, body: Any) -> None:
    cookie, _ = signed_up()
    answer = alerts_call(api, "POST", cookie, body)
    assert_error(answer, HTTPStatus.UNPROCESSABLE_ENTITY, "invalid_fields")
    assert answer.body["error"]["fields"]
    assert alerts_call(api, "GET", cookie).body["alerts"] == []


@pytest.mark.parametrize(
    "body",
    [
        {"paused": "yes"},
        {"paused": 1},
        {"name": ""},
        {"name": "x" * 61},
        {"name": "two\u2028lines"},
        {"filters": {"make": "Honda"}},
        {"alert_id": "abcdefgh"},
        {"created_at": "2000-01-01T00:00:00Z"},
    ],
)
def test_hostile_patches_are_refused_with_422(api: Api, signed_up: SignUp, body: dict[str, Any]) -> None:
    cookie, _ = signed_up()
    alert = save(api, cookie, {"make": "Toyota"}).body
    assert_error(
        alerts_call(api, "PATCH", cookie, body, alert["alert_id"]), HTTPStatus.UNPROCESSABLE_ENTITY, "invalid_fields"
    )
    assert alerts_call(api, "GET", cookie).body["alerts"] == [alert]


@pytest.mark.parametrize("alert_id", ["ABCDEFGH", "abcdefg", "abcdefghj", "abcdefgi", "..%2F..%2Fprofile", "a" * 500])
def test_a_malformed_alert_id_is_refused(api: Api, signed_up: SignUp, alert_id: str) -> None:
    cookie, _ = signed_up()
    for method, body in (("PATCH", {"paused": True}), ("DELETE", None)):
        answer = alerts_call(api, method, cookie, body, alert_id)
        assert answer.status in (HTTPStatus.UNPROCESSABLE_ENTITY, HTTPStatus.NOT_FOUND), answer.body
        assert profile_of(api, cookie).get("alert_count", 0) == 0


def test_an_empty_patch_changes_nothing(api: Api, signed_up: SignUp) -> None:
    cookie, _ = signed_up()
    alert = save(api, cookie, {"make": "Toyota"}).body
    for body in ({}, {"name": None, "paused": None}):
        answer = alerts_call(api, "PATCH", cookie, body, alert["alert_id"])
        assert answer.status == HTTPStatus.OK and answer.body == alert
