"""Write tests/vectors/quote.json: landed-cost cases that both calculators must pass.

The expected figures come from this file's own decimal arithmetic (ROUND_HALF_UP),
kept apart from carjunction.catalogue.quote on purpose so the vectors check it.
"""

from __future__ import annotations

import json
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path
from typing import Any

OUT = Path(__file__).resolve().parent.parent / "tests" / "vectors" / "quote.json"

# name, (length, width, height mm), FOB USD, freight USD/m3, insurance %, inspection fee or None
CASES: list[tuple[str, tuple[int, int, int], int, int, str, int | None]] = [
    ("Hiace van to Mombasa with QISJ", (4695, 1695, 1980), 14800, 58, "1.5", 200),
    ("Corolla Fielder to Kingston", (4400, 1695, 1535), 6900, 88, "1.5", 185),
    ("Kei van to Colombo", (3395, 1475, 1895), 1800, 45, "1.25", 150),
    ("Land Cruiser 70 pickup to Port Louis", (5270, 1870, 1950), 38000, 60, "1.25", 190),
    ("Coaster bus to Dar es Salaam", (6990, 2080, 2635), 24500, 60, "1.5", 175),
    ("Prius to Auckland", (4540, 1760, 1470), 9800, 55, "1", 220),
    ("Note to Vladivostok, no inspection", (4100, 1695, 1525), 3200, 38, "1", None),
    ("Elf truck to Durban", (4690, 1695, 2210), 11900, 62, "1.5", None),
    # 2.5 m3 x 45 = 112.5
    ("Freight exactly half a dollar rounds up", (2500, 1000, 1000), 1000, 45, "1.5", None),
    # 2001 x 1000 x 1500 mm = 3001.5 litres
    ("Volume exactly half a litre rounds up", (2001, 1000, 1500), 1000, 100, "0", None),
    # (498 + 2) x 110% x 1% = 5.5, and one dollar less gives 5.489
    ("Insurance exactly half a dollar rounds up", (2000, 1000, 1000), 498, 1, "1", None),
    ("Insurance just under half a dollar rounds down", (2000, 1000, 1000), 497, 1, "1", None),
    ("Zero premium", (4400, 1695, 1535), 5000, 88, "0", None),
    ("Two-decimal premium", (4695, 1695, 1980), 14800, 70, "1.75", 160),
    ("Expensive car, cheap port", (4950, 1980, 1920), 95000, 38, "1", None),
]


def half_up(value: Decimal) -> int:
    return int(value.quantize(Decimal(1), rounding=ROUND_HALF_UP))


def expected(
    dims: tuple[int, int, int], fob: int, rate: int, pct: str, *, fee: int | None, term: str
) -> dict[str, Any]:
    litres = half_up(Decimal(dims[0] * dims[1] * dims[2]) / Decimal(10**6))
    volume = Decimal(litres) / 1000
    freight = half_up(volume * rate) if term != "FOB" else 0
    insurance = half_up((fob + freight) * Decimal("1.1") * Decimal(pct) / 100) if term == "CIF" else 0
    inspection = fee or 0
    return {
        "volume_m3": float(volume),
        "fob_usd": fob,
        "freight_usd": freight,
        "insurance_usd": insurance,
        "inspection_usd": inspection,
        "total_usd": fob + freight + insurance + inspection,
    }


def vectors() -> list[dict[str, Any]]:
    result = []
    for name, dims, fob, rate, pct, fee in CASES:
        for term in ("FOB", "CFR", "CIF"):
            result.append(
                {
                    "name": f"{name} ({term})",
                    "vehicle": {"length_mm": dims[0], "width_mm": dims[1], "height_mm": dims[2], "price_usd": fob},
                    "port": {"freight_usd_per_m3": rate, "insurance_rate_pct": pct},
                    "inspection_fee_usd": fee,
                    "incoterm": term,
                    "expected": expected(dims, fob, rate, pct, fee=fee, term=term),
                }
            )
    return result


def main() -> None:
    OUT.write_text(json.dumps(vectors(), indent=1) + "\n", encoding="utf-8")
    print(f"wrote {OUT}")


if __name__ == "__main__":
    main()
