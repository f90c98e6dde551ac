"""Least privilege, checked against the code: each function's IAM statements in template.yaml must be exactly the
(action, resource) pairs its code calls, as recorded by a botocore hook while a journey covers all its routes.

The API functions are run as in AWS: mail is queued (sqs:SendMessage), and requests come through CloudFront with
its X-Origin-Verify header, so the origin secret is read (secretsmanager:GetSecretValue). The mail function is run
on the queued mails and sends with SES as the sending identity, claiming the mails that must go once in the data
table. The alert job is run on a member's saved search, through a crash and its resumption."""

from __future__ import annotations

import datetime as dt
import re
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import boto3
import pytest

from carjunction.api.deps import build_deps
from carjunction.api.logic.release_lapsed import release_lapsed
from carjunction.api.mail import Email, email_from_json, email_to_json
from carjunction.api.queues import create_queues
from carjunction.api.routes import build_app
from carjunction.api.routes.common import dispatch
from carjunction.api.send_mail import MailSettings, once_claims, ses_mailer
from carjunction.api.store.db import Db
from carjunction.api.tables import load_template
from carjunction.local.mail_queue import MailQueuePoller
from tests.infra.iam_actions import checked_actions
from tests.support.api import (
    REGION,
    ROOT,
    Api,
    LambdaContext,
    Response,
    event,
    fixed_clock,
    make_api,
    member_body,
    order_body,
    unique_email,
)

Grant = tuple[str, str]  # ("dynamodb:PutItem", "DataTable"), ("ses:SendEmail", "identity"), ...
ORIGIN_SECRET = "origin-verify-" + "x" * 40


def resource_name(resource: Any) -> str:
    """A template Resource as a short name: DataTable, DataTable/index, parameter, MailQueue, identity, *."""
    if resource == "*":
        return "*"
    if isinstance(resource, dict) and "Ref" in resource:
        return str(resource["Ref"])
    if isinstance(resource, dict) and "Fn::GetAtt" in resource:
        target = resource["Fn::GetAtt"]
        return str(target[0] if isinstance(target, list) else target.split(".")[0])
    if isinstance(resource, dict) and "Fn::Sub" in resource:
        sub = str(resource["Fn::Sub"])
        if sub.startswith("${") and "/index/" in sub:
            return sub[2 : sub.index(".")] + "/index"
        if ":parameter" in sub:
            return "parameter"
        if sub.endswith(":identity/${MailIdentity}"):
            return "identity"
    raise AssertionError(f"unexpected resource form {resource!r}")


def statements(logical_id: str) -> list[dict[str, Any]]:
    template = load_template(ROOT / "template.yaml")
    return [s for p in template["Resources"][logical_id]["Properties"]["Policies"] for s in p["Statement"]]


def template_grants(logical_id: str) -> set[Grant]:
    grants: set[Grant] = set()
    for statement in statements(logical_id):
        assert statement["Effect"] == "Allow"
        actions = statement["Action"] if isinstance(statement["Action"], list) else [statement["Action"]]
        resources = statement["Resource"] if isinstance(statement["Resource"], list) else [statement["Resource"]]
        grants |= {(str(a), resource_name(r)) for a in actions for r in resources}
    return grants


def mail_identity() -> str:
    return str(load_template(ROOT / "template.yaml")["Parameters"]["MailIdentity"]["Default"])


def keyed_partitions(params: dict[str, Any]) -> set[str]:
    """The partition keys of the items a DynamoDB call names by key: what IAM's dynamodb:LeadingKeys sees."""
    parts = [params, *(next(iter(item.values())) for item in params.get("TransactItems", []))]
    keys = [part.get(name, {}) for part in parts for name in ("Key", "Item")]
    keys += [key for request in params.get("RequestItems", {}).values() for key in request.get("Keys", [])]
    return {str(key["pk"]["S"]) for key in keys if "pk" in key}


@dataclass
class Recorder:
    """Every AWS call a session's clients make, as the IAM (action, resource) it needs."""

    tables: dict[str, str]  # table name → logical id
    queues: dict[str, str]  # queue URL → logical id
    grants: set[Grant] = field(default_factory=set)
    # The partition keys of the items read or written by key (what IAM's dynamodb:LeadingKeys sees).
    leading_keys: set[str] = field(default_factory=set)

    def __call__(self, params: dict[str, Any], model: Any, **_: Any) -> None:
        # The actions AWS checks, from its catalogue (iam_actions): a transaction is checked item by item.
        prefix = model.service_model.signing_name
        for action, table in checked_actions(prefix, model.name, params):
            self.grants.add((action, self.resource(prefix, params, table)))
        if prefix == "dynamodb":
            self.leading_keys |= keyed_partitions(params)

    def resource(self, prefix: str, params: dict[str, Any], table: str | None) -> str:
        if prefix == "ssm":
            return "parameter"
        if prefix == "secretsmanager":
            return "OriginVerifySecret"
        if prefix == "sqs":
            return self.queues[params["QueueUrl"]]
        if prefix == "ses":
            # SES authorises a send against the identity the sender is verified as (MailIdentity).
            sender = str(params["FromEmailAddress"])
            return "identity" if sender.rsplit("@", 1)[-1] in {mail_identity(), sender} else sender
        assert prefix == "dynamodb" and table is not None, (prefix, params)
        return self.tables[table] + ("/index" if params.get("IndexName") else "")

    def session(self) -> Any:
        session = boto3.session.Session(region_name=REGION)
        session.events.register("before-parameter-build", self)
        return session


@dataclass
class World:
    api: Api
    recorder: Recorder
    queue_url: str
    mailbox: list[Email] = field(default_factory=list)
    queued: list[dict[str, Any]] = field(default_factory=list)  # the raw messages, for the mail function

    def collect(self) -> None:
        """Take the queued mails off the queue (unrecorded: the mail function's reading is tested on its own)."""
        sqs = self.api.session.client("sqs")
        while messages := sqs.receive_message(QueueUrl=self.queue_url, MaxNumberOfMessages=10).get("Messages", []):
            for message in messages:
                self.queued.append(message)
                self.mailbox.append(email_from_json(message["Body"]))
                sqs.delete_message(QueueUrl=self.queue_url, ReceiptHandle=message["ReceiptHandle"])

    def link_token(self, to: str) -> str:
        self.collect()
        tokens: list[str] = [
            t for mail in self.mailbox if mail.to == to for t in re.findall(r"#token=([A-Za-z0-9_-]+)", mail.body)
        ]
        assert tokens, f"no link queued for {to}"
        return tokens[-1]


@pytest.fixture
def world(aws: None, tmp_path: Path) -> Iterator[World]:
    api = make_api(tmp_path)
    tag = uuid.uuid4().hex[:8]
    urls = create_queues(
        api.session.client("sqs"),
        ROOT / "template.yaml",
        {"MailQueue": f"mail-{tag}", "MailDeadLetterQueue": f"mail-dlq-{tag}"},
    )
    secret_arn = api.session.client("secretsmanager").create_secret(Name=f"origin-{tag}", SecretString=ORIGIN_SECRET)
    api.session.client("sesv2").create_email_identity(EmailIdentity=mail_identity())
    settings = api.deps.settings.model_copy(
        update={"outbox_dir": None, "mail_queue_url": urls["MailQueue"], "origin_verify_secret_id": secret_arn["ARN"]}
    )
    recorder = Recorder(
        tables={settings.table_name: "DataTable", settings.idempotency_table_name: "IdempotencyTable"},
        queues={url: logical_id for logical_id, url in urls.items()},
    )
    api.deps = build_deps(settings, recorder.session(), with_idempotency=True)
    yield World(api, recorder, urls["MailQueue"])


def cold_start(world: World) -> None:
    """Fresh deps (empty parameter caches), with nothing recorded yet: what a new instance would call."""
    world.api.deps = build_deps(world.api.deps.settings, world.recorder.session(), with_idempotency=True)
    world.recorder.grants.clear()
    world.recorder.leading_keys.clear()


def call(world: World, function: str, request: dict[str, Any]) -> Response:
    """The request as CloudFront forwards it: with the viewer's address and the origin secret."""
    request["headers"] |= {"cloudfront-viewer-address": f"203.0.113.{uuid.uuid4().int % 250}:443"}
    request["headers"] |= {"x-origin-verify": ORIGIN_SECRET}
    return Response.of(dispatch(build_app(function, world.api.deps), request, LambdaContext()))


def sign_up_and_in(world: World) -> tuple[str, dict[str, Any]]:
    details = member_body()
    assert call(world, "register", event("POST", "/api/members", details)).status == 202
    confirmed = call(world, "register", event("POST", "/api/session", {"token": world.link_token(details["email"])}))
    return confirmed.cookie(), details


def test_the_inquiry_function_is_granted_exactly_what_it_calls(world: World) -> None:
    cookie, details = sign_up_and_in(world)
    vehicle = world.api.add_vehicle()
    cold_start(world)
    inquiry = {"name": "A", "email": details["email"], "country": "KE", "message": "Hi", "stock_no": vehicle.stock_no}
    assert call(world, "inquiry", event("POST", "/api/inquiries", inquiry, cookie=cookie)).status == 201
    quote = event("GET", "/api/quote", query={"stock_no": vehicle.stock_no, "port": "KEMBA"})
    assert call(world, "inquiry", quote).status == 200
    assert call(world, "inquiry", event("GET", "/api/stock/status")).status == 200
    assert world.recorder.grants == template_grants("InquiryFunction")


def test_the_register_function_is_granted_exactly_what_it_calls(world: World) -> None:
    cookie, details = sign_up_and_in(world)
    assert call(world, "register", event("POST", "/api/members", details)).status == 202  # already a member
    assert call(world, "register", event("POST", "/api/session/link", {"email": details["email"]})).status == 202
    assert call(world, "register", event("POST", "/api/session", {"token": "x" * 43})).status == 401
    assert call(world, "register", event("PATCH", "/api/me", {"port": "TZDAR"}, cookie=cookie)).status == 200
    assert call(world, "register", event("GET", "/api/me/export", cookie=cookie)).status == 200
    assert call(world, "register", event("DELETE", "/api/session", cookie=cookie)).status == 204
    again, _ = sign_up_and_in(world)
    assert call(world, "register", event("DELETE", "/api/me", cookie=again)).status == 204
    assert world.recorder.grants == template_grants("RegisterFunction")


def test_the_order_function_is_granted_exactly_what_it_calls(world: World) -> None:
    cookie, _ = sign_up_and_in(world)
    other, _ = sign_up_and_in(world)
    vehicle = world.api.add_vehicle()
    cold_start(world)
    body = order_body(vehicle.stock_no)
    placed = call(world, "order", event("POST", "/api/orders", body, cookie=cookie)).body
    assert call(world, "order", event("POST", "/api/orders", body, cookie=cookie)).status == 201  # replay
    taken = call(world, "order", event("POST", "/api/orders", order_body(vehicle.stock_no), cookie=other))
    assert taken.status == 409
    assert call(world, "order", event("GET", "/api/orders", cookie=cookie)).status == 200
    assert call(world, "order", event("GET", f"/api/orders/{placed['order_no']}", cookie=cookie)).status == 200
    code = placed["invoice"]["verification_code"]
    assert call(world, "order", event("GET", f"/api/invoices/{code}")).status == 200
    assert world.recorder.grants == template_grants("OrderFunction")


def test_the_release_function_is_granted_exactly_what_it_calls(world: World) -> None:
    cookie, _ = sign_up_and_in(world)
    vehicle = world.api.add_vehicle()
    call(world, "order", event("POST", "/api/orders", order_body(vehicle.stock_no), cookie=cookie))
    world.recorder.grants.clear()
    db = Db(world.recorder.session().client("dynamodb"), world.api.deps.db.table)
    later = dt.datetime.now(dt.UTC) + dt.timedelta(days=60)
    assert release_lapsed(db, later) == [vehicle.stock_no]
    assert world.recorder.grants == template_grants("ReleaseFunction")


class FailsOnceMailsOnce:
    """SES failing the first mail that must go once (the mail function then releases its claim)."""

    def __init__(self, inner: Any) -> None:
        self.inner = inner
        self.failed = False

    def send(self, mail: Email) -> None:
        if mail.once and not self.failed:
            self.failed = True
            raise ConnectionError("SES timed out")
        self.inner.send(mail)


def test_the_mail_function_is_granted_exactly_what_it_and_its_event_source_call(world: World) -> None:
    # Given mails the API functions queued, and a digest queued three times (SES fails the first copy)
    sign_up_and_in(world)
    world.collect()
    assert world.queued
    digest = Email(to=unique_email(), subject="New cars", body="Two.\n", kind="alert_digest", once=f"d-{uuid.uuid4()}")
    bodies = [message["Body"] for message in world.queued] + [email_to_json(digest)] * 3
    for body in bodies:
        world.api.session.client("sqs").send_message(QueueUrl=world.queue_url, MessageBody=body)
    world.recorder.grants.clear()
    world.recorder.leading_keys.clear()
    # When the event source (the local stack's poller makes the calls Lambda's does) hands them to the function,
    # which claims the digest and sends with SES
    session = world.recorder.session()
    settings = MailSettings(mail_from=world.api.deps.settings.mail_from, table_name=world.api.deps.settings.table_name)
    mailer = FailsOnceMailsOnce(ses_mailer(settings, session))
    claims = once_claims(settings, session)
    poller = MailQueuePoller(
        session.client("sqs"), world.queue_url, mailer, region=REGION, wait_seconds=0, claims=claims
    )
    while poller.poll_once():
        pass
    # Then its role allows exactly those calls, and the only items it touched are ONCE# claims
    assert mailer.failed
    assert world.recorder.grants == template_grants("MailFunction")
    assert world.recorder.leading_keys == {f"ONCE#{digest.once}"}
    assert world.api.session.client("sqs").receive_message(QueueUrl=world.queue_url).get("Messages") is None


def test_the_mail_function_may_touch_only_once_claims_in_the_data_table() -> None:
    # Given the mail function's statements on the data table
    (table,) = [s for s in statements("MailFunction") if resource_name(s["Resource"]) == "DataTable"]
    # Then it may put and delete, never read, and only items whose partition key starts ONCE#
    assert sorted(table["Action"]) == ["dynamodb:DeleteItem", "dynamodb:PutItem"]
    assert table["Condition"] == {"ForAllValues:StringLike": {"dynamodb:LeadingKeys": ["ONCE#*"]}}
    # And the claims the code writes fall under that pattern
    from carjunction.api.send_mail import OnceClaims  # noqa: PLC0415

    assert OnceClaims.key("alerts:m1:3:2026-12-01T10:00:00Z")["pk"]["S"].startswith("ONCE#")


class Refusing:
    def send(self, mail: Email) -> None:
        raise ConnectionError("queue refused")


def test_the_alert_function_is_granted_exactly_what_it_calls(world: World) -> None:
    from carjunction.api.logic.alert_digest import MailQueueFailed, run_alerts  # noqa: PLC0415

    # Given a member who an hour ago confirmed their updates and saved a search, and a car listed since
    world.api.deps.clock = fixed_clock(dt.datetime.now(dt.UTC) - dt.timedelta(hours=1))
    cookie, details = sign_up_and_in(world)
    assert call(world, "register", event("PATCH", "/api/me", {"updates_opt_in": True}, cookie=cookie)).status == 200
    token = world.link_token(details["email"])
    assert call(world, "register", event("POST", "/api/updates", {"token": token})).status == 200
    search = {"filters": {"make": "Toyota"}}
    assert call(world, "register", event("POST", "/api/me/alerts", search, cookie=cookie)).status == 201
    world.api.add_vehicle(make="Toyota")
    cold_start(world)
    # When the job runs, and the queue fails as the digest is put on it (a crash after the digest is pending)
    deps = world.api.deps
    deps.mailer, queue_mailer = Refusing(), deps.mailer
    with pytest.raises(MailQueueFailed):
        run_alerts(deps)
    # And the next run resumes it
    deps.mailer = queue_mailer
    summary = run_alerts(deps)
    assert summary.pending_requeued == 1
    # Then its role allows exactly what the two runs called
    assert world.recorder.grants == template_grants("AlertsFunction")
    # And every item it named by key is a member's, which is all its role's condition lets it touch
    assert world.recorder.leading_keys and all(k.startswith("MEMBER#") for k in world.recorder.leading_keys)
    (table,) = [s for s in statements("AlertsFunction") if resource_name(s["Resource"]) == "DataTable"]
    assert table["Condition"] == {"ForAllValues:StringLike": {"dynamodb:LeadingKeys": ["MEMBER#*"]}}


def test_no_function_may_send_mail_as_anyone_and_only_the_mail_function_sends() -> None:
    # Given every function's grants
    template = load_template(ROOT / "template.yaml")
    functions = [k for k, v in template["Resources"].items() if v["Type"] == "AWS::Serverless::Function"]
    senders = {name for name in functions if any(a.startswith("ses:") for a, _ in template_grants(name))}
    # Then only the mail function sends, as the sending identity only
    assert senders == {"MailFunction"}
    assert {g for g in template_grants("MailFunction") if g[0].startswith("ses:")} == {("ses:SendEmail", "identity")}
    # And the API functions and the alert job may only put on the mail queue
    for name in ("InquiryFunction", "RegisterFunction", "OrderFunction", "AlertsFunction"):
        assert {g for g in template_grants(name) if g[0].startswith("sqs:")} == {("sqs:SendMessage", "MailQueue")}
