"""Fill the phrases from labels.yaml with a vehicle's facts. Only formatting here, no words."""

from __future__ import annotations

import re

from carjunction.catalogue import Vehicle
from carjunction.site.numbers import Number, number_format
from carjunction.site.settings import Labels

USD_DECIMALS = 0  # FOB prices are whole US dollars (catalogue/vehicle.py)


def grouped(number: int, locale: str) -> str:
    """A whole number, its digits grouped as the page's language groups them."""
    return number_format(locale).integer(number)


def decimal(number: Number, places: int, locale: str) -> str:
    return number_format(locale).fixed(number, places)


def usd(amount: int, locale: str) -> str:
    """A price in US dollars, without its sign (that is words: labels.yaml's ``usd`` unit)."""
    return number_format(locale).money(amount, USD_DECIMALS)


def measure(labels: Labels, unit: str, number: int | str, locale: str) -> str:
    """A quantity in its unit; a whole number is grouped for ``locale``, a string is shown as it is."""
    shown = grouped(number, locale) if isinstance(number, int) else number
    return labels.units[unit].format(n=shown)


def price(labels: Labels, amount: int, locale: str) -> str:
    return measure(labels, "usd", usd(amount, locale), locale)


def slug(text: str) -> str:
    """A lower-case, URL-safe name: "Mercedes-Benz" → "mercedes-benz"."""
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-") or "other"


def vehicle_title(labels: Labels, vehicle: Vehicle) -> str:
    return labels.text["vehicle_title"].format(year=vehicle.registration_year, make=vehicle.make, model=vehicle.model)


def vehicle_facts(labels: Labels, vehicle: Vehicle, locale: str) -> dict[str, str]:
    """The values the phrases in labels.yaml may name, already in the buyer's words and numbers."""
    return {
        "title": vehicle_title(labels, vehicle),
        "make": vehicle.make,
        "model": vehicle.model,
        "grade": vehicle.grade or "",
        "stock_no": vehicle.stock_no,
        "mileage": measure(labels, "km", vehicle.mileage_km, locale),
        "price": price(labels, vehicle.price_usd, locale),
        "fuel": labels.fuel[vehicle.fuel.value],
        "transmission": labels.transmission[vehicle.transmission.value],
        "steering": labels.steering[vehicle.steering.value],
        "year": str(vehicle.registration_year),
    }


SPACES = re.compile(r"\s{2,}")
SPACE_BEFORE_STOP = re.compile(r"\s+([,.])")


def phrase(labels: Labels, key: str, **facts: object) -> str:
    # A missing grade leaves a double space or a space before a comma; tidy both.
    text = labels.text[key].format(**facts)
    return SPACE_BEFORE_STOP.sub(r"\1", SPACES.sub(" ", text)).strip()
