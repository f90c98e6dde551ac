"""The stock index stays within 40 bytes per vehicle gzipped, at a realistic stock size."""

from __future__ import annotations

import datetime as dt
import gzip
import json
import random
from hashlib import sha256

from carjunction.catalogue import Vehicle
from carjunction.site import Photo
from carjunction.site.stock_index import stock_index_json
from tests.support.factories import TODAY, vehicle_data

MODELS = [
    ("Toyota", "Hiace Van", "GDH201V"),
    ("Toyota", "Prius", "ZVW30"),
    ("Nissan", "Note", "E12"),
    ("Honda", "Fit", "GK3"),
    ("Mazda", "CX-5", "KE2FW"),
    ("Isuzu", "Elf", "NKR85"),
]


def synthetic_stock(count: int, seed: int) -> list[Vehicle]:
    rng = random.Random(seed)  # noqa: S311 - test data, not secrets
    vehicles = []
    for number in range(count):
        make, model, code = rng.choice(MODELS)
        data = vehicle_data(
            stock_no=f"CJ{number + 10000:06d}",
            make=make,
            model=model,
            model_code=code,
            chassis_no=f"{code}-{rng.randint(1000000, 9999999)}",
            mileage_km=rng.randint(5000, 250000),
            price_usd=rng.randint(20, 400) * 100,
            photos=["01.jpg"],
            fuel=rng.choice(["petrol", "diesel", "hybrid"]),
            steering=rng.choice(["right", "left"]),
            added=dt.date(2026, 1, 1) + dt.timedelta(days=rng.randint(0, 300)),
        )
        vehicles.append(Vehicle.model_validate(data, context={"today": TODAY}))
    return vehicles


def test_two_thousand_vehicles_take_at_most_40_bytes_each_gzipped() -> None:
    # Given 2,000 varied vehicles
    vehicles = synthetic_stock(2000, seed=7)
    # (each car its own photo, as in a real yard: distinct ids, which gzip cannot fold together)
    photos = {
        (v.stock_no, "01.jpg"): Photo(
            id=sha256(v.stock_no.encode()).hexdigest()[:20], width=1200, height=900, widths=(360, 640, 960)
        )
        for v in vehicles
    }
    # When indexed
    raw = stock_index_json(vehicles, photos)
    # Then it is small, and it still holds every stock number and chassis number
    assert len(gzip.compress(raw, 9)) / len(vehicles) <= 40
    index = json.loads(raw)
    assert index["no"] == [v.stock_no for v in vehicles]
    code, rest = index["codes"][index["mc"][0]], index["ch"][0]
    assert (code + rest if rest.startswith("-") else rest) == vehicles[0].chassis_no
