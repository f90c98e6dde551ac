"""The local stack's mail path, as in AWS: the functions queue each mail on moto's SQS (QueueMailer), and this
thread plays the mail function's event source: it receives batches, runs the same sender logic
(carjunction.api.send_mail.send_batch) with the outbox in place of SES, and deletes what was sent. A mail that
fails stays in the queue and comes back after the queue's visibility timeout, as in AWS. Mails that must go at most
once are claimed in the local data table, as the mail function claims them in AWS. There is no pacing: the outbox
has no sending rate."""

from __future__ import annotations

import logging
import threading
from collections.abc import Iterable
from typing import Any

from carjunction.api.mail import Mailer
from carjunction.api.send_mail import OnceClaims, send_batch

log = logging.getLogger(__name__)
# Logical id in template.yaml → the local queue's name.
MAIL_QUEUES = {"MailQueue": "carjunction-local-mail", "MailDeadLetterQueue": "carjunction-local-mail-dlq"}
BATCH_SIZE = 5  # MailEvents' BatchSize in template.yaml


def sqs_event(messages: Iterable[dict[str, Any]], queue_arn: str, region: str) -> dict[str, Any]:
    """ReceiveMessage's messages as the SQS event Lambda's event source hands the mail function."""
    return {
        "Records": [
            {
                "messageId": message["MessageId"],
                "receiptHandle": message["ReceiptHandle"],
                "body": message["Body"],
                "attributes": message.get("Attributes", {}),
                "messageAttributes": {},
                "md5OfBody": message.get("MD5OfBody", ""),
                "eventSource": "aws:sqs",
                "eventSourceARN": queue_arn,
                "awsRegion": region,
            }
            for message in messages
        ]
    }


class MailQueuePoller:
    """Receives from the mail queue (long polling) and sends each batch; ``stop`` drains what is left."""

    def __init__(
        self,
        client: Any,
        queue_url: str,
        mailer: Mailer,
        *,
        region: str,
        wait_seconds: int = 1,
        claims: OnceClaims | None = None,
    ) -> None:
        self.client = client
        self.queue_url = queue_url
        self.mailer = mailer
        self.claims = claims
        self.region = region
        self.wait_seconds = wait_seconds
        attributes = client.get_queue_attributes(QueueUrl=queue_url, AttributeNames=["QueueArn"])["Attributes"]
        self.queue_arn = attributes["QueueArn"]
        self.stopped = threading.Event()
        self.thread = threading.Thread(target=self._run, name="mail-queue", daemon=True)

    def poll_once(self, wait_seconds: int | None = None) -> int:
        """One batch received and sent; the number of records it held."""
        received = self.client.receive_message(
            QueueUrl=self.queue_url,
            MaxNumberOfMessages=BATCH_SIZE,
            WaitTimeSeconds=self.wait_seconds if wait_seconds is None else wait_seconds,
            AttributeNames=["All"],
        )
        messages = received.get("Messages", [])
        if not messages:
            return 0
        answer = send_batch(sqs_event(messages, self.queue_arn, self.region), self.mailer, claims=self.claims)
        failed = {failure["itemIdentifier"] for failure in answer["batchItemFailures"]}
        done = [
            {"Id": str(index), "ReceiptHandle": message["ReceiptHandle"]}
            for index, message in enumerate(messages)
            if message["MessageId"] not in failed
        ]
        if done:
            self.client.delete_message_batch(QueueUrl=self.queue_url, Entries=done)
        return len(messages)

    def _run(self) -> None:
        while not self.stopped.is_set():
            try:
                self.poll_once()
            except Exception as error:  # moto stopping, or a bug: say so, and keep the thread alive
                log.warning("mail queue poll failed", extra={"error_type": type(error).__name__})
                self.stopped.wait(1)

    def start(self) -> None:
        self.thread.start()

    def stop(self) -> None:
        """Stop polling, then send whatever is still queued, so mails sent just before a stop are not lost."""
        self.stopped.set()
        self.thread.join(timeout=self.wait_seconds + 5)
        try:
            while self.poll_once(wait_seconds=0):
                pass
        except Exception as error:
            log.warning("mail queue not drained", extra={"error_type": type(error).__name__})
