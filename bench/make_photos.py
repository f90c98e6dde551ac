"""Write a synthetic photo stock: CARS cars × 20 photo-like JPEGs of 300–500 KB, each one distinct.

A photo is carjunction.photos.synthetic's (a colour field, shapes and grain, at 2048×1536 or 1600×1200,
distinct per photo; it lives in src/ so that the browser tests can make the same photos). Generated once
into bench/work/photos/<stock_no>/NN.jpg (ignored by git) and reused: files already there are kept.

    nice -n 19 .venv/bin/python bench/make_photos.py            # 1,000 cars × 20 photos, ~8 GB
    .venv/bin/python bench/make_photos.py --cars 5 --workers 1  # a quick look
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

from carjunction.photos.synthetic import SIZES, photo_bytes  # noqa: F401 - measure_photos.py reads SIZES here

ROOT = Path(__file__).parents[1]
PHOTOS = ROOT / "bench" / "work" / "photos"
CARS, PER_CAR = 1000, 20


def stock_no(car: int) -> str:
    return f"BN{car:06d}"  # as bench/make_stock.py numbers its vehicles


def photo_path(root: Path, car: int, number: int) -> Path:
    return root / stock_no(car) / f"{number:02d}.jpg"


def make_car(root: Path, car: int) -> int:
    """The car's photos that are missing; returns how many were written."""
    written = 0
    for number in range(1, PER_CAR + 1):
        path = photo_path(root, car, number)
        if path.is_file():
            continue
        path.parent.mkdir(parents=True, exist_ok=True)
        partial = path.with_suffix(".part")
        partial.write_bytes(photo_bytes(car * 100 + number))
        partial.replace(path)  # a killed run never leaves a half photo under a final name
        written += 1
    return written


def make_photos(root: Path, cars: int, workers: int) -> int:
    with ProcessPoolExecutor(max_workers=workers) as pool:
        return sum(pool.map(make_car, [root] * cars, range(1, cars + 1), chunksize=4))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cars", type=int, default=CARS)
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--out", type=Path, default=PHOTOS)
    args = parser.parse_args()
    started = time.perf_counter()
    written = make_photos(args.out, args.cars, args.workers)
    seconds = time.perf_counter() - started
    print(
        f"{written} photos written in {seconds:.0f} s ({args.cars * PER_CAR - written} already there)", file=sys.stderr
    )


if __name__ == "__main__":
    main()
