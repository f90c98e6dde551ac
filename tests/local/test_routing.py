"""The local stack routes as API Gateway does, by template.yaml: every route to the function the template names,
an unknown path to the one 404, and the code builds exactly the functions the template routes to."""

from __future__ import annotations

import json
from http import HTTPStatus
from typing import Any

import pytest

from carjunction.api.routes import FUNCTIONS
from carjunction.api.tables import load_template
from carjunction.local.routing import EDGE_METHODS, Handler, route_handler, routed_functions, routes_from_template
from tests.support.routed_api import TEMPLATE

DECLARED = load_template(TEMPLATE)


def template_routes() -> list[tuple[str, str, str]]:
    """(method, path, function) for every HttpApi event in template.yaml, read plainly from the resources."""
    declared = []
    for logical_id, resource in DECLARED["Resources"].items():
        if resource["Type"] != "AWS::Serverless::Function":
            continue
        for event in (resource["Properties"].get("Events") or {}).values():
            if event["Type"] == "HttpApi":
                properties = event["Properties"]
                declared.append((str(properties["Method"]), str(properties["Path"]), logical_id))
    return declared


def concrete(path: str) -> str:
    return path.replace("{order_no}", "CJ-ABCD1234").replace("{code}", "ABCD-EFGH-JKLM-NPQR")


def recording_router(calls: list[str]) -> Handler:
    def function(name: str) -> Handler:
        def handle(event: dict[str, Any], context: Any) -> dict[str, Any]:
            calls.append(name)
            return {"statusCode": HTTPStatus.OK, "headers": {}, "body": "{}"}

        return handle

    routes = routes_from_template(DECLARED)
    return route_handler(routes, {name: function(name) for name in routed_functions(routes)})


def request(method: str, path: str) -> dict[str, Any]:
    return {"rawPath": path, "requestContext": {"http": {"method": method}}, "headers": {}}


def test_the_code_builds_exactly_the_functions_the_template_routes_to() -> None:
    # Given the functions template.yaml sends API requests to
    routed = routed_functions(routes_from_template(DECLARED))
    # Then they are the API package's functions, in the same order, named as carjunction.api builds them
    assert routed == list(FUNCTIONS)
    assert {logical_id for _, _, logical_id in template_routes()} == {f"{n.capitalize()}Function" for n in FUNCTIONS}


@pytest.mark.parametrize(("method", "path", "logical_id"), template_routes())
def test_every_template_route_reaches_the_function_the_template_names(method: str, path: str, logical_id: str) -> None:
    # Given the local router
    calls: list[str] = []
    handle = recording_router(calls)
    # When the route is requested (an ANY route: with every method the edge forwards)
    methods = sorted(EDGE_METHODS) if method == "ANY" else [method]
    answers = [handle(request(m, concrete(path)), None) for m in methods]
    # Then each request reached the function template.yaml names for it, and only that one
    assert [a["statusCode"] for a in answers] == [HTTPStatus.OK] * len(methods)
    assert [f"{name.capitalize()}Function" for name in calls] == [logical_id] * len(methods)


@pytest.mark.parametrize("path", ["/api/nowhere", "/api/orders/CJ-1/extra", "/api", "/api/", "/api/me/"])
def test_an_unknown_path_gets_the_one_not_found_answer_and_reaches_no_function(path: str) -> None:
    calls: list[str] = []
    answer = recording_router(calls)(request("GET", path), None)
    assert answer["statusCode"] == HTTPStatus.NOT_FOUND
    assert json.loads(answer["body"]) == {
        "error": {"code": "not_found", "message": "There is no such API route.", "fields": {}}
    }
    assert calls == []


def test_a_known_path_with_an_undeclared_method_is_405_with_the_template_s_methods() -> None:
    calls: list[str] = []
    answer = recording_router(calls)(request("PUT", "/api/orders"), None)
    assert answer["statusCode"] == HTTPStatus.METHOD_NOT_ALLOWED
    assert answer["headers"]["Allow"] == "GET, POST"
    assert json.loads(answer["body"])["error"]["code"] == "method_not_allowed"
    assert calls == []
