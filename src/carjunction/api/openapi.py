"""One OpenAPI document for all functions, generated from their resolvers and committed as openapi.json.

Powertools describes the routes from their pydantic models; this module then says what those models cannot:
which ports and countries exist (enums from the shipping data, so adding a port to content/shipping/ports.yaml
and running `carjunction openapi` updates the document), the e-mail rule the API really applies, the media
types each body route takes, and the error statuses every route can answer.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any, cast

from carjunction.api.accepts import FORM_BODY_ROUTES, FORM_TYPES, JSON, body_media_types
from carjunction.api.deps import Deps, load_static_content
from carjunction.api.schemas import CountryCode, ErrorBody, PortCode
from carjunction.api.settings import Settings
from carjunction.api.store.db import Db
from carjunction.catalogue import Shipping

TITLE = "Car Junction API"
VERSION = "1.0.0"
CONTENT_DIR = Path("content")  # as Settings.content_dir: the command runs at the repository's root
ERROR_STATUSES = {
    "400": "The body is not valid JSON or not UTF-8.",
    "401": "Not signed in (no valid member cookie), or a sign-in or unsubscribe token that is used, expired or "
    "not ours.",
    "403": "A state-changing request from another site (Origin check).",
    "404": "No such vehicle, order, invoice code, alert of the member's, or route.",
    "405": "The path exists but not with this method; `Allow` lists the methods it takes.",
    "409": "The vehicle is reserved or sold, the member keeps the most alerts allowed, or the same request is "
    "still being processed.",
    "411": "The body was sent without a Content-Length (chunked); send its length.",
    "413": "The body is over 16 KB.",
    "415": "The body is not one of the media types this route takes (application/json, charset utf-8 if any).",
    "422": "Invalid fields; `fields` names each one and says why.",
    "429": "Too many requests from this address; try later.",
    "503": "Storage is busy or unreachable; retry after Retry-After seconds with the same request.",
}
BODY_ONLY_STATUSES = frozenset({"411", "413", "415"})
FORM_SCHEMA: dict[str, Any] = {"type": "object", "additionalProperties": {"type": "string"}}

# The address rule of pydantic's EmailStr (email-validator, no DNS lookup), stated for ASCII addresses without
# lookaheads, so that generators (Schemathesis, Hypothesis) can produce matching strings: a dot-atom local part
# (no quoted one); a domain of two or more labels of at most 63 characters, without a hyphen at either end,
# whose last label ends with a letter (no IP address). What a pattern cannot say without lookaheads is a `not`:
# no special-use domain (RFC 6761; email-validator refuses .arpa, .invalid, .local, .localhost, .onion, .test)
# and no "--" in a label's third and fourth places unless it is an IDNA "xn--" label.
SPECIAL_USE_DOMAINS = ("arpa", "invalid", "local", "localhost", "onion", "test")
_ATEXT = r"[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]"
_LABEL = r"[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?"
_TOP_LABEL = r"(?:[A-Za-z0-9][A-Za-z0-9-]{0,61})?[A-Za-z]"


def _any_case(word: str) -> str:
    return "".join(f"[{c.lower()}{c.upper()}]" for c in word)


EMAIL_PATTERN = rf"^{_ATEXT}+(?:\.{_ATEXT}+)*@(?:{_LABEL}\.)+{_TOP_LABEL}$"
EMAIL_REFUSED = (
    rf"[@.](?:{'|'.join(_any_case(name) for name in SPECIAL_USE_DOMAINS)})$"
    r"|[@.](?![xX][nN]--)[A-Za-z0-9]{2}--"
)
EMAIL_MAX_LENGTH = 254
EMAIL_RULE = (
    "An e-mail address as the API checks it (email-validator, no DNS lookup): `pattern` and `not` state the "
    "rule for ASCII addresses: no quoted local part, no IP-address domain, no special-use domain such as "
    ".test or .invalid. Internationalised addresses are accepted too. Answers carry it normalised."
)


def constraint_pattern(annotated: Any) -> str:
    """The pattern of one of schemas.py's constrained string types, as the document states it."""
    for constraint in getattr(annotated, "__metadata__", ()):
        pattern = getattr(constraint, "pattern", None)
        if pattern:
            return str(pattern)
    raise ValueError(f"{annotated!r} has no pattern")


def _documentation_deps(shipping: Shipping | None = None, company: Any = None) -> Deps:
    # Building routes touches only the settings and static content; nothing is called, so no AWS is needed.
    settings = Settings(table_name="documentation", site_origin="https://example.invalid", cookie_secret_parameter="-")  # noqa: S106 - a name
    return Deps(
        settings=settings,
        db=Db(client=None, table=settings.table_name),
        shipping=cast(Any, shipping),
        company=company,
        mailer=cast(Any, None),
        secret=lambda: b"",
    )


def function_openapi(function: str, deps: Deps | None = None) -> dict[str, Any]:
    """One function's routes as Powertools describes them (no shipping data needed, none injected)."""
    from carjunction.api.routes import build_app  # noqa: PLC0415
    from carjunction.api.routes.common import security_schemes  # noqa: PLC0415

    app = build_app(function, deps or _documentation_deps())
    schema = app.get_openapi_json_schema(title=TITLE, version=VERSION, security_schemes=security_schemes())
    document: dict[str, Any] = json.loads(schema)
    return document


def _schemas_in(node: Any) -> Iterator[dict[str, Any]]:
    """Every JSON Schema object nested in ``node`` (properties, anyOf branches, items …)."""
    if isinstance(node, dict):
        yield node
        for value in node.values():
            yield from _schemas_in(value)
    elif isinstance(node, list):
        for value in node:
            yield from _schemas_in(value)


def state_the_real_rules(document: dict[str, Any], shipping: Shipping) -> None:
    """Ports and countries as the enums the API checks them against; e-mail as email-validator reads it."""
    ports = sorted(port.code for port in shipping.ports)
    countries = sorted(country.code for country in shipping.countries)
    codes = {constraint_pattern(PortCode): ports, constraint_pattern(CountryCode): countries}
    places = [document["components"]["schemas"]]
    places += [operation.get("parameters", []) for item in document["paths"].values() for operation in item.values()]
    for schema in (s for place in places for s in _schemas_in(place)):
        enum = codes.get(schema.get("pattern", ""))
        if enum is not None and schema.get("type") == "string":
            # The enum says all the pattern did, and which codes exist; the length limit is moot.
            del schema["pattern"]
            schema.pop("maxLength", None)
            schema["enum"] = enum
        if schema.get("format") == "email":
            # JSON Schema's "email" format is RFC 5321's rule, not the API's (it allows quoted local parts and
            # IP-address domains, and validators differ): the pattern replaces it.
            del schema["format"]
            schema["pattern"] = EMAIL_PATTERN
            schema["not"] = {"pattern": EMAIL_REFUSED}
            schema["maxLength"] = EMAIL_MAX_LENGTH
            schema.setdefault("description", EMAIL_RULE)
    member = document["components"]["schemas"].get("MemberIn", {}).get("properties", {})
    if "port" in member:
        member["port"]["description"] = (
            "Port of discharge, a code from the ports data. It need not be in `country`: a buyer in a "
            "landlocked country ships through a neighbour's port."
        )


def _form_body(method: str, path: str, operation: dict[str, Any]) -> None:
    """The request body of a route that also takes RFC 8058 forms: every media type it accepts."""
    body = operation.setdefault(
        "requestBody",
        {
            "required": False,
            "description": "Not read: RFC 8058's `List-Unsubscribe=One-Click` form from a mail client, or `{}`.",
            "content": {},
        },
    )
    for media_type in body_media_types(method, path):
        # A form is name=value pairs of text. Said so, a generator sends none without a value, which requests
        # would otherwise send as an empty chunked body: the 411 of a client bug, not of this API.
        schema = FORM_SCHEMA if media_type in FORM_TYPES else {}
        body["content"].setdefault(media_type, {"schema": dict(schema)})


def merged_openapi(content_dir: Path = CONTENT_DIR) -> dict[str, Any]:
    from carjunction.api.routes import FUNCTIONS  # noqa: PLC0415

    deps = _documentation_deps()
    shipping, company = load_static_content(deps.settings.model_copy(update={"content_dir": content_dir}))
    deps = _documentation_deps(shipping, company)
    paths: dict[str, Any] = {}
    schemas: dict[str, Any] = {}
    for function in FUNCTIONS:
        document = function_openapi(function, deps)
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
    for path, item in paths.items():
        for method, operation in item.items():
            if (method.upper(), path) in FORM_BODY_ROUTES:
                _form_body(method.upper(), path, operation)
            elif set(operation.get("requestBody", {}).get("content", {JSON: {}})) != {JSON}:
                # The 415 guard takes only JSON on every other route; the document must not promise more.
                raise ValueError(f"{method.upper()} {path} declares a body that is not JSON")
            responses = operation.setdefault("responses", {})
            # Powertools documents a JSON `null` body for routes that return None; a 204 has no body at all.
            if "204" in responses:
                responses["204"].pop("content", None)
            for status, description in ERROR_STATUSES.items():
                if status in BODY_ONLY_STATUSES and "requestBody" not in operation:
                    continue
                responses[status] = {"description": description, "content": error_content}
            responses["405"]["headers"] = {
                "Allow": {"description": "The methods this path takes.", "schema": {"type": "string"}}
            }
            operation["responses"] = dict(sorted(responses.items()))
    document = {
        "openapi": "3.1.0",
        "info": {
            "title": TITLE,
            "version": VERSION,
            "description": "The storefront's JSON API, served under /api on the site's own origin. "
            "Members are recognised by the `member` cookie (HttpOnly, Path=/api). Request bodies are "
            "application/json (415 otherwise; POST /api/unsubscribe also takes RFC 8058 form bodies). "
            "Port and country codes are those of content/shipping/ports.yaml. Generated from the code and "
            "the shipping data; regenerate with `carjunction openapi`.",
        },
        "paths": dict(sorted(paths.items())),
        "components": {
            "schemas": dict(sorted(schemas.items())),
            "securitySchemes": {"memberCookie": {"type": "apiKey", "in": "cookie", "name": "member"}},
        },
    }
    state_the_real_rules(document, shipping)
    return document


def render_openapi(content_dir: Path = CONTENT_DIR) -> str:
    return json.dumps(merged_openapi(content_dir), indent=2, sort_keys=False, ensure_ascii=False) + "\n"


def write_openapi(path: Path, content_dir: Path = CONTENT_DIR) -> None:
    path.write_text(render_openapi(content_dir), encoding="utf-8")
