"""Mail failures are seen: a mail an API function cannot queue is logged with its kind and counted in CloudWatch
(an EMF line, api/mail_metrics.py), and template.yaml alarms on that count, on SES failures and on the DLQ."""

from __future__ import annotations

import json
import logging
import uuid
from string import Template
from typing import Any

import boto3
import pytest

from carjunction.api.mail import Email, QueueMailer, render, send_quietly
from carjunction.api.mail_metrics import NOT_QUEUED
from carjunction.api.tables import load_template
from tests.support.api import REGION, ROOT


class Refusing:
    def send(self, email: Email) -> None:
        raise ConnectionError(f"queue refused mail for {email.to}")


class Accepting:
    def send(self, email: Email) -> None:
        pass


@pytest.fixture
def in_lambda(monkeypatch: pytest.MonkeyPatch) -> None:
    """The environment template.yaml gives the order function."""
    monkeypatch.setenv("POWERTOOLS_METRICS_NAMESPACE", "CarJunction")
    monkeypatch.setenv("POWERTOOLS_SERVICE_NAME", "order")


def emf_lines(text: str) -> list[dict[str, Any]]:
    lines = [json.loads(line) for line in text.splitlines() if line.startswith("{")]
    return [line for line in lines if "_aws" in line]


def rendered(kind: str) -> Email:
    """The mail of that kind as the code renders it, every placeholder filled."""
    text = (ROOT / "src/carjunction/api/emails" / f"{kind}.txt").read_text(encoding="utf-8")
    values = dict.fromkeys(Template(text).get_identifiers(), "x")
    return render(kind, f"buyer-{uuid.uuid4().hex[:8]}@example.com", **values)


def a_receipt() -> Email:
    return rendered("order_receipt")


def test_a_mail_not_queued_is_logged_with_its_kind_and_counted(
    in_lambda: None, capsys: pytest.CaptureFixture[str], caplog: pytest.LogCaptureFixture
) -> None:
    # Given an order receipt and a queue that refuses it
    receipt = a_receipt()
    caplog.set_level(logging.WARNING)
    # When it is sent quietly
    assert send_quietly(Refusing(), receipt, "CJ-ORDER-1") is False
    # Then the log names its kind and the order, not the buyer
    (record,) = [r for r in caplog.records if r.getMessage() == "notice not sent"]
    assert record.kind == "order_receipt"  # type: ignore[attr-defined]
    assert record.about == "CJ-ORDER-1"  # type: ignore[attr-defined]
    # And one CloudWatch metric line counts it under the function's service, with its kind as metadata
    printed = capsys.readouterr().out
    (line,) = emf_lines(printed)
    (directive,) = line["_aws"]["CloudWatchMetrics"]
    assert directive["Namespace"] == "CarJunction"
    assert directive["Dimensions"] == [["service"]]
    assert directive["Metrics"] == [{"Name": NOT_QUEUED, "Unit": "Count"}]
    assert isinstance(line["_aws"]["Timestamp"], int)
    assert line["service"] == "order" and line[NOT_QUEUED] == [1.0] and line["kind"] == "order_receipt"
    assert receipt.to not in printed and receipt.to not in caplog.text


def test_a_mail_queued_is_not_counted(in_lambda: None, capsys: pytest.CaptureFixture[str]) -> None:
    assert send_quietly(Accepting(), a_receipt(), "CJ-ORDER-1") is True
    assert emf_lines(capsys.readouterr().out) == []


def test_outside_lambda_nothing_is_printed(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    # Given no metrics namespace (tests, the local stack): there is no CloudWatch to tell
    monkeypatch.delenv("POWERTOOLS_METRICS_NAMESPACE", raising=False)
    assert send_quietly(Refusing(), a_receipt(), "CJ-ORDER-1") is False
    assert capsys.readouterr().out == ""


def test_a_queue_that_is_not_there_counts_each_lost_mail(
    aws: None, in_lambda: None, capsys: pytest.CaptureFixture[str]
) -> None:
    # Given the real queue mailer pointed at a queue that does not exist (moto)
    sqs = boto3.session.Session(region_name=REGION).client("sqs")
    url = f"https://sqs.{REGION}.amazonaws.com/123456789012/gone-{uuid.uuid4().hex[:8]}"
    mailer = QueueMailer(sqs, url)
    # When two mails of one request are sent (the second is skipped at once: the queue just failed)
    assert send_quietly(mailer, rendered("sign_in_link"), "link") is False
    assert send_quietly(mailer, a_receipt(), "CJ-ORDER-1") is False
    # Then both are counted, each with its kind
    kinds = [line["kind"] for line in emf_lines(capsys.readouterr().out)]
    assert kinds == ["sign_in_link", "order_receipt"]


# --- the alarms ------------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def template() -> dict[str, Any]:
    return load_template(ROOT / "template.yaml")


def alarms(template: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {k: v["Properties"] for k, v in template["Resources"].items() if v["Type"] == "AWS::CloudWatch::Alarm"}


def watched(alarm: dict[str, Any]) -> set[tuple[str, str, str]]:
    """(namespace, metric, service) of each metric an alarm's expression reads."""
    found = set()
    for query in alarm.get("Metrics", []):
        if "MetricStat" in query:
            metric = query["MetricStat"]["Metric"]
            (dimension,) = metric["Dimensions"]
            assert dimension["Name"] == "service"
            found.add((str(metric["Namespace"]), str(metric["MetricName"]), str(dimension["Value"])))
    return found


def senders(template: dict[str, Any]) -> set[str]:
    """The services of the functions that queue mail (their role may sqs:SendMessage)."""
    names = set()
    for resource in template["Resources"].values():
        if resource["Type"] != "AWS::Serverless::Function":
            continue
        statements = [s for p in resource["Properties"].get("Policies", []) for s in p["Statement"]]
        if any("sqs:SendMessage" in s["Action"] for s in statements):
            names.add(str(resource["Properties"]["Environment"]["Variables"]["POWERTOOLS_SERVICE_NAME"]))
    return names


def test_every_function_that_queues_mail_is_alarmed_on_mails_it_could_not_queue(template: dict[str, Any]) -> None:
    namespace = template["Globals"]["Function"]["Environment"]["Variables"]["POWERTOOLS_METRICS_NAMESPACE"]
    # The alert job does not send quietly: a digest it cannot queue stays pending and fails the run, which
    # AlertsFailedAlarm watches (test below).
    services = senders(template) - {"alerts"}
    assert services == {"inquiry", "register", "order"}
    alarm = alarms(template)["MailNotQueuedAlarm"]
    assert watched(alarm) == {(namespace, NOT_QUEUED, service) for service in services}
    # Every metric is summed, missing periods count as none, and one lost mail is enough
    (expression,) = [q for q in alarm["Metrics"] if "Expression" in q]
    assert all(f"FILL({q['Id']}, 0)" in expression["Expression"] for q in alarm["Metrics"] if "MetricStat" in q)
    assert alarm["ComparisonOperator"] == "GreaterThanThreshold" and alarm["Threshold"] == 0


def test_the_mail_function_s_failures_and_the_dead_letter_queue_are_alarmed(template: dict[str, Any]) -> None:
    # The mail function's own counts (functions/mail/app.py: Mails<Outcome>, service "mail")
    assert watched(alarms(template)["MailNotSentAlarm"]) == {
        ("CarJunction", "MailsFailed", "mail"),
        ("CarJunction", "MailsDropped", "mail"),
    }
    dlq = alarms(template)["MailDeadLetterAlarm"]
    assert dlq["Namespace"] == "AWS/SQS" and dlq["MetricName"] == "ApproximateNumberOfMessagesVisible"
    assert dlq["Dimensions"] == [{"Name": "QueueName", "Value": {"Fn::GetAtt": ["MailDeadLetterQueue", "QueueName"]}}]
    assert dlq["ComparisonOperator"] == "GreaterThanThreshold" and dlq["Threshold"] == 0


def test_every_alarm_tells_staff(template: dict[str, Any]) -> None:
    for name, alarm in alarms(template).items():
        assert alarm["AlarmActions"] == [{"Ref": "AlarmTopic"}], name
        assert alarm["TreatMissingData"] == "notBreaching", name
    subscription = template["Resources"]["AlarmSubscription"]["Properties"]
    assert subscription["TopicArn"] == {"Ref": "AlarmTopic"}
    assert subscription["Protocol"] == "email" and subscription["Endpoint"] == {"Ref": "StaffEmail"}


def test_the_alert_job_failing_is_alarmed(template: dict[str, Any]) -> None:
    # Given the alert job, which queues mail but stops (raises) rather than lose a digest quietly (its run through a
    # failing queue: tests/infra/test_iam.py)
    assert "alerts" in senders(template)
    # Then its function's errors are alarmed, so a run that fails is seen
    alarm = alarms(template)["AlertsFailedAlarm"]
    assert alarm["Namespace"] == "AWS/Lambda" and alarm["MetricName"] == "Errors"
    assert alarm["Dimensions"] == [{"Name": "FunctionName", "Value": {"Ref": "AlertsFunction"}}]
    assert alarm["ComparisonOperator"] == "GreaterThanThreshold" and alarm["Threshold"] == 0
    # Over at least the schedule's hour, so that one failed hourly run is not missed
    assert alarm["Period"] * alarm["EvaluationPeriods"] >= 3600
