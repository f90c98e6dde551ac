"""Every API route through the local stack's one router (routes read from template.yaml), as the local server
serves them, with each function's resolver built on the given deps."""

from __future__ import annotations

from functools import cache, partial
from pathlib import Path

from carjunction.api.deps import Deps
from carjunction.api.routes import build_app
from carjunction.api.routes.common import dispatch
from carjunction.api.tables import load_template
from carjunction.local.routing import Handler, Route, route_handler, routed_functions, routes_from_template

TEMPLATE = Path(__file__).resolve().parents[2] / "template.yaml"


@cache
def template_routes() -> tuple[Route, ...]:
    return tuple(routes_from_template(load_template(TEMPLATE)))


def owner(path: str) -> str:
    """The function template.yaml routes ``path`` to, by the path alone: an ANY route gives it every method."""
    (function,) = {route.function for route in template_routes() if route.pattern.match(path)}
    return function


def routed_api(deps: Deps) -> Handler:
    routes = list(template_routes())
    apps = {name: build_app(name, deps) for name in routed_functions(routes)}
    return route_handler(routes, {name: partial(dispatch, app) for name, app in apps.items()})
