"""One OpenAPI document for all functions, generated from their resolvers and committed as openapi.json."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, cast

from carjunction.api.deps import Deps
from carjunction.api.schemas import ErrorBody
from carjunction.api.settings import Settings
from carjunction.api.store.db import Db

TITLE = "Car Junction API"
VERSION = "1.0.0"
ERROR_STATUSES = {
    "400": "The body is not valid JSON or not UTF-8.",
    "401": "Not signed in (no valid member cookie), or a sign-in token that is used or expired.",
    "403": "A state-changing request from another site (Origin check).",
    "404": "No such vehicle, order, invoice code or route.",
    "409": "The vehicle is reserved or sold, or the same request is still being processed.",
    "413": "The body is over 16 KB.",
    "422": "Invalid fields; `fields` names each one and says why.",
    "429": "Too many requests from this address; try later.",
    "503": "Storage is busy or unreachable; retry after Retry-After seconds with the same request.",
}


def _documentation_deps() -> Deps:
    # Building routes touches only the settings; nothing is called, so no AWS and no content is needed.
    settings = Settings(table_name="documentation", site_origin="https://example.invalid", cookie_secret_parameter="-")  # noqa: S106 - a name
    return Deps(
        settings=settings,
        db=Db(client=None, table=settings.table_name),
        shipping=cast(Any, None),
        company=cast(Any, None),
        mailer=cast(Any, None),
        secret=lambda: b"",
    )


def function_openapi(function: str) -> dict[str, Any]:
    from carjunction.api.routes import build_app  # noqa: PLC0415

    app = build_app(function, _documentation_deps())
    from carjunction.api.routes.common import security_schemes  # noqa: PLC0415

    schema = app.get_openapi_json_schema(title=TITLE, version=VERSION, security_schemes=security_schemes())
    document: dict[str, Any] = json.loads(schema)
    return document


def merged_openapi() -> dict[str, Any]:
    from carjunction.api.routes import FUNCTIONS  # noqa: PLC0415

    paths: dict[str, Any] = {}
    schemas: dict[str, Any] = {}
    for function in FUNCTIONS:
        document = function_openapi(function)
        for path, item in document["paths"].items():
            paths.setdefault(path, {}).update(item)
        schemas.update(document.get("components", {}).get("schemas", {}))
    # Our errors have one shape; replace Powertools' default validation-error schema with it.
    for name in ("HTTPValidationError", "ValidationError"):
        schemas.pop(name, None)
    error_schema = ErrorBody.model_json_schema(ref_template="#/components/schemas/{model}")
    schemas.update(error_schema.pop("$defs", {}))
    schemas["ErrorBody"] = error_schema
    error_content = {"application/json": {"schema": {"$ref": "#/components/schemas/ErrorBody"}}}
    for item in paths.values():
        for operation in item.values():
            responses = operation.setdefault("responses", {})
            # Powertools documents a JSON `null` body for routes that return None; a 204 has no body at all.
            if "204" in responses:
                responses["204"].pop("content", None)
            for status, description in ERROR_STATUSES.items():
                responses[status] = {"description": description, "content": error_content}
            operation["responses"] = dict(sorted(responses.items()))
    return {
        "openapi": "3.1.0",
        "info": {
            "title": TITLE,
            "version": VERSION,
            "description": "The storefront's JSON API, served under /api on the site's own origin. "
            "Members are recognised by the `member` cookie (HttpOnly, Path=/api). Generated from the code; "
            "regenerate with `carjunction openapi`.",
        },
        "paths": dict(sorted(paths.items())),
        "components": {
            "schemas": dict(sorted(schemas.items())),
            "securitySchemes": {"memberCookie": {"type": "apiKey", "in": "cookie", "name": "member"}},
        },
    }


def render_openapi() -> str:
    return json.dumps(merged_openapi(), indent=2, sort_keys=False, ensure_ascii=False) + "\n"


def write_openapi(path: Path) -> None:
    path.write_text(render_openapi(), encoding="utf-8")
