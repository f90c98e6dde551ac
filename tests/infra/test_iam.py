"""Least privilege, checked against the code: each function's IAM statements in template.yaml must be exactly the
(action, resource) pairs its code calls, as recorded by a botocore hook while a journey covers all its routes."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import boto3
import pytest

from carjunction.api.deps import build_deps
from carjunction.api.logic.release_lapsed import release_lapsed
from carjunction.api.routes import build_app
from carjunction.api.routes.common import dispatch
from carjunction.api.store.db import Db
from carjunction.api.tables import load_template
from tests.api.conftest import REGION, ROOT, Api, LambdaContext, Response, event, make_api, member_body
from tests.api.test_orders import order_body

Grant = tuple[str, str]  # ("dynamodb:PutItem", "DataTable"), ("ses:SendEmail", "*"), ...
SERVICE_PREFIX = {"dynamodb": "dynamodb", "sesv2": "ses", "ssm": "ssm"}
FUNCTIONS = {"inquiry": "InquiryFunction", "register": "RegisterFunction", "order": "OrderFunction"}


def resource_name(resource: Any) -> str:
    """A template Resource as a short name: DataTable, DataTable/index, parameter, *."""
    if resource == "*":
        return "*"
    if isinstance(resource, dict) and "Fn::GetAtt" in resource:
        target = resource["Fn::GetAtt"]
        return str(target[0] if isinstance(target, list) else target.split(".")[0])
    if isinstance(resource, dict) and "Fn::Sub" in resource:
        sub = str(resource["Fn::Sub"])
        if sub.startswith("${") and "/index/" in sub:
            return sub[2 : sub.index(".")] + "/index"
        if ":parameter" in sub:
            return "parameter"
    raise AssertionError(f"unexpected resource form {resource!r}")


def template_grants(logical_id: str) -> set[Grant]:
    template = load_template(ROOT / "template.yaml")
    grants: set[Grant] = set()
    for policy in template["Resources"][logical_id]["Properties"]["Policies"]:
        for statement in policy["Statement"]:
            assert statement["Effect"] == "Allow"
            actions = statement["Action"] if isinstance(statement["Action"], list) else [statement["Action"]]
            resources = statement["Resource"] if isinstance(statement["Resource"], list) else [statement["Resource"]]
            grants |= {(str(a), resource_name(r)) for a in actions for r in resources}
    return grants


class Recorder:
    """Every AWS call a session's clients make, as the IAM (action, resource) it needs."""

    def __init__(self, tables: dict[str, str]) -> None:
        self.tables = tables  # table name → logical id
        self.grants: set[Grant] = set()

    def __call__(self, params: dict[str, Any], event_name: str, **_: Any) -> None:
        _event, service, operation = event_name.split(".")
        action = f"{SERVICE_PREFIX[service]}:{operation}"
        if service == "ssm":
            self.grants.add((action, "parameter"))
        elif service == "sesv2":
            self.grants.add((action, "*"))
        elif operation == "TransactWriteItems":
            for item in params["TransactItems"]:
                (write,) = item.values()
                self.grants.add((action, self.tables[write["TableName"]]))
        else:
            suffix = "/index" if params.get("IndexName") else ""
            self.grants.add((action, self.tables[params["TableName"]] + suffix))

    def session(self) -> Any:
        session = boto3.session.Session(region_name=REGION)
        session.events.register("before-parameter-build", self)
        return session


@pytest.fixture
def world(aws: None, tmp_path: Path) -> Iterator[tuple[Api, Recorder]]:
    api = make_api(tmp_path)
    settings = api.deps.settings
    recorder = Recorder({settings.table_name: "DataTable", settings.idempotency_table_name: "IdempotencyTable"})
    # SES instead of the outbox, so that sending is recorded too.
    ses_settings = settings.model_copy(update={"outbox_dir": None})
    api.session.client("ses").verify_email_identity(EmailAddress=settings.mail_from)
    api.deps = build_deps(ses_settings, recorder.session(), with_idempotency=True)
    yield api, recorder


def cold_start(api: Api, recorder: Recorder) -> None:
    """Fresh deps (empty parameter cache), with nothing recorded yet: what a new instance would call."""
    api.deps = build_deps(api.deps.settings, recorder.session(), with_idempotency=True)
    recorder.grants.clear()


def call(api: Api, function: str, request: dict[str, Any]) -> Response:
    return Response.of(dispatch(build_app(function, api.deps), request, LambdaContext()))


def sign_up_and_in(api: Api) -> tuple[str, dict[str, Any]]:
    details = member_body()
    cookie = call(api, "register", event("POST", "/api/members", details)).cookie()
    return cookie, details


def test_the_inquiry_function_is_granted_exactly_what_it_calls(world: tuple[Api, Recorder]) -> None:
    api, recorder = world
    cookie, details = sign_up_and_in(api)
    vehicle = api.add_vehicle()
    cold_start(api, recorder)
    inquiry = {"name": "A", "email": details["email"], "country": "KE", "message": "Hi", "stock_no": vehicle.stock_no}
    assert call(api, "inquiry", event("POST", "/api/inquiries", inquiry, cookie=cookie)).status == 201
    quote = event("GET", "/api/quote", query={"stock_no": vehicle.stock_no, "port": "KEMBA"})
    assert call(api, "inquiry", quote).status == 200
    assert call(api, "inquiry", event("GET", "/api/stock/status")).status == 200
    assert recorder.grants == template_grants("InquiryFunction")


def test_the_register_function_is_granted_exactly_what_it_calls(world: tuple[Api, Recorder]) -> None:
    api, recorder = world
    details = member_body()
    cookie = call(api, "register", event("POST", "/api/members", details)).cookie()
    assert call(api, "register", event("POST", "/api/members", details)).status == 202  # already a member
    assert call(api, "register", event("POST", "/api/session/link", {"email": details["email"]})).status == 202
    bad_token = {"token": "x" * 43}
    assert call(api, "register", event("POST", "/api/session", bad_token)).status == 401
    assert call(api, "register", event("PATCH", "/api/me", {"port": "TZDAR"}, cookie=cookie)).status == 200
    assert call(api, "register", event("GET", "/api/me/export", cookie=cookie)).status == 200
    assert call(api, "register", event("DELETE", "/api/session", cookie=cookie)).status == 204
    again = call(api, "register", event("POST", "/api/members", member_body())).cookie()
    assert call(api, "register", event("DELETE", "/api/me", cookie=again)).status == 204
    assert recorder.grants == template_grants("RegisterFunction")


def test_the_order_function_is_granted_exactly_what_it_calls(world: tuple[Api, Recorder]) -> None:
    api, recorder = world
    cookie, _ = sign_up_and_in(api)
    other, _ = sign_up_and_in(api)
    vehicle = api.add_vehicle()
    cold_start(api, recorder)
    body = order_body(vehicle.stock_no)
    placed = call(api, "order", event("POST", "/api/orders", body, cookie=cookie)).body
    assert call(api, "order", event("POST", "/api/orders", body, cookie=cookie)).status == 201  # replay
    assert call(api, "order", event("POST", "/api/orders", order_body(vehicle.stock_no), cookie=other)).status == 409
    assert call(api, "order", event("GET", "/api/orders", cookie=cookie)).status == 200
    assert call(api, "order", event("GET", f"/api/orders/{placed['order_no']}", cookie=cookie)).status == 200
    code = placed["invoice"]["verification_code"]
    assert call(api, "order", event("GET", f"/api/invoices/{code}")).status == 200
    assert recorder.grants == template_grants("OrderFunction")


def test_the_release_function_is_granted_exactly_what_it_calls(world: tuple[Api, Recorder]) -> None:
    api, recorder = world
    cookie, _ = sign_up_and_in(api)
    vehicle = api.add_vehicle()
    call(api, "order", event("POST", "/api/orders", order_body(vehicle.stock_no), cookie=cookie))
    recorder.grants.clear()
    db = Db(recorder.session().client("dynamodb"), api.deps.db.table)
    later = dt.datetime.now(dt.UTC) + dt.timedelta(days=60)
    assert release_lapsed(db, later) == [vehicle.stock_no]
    assert recorder.grants == template_grants("ReleaseFunction")
