"""The landed-cost quote. This is the authoritative computation; orders and invoices use it.

Rounding rule (the JavaScript calculator follows it to the dollar): every component
is computed in exact integer arithmetic and rounded half up to a whole US dollar on
its own; the total is the sum of the rounded components.

- volume: L × W × H in mm, in whole litres (0.001 m³), rounded half up
- freight = volume × port rate per m³
- insurance (CIF only) = (FOB + freight) × 110% × premium rate, the usual cover of
  110% of the CFR value
- inspection: the destination country's pre-export inspection fee, when it has one;
  it is done in Japan before loading, so it applies to every incoterm
"""

from __future__ import annotations

from enum import StrEnum

from pydantic import BaseModel, ConfigDict

from carjunction.catalogue.ports import Country, Port
from carjunction.catalogue.vehicle import Vehicle

INSURED_VALUE_PCT = 110


class Incoterm(StrEnum):
    FOB = "FOB"
    CFR = "CFR"
    CIF = "CIF"


class Quote(BaseModel):
    model_config = ConfigDict(frozen=True)

    stock_no: str
    port: str
    country: str
    incoterm: Incoterm
    volume_m3: float
    fob_usd: int
    freight_usd: int
    insurance_usd: int
    inspection: str | None
    inspection_usd: int
    total_usd: int


def divide_half_up(numerator: int, denominator: int) -> int:
    """numerator / denominator rounded half up, for non-negative integers."""
    return (2 * numerator + denominator) // (2 * denominator)


def quote(vehicle: Vehicle, port: Port, country: Country, incoterm: Incoterm) -> Quote:
    if port.country != country.code:
        raise ValueError(f"port {port.code} is in {port.country}, not {country.code}")
    litres = vehicle.volume_litres
    freight = divide_half_up(litres * port.freight_usd_per_m3, 1000) if incoterm != Incoterm.FOB else 0
    insurance = 0
    if incoterm == Incoterm.CIF:
        insured = (vehicle.price_usd + freight) * INSURED_VALUE_PCT * port.insurance_basis_points
        insurance = divide_half_up(insured, 100 * 10_000)
    inspection_fee = country.inspection.fee_usd if country.inspection else 0
    return Quote(
        stock_no=vehicle.stock_no,
        port=port.code,
        country=country.code,
        incoterm=incoterm,
        volume_m3=litres / 1000,
        fob_usd=vehicle.price_usd,
        freight_usd=freight,
        insurance_usd=insurance,
        inspection=country.inspection.name if country.inspection else None,
        inspection_usd=inspection_fee,
        total_usd=vehicle.price_usd + freight + insurance + inspection_fee,
    )
