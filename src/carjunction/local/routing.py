"""Which Lambda function owns a request, read from template.yaml's HttpApi events, so the local stack
routes exactly as API Gateway does and the two cannot drift apart."""

from __future__ import annotations

import logging
import re
import threading
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from http import HTTPStatus
from typing import Any

from carjunction.api.errors import NO_SUCH_ROUTE, raw_error

log = logging.getLogger(__name__)
Handler = Callable[[dict[str, Any], Any], dict[str, Any]]
# The methods CloudFront passes on to the API (the /api/* behaviour's AllowedMethods in template.yaml; a test
# keeps the two equal). An ANY route means these; any other method never reaches API Gateway.
EDGE_METHODS = frozenset({"DELETE", "GET", "HEAD", "OPTIONS", "PATCH", "POST", "PUT"})


@dataclass(frozen=True)
class Route:
    method: str  # "ANY" or an HTTP method
    pattern: re.Pattern[str]
    function: str


def _path_pattern(path: str) -> re.Pattern[str]:
    # "/api/orders/{id}" → one path segment per parameter, as API Gateway matches it.
    parts = re.split(r"(\{[^}]+\})", path)
    regex = "".join("[^/]+" if part.startswith("{") else re.escape(part) for part in parts)
    return re.compile(f"^{regex}$")


def function_name(logical_id: str) -> str:
    """InquiryFunction → inquiry, the name the API package builds its resolvers by."""
    return logical_id.removesuffix("Function").lower()


def routes_from_template(template: Mapping[str, Any]) -> list[Route]:
    routes: list[Route] = []
    for logical_id, resource in template["Resources"].items():
        if resource.get("Type") != "AWS::Serverless::Function":
            continue
        for event in (resource.get("Properties", {}).get("Events") or {}).values():
            if event.get("Type") != "HttpApi":
                continue
            properties = event["Properties"]
            routes.append(
                Route(
                    str(properties["Method"]).upper(), _path_pattern(str(properties["Path"])), function_name(logical_id)
                )
            )
    return routes


def routed_functions(routes: list[Route]) -> list[str]:
    """The functions API Gateway sends requests to, in the template's order: the ones the local stack runs."""
    return list(dict.fromkeys(route.function for route in routes))


def allowed_methods(routes: list[Route], path: str) -> list[str]:
    """The methods template.yaml declares for ``path`` (an ANY route: every method the edge forwards)."""
    methods: set[str] = set()
    for route in routes:
        if route.pattern.match(path):
            methods |= EDGE_METHODS if route.method == "ANY" else {route.method}
    return sorted(methods)


def route_handler(routes: list[Route], functions: Mapping[str, Handler]) -> Handler:
    """One handler for the local server that passes each event to the function owning its route: a path no route
    has is 404, a path whose routes are for other methods is 405 with the methods they are for."""

    # A Powertools resolver keeps the current event on itself, so each function serves one event at a time,
    # as one Lambda instance does; the server's threads queue per function.
    locks = {name: threading.Lock() for name in functions}
    served = [route for route in routes if route.function in functions]

    def handle(event: dict[str, Any], context: Any) -> dict[str, Any]:
        method = event["requestContext"]["http"]["method"]
        path = event["rawPath"]
        for route in served:
            if method in EDGE_METHODS and route.method in {"ANY", method} and route.pattern.match(path):
                try:
                    with locks[route.function]:
                        return functions[route.function](event, context)
                except Exception:
                    # A function that crashes gets a 500 from API Gateway; the developer gets the traceback.
                    log.exception("the %s function failed on %s %s", route.function, method, path)
                    return raw_error(HTTPStatus.INTERNAL_SERVER_ERROR, "internal_error", "Internal Server Error")
        allowed = allowed_methods(served, path)
        if not allowed:
            return raw_error(*NO_SUCH_ROUTE)
        # Worded as a resolver words its own 405 (carjunction.api.errors), for a method no route of the path has.
        refused = raw_error(
            HTTPStatus.METHOD_NOT_ALLOWED, "method_not_allowed", f"This route takes {', '.join(allowed)}."
        )
        refused["headers"]["Allow"] = ", ".join(allowed)
        return refused

    return handle
