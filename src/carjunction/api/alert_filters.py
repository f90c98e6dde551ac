"""The stock page's filters, as a saved search keeps them, and what they match: the same cars the stock page's
script shows for the same filters (``stockMatcher`` in content/assets/js/stock-list.js; the property tests run both).

- make, model: the exact names (a model alone matches that model name under any make, as the page does);
- body, fuel, transmission, drive, steering: the catalogue's codes, exactly;
- year (registration year), price (FOB, US$) and mileage: inclusive bounds, either end open;
- q: the text, trimmed and upper-cased as the script does, found in the stock number, the model code or the chassis
  number.

Pure and Lambda-safe (pydantic and the standard library): the API validates saved searches with it, the alert job
and staff's demand view match with it.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum
from typing import TYPE_CHECKING, Annotated, Generic, TypeVar
from urllib.parse import urlencode

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, field_validator

from carjunction.catalogue.vehicle import BodyType, Drive, Fuel, Steering, Transmission

if TYPE_CHECKING:
    from carjunction.catalogue import Vehicle

# In the stock page's order (stock-list.js FILTERS, without "sort"): a saved search's link reads as the page's own.
FILTER_NAMES = (
    "q",
    "make",
    "model",
    "body",
    "year_min",
    "year_max",
    "price_min",
    "price_max",
    "km_min",
    "km_max",
    "steering",
    "transmission",
    "fuel",
    "drive",
)
# What String.prototype.trim removes (ECMAScript WhiteSpace and LineTerminator); str.strip() differs from it on
# a few characters (U+001C–U+001F, U+0085 are space to Python; U+FEFF is space to JavaScript).
JS_WHITESPACE = "\t\n\v\f\r \u00a0\u1680\u2028\u2029\u202f\u205f\u3000\ufeff" + "".join(map(chr, range(0x2000, 0x200B)))
# Control characters, line and paragraph separators, and the invisible marks that turn text around (bidi
# overrides): nothing a search needs, and each could disguise what staff or the member read back.
NO_CONTROLS = r"^[^\x00-\x1f\x7f-\x9f\u2028\u2029\u200e\u200f\u202a-\u202e\u2066-\u2069]*$"

Name = Annotated[str, StringConstraints(min_length=1, max_length=120, pattern=NO_CONTROLS)]
Bound = Annotated[int, Field(ge=0, le=100_000_000)]


class StockFilters(BaseModel):
    """A stock search: every filter optional, as the stock page's form; None is "any"."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    q: Annotated[str, StringConstraints(max_length=40, pattern=NO_CONTROLS)] | None = None
    make: Name | None = None
    model: Name | None = None
    body: BodyType | None = None
    year_min: Bound | None = None
    year_max: Bound | None = None
    price_min: Bound | None = None
    price_max: Bound | None = None
    km_min: Bound | None = None
    km_max: Bound | None = None
    steering: Steering | None = None
    transmission: Transmission | None = None
    fuel: Fuel | None = None
    drive: Drive | None = None

    @field_validator("q", mode="before")
    @classmethod
    def _trimmed(cls, value: object) -> object:
        # Trimmed as the page trims it, before the checks: a pasted "GDH201<tab>" is the page's "GDH201", not an
        # error. A q of spaces is None, so two searches that differ only by spaces are one.
        if not isinstance(value, str):
            return value  # the type check says what is wrong
        return value.strip(JS_WHITESPACE) or None

    def is_empty(self) -> bool:
        return not self.values()

    def values(self) -> dict[str, str | int]:
        """The set filters as the stock page's URL writes them (codes for the enums), in the page's order."""
        dumped = self.model_dump(mode="json", exclude_none=True)
        return {name: dumped[name] for name in FILTER_NAMES if name in dumped}

    def query(self) -> str:
        """The stock page's URL query for these filters, e.g. ``make=Toyota&body=suv``."""
        return urlencode(self.values())


@dataclass(frozen=True, slots=True)
class Car:
    """What the filters look at, of one listed car."""

    stock_no: str
    make: str
    model: str
    model_code: str
    chassis_no: str
    year: int
    km: int
    usd: int
    fuel: str
    transmission: str
    drive: str
    steering: str
    body: str


def car_from_vehicle(vehicle: Vehicle) -> Car:
    return Car(
        stock_no=vehicle.stock_no,
        make=vehicle.make,
        model=vehicle.model,
        model_code=vehicle.model_code,
        chassis_no=vehicle.chassis_no,
        year=vehicle.registration_year,
        km=vehicle.mileage_km,
        usd=vehicle.price_usd,
        fuel=vehicle.fuel.value,
        transmission=vehicle.transmission.value,
        drive=vehicle.drive.value,
        steering=vehicle.steering.value,
        body=vehicle.body_type.value,
    )


# A search compiled for matching: the bounds as numbers (open ends as ±infinity), the codes, the upper-cased text.
@dataclass(frozen=True, slots=True)
class _Compiled:
    year: tuple[float, float]
    usd: tuple[float, float]
    km: tuple[float, float]
    codes: tuple[tuple[str, str], ...]  # (Car field, code) pairs that must be equal
    text: str


def _compile(filters: StockFilters) -> _Compiled:
    def bounds(low: int | None, high: int | None) -> tuple[float, float]:
        return (float("-inf") if low is None else low, float("inf") if high is None else high)

    enums: tuple[tuple[str, StrEnum | None], ...] = (
        ("body", filters.body),
        ("fuel", filters.fuel),
        ("transmission", filters.transmission),
        ("drive", filters.drive),
        ("steering", filters.steering),
    )
    return _Compiled(
        year=bounds(filters.year_min, filters.year_max),
        usd=bounds(filters.price_min, filters.price_max),
        km=bounds(filters.km_min, filters.km_max),
        codes=tuple((field, code.value) for field, code in enums if code is not None),
        text=(filters.q or "").upper(),
    )


def _rest_matches(compiled: _Compiled, car: Car) -> bool:
    """Everything but make and model, which AlertMatcher looks up and matches() compares itself."""
    year, usd, km = compiled.year, compiled.usd, compiled.km
    if not (year[0] <= car.year <= year[1] and usd[0] <= car.usd <= usd[1] and km[0] <= car.km <= km[1]):
        return False
    if any(getattr(car, field) != code for field, code in compiled.codes):
        return False
    text = compiled.text
    return not text or text in car.stock_no or text in car.model_code or text in car.chassis_no


def matches(filters: StockFilters, car: Car) -> bool:
    """Whether the stock page shows ``car`` for ``filters``."""
    if filters.make is not None and car.make != filters.make:
        return False
    if filters.model is not None and car.model != filters.model:
        return False
    return _rest_matches(_compile(filters), car)


K = TypeVar("K")


class AlertMatcher(Generic[K]):
    """Many saved searches against many cars. Searches are filed by (make, model, body), each of which may be
    "any"; a car looks in the 8 files that can hold a search it matches, instead of testing every search."""

    def __init__(self, alerts: Iterable[tuple[K, StockFilters]]) -> None:
        self._files: dict[tuple[str | None, str | None, str | None], list[tuple[K, _Compiled]]] = defaultdict(list)
        for alert_key, filters in alerts:
            body = filters.body.value if filters.body is not None else None
            self._files[(filters.make, filters.model, body)].append((alert_key, _compile(filters)))
        self._files = dict(self._files)  # lookups of empty files must not grow it

    def matching(self, car: Car) -> list[K]:
        """The keys of the searches that show ``car``, in the order they were given within each file."""
        found: list[K] = []
        for make in (car.make, None):
            for model in (car.model, None):
                for body in (car.body, None):
                    for alert_key, compiled in self._files.get((make, model, body), ()):
                        if _rest_matches(compiled, car):
                            found.append(alert_key)
        return found

    def __len__(self) -> int:
        return sum(len(file) for file in self._files.values())
