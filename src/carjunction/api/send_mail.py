"""The mail function's logic: send each queued e-mail, and report the ones that failed so that only they return.

SQS delivers a batch; Powertools' BatchProcessor calls ``send_record`` for each record and answers Lambda with
``batchItemFailures`` (the event source has ReportBatchItemFailures), so one failed mail never resends the others.

A record that is not an e-mail (not JSON, or not the fields of ``Email``) is a poison message: it is logged by its
message id and dropped, i.e. reported as handled so that SQS deletes it. Retrying cannot make it valid, and the
dead-letter queue would only keep whatever it holds, perhaps someone's address, for days with nothing to do with
it. Mails that failed for a reason that can pass (SES throttling, a timeout) are retried and, after the queue's
maxReceiveCount, kept in the dead-letter queue for staff to redrive.

Mails that must go at most once (``Email.once``: an alert digest, a staff notice) are claimed in the data table
before SES is called (``OnceClaims``). A mail whose claim is already there was sent, or is being sent, by an
earlier delivery: it is dropped as a duplicate. SES refusing it, or not being reached, releases the claim, so that
the retry can send. Where the outcome is unknown the claim is kept, and the mail is never sent rather than perhaps
sent twice: an instance that dies between the claim and SES's answer, or SES's answer lost (a read timeout after
the SES client's own retries; SES's SendEmail has no idempotency key, so those retries could themselves send twice).

SES's sending rate is the account's. Each instance sends at most its share of it (``Pacer``): the quota divided by
the most instances the event source runs at once (template.yaml: SesSendRate, MAIL_SENDERS).
"""

from __future__ import annotations

import logging
import time
from collections import Counter
from collections.abc import Callable, Mapping
from functools import partial
from typing import TYPE_CHECKING, Any

from pydantic import BaseModel, ConfigDict, Field

from carjunction.api.mail import Email, Mailer, email_from_json

if TYPE_CHECKING:
    from aws_lambda_powertools.utilities.data_classes.sqs_event import SQSRecord

log = logging.getLogger(__name__)

# What the function counts (functions/mail/app.py publishes each as Mails<Outcome>).
OUTCOMES = ("sent", "failed", "dropped", "duplicate")
# A once key is made by our own jobs (a digest id, a notice id and member); anything longer is not one of them.
ONCE_MAX_CHARS = 200
CLAIM_DAYS = 30


class MailSettings(BaseModel):
    """What the mail function reads from its environment (once per cold start)."""

    model_config = ConfigDict(frozen=True, extra="ignore")

    mail_from: str = Field(min_length=3, description="The SES-verified sender (MAIL_FROM).")
    table_name: str = Field(min_length=3, description="The data table, where once-mails are claimed (TABLE_NAME).")
    # Without the setting, the sandbox's rate: slow, but never throttled.
    ses_send_rate: float = Field(default=1.0, gt=0, le=10_000, description="SES's sends per second (SES_SEND_RATE).")
    mail_senders: int = Field(
        default=2, ge=1, le=100, description="The most instances sending at once (MAIL_SENDERS): they share the rate."
    )

    @property
    def sends_per_second(self) -> float:
        """One instance's share of SES's rate."""
        return self.ses_send_rate / self.mail_senders

    @classmethod
    def from_env(cls, environ: Mapping[str, str]) -> MailSettings:
        return cls.model_validate({k.lower(): v for k, v in environ.items() if k.lower() in cls.model_fields})


class MailNotSent(RuntimeError):
    """A mail SES did not take; the record goes back to the queue. The message names no one."""


class OnceClaims:
    """Claims of mails that must go at most once: ``pk=ONCE#<once>``, ``sk=ONCE`` in the data table, kept
    ``CLAIM_DAYS`` (TTL ``expires_at``), far longer than a mail waits in the queue (a day) or a job is resumed.
    The item holds the key and the times only: no address, no mail."""

    def __init__(self, client: Any, table: str, *, clock: Callable[[], float] = time.time) -> None:
        self.client = client
        self.table = table
        self.clock = clock

    @staticmethod
    def key(once: str) -> dict[str, Any]:
        return {"pk": {"S": f"ONCE#{once}"}, "sk": {"S": "ONCE"}}

    def claim(self, once: str) -> bool:
        """True if this call claimed it; False if it was claimed before. Other errors are raised."""
        from botocore.exceptions import ClientError  # noqa: PLC0415

        from carjunction.api.store.db import error_code  # noqa: PLC0415

        now = int(self.clock())
        item = {
            **self.key(once),
            "claimed_at": {"N": str(now)},
            "expires_at": {"N": str(now + CLAIM_DAYS * 86400)},
        }
        try:
            self.client.put_item(TableName=self.table, Item=item, ConditionExpression="attribute_not_exists(pk)")
        except ClientError as error:
            if error_code(error) == "ConditionalCheckFailedException":
                return False
            raise
        return True

    def release(self, once: str) -> None:
        self.client.delete_item(TableName=self.table, Key=self.key(once))


class Pacer:
    """At most ``per_second`` sends a second from this instance: each send waits for its slot, one interval after
    the last. Kept across warm invocations, so consecutive batches are paced as one stream. No burst is allowed:
    N sends take at least (N - 1) / per_second seconds. ``clock`` and ``sleep`` are injectable for the tests."""

    def __init__(
        self,
        per_second: float,
        *,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        if not per_second > 0:
            raise ValueError(f"a send rate must be positive, not {per_second!r}")
        self.interval = 1.0 / per_second
        self.clock = clock
        self.sleep = sleep
        self.next_slot: float | None = None

    def wait(self) -> None:
        now = self.clock()
        if self.next_slot is not None and now < self.next_slot:
            self.sleep(self.next_slot - now)
            now = max(self.clock(), self.next_slot)
        self.next_slot = now + self.interval


def valid_once(once: str) -> bool:
    return 0 < len(once) <= ONCE_MAX_CHARS and once.isprintable()


def send_record(
    mailer: Mailer,
    tally: Counter[str],
    record: SQSRecord,
    claims: OnceClaims | None = None,
    pacer: Pacer | None = None,
) -> None:
    """Send one queued e-mail. Raising marks the record failed; returning (even for poison) lets SQS delete it.
    Without ``claims`` (a sender with no table, such as a unit test's), ``once`` is not enforced."""
    try:
        email = email_from_json(record.body)
    except ValueError:
        log.error("queued mail dropped: not an e-mail", extra={"message_id": record.message_id})
        tally["dropped"] += 1
        return
    if email.once is not None and not valid_once(email.once):
        # Sending it could not be made at-most-once: never sending it is the safe side.
        log.error("queued mail dropped: bad once key", extra={"message_id": record.message_id, "kind": email.kind})
        tally["dropped"] += 1
        return
    if pacer is not None:
        # Before the claim: the time between the claim and SES's answer is the window in which a dying
        # instance loses a mail, and it is kept as short as the send itself.
        pacer.wait()
    claimed = claim(claims, email, record, tally)
    if claimed is False:
        return
    try:
        mailer.send(email)
    except Exception as error:
        # SES's messages can name the address ("… identities failed the check: buyer@…"): log the type only.
        log.warning("queued mail not sent", extra={"message_id": record.message_id, "error_type": type(error).__name__})
        tally["failed"] += 1
        if claimed and outcome_unknown(error):
            log.error("once mail perhaps sent: claim kept", extra={"message_id": record.message_id, "kind": email.kind})
        elif claimed:
            release(claims, email, record)
        raise MailNotSent(record.message_id) from None
    tally["sent"] += 1


def outcome_unknown(error: Exception) -> bool:
    """Whether SES may have taken the mail though the call failed: its answer timed out."""
    from botocore.exceptions import ReadTimeoutError  # noqa: PLC0415

    return isinstance(error, ReadTimeoutError)


def claim(claims: OnceClaims | None, email: Email, record: SQSRecord, tally: Counter[str]) -> bool | None:
    """True: claimed now, send it. False: a duplicate, counted. None: nothing to claim. A failed claim raises."""
    if claims is None or email.once is None:
        return None
    try:
        claimed = claims.claim(email.once)
    except Exception as error:
        log.warning("once claim failed", extra={"message_id": record.message_id, "error_type": type(error).__name__})
        tally["failed"] += 1
        raise MailNotSent(record.message_id) from None
    if not claimed:
        log.info("queued mail dropped: sent before", extra={"message_id": record.message_id, "kind": email.kind})
        tally["duplicate"] += 1
    return claimed


def release(claims: OnceClaims | None, email: Email, record: SQSRecord) -> None:
    if claims is None or email.once is None:
        return
    try:
        claims.release(email.once)
    except Exception as error:
        # The retry will find the claim and drop the mail: it is lost, and the failure above is already counted.
        log.error(
            "once claim not released", extra={"message_id": record.message_id, "error_type": type(error).__name__}
        )


def send_batch(
    event: dict[str, Any],
    mailer: Mailer,
    context: Any = None,
    tally: Counter[str] | None = None,
    *,
    claims: OnceClaims | None = None,
    pacer: Pacer | None = None,
) -> dict[str, Any]:
    """An SQS event's records sent through ``mailer``; the answer lists the failed ones as ``batchItemFailures``.
    ``tally`` counts the records by outcome (OUTCOMES, for the function's metrics)."""
    from aws_lambda_powertools.utilities.batch import BatchProcessor, EventType, process_partial_response  # noqa: PLC0415

    # A batch where every mail failed is answered like any other (all listed as failures), not raised:
    # SQS returns the same records either way, and the answer stays well-formed.
    processor = BatchProcessor(event_type=EventType.SQS, raise_on_entire_batch_failure=False)
    counts = Counter[str]() if tally is None else tally
    handler = partial(send_record, mailer, counts, claims=claims, pacer=pacer)
    result = process_partial_response(event=event, record_handler=handler, processor=processor, context=context)
    return dict(result)


def client_config() -> Any:
    """Off the request path, the mail function may wait and retry longer than the API functions may; the function's
    timeout (template.yaml) covers a batch of slow sends."""
    from botocore.config import Config  # noqa: PLC0415

    return Config(connect_timeout=2, read_timeout=5, retries={"max_attempts": 3, "mode": "standard"})


def ses_mailer(settings: MailSettings, session: Any = None, endpoint_url: str | None = None) -> Mailer:
    """The SES sender of the mail function."""
    import boto3  # noqa: PLC0415

    from carjunction.api.mail import SesMailer  # noqa: PLC0415

    session = session or boto3.session.Session()
    return SesMailer(session.client("sesv2", config=client_config(), endpoint_url=endpoint_url), settings.mail_from)


def once_claims(settings: MailSettings, session: Any = None, endpoint_url: str | None = None) -> OnceClaims:
    import boto3  # noqa: PLC0415

    session = session or boto3.session.Session()
    client = session.client("dynamodb", config=client_config(), endpoint_url=endpoint_url)
    return OnceClaims(client, settings.table_name)
