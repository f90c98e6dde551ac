"""Which Lambda function owns a request, read from template.yaml's HttpApi events, so the local stack
routes exactly as API Gateway does and the two cannot drift apart."""

from __future__ import annotations

import json
import logging
import re
import threading
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from http import HTTPStatus
from typing import Any

log = logging.getLogger(__name__)
Handler = Callable[[dict[str, Any], Any], dict[str, Any]]


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


def _error(status: HTTPStatus, code: str, message: str) -> dict[str, Any]:
    body = {"error": {"code": code, "message": message, "fields": {}}}
    return {"statusCode": int(status), "headers": {"Content-Type": "application/json"}, "body": json.dumps(body)}


def route_handler(routes: list[Route], functions: Mapping[str, Handler]) -> Handler:
    """One handler for the local server that passes each event to the function owning its route."""

    # A Powertools resolver keeps the current event on itself, so each function serves one event at a time,
    # as one Lambda instance does; the server's threads queue per function.
    locks = {name: threading.Lock() for name in functions}

    def handle(event: dict[str, Any], context: Any) -> dict[str, Any]:
        method = event["requestContext"]["http"]["method"]
        path = event["rawPath"]
        for route in routes:
            if route.method in {"ANY", method} and route.pattern.match(path) and route.function in functions:
                try:
                    with locks[route.function]:
                        return functions[route.function](event, context)
                except Exception:
                    # A function that crashes gets a 500 from API Gateway; the developer gets the traceback.
                    log.exception("the %s function failed on %s %s", route.function, method, path)
                    return _error(HTTPStatus.INTERNAL_SERVER_ERROR, "internal_error", "Internal Server Error")
        return _error(HTTPStatus.NOT_FOUND, "not_found", "No such API route.")

    return handle
