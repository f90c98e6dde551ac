"""What each route accepts besides its fields: its methods (else 405 with Allow) and its body's media type
(else 415). Both are read from the resolver's own routes, so a new route needs no entry here.

JSON is the only body type, with one declared exception: RFC 8058 one-click unsubscribe, which a mail client
POSTs as a form. Refusing every other type matters: ``text/plain`` is what a page on another site can send
without a CORS preflight, and the resolver would otherwise try to read it as something it is not.
"""

from __future__ import annotations

from http import HTTPStatus
from typing import TYPE_CHECKING, Any

from carjunction.api.errors import raw_error

if TYPE_CHECKING:
    from aws_lambda_powertools.event_handler import APIGatewayHttpResolver
    from aws_lambda_powertools.event_handler.api_gateway import Route

JSON = "application/json"
FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")
# (method, OpenAPI path) of the routes that also take form bodies. The one place that says so: the 415 guard
# and the OpenAPI document both read it.
FORM_BODY_ROUTES = frozenset({("POST", "/api/unsubscribe")})


def body_media_types(method: str, path: str) -> tuple[str, ...]:
    """The media types a body route accepts, for the guard and for the OpenAPI document."""
    return (JSON, *FORM_TYPES) if (method.upper(), path) in FORM_BODY_ROUTES else (JSON,)


def parse_media_type(value: str) -> tuple[str, dict[str, str]]:
    """("type/subtype", {parameter: value}), lower-cased except parameter values; ("", {}) when malformed."""
    essence, *parameters = value.split(";")
    media_type = essence.strip().lower()
    kind, slash, subtype = media_type.partition("/")
    if not (kind and slash and subtype) or any(c.isspace() for c in media_type):
        return "", {}
    params: dict[str, str] = {}
    for parameter in parameters:
        name, equals, raw = parameter.partition("=")
        if parameter.strip() and not equals:
            return "", {}
        if equals:
            params[name.strip().lower()] = raw.strip().strip('"')
    return media_type, params


def media_type_refusal(accepted: tuple[str, ...], content_type: str | None, has_body: bool) -> str | None:
    """Why a body with this Content-Type is refused, or None when it is accepted.

    No body and no Content-Type is left to validation, which says what is missing (422)."""
    if content_type is None or not content_type.strip():
        return "Send the body as application/json." if has_body else None
    media_type, params = parse_media_type(content_type)
    if media_type not in accepted:
        return f"Bodies must be {' or '.join(accepted)}."
    charset = params.get("charset")
    if charset is not None and charset.lower() != "utf-8":
        return "Bodies must be UTF-8 (charset=utf-8)."
    return None


def resolver_routes(app: APIGatewayHttpResolver) -> list[Route]:
    # Powertools keeps its routes on these two lists and offers no public accessor; this is the one reader.
    return [*app._static_routes, *app._dynamic_routes]


def route_for(app: APIGatewayHttpResolver, method: str, path: str) -> Route | None:
    """The route the resolver will call for this method and path, if any (the same match it makes)."""
    for route in resolver_routes(app):
        if route.method == method.upper() and route.rule.match(path):
            return route
    return None


def allowed_methods(app: APIGatewayHttpResolver, path: str) -> list[str]:
    """Every method some route of this resolver serves on this path (empty: no such path)."""
    return sorted({route.method for route in resolver_routes(app) if route.rule.match(path)})


def header(event: dict[str, Any], name: str) -> str | None:
    for key, value in (event.get("headers") or {}).items():
        if key.lower() == name:
            return str(value)
    return None


def canonical_content_type(event: dict[str, Any]) -> dict[str, Any]:
    """The event with its Content-Type spelled as Powertools compares it (lower-case type, no spaces):
    it reads bodies by a case-sensitive prefix, so ``Application/JSON`` would not be parsed as JSON."""
    value = header(event, "content-type")
    media_type, params = parse_media_type(value or "")
    if not media_type:
        return event
    headers = {k: v for k, v in (event.get("headers") or {}).items() if k.lower() != "content-type"}
    headers["content-type"] = "".join([media_type, *(f"; {name}={param}" for name, param in params.items())])
    return {**event, "headers": headers}


def unsupported_body(app: APIGatewayHttpResolver, event: dict[str, Any], *, has_body: bool) -> dict[str, Any] | None:
    """A 415 response for a body route sent anything but the types it accepts; None to go on."""
    method = str(event.get("requestContext", {}).get("http", {}).get("method", ""))
    route = route_for(app, method, str(event.get("rawPath", "")))
    if route is None:
        return None  # no such route: the resolver answers 404 or 405
    takes_form = (route.method, route.openapi_path) in FORM_BODY_ROUTES
    if route.body_field is None and not takes_form:
        return None  # a route without a body ignores one, as before
    accepted = body_media_types(route.method, route.openapi_path)
    refusal = media_type_refusal(accepted, header(event, "content-type"), has_body)
    if refusal is None:
        return None
    return raw_error(HTTPStatus.UNSUPPORTED_MEDIA_TYPE, "unsupported_media_type", refusal)
