"""The API functions called in process over one moto account (tables created from template.yaml, the cookie
secret in SSM, stock synced into the table), and the request bodies the API tests send."""

from __future__ import annotations

import base64
import datetime as dt
import json
import re
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from http import HTTPStatus
from pathlib import Path
from typing import Any

import boto3

from carjunction.api.deps import Deps, build_deps
from carjunction.api.logic.sync_catalogue import sync_catalogue
from carjunction.api.mail import OutboxMailer
from carjunction.api.routes import build_app
from carjunction.api.routes.common import dispatch
from carjunction.api.settings import Settings
from carjunction.api.tables import create_tables
from carjunction.catalogue import Catalogue, Vehicle
from carjunction.catalogue.load import load_catalogue
from tests.support.factories import vehicle_data

ROOT = Path(__file__).resolve().parents[2]
SITE = "https://www.example-exporter.test"
REGION = "ap-northeast-1"


@dataclass
class Api:
    """The three HTTP functions over one moto account, called with API Gateway HTTP API v2 events."""

    deps: Deps
    session: Any
    outbox: OutboxMailer
    catalogue: Catalogue

    def call(self, function: str, event: dict[str, Any], deps: Deps | None = None) -> Response:
        app = build_app(function, deps or self.deps)
        return Response.of(dispatch(app, event, LambdaContext()))

    def add_vehicle(self, **changes: Any) -> Vehicle:
        vehicle = Vehicle.model_validate(vehicle_data(**changes))
        self.catalogue = Catalogue(
            vehicles=(*self.catalogue.vehicles, vehicle),
            shipping=self.catalogue.shipping,
            company=self.catalogue.company,
        )
        only = Catalogue((vehicle,), self.catalogue.shipping, self.catalogue.company)
        sync_catalogue(self.deps.db, only, complete=False)
        return vehicle

    def items(self) -> list[dict[str, Any]]:
        return list(self.deps.db.client.scan(TableName=self.deps.db.table)["Items"])


@dataclass
class Response:
    status: int
    headers: dict[str, str]
    cookies: list[str]
    body: Any

    @classmethod
    def of(cls, result: dict[str, Any]) -> Response:
        text = result.get("body") or ""
        return cls(
            status=int(result["statusCode"]),
            headers={k.lower(): v for k, v in (result.get("headers") or {}).items()},
            cookies=list(result.get("cookies") or []),
            body=json.loads(text) if text else None,
        )

    def cookie(self) -> str:
        """The member cookie as a browser would send it back."""
        (set_cookie,) = [c for c in self.cookies if c.startswith("member=")]
        return set_cookie.split(";", 1)[0]


class LambdaContext:
    function_name = "test"
    memory_limit_in_mb = 512
    invoked_function_arn = "arn:aws:lambda:ap-northeast-1:123456789012:function:test"
    aws_request_id = "req-test"

    def get_remaining_time_in_millis(self) -> int:
        return 10_000


def event(
    method: str,
    path: str,
    body: Any = None,
    *,
    cookie: str | None = None,
    headers: dict[str, str] | None = None,
    query: dict[str, str] | None = None,
    raw_body: str | None = None,
    base64_body: bytes | None = None,
    source_ip: str = "198.51.100.7",
) -> dict[str, Any]:
    """An API Gateway HTTP API (payload 2.0) event, as CloudFront → API Gateway delivers it."""
    text = raw_body if raw_body is not None else (json.dumps(body) if body is not None else None)
    all_headers = {"content-type": "application/json", "origin": SITE, **(headers or {})}
    if method == "GET":
        all_headers.pop("origin")
    result: dict[str, Any] = {
        "version": "2.0",
        "routeKey": f"{method} {path}",
        "rawPath": path,
        "rawQueryString": "&".join(f"{k}={v}" for k, v in (query or {}).items()),
        "headers": all_headers,
        "requestContext": {
            "accountId": "123456789012",
            "apiId": "api",
            "domainName": "api.example.test",
            "http": {"method": method, "path": path, "protocol": "HTTP/1.1", "sourceIp": source_ip, "userAgent": "t"},
            "requestId": str(uuid.uuid4()),
            "routeKey": f"{method} {path}",
            "stage": "$default",
            "time": "24/Nov/2026:20:00:00 +0000",
            "timeEpoch": 1795550400000,
        },
        "isBase64Encoded": False,
    }
    if query:
        result["queryStringParameters"] = query
    if cookie:
        result["cookies"] = [cookie]
    if base64_body is not None:
        result["body"] = base64.b64encode(base64_body).decode()
        result["isBase64Encoded"] = True
    elif text is not None:
        result["body"] = text
    return result


def unique_email() -> str:
    return f"buyer-{uuid.uuid4().hex[:10]}@example.org"


def unique_phone() -> str:
    return f"+254 7{uuid.uuid4().int % 10**8:08d}"


def member_body(**changes: Any) -> dict[str, Any]:
    return {
        "name": "Amani Otieno",
        "telephone": unique_phone(),
        "email": unique_email(),
        "country": "KE",
        "port": "KEMBA",
        **changes,
    }


def settings_for(tmp_path: Path, **changes: Any) -> Settings:
    return Settings(
        table_name=f"data-{uuid.uuid4().hex[:8]}",
        idempotency_table_name=f"idem-{uuid.uuid4().hex[:8]}",
        site_origin=SITE,
        cookie_secret_parameter="/test/cookie-secret",  # noqa: S106 - a parameter name
        content_dir=ROOT / "content",
        outbox_dir=tmp_path / "outbox",
        **changes,
    )


def make_api(tmp_path: Path, **changes: Any) -> Api:
    settings = settings_for(tmp_path, **changes)
    session = boto3.session.Session(region_name=REGION)
    create_tables(
        session.client("dynamodb"),
        ROOT / "template.yaml",
        {"DataTable": settings.table_name, "IdempotencyTable": settings.idempotency_table_name},
    )
    session.client("ssm").put_parameter(
        Name=settings.cookie_secret_parameter, Value=uuid.uuid4().hex * 2, Type="SecureString"
    )
    deps = build_deps(settings, session, with_idempotency=True)
    catalogue = load_catalogue(ROOT / "content")
    assert settings.outbox_dir is not None
    return Api(deps=deps, session=session, outbox=OutboxMailer(settings.outbox_dir), catalogue=catalogue)


def link_token(api: Api, to: str, page: str = "/members/sign-in/") -> str:
    """The token of the newest link to ``page`` mailed to ``to`` (the outbox is where tests "send" mail)."""
    pattern = re.compile(re.escape(page) + r"#token=([A-Za-z0-9_-]+)")
    found = [
        match.group(1)
        for e in api.outbox.sent()
        if e.to.lower() == to.lower()
        for match in [pattern.search(e.body)]
        if match
    ]
    assert found, f"no link to {page} mailed to {to}"
    return found[-1]


def random_address() -> str:
    # Each sign-up from its own address: the rate limits are not what most tests are about.
    return f"10.{uuid.uuid4().int % 250}.{uuid.uuid4().int % 250}.{uuid.uuid4().int % 250}"


def confirm_sign_up(
    api: Api, body: dict[str, Any], call: Callable[[str, dict[str, Any]], Response] | None = None
) -> str:
    """Sign ``body`` up and confirm the mailed link, as the owner of the address does; the member cookie.
    ``call(function, event)`` reaches the functions (default: the resolvers over ``api``'s deps)."""
    send = call or api.call
    response = send("register", event("POST", "/api/members", body, source_ip=random_address()))
    assert response.status == 202, response.body
    assert response.cookies == []
    confirmed = send("register", event("POST", "/api/session", {"token": link_token(api, body["email"])}))
    assert confirmed.status == 200, confirmed.body
    return confirmed.cookie()


def fixed_clock(moment: dt.datetime) -> Callable[[], dt.datetime]:
    return lambda: moment


def order_body(stock_no: str, **changes: Any) -> dict[str, Any]:
    return {
        "stock_no": stock_no,
        "port": "KEMBA",
        "incoterm": "CIF",
        "consignee": {"name": "Otieno Motors Ltd", "address": "Moi Avenue 1, Mombasa", "telephone": "+254 700 000001"},
        "idempotency_key": uuid.uuid4().hex,
        **changes,
    }


def inquiry(**changes: Any) -> dict[str, Any]:
    return {
        "name": "Grace Mwangi",
        "email": unique_email(),
        "telephone": unique_phone(),
        "country": "KE",
        "message": "Is the price negotiable? <script>alert(1)</script>",
        **changes,
    }


class FakeHttp:
    status_code = 400


def fail_operation(api: Api, operation: str, code: str | None = None, exception: Exception | None = None) -> None:
    """Make every ``operation`` on the functions' DynamoDB client fail, as a throttled or unreachable table does."""

    def short_circuit(**_: Any) -> Any:
        if exception is not None:
            raise exception
        return FakeHttp(), {"Error": {"Code": code, "Message": "injected"}, "ResponseMetadata": {}}

    api.deps.db.client.meta.events.register(f"before-call.dynamodb.{operation}", short_circuit, unique_id="inject")


def heal(api: Api, operation: str) -> None:
    api.deps.db.client.meta.events.unregister(f"before-call.dynamodb.{operation}", unique_id="inject")


def assert_error(response: Any, status: HTTPStatus, code: str) -> None:
    assert response.status == status, response.body
    assert set(response.body) == {"error"}
    assert set(response.body["error"]) == {"code", "message", "fields"}
    assert response.body["error"]["code"] == code
