"""The mail function's two promises for bulk mail (alert digests, staff notices): a mail with ``once`` is sent at
most once however often it is queued, and sends never go faster than the function's share of SES's rate.
All on moto (SQS, SESv2, DynamoDB); time is a fake clock, so the pacing is proved without sleeping."""

from __future__ import annotations

import json
import time
import uuid
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

import boto3
import pytest
from botocore.exceptions import ReadTimeoutError
from moto.core.models import DEFAULT_ACCOUNT_ID
from moto.ses.models import ses_backends

from carjunction.api.mail import Email, QueueMailer, SesMailer
from carjunction.api.queues import create_queues
from carjunction.api.send_mail import CLAIM_DAYS, MailSettings, OnceClaims, Pacer, send_batch
from carjunction.api.tables import create_tables, load_template
from carjunction.local.mail_queue import sqs_event
from tests.support.api import REGION, ROOT, LambdaContext, unique_email

SENDER = "info@carjunction.com"


@dataclass
class World:
    session: Any
    sqs: Any
    dynamodb: Any
    url: str
    arn: str
    table: str

    def queue(self, *mails: Email) -> None:
        for mail in mails:
            QueueMailer(self.sqs, self.url).send(mail)

    def batch(self) -> dict[str, Any]:
        answer = self.sqs.receive_message(QueueUrl=self.url, MaxNumberOfMessages=10, AttributeNames=["All"])
        return sqs_event(answer.get("Messages", []), self.arn, REGION)

    def ses(self) -> SesMailer:
        return SesMailer(self.session.client("sesv2"), SENDER)

    def claims(self) -> OnceClaims:
        return OnceClaims(self.dynamodb, self.table)

    def claim_item(self, once: str) -> dict[str, Any] | None:
        found = self.dynamodb.get_item(TableName=self.table, Key=OnceClaims.key(once)).get("Item")
        return dict(found) if found else None


@pytest.fixture
def world(aws: None) -> World:
    session = boto3.session.Session(region_name=REGION)
    sqs, dynamodb = session.client("sqs"), session.client("dynamodb")
    tag = uuid.uuid4().hex[:8]
    urls = create_queues(sqs, ROOT / "template.yaml", {"MailQueue": f"mail-{tag}", "MailDeadLetterQueue": f"dlq-{tag}"})
    arn = sqs.get_queue_attributes(QueueUrl=urls["MailQueue"], AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
    create_tables(dynamodb, ROOT / "template.yaml", {"DataTable": f"data-{tag}"})
    session.client("sesv2").create_email_identity(EmailIdentity="carjunction.com")
    return World(session, sqs, dynamodb, urls["MailQueue"], arn, f"data-{tag}")


def sent_to(address: str) -> list[Any]:
    sent = ses_backends[DEFAULT_ACCOUNT_ID][REGION].sent_messages
    return [m for m in sent if m.destinations["ToAddresses"] == [address]]


def a_digest(**changes: Any) -> Email:
    values: dict[str, Any] = {
        "to": unique_email(),
        "subject": "New cars for your saved searches",
        "body": "Two new cars.\n",
        "kind": "alert_digest",
        "once": f"digest-{uuid.uuid4().hex[:12]}",
    }
    return Email(**{**values, **changes})


class FailsOnce:
    """SES failing the first send (throttled, a timeout), then sending."""

    def __init__(self, inner: SesMailer) -> None:
        self.inner = inner
        self.calls = 0

    def send(self, mail: Email) -> None:
        self.calls += 1
        if self.calls == 1:
            raise ConnectionError("SES timed out")
        self.inner.send(mail)


# --- once ----------------------------------------------------------------------------------------------------


def test_a_mail_queued_twice_is_sent_once(world: World) -> None:
    # Given a digest queued, sent, and queued again (a job resumed after a crash re-queues its pending digest)
    digest = a_digest()
    world.queue(digest)
    first: Counter[str] = Counter()
    assert send_batch(world.batch(), world.ses(), tally=first, claims=world.claims()) == {"batchItemFailures": []}
    world.queue(digest)
    # When the mail function gets it the second time
    second: Counter[str] = Counter()
    answer = send_batch(world.batch(), world.ses(), tally=second, claims=world.claims())
    # Then SES sent it once; the second is dropped as a duplicate (handled: SQS deletes it, no retry)
    assert answer == {"batchItemFailures": []}
    assert len(sent_to(digest.to)) == 1
    assert (first, second) == (Counter({"sent": 1}), Counter({"duplicate": 1}))


def test_two_copies_in_one_batch_are_sent_once(world: World) -> None:
    digest = a_digest()
    world.queue(digest, digest)
    tally: Counter[str] = Counter()
    assert send_batch(world.batch(), world.ses(), tally=tally, claims=world.claims()) == {"batchItemFailures": []}
    assert len(sent_to(digest.to)) == 1
    assert tally == Counter({"sent": 1, "duplicate": 1})


def test_an_ses_failure_releases_the_claim_and_the_retry_sends(world: World) -> None:
    # Given a queued digest and SES that fails its first send
    digest = a_digest()
    world.queue(digest)
    ses = FailsOnce(world.ses())
    tally: Counter[str] = Counter()
    # When the mail function sends the batch
    batch = world.batch()
    answer = send_batch(batch, ses, tally=tally, claims=world.claims())
    # Then the record is reported failed (SQS gives it back), nothing was sent, and the claim is gone
    assert answer == {"batchItemFailures": [{"itemIdentifier": batch["Records"][0]["messageId"]}]}
    assert sent_to(digest.to) == [] and world.claim_item(str(digest.once)) is None
    # And when SQS delivers it again, it is sent, once, and claimed
    send_batch(batch, ses, tally=tally, claims=world.claims())
    assert len(sent_to(digest.to)) == 1
    assert world.claim_item(str(digest.once)) is not None
    assert tally == Counter({"failed": 1, "sent": 1})


class AnswerLost:
    """SES taking the mail but its answer never arriving (a read timeout after the client's retries)."""

    def __init__(self, inner: SesMailer) -> None:
        self.inner = inner

    def send(self, mail: Email) -> None:
        self.inner.send(mail)
        raise ReadTimeoutError(endpoint_url="https://email.ap-northeast-1.amazonaws.com")


def test_when_ses_s_answer_is_lost_the_claim_is_kept_and_the_retry_does_not_send_again(world: World) -> None:
    # Given a digest whose send SES took, though its answer timed out
    digest = a_digest()
    world.queue(digest)
    batch = world.batch()
    tally: Counter[str] = Counter()
    answer = send_batch(batch, AnswerLost(world.ses()), tally=tally, claims=world.claims())
    assert answer["batchItemFailures"] and world.claim_item(str(digest.once)) is not None
    # When SQS delivers it again
    send_batch(batch, world.ses(), tally=tally, claims=world.claims())
    # Then the member has it once: the kept claim drops the retry
    assert len(sent_to(digest.to)) == 1
    assert tally == Counter({"failed": 1, "duplicate": 1})


def test_the_claim_is_keyed_by_once_expires_in_a_month_and_names_no_one(world: World) -> None:
    # Given a digest sent at a known time
    digest = a_digest()
    world.queue(digest)
    claims = OnceClaims(world.dynamodb, world.table, clock=lambda: 1_800_000_000.5)
    send_batch(world.batch(), world.ses(), claims=claims)
    # Then its claim is the contract's item, with a TTL the table expires, and holds nothing about the member
    item = world.claim_item(str(digest.once))
    assert item is not None
    assert item["pk"] == {"S": f"ONCE#{digest.once}"} and item["sk"] == {"S": "ONCE"}
    assert item["expires_at"] == {"N": str(1_800_000_000 + CLAIM_DAYS * 86400)}
    template = load_template(ROOT / "template.yaml")
    assert template["Resources"]["DataTable"]["Properties"]["TimeToLiveSpecification"]["AttributeName"] == "expires_at"
    assert digest.to not in json.dumps(item) and digest.body not in json.dumps(item)


def test_mails_without_once_are_sent_as_before_and_never_claimed(world: World) -> None:
    # Given the same sign-in mail queued twice (a buyer asking twice for a link)
    mail = a_digest(once=None, kind="sign_in_link")
    world.queue(mail, mail)
    tally: Counter[str] = Counter()
    send_batch(world.batch(), world.ses(), tally=tally, claims=world.claims())
    # Then both are sent, and the table holds no claim
    assert len(sent_to(mail.to)) == 2 and tally == Counter({"sent": 2})
    assert world.dynamodb.scan(TableName=world.table)["Items"] == []


@pytest.mark.parametrize("once", ["", "x" * 201, "digest\n1"])
def test_a_mail_with_a_bad_once_key_is_dropped_unsent(world: World, once: str) -> None:
    digest = a_digest(once=once)
    world.queue(digest)
    tally: Counter[str] = Counter()
    assert send_batch(world.batch(), world.ses(), tally=tally, claims=world.claims()) == {"batchItemFailures": []}
    assert sent_to(digest.to) == [] and tally == Counter({"dropped": 1})


def test_a_claim_that_cannot_be_written_sends_nothing_and_retries(world: World) -> None:
    # Given a claims table that is not there (a misconfigured stack, an outage)
    digest = a_digest()
    world.queue(digest)
    gone = OnceClaims(world.dynamodb, "no-such-table")
    tally: Counter[str] = Counter()
    batch = world.batch()
    # When it is sent
    answer = send_batch(batch, world.ses(), tally=tally, claims=gone)
    # Then nothing is sent and the record comes back
    assert answer == {"batchItemFailures": [{"itemIdentifier": batch["Records"][0]["messageId"]}]}
    assert sent_to(digest.to) == [] and tally == Counter({"failed": 1})


# --- pacing ---------------------------------------------------------------------------------------------------


@dataclass
class FakeTime:
    """A clock that only moves when slept on (or when a send is made to take time)."""

    now: float = 1000.0
    sleeps: list[float] = field(default_factory=list)

    def clock(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        assert seconds > 0
        self.sleeps.append(seconds)
        self.now += seconds


class Stamped:
    """SES, recording the fake time of each send."""

    def __init__(self, inner: SesMailer, time: FakeTime, takes: float = 0.0) -> None:
        self.inner, self.time, self.takes = inner, time, takes
        self.at: list[float] = []

    def send(self, mail: Email) -> None:
        self.at.append(self.time.now)
        self.time.now += self.takes
        self.inner.send(mail)


def template_mail_settings() -> MailSettings:
    """The mail function's settings as template.yaml gives them, with the parameters' defaults."""
    template = load_template(ROOT / "template.yaml")
    function = template["Resources"]["MailFunction"]["Properties"]["Environment"]["Variables"]
    rate = template["Parameters"]["SesSendRate"]["Default"]
    environ = {"MAIL_FROM": SENDER, "TABLE_NAME": "data", "SES_SEND_RATE": str(rate)}
    return MailSettings.from_env(environ | {k: str(v) for k, v in function.items() if k == "MAIL_SENDERS"})


def test_staff_notices_go_no_faster_than_the_function_s_share_of_ses_s_rate(world: World) -> None:
    # Given the function's rate from the template (14 mails a second at first outside the sandbox, shared by its
    # senders), and 15 staff notices queued across three batches
    settings = template_mail_settings()
    assert settings.ses_send_rate == 14 and settings.sends_per_second == 14 / settings.mail_senders
    fake = FakeTime()
    pacer = Pacer(settings.sends_per_second, clock=fake.clock, sleep=fake.sleep)
    ses = Stamped(world.ses(), fake)
    notices = [a_digest(kind="notice", once=f"notice-1-m{i}") for i in range(15)]
    # When one warm instance sends the batches (the pacer is kept between invocations)
    for start in range(0, 15, 5):
        world.queue(*notices[start : start + 5])
        assert send_batch(world.batch(), ses, claims=world.claims(), pacer=pacer) == {"batchItemFailures": []}
    # Then every notice is sent, N of them taking at least (N - 1) / rate, each at least an interval apart
    assert len(ses.at) == 15
    interval = 1 / settings.sends_per_second
    assert ses.at[-1] - ses.at[0] >= (15 - 1) * interval - 1e-9
    assert min(b - a for a, b in zip(ses.at, ses.at[1:], strict=False)) >= interval - 1e-9
    # And no more than the share in any one second (the window's end less a rounding error of the float sums), so
    # all the senders together stay within SES's quota
    assert max(sum(1 for t in ses.at if s <= t < s + 1 - 1e-6) for s in ses.at) <= settings.sends_per_second


def test_a_sender_slower_than_the_rate_never_waits() -> None:
    fake = FakeTime()
    pacer = Pacer(7, clock=fake.clock, sleep=fake.sleep)
    for _ in range(5):
        pacer.wait()
        fake.now += 0.5  # each send takes longer than the interval
    assert fake.sleeps == []


def test_after_a_pause_the_next_send_goes_at_once_with_no_burst_saved_up() -> None:
    fake = FakeTime()
    pacer = Pacer(2, clock=fake.clock, sleep=fake.sleep)
    pacer.wait()
    fake.now += 60  # an idle minute between batches
    pacer.wait()
    pacer.wait()
    assert fake.sleeps == [0.5]


def test_a_rate_must_be_positive() -> None:
    with pytest.raises(ValueError, match="positive"):
        Pacer(0)


def test_the_real_clock_paces_too() -> None:
    pacer = Pacer(50)
    started = time.monotonic()
    for _ in range(6):
        pacer.wait()
    assert time.monotonic() - started >= 5 / 50 - 0.005


# --- the entry point -----------------------------------------------------------------------------------------


def test_the_entry_point_claims_paces_and_counts_duplicates(
    world: World, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from functions.mail import app  # noqa: PLC0415 - its import is part of what is tested

    # Given the function's environment and a digest queued twice
    for name, value in {
        "MAIL_FROM": SENDER,
        "TABLE_NAME": world.table,
        "SES_SEND_RATE": "14",
        "MAIL_SENDERS": "2",
    }.items():
        monkeypatch.setenv(name, value)
    app.state.clear()
    digest = a_digest()
    world.queue(digest, digest)
    try:
        # When Lambda invokes it with the batch
        answer = app.lambda_handler(world.batch(), LambdaContext())
        # Then it was sent once, the copy counted as a duplicate, and the pacer runs at the share of the rate
        assert answer == {"batchItemFailures": []}
        assert len(sent_to(digest.to)) == 1
        assert app.state["pacer"].interval == pytest.approx(2 / 14)
    finally:
        app.state.clear()
    metrics = [json.loads(line) for line in capsys.readouterr().out.splitlines() if '"_aws"' in line]
    assert any(m.get("MailsSent") == [1.0] and m.get("MailsDuplicate") == [1.0] for m in metrics)
