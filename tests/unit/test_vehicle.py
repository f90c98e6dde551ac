"""The vehicle model: what it accepts, and what it derives."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from carjunction.catalogue import Steering, Vehicle
from tests.support.factories import TODAY, vehicle_data


def validate(**changes: object) -> Vehicle:
    return Vehicle.model_validate(vehicle_data(**changes), context={"today": TODAY})


def test_a_complete_record_is_a_vehicle() -> None:
    # Given a record as staff write it / When it is validated
    vehicle = validate(steering="left")
    # Then the fields are typed
    assert vehicle.steering is Steering.LEFT
    assert vehicle.registration == "2019-03"
    assert vehicle.registration_year == 2019


def test_volume_is_the_box_in_whole_litres() -> None:
    # Given 4695 x 1695 x 1980 mm = 15,756,889,500 mm³
    vehicle = validate(length_mm=4695, width_mm=1695, height_mm=1980)
    # Then the freight volume is 15,757 litres = 15.757 m³
    assert vehicle.volume_litres == 15757
    assert vehicle.volume_m3 == pytest.approx(15.757)


def test_title_names_year_make_and_model() -> None:
    assert validate(make="Nissan", model="Caravan", registration="2016-07", manufacture="2016-05").title == (
        "2016 Nissan Caravan"
    )


@pytest.mark.parametrize(
    "changes",
    [
        {"registration": "2027-01"},  # in the future
        {"registration": "2019-13"},
        {"manufacture": "2019-04", "registration": "2019-03"},
        {"was_price_usd": 14000, "price_usd": 14800},
        {"mileage_km": True},
        {"mileage_km": 85000.5},
        {"price_usd": "14800"},
        {"photos": ["01.jpg", "01.jpg"]},
        {"photos": ["../secret.jpg"]},
        {"stock_no": "cj-1"},
        {"colour": "   "},
    ],
)
def test_invalid_values_are_refused(changes: dict[str, object]) -> None:
    with pytest.raises(ValidationError):
        validate(**changes)


def test_this_month_is_a_valid_registration() -> None:
    assert validate(registration="2026-11", manufacture="2026-10").registration == "2026-11"


def test_text_is_trimmed() -> None:
    assert validate(colour="  Silver ").colour == "Silver"
