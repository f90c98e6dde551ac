"""HTTP only: one resolver per Lambda function, built from the deps; ``build_local_handler`` for the local stack."""

from __future__ import annotations

import re
import threading
from collections.abc import Callable
from http import HTTPStatus
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from aws_lambda_powertools.event_handler import APIGatewayHttpResolver

    from carjunction.api.deps import Deps

FUNCTIONS = ("inquiry", "register", "order")


def build_app(function: str, deps: Deps) -> APIGatewayHttpResolver:
    from carjunction.api.routes import inquiry, order, register  # noqa: PLC0415

    builders = {"inquiry": inquiry.build, "register": register.build, "order": order.build}
    return builders[function](deps)


def build_all(deps: Deps) -> dict[str, APIGatewayHttpResolver]:
    """Every function's resolver, by function name."""
    return {function: build_app(function, deps) for function in FUNCTIONS}


def route_owners(apps: dict[str, APIGatewayHttpResolver]) -> list[tuple[re.Pattern[str], str]]:
    """(path pattern, function) for every route, read from the resolvers' own OpenAPI description."""
    from carjunction.api.routes.common import security_schemes  # noqa: PLC0415

    owners = []
    for function, app in apps.items():
        for path in app.get_openapi_schema(security_schemes=security_schemes()).paths or {}:
            pattern = re.sub(r"\\\{[^}]+\\\}", "[^/]+", re.escape(path))
            owners.append((re.compile(pattern), function))
    return owners


def build_local_handler(deps: Deps) -> Callable[[dict[str, Any], Any], dict[str, Any]]:
    """One (event, context) handler for all routes, as API Gateway routes them to the functions.

    Each function's resolver serves one event at a time, as a Lambda instance does (a resolver keeps the
    current event on itself); the local server's threads queue per function.
    """
    from carjunction.api.errors import raw_error  # noqa: PLC0415
    from carjunction.api.routes.common import dispatch  # noqa: PLC0415

    apps = build_all(deps)
    owners = route_owners(apps)
    locks = {function: threading.Lock() for function in apps}

    def handle(event: dict[str, Any], context: Any) -> dict[str, Any]:
        path = str(event.get("rawPath", ""))
        for pattern, function in owners:
            if pattern.fullmatch(path):
                with locks[function]:
                    return dispatch(apps[function], event, context)
        return raw_error(HTTPStatus.NOT_FOUND, "no_such_route", "There is no such API route.")

    return handle
