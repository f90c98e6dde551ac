"""Warm request through the handler vs. the bare DynamoDB call it makes, against one moto server on loopback.

DESIGN.md §6 target: a warm request costs at most 1.5 × the DynamoDB calls it makes.
Run: .venv/bin/python bench/api_warm.py.
Prints one tab-separated line per route: route, handler ms, bare calls, bare ms, ratio (medians).
"""

from __future__ import annotations

import re
import statistics
import sys
import tempfile
import time
import uuid
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

ROUNDS = 300


def timed(call: Any, rounds: int) -> float:
    samples = []
    for _ in range(rounds):
        start = time.perf_counter()
        call()
        samples.append(time.perf_counter() - start)
    return statistics.median(samples)


def main() -> None:
    # Imported here, after sys.path holds the repository (tests/ is not installed).
    import logging  # noqa: PLC0415

    import boto3  # noqa: PLC0415
    from tests.support.api import LambdaContext, event  # noqa: PLC0415

    from carjunction.api.deps import build_deps  # noqa: PLC0415
    from carjunction.api.logic.sync_catalogue import sync_catalogue  # noqa: PLC0415
    from carjunction.api.routes import build_app  # noqa: PLC0415
    from carjunction.api.routes.common import dispatch  # noqa: PLC0415
    from carjunction.api.settings import Settings  # noqa: PLC0415
    from carjunction.api.store.vehicles import RESERVED, SOLD, vehicle_key  # noqa: PLC0415
    from carjunction.api.tables import create_tables  # noqa: PLC0415
    from carjunction.catalogue import load_catalogue  # noqa: PLC0415
    from carjunction.local.dynamodb import local_aws_environment, start_moto  # noqa: PLC0415

    logging.getLogger("werkzeug").setLevel(logging.ERROR)  # moto's server logs every request otherwise
    local_aws_environment()
    server, endpoint = start_moto()
    try:
        session = boto3.session.Session(region_name="ap-northeast-1")
        settings = Settings(
            table_name=f"bench-{uuid.uuid4().hex[:6]}",
            site_origin="http://127.0.0.1:8000",
            cookie_secret_parameter="/bench/cookie",  # noqa: S106 - a parameter name
            content_dir=ROOT / "content",
            outbox_dir=Path(tempfile.mkdtemp()),
        )
        client = session.client("dynamodb", endpoint_url=endpoint)
        create_tables(client, ROOT / "template.yaml", {"DataTable": settings.table_name})
        deps = build_deps(settings, session, endpoint_url=endpoint)
        catalogue = load_catalogue(ROOT / "content")
        sync_catalogue(deps.db, catalogue)
        vehicle = catalogue.vehicles[0]
        app = build_app("inquiry", deps)
        request = event("GET", "/api/quote", query={"stock_no": vehicle.stock_no, "port": "KEMBA"})
        key = vehicle_key(vehicle.stock_no)

        def through_handler() -> None:
            assert dispatch(app, request, LambdaContext())["statusCode"] == 200

        def bare() -> None:
            client.get_item(TableName=settings.table_name, Key=key, ConsistentRead=True)

        status_request = event("GET", "/api/stock/status")

        def status_through_handler() -> None:
            assert dispatch(app, status_request, LambdaContext())["statusCode"] == 200

        def status_bare() -> None:
            for partition in (RESERVED, SOLD):
                client.query(
                    TableName=settings.table_name,
                    IndexName="gsi2",
                    KeyConditionExpression="gsi2pk = :p",
                    ExpressionAttributeValues={":p": {"S": partition}},
                )

        for name, handler, plain, calls in (
            ("GET /api/quote", through_handler, bare, "GetItem"),
            ("GET /api/stock/status", status_through_handler, status_bare, "2 × Query"),
        ):
            for warm in (handler, plain):
                timed(warm, 20)
            handler_s, bare_s = timed(handler, ROUNDS), timed(plain, ROUNDS)
            print(
                f"{name}\t{handler_s * 1000:.2f}\t{calls}\t{bare_s * 1000:.2f}\t{handler_s / bare_s:.2f}",
            )
        measure_writes(session, endpoint, settings, catalogue)
    finally:
        server.stop()


class DynamoDBTimer:
    """Wall time spent inside the DynamoDB calls of one request, from the client's own botocore events.

    A write cannot be replayed bare (its conditions fail the second time), so for the POST routes the
    "bare calls" are the very calls the handler makes, timed from parameter checking to the parsed answer.
    """

    def __init__(self, client: Any) -> None:
        self.spent = 0.0
        self.calls = 0
        self._started: list[float] = []
        client.meta.events.register("provide-client-params.dynamodb.*", self._start)
        client.meta.events.register("after-call.dynamodb.*", self._stop)

    def _start(self, **_: Any) -> None:
        self._started.append(time.perf_counter())

    def _stop(self, **_: Any) -> None:
        self.spent += time.perf_counter() - self._started.pop()
        self.calls += 1

    def reset(self) -> None:
        self.spent, self.calls = 0.0, 0


def measure_writes(session: Any, endpoint: str, base: Any, catalogue: Any) -> None:
    """POST /api/inquiries and POST /api/orders: the whole request vs the DynamoDB calls inside it."""
    from tests.support.api import LambdaContext, event, member_body  # noqa: PLC0415

    from carjunction.api.deps import build_deps  # noqa: PLC0415
    from carjunction.api.logic.sync_catalogue import sync_catalogue  # noqa: PLC0415
    from carjunction.api.mail import OutboxMailer  # noqa: PLC0415
    from carjunction.api.routes import FUNCTIONS, build_app  # noqa: PLC0415
    from carjunction.api.routes.common import dispatch  # noqa: PLC0415
    from carjunction.api.tables import create_tables  # noqa: PLC0415

    suffix = uuid.uuid4().hex[:6]
    settings = base.model_copy(
        update={
            "table_name": f"bench-w-{suffix}",
            "idempotency_table_name": f"bench-i-{suffix}",
            "inquiries_per_hour": 10**9,  # the counter is still updated; only the refusal is out of the way
            "sign_ups_per_hour": 10**9,
            "orders_per_hour": 10**9,
            "max_open_reservations": 50,  # the most a member may hold: the bench orders up to that many cars
        }
    )
    client = session.client("dynamodb", endpoint_url=endpoint)
    create_tables(
        client,
        ROOT / "template.yaml",
        {"DataTable": settings.table_name, "IdempotencyTable": settings.idempotency_table_name},
    )
    session.client("ssm", endpoint_url=endpoint).put_parameter(
        Name=settings.cookie_secret_parameter, Value=uuid.uuid4().hex * 2, Type="SecureString", Overwrite=True
    )
    deps = build_deps(settings, session, with_idempotency=True, endpoint_url=endpoint)
    sync_catalogue(deps.db, catalogue)
    timer = DynamoDBTimer(deps.db.client)
    apps = {name: build_app(name, deps) for name in FUNCTIONS}
    origin = {"origin": settings.site_origin}
    # A member as the site makes one: sign up, then confirm the link mailed to the address (the outbox here).
    body = member_body()
    signed_up = dispatch(apps["register"], event("POST", "/api/members", body, headers=origin), LambdaContext())
    assert signed_up["statusCode"] == 202, signed_up
    assert settings.outbox_dir is not None
    (mail,) = [m for m in OutboxMailer(settings.outbox_dir).sent() if m.to == body["email"]]
    token = re.search(r"#token=([A-Za-z0-9_-]+)", mail.body)
    assert token, mail.body
    confirm = event("POST", "/api/session", {"token": token.group(1)}, headers=origin)
    confirmed = dispatch(apps["register"], confirm, LambdaContext())
    assert confirmed["statusCode"] == 200, confirmed
    set_cookies = confirmed.get("cookies") or confirmed.get("multiValueHeaders", {}).get("Set-Cookie", [])
    cookie = next(c for c in set_cookies if c.startswith("member=")).split(";", 1)[0]

    def inquiry() -> dict[str, Any]:
        body = {"name": "Amani", "email": "amani@example.org", "country": "KE", "message": "Still available?"}
        return event("POST", "/api/inquiries", body, headers=origin)

    free = [v.stock_no for v in catalogue.vehicles if v.status.value == "available"]

    def order() -> dict[str, Any]:
        body = {
            "stock_no": free.pop(),
            "port": "KEMBA",
            "incoterm": "CIF",
            "consignee": {"name": "Otieno Motors Ltd", "address": "Moi Avenue 1, Mombasa"},
            "idempotency_key": uuid.uuid4().hex,
        }
        return event("POST", "/api/orders", body, cookie=cookie, headers=origin)

    for name, app, make, rounds in (
        ("POST /api/inquiries", apps["inquiry"], inquiry, ROUNDS),
        ("POST /api/orders", apps["order"], order, min(len(free) - 2, 50)),  # one car per order
    ):
        totals, inside, calls = [], [], 0
        for n in range(rounds):
            request = make()
            timer.reset()
            start = time.perf_counter()
            status = dispatch(app, request, LambdaContext())["statusCode"]
            elapsed = time.perf_counter() - start
            assert status == 201, status
            if n >= 2:  # the first requests build clients and warm caches
                totals.append(elapsed)
                inside.append(timer.spent)
                calls = timer.calls
        handler_s, bare_s = statistics.median(totals), statistics.median(inside)
        print(f"{name}\t{handler_s * 1000:.2f}\t{calls} DynamoDB calls\t{bare_s * 1000:.2f}\t{handler_s / bare_s:.2f}")


if __name__ == "__main__":
    main()
