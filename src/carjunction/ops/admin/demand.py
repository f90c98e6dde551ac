"""What buyers are looking for (`carjunction admin demand`): active saved searches and recent inquiries, counted by
make/model, body type, budget band, year band and destination country, with how many today's stock matches.

It holds no personal data, by construction: each search or inquiry is read into a ``Want`` of band labels and
catalogue codes, and only those are counted. A value is shown only when it is one the catalogue or the shipping
data knows (a make and model of a car we have listed, a body type code, a country we ship to); anything else a
buyer could have typed or stored is "other". Names, addresses, member ids, alert names, search text and messages
never leave the store functions' answers.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from pydantic import ValidationError

from carjunction.api.alert_filters import AlertMatcher, Car, StockFilters, car_from_vehicle
from carjunction.api.store import vehicles
from carjunction.api.store.db import Db, Item, from_item, key, list_by_type, query_all
from carjunction.api.store.members import PROFILE, member_pk
from carjunction.catalogue import Vehicle
from carjunction.catalogue.vehicle import BodyType
from carjunction.clock import iso
from carjunction.ops.admin.context import AdminContext

ANY = "any"
OTHER = "other"
# US$ FOB; each band up to, not including, its bound.
BUDGET_BANDS = ((5_000, "<5k"), (10_000, "5k-10k"), (20_000, "10k-20k"), (40_000, "20k-40k"))
TOP_BUDGET = "40k+"
# Registration years; each band up to, not including, its bound.
YEAR_BANDS = ((2005, "<2005"), (2010, "2005-2009"), (2015, "2010-2014"), (2020, "2015-2019"))
TOP_YEARS = "2020+"
DIMENSIONS = ("make", "model", "body", "budget", "years", "country")
COUNTS = ("searches", "searches_matched", "inquiries", "inquiries_matched")
ROW_KEYS = (*DIMENSIONS, *COUNTS)
BODY_CODES = frozenset(body.value for body in BodyType)
BATCH_GET = 100  # BatchGetItem's limit


@dataclass(frozen=True)
class Want:
    """One search or inquiry, reduced to what may be shown."""

    make: str
    model: str
    body: str
    budget: str
    years: str
    country: str

    def key(self, by: Sequence[str]) -> tuple[str, ...]:
        return tuple(getattr(self, name) if name in by else ANY for name in DIMENSIONS)


def band(value: Any, bands: Sequence[tuple[int, str]], top: str) -> str:
    # bool is an int to Python; a stored true is not a price.
    if not isinstance(value, int) or isinstance(value, bool):
        return ANY
    return next((label for bound, label in bands if value < bound), top)


@dataclass(frozen=True)
class Stock:
    """Today's stock as the demand view needs it: every car ever synced (names that may be shown), and which are
    on offer."""

    cars: dict[str, tuple[Car, bool]]  # stock number → (car, on offer)

    @classmethod
    def read(cls, db: Db) -> Stock:
        cars: dict[str, tuple[Car, bool]] = {}
        for entry in vehicles.catalogue_entries(db):
            try:
                vehicle = Vehicle.model_validate_json(str(entry["data"]))
            except (KeyError, ValidationError):
                continue
            cars[vehicle.stock_no] = (car_from_vehicle(vehicle), vehicles.is_listed(entry))
        return cls(cars)

    def known_names(self) -> set[tuple[str, str]]:
        return {(car.make, car.model) for car, _ in self.cars.values()}

    def on_offer(self) -> list[Car]:
        return [car for car, listed in self.cars.values() if listed]


class Names:
    """What may be shown for a make, model, body or country: known values only."""

    def __init__(self, stock: Stock, countries: Iterable[str] | None) -> None:
        self.models = stock.known_names()
        self.makes = {make for make, _ in self.models}
        self.countries = set(countries) if countries is not None else None

    def make(self, value: Any) -> str:
        if value is None:
            return ANY
        return value if value in self.makes else OTHER

    def model(self, make: Any, value: Any) -> str:
        if value is None:
            return ANY
        if make is None:
            # A model alone matches that model under any make (as the stock page does).
            return value if any(value == model for _, model in self.models) else OTHER
        return value if (make, value) in self.models else OTHER

    @staticmethod
    def body(value: Any) -> str:
        if value is None:
            return ANY
        return value if value in BODY_CODES else OTHER

    def country(self, value: Any) -> str:
        if value is None:
            return ANY
        if self.countries is not None:
            return value if value in self.countries else OTHER
        return value if isinstance(value, str) and len(value) == 2 and value.isascii() and value.isupper() else OTHER


def active_searches(db: Db) -> list[Item]:
    return [item for item in list_by_type(db, "ALERT") if item.get("paused") is not True]


def recent_inquiries(db: Db, since: dt.datetime) -> list[Item]:
    """Inquiries received since ``since``: only the car and the country are read from the table."""
    return query_all(
        db,
        IndexName="gsi1",
        KeyConditionExpression="gsi1pk = :type AND gsi1sk >= :since",
        ProjectionExpression="stock_no, #country",
        ExpressionAttributeNames={"#country": "country"},
        ExpressionAttributeValues={":type": {"S": "INQUIRY"}, ":since": {"S": iso(since)}},
    )


def member_countries(db: Db, member_ids: Iterable[str]) -> dict[str, Any]:
    """Member id → country, read from the profiles (only that field)."""
    wanted = sorted(set(member_ids))
    found: dict[str, Any] = {}
    for start in range(0, len(wanted), BATCH_GET):
        request: dict[str, Any] = {
            db.table: {
                "Keys": [key(member_pk(member_id), PROFILE) for member_id in wanted[start : start + BATCH_GET]],
                "ProjectionExpression": "pk, #country",
                "ExpressionAttributeNames": {"#country": "country"},
            }
        }
        while request:
            answer = db.client.batch_get_item(RequestItems=request)
            for raw in answer.get("Responses", {}).get(db.table, []):
                item = from_item(raw)
                found[str(item["pk"]).removeprefix("MEMBER#")] = item.get("country")
            request = answer.get("UnprocessedKeys") or {}
    return found


def parse_filters(value: Any) -> StockFilters | None:
    try:
        return StockFilters.model_validate(value if isinstance(value, dict) else {})
    except ValidationError:
        return None  # counted, under what can be shown of it, but never matched


def search_want(filters: Any, country: Any, names: Names) -> Want:
    values = filters if isinstance(filters, dict) else {}
    price = values.get("price_max") if values.get("price_max") is not None else values.get("price_min")
    year = values.get("year_min") if values.get("year_min") is not None else values.get("year_max")
    return Want(
        make=names.make(values.get("make")),
        model=names.model(values.get("make"), values.get("model")),
        body=names.body(values.get("body")),
        budget=band(price, BUDGET_BANDS, TOP_BUDGET),
        years=band(year, YEAR_BANDS, TOP_YEARS),
        country=names.country(country),
    )


def inquiry_want(car: Car | None, country: Any, names: Names) -> Want:
    if car is None:  # a general inquiry, or a car no longer in the table
        return Want(ANY, ANY, ANY, ANY, ANY, names.country(country))
    return Want(
        make=car.make,
        model=car.model,
        body=names.body(car.body),
        budget=band(car.usd, BUDGET_BANDS, TOP_BUDGET),
        years=band(car.year, YEAR_BANDS, TOP_YEARS),
        country=names.country(country),
    )


def demand_rows(context: AdminContext, *, days: int, by: Sequence[str] = DIMENSIONS) -> list[dict[str, Any]]:
    """One row per group of ``by``, most wanted first; exactly the keys ROW_KEYS."""
    stock = Stock.read(context.db)
    countries = [country.code for country in context.shipping.countries] if context.shipping else None
    names = Names(stock, countries)
    on_offer = stock.on_offer()
    counts: dict[tuple[str, ...], Counter[str]] = {}

    def count(want: Want, kind: str, matched: bool) -> None:
        tally = counts.setdefault(want.key(by), Counter())
        tally[kind] += 1
        tally[f"{kind}_matched"] += int(matched)

    searches = active_searches(context.db)
    country_of = member_countries(context.db, (str(item.get("member_id")) for item in searches))
    parsed = [parse_filters(item.get("filters")) for item in searches]
    matcher = AlertMatcher((n, filters) for n, filters in enumerate(parsed) if filters is not None)
    matched = {n for car in on_offer for n in matcher.matching(car)}
    for n, item in enumerate(searches):
        count(
            search_want(item.get("filters"), country_of.get(str(item.get("member_id"))), names),
            "searches",
            n in matched,
        )

    offered_models = {(car.make, car.model) for car in on_offer}
    offered = {car.stock_no for car in on_offer}
    for item in recent_inquiries(context.db, context.clock() - dt.timedelta(days=days)):
        found = stock.cars.get(str(item.get("stock_no") or ""))
        car = found[0] if found else None
        hit = car is not None and (car.stock_no in offered or (car.make, car.model) in offered_models)
        count(inquiry_want(car, item.get("country"), names), "inquiries", hit)

    ordered = sorted(counts.items(), key=lambda pair: (-(pair[1]["searches"] + pair[1]["inquiries"]), pair[0]))
    return [
        {**dict(zip(DIMENSIONS, group, strict=True)), **{name: tally[name] for name in COUNTS}}
        for group, tally in ordered
    ]
