"""Write a synthetic stock of N vehicles (carjunction.sample_stock) as a content folder for build benchmarks.

python bench/make_stock.py --count 10000 --seed 1 --out bench/work/content-10000
"""

from __future__ import annotations

import argparse
from pathlib import Path

from carjunction import sample_stock

ROOT = Path(__file__).parents[1]


def make_stock(count: int, seed: int, out: Path) -> Path:
    """``out``: a copy of content/ with ``count`` synthetic vehicles in place of the real ones."""
    return sample_stock.make_stock(count, seed, out, ROOT / "content")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--out", type=Path, default=None)
    args = parser.parse_args()
    out = make_stock(args.count, args.seed, args.out or ROOT / "bench" / "work" / f"content-{args.count}")
    print(f"wrote {args.count} vehicles to {out}")


if __name__ == "__main__":
    main()
