"""Destination ports, the countries they serve, and what each country requires.

The data is ``content/shipping/ports.yaml``; staff change rates there, never here.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, field_validator, model_validator

CountryCode = Annotated[str, StringConstraints(pattern=r"^[A-Z]{2}$")]
PortCode = Annotated[str, StringConstraints(pattern=r"^[A-Z]{2}[A-Z0-9]{3}$")]


class Inspection(BaseModel):
    """A pre-export inspection the destination country requires, done in Japan."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    name: str = Field(min_length=1, max_length=40, description="Inspection body, e.g. QISJ.")
    fee_usd: int = Field(strict=True, ge=0, le=5000)


class Country(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    code: CountryCode = Field(description="ISO 3166-1 alpha-2 code.")
    name: str = Field(min_length=1, max_length=60)
    inspection: Inspection | None = None
    max_age_years: int | None = Field(default=None, strict=True, ge=1, le=50, description="Import age limit.")


class Port(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    code: PortCode = Field(description="UN/LOCODE of the port, e.g. KEMBA.")
    name: str = Field(min_length=1, max_length=60)
    country: CountryCode
    freight_usd_per_m3: int = Field(strict=True, ge=1, le=1000, description="RoRo freight from Japan per m³.")
    insurance_rate_pct: Decimal = Field(
        ge=0, le=10, description="Marine insurance premium, percent of the insured value (110% of CFR)."
    )

    @field_validator("insurance_rate_pct", mode="before")
    @classmethod
    def _exact_decimal(cls, value: object) -> Decimal:
        # Go through str so 1.1 stays 1.1 and not 1.100000000000000088817841970012523.
        if isinstance(value, bool) or not isinstance(value, (int, float, str)):
            raise ValueError("must be a percentage such as 1.5")
        result = Decimal(str(value))
        if result.as_tuple().exponent < -2:  # type: ignore[operator]
            raise ValueError("must have at most two decimal places")
        return result

    @property
    def insurance_basis_points(self) -> int:
        return int(self.insurance_rate_pct * 100)


class Shipping(BaseModel):
    """All destinations: look a port up by code and its country with it."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    countries: list[Country]
    ports: list[Port]

    @model_validator(mode="after")
    def _references(self) -> Shipping:
        country_codes = [c.code for c in self.countries]
        port_codes = [p.code for p in self.ports]
        for codes, what in ((country_codes, "country"), (port_codes, "port")):
            duplicates = sorted({c for c in codes if codes.count(c) > 1})
            if duplicates:
                raise ValueError(f"{what} {duplicates[0]} is listed twice")
        unknown = sorted({p.country for p in self.ports} - set(country_codes))
        if unknown:
            raise ValueError(f"port country {unknown[0]} is not in countries")
        return self

    def port(self, code: str) -> Port:
        for port in self.ports:
            if port.code == code:
                return port
        raise KeyError(code)

    def country(self, code: str) -> Country:
        for country in self.countries:
            if country.code == code:
                return country
        raise KeyError(code)
