"""Write a synthetic photo stock: CARS cars × 20 photo-like JPEGs of 300–500 KB, each one distinct.

A photo is a smooth colour field (gradients) with a dozen shapes on it and grain over all of it, saved
at 2048×1536 or 1600×1200: content a JPEG and a WebP encoder find about as hard as a phone photo of a
car, with bytes that differ per photo, so that every photo has its own content hash. Generated once
into bench/work/photos/<stock_no>/NN.jpg (ignored by git) and reused: files already there are kept.

    nice -n 19 .venv/bin/python bench/make_photos.py            # 1,000 cars × 20 photos, ~8 GB
    .venv/bin/python bench/make_photos.py --cars 5 --workers 1  # a quick look
"""

from __future__ import annotations

import argparse
import io
import os
import random
import sys
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

from PIL import Image, ImageDraw

ROOT = Path(__file__).parents[1]
PHOTOS = ROOT / "bench" / "work" / "photos"
CARS, PER_CAR = 1000, 20
SIZES = ((2048, 1536), (1600, 1200))
# (grain, JPEG quality) per size, tuned so that the files land between 300 and 500 KB.
TUNING = {(2048, 1536): (0.10, 80), (1600, 1200): (0.12, 88)}
LOW, HIGH = 300_000, 500_000


def stock_no(car: int) -> str:
    return f"BN{car:06d}"  # as bench/make_stock.py numbers its vehicles


def photo_path(root: Path, car: int, number: int) -> Path:
    return root / stock_no(car) / f"{number:02d}.jpg"


def photo_bytes(seed: int) -> bytes:
    """One photo-like JPEG, the same for a seed; its size is nudged into LOW..HIGH."""
    rnd = random.Random(seed)
    size = SIZES[seed % 2]
    width, height = size
    field = Image.frombytes("RGB", (8, 6), rnd.randbytes(8 * 6 * 3))
    picture = field.resize((width // 4, height // 4), Image.Resampling.BICUBIC).resize(size, Image.Resampling.BILINEAR)
    draw = ImageDraw.Draw(picture)
    for _ in range(12):
        x, y = rnd.randrange(width), rnd.randrange(height)
        box = (x, y, x + rnd.randrange(50, width // 2), y + rnd.randrange(50, height // 2))
        colour = (rnd.randrange(256), rnd.randrange(256), rnd.randrange(256))
        (draw.ellipse if rnd.random() < 0.5 else draw.rectangle)(box, fill=colour)
    grain = Image.frombytes("RGB", (width // 2, height // 2), rnd.randbytes(width * height * 3 // 4))
    amount, quality = TUNING[size]
    picture = Image.blend(picture, grain.resize(size, Image.Resampling.BILINEAR), amount)
    for _ in range(6):
        out = io.BytesIO()
        picture.save(out, "JPEG", quality=quality)
        data = out.getvalue()
        if LOW <= len(data) <= HIGH:
            break
        quality += 4 if len(data) < LOW else -4
    return data


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
