"""`carjunction admin notify`: a staff notice, once to each member with a confirmed opt-in, through the stack's mail
queue (moto), resumable after a failure, paced, and refusing input a member should not get."""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from http import HTTPStatus
from pathlib import Path
from typing import Any

import boto3
import pytest

from carjunction.api import cookie
from carjunction.api.mail import Email, email_from_json
from carjunction.api.store.db import key
from carjunction.ops.admin.batch_mailer import BatchQueueMailer
from carjunction.ops.admin.connect_table import local_sending, local_target
from carjunction.ops.admin.context import AdminContext, AdminError, Sending
from carjunction.ops.admin.notify import MAX_BODY_BYTES, Pace, notify, read_notice
from tests.support.admin_world import World
from tests.support.api import REGION, SITE, event

BODY = "Our opening hours change on 1 January:\nMonday to Saturday, 9:00-18:00 JST.\n\nCosts $5? No: 100% free."
SUBJECT = "New opening hours from 1 January"


@dataclass
class Stack:
    """The deployed stack as `carjunction admin` reads it: its outputs, its cookie key parameter, its MailQueue."""

    queue_url: str
    sqs: Any

    def drain(self) -> list[Email]:
        mails: list[Email] = []
        while True:
            answer = self.sqs.receive_message(QueueUrl=self.queue_url, MaxNumberOfMessages=10)
            messages = answer.get("Messages", [])
            if not messages:
                return mails
            for message in messages:
                mails.append(email_from_json(message["Body"]))
                self.sqs.delete_message(QueueUrl=self.queue_url, ReceiptHandle=message["ReceiptHandle"])


@pytest.fixture
def stack(world: World) -> Stack:
    template = {
        "Parameters": {"CookieSecretParameter": {"Type": "String"}},
        "Resources": {"MailQueue": {"Type": "AWS::SQS::Queue", "Properties": {}}},
        "Outputs": {"SiteUrl": {"Value": SITE}},
    }
    cloudformation = boto3.client("cloudformation", region_name=REGION)
    parameter = world.api.deps.settings.cookie_secret_parameter  # the API's own key: its links must verify
    cloudformation.create_stack(
        StackName="carjunction",
        TemplateBody=json.dumps(template),
        Parameters=[{"ParameterKey": "CookieSecretParameter", "ParameterValue": parameter}],
    )
    queue = cloudformation.describe_stack_resource(StackName="carjunction", LogicalResourceId="MailQueue")
    return Stack(queue["StackResourceDetail"]["PhysicalResourceId"], boto3.client("sqs", region_name=REGION))


def opted_in(world: World, count: int, **changes: Any) -> dict[str, str]:
    """``count`` members who asked for updates when signing up (confirmed by the sign-up link); e-mail → id."""
    found = {}
    for _ in range(count):
        cookie_value, body = world.sign_up(updates_opt_in=True, **changes)
        me = world.api.call("register", event("GET", "/api/me", cookie=cookie_value)).body
        assert me["updates_opt_in"] is True
        found[body["email"]] = str(me["member_id"])
    return found


def not_opted_in(world: World) -> list[str]:
    """A member who never asked, one who asked but never confirmed the mailed link, one never confirmed at all."""
    _, never = world.sign_up(updates_opt_in=False)
    pending_cookie, pending = world.sign_up(updates_opt_in=False)
    asked = world.api.call("register", event("PATCH", "/api/me", {"updates_opt_in": True}, cookie=pending_cookie))
    assert asked.body["updates_pending"] is True
    _, unconfirmed = world.sign_up(updates_opt_in=True)
    world.store_as_typed("email", unconfirmed["email"], confirmed=False)
    return [never["email"], pending["email"], unconfirmed["email"]]


def body_file(tmp_path: Path, text: str | bytes = BODY) -> str:
    path = tmp_path / "notice.txt"
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_text(text, encoding="utf-8")
    return str(path)


def test_a_notice_goes_once_to_each_opted_in_member(world: World, stack: Stack, tmp_path: Path) -> None:
    members = opted_in(world, 3)
    french = opted_in(world, 1, language="fr")
    members |= french
    left_out = not_opted_in(world)
    # When staff send a notice
    code, out, err = world.admin("notify", "--subject", SUBJECT, "--body-file", body_file(tmp_path))
    # Then each opted-in member has exactly one mail on the queue, and no one else has any
    assert code == 0, err
    assert "4 queued, 0 already had it, 0 failed" in out
    assert "SES sends 4 mail(s) in about 0 s at 14/s" in out
    mails = stack.drain()
    assert sorted(mail.to for mail in mails) == sorted(members)
    assert not set(left_out) & {mail.to for mail in mails}
    notice_id = read_notice(SUBJECT, Path(body_file(tmp_path))).notice_id
    for mail in mails:
        member_id = members[mail.to]
        # staff's words as written, the mail function's once key, and a one-click unsubscribe signed for this member
        assert mail.subject == SUBJECT
        assert BODY in mail.body
        assert (mail.kind, mail.once) == ("notice", f"notice:{notice_id}:{member_id}")
        assert mail.headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
        token = mail.headers["List-Unsubscribe"].strip("<>").split("token=", 1)[1]
        assert cookie.unsubscribe_member(world.api.deps.secret(), token) == member_id
    (french_mail,) = [mail for mail in mails if mail.to in french]
    # The French member's mail: the template's own words in French, staff's as written
    assert f"{SITE}/fr/members/unsubscribe/#token=" in french_mail.body
    assert "You receive this because" not in french_mail.body
    assert (french_mail.subject, BODY in french_mail.body) == (SUBJECT, True)
    assert all("You receive this because" in mail.body for mail in mails if mail is not french_mail)
    # And a member's one-click unsubscribe, without a cookie, works through the API
    token = mails[0].headers["List-Unsubscribe"].strip("<>").split("token=", 1)[1]
    one_click = event("POST", "/api/unsubscribe", raw_body="List-Unsubscribe=One-Click", query={"token": token})
    one_click["headers"]["content-type"] = "application/x-www-form-urlencoded"
    assert world.api.call("register", one_click).status == HTTPStatus.OK
    # When staff run the same notice again, nothing new is queued
    code, out, err = world.admin("notify", "--subject", SUBJECT, "--body-file", body_file(tmp_path))
    assert code == 0, err
    assert "0 queued, 3 already had it, 0 failed" in out
    assert stack.drain() == []


def test_the_summary_is_json_for_machines_and_a_given_id_is_used(world: World, stack: Stack, tmp_path: Path) -> None:
    members = opted_in(world, 2)
    summary = world.admin_json("notify", "--subject", SUBJECT, "--body-file", body_file(tmp_path), "--id", "hours-1")
    assert summary == {
        "notice_id": "hours-1",
        "members": 2,
        "queued": 2,
        "already": 0,
        "failed": 0,
        "left": 0,
        "ses_seconds": 0.1,
        "ses_per_second": 14,
    }
    assert {mail.once for mail in stack.drain()} == {f"notice:hours-1:{member_id}" for member_id in members.values()}
    # The same id for other words is refused: the ledger would skip everyone who had the first
    code, out, err = world.admin("notify", "--subject", "Other", "--body-file", body_file(tmp_path), "--id", "hours-1")
    assert (code, out) == (1, "")
    assert err.startswith("error: notice 'hours-1' was sent before with another subject or body")
    assert stack.drain() == []


class FailingQueue(BatchQueueMailer):
    """The stack's queue, which goes down once ``works_for`` mails were queued (a throttled or deleted queue), and
    which notes when each batch came (``now``) and how big it was."""

    def __init__(self, stack: Stack, works_for: int, now: Callable[[], float] = lambda: 0.0) -> None:
        super().__init__(stack.sqs, stack.queue_url)
        self.works_for = works_for
        self.now = now
        self.calls: list[tuple[float, int]] = []

    def send_many(self, emails: Sequence[Email]) -> list[bool]:
        self.calls.append((self.now(), len(emails)))
        if sum(count for _, count in self.calls) > self.works_for:
            raise ConnectionError("the queue is down")
        return super().send_many(emails)


def context_with(world: World, mailer: BatchQueueMailer) -> AdminContext:
    context = world.context
    context.connect_sending = lambda: Sending(secret=world.api.deps.secret(), site_origin=SITE, mailer=mailer)
    return context


class FakeTime:
    def __init__(self) -> None:
        self.now = 0.0
        self.slept: list[float] = []

    def sleep(self, seconds: float) -> None:
        self.slept.append(seconds)
        self.now += seconds


def test_a_run_stopped_by_the_queue_resumes_without_sending_twice(world: World, stack: Stack, tmp_path: Path) -> None:
    members = opted_in(world, 5)
    notice = read_notice(SUBJECT, Path(body_file(tmp_path)))
    time = FakeTime()
    # Given a run whose queue goes down after the first batch (two mails a second: batches of two)
    failing = FailingQueue(stack, works_for=2)
    first = notify(context_with(world, failing), notice, pace=Pace(2, time.sleep, lambda: time.now))
    assert (first.queued, first.failed, first.left) == (2, 2, 1)
    # When the same notice runs again on a working queue
    working = BatchQueueMailer(stack.sqs, stack.queue_url)
    second = notify(context_with(world, working), notice, pace=Pace(2, time.sleep, lambda: time.now))
    # Then it sends only to those who did not have it, and every member has one mail
    assert (second.queued, second.already, second.failed, second.left) == (3, 2, 0, 0)
    mails = stack.drain()
    assert Counter(mail.to for mail in mails) == dict.fromkeys(members, 1)
    # And a mail queued whose ledger line was lost (a crash between the two) is queued again with the same once
    # key, which the mail function claims: the member still gets it once
    (lost, member_id), *_ = members.items()
    db = world.api.deps.db
    db.client.delete_item(TableName=db.table, Key=key(f"NOTICE#{notice.notice_id}", f"MEMBER#{member_id}"))
    again = notify(context_with(world, working), notice, pace=Pace(2, time.sleep, lambda: time.now))
    assert (again.queued, again.already) == (1, 4)
    (requeued,) = stack.drain()
    (before,) = [mail for mail in mails if mail.to == lost]
    assert requeued.once == before.once == f"notice:{notice.notice_id}:{member_id}"


def test_the_cli_says_how_to_resume_when_the_queue_is_gone(world: World, stack: Stack, tmp_path: Path) -> None:
    opted_in(world, 2)
    stack.sqs.delete_queue(QueueUrl=stack.queue_url)
    code, out, err = world.admin("notify", "--subject", SUBJECT, "--body-file", body_file(tmp_path))
    assert code == 1
    assert "0 queued, 0 already had it, 2 failed" in out
    assert "run the same command again to send the rest" in err


def test_notify_queues_no_faster_than_its_rate(world: World, stack: Stack, tmp_path: Path) -> None:
    opted_in(world, 7)
    notice = read_notice(SUBJECT, Path(body_file(tmp_path)))
    time = FakeTime()
    recording = FailingQueue(stack, works_for=1000, now=lambda: time.now)
    seen: list[int] = []

    def progress(total: int) -> Callable[[int], None]:
        seen.append(total)
        return seen.append

    pace = Pace(3, time.sleep, lambda: time.now)
    result = notify(context_with(world, recording), notice, pace=pace, progress=progress)
    assert result.queued == 7
    # The progress bar learns the total, then each batch tried
    assert seen == [7, 3, 3, 1]
    # Batches of at most three; by any moment t, at most 3·t mails plus the batch then going out
    assert [count for _, count in recording.calls] == [3, 3, 1]
    sent = 0
    for moment, count in recording.calls:
        assert sent <= 3 * moment, (moment, sent)
        sent += count
    assert time.now >= (7 - 1) / 3


def test_a_dry_run_counts_and_shows_the_first_mail_but_sends_nothing(
    world: World, stack: Stack, tmp_path: Path
) -> None:
    members = opted_in(world, 2)
    code, out, err = world.admin("notify", "--subject", SUBJECT, "--body-file", body_file(tmp_path), "--dry-run")
    assert code == 0, err
    assert "2 member(s) opted in, 0 already have it, 2 would be sent" in out
    assert f"Subject: {SUBJECT}" in out
    assert any(email in out for email in members)
    assert "Monday to Saturday, 9:00-18:00 JST." in out
    assert stack.drain() == []
    assert not [item for item in world.api.items() if item["pk"]["S"].startswith("NOTICE#")]


@pytest.mark.parametrize(
    ("subject", "body", "message"),
    [
        ("  ", BODY, "the subject is empty"),
        ("Hours\nBcc: everyone@example.org", BODY, "the subject must be one line"),
        ("Hours\rBcc: everyone@example.org", BODY, "the subject must be one line"),
        ("Hours\u2028next line", BODY, "the subject must be one line"),
        ("x" * 151, BODY, "the subject is 151 characters; at most 150"),
        (SUBJECT, "\n \n", "the body file is empty"),
        (SUBJECT, b"caf\xe9 ouvert", "the body file is not UTF-8 text (byte 3)"),
        (SUBJECT, "x" * (MAX_BODY_BYTES + 1), "the body file is 20,001 bytes; at most 20,000"),
        (SUBJECT, "Hello \x1b[2J world", "the body file holds control characters"),
    ],
)
def test_bad_input_is_a_one_line_error(tmp_path: Path, subject: str, body: str | bytes, message: str) -> None:
    with pytest.raises(AdminError) as refused:
        read_notice(subject, Path(body_file(tmp_path, body)))
    assert str(refused.value).startswith(message)
    assert "\n" not in str(refused.value)


def test_the_body_is_taken_as_written_and_the_words_make_the_id(tmp_path: Path) -> None:
    windows = read_notice(f" {SUBJECT} ", Path(body_file(tmp_path, "\ufeff" + BODY.replace("\n", "\r\n"))))
    assert (windows.subject, windows.body) == (SUBJECT, BODY)
    assert windows.notice_id == read_notice(SUBJECT, Path(body_file(tmp_path))).notice_id
    assert windows.notice_id != read_notice(SUBJECT + "!", Path(body_file(tmp_path))).notice_id
    with pytest.raises(AdminError, match="--id must be"):
        read_notice(SUBJECT, Path(body_file(tmp_path)), "../Privacy")
    with pytest.raises(AdminError, match="cannot read the body file"):
        read_notice(SUBJECT, tmp_path / "missing.txt")


def test_the_cli_refuses_bad_input_before_sending(world: World, stack: Stack, tmp_path: Path) -> None:
    opted_in(world, 1)
    code, out, err = world.admin("notify", "--subject", "a\nb", "--body-file", body_file(tmp_path))
    assert (code, out) == (1, "")
    assert err == "error: the subject must be one line, without control characters\n"
    with pytest.raises(SystemExit):
        world.admin("notify", "--subject", SUBJECT, "--body-file", body_file(tmp_path), "--rate", "0")
    assert stack.drain() == []


def test_local_sending_is_the_running_stacks_queue_key_and_origin(aws: None, tmp_path: Path) -> None:
    sqs = boto3.client("sqs", region_name=REGION)
    url = sqs.create_queue(QueueName="carjunction-local-mail")["QueueUrl"]
    stack_file = {
        "endpoint": "http://127.0.0.1:5001",
        "region": REGION,
        "table": "t",
        "origin": "http://127.0.0.1:8000",
    }
    (tmp_path / "stack.json").write_text(json.dumps(stack_file), encoding="utf-8")
    (tmp_path / "cookie-secret").write_text("local-key\n", encoding="utf-8")
    sending = local_sending(tmp_path, local_target(tmp_path), sqs)
    assert (sending.secret, sending.site_origin) == (b"local-key", "http://127.0.0.1:8000")
    assert isinstance(sending.mailer, BatchQueueMailer)
    assert sending.mailer.queue_url == url
    (tmp_path / "stack.json").write_text(json.dumps({**stack_file, "origin": ""}), encoding="utf-8")
    with pytest.raises(AdminError, match="names no site origin"):
        local_sending(tmp_path, local_target(tmp_path), sqs)


def test_commands_that_send_nothing_never_read_the_mail_settings(world: World) -> None:
    # No stack exists here: the inquiries list must not look for its cookie key or queue
    code, out, err = world.admin("inquiries", "list")
    assert (code, err) == (0, "")
    assert "no unanswered inquiries" in out


def test_notify_without_a_stack_is_a_one_line_error(world: World, tmp_path: Path) -> None:
    opted_in(world, 1)
    code, _, err = world.admin("notify", "--subject", SUBJECT, "--body-file", body_file(tmp_path))
    assert code == 1
    assert err.startswith("error: cannot read the mail settings of stack 'carjunction'")
    assert len(err.strip().splitlines()) == 1
