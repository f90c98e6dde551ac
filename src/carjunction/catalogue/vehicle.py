"""The vehicle: one YAML file in content/vehicles/, validated by this model.

Units live in the field names (``_km``, ``_mm``, ``_kg``, ``_cc``, ``_usd``) so a
staff member editing YAML never has to guess them. Enum values are short codes;
the words a buyer reads for them live in the site's data files, not here.
"""

from __future__ import annotations

import datetime as dt
import re
from enum import StrEnum
from typing import Annotated, Any

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    StringConstraints,
    ValidationInfo,
    field_validator,
    model_validator,
)

STOCK_NO_PATTERN = r"^[A-Z0-9][A-Z0-9-]{2,19}$"
YEAR_MONTH_PATTERN = re.compile(r"^(\d{4})-(\d{2})$")
EARLIEST_YEAR = 1950


class Fuel(StrEnum):
    PETROL = "petrol"
    DIESEL = "diesel"
    HYBRID = "hybrid"
    PLUG_IN_HYBRID = "plug_in_hybrid"
    ELECTRIC = "electric"
    LPG = "lpg"


class Transmission(StrEnum):
    AUTOMATIC = "automatic"
    MANUAL = "manual"
    CVT = "cvt"


class Drive(StrEnum):
    TWO_WD = "2wd"
    FOUR_WD = "4wd"
    AWD = "awd"


class Steering(StrEnum):
    RIGHT = "right"
    LEFT = "left"


class BodyType(StrEnum):
    SEDAN = "sedan"
    HATCHBACK = "hatchback"
    WAGON = "wagon"
    COUPE = "coupe"
    CONVERTIBLE = "convertible"
    SUV = "suv"
    MINIVAN = "minivan"
    VAN = "van"
    PICKUP = "pickup"
    TRUCK = "truck"
    BUS = "bus"


class Status(StrEnum):
    """What staff set in the YAML. Reservation is live state, kept in DynamoDB."""

    AVAILABLE = "available"
    WITHDRAWN = "withdrawn"
    SOLD = "sold"


def _whole(unit: str, minimum: int, maximum: int, description: str, **default: Any) -> Any:
    # strict: YAML already yields ints; a quoted "85000" or 85000.5 is a typo to report.
    return Field(
        strict=True, ge=minimum, le=maximum, description=description, json_schema_extra={"unit": unit}, **default
    )


Text = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=120)]
LongText = Annotated[str, StringConstraints(strip_whitespace=True, max_length=2000)]
PhotoName = Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9_.-]+\.(jpg|jpeg|png|webp)$")]


def parse_year_month(value: object, today: dt.date) -> str:
    """Check a ``YYYY-MM`` year and month, as on a Japanese export certificate."""
    if not isinstance(value, str) or not (match := YEAR_MONTH_PATTERN.match(value)):
        raise ValueError(f'must be a year and month written YYYY-MM, got "{value}"')
    year, month = int(match.group(1)), int(match.group(2))
    if not 1 <= month <= 12:
        raise ValueError(f'month must be 01 to 12, got "{value}"')
    if not EARLIEST_YEAR <= year <= today.year + 1 or (year, month) > (today.year, today.month):
        raise ValueError(f'must be a month between {EARLIEST_YEAR}-01 and this month, got "{value}"')
    return value


class Vehicle(BaseModel):
    """One vehicle in stock, exactly as a staff member writes it."""

    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True)

    stock_no: Annotated[str, StringConstraints(pattern=STOCK_NO_PATTERN)] = Field(
        description="Stock number, upper-case letters, digits and dashes; the file is named after it."
    )
    make: Text = Field(description="Manufacturer, e.g. Toyota.")
    model: Text = Field(description="Model name, e.g. Land Cruiser Prado.")
    grade: Text | None = Field(default=None, description="Grade or trim, e.g. TX L Package.")
    model_code: Annotated[str, StringConstraints(pattern=r"^[A-Z0-9][A-Z0-9-]{1,19}$")] = Field(
        description="Manufacturer's model code, e.g. TRJ150W."
    )
    chassis_no: Annotated[str, StringConstraints(pattern=r"^[A-Z0-9][A-Z0-9-]{4,24}$")] = Field(
        description="Chassis (frame) number or VIN."
    )
    registration: str = Field(pattern=YEAR_MONTH_PATTERN.pattern, description="First registration, YYYY-MM.")
    manufacture: str = Field(pattern=YEAR_MONTH_PATTERN.pattern, description="Month of manufacture, YYYY-MM.")
    mileage_km: int = _whole("km", 0, 2_000_000, "Odometer reading in kilometres.")
    engine_cc: int = _whole("cc", 0, 20_000, "Engine displacement in cc; 0 for an electric car.")
    fuel: Fuel
    transmission: Transmission
    drive: Drive
    steering: Steering
    body_type: BodyType
    doors: int = _whole("doors", 0, 6, "Number of doors, counting a tailgate.")
    seats: int = _whole("seats", 1, 80, "Number of seats.")
    colour: Text
    length_mm: int = _whole("mm", 2000, 14_000, "Overall length in millimetres.")
    width_mm: int = _whole("mm", 1000, 2_600, "Overall width in millimetres.")
    height_mm: int = _whole("mm", 1000, 4_000, "Overall height in millimetres.")
    weight_kg: int = _whole("kg", 400, 30_000, "Vehicle weight in kilograms.")
    options: list[Text] = Field(default_factory=list, max_length=60, description="Fitted options, one per line.")
    condition_notes: LongText = Field(default="", description="Honest notes on condition: scratches, repairs.")
    yard: Text = Field(description="Yard where the vehicle stands, e.g. Yokohama.")
    status: Status = Status.AVAILABLE
    price_usd: int = _whole("USD", 1, 5_000_000, "FOB price in whole US dollars.")
    was_price_usd: int | None = _whole("USD", 1, 5_000_000, "Earlier FOB price, shown struck through.", default=None)
    photos: list[PhotoName] = Field(
        default_factory=list, max_length=40, description="Photo files in vehicles/<stock_no>/, first is the main one."
    )
    added: dt.date = Field(description="Date the vehicle was added to stock, YYYY-MM-DD.")

    @field_validator("registration", "manufacture", mode="before")
    @classmethod
    def _year_month(cls, value: object, info: ValidationInfo) -> str:
        # The loader passes "today" in the context so that a build is reproducible.
        today = (info.context or {}).get("today") or dt.date.today()
        return parse_year_month(value, today)

    @field_validator("photos")
    @classmethod
    def _unique_photos(cls, photos: list[str]) -> list[str]:
        seen = [p for i, p in enumerate(photos) if p in photos[:i]]
        if seen:
            raise ValueError(f'lists "{seen[0]}" twice')
        return photos

    @model_validator(mode="after")
    def _consistent(self) -> Vehicle:
        if self.manufacture > self.registration:
            raise ValueError("manufacture: must not be later than registration")
        if self.was_price_usd is not None and self.was_price_usd <= self.price_usd:
            raise ValueError("was_price_usd: must be higher than price_usd (it is shown as the earlier price)")
        return self

    @property
    def volume_litres(self) -> int:
        """Freight volume in litres (thousandths of a m³), rounded half up."""
        mm3 = self.length_mm * self.width_mm * self.height_mm
        return (mm3 + 500_000) // 1_000_000

    @property
    def volume_m3(self) -> float:
        return self.volume_litres / 1000

    @property
    def registration_year(self) -> int:
        return int(self.registration[:4])

    @property
    def title(self) -> str:
        return f"{self.registration_year} {self.make} {self.model}"
