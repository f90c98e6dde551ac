"""JSON Schemas for the files staff edit, generated from the models.

Editors that speak the YAML language server check a vehicle file as staff type,
through the ``# yaml-language-server: $schema=…`` line at the top of each file.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from pydantic import BaseModel

from carjunction.catalogue.company import Company
from carjunction.catalogue.ports import Shipping
from carjunction.catalogue.vehicle import Vehicle

SCHEMAS: dict[str, type[BaseModel]] = {
    "vehicle.schema.json": Vehicle,
    "ports.schema.json": Shipping,
    "company.schema.json": Company,
}


def schema_for(model: type[BaseModel], file_name: str) -> dict[str, Any]:
    body = model.model_json_schema(mode="validation")
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": f"https://www.carjunction.com/schemas/{file_name}",
        "$comment": "Generated from src/carjunction/catalogue by `carjunction schema`; do not edit by hand.",
        **body,
    }


def schema_texts() -> dict[str, str]:
    return {
        name: json.dumps(schema_for(model, name), indent=2, ensure_ascii=False) + "\n"
        for name, model in SCHEMAS.items()
    }


def write_schemas(directory: Path) -> list[Path]:
    directory.mkdir(parents=True, exist_ok=True)
    written = []
    for name, text in schema_texts().items():
        path = directory / name
        if not path.is_file() or path.read_text(encoding="utf-8") != text:
            path.write_text(text, encoding="utf-8")
            written.append(path)
    return written
