"""Saved-search alerts at scale (issue 19): 20,000 members × 5 saved searches against 500 new cars, matched in one
process limited to one core, as the alert job's Lambda (1,769 MB ≈ 1 vCPU) matches them.

Run: .venv/bin/python bench/measure_alerts.py [--members 20000 --per-member 5 --cars 500 --seed 19]
Prints one JSON line (bench/run.py reads it): the seconds, the digests, the cars per digest, the peak RSS and the
SES sending time at 14 mails/s.

The cars are the build bench's synthetic vehicles (carjunction.sample_stock: 8 makes, 19 models, prices
US$2,000–40,000, years 2010–2024). The searches follow what buyers set on the stock page (SEARCH_MIX below): most
name a make, about half a model, many a body type and a price ceiling, some a year floor, a few a text. They are
drawn, not tuned: few makes and models make the matcher's files large, which is the harder case for it.
"""

from __future__ import annotations

import argparse
import datetime as dt
import itertools
import json
import os
import random
import resource
import statistics
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
SES_RATE = 14  # mails a second: the account's SES quota (issue 19)
LAMBDA_SECONDS, LAMBDA_MB = 900, 1769  # one Lambda run's limits at the memory that gives one vCPU
TODAY = dt.date(2026, 12, 1)

# The share of saved searches that set each filter, from what buyers set on the stock page. Makes and models the
# stock has not got are searched too (buyers save a search for what they could not find).
SEARCH_MIX = {
    "make": 0.85,
    "model_given_make": 0.6,  # about half of all searches
    "body_given_model": 0.1,
    "body_without_model": 0.55,
    "price_max": 0.6,
    "price_min": 0.05,
    "year_min": 0.3,
    "year_max": 0.03,
    "km_max": 0.2,
    "transmission": 0.15,
    "fuel": 0.1,
    "drive": 0.1,
    "steering": 0.08,
    "q": 0.03,
}
MAKE_WEIGHTS = {
    "Toyota": 35,
    "Nissan": 14,
    "Honda": 11,
    "Mitsubishi": 8,
    "Mazda": 7,
    "Suzuki": 6,
    "Subaru": 5,
    "Isuzu": 5,
    "Lexus": 3,  # not in the generator's stock
    "Hino": 3,
    "Mercedes-Benz": 3,
}
OTHER_MODELS = {
    "Lexus": [("RX", "suv"), ("LX", "suv")],
    "Hino": [("Ranger", "truck"), ("Dutro", "truck")],
    "Mercedes-Benz": [("E-Class", "sedan")],
    "Toyota": [("Harrier", "suv"), ("Land Cruiser", "suv")],
}
BUDGETS = [3000, 4000, 5000, 6000, 8000, 10_000, 12_000, 15_000, 20_000, 25_000, 30_000]  # price ceilings, US$
BODIES = ["suv", "van", "truck", "hatchback", "pickup", "minivan", "wagon", "sedan", "bus"]


def pin_to_one_core() -> str:
    """Run on one core, as a Lambda at 1,769 MB does (one vCPU); say what was done."""
    if not hasattr(os, "sched_setaffinity"):
        return "not pinned (no sched_setaffinity here)"
    core = min(os.sched_getaffinity(0))
    os.sched_setaffinity(0, {core})
    return f"pinned to core {core}"


def new_cars(count: int, seed: int) -> list[Any]:
    from carjunction import sample_stock  # noqa: PLC0415
    from carjunction.api.alert_filters import car_from_vehicle  # noqa: PLC0415
    from carjunction.catalogue import Vehicle  # noqa: PLC0415

    rng = random.Random(seed)
    return [
        car_from_vehicle(Vehicle.model_validate(sample_stock.vehicle(n, rng), context={"today": TODAY}))
        for n in range(1, count + 1)
    ]


def search(rng: random.Random, cars: list[Any]) -> dict[str, Any]:
    """One saved search's filters, as the alert item keeps them (StockFilters.model_dump(exclude_none=True))."""
    from carjunction import sample_stock  # noqa: PLC0415

    mix = SEARCH_MIX
    filters: dict[str, Any] = {}
    model = None
    if rng.random() < mix["make"]:
        make = rng.choices(list(MAKE_WEIGHTS), weights=list(MAKE_WEIGHTS.values()))[0]
        filters["make"] = make
        if rng.random() < mix["model_given_make"]:
            models = [(name, body) for name, _, body in sample_stock.MODELS.get(make, [])] + OTHER_MODELS.get(make, [])
            model = rng.choice(models)
            filters["model"] = model[0]
    if model and rng.random() < mix["body_given_model"]:
        filters["body"] = model[1]
    elif not model and rng.random() < mix["body_without_model"]:
        filters["body"] = rng.choice(BODIES)
    if rng.random() < mix["price_max"]:
        filters["price_max"] = rng.choice(BUDGETS)
    if rng.random() < mix["price_min"]:
        filters["price_min"] = rng.choice([1000, 2000, 5000])
    if rng.random() < mix["year_min"]:
        filters["year_min"] = rng.randint(2010, 2022)
    if rng.random() < mix["year_max"]:
        filters["year_max"] = rng.randint(2015, 2024)
    if rng.random() < mix["km_max"]:
        filters["km_max"] = rng.choice([50_000, 80_000, 100_000, 150_000, 200_000])
    for name, codes in (
        ("transmission", ["automatic", "automatic", "manual"]),
        ("fuel", ["diesel", "diesel", "hybrid", "petrol"]),
        ("drive", ["4wd", "4wd", "2wd"]),
        ("steering", ["left"]),
    ):
        if rng.random() < mix[name]:
            filters[name] = rng.choice(codes)
    if rng.random() < mix["q"]:  # a model code or the start of a chassis number, as typed
        car = rng.choice(cars)
        text = rng.choice([car.model_code, car.chassis_no[: len(car.model_code) + 3]])
        filters["q"] = text.lower() if rng.random() < 0.5 else text
    return filters


def rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux


def measure(members: int, per_member: int, car_count: int, seed: int) -> dict[str, Any]:
    from carjunction.api.alert_filters import AlertMatcher, StockFilters  # noqa: PLC0415
    from carjunction.api.logic.alert_digest import MAX_CARS  # noqa: PLC0415
    from carjunction.api.logic.make_ids import member_id, random_code  # noqa: PLC0415

    cars = new_cars(car_count, seed)
    rng = random.Random(seed + 1)
    # The alert items as the job reads them: (member id, alert id) and the filters map.
    items = [
        ((member, random_code(8).lower()), search(rng, cars))
        for member in (member_id() for _ in range(members))
        for _ in range(per_member)
    ]
    before = rss_mb()

    started, cpu_started = time.perf_counter(), time.process_time()
    alerts = [(key, StockFilters.model_validate(filters)) for key, filters in items]
    validated, cpu_validated = time.perf_counter(), time.process_time()
    matcher = AlertMatcher(alerts)
    built = time.perf_counter()
    digests: dict[str, set[str]] = {}
    for car in cars:
        for member, _ in matcher.matching(car):
            digests.setdefault(member, set()).add(car.stock_no)
    matched, cpu_matched = time.perf_counter(), time.process_time()

    files = Counter((f.get("make"), f.get("model"), f.get("body")) for _, f in items)
    sizes = sorted(len(found) for found in digests.values())
    return {
        "members": members,
        "searches": len(items),
        "cars": car_count,
        "validate_seconds": validated - started,
        "build_seconds": built - validated,
        "match_seconds": matched - built,
        "seconds": matched - validated,  # AlertMatcher built and all the cars matched
        # CPU seconds of the same, steadier than the clock on a shared machine
        "cpu_validate_seconds": cpu_validated - cpu_started,
        "cpu_seconds": cpu_matched - cpu_validated,
        "digests": len(digests),
        "cars_per_digest_median": statistics.median(sizes) if sizes else 0,
        "cars_per_digest_mean": statistics.fmean(sizes) if sizes else 0,
        "cars_per_digest_max": sizes[-1] if sizes else 0,
        "digests_over_cap": sum(size > MAX_CARS for size in sizes),
        "max_cars": MAX_CARS,
        "searches_set": {
            name: sum(name in filters for _, filters in items) / len(items)
            for name in ("make", "model", "body", "price_max", "year_min", "q")
        },
        # The searches in the 8 (make, model, body) files a car looks in: the work AlertMatcher cannot skip.
        "searches_tried_per_car": statistics.fmean(
            sum(files[key] for key in itertools.product((c.make, None), (c.model, None), (c.body, None))) for c in cars
        ),
        "searches_without_filters": sum(not filters for _, filters in items),
        "rss_before_mb": before,
        "peak_rss_mb": rss_mb(),
        "ses_minutes": len(digests) / SES_RATE / 60,
    }


def figures() -> dict[str, Any]:
    """Measure in a fresh interpreter, so that the peak RSS is this measurement's alone (bench/run.py's call)."""
    out = subprocess.run([sys.executable, __file__], capture_output=True, text=True, check=True)
    answer: dict[str, Any] = json.loads(out.stdout.splitlines()[-1])
    return answer


def headline_rows(f: dict[str, Any]) -> list[str]:
    met = f["seconds"] <= LAMBDA_SECONDS and f["peak_rss_mb"] <= LAMBDA_MB
    return [
        f"| alert matching: {f['members']:,} members × {f['searches'] // f['members']} saved searches against "
        f"{f['cars']:,} new cars, one core (matcher built + every car matched) | {f['seconds']:.1f} s "
        f"(CPU {f['cpu_seconds']:.1f} s), peak RSS {f['peak_rss_mb']:.0f} MB | ≤ {LAMBDA_SECONDS} s and "
        f"≤ {LAMBDA_MB:,} MB (one Lambda run) | {'yes' if met else 'no'} |",
        f"| … its digests at SES's {SES_RATE} mails/s | {f['digests']:,} digests: {f['ses_minutes']:.1f} min | – | – |",
    ]


def section(f: dict[str, Any]) -> list[str]:
    shares = ", ".join(f"{name} {share:.0%}" for name, share in f["searches_set"].items())
    return [
        f"## Saved-search alerts (issue 19): `bench/measure_alerts.py`, one process, {f['cpu']}",
        "",
        "| searches | new cars | read the items (StockFilters) | build AlertMatcher | match every car | "
        "matching (build + match) | its CPU | peak RSS (before matching) | searches tried per car | digests | "
        "cars per digest (median / mean / max) | SES at 14 mails/s |",
        "|---|---|---|---|---|---|---|---|---|---|---|---|",
        f"| {f['searches']:,} ({f['members']:,} members) | {f['cars']:,} | {f['validate_seconds']:.2f} s | "
        f"{f['build_seconds']:.2f} s | {f['match_seconds']:.2f} s | **{f['seconds']:.2f} s** | "
        f"{f['cpu_seconds']:.2f} s | {f['peak_rss_mb']:.0f} MB ({f['rss_before_mb']:.0f} MB) | "
        f"{f['searches_tried_per_car']:,.0f} | "
        f"{f['digests']:,} | {f['cars_per_digest_median']:.0f} / {f['cars_per_digest_mean']:.1f} / "
        f"{f['cars_per_digest_max']} | {f['ses_minutes']:.1f} min |",
        "",
        "The cars are the build bench's synthetic vehicles (`carjunction.sample_stock`: 8 makes, 19 models).",
        f"The searches follow `SEARCH_MIX`; the share of them setting each filter: {shares}.",
        f"{f['searches_without_filters']:,} set no filter, so they get every car. A digest is one member's mail:",
        f"every new car any of their searches matches, once; {f['digests_over_cap']:,} digests have more than the",
        f"{f['max_cars']} cars the job puts in one mail (the rest wait for the next). Sending takes digests / 14 s",
        "(SES's quota): the matching is a small part of the job's time. Wall-clock seconds on a busy machine",
        "include waiting for the core; the CPU seconds do not.",
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--members", type=int, default=20_000)
    parser.add_argument("--per-member", type=int, default=5)
    parser.add_argument("--cars", type=int, default=500)
    parser.add_argument("--seed", type=int, default=19)
    args = parser.parse_args()
    pinned = pin_to_one_core()
    result = measure(args.members, args.per_member, args.cars, args.seed)
    print(json.dumps({**result, "cpu": pinned}))


if __name__ == "__main__":
    main()
