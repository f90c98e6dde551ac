"""The committed content: sample stock, ports, company, and the schemas generated from the models."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest

from carjunction.catalogue import Steering, load_catalogue
from carjunction.catalogue.schema import schema_texts

ROOT = Path(__file__).resolve().parents[2]
CONTENT = ROOT / "content"


def test_the_committed_schemas_are_current() -> None:
    # Given the schemas generated from the models now
    for name, text in schema_texts().items():
        # Then the committed copy is identical (regenerate with `carjunction schema`)
        assert (ROOT / "schemas" / name).read_text(encoding="utf-8") == text, f"schemas/{name} is stale"


def test_the_sample_stock_loads_without_problems() -> None:
    catalogue = load_catalogue(CONTENT)
    vehicles = catalogue.vehicles
    assert len(vehicles) >= 40
    makes = Counter(v.make for v in vehicles)
    assert {"Toyota", "Nissan", "Honda", "Mazda", "Mitsubishi", "Subaru", "Suzuki", "Isuzu", "Hino"} <= set(makes)
    assert {v.body_type.value for v in vehicles} >= {"sedan", "wagon", "van", "suv", "pickup", "truck", "bus"}
    steering = Counter(v.steering for v in vehicles)
    assert steering[Steering.RIGHT] > steering[Steering.LEFT] > 0
    assert {v.fuel.value for v in vehicles} >= {"petrol", "diesel", "hybrid"}


def test_every_sample_photo_is_small() -> None:
    photos = [p for p in (CONTENT / "vehicles").glob("*/*") if p.is_file()]
    assert photos
    assert max(p.stat().st_size for p in photos) < 60_000


@pytest.mark.parametrize("path", sorted((CONTENT / "vehicles").glob("*.yaml")), ids=lambda p: p.name)
def test_every_vehicle_file_names_its_schema(path: Path) -> None:
    first_line = path.read_text(encoding="utf-8").splitlines()[0]
    assert first_line == "# yaml-language-server: $schema=../../schemas/vehicle.schema.json"


def test_ports_cover_the_main_markets() -> None:
    shipping = load_catalogue(CONTENT).shipping
    names = {p.name for p in shipping.ports}
    assert len(shipping.ports) >= 25
    assert {"Mombasa", "Dar es Salaam", "Durban", "Kingston", "Karachi", "Auckland", "Vladivostok"} <= names
    kenya = shipping.country("KE")
    assert kenya.inspection is not None
    assert kenya.inspection.name == "QISJ"
