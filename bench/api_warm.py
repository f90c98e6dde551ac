"""Warm request through the handler vs. the bare DynamoDB call it makes, against one moto server on loopback.

DESIGN.md §6 target: a warm request costs at most 1.5 × the DynamoDB calls it makes.
Run: .venv/bin/python bench/api_warm.py.
Prints one tab-separated line per route: route, handler ms, bare calls, bare ms, ratio (medians).
"""

from __future__ import annotations

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
    from tests.api.conftest import LambdaContext, event  # noqa: PLC0415

    from carjunction.api.deps import build_deps  # noqa: PLC0415
    from carjunction.api.logic.sync_catalogue import sync_catalogue  # noqa: PLC0415
    from carjunction.api.routes import build_app  # noqa: PLC0415
    from carjunction.api.routes.common import dispatch  # noqa: PLC0415
    from carjunction.api.settings import Settings  # noqa: PLC0415
    from carjunction.api.store.vehicles import RESERVED, SOLD  # noqa: PLC0415
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
        key = {"pk": {"S": f"VEHICLE#{vehicle.stock_no}"}, "sk": {"S": "VEHICLE"}}

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
    finally:
        server.stop()


if __name__ == "__main__":
    main()
