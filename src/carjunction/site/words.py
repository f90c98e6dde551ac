"""Fill the phrases from labels.yaml with a vehicle's facts. Only formatting here, no words."""

from __future__ import annotations

import re

from carjunction.catalogue import Vehicle
from carjunction.site.settings import Labels


def grouped(number: int) -> str:
    return f"{number:,}"


def measure(labels: Labels, unit: str, number: int | float | str) -> str:
    shown = grouped(number) if isinstance(number, int) else str(number)
    return labels.units[unit].format(n=shown)


def slug(text: str) -> str:
    """A lower-case, URL-safe name: "Mercedes-Benz" → "mercedes-benz"."""
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-") or "other"


def vehicle_title(labels: Labels, vehicle: Vehicle) -> str:
    return labels.text["vehicle_title"].format(year=vehicle.registration_year, make=vehicle.make, model=vehicle.model)


def vehicle_facts(labels: Labels, vehicle: Vehicle) -> dict[str, str]:
    """The values the phrases in labels.yaml may name, already in the buyer's words."""
    return {
        "title": vehicle_title(labels, vehicle),
        "make": vehicle.make,
        "model": vehicle.model,
        "grade": vehicle.grade or "",
        "stock_no": vehicle.stock_no,
        "mileage": measure(labels, "km", vehicle.mileage_km),
        "price": measure(labels, "usd", vehicle.price_usd),
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
