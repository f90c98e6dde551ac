"""Valid records to start tests from; each test changes only what it is about."""

from __future__ import annotations

import datetime as dt
import itertools
from pathlib import Path
from typing import Any

import yaml

TODAY = dt.date(2026, 11, 24)
_serial = itertools.count(1)


def unique_stock_no() -> str:
    return f"TS{next(_serial):05d}"


def vehicle_data(**changes: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "stock_no": unique_stock_no(),
        "make": "Toyota",
        "model": "Hiace Van",
        "grade": "Super GL",
        "model_code": "GDH201V",
        "chassis_no": "GDH201-1012345",
        "registration": "2019-03",
        "manufacture": "2019-01",
        "mileage_km": 85000,
        "engine_cc": 2754,
        "fuel": "diesel",
        "transmission": "automatic",
        "drive": "2wd",
        "steering": "right",
        "body_type": "van",
        "doors": 5,
        "seats": 6,
        "colour": "Pearl White",
        "length_mm": 4695,
        "width_mm": 1695,
        "height_mm": 1980,
        "weight_kg": 1950,
        "options": ["Air conditioning", "Power steering"],
        "condition_notes": "Small dent on rear bumper.",
        "yard": "Yokohama",
        "status": "available",
        "price_usd": 14800,
        "photos": [],
        "added": dt.date(2026, 11, 2),
    }
    data.update(changes)
    return data


def write_vehicle(directory: Path, data: dict[str, Any], *, name: str | None = None, photos: bool = True) -> Path:
    """Write ``data`` as a vehicle file (and empty photo files for its photos, unless told not to)."""
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / f"{name or data['stock_no']}.yaml"
    path.write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True), encoding="utf-8")
    if photos:
        for photo in data.get("photos", []):
            (directory / str(data["stock_no"])).mkdir(exist_ok=True)
            (directory / str(data["stock_no"]) / photo).write_bytes(b"\xff\xd8\xff")
    return path
