"""The mail function's logic: send each queued e-mail, and report the ones that failed so that only they return.

SQS delivers a batch; Powertools' BatchProcessor calls ``send_record`` for each record and answers Lambda with
``batchItemFailures`` (the event source has ReportBatchItemFailures), so one failed mail never resends the others.

A record that is not an e-mail (not JSON, or not the fields of ``Email``) is a poison message: it is logged by its
message id and dropped, i.e. reported as handled so that SQS deletes it. Retrying cannot make it valid, and the
dead-letter queue would only keep whatever it holds, perhaps someone's address, for days with nothing to do with
it. Mails that failed for a reason that can pass (SES throttling, a timeout) are retried and, after the queue's
maxReceiveCount, kept in the dead-letter queue for staff to redrive.
"""

from __future__ import annotations

import logging
from collections import Counter
from collections.abc import Mapping
from functools import partial
from typing import TYPE_CHECKING, Any

from pydantic import BaseModel, ConfigDict, Field

from carjunction.api.mail import Mailer, email_from_json

if TYPE_CHECKING:
    from aws_lambda_powertools.utilities.data_classes.sqs_event import SQSRecord

log = logging.getLogger(__name__)


class MailSettings(BaseModel):
    """What the mail function reads from its environment (once per cold start)."""

    model_config = ConfigDict(frozen=True, extra="ignore")

    mail_from: str = Field(min_length=3, description="The SES-verified sender (MAIL_FROM).")

    @classmethod
    def from_env(cls, environ: Mapping[str, str]) -> MailSettings:
        return cls.model_validate({k.lower(): v for k, v in environ.items() if k.lower() in cls.model_fields})


class MailNotSent(RuntimeError):
    """A mail SES did not take; the record goes back to the queue. The message names no one."""


def send_record(mailer: Mailer, tally: Counter[str], record: SQSRecord) -> None:
    """Send one queued e-mail. Raising marks the record failed; returning (even for poison) lets SQS delete it."""
    try:
        email = email_from_json(record.body)
    except ValueError:
        log.error("queued mail dropped: not an e-mail", extra={"message_id": record.message_id})
        tally["dropped"] += 1
        return
    try:
        mailer.send(email)
    except Exception as error:
        # SES's messages can name the address ("… identities failed the check: buyer@…"): log the type only.
        log.warning("queued mail not sent", extra={"message_id": record.message_id, "error_type": type(error).__name__})
        tally["failed"] += 1
        raise MailNotSent(record.message_id) from None
    tally["sent"] += 1


def send_batch(
    event: dict[str, Any], mailer: Mailer, context: Any = None, tally: Counter[str] | None = None
) -> dict[str, Any]:
    """An SQS event's records sent through ``mailer``; the answer lists the failed ones as ``batchItemFailures``.
    ``tally`` counts the records sent, failed and dropped (for the function's metrics)."""
    from aws_lambda_powertools.utilities.batch import BatchProcessor, EventType, process_partial_response  # noqa: PLC0415

    # A batch where every mail failed is answered like any other (all listed as failures), not raised:
    # SQS returns the same records either way, and the answer stays well-formed.
    processor = BatchProcessor(event_type=EventType.SQS, raise_on_entire_batch_failure=False)
    handler = partial(send_record, mailer, Counter() if tally is None else tally)
    result = process_partial_response(event=event, record_handler=handler, processor=processor, context=context)
    return dict(result)


def ses_mailer(settings: MailSettings, session: Any = None, endpoint_url: str | None = None) -> Mailer:
    """The SES sender of the mail function. It is off the request path, so it may wait and retry longer than the
    API functions may; the function's timeout (template.yaml) covers a batch of slow sends."""
    import boto3  # noqa: PLC0415
    from botocore.config import Config  # noqa: PLC0415

    from carjunction.api.mail import SesMailer  # noqa: PLC0415

    session = session or boto3.session.Session()
    config = Config(connect_timeout=2, read_timeout=5, retries={"max_attempts": 3, "mode": "standard"})
    return SesMailer(session.client("sesv2", config=config, endpoint_url=endpoint_url), settings.mail_from)
