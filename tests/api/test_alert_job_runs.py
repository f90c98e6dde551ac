"""The alert job over time (a car is news for a week, the state forgets what cannot be news again), a saved
search that no longer reads, and the staff command that runs the job."""

from __future__ import annotations

import argparse
import json
import uuid
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
from botocore.exceptions import ClientError

from carjunction.api.logic.alert_digest import MailQueueFailed, Sender, run_alert_job
from carjunction.api.mail import Email, OutboxMailer, QueueMailer
from carjunction.api.queues import create_queues
from carjunction.api.send_mail import OnceClaims, send_batch
from carjunction.api.store import alert_state
from carjunction.api.store.db import Db, key
from carjunction.local.mail_queue import sqs_event
from tests.support.alert_world import HOUR, T0, VANS, OnceOutbox, add_alert, add_member, cars_in, list_car, sender
from tests.support.api import REGION, ROOT, SITE, Api


def test_the_admin_command_runs_the_job_on_the_cli_s_table_and_prints_counts_only(
    api: Api, capsys: pytest.CaptureFixture[str]
) -> None:
    from carjunction.ops.admin.context import AdminContext, AdminError, Sending  # noqa: PLC0415
    from carjunction.ops.admin.run_alerts import run_alerts_command  # noqa: PLC0415

    member = add_member(api)
    add_alert(api, member, VANS, name="My secret name")
    car = list_car(api, T0 + HOUR)
    outbox = OnceOutbox()
    context = AdminContext(db=api.deps.db, clock=lambda: T0 + 2 * HOUR, company_name="Car junction Co Ltd.")
    context.connect_sending = lambda: Sending(secret=api.deps.secret(), site_origin=SITE, mailer=outbox)
    # When staff run it, Then the member's digest is queued and the summary printed, naming no one
    assert run_alerts_command(context, argparse.Namespace(json=False)) == 0
    printed = capsys.readouterr().out
    assert "digests queued: 1" in printed and "cars listed: 1" in printed
    assert member["email"] not in printed and "secret name" not in printed
    assert [cars_in(mail) for mail in outbox.to(member["email"])] == [[car.stock_no]]
    # When the queue is down, Then it says so and fails, having counted what it did
    list_car(api, T0 + 3 * HOUR)
    outbox.fail_after = 0
    context.clock = lambda: T0 + 30 * HOUR
    with pytest.raises(AdminError, match="could not be queued"):
        run_alerts_command(context, argparse.Namespace(json=True))
    assert json.loads(capsys.readouterr().out)["digests_queued"] == 0


def test_a_car_is_news_for_a_week_and_the_state_forgets_what_can_never_be_news_again(api: Api) -> None:
    # Given a member who saved a search, and a matching car listed then, but confirmed updates only nine days later
    member = add_member(api, opt_in=False)
    add_alert(api, member, VANS)
    old = list_car(api, T0 + HOUR)
    api.deps.db.client.update_item(
        TableName=api.deps.db.table,
        Key=key(member["pk"], "PROFILE"),
        UpdateExpression="SET updates_opt_in = :yes",
        ExpressionAttributeValues={":yes": {"BOOL": True}},
    )
    fresh = list_car(api, T0 + 9 * 24 * HOUR)
    # When the job runs, Then only the car of this week is mailed
    outbox = OnceOutbox()
    run_alert_job(sender(api, outbox), T0 + 9 * 24 * HOUR + HOUR)
    assert [cars_in(m) for m in outbox.delivered] == [[fresh.stock_no]]
    # And a week after, with another new car, the first one is no longer kept in the member's state
    newer = list_car(api, T0 + 17 * 24 * HOUR)
    run_alert_job(sender(api, outbox), T0 + 17 * 24 * HOUR + HOUR)
    assert [cars_in(m) for m in outbox.delivered] == [[fresh.stock_no], [newer.stock_no]]
    (state,) = alert_state.get_states(api.deps.db, [member["member_id"]]).values()
    assert state.sent == {newer.stock_no} and old.stock_no not in state.sent


def test_a_saved_search_that_no_longer_reads_is_left_out_and_the_others_still_go(api: Api) -> None:
    broken = add_member(api)
    add_alert(api, broken, {"make": "Toyota", "colour": "red"})  # a filter StockFilters does not know
    fine = add_member(api)
    add_alert(api, fine, VANS)
    list_car(api, T0 + HOUR)
    outbox = OnceOutbox()
    summary = run_alert_job(sender(api, outbox), T0 + 2 * HOUR)
    assert [m.to for m in outbox.delivered] == [fine["email"]]
    assert summary.members_considered == 1


class LosesAnswers:
    """The real queue, but after ``after`` puts each put goes through and the run dies before hearing so."""

    def __init__(self, inner: QueueMailer, after: int) -> None:
        self.inner, self.after, self.puts = inner, after, 0

    def send(self, email: Email) -> None:
        self.inner.send(email)
        self.puts += 1
        if self.puts > self.after:
            raise ConnectionError("the run died after the put")


def test_through_the_real_queue_and_mail_function_a_crash_after_the_put_sends_nothing_twice(
    api: Api, tmp_path: Path
) -> None:
    # Given the mail queue as template.yaml makes it, and the mail function's once-claims in the data table
    sqs = api.session.client("sqs")
    tag = uuid.uuid4().hex[:8]
    urls = create_queues(sqs, ROOT / "template.yaml", {"MailQueue": f"m-{tag}", "MailDeadLetterQueue": f"d-{tag}"})
    arn = sqs.get_queue_attributes(QueueUrl=urls["MailQueue"], AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
    people = [add_member(api, language=language) for language in ("en", "fr", "sw", "ru")]
    for member in people:
        add_alert(api, member, VANS)
    cars = {list_car(api, T0 + HOUR).stock_no for _ in range(3)}
    # When the job dies right after putting the second digest on the queue, then runs again
    mailer = LosesAnswers(QueueMailer(sqs, urls["MailQueue"]), after=1)
    job = Sender(api.deps.db, mailer, api.deps.secret, SITE, "Car junction Co Ltd.", workers=1)
    with pytest.raises(MailQueueFailed):
        run_alert_job(job, T0 + 2 * HOUR)
    mailer.after = 10
    run_alert_job(job, T0 + 3 * HOUR)
    # And the mail function sends what is on the queue
    outbox = OutboxMailer(tmp_path / "sent")
    claims = OnceClaims(api.deps.db.client, api.deps.db.table)
    while messages := sqs.receive_message(QueueUrl=urls["MailQueue"], MaxNumberOfMessages=10).get("Messages", []):
        assert send_batch(sqs_event(messages, arn, REGION), outbox, claims=claims) == {"batchItemFailures": []}
        for message in messages:
            sqs.delete_message(QueueUrl=urls["MailQueue"], ReceiptHandle=message["ReceiptHandle"])
    # Then the queue held a digest twice, and each member still received every car once
    assert mailer.puts == len(people) + 1
    for member in people:
        got = Counter(stock_no for mail in outbox.sent() if mail.to == member["email"] for stock_no in cars_in(mail))
        assert got == dict.fromkeys(cars, 1), member["language"]


def test_more_members_than_one_batch_read_each_get_their_digest(api: Api) -> None:
    # Given more members than a BatchGetItem takes (100), some with a state item from an earlier digest
    people = [add_member(api) for _ in range(130)]
    for member in people:
        add_alert(api, member, VANS)
    first = list_car(api, T0 + HOUR)
    outbox = OnceOutbox()
    assert run_alert_job(sender(api, outbox), T0 + 2 * HOUR).digests_queued == len(people)
    # When another car comes a day later, Then every member gets it, and only it
    second = list_car(api, T0 + 26 * HOUR)
    summary = run_alert_job(sender(api, outbox), T0 + 27 * HOUR)
    assert (summary.digests_queued, summary.cars_listed, summary.members_considered) == (130, 130, 130)
    for member in people:
        assert [cars_in(mail) for mail in outbox.to(member["email"])] == [[first.stock_no], [second.stock_no]]


class SettleFails:
    """The table, but the ``nth`` update (marking a digest sent) is throttled."""

    def __init__(self, client: Any, nth: int) -> None:
        self._client, self.nth, self.updates = client, nth, 0

    def __getattr__(self, name: str) -> Any:
        return getattr(self._client, name)

    def update_item(self, **request: Any) -> Any:
        self.updates += 1
        if self.updates == self.nth:
            raise ClientError({"Error": {"Code": "ProvisionedThroughputExceededException"}}, "UpdateItem")
        return self._client.update_item(**request)


def test_a_table_failure_between_queued_and_sent_stops_the_run_and_the_next_sends_nothing_twice(api: Api) -> None:
    people = [add_member(api) for _ in range(4)]
    for member in people:
        add_alert(api, member, VANS)
    car = list_car(api, T0 + HOUR)
    outbox = OnceOutbox()
    failing = Sender(Db(SettleFails(api.deps.db.client, nth=2), api.deps.db.table), outbox, api.deps.secret, SITE, "C")
    failing.workers = 1
    # When marking the second digest sent fails (its mail is on the queue), Then the run stops there
    with pytest.raises(ClientError):
        run_alert_job(failing, T0 + 2 * HOUR)
    assert len(outbox.delivered) == 2 and len(alert_state.pending_member_ids(api.deps.db)) == 1
    # When it runs again, Then the pending digest is queued again (and dropped as sent), and the rest go
    summary = run_alert_job(sender(api, outbox), T0 + 3 * HOUR)
    assert (summary.pending_requeued, summary.digests_queued) == (1, 2)
    assert outbox.puts == 5
    for member in people:
        assert [cars_in(mail) for mail in outbox.to(member["email"])] == [[car.stock_no]]
