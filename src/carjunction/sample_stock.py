"""A synthetic stock of N vehicles (deterministic for a seed), as a content folder: for the build benchmark
(bench/) and the test that the build's work grows linearly (tests/site/test_build_is_linear.py).

Every vehicle lists one photo, a hard link to one of the source's first SAMPLE_PHOTOS photos in turn: the
photo cache does its work once and a benchmark measures the build, not Pillow. More than one sample keeps
the links to each cached variant (one per built vehicle page) under ext4's 65,000 across the bench's runs.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import random
import shutil
from pathlib import Path

import yaml

SAMPLE_PHOTOS = 8
MODELS = {
    "Toyota": [
        ("Hiace Van", "GDH201V", "van"),
        ("Corolla Fielder", "NKE165G", "wagon"),
        ("Prius", "ZVW30", "hatchback"),
        ("Land Cruiser Prado", "TRJ150W", "suv"),
        ("Hilux", "GUN125", "pickup"),
    ],
    "Nissan": [("Note", "E12", "hatchback"), ("X-Trail", "T32", "suv"), ("Caravan", "VR2E26", "van")],
    "Honda": [("Fit", "GK3", "hatchback"), ("Vezel", "RU1", "suv"), ("Freed", "GB3", "minivan")],
    "Mazda": [("Demio", "DJ3FS", "hatchback"), ("CX-5", "KE2FW", "suv")],
    "Subaru": [("Forester", "SJ5", "suv"), ("Impreza", "GP7", "wagon")],
    "Mitsubishi": [("Canter", "FBA20", "truck"), ("Delica D:5", "CV1W", "minivan")],
    "Isuzu": [("Elf", "NKR85", "truck")],
    "Suzuki": [("Every", "DA17V", "van"), ("Jimny", "JB64W", "suv")],
}
FUELS = ["petrol", "petrol", "diesel", "hybrid"]


def vehicle(number: int, rng: random.Random) -> dict[str, object]:
    make = rng.choice(sorted(MODELS))
    model, code, body = rng.choice(MODELS[make])
    year = rng.randint(2010, 2024)
    return {
        "stock_no": f"BN{number:06d}",
        "make": make,
        "model": model,
        "model_code": code,
        "chassis_no": f"{code}-{rng.randint(1000000, 9999999)}",
        "registration": f"{year}-{rng.randint(1, 12):02d}",
        "manufacture": f"{year}-01",
        "mileage_km": rng.randint(5, 250) * 1000 + rng.randint(0, 999),
        "engine_cc": rng.choice([660, 1300, 1500, 1800, 2000, 2500, 2800]),
        "fuel": rng.choice(FUELS),
        "transmission": rng.choice(["automatic", "automatic", "manual", "cvt"]),
        "drive": rng.choice(["2wd", "4wd"]),
        "steering": "right" if rng.random() < 0.9 else "left",
        "body_type": body,
        "doors": 5,
        "seats": 5,
        "colour": rng.choice(["White", "Silver", "Black", "Blue", "Red"]),
        "length_mm": rng.randint(3400, 5300),
        "width_mm": rng.randint(1475, 1900),
        "height_mm": rng.randint(1400, 2300),
        "weight_kg": rng.randint(800, 2500),
        "options": ["Air conditioning", "Power steering"],
        "condition_notes": "Synthetic vehicle for the build benchmark.",
        "yard": "Yokohama",
        "price_usd": rng.randint(20, 400) * 100,
        "photos": ["01.webp"],
        "added": (dt.date(2026, 1, 1) + dt.timedelta(days=rng.randint(0, 300))).isoformat(),
    }


def make_stock(count: int, seed: int, out: Path, source: Path) -> Path:
    """``out``: a copy of the content folder ``source`` with ``count`` synthetic vehicles in place of its own.

    The vehicles are kept when the same count, seed and generator made them: removing and writing
    20,000 files again just before the builds would slow the builds' own file creation (ext4 skips
    recently freed inodes), and the data would be identical anyway. Everything else is copied afresh.
    """
    vehicles = out / "vehicles"
    stamp = out / ".stock"
    wanted = json.dumps(
        {"count": count, "seed": seed, "generator": hashlib.sha256(Path(__file__).read_bytes()).hexdigest()}
    )
    reuse = stamp.is_file() and stamp.read_text(encoding="utf-8") == wanted and vehicles.is_dir()
    for child in out.iterdir() if out.exists() else []:
        if child.is_dir() and not (reuse and child == vehicles):
            shutil.rmtree(child)
        elif child.is_file():
            child.unlink()
    shutil.copytree(source, out, ignore=shutil.ignore_patterns("vehicles"), dirs_exist_ok=True)
    if not reuse:
        write_vehicles(count, seed, vehicles, source / "vehicles")
        stamp.write_text(wanted, encoding="utf-8")
    return out


def write_vehicles(count: int, seed: int, vehicles: Path, photos_from: Path) -> None:
    rng = random.Random(seed)  # noqa: S311 - reproducible sample data, nothing secret
    vehicles.mkdir()
    photos = sorted(photos_from.glob("*/01.webp"))[:SAMPLE_PHOTOS]
    for number in range(1, count + 1):
        data = vehicle(number, rng)
        (vehicles / f"{data['stock_no']}.yaml").write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
        (vehicles / str(data["stock_no"])).mkdir()
        os.link(photos[number % len(photos)], vehicles / str(data["stock_no"]) / "01.webp")
