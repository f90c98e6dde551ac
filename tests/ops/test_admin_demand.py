"""`carjunction admin demand`: saved searches and recent inquiries counted by what buyers want, against today's
stock, with no personal data in either output."""

from __future__ import annotations

import datetime as dt
import json
from http import HTTPStatus
from typing import Any

import pytest

from carjunction.api.store.db import to_item
from carjunction.ops.admin.demand import ROW_KEYS
from tests.support.admin_world import T0, World
from tests.support.api import event

# What a buyer could type or store, each marked so that any leak is found in the output.
HOSTILE = {
    "name": "Zq-Name Wanjiku Kamau",
    "email": "zq-leak@evil.example",
    "telephone": "+254 799 123 456",
    "message": "Zq-Message call me on +254799123456",
    "alert_name": "Zq-Alert my Hilux for Mombasa",
    "q": "ZQ-SEARCH-TEXT",
    "make": "Zq-Make evil@example.org",
    "country": "zq@evil.example",
}


def member_id(world: World, cookie: str) -> str:
    me = world.api.call("register", event("GET", "/api/me", cookie=cookie))
    assert me.status == HTTPStatus.OK, me.body
    return str(me.body["member_id"])


def save_search(world: World, member: str, filters: dict[str, Any], *, name: str = "My search", **extra: Any) -> str:
    """An alert item as the API stores it (issue 19's contract); written straight, so that values the API would
    refuse can be seeded too."""
    alert_id = f"a{len(world.api.items()):07d}"[-8:]
    created_at = world.now.strftime("%Y-%m-%dT%H:%M:%SZ")
    item = {
        "pk": f"MEMBER#{member}",
        "sk": f"ALERT#{alert_id}",
        "alert_id": alert_id,
        "member_id": member,
        "name": name,
        "filters": filters,
        "paused": False,
        "created_at": created_at,
        "gsi1pk": "ALERT",
        "gsi1sk": f"{created_at}#{member}#{alert_id}",
        **extra,
    }
    db = world.api.deps.db
    db.client.put_item(TableName=db.table, Item=to_item(item))
    return alert_id


@pytest.fixture
def seeded(world: World) -> dict[str, Any]:
    api = world.api

    def car(make: str, model: str, body: str, year: int, usd: int, *, status: str = "available") -> Any:
        month = f"{year}-04"
        return api.add_vehicle(
            make=make, model=model, body_type=body, registration=month, manufacture=month, price_usd=usd, status=status
        )

    hilux = car("Toyota", "Hilux", "pickup", 2018, 15_000)
    sold = car("Toyota", "Hilux", "pickup", 2016, 12_000, status="sold")
    elf = car("Isuzu", "Elf", "truck", 2013, 18_000, status="withdrawn")
    car("Nissan", "Note", "hatchback", 2019, 6_000)

    kenyan, _ = world.sign_up(country="KE", port="KEMBA")
    tanzanian, _ = world.sign_up(country="TZ", port="TZDAR")
    hostile, hostile_body = world.sign_up(
        name=HOSTILE["name"], email=HOSTILE["email"], telephone=HOSTILE["telephone"], country="KE", port="KEMBA"
    )
    ke, tz, evil = member_id(world, kenyan), member_id(world, tanzanian), member_id(world, hostile)
    world.store_as_typed("member_id", evil, country=HOSTILE["country"])
    # Searches: two for a Hilux (one within today's stock, one not), a truck, a paused one, a hostile one.
    # One saved through the API (what the stock page's button sends), the rest written as the API stores them
    saved = world.api.call(
        "register",
        event(
            "POST",
            "/api/me/alerts",
            {"name": "Hilux", "filters": {"make": "Toyota", "model": "Hilux", "price_max": 16_000}},
            cookie=kenyan,
        ),
    )
    assert saved.status == HTTPStatus.CREATED, saved.body
    save_search(world, tz, {"make": "Toyota", "model": "Hilux", "price_max": 11_000, "year_min": 2017})
    save_search(world, ke, {"body": "truck"})
    save_search(world, tz, {"make": "Nissan"}, paused=True)
    save_search(world, evil, {"make": HOSTILE["make"], "q": HOSTILE["q"]}, name=HOSTILE["alert_name"])
    save_search(world, evil, {"make": "Toyota", "model": "Hilux", "q": HOSTILE["q"]}, name=HOSTILE["alert_name"])

    # Inquiries: one too old to count, then four in the window.
    world.at(T0 - dt.timedelta(days=45))
    world.inquire(stock_no=hilux.stock_no, country="KE")
    world.at(T0 - dt.timedelta(days=3))
    world.inquire(stock_no=hilux.stock_no, country="KE")
    world.inquire(stock_no=sold.stock_no, country="ZA")  # sold, but another Hilux is on offer
    world.inquire(stock_no=elf.stock_no, country="TZ")  # withdrawn, and no other Elf
    hostile_reference = world.inquire(
        cookie=hostile,
        name=HOSTILE["name"],
        email=hostile_body["email"],
        telephone=HOSTILE["telephone"],
        message=HOSTILE["message"],
        country="KE",
    )
    world.store_as_typed("reference", hostile_reference, country=HOSTILE["country"])
    world.at(T0)
    return {"members": [ke, tz, evil], "emails": [hostile_body["email"]], "reference": hostile_reference}


def row(*values: str | int) -> dict[str, Any]:
    """make, model, body, budget, years, country, then the four counts."""
    return dict(zip(ROW_KEYS, values, strict=True))


def test_demand_counts_searches_and_inquiries_by_what_buyers_want(world: World, seeded: dict[str, Any]) -> None:
    rows = world.admin_json("demand")
    # Columns: searches, of them matched by a car on offer, inquiries, of them matched.
    assert sorted(rows, key=lambda r: json.dumps(r, sort_keys=True)) == sorted(
        [
            row("Toyota", "Hilux", "any", "10k-20k", "any", "KE", 1, 1, 0, 0),
            row("Toyota", "Hilux", "any", "10k-20k", "2015-2019", "TZ", 1, 0, 0, 0),
            row("any", "any", "truck", "any", "any", "KE", 1, 0, 0, 0),
            row("other", "any", "any", "any", "any", "other", 1, 0, 0, 0),  # the hostile make and country
            row("Toyota", "Hilux", "any", "any", "any", "other", 1, 0, 0, 0),  # its q matches no car
            row("Toyota", "Hilux", "pickup", "10k-20k", "2015-2019", "KE", 0, 0, 1, 1),
            row("Toyota", "Hilux", "pickup", "10k-20k", "2015-2019", "ZA", 0, 0, 1, 1),
            row("Isuzu", "Elf", "truck", "10k-20k", "2010-2014", "TZ", 0, 0, 1, 0),
            row("any", "any", "any", "any", "any", "other", 0, 0, 1, 0),  # a general inquiry, country as typed
        ],
        key=lambda r: json.dumps(r, sort_keys=True),
    )


def test_demand_rolls_up_by_the_dimensions_asked_for(world: World, seeded: dict[str, Any]) -> None:
    rows = world.admin_json("demand", "--by", "make", "model")
    assert rows[0] == row("Toyota", "Hilux", "any", "any", "any", "any", 3, 1, 2, 2)
    assert {(r["make"], r["model"]) for r in rows} == {
        ("Toyota", "Hilux"),
        ("any", "any"),
        ("other", "any"),
        ("Isuzu", "Elf"),
    }
    # A longer window takes the old inquiry in too
    rows = world.admin_json("demand", "--by", "make", "model", "--days", "60")
    assert rows[0]["inquiries"] == 3


def test_demand_shows_no_personal_data_in_the_table_or_the_json(world: World, seeded: dict[str, Any]) -> None:
    code, table, err = world.admin("demand")
    assert code == 0, err
    assert "Hilux" in table and "SEARCHES" in table
    rows = world.admin_json("demand")
    text = json.dumps(rows)
    secrets = [*HOSTILE.values(), *seeded["members"], *seeded["emails"], seeded["reference"], "799", "Zq", "ZQ"]
    for output in (table, text):
        for value in secrets:
            assert value.lower() not in output.lower(), value
    # The JSON is a list of rows with exactly the allowed keys, and the counts are numbers
    assert isinstance(rows, list) and rows
    for one in rows:
        assert tuple(one) == ROW_KEYS
        assert all(isinstance(one[name], int) for name in ROW_KEYS[6:])
        assert all(isinstance(one[name], str) for name in ROW_KEYS[:6])


def test_demand_on_an_empty_table_says_so(world: World) -> None:
    code, out, _ = world.admin("demand", "--days", "7")
    assert code == 0
    assert out.strip() == "no active saved searches and no inquiries in the last 7 days"
    assert world.admin_json("demand") == []


@pytest.mark.parametrize("days", ["0", "-3", "x", "4000"])
def test_a_bad_day_count_is_refused(world: World, days: str) -> None:
    with pytest.raises(SystemExit) as stopped:
        world.admin("demand", "--days", days)
    assert stopped.value.code == 2
