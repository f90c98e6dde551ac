"""The mail queue for staff commands that mail many members: ten mails per SendMessageBatch instead of one call each.

It is the API's QueueMailer (``send`` for one mail) with ``send_many``; the mail function sends what it queues,
paced to SES's quota, whoever put it there.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol, runtime_checkable

from carjunction.api.mail import Email, QueueMailer, email_to_json

BATCH_ENTRIES = 10  # SendMessageBatch's limit
# SendMessageBatch's limit is 256 KiB for the whole batch; a notice body may be 20 KB, so ten can come close.
BATCH_BYTES = 200_000


@runtime_checkable
class BatchMailer(Protocol):
    def send(self, email: Email) -> None: ...

    def send_many(self, emails: Sequence[Email]) -> list[bool]:
        """Queue ``emails``; for each, whether it was queued. Raises when nothing could be (the queue is down)."""
        ...


class BatchQueueMailer(QueueMailer):
    def send_many(self, emails: Sequence[Email]) -> list[bool]:
        queued: list[bool] = []
        for batch in batches([email_to_json(email) for email in emails]):
            entries = [{"Id": str(n), "MessageBody": body} for n, body in enumerate(batch)]
            answer = self.client.send_message_batch(QueueUrl=self.queue_url, Entries=entries)
            ok = {str(entry["Id"]) for entry in answer.get("Successful", [])}
            queued.extend(entry["Id"] in ok for entry in entries)
        return queued


def batches(bodies: Sequence[str]) -> list[list[str]]:
    """Message bodies in order, in groups SendMessageBatch takes (at most ten, and under its size limit)."""
    groups: list[list[str]] = []
    size = 0
    for body in bodies:
        length = len(body.encode())
        if not groups or len(groups[-1]) >= BATCH_ENTRIES or size + length > BATCH_BYTES:
            groups.append([])
            size = 0
        groups[-1].append(body)
        size += length
    return groups
