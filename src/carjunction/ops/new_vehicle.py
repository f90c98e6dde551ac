"""`carjunction new-vehicle`: write a new, valid vehicle file from answers or options.

The answers are checked with the catalogue's own Vehicle model before anything is written, and an
existing file is never overwritten, so the command cannot leave a broken or clobbered file behind.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from carjunction.catalogue.problems import Problem, problems_from
from carjunction.catalogue.vehicle import Vehicle

SCHEMA_LINE = "# yaml-language-server: $schema=../../schemas/vehicle.schema.json"
STOCK_NO = re.compile(r"^(?P<prefix>[A-Z][A-Z-]*?)(?P<number>\d+)$")

# Asked in this order when the command runs in a terminal; the rest keep their defaults.
ASKED = (
    "stock_no", "make", "model", "grade", "model_code", "chassis_no", "registration", "manufacture",
    "mileage_km", "engine_cc", "fuel", "transmission", "drive", "steering", "body_type", "doors", "seats",
    "colour", "length_mm", "width_mm", "height_mm", "weight_kg", "yard", "price_usd",
)  # fmt: skip
# What most cars an exporter in Japan buys look like; each is a suggestion the staff member confirms.
DEFAULTS: dict[str, Any] = {
    "fuel": "petrol",
    "transmission": "automatic",
    "drive": "2wd",
    "steering": "right",
    "doors": 5,
    "seats": 5,
    "status": "available",
    "options": [],
    "condition_notes": "",
    "photos": [],
}
INTEGER_FIELDS = {
    name for name, info in Vehicle.model_fields.items() if info.annotation in (int, int | None) and name != "photos"
}

Ask = Callable[[str, str | None, tuple[str, ...]], str]


def next_stock_no(vehicles_dir: Path, today: dt.date) -> str:
    """One more than the highest stock number in use under the most used prefix, e.g. CJ26049 → CJ26050."""
    numbers: dict[str, list[tuple[int, int]]] = {}
    for path in vehicles_dir.glob("*.yaml") if vehicles_dir.is_dir() else []:
        if match := STOCK_NO.match(path.stem):
            numbers.setdefault(match["prefix"], []).append((int(match["number"]), len(match["number"])))
    if not numbers:
        return f"CJ{today:%y}001"
    prefix = max(numbers, key=lambda p: (len(numbers[p]), p))
    number, width = max(numbers[prefix])
    candidate = number + 1
    while (vehicles_dir / f"{prefix}{candidate:0{width}d}.yaml").exists():
        candidate += 1
    return f"{prefix}{candidate:0{width}d}"


def coerce(values: Mapping[str, Any]) -> dict[str, Any]:
    """Typed answers: '85,000' → 85000 for whole-number fields; empty answers dropped."""
    data: dict[str, Any] = {}
    for name, value in values.items():
        if value is None or value == "":
            continue
        if name in INTEGER_FIELDS and isinstance(value, str):
            digits = value.replace(",", "").replace("_", "").strip()
            data[name] = int(digits) if digits.isdigit() else value  # a non-number is left for the model to report
        else:
            data[name] = value
    if "manufacture" not in data and "registration" in data:
        data["manufacture"] = data["registration"]  # most cars are registered the month they are built
    return data


def check(data: Mapping[str, Any], shown_as: str, today: dt.date) -> tuple[Vehicle | None, list[Problem]]:
    try:
        return Vehicle.model_validate(dict(data), context={"today": today}), []
    except ValidationError as error:
        return None, problems_from(error, shown_as, Vehicle)


def choices(name: str) -> tuple[str, ...]:
    annotation = Vehicle.model_fields[name].annotation
    members = getattr(annotation, "__members__", None)
    return tuple(str(member.value) for member in members.values()) if members else ()


def describe_field(name: str) -> str:
    return Vehicle.model_fields[name].description or ""


def ask_missing(values: dict[str, Any], ask: Ask, names: tuple[str, ...]) -> None:
    for name in names:
        default = values.get(name)
        answer = ask(name, None if default in (None, "") else str(default), choices(name))
        values[name] = answer.strip() if answer.strip() else default


def render(vehicle: Vehicle) -> str:
    """The file text: schema line, then the fields in the model's (readable) order, nothing left as None."""
    data = vehicle.model_dump(mode="json", exclude_none=True)
    data["added"] = vehicle.added  # a date, written unquoted as YYYY-MM-DD
    lines = [SCHEMA_LINE]
    for name, value in data.items():
        if isinstance(value, list) and value:
            lines.append(f"{name}:")
            lines.extend("  - " + _scalar(item) for item in value)
        else:
            lines.append(f"{name}: {_scalar(value)}")
    return "\n".join(lines) + "\n"


def _scalar(value: Any) -> str:
    # PyYAML quotes exactly where YAML would otherwise misread the value (e.g. "yes", "0123").
    text = yaml.safe_dump(value, allow_unicode=True, default_flow_style=True, width=10_000)
    return text.removesuffix("\n...\n").removesuffix("\n")


def write_new(vehicles_dir: Path, vehicle: Vehicle) -> Path:
    """Write the file; FileExistsError if one is already there (an existing car is never overwritten)."""
    vehicles_dir.mkdir(parents=True, exist_ok=True)
    path = vehicles_dir / f"{vehicle.stock_no}.yaml"
    with path.open("x", encoding="utf-8") as stream:
        stream.write(render(vehicle))
    return path


def build_vehicle(
    given: Mapping[str, Any],
    vehicles_dir: Path,
    *,
    today: dt.date,
    ask: Ask | None = None,
    say: Callable[[str], None] = print,
    rounds: int = 3,
) -> tuple[Vehicle | None, list[Problem]]:
    """The vehicle from options, defaults and (when ``ask`` is given) answers; re-asks only what was wrong."""
    values: dict[str, Any] = {**DEFAULTS, "stock_no": next_stock_no(vehicles_dir, today), "added": today}
    values.update({name: value for name, value in given.items() if value not in (None, "", [])})
    if ask is not None:
        ask_missing(values, ask, tuple(name for name in ASKED if name not in given or given[name] in (None, "")))
    for _ in range(rounds):
        stock_no = str(values.get("stock_no") or "")
        vehicle, problems = check(coerce(values), f"vehicles/{stock_no or '?'}.yaml", today)
        if vehicle is not None and (vehicles_dir / f"{vehicle.stock_no}.yaml").exists():
            vehicle, problems = None, [Problem(f"vehicles/{stock_no}.yaml", "stock_no", "is already in use")]
        if vehicle is not None or ask is None:
            return vehicle, problems
        for problem in problems:
            say(f"  {problem.field or 'file'}: {problem.message}")
        wrong = tuple(dict.fromkeys(re.split(r"[.\[]", p.field)[0] for p in problems if p.field))
        wrong = tuple(name for name in wrong if name in Vehicle.model_fields)
        for name in wrong:  # offer the default again, not the wrong answer
            values[name] = next_stock_no(vehicles_dir, today) if name == "stock_no" else DEFAULTS.get(name)
        ask_missing(values, ask, wrong)
    return check(coerce(values), f"vehicles/{values.get('stock_no')}.yaml", today)
