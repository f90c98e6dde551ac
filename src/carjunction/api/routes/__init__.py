"""HTTP only: one resolver per Lambda function, built from the deps; ``build_all`` for the local stack."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from aws_lambda_powertools.event_handler import APIGatewayHttpResolver

    from carjunction.api.deps import Deps

FUNCTIONS = ("inquiry", "register", "order")


def build_app(function: str, deps: Deps) -> APIGatewayHttpResolver:
    from carjunction.api.routes import inquiry, order, register  # noqa: PLC0415

    builders = {"inquiry": inquiry.build, "register": register.build, "order": order.build}
    return builders[function](deps)


def build_all(deps: Deps) -> dict[str, APIGatewayHttpResolver]:
    """Every function's resolver; a local server dispatches each request to the one owning its route."""
    return {function: build_app(function, deps) for function in FUNCTIONS}
