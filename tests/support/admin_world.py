"""Data for the admin tests, made through the API's own handlers (so the tests prove the CLI reads what the
API writes), and the admin CLI run against the same moto table."""

from __future__ import annotations

import datetime as dt
import json
import uuid
from dataclasses import dataclass
from http import HTTPStatus
from typing import Any

import pytest

from carjunction.api.store.db import encode
from carjunction.cli import main
from carjunction.ops.admin.context import AdminContext
from tests.support.api import REGION, ROOT, Api, confirm_sign_up, event, member_body

T0 = dt.datetime(2026, 11, 20, 9, 0, tzinfo=dt.UTC)


def some_address() -> str:
    # Each request from its own address: the API's rate limits are not what these tests are about.
    n = uuid.uuid4().int
    return f"10.{n % 250}.{(n >> 8) % 250}.{(n >> 16) % 250}"


def order_body(stock_no: str, **changes: Any) -> dict[str, Any]:
    return {
        "stock_no": stock_no,
        "port": "KEMBA",
        "incoterm": "CIF",
        "consignee": {"name": "Otieno Motors Ltd", "address": "Moi Avenue 1, Mombasa", "telephone": "+254 700 100"},
        "idempotency_key": uuid.uuid4().hex,
        **changes,
    }


@dataclass
class World:
    api: Api
    capsys: pytest.CaptureFixture[str]
    now: dt.datetime = T0

    @property
    def context(self) -> AdminContext:
        return AdminContext(
            db=self.api.deps.db, answer_within_hours=48, shipping=self.api.deps.shipping, clock=lambda: self.now
        )

    def at(self, moment: dt.datetime) -> None:
        """The API's clock and the admin's read the same moment."""
        self.now = moment
        self.api.deps.clock = lambda: moment

    def sign_up(self, **changes: Any) -> tuple[str, dict[str, Any]]:
        body = member_body(**changes)
        return confirm_sign_up(self.api, body), body

    def inquire(self, cookie: str | None = None, **changes: Any) -> str:
        body = {
            "name": "Grace Wanjiru",
            "email": f"buyer-{uuid.uuid4().hex[:8]}@example.org",
            "country": "KE",
            "message": "Is this car still available? Please quote CIF Mombasa.",
            **changes,
        }
        request = event("POST", "/api/inquiries", body, cookie=cookie, source_ip=some_address())
        response = self.api.call("inquiry", request)
        assert response.status == HTTPStatus.CREATED, response.body
        return str(response.body["reference"])

    def store_as_typed(self, attribute: str, value: str, **fields: Any) -> None:
        """Write ``fields`` straight into the stored item whose ``attribute`` is ``value``: what staff's tools
        must show safely even where the API would refuse it today (data stored before, or by another path)."""
        (item,) = [i for i in self.api.items() if i.get(attribute, {}).get("S") == value and "gsi1pk" in i]
        names = {f"#f{n}": name for n, name in enumerate(fields)}
        values = {f":v{n}": encode(v) for n, v in enumerate(fields.values())}
        self.api.deps.db.client.update_item(
            TableName=self.api.deps.db.table,
            Key={"pk": item["pk"], "sk": item["sk"]},
            UpdateExpression="SET " + ", ".join(f"#f{n} = :v{n}" for n in range(len(fields))),
            ExpressionAttributeNames=names,
            ExpressionAttributeValues=values,
        )

    def order(self, cookie: str, stock_no: str | None = None, **changes: Any) -> dict[str, Any]:
        body = order_body(stock_no or self.api.add_vehicle().stock_no, **changes)
        response = self.api.call("order", event("POST", "/api/orders", body, cookie=cookie, source_ip=some_address()))
        assert response.status == HTTPStatus.CREATED, response.body
        order: dict[str, Any] = response.body
        return order

    def buyer_orders(self, cookie: str) -> list[dict[str, Any]]:
        response = self.api.call("order", event("GET", "/api/orders", cookie=cookie))
        assert response.status == HTTPStatus.OK, response.body
        orders: list[dict[str, Any]] = response.body["orders"]
        return orders

    def stock_status(self) -> dict[str, list[str]]:
        status: dict[str, list[str]] = self.api.call("inquiry", event("GET", "/api/stock/status")).body
        return status

    def admin(self, *argv: str) -> tuple[int, str, str]:
        """`carjunction admin …` on this table; (exit code, stdout, stderr)."""
        self.capsys.readouterr()
        table = ["--table", self.api.deps.db.table, "--region", REGION, "--content", str(ROOT / "content")]
        code = main(["admin", *argv, *table])
        out, err = self.capsys.readouterr()
        return code, out, err

    def admin_json(self, *argv: str) -> Any:
        code, out, err = self.admin(*argv, "--json")
        assert code == 0, err
        return json.loads(out)
