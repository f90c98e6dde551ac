"""The compact stock index the stock page filters: columns, not records, so gzip packs it tight.

Layout (version 1), every column holds one entry per vehicle, in stock-number order:

- ``makes``, ``models``, ``codes``: dictionaries; ``model_make`` gives each model's make.
- ``no`` stock numbers; ``md`` model index; ``mc`` model-code index;
  ``ch`` chassis number, or only what follows "<model code>-" when it starts so (marked by a leading "-").
- ``yr`` registration year; ``km`` mileage; ``usd`` FOB price; ``add`` days since ``epoch`` it was added.
- ``ph`` the first published photo's id (its variants are ``photos/<ph>/<width>.webp``; "" when it has none);
  ``tw`` its smallest variant width.
- enum columns (``f`` fuel, ``t`` transmission, ``d`` drive, ``s`` steering, ``b`` body type) are strings
  with one character per vehicle: the index of its code in ``enums[column]`` as "a", "b", …

Everything else a card shows (markup, URLs, words) is in the stock page's card <template>, which the build renders
from overrides/partials/card.html with vehicle_pages.card_pattern; the script fills its placeholders from here.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Mapping, Sequence
from typing import Any

from carjunction.catalogue import BodyType, Drive, Fuel, Steering, Transmission, Vehicle
from carjunction.site.settings import Photo
from carjunction.site.vehicle_pages import shown_photos

VERSION = 1
ENUMS: dict[str, tuple[str, Any]] = {
    "f": ("fuel", Fuel),
    "t": ("transmission", Transmission),
    "d": ("drive", Drive),
    "s": ("steering", Steering),
    "b": ("body_type", BodyType),
}


def dictionary(values: Sequence[str]) -> tuple[list[str], dict[str, int]]:
    ordered = sorted(set(values))
    return ordered, {value: index for index, value in enumerate(ordered)}


def chassis_rest(vehicle: Vehicle) -> str:
    prefix = f"{vehicle.model_code}-"
    return vehicle.chassis_no[len(prefix) - 1 :] if vehicle.chassis_no.startswith(prefix) else vehicle.chassis_no


def stock_index(vehicles: Sequence[Vehicle], photos: Mapping[tuple[str, str], Photo]) -> dict[str, Any]:
    makes, make_ids = dictionary([v.make for v in vehicles])
    model_keys = sorted({(v.make, v.model) for v in vehicles})
    model_ids = {key: index for index, key in enumerate(model_keys)}
    codes, code_ids = dictionary([v.model_code for v in vehicles])
    epoch = min((v.added for v in vehicles), default=dt.date(2000, 1, 1))
    index: dict[str, Any] = {
        "v": VERSION,
        "epoch": epoch.isoformat(),
        "makes": makes,
        "models": [model for _, model in model_keys],
        "model_make": [make_ids[make] for make, _ in model_keys],
        "codes": codes,
        "enums": {column: [member.value for member in enum] for column, (_, enum) in ENUMS.items()},
        "no": [v.stock_no for v in vehicles],
        "md": [model_ids[(v.make, v.model)] for v in vehicles],
        "mc": [code_ids[v.model_code] for v in vehicles],
        "ch": [chassis_rest(v) for v in vehicles],
        "yr": [v.registration_year for v in vehicles],
        "km": [v.mileage_km for v in vehicles],
        "usd": [v.price_usd for v in vehicles],
        "add": [(v.added - epoch).days for v in vehicles],
    }
    firsts = [listed[0] if (listed := shown_photos(v, photos)) else None for v in vehicles]
    index["ph"] = [first.id if first else "" for first in firsts]
    index["tw"] = [first.widths[0] if first else 0 for first in firsts]
    for column, (field, enum) in ENUMS.items():
        positions = {member.value: index for index, member in enumerate(enum)}
        index[column] = "".join(chr(ord("a") + positions[getattr(v, field).value]) for v in vehicles)
    return index


def stock_index_json(vehicles: Sequence[Vehicle], photos: Mapping[tuple[str, str], Photo]) -> bytes:
    return json.dumps(stock_index(vehicles, photos), separators=(",", ":"), ensure_ascii=False).encode()
