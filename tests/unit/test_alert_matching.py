"""Saved searches match what the stock page shows: the Python matcher (api/alert_filters.py) against the page's own
``stockMatcher`` (content/assets/js/stock-list.js), run under node over the stock index the build makes from the
same fixture stock, for random filters; AlertMatcher against ``matches``; and what StockFilters refuses."""

from __future__ import annotations

import datetime as dt
import json
import random
import shutil
import subprocess
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pydantic import ValidationError

from carjunction.api.alert_filters import FILTER_NAMES, AlertMatcher, Car, StockFilters, car_from_vehicle, matches
from carjunction.catalogue import BodyType, Drive, Fuel, Steering, Transmission, Vehicle
from carjunction.site.stock_index import stock_index
from tests.support.factories import TODAY, vehicle_data
from tests.support.site_build import ROOT

JS = ROOT / "content" / "assets" / "js"
# One node process answers many filter sets, a line each: the page's two scripts joined as the build joins them,
# in a context of their own (stock-list.js needs only `starters` at load). A request is the form's values, or a
# URL query that URLSearchParams parses into them as the page does. The first line out is the page's FILTERS.
RUNNER = """
const fs = require("fs");
const [indexJs, listJs, indexJson] = process.argv.slice(1);
const source = fs.readFileSync(indexJs, "utf8") + "\\n" + fs.readFileSync(listJs, "utf8");
const page = require("vm").runInNewContext(
  `"use strict"; const starters = []; ${source}; ({ stockMatcher, stockRows, FILTERS });`);
const ix = JSON.parse(fs.readFileSync(indexJson, "utf8"));
const rows = page.stockRows(ix);
process.stdout.write(JSON.stringify({ filters: page.FILTERS }) + "\\n");
require("readline").createInterface({ input: process.stdin }).on("line", (line) => {
  const request = JSON.parse(line);
  const values = "query" in request ? Object.fromEntries(new URLSearchParams(request.query)) : request.values;
  const shown = rows.filter(page.stockMatcher(ix, values)).map((row) => row.no);
  process.stdout.write(JSON.stringify({ values, shown }) + "\\n");
});
"""
PROPERTY = settings(max_examples=300, deadline=None, database=None, suppress_health_check=[HealthCheck.too_slow])

# (make, model, model code, body, how its chassis numbers are written): real makes and models of Japanese exports,
# a model name under two makes (Ranger), a model code with a dash, chassis numbers that start "<code>-" (the index
# keeps only the rest), that start with a shorter code, and 17-character VINs.
MODELS = [
    ("Toyota", "Hiace Van", "GDH201V", "van", "short"),
    ("Toyota", "Land Cruiser Prado", "TRJ150W", "suv", "short"),
    ("Toyota", "Prius", "ZVW50", "hatchback", "code"),
    ("Toyota", "Hilux", "GUN125", "pickup", "code"),
    ("Toyota", "Coaster", "XZB50", "bus", "code"),
    ("Toyota", "Crown", "GWS224", "sedan", "code"),
    ("Honda", "Fit", "GR3", "hatchback", "code"),
    ("Honda", "Vezel", "RU1", "suv", "code"),
    ("Honda", "Freed", "GB5", "minivan", "code"),
    ("Nissan", "Note", "HE12", "hatchback", "code"),
    ("Nissan", "X-Trail", "NT32", "suv", "code"),
    ("Nissan", "Caravan", "VW6E26", "van", "code"),
    ("Nissan", "Leaf", "ZE1", "hatchback", "code"),
    ("Nissan", "Fairlady Z", "RZ34", "coupe", "code"),
    ("Mazda", "CX-5", "KF2P", "suv", "code"),
    ("Mazda", "Roadster", "ND5RC", "convertible", "code"),
    ("Subaru", "Forester", "SJG", "suv", "code"),
    ("Mitsubishi", "Canter", "FEB90", "truck", "code"),
    ("Mitsubishi", "Delica D:5", "CV1W", "minivan", "code"),
    ("Isuzu", "Elf", "NPR85", "truck", "code"),
    ("Suzuki", "Jimny", "JB64W", "suv", "code"),
    ("Hino", "Ranger", "FC9JKA", "truck", "code"),
    ("Ford", "Ranger", "RA2", "pickup", "vin"),
    ("Mercedes-Benz", "E-Class", "DBA-212055C", "sedan", "vin"),
    ("Lexus", "RX", "AGL20W", "suv", "code"),
]
NOT_IN_STOCK = ["Lada", "toyota", "Toyota ", "Land Cruiser", "Hiace", "hilux", "Ranger Raptor"]
# Spaces the page's trim() removes (tab and newline too: trimmed around the text, refused inside it).
SPACES = [" ", "  ", "\u00a0", "\u3000", "\u2003", "\u202f", "\ufeff"]


def fixture_stock(count: int = 320, seed: int = 19) -> list[Vehicle]:
    rng = random.Random(seed)  # noqa: S311 - a reproducible fixture, nothing secret
    vehicles = []
    for n in range(count):
        make, model, code, body, chassis = rng.choice(MODELS)
        serial = f"{rng.randint(0, 9_999_999):07d}"
        year = rng.randint(2005, 2025)
        data = vehicle_data(
            # Mostly the company's own numbering; some with a yard's dashed prefix.
            stock_no=f"CJ{26000 + n}" if n % 7 else f"YK-{n:04d}",
            make=make,
            model=model,
            model_code=code,
            chassis_no={
                "code": f"{code}-{serial}",
                "short": f"{code[:-1]}-{serial}",
                "vin": f"WDD{rng.randint(10**13, 10**14 - 1)}",
            }[chassis],
            body_type=body,
            registration=f"{year}-{rng.randint(1, 12):02d}",
            manufacture=f"{year}-01",
            # Round figures shared by many cars, so that a bound often equals a car's value; 0 km exists too.
            mileage_km=rng.choice([0, 5000, rng.randint(0, 300) * 1000, rng.randint(0, 300_000)]),
            price_usd=rng.choice([rng.randint(5, 600) * 100, rng.randint(500, 60_000)]),
            fuel=rng.choice(list(Fuel)).value,
            transmission=rng.choice(list(Transmission)).value,
            drive=rng.choice(list(Drive)).value,
            steering=rng.choice([Steering.RIGHT, Steering.RIGHT, Steering.LEFT]).value,
            added=TODAY - dt.timedelta(days=rng.randint(0, 400)),
        )
        vehicles.append(Vehicle.model_validate(data, context={"today": TODAY}))
    return vehicles


STOCK = fixture_stock()
CARS = [car_from_vehicle(vehicle) for vehicle in STOCK]
FIELDS = {"year": [c.year for c in CARS], "price": [c.usd for c in CARS], "km": [c.km for c in CARS]}
TEXTS = [text for car in CARS for text in (car.stock_no, car.model_code, car.chassis_no)]
ENUMS = {"body": BodyType, "fuel": Fuel, "transmission": Transmission, "drive": Drive, "steering": Steering}


class PageMatcher:
    """The stock page's matcher, in a node process of its own over the fixture stock's index."""

    def __init__(self, work: Path, edit: Callable[[str], str] = lambda source: source) -> None:
        node = shutil.which("node")
        if node is None:
            pytest.fail("node is not installed; .ci/run installs it (apt-get install nodejs)")
        (work / "stock.json").write_text(json.dumps(stock_index(STOCK, {})), encoding="utf-8")
        (work / "stock-index.js").write_text((JS / "stock-index.js").read_text(encoding="utf-8"), encoding="utf-8")
        (work / "stock-list.js").write_text(edit((JS / "stock-list.js").read_text(encoding="utf-8")), encoding="utf-8")
        files = [str(work / name) for name in ("stock-index.js", "stock-list.js", "stock.json")]
        self.process = subprocess.Popen(
            [node, "-e", RUNNER, *files],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
            encoding="utf-8",
        )
        self.filters: list[str] = self._read()["filters"]

    def _read(self) -> dict[str, Any]:
        assert self.process.stdout is not None
        line = self.process.stdout.readline()
        assert line, "node stopped; its error is above"
        answer: dict[str, Any] = json.loads(line)
        return answer

    def _ask(self, request: dict[str, Any]) -> dict[str, Any]:
        assert self.process.stdin is not None
        self.process.stdin.write(json.dumps(request) + "\n")  # ASCII: lone surrogates travel as escapes
        self.process.stdin.flush()
        return self._read()

    def shown(self, values: dict[str, str]) -> set[str]:
        return set(self._ask({"values": values})["shown"])

    def from_query(self, query: str) -> tuple[dict[str, str], set[str]]:
        answer = self._ask({"query": query})
        return answer["values"], set(answer["shown"])

    def close(self) -> None:
        assert self.process.stdin is not None
        self.process.stdin.close()
        self.process.wait(timeout=10)


@pytest.fixture(scope="module")
def page(tmp_path_factory: pytest.TempPathFactory) -> Iterator[PageMatcher]:
    matcher = PageMatcher(tmp_path_factory.mktemp("stock-page"))
    yield matcher
    matcher.close()


def python_shows(filters: StockFilters) -> set[str]:
    return {car.stock_no for car in CARS if matches(filters, car)}


def form_values(raw: dict[str, Any]) -> dict[str, str]:
    """What the page's form holds for these filters: strings, "" where a filter is not set."""
    return {name: "" if raw.get(name) is None else str(raw[name]) for name in FILTER_NAMES}


# --- strategies: the form's raw values, from the stock's own values and their edges -------------------------
def texts() -> st.SearchStrategy[str]:
    """Text a buyer types: part of a stock number, model code or chassis number (in any case, with spaces around
    it, no-break ones too), or anything at all."""

    @st.composite
    def part(draw: st.DrawFn) -> str:
        whole = draw(st.sampled_from(TEXTS))
        start = draw(st.integers(0, len(whole) - 1))
        text = whole[start : draw(st.integers(start + 1, len(whole)))]
        if draw(st.booleans()):
            text = text.lower()
        return draw(st.sampled_from(["", *SPACES])) + text + draw(st.sampled_from(["", *SPACES]))

    anything = st.text(st.characters(blacklist_categories=["Cc"]), max_size=12)
    edges = st.sampled_from(["", "   ", "\u00a0", "ZZZ999", "ß", "ı", "ﬁ"])
    return st.one_of(part(), part(), part(), anything, edges)  # mostly text that finds a car


def bounds(field: str) -> st.SearchStrategy[int]:
    seen = st.sampled_from(FIELDS[field])
    return st.one_of(
        seen, seen.map(lambda n: n + 1), seen.map(lambda n: max(n - 1, 0)), st.just(0), st.integers(0, 10**8)
    )


def raw_filters() -> st.SearchStrategy[dict[str, Any]]:
    makes = sorted({m[0] for m in MODELS})
    models = sorted({m[1] for m in MODELS})
    choices: dict[str, st.SearchStrategy[Any]] = {
        "q": texts().filter(lambda text: len(text) <= 40),
        "make": st.one_of(st.sampled_from(makes), st.sampled_from(makes), st.sampled_from(NOT_IN_STOCK)),
        # with its make, another make or none
        "model": st.one_of(st.sampled_from(models), st.sampled_from(models), st.sampled_from(NOT_IN_STOCK)),
        **{f"{field}_{end}": bounds(field) for field in ("year", "price", "km") for end in ("min", "max")},
        **{name: st.sampled_from([member.value for member in enum]) for name, enum in ENUMS.items()},
    }
    # A few filters at a time, as buyers set them: all fourteen at once would show no car nearly every time.
    names = st.lists(st.sampled_from(FILTER_NAMES), max_size=5, unique=True)
    return names.flatmap(lambda chosen: st.fixed_dictionaries({name: choices[name] for name in chosen}))


# --- the page and the matcher agree ----------------------------------------------------------------------------
@PROPERTY
@given(raw=raw_filters())
def test_matches_shows_the_cars_the_stock_page_shows(page: PageMatcher, raw: dict[str, Any]) -> None:
    # Given filters as the form holds them (q exactly as typed), and the saved search they make
    filters = StockFilters.model_validate(raw)
    # When the page's script and the matcher each filter the same stock
    # Then they show the same cars
    assert python_shows(filters) == page.shown(form_values(raw))


@PROPERTY
@given(raw=raw_filters())
def test_a_saved_search_link_opens_the_same_filters_and_cars(page: PageMatcher, raw: dict[str, Any]) -> None:
    # Given a saved search
    filters = StockFilters.model_validate(raw)
    # When the page reads its link's query as it reads its own URL
    values, shown = page.from_query(filters.query())
    # Then it has the same values, in the page's order, and shows the cars the search matches
    assert list(values.items()) == [(name, str(value)) for name, value in filters.values().items()]
    assert shown == python_shows(filters)


def test_edges_agree(page: PageMatcher) -> None:
    # Given the edges the random filters may reach only by luck
    car = CARS[0]
    shared = next(c for c in CARS if c.make == "Hino").model  # "Ranger", also a Ford
    cases: list[dict[str, Any]] = [
        {"price_min": car.usd, "price_max": car.usd},
        {"km_max": 0},
        {"km_min": 0, "year_min": 0, "price_min": 0},
        {"year_min": car.year, "year_max": car.year - 1},
        {"q": car.stock_no.lower()},
        {"q": f"\u00a0 {car.chassis_no[2:-2].lower()}\ufeff"},
        {"q": car.model_code[1:]},
        {"q": "NO SUCH CAR"},
        {"make": "Lada"},
        {"model": shared},
        {"make": "Ford", "model": shared},
        {"make": "Toyota", "model": shared},
        {"make": car.make, "model": car.model, "body": car.body, "fuel": car.fuel, "drive": car.drive},
    ]
    for raw in cases:
        filters = StockFilters.model_validate(raw)
        # Then the page and the matcher show the same cars for each
        assert python_shows(filters) == page.shown(form_values(raw)), raw
    # and the edges are edges: some show cars and some none
    assert python_shows(StockFilters.model_validate(cases[0])) >= {car.stock_no}
    assert len(python_shows(StockFilters(model=shared))) > len(python_shows(StockFilters(make="Ford", model=shared)))
    assert python_shows(StockFilters.model_validate(cases[5])) == {car.stock_no}
    assert not python_shows(StockFilters(make="Toyota", model=shared))


def test_the_comparison_fails_when_they_differ(page: PageMatcher, tmp_path: Path) -> None:
    # Given a price ceiling equal to a car's price
    car = CARS[0]
    filters = StockFilters(make=car.make, price_max=car.usd)
    # When the page is given a ceiling a dollar lower, the car is missing from what it shows
    assert car.stock_no in python_shows(filters) - page.shown({"make": car.make, "price_max": str(car.usd - 1)})
    # and when the page's script compares the bound exclusively, the same filters differ too
    exclusive = PageMatcher(tmp_path, lambda source: _replaced(source, "value <= hi", "value < hi"))
    try:
        assert car.stock_no in python_shows(filters) - exclusive.shown(form_values(filters.values()))
    finally:
        exclusive.close()


def _replaced(source: str, old: str, new: str) -> str:
    assert source.count(old) == 1, f"stock-list.js no longer has {old!r}"
    return source.replace(old, new)


def test_the_saved_search_fields_are_the_pages_filters_in_its_order(page: PageMatcher) -> None:
    assert [name for name in page.filters if name != "sort"] == list(FILTER_NAMES)


# --- many searches at once -------------------------------------------------------------------------------------
@settings(max_examples=60, deadline=None, database=None)
@given(alerts=st.lists(raw_filters().map(StockFilters.model_validate), max_size=80))
def test_alert_matcher_finds_every_search_each_car_matches(alerts: list[StockFilters]) -> None:
    # Given many searches, keyed by their position
    matcher = AlertMatcher(enumerate(alerts))
    assert len(matcher) == len(alerts)
    for car in CARS:
        # When a car is matched against them all, Then it finds exactly the searches that match it, once each
        assert sorted(matcher.matching(car)) == [key for key, filters in enumerate(alerts) if matches(filters, car)]


def test_alert_matcher_with_searches_of_every_kind() -> None:
    # Given the same search under make, model, body and none of them, for a car that has all three
    car: Car = CARS[0]
    searches = [
        StockFilters(),
        StockFilters(make=car.make),
        StockFilters(model=car.model),
        StockFilters(body=BodyType(car.body)),
        StockFilters(make=car.make, model=car.model, body=BodyType(car.body)),
        StockFilters(make=car.make, price_max=max(car.usd - 1, 0)),
    ]
    # Then all but the one priced below it match it
    assert sorted(AlertMatcher(enumerate(searches)).matching(car)) == [0, 1, 2, 3, 4]


# --- what a saved search refuses --------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("raw", "field"),
    [
        ({"colour": "red"}, "colour"),
        ({"make": "Toyota", "sort": "price"}, "sort"),
        ({"body": "spaceship"}, "body"),
        ({"fuel": "Petrol"}, "fuel"),
        ({"drive": "4WD"}, "drive"),
        ({"steering": "centre"}, "steering"),
        ({"transmission": ""}, "transmission"),
        ({"price_max": -1}, "price_max"),
        ({"year_min": -2020}, "year_min"),
        ({"km_min": -5}, "km_min"),
        ({"q": "GDH\x00201"}, "q"),
        ({"q": "\x1b[2J"}, "q"),
        ({"make": "Toy\nota"}, "make"),
        ({"model": "Prius\x85"}, "model"),
        ({"model": "Prius\x7f"}, "model"),
        ({"make": "Toyota\u2028"}, "make"),
        ({"model": "\u202eairP"}, "model"),
        ({"q": "GDH\u2066201"}, "q"),
        ({"make": ""}, "make"),
        ({"q": "x" * 41}, "q"),
    ],
)
def test_bad_filters_are_refused_naming_the_field(raw: dict[str, Any], field: str) -> None:
    with pytest.raises(ValidationError) as caught:
        StockFilters.model_validate(raw)
    assert {error["loc"][0] for error in caught.value.errors()} == {field}


def test_filters_are_frozen_and_spaces_alone_are_no_search() -> None:
    filters = StockFilters(q=" \u00a0\ufeff ")
    assert filters.q is None
    assert filters.is_empty()
    assert filters.query() == ""
    with pytest.raises(ValidationError):
        filters.make = "Toyota"  # type: ignore[misc]


def test_a_tab_or_newline_around_the_text_is_trimmed_as_the_page_trims_it() -> None:
    # Given a chassis number pasted with a tab or a line break around it, as the page's trim() drops them
    for pasted in ("GDH201\t", "\nGDH201\r\n", "\t GDH201 \u3000"):
        # Then the saved search keeps the same text the page searches for
        assert StockFilters(q=pasted).q == "GDH201"
    # But inside the text they are still refused
    with pytest.raises(ValidationError):
        StockFilters(q="GDH\t201")
