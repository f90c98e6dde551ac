"""The landed-cost quote against the shared vectors that the JavaScript calculator also passes."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from carjunction.catalogue import Country, Incoterm, Inspection, Port, Vehicle, quote
from tests.support.factories import TODAY, vehicle_data

VECTORS = json.loads((Path(__file__).parents[1] / "vectors" / "quote.json").read_text(encoding="utf-8"))


def case_inputs(case: dict[str, Any]) -> tuple[Vehicle, Port, Country]:
    vehicle = Vehicle.model_validate(vehicle_data(**case["vehicle"]), context={"today": TODAY})
    port = Port(code="XXAAA", name="Test port", country="XX", **case["port"])
    fee = case["inspection_fee_usd"]
    country = Country(code="XX", name="Testland", inspection=Inspection(name="TEST", fee_usd=fee) if fee else None)
    return vehicle, port, country


def test_the_vectors_cover_every_incoterm_and_rounding_edge() -> None:
    assert {c["incoterm"] for c in VECTORS} == {"FOB", "CFR", "CIF"}
    assert len(VECTORS) >= 30
    assert any("half" in c["name"] for c in VECTORS)


@pytest.mark.parametrize("case", VECTORS, ids=[c["name"] for c in VECTORS])
def test_quote_matches_the_shared_vector(case: dict[str, Any]) -> None:
    # Given the vector's vehicle, port and country
    vehicle, port, country = case_inputs(case)
    # When quoted on its incoterm
    result = quote(vehicle, port, country, Incoterm(case["incoterm"]))
    # Then every component and the total match, to the dollar
    expected = case["expected"]
    assert result.model_dump(include=set(expected)) == expected


def test_total_is_the_sum_of_its_parts_and_cif_is_the_most() -> None:
    vehicle, port, country = case_inputs(VECTORS[0])
    quotes = {term: quote(vehicle, port, country, term) for term in Incoterm}
    for q in quotes.values():
        assert q.total_usd == q.fob_usd + q.freight_usd + q.insurance_usd + q.inspection_usd
    assert quotes[Incoterm.FOB].total_usd < quotes[Incoterm.CFR].total_usd < quotes[Incoterm.CIF].total_usd


def test_a_port_of_another_country_is_refused() -> None:
    vehicle, port, _ = case_inputs(VECTORS[0])
    with pytest.raises(ValueError, match="port XXAAA is in XX, not KE"):
        quote(vehicle, port, Country(code="KE", name="Kenya"), Incoterm.CIF)


def test_insurance_rates_keep_their_decimals_exactly() -> None:
    port = Port(code="KEMBA", name="Mombasa", country="KE", freight_usd_per_m3=58, insurance_rate_pct=1.1)  # type: ignore[arg-type]
    assert port.insurance_rate_pct == Decimal("1.1")
    assert port.insurance_basis_points == 110
