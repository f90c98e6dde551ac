"""Turn validation errors into sentences a staff member can act on.

Each problem names the file, the field and what is wrong, with the value found,
e.g. ``content/vehicles/ZP7122.yaml: mileage_km: must be a whole number of km, got "85,000km"``.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from pydantic import BaseModel, ValidationError
from pydantic_core import ErrorDetails

UNIT_WORDS = {"km": "of km", "mm": "of mm", "kg": "of kg", "cc": "of cc", "USD": "of US dollars"}

PATTERN_HINTS = {
    "stock_no": "must be 3 to 20 upper-case letters, digits or dashes",
    "model_code": "must be upper-case letters, digits or dashes, e.g. TRJ150W",
    "chassis_no": "must be 5 to 25 upper-case letters, digits or dashes, e.g. TRJ150-0123456",
    "registration": "must be a year and month written YYYY-MM",
    "manufacture": "must be a year and month written YYYY-MM",
    "photos": "must be a file name ending in .jpg, .jpeg, .png or .webp, without folders",
}


@dataclass(frozen=True, order=True)
class Problem:
    """One thing wrong in one file. ``field`` is None for a whole-file problem."""

    path: str
    field: str | None
    message: str

    def __str__(self) -> str:
        return f"{self.path}: {self.field}: {self.message}" if self.field else f"{self.path}: {self.message}"


class CatalogueError(Exception):
    """The catalogue has problems; all of them are listed, not just the first."""

    def __init__(self, problems: Iterable[Problem]) -> None:
        self.problems = sorted(problems)
        super().__init__("\n".join(str(p) for p in self.problems))


def shown(value: object) -> str:
    """A value as a staff member typed it: strings in quotes, the rest as YAML would print it."""
    if isinstance(value, str):
        return f'"{value}"'
    try:
        return json.dumps(value, default=str)
    except (TypeError, ValueError):
        return str(value)


def field_path(loc: tuple[int | str, ...]) -> str | None:
    text = ""
    for part in loc:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return text or None


def _field_unit(model: type[BaseModel], name: str) -> str:
    info = model.model_fields.get(name)
    extra = info.json_schema_extra if info else None
    unit = extra.get("unit") if isinstance(extra, Mapping) else None
    return UNIT_WORDS.get(str(unit), "") if unit else ""


def describe(error: ErrorDetails, model: type[BaseModel]) -> str:
    kind = error["type"]
    ctx: Mapping[str, Any] = error.get("ctx") or {}
    value = error.get("input")
    top = str(error["loc"][0]) if error["loc"] else ""
    unit = _field_unit(model, top)
    got = f", got {shown(value)}"
    if kind == "missing":
        return "is required"
    if kind == "extra_forbidden":
        return "is not a known field (check the spelling)"
    if kind in {"int_type", "int_parsing", "int_from_float"}:
        return f"must be a whole number {unit}".rstrip() + got
    if kind in {"greater_than_equal", "greater_than"}:
        return f"must be at least {ctx.get('ge', ctx.get('gt'))} {unit.removeprefix('of ')}".rstrip() + got
    if kind in {"less_than_equal", "less_than"}:
        return f"must be at most {ctx.get('le', ctx.get('lt'))} {unit.removeprefix('of ')}".rstrip() + got
    if kind == "enum":
        return f"must be one of {ctx.get('expected', '')}{got}"
    if kind == "string_pattern_mismatch":
        hint = PATTERN_HINTS.get(top, "is not in the expected form")
        return hint + got
    if kind == "string_too_short":
        return "must not be empty"
    if kind == "string_too_long":
        return f"must be at most {ctx.get('max_length')} characters long"
    if kind == "too_long":
        return f"must have at most {ctx.get('max_length')} entries"
    if kind in {"string_type", "str_type"}:
        return "must be text" + got
    if kind == "list_type":
        return "must be a list, one entry per line starting with '- '" + got
    if kind.startswith("date"):
        return "must be a date written YYYY-MM-DD" + got
    if kind in {"decimal_parsing", "decimal_type", "float_parsing", "float_type"}:
        return "must be a number" + got
    if kind == "value_error":
        return str(ctx.get("error", error["msg"]))
    return error["msg"] + got


def problems_from(error: ValidationError, path: str, model: type[BaseModel]) -> list[Problem]:
    found = []
    for detail in error.errors(include_url=False):
        message = describe(detail, model)
        field = field_path(tuple(detail["loc"]))
        if field is None and ": " in message:
            # A whole-record rule names its own field first ("manufacture: must not be …").
            field, message = message.split(": ", 1)
        found.append(Problem(path, field, message))
    return found
