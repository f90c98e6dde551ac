"""The local stack sends mail as AWS does: the functions queue it on moto's SQS (made from template.yaml's MailQueue),
and the stack's poller runs the mail function's logic with the outbox in place of SES, claiming the mails that must
go once in the local data table."""

from __future__ import annotations

import json
import time
import urllib.request
import uuid
from http import HTTPStatus
from pathlib import Path
from typing import Any

from carjunction.api.mail import Email, OutboxMailer, email_to_json
from carjunction.api.send_mail import OnceClaims
from carjunction.local.mail_queue import MAIL_QUEUES, MailQueuePoller
from carjunction.local.stack import REGION, LocalSession
from tests.support.local_stack import call, running


def outbox_mails(folder: Path, to: str) -> list[dict[str, Any]]:
    found = []
    for path in sorted(folder.glob("*.json")) if folder.is_dir() else []:
        try:
            mail = json.loads(path.read_text(encoding="utf-8"))
        except ValueError:
            continue  # being written
        if mail["to"] == to:
            found.append(mail)
    return found


def wait_for(folder: Path, to: str, timeout: float = 10) -> list[dict[str, Any]]:
    deadline = time.monotonic() + timeout
    while not (mails := outbox_mails(folder, to)):
        assert time.monotonic() < deadline, f"no mail to {to} reached the outbox"
        time.sleep(0.05)
    return mails


def queued(sqs: Any, queue_url: str) -> int:
    """Messages on the queue, waiting or being handled."""
    counts = sqs.get_queue_attributes(QueueUrl=queue_url, AttributeNames=["All"])["Attributes"]
    return int(counts["ApproximateNumberOfMessages"]) + int(counts["ApproximateNumberOfMessagesNotVisible"])


def test_a_sign_up_mail_reaches_the_outbox_through_the_queue(tmp_path: Path) -> None:
    # Given the local stack as `make serve` runs it
    site, state = tmp_path / "site", tmp_path / "state"
    site.mkdir()
    (site / "index.html").write_text("<!doctype html><title>t</title>", encoding="utf-8")
    said: list[str] = []
    email = f"queued-{uuid.uuid4().hex[:8]}@example.com"
    member = {"name": "Queue Test", "telephone": "+254 712 345678", "email": email, "country": "KE", "port": "KEMBA"}
    with running(site, state, said) as origin:
        stack_file = json.loads((state / "stack.json").read_text(encoding="utf-8"))
        sqs = LocalSession(stack_file["endpoint"]).client("sqs")
        queue_url = sqs.get_queue_url(QueueName=MAIL_QUEUES["MailQueue"])["QueueUrl"]
        # The queue is the template's: its dead-letter queue and redrive policy came along
        attributes = sqs.get_queue_attributes(QueueUrl=queue_url, AttributeNames=["All"])["Attributes"]
        assert json.loads(attributes["RedrivePolicy"])["deadLetterTargetArn"].endswith(
            MAIL_QUEUES["MailDeadLetterQueue"]
        )
        assert attributes["SqsManagedSseEnabled"] == "true"
        # When a buyer signs up
        started = time.monotonic()
        status, _, _ = call("POST", f"{origin}/api/members", member)
        assert status == HTTPStatus.ACCEPTED
        # Then the link arrives in the outbox a moment later, and the queue is left empty
        (mail,) = wait_for(state / "outbox", email)
        took = time.monotonic() - started
        assert "#token=" in mail["body"]
        assert sqs.receive_message(QueueUrl=queue_url).get("Messages") is None
    print(f"sign-up answer to outbox through the local queue: {took * 1000:.0f} ms")


def test_a_mail_that_fails_stays_on_the_queue_and_the_rest_are_written(tmp_path: Path) -> None:
    # Given a queue on the local moto with three mails, and an outbox that refuses one recipient
    from carjunction.api.queues import create_queues  # noqa: PLC0415
    from carjunction.local.dynamodb import start_moto  # noqa: PLC0415
    from tests.support.api import ROOT  # noqa: PLC0415

    moto, endpoint = start_moto()
    try:
        sqs = LocalSession(endpoint).client("sqs")
        tag = uuid.uuid4().hex[:8]
        names = {"MailQueue": f"mail-{tag}", "MailDeadLetterQueue": f"dlq-{tag}"}
        url = create_queues(sqs, ROOT / "template.yaml", names)["MailQueue"]
        mails = [Email(to=f"r{i}-{tag}@example.com", subject="s", body="b\n") for i in range(3)]
        for mail in mails:
            sqs.send_message(QueueUrl=url, MessageBody=email_to_json(mail))
        outbox = OutboxMailer(tmp_path / "outbox")

        class Refuses:
            def send(self, mail: Email) -> None:
                if mail.to == mails[1].to:
                    raise ConnectionError("refused")
                outbox.send(mail)

        poller = MailQueuePoller(sqs, url, Refuses(), region=REGION, wait_seconds=0)
        # When the poller takes the batch
        assert poller.poll_once() == 3
        # Then two are written, and the refused one is still on the queue (back after the visibility timeout)
        assert {m.to for m in outbox.sent()} == {mails[0].to, mails[2].to}
        counts = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["All"])["Attributes"]
        assert counts["ApproximateNumberOfMessagesNotVisible"] == "1"
        assert counts["ApproximateNumberOfMessages"] == "0"
    finally:
        reset = urllib.request.Request(f"{endpoint}/moto-api/reset", method="POST")  # noqa: S310 - loopback
        urllib.request.urlopen(reset, timeout=5).close()  # noqa: S310 - the loopback moto server
        moto.stop()


def test_the_stack_sends_a_mail_queued_twice_once_claiming_it_in_the_local_table(tmp_path: Path) -> None:
    # Given the local stack, and an alert digest queued twice (a resumed job re-queues its pending digest)
    site, state = tmp_path / "site", tmp_path / "state"
    site.mkdir()
    (site / "index.html").write_text("<!doctype html><title>t</title>", encoding="utf-8")
    tag = uuid.uuid4().hex[:8]
    digest = Email(to=f"digest-{tag}@example.com", subject="New cars", body="b\n", kind="alert_digest", once=f"d-{tag}")
    with running(site, state, []):
        stack_file = json.loads((state / "stack.json").read_text(encoding="utf-8"))
        session = LocalSession(stack_file["endpoint"])
        sqs = session.client("sqs")
        queue_url = sqs.get_queue_url(QueueName=MAIL_QUEUES["MailQueue"])["QueueUrl"]
        for _ in range(2):
            sqs.send_message(QueueUrl=queue_url, MessageBody=email_to_json(digest))
        # When the stack's poller has taken both off the queue
        wait_for(state / "outbox", digest.to)
        deadline = time.monotonic() + 10
        while queued(sqs, queue_url):
            assert time.monotonic() < deadline, "the queue was not emptied"
            time.sleep(0.05)
        # Then the outbox has it once, and the local table holds its claim
        assert len(outbox_mails(state / "outbox", digest.to)) == 1
        claim = session.client("dynamodb").get_item(TableName=stack_file["table"], Key=OnceClaims.key(f"d-{tag}"))
        assert claim["Item"]["sk"] == {"S": "ONCE"}
