"""Bodies are JSON (415 otherwise, before validation), and an undeclared method on a known path is a 405 with
Allow: through the resolvers, as API Gateway's ANY routes deliver every method to them."""

from __future__ import annotations

import json
from http import HTTPStatus
from typing import Any

import pytest
from aws_lambda_powertools.event_handler import Response
from pydantic import BaseModel

from carjunction.api.accepts import FORM_BODY_ROUTES, body_media_types, media_type_refusal
from carjunction.api.openapi import merged_openapi
from carjunction.api.routes.common import dispatch, new_resolver
from tests.support.api import Api, assert_error, event, inquiry
from tests.support.api import Response as Answer
from tests.support.routed_api import owner

DOCUMENT = merged_openapi()
BODY_ROUTES = sorted(
    (method.upper(), path)
    for path, item in DOCUMENT["paths"].items()
    for method, operation in item.items()
    if "requestBody" in operation
)
PATHS = {path: sorted(method.upper() for method in item) for path, item in DOCUMENT["paths"].items()}


def concrete(path: str) -> str:
    return path.replace("{order_no}", "CJ-ABCD1234").replace("{code}", "ABCD-EFGH-JKLM-NPQR")


def send(api: Api, request: dict[str, Any]) -> Answer:
    # To the function template.yaml gives the path, whatever the method: what an ANY route hands it.
    return api.call(owner(request["rawPath"]), request)


def without_content_type(request: dict[str, Any]) -> dict[str, Any]:
    request["headers"].pop("content-type")
    return request


def test_the_body_routes_are_found() -> None:
    # The 415 tests below run over every documented body route; these must be among them
    assert {("POST", "/api/inquiries"), ("POST", "/api/members"), ("PATCH", "/api/me"), ("POST", "/api/orders")} <= set(
        BODY_ROUTES
    )


@pytest.mark.parametrize(("method", "path"), [r for r in BODY_ROUTES if r not in FORM_BODY_ROUTES])
@pytest.mark.parametrize(
    "content_type",
    [
        "text/plain",  # what another site's page can send without a preflight
        "text/plain;charset=UTF-8",
        "application/x-www-form-urlencoded",
        "multipart/form-data; boundary=x",
        "application/json; charset=latin-1",
        "application/jsonx",
        "json",
    ],
)
def test_a_body_that_is_not_json_is_415_on_every_body_route(
    api: Api, method: str, path: str, content_type: str
) -> None:
    # Given a well-formed JSON body labelled as something else
    body = json.dumps(inquiry())
    # When it is sent to a route that takes a body
    response = send(api, event(method, concrete(path), raw_body=body, headers={"content-type": content_type}))
    # Then it is refused in the one error shape before any validation or sign-in check
    assert_error(response, HTTPStatus.UNSUPPORTED_MEDIA_TYPE, "unsupported_media_type")
    assert api.outbox.sent() == []


class Greeting(BaseModel):
    name: str


def test_json_with_a_utf8_charset_and_any_letter_case_is_read_as_json(api: Api) -> None:
    # Given a resolver with a typed JSON body route
    app = new_resolver(api.deps)

    @app.post("/api/echo")
    def echo(body: Greeting) -> Response[Any]:
        return Response(status_code=HTTPStatus.OK, content_type="application/json", body=body.model_dump_json())

    # When JSON arrives labelled as some clients label it
    for content_type in ('Application/JSON ; Charset="utf-8"', "application/json;charset=UTF-8", "APPLICATION/JSON"):
        request = event("POST", "/api/echo", {"name": "Amani"}, headers={"content-type": content_type})
        response = Answer.of(dispatch(app, request, None))
        # Then it is parsed and validated as JSON
        assert response.status == HTTPStatus.OK, (content_type, response.body)
        assert response.body == {"name": "Amani"}


def test_a_body_without_a_content_type_is_415(api: Api) -> None:
    response = send(api, without_content_type(event("POST", "/api/inquiries", inquiry())))
    assert_error(response, HTTPStatus.UNSUPPORTED_MEDIA_TYPE, "unsupported_media_type")


def test_a_wrong_type_is_refused_before_the_body_is_read(api: Api) -> None:
    # Given bytes that are neither JSON nor UTF-8, labelled as an image
    request = event("POST", "/api/inquiries", base64_body=b"\x89PNG\xff", headers={"content-type": "image/png"})
    # Then the answer is about the type, not the encoding
    assert_error(send(api, request), HTTPStatus.UNSUPPORTED_MEDIA_TYPE, "unsupported_media_type")


@pytest.mark.parametrize("request_without_body", [True, False], ids=["no content type", "json content type"])
def test_no_body_gets_the_validation_answer_not_415(api: Api, request_without_body: bool) -> None:
    # Given a POST with no body at all
    request = event("POST", "/api/inquiries")
    if request_without_body:
        without_content_type(request)
    # Then validation says the body is missing
    response = send(api, request)
    assert_error(response, HTTPStatus.UNPROCESSABLE_ENTITY, "invalid_fields")
    assert "body" in response.body["error"]["fields"]


def test_a_route_without_a_body_ignores_the_content_type(api: Api) -> None:
    # Sign-out takes no body; a text/plain label on an empty request changes nothing
    response = send(api, event("DELETE", "/api/session", headers={"content-type": "text/plain"}))
    assert response.status == HTTPStatus.NO_CONTENT


def test_the_declared_form_route_takes_rfc_8058_forms_and_json_and_nothing_else(api: Api) -> None:
    # Given a resolver with the one route declared to take form bodies (as the unsubscribe route does)
    ((method, path),) = FORM_BODY_ROUTES
    app = new_resolver(api.deps)

    @app.route(path, method=method)
    def one_click() -> Response[Any]:
        received = json.dumps({"received": app.current_event.body})
        return Response(status_code=HTTPStatus.OK, content_type="application/json", body=received)

    def post(content_type: str, body: str) -> Answer:
        return Answer.of(
            dispatch(app, event(method, path, raw_body=body, headers={"content-type": content_type}), None)
        )

    # When a mail client posts the one-click form, urlencoded or multipart, or the page posts JSON: it is served
    form = "List-Unsubscribe=One-Click"
    multipart = '--b\r\nContent-Disposition: form-data; name="List-Unsubscribe"\r\n\r\nOne-Click\r\n--b--\r\n'
    answer = post("application/x-www-form-urlencoded", form)
    assert answer.status == HTTPStatus.OK
    assert answer.body == {"received": form}
    assert post("multipart/form-data; boundary=b", multipart).status == HTTPStatus.OK
    assert post("application/json", "{}").status == HTTPStatus.OK
    # And any other type is still a 415
    assert_error(post("text/plain", form), HTTPStatus.UNSUPPORTED_MEDIA_TYPE, "unsupported_media_type")
    assert body_media_types(method, path)[0] == "application/json"


@pytest.mark.parametrize(
    ("content_type", "has_body", "accepted"),
    [
        ("application/json", True, True),
        ("application/json;charset=utf-8", True, True),
        ("application/json; charset=utf-16", True, False),
        ("application/json; charset", True, False),
        ("application/ json", True, False),
        ("", False, True),
        (None, False, True),
        (None, True, False),
    ],
)
def test_media_type_rules(content_type: str | None, has_body: bool, accepted: bool) -> None:
    assert (media_type_refusal(("application/json",), content_type, has_body) is None) == accepted


# --- methods -------------------------------------------------------------------------------------------------
@pytest.mark.parametrize("path", sorted(PATHS))
@pytest.mark.parametrize("method", ["TRACE", "PUT", "OPTIONS"])
def test_an_undeclared_method_on_a_known_path_is_405_with_allow(api: Api, path: str, method: str) -> None:
    # Given a path the API serves, and a method it does not serve there (API Gateway's ANY routes deliver it)
    # When it is sent
    response = send(api, event(method, concrete(path), headers={"content-type": "text/plain"}))
    # Then the answer is 405 in the one shape, and Allow lists exactly the documented methods
    assert_error(response, HTTPStatus.METHOD_NOT_ALLOWED, "method_not_allowed")
    assert response.headers["allow"].split(", ") == PATHS[path]


def test_trace_and_put_on_me_reach_the_register_function_and_get_405(api: Api) -> None:
    for method in ("TRACE", "PUT"):
        response = api.call("register", event(method, "/api/me"))
        assert_error(response, HTTPStatus.METHOD_NOT_ALLOWED, "method_not_allowed")
        assert response.headers["allow"] == "DELETE, GET, PATCH"


def test_an_unknown_path_is_still_404(api: Api) -> None:
    response = api.call("register", event("GET", "/api/nothing-here"))
    assert_error(response, HTTPStatus.NOT_FOUND, "not_found")
