"""The alert job's Lambda entry point (functions/alerts/app.py), as AWS runs it: its settings from the environment
template.yaml gives it, its digests put on the mail queue with their once key, its counts published as metrics; and
a digest queued twice (a resumed run) reaching SES once through the mail function's claim. All on moto."""

from __future__ import annotations

import datetime as dt
import json
import uuid
from collections import Counter
from collections.abc import Iterator
from http import HTTPStatus
from pathlib import Path
from typing import Any

import pytest
from moto.core.models import DEFAULT_ACCOUNT_ID
from moto.ses.models import ses_backends

from carjunction.api.mail import SesMailer, email_from_json
from carjunction.api.queues import create_queues
from carjunction.api.send_mail import OnceClaims, send_batch
from carjunction.local.mail_queue import sqs_event
from tests.support.api import (
    REGION,
    ROOT,
    SITE,
    Api,
    LambdaContext,
    confirm_sign_up,
    event,
    fixed_clock,
    link_token,
    make_api,
    member_body,
)


@pytest.fixture
def alerts_app() -> Iterator[Any]:
    from functions.alerts import app  # noqa: PLC0415 - its import is part of what is tested

    app.state.clear()
    yield app
    app.state.clear()


def member_with_a_saved_search(api: Api) -> str:
    """A member who an hour ago confirmed their address and updates and saved a search for Toyotas; their e-mail."""
    api.deps.clock = fixed_clock(dt.datetime.now(dt.UTC) - dt.timedelta(hours=1))
    body = member_body()
    cookie = confirm_sign_up(api, body)
    assert api.call("register", event("PATCH", "/api/me", {"updates_opt_in": True}, cookie=cookie)).status == 200
    token = link_token(api, body["email"], "/members/updates/")
    assert api.call("register", event("POST", "/api/updates", {"token": token})).status == HTTPStatus.OK
    saved = api.call("register", event("POST", "/api/me/alerts", {"filters": {"make": "Toyota"}}, cookie=cookie))
    assert saved.status == HTTPStatus.CREATED, saved.body
    return str(body["email"])


def test_the_entry_point_queues_each_digest_once_keyed_and_publishes_its_counts(
    aws: None,
    tmp_path: Path,
    alerts_app: Any,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    # Given a member's saved search, a matching car listed since, and the function's environment (template.yaml)
    api = make_api(tmp_path)
    to = member_with_a_saved_search(api)
    api.add_vehicle(make="Toyota")
    sqs = api.session.client("sqs")
    tag = uuid.uuid4().hex[:8]
    queue = create_queues(
        sqs, ROOT / "template.yaml", {"MailQueue": f"mail-{tag}", "MailDeadLetterQueue": f"dlq-{tag}"}
    )
    settings = api.deps.settings
    environ = {
        "TABLE_NAME": settings.table_name,
        "COOKIE_SECRET_PARAMETER": settings.cookie_secret_parameter,
        "MAIL_QUEUE_URL": queue["MailQueue"],
        "SITE_ORIGIN": SITE,
        "CONTENT_DIR": str(ROOT / "content"),
        "POWERTOOLS_METRICS_NAMESPACE": "CarJunction",
    }
    for name, value in environ.items():
        monkeypatch.setenv(name, value)
    capsys.readouterr()
    # When the schedule invokes it
    counts = alerts_app.lambda_handler({"source": "aws.scheduler"}, LambdaContext())
    # Then one digest is on the mail queue, for the member, with a once key
    messages = sqs.receive_message(QueueUrl=queue["MailQueue"], MaxNumberOfMessages=10).get("Messages", [])
    (digest,) = [email_from_json(m["Body"]) for m in messages]
    assert digest.to == to and digest.kind == "alert_digest" and digest.once
    # And the run's counts are returned and published, one metric each, under the job's service
    assert counts["digests_queued"] == 1
    metrics = [json.loads(line) for line in capsys.readouterr().out.splitlines() if '"_aws"' in line]
    assert any(m.get("AlertsDigestsQueued") == [1.0] and m.get("service") == "alerts" for m in metrics)
    assert all(to not in json.dumps(m) for m in metrics)
    # And when the digest reaches the mail function twice (a resumed run re-queued it), SES sends it once
    arn = sqs.get_queue_attributes(QueueUrl=queue["MailQueue"], AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
    api.session.client("sesv2").create_email_identity(EmailIdentity="carjunction.com")
    ses = SesMailer(api.session.client("sesv2"), "info@carjunction.com")
    claims = OnceClaims(api.session.client("dynamodb"), settings.table_name)
    tally: Counter[str] = Counter()
    for _ in range(2):
        send_batch(sqs_event(messages, arn, REGION), ses, tally=tally, claims=claims)
    sent = ses_backends[DEFAULT_ACCOUNT_ID][REGION].sent_messages
    assert len([m for m in sent if m.destinations["ToAddresses"] == [to]]) == 1
    assert tally == Counter({"sent": 1, "duplicate": 1})


def test_the_entry_point_imports_nothing_heavy(alerts_app: Any) -> None:
    # The job's logic, boto3 and pydantic models load on the first event, not at import (a cold start's import)
    assert alerts_app.state == {}
    assert "run_alerts" not in vars(alerts_app) and "boto3" not in vars(alerts_app)
