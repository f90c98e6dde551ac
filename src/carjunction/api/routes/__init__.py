"""HTTP only: one resolver per Lambda function, built from the deps.

Which function serves which route is template.yaml's to say (API Gateway routes by it); the local stack reads it
there too (``carjunction.local.routing``). ``FUNCTIONS`` names the functions this package builds a resolver for,
and a test keeps it equal to the template's HTTP functions.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from aws_lambda_powertools.event_handler import APIGatewayHttpResolver

    from carjunction.api.deps import Deps

# Each is a module of this package with a ``build(deps)``; the order is openapi.json's order of paths.
FUNCTIONS = ("inquiry", "register", "order")


def build_app(function: str, deps: Deps) -> APIGatewayHttpResolver:
    if function not in FUNCTIONS:
        raise ValueError(f"no API function {function!r}; there are {', '.join(FUNCTIONS)}")
    # Imported on use: a Lambda function imports only its own routes (cold start).
    resolver: APIGatewayHttpResolver = importlib.import_module(f"carjunction.api.routes.{function}").build(deps)
    return resolver
