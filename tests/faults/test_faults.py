"""Faults injected into the real code through its dependencies (kept out of tests/hardening: moto's in-process mock
shares its backends with the local stack there and would reset them): botocore event hooks on the DynamoDB client
the functions were given (throttling, timeouts, a cancelled transaction part) and a failing mailer. The client
gets a clear 503 (or the documented answer), nothing is half-written, and a retry with the same idempotency
key completes the work once."""

from __future__ import annotations

import dataclasses
import uuid
from collections.abc import Callable, Iterator
from http import HTTPStatus
from pathlib import Path
from typing import Any

import pytest
from botocore.exceptions import ClientError, ConnectTimeoutError, ReadTimeoutError

from carjunction.api.mail import Email
from tests.support.api import Api, confirm_sign_up, event, make_api, member_body

REGION_ENV = {
    "AWS_ACCESS_KEY_ID": "testing",
    "AWS_SECRET_ACCESS_KEY": "testing",
    "AWS_SESSION_TOKEN": "testing",
    "AWS_DEFAULT_REGION": "ap-northeast-1",
}


def throttled(operation: str) -> Exception:
    response: Any = {
        "Error": {"Code": "ProvisionedThroughputExceededException", "Message": "Rate of requests exceeds capacity."},
        "ResponseMetadata": {"HTTPStatusCode": 400},
    }
    return ClientError(response, operation)


def cancelled_part(operation: str) -> Exception:
    # The order's Put is refused as busy while the other parts were fine: the whole transaction is cancelled.
    response: Any = {
        "Error": {"Code": "TransactionCanceledException", "Message": "Transaction cancelled"},
        "CancellationReasons": [{"Code": "None"}, {"Code": "ThrottlingError"}, {"Code": "None"}],
        "ResponseMetadata": {"HTTPStatusCode": 400},
    }
    return ClientError(response, operation)


def read_timeout(operation: str) -> Exception:
    return ReadTimeoutError(endpoint_url=f"https://dynamodb/{operation}")


def connect_timeout(operation: str) -> Exception:
    return ConnectTimeoutError(endpoint_url=f"https://dynamodb/{operation}")


FAULTS: dict[str, Callable[[str], Exception]] = {
    "throttling": throttled,
    "cancelled transaction part": cancelled_part,
    "read timeout": read_timeout,
    "connect timeout": connect_timeout,
}


class Faults:
    """Makes the next ``times`` calls of one DynamoDB operation fail, through the client's own event hooks."""

    def __init__(self, client: Any) -> None:
        self.client = client
        self.handlers: list[tuple[str, Any]] = []
        self.pending: list[list[int]] = []

    def fail(self, operation: str, fault: Callable[[str], Exception], times: int = 1) -> None:
        left = [times]
        self.pending.append(left)

        def hook(**_: Any) -> None:
            if left[0] > 0:
                left[0] -= 1
                raise fault(operation)

        name = f"before-call.dynamodb.{operation}"
        self.client.meta.events.register(name, hook)
        self.handlers.append((name, hook))

    def clear(self) -> None:
        for name, hook in self.handlers:
            self.client.meta.events.unregister(name, hook)
        self.handlers.clear()


@pytest.fixture
def api(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Iterator[Api]:
    from moto import mock_aws  # noqa: PLC0415

    for name, value in REGION_ENV.items():
        monkeypatch.setenv(name, value)
    with mock_aws():
        yield make_api(tmp_path)


@pytest.fixture
def faults(api: Api) -> Iterator[Faults]:
    injector = Faults(api.deps.db.client)
    yield injector
    injector.clear()
    # Every fault a test asked for really fired; one that never did would make the test prove nothing.
    assert all(left == [0] for left in injector.pending)


def sign_up(api: Api) -> str:
    return confirm_sign_up(api, member_body())


def order_body(stock_no: str) -> dict[str, Any]:
    return {
        "stock_no": stock_no,
        "port": "KEMBA",
        "incoterm": "CIF",
        "consignee": {"name": "Fault Motors Ltd", "address": "Moi Avenue 9, Mombasa"},
        "idempotency_key": uuid.uuid4().hex,
    }


def all_items(api: Api) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    client = api.deps.db.client
    data = client.scan(TableName=api.deps.settings.table_name)["Items"]
    idempotency = client.scan(TableName=api.deps.settings.idempotency_table_name)["Items"]
    return data, idempotency


def orders_and_invoices(items: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [i for i in items if i["sk"]["S"].startswith("ORDER#") or i["sk"]["S"] == "INVOICE"]


@pytest.mark.parametrize("fault", list(FAULTS), ids=list(FAULTS))
def test_a_storage_fault_during_an_order_is_a_503_with_nothing_written_and_a_retry_orders_once(
    api: Api, faults: Faults, fault: str
) -> None:
    # Given a member, an available car, and DynamoDB failing the order's transaction (after the SDK's retries)
    cookie = sign_up(api)
    vehicle = api.add_vehicle()
    body = order_body(vehicle.stock_no)
    faults.fail("TransactWriteItems", FAULTS[fault])

    # When they order
    first = api.call("order", event("POST", "/api/orders", body, cookie=cookie))

    # Then they are told to retry, and no order, invoice, reservation or idempotency record was left behind
    assert first.status == HTTPStatus.SERVICE_UNAVAILABLE, first.body
    assert first.body["error"]["code"] == "unavailable"
    assert first.headers.get("retry-after")
    data, idempotency = all_items(api)
    assert orders_and_invoices(data) == []
    assert not [i for i in data if i["pk"]["S"] == f"VEHICLE#{vehicle.stock_no}" and "reserved_by" in i]
    assert idempotency == []

    # When the page retries with the same idempotency key
    retry = api.call("order", event("POST", "/api/orders", body, cookie=cookie))
    again = api.call("order", event("POST", "/api/orders", body, cookie=cookie))

    # Then the order is made exactly once
    assert retry.status == HTTPStatus.CREATED, retry.body
    assert again.body["order_no"] == retry.body["order_no"]
    data, _ = all_items(api)
    assert len([i for i in data if i["sk"]["S"].startswith("ORDER#")]) == 1
    assert len([i for i in data if i["sk"]["S"] == "INVOICE"]) == 1


@pytest.mark.parametrize("fault", ["throttling", "read timeout"])
def test_a_storage_fault_on_the_idempotency_record_is_a_503_and_the_retry_orders_once(
    api: Api, faults: Faults, fault: str
) -> None:
    # Given the idempotency table's write failing (the same client serves both tables)
    cookie = sign_up(api)
    vehicle = api.add_vehicle()
    body = order_body(vehicle.stock_no)
    faults.fail("PutItem", FAULTS[fault])
    # When they order, then a 503 and nothing written; and the retry orders once
    first = api.call("order", event("POST", "/api/orders", body, cookie=cookie))
    assert first.status == HTTPStatus.SERVICE_UNAVAILABLE, first.body
    assert orders_and_invoices(all_items(api)[0]) == []
    retry = api.call("order", event("POST", "/api/orders", body, cookie=cookie))
    assert retry.status == HTTPStatus.CREATED, retry.body
    assert len([i for i in all_items(api)[0] if i["sk"]["S"].startswith("ORDER#")]) == 1


@pytest.mark.parametrize("fault", ["throttling", "connect timeout"])
def test_a_storage_fault_on_an_inquiry_is_a_503_and_the_resend_is_stored_once(
    api: Api, faults: Faults, fault: str
) -> None:
    # Given storage failing the inquiry's write
    tag = uuid.uuid4().hex
    body = {"name": "Fault Buyer", "email": "fault@example.com", "country": "KE", "message": f"Fault {tag}"}
    before = len(all_items(api)[0])
    faults.fail("PutItem", FAULTS[fault])
    # When it is sent, then a 503 and nothing stored
    first = api.call("inquiry", event("POST", "/api/inquiries", body))
    assert first.status == HTTPStatus.SERVICE_UNAVAILABLE, first.body
    assert not [i for i in all_items(api)[0] if tag in str(i.get("message"))]
    # When it is sent again, then it is stored once
    assert api.call("inquiry", event("POST", "/api/inquiries", body)).status == HTTPStatus.CREATED
    assert len([i for i in all_items(api)[0] if tag in str(i.get("message"))]) == 1
    assert len(all_items(api)[0]) > before


class BrokenMailer:
    """SES refusing every message."""

    def __init__(self) -> None:
        self.tried: list[Email] = []

    def send(self, email: Email) -> None:
        self.tried.append(email)
        refused: Any = {"Error": {"Code": "MessageRejected", "Message": "refused"}}
        raise ClientError(refused, "SendEmail")


def test_a_mail_failure_never_undoes_an_order_or_an_inquiry(api: Api) -> None:
    # Given SES refusing every message
    mailer = BrokenMailer()
    deps = dataclasses.replace(api.deps, mailer=mailer, cache={})
    cookie = sign_up(api)
    vehicle = api.add_vehicle()
    # When a member orders and a buyer asks a question
    placed = api.call("order", event("POST", "/api/orders", order_body(vehicle.stock_no), cookie=cookie), deps)
    body = {"name": "Mail Fault", "email": "mailfault@example.com", "country": "KE", "message": "Still there?"}
    asked = api.call("inquiry", event("POST", "/api/inquiries", body), deps)
    # Then both are stored and answered as documented: the notices were tried and their failure logged only
    assert placed.status == HTTPStatus.CREATED, placed.body
    assert asked.status == HTTPStatus.CREATED, asked.body
    assert len(mailer.tried) == 3  # the order's notice and receipt; the inquiry's notice (a guest gets no receipt)
    data, _ = all_items(api)
    assert len([i for i in data if i["sk"]["S"].startswith("ORDER#")]) == 1
    assert [i for i in data if i.get("message", {}).get("S") == "Still there?"]
