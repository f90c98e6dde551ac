"""A staff notice to every member with a confirmed opt-in (`carjunction admin notify`): once per member, resumable.

Each mail is queued with ``Email.once = notice:<id>:<member_id>``, which the mail function claims before sending,
and after each batch a ledger item per member (``NOTICE#<id>`` / ``MEMBER#<member_id>``, kept 90 days) records who
has it: a second run skips them, and one that stopped half-way goes on where it stopped. The ledger is written
after the queue, so a crash between the two can only queue a mail again, which its ``once`` key then drops.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
import time
import unicodedata
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from carjunction.api.mail import Email, Mailer
from carjunction.api.store import members
from carjunction.api.store.db import Db, Item, error_code, key, query_all, to_item
from carjunction.clock import iso
from carjunction.ops.admin.batch_mailer import BATCH_ENTRIES, BatchMailer
from carjunction.ops.admin.context import AdminContext, AdminError

TEMPLATE = "notice"
KEEP_DAYS = 90  # the ledger outlives any re-run staff would make, then DynamoDB's TTL deletes it
SES_PER_SECOND = 14  # the account's SES quota the mail function paces to: how long the sending will take
MAX_SUBJECT = 150
MAX_BODY_BYTES = 20_000
NOTICE_ID = re.compile(r"^[a-z0-9][a-z0-9-]{0,47}$")
WRITE_BATCH = 25  # BatchWriteItem's limit


@dataclass(frozen=True)
class Notice:
    notice_id: str
    subject: str
    body: str

    @property
    def content_hash(self) -> str:
        return hashlib.sha256(f"{self.subject}\n{self.body}".encode()).hexdigest()


@dataclass
class NotifyResult:
    notice_id: str
    members: int = 0  # confirmed and opted in now
    queued: int = 0
    already: int = 0  # had it from an earlier run
    failed: int = 0
    left: int = 0  # not tried: the run stopped at a queue that was down
    first: Email | None = None  # the first mail this run makes (what --dry-run shows)

    @property
    def to_send(self) -> int:
        return self.members - self.already

    def ses_seconds(self) -> float:
        return self.queued / SES_PER_SECOND


# Turns a member item and the notice into the mail: the notice template in the member's language, signed links.
Compose = Callable[[AdminContext, Item, Notice], Email]


def read_notice(subject: str, body_file: Path, notice_id: str | None = None) -> Notice:
    """Staff's subject and body, checked; AdminError (one line) for anything a member should not receive."""
    subject = subject.strip()
    if not subject:
        raise AdminError("the subject is empty")
    if any(unicodedata.category(char) in ("Cc", "Zl", "Zp") for char in subject):
        raise AdminError("the subject must be one line, without control characters")
    if len(subject) > MAX_SUBJECT:
        raise AdminError(f"the subject is {len(subject)} characters; at most {MAX_SUBJECT}")
    try:
        raw = body_file.read_bytes()
    except OSError as error:
        raise AdminError(f"cannot read the body file {body_file}: {error.strerror or error}") from None
    if len(raw) > MAX_BODY_BYTES:
        raise AdminError(f"the body file is {len(raw):,} bytes; at most {MAX_BODY_BYTES:,} (a notice, not a letter)")
    try:
        body = raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise AdminError(f"the body file is not UTF-8 text (byte {error.start}); save it as UTF-8") from None
    body = body.replace("\r\n", "\n").replace("\r", "\n").strip("\n")
    if not body.strip():
        raise AdminError("the body file is empty")
    if any(unicodedata.category(char) == "Cc" and char not in "\n\t" for char in body):
        raise AdminError("the body file holds control characters (other than line breaks and tabs)")
    notice = Notice(notice_id="", subject=subject, body=body)
    if notice_id is None:
        # The same words make the same id: running the same notice twice sends it once.
        return Notice(notice_id=notice.content_hash[:16], subject=subject, body=body)
    if not NOTICE_ID.match(notice_id):
        raise AdminError("--id must be 1-48 lower-case letters, digits and dashes, e.g. privacy-2026-12")
    return Notice(notice_id=notice_id, subject=subject, body=body)


def notice_mail(context: AdminContext, member: Item, notice: Notice) -> Email:
    """The notice template in the member's language, staff's words as written, a signed one-click unsubscribe."""
    from carjunction.api.logic.update_mail import compose_update_mail  # noqa: PLC0415 - the API's logic: on use

    sending = context.sending()
    return compose_update_mail(
        member,
        TEMPLATE,
        secret=sending.secret,
        site_origin=sending.site_origin,
        company=context.company_name,
        once=f"notice:{notice.notice_id}:{member['member_id']}",
        subject=notice.subject,
        body=notice.body,
    )


def notice_pk(notice_id: str) -> str:
    return f"NOTICE#{notice_id}"


def claim_notice(db: Db, notice: Notice, now: dt.datetime, *, write: bool) -> None:
    """Remember which words this id stands for; an id reused for other words is refused, since the ledger would
    skip every member who had the first notice."""
    expires = int((now + dt.timedelta(days=KEEP_DAYS)).timestamp())
    item = {"pk": notice_pk(notice.notice_id), "sk": "NOTICE", "content_hash": notice.content_hash}
    found = db.client.get_item(TableName=db.table, Key=key(item["pk"], "NOTICE"), ConsistentRead=True).get("Item")
    if found is None and write:
        try:
            db.client.put_item(
                TableName=db.table,
                Item=to_item({**item, "created_at": iso(now), "expires_at": expires}),
                ConditionExpression="attribute_not_exists(pk)",
            )
            return
        except Exception as error:  # botocore's ClientError; another run claimed it a moment ago
            if error_code(error) != "ConditionalCheckFailedException":
                raise
            found = db.client.get_item(TableName=db.table, Key=key(item["pk"], "NOTICE"), ConsistentRead=True)["Item"]
    if found is not None and found.get("content_hash", {}).get("S") != notice.content_hash:
        raise AdminError(
            f"notice {notice.notice_id!r} was sent before with another subject or body; give a new --id "
            "(or leave --id out: the words then make the id)"
        )


def already_sent(db: Db, notice_id: str) -> set[str]:
    items = query_all(
        db,
        KeyConditionExpression="pk = :pk AND begins_with(sk, :member)",
        ExpressionAttributeValues={":pk": {"S": notice_pk(notice_id)}, ":member": {"S": "MEMBER#"}},
        ProjectionExpression="sk",
        ConsistentRead=True,
    )
    return {str(item["sk"]).removeprefix("MEMBER#") for item in items}


def record_sent(db: Db, notice_id: str, member_ids: Sequence[str], now: dt.datetime) -> None:
    expires = int((now + dt.timedelta(days=KEEP_DAYS)).timestamp())
    for start in range(0, len(member_ids), WRITE_BATCH):
        puts = [
            {
                "PutRequest": {
                    "Item": to_item(
                        {
                            "pk": notice_pk(notice_id),
                            "sk": f"MEMBER#{member_id}",
                            "queued_at": iso(now),
                            "expires_at": expires,
                        }
                    )
                }
            }
            for member_id in member_ids[start : start + WRITE_BATCH]
        ]
        pending: dict[str, Any] = {db.table: puts}
        while pending:
            pending = db.client.batch_write_item(RequestItems=pending).get("UnprocessedItems") or {}


def queue(mailer: Mailer, emails: Sequence[Email]) -> tuple[list[bool], bool]:
    """Queue a batch: whether each mail was queued, and whether the queue is down (then nothing more is tried)."""
    if isinstance(mailer, BatchMailer):
        try:
            return mailer.send_many(emails), False
        except Exception:
            return [False] * len(emails), True
    queued: list[bool] = []
    for email in emails:
        try:
            mailer.send(email)
        except Exception:
            return queued + [False] * (len(emails) - len(queued)), True
        queued.append(True)
    return queued, False


def chunks(items: Sequence[Item], size: int) -> Iterator[Sequence[Item]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


@dataclass
class Pace:
    """At most ``rate`` mails a second on average, in batches of at most ``rate`` (so never a burst above it)."""

    rate: float
    sleep: Callable[[float], None] = time.sleep
    monotonic: Callable[[], float] = time.monotonic

    def __post_init__(self) -> None:
        self.restart()

    def restart(self) -> None:
        """From now: the time spent reading the members is no credit for a burst."""
        self.start = self.monotonic()

    @property
    def batch(self) -> int:
        return max(1, min(BATCH_ENTRIES, int(self.rate)))

    def after(self, done: int) -> None:
        wait = self.start + done / self.rate - self.monotonic()
        if wait > 0:
            self.sleep(wait)


def notify(
    context: AdminContext,
    notice: Notice,
    *,
    pace: Pace,
    dry_run: bool = False,
    compose: Compose = notice_mail,
    progress: Callable[[int], Callable[[int], None]] | None = None,
) -> NotifyResult:
    """Queue the notice for every opted-in member who does not have it yet. ``progress(total)`` is called once the
    members are read; the function it returns is told how many were tried after each batch."""
    now = context.clock()
    claim_notice(context.db, notice, now, write=not dry_run)
    # The same rule as every update mail: confirmed member, confirmed opt-in (the query already asks for both).
    everyone = [m for m in members.opted_in_members(context.db) if m.get("confirmed") is True and m.get("email")]
    had = already_sent(context.db, notice.notice_id)
    todo = [m for m in everyone if str(m["member_id"]) not in had]
    result = NotifyResult(notice_id=notice.notice_id, members=len(everyone), already=len(everyone) - len(todo))
    if todo:
        result.first = compose(context, todo[0], notice)
    if dry_run:
        return result
    advance = progress(len(todo)) if progress else (lambda _: None)
    pace.restart()
    tried = 0
    for batch in chunks(todo, pace.batch):
        emails = [compose(context, member, notice) for member in batch]
        queued, down = queue(context.mailer, emails)
        sent = [str(member["member_id"]) for member, ok in zip(batch, queued, strict=True) if ok]
        record_sent(context.db, notice.notice_id, sent, context.clock())
        tried += len(batch)
        result.queued += len(sent)
        result.failed += len(batch) - len(sent)
        advance(len(batch))
        if down:
            # Stop at a queue that is down rather than fail every member; the same command resumes later.
            result.left = len(todo) - tried
            break
        pace.after(tried)
    return result
