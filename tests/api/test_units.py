"""Unit tests without AWS: the cookie, the log redaction, settings, error mapping helpers, and logic with fakes."""

from __future__ import annotations

import datetime as dt
import logging
import uuid
from pathlib import Path
from typing import Any

import pytest

from carjunction.api import cookie
from carjunction.api.deps import Deps, load_static_content
from carjunction.api.errors import validation_fields
from carjunction.api.logic import make_ids
from carjunction.api.logic.create_inquiry import create_inquiry
from carjunction.api.logs import redact
from carjunction.api.mail import Email, OutboxMailer, render, send_quietly
from carjunction.api.schemas import InquiryIn
from carjunction.api.settings import Settings
from carjunction.api.store.db import Db, decode, encode
from tests.support.api import ROOT

NOW = 1_795_550_400
SECRET = b"k" * 32


def test_a_genuine_cookie_round_trips_and_any_change_is_refused() -> None:
    token = cookie.issue(SECRET, "abc123", 4, NOW)
    assert cookie.verify(SECRET, token, NOW + 60) == cookie.Claims("abc123", NOW, 4)
    tampered = [
        token.replace("abc123", "abc124"),
        token.replace(".4.", ".5."),
        token[:-1] + ("A" if token[-1] != "A" else "B"),
        "v2" + token[2:],
        token + ".x",
    ]
    for bad in tampered:
        assert cookie.verify(SECRET, bad, NOW) is None, bad
    assert cookie.verify(b"another key" * 3, token, NOW) is None


def test_a_cookie_expires_after_a_year_and_cannot_come_from_the_future() -> None:
    token = cookie.issue(SECRET, "abc123", 0, NOW)
    assert cookie.verify(SECRET, token, NOW + cookie.MAX_AGE_SECONDS - 1) is not None
    assert cookie.verify(SECRET, token, NOW + cookie.MAX_AGE_SECONDS) is None
    assert cookie.verify(SECRET, token, NOW - 10) is None


def test_the_member_cookie_is_read_from_the_event_s_cookie_list() -> None:
    assert cookie.read_cookie(["theme=dark", " member=abc.def"]) == "abc.def"
    assert cookie.read_cookie(["members=x"]) is None
    assert cookie.read_cookie(None) is None


def test_redaction_removes_email_addresses_and_international_numbers() -> None:
    line = 'write to a.b+c@example.co.ke or call +254 712-345 678, ref CJ-7K2M9DXA at "2026-11-24 20:00:00"'
    redacted = redact(line)
    assert "example.co.ke" not in redacted and "712" not in redacted
    assert "CJ-7K2M9DXA" in redacted and "2026-11-24 20:00:00" in redacted


def test_settings_come_from_the_environment_once() -> None:
    settings = Settings.from_env(
        {
            "TABLE_NAME": "data",
            "SITE_ORIGIN": "https://www.example.test",
            "COOKIE_SECRET_PARAMETER": "/x",
            "COOKIE_SECURE": "false",
            "RESERVATION_DAYS": "5",
            "UNRELATED": "ignored",
        }
    )
    assert (settings.table_name, settings.cookie_secure, settings.reservation_days) == ("data", False, 5)
    with pytest.raises(ValueError, match="site_origin"):
        Settings.from_env({"TABLE_NAME": "data", "SITE_ORIGIN": "www.example.test/", "COOKIE_SECRET_PARAMETER": "/x"})


def test_validation_errors_become_field_names() -> None:
    bad_json, fields = validation_fields(
        [
            {"type": "missing", "loc": ("body", "email"), "msg": "Field required"},
            {"type": "string_too_long", "loc": ("body", "consignee", "name"), "msg": "too long"},
        ]
    )
    assert not bad_json
    assert fields == {"email": "Field required", "consignee.name": "too long"}
    assert validation_fields([{"type": "json_invalid", "loc": ("body", 3), "msg": "x"}]) == (True, {})


def test_invoice_codes_are_long_grouped_and_unambiguous() -> None:
    codes = {make_ids.invoice_code() for _ in range(200)}
    assert len(codes) == 200
    for code in codes:
        groups = code.split("-")
        assert [len(g) for g in groups] == [4, 4, 4, 4]
        assert not set("ILOU") & set(code)


def test_attribute_values_round_trip() -> None:
    value = {"s": "x", "n": 3, "f": 1.25, "b": True, "none": None, "l": [1, "a"], "m": {"k": [False]}}
    assert decode(encode(value)) == value


def test_a_failing_mailer_is_logged_by_reference_only(caplog: pytest.LogCaptureFixture) -> None:
    class Failing:
        def send(self, email: Email) -> None:
            raise RuntimeError(f"rejected {email.to}")

    caplog.set_level(logging.WARNING)
    assert send_quietly(Failing(), Email(to="x@example.org", subject="s", body="b"), "Q-1234") is False
    assert "x@example.org" not in caplog.text
    assert caplog.records[0].about == "Q-1234"  # type: ignore[attr-defined]


def test_e_mail_words_come_from_template_files() -> None:
    email = render(
        "inquiry_receipt", "a@example.org", name="Ana", reference="Q-1", hours=48, company="C", company_email="c@x"
    )
    assert email.subject == "We received your inquiry (Q-1)"
    assert "48 hours" in email.body


# --- logic with small fakes ---------------------------------------------------------------------
class FakeDynamoDB:
    """Just the calls create_inquiry makes, kept in memory."""

    def __init__(self) -> None:
        self.items: list[dict[str, Any]] = []

    def update_item(self, **_: Any) -> dict[str, Any]:  # the rate-limit counter: always under the limit
        return {}

    def get_item(self, **_: Any) -> dict[str, Any]:
        return {}

    def put_item(self, Item: dict[str, Any], **_: Any) -> dict[str, Any]:
        self.items.append(Item)
        return {}


def fake_deps(tmp_path: Path) -> tuple[Deps, FakeDynamoDB, OutboxMailer]:
    settings = Settings(
        table_name="data",
        site_origin="https://s.test",
        cookie_secret_parameter="/x",  # noqa: S106 - a parameter name
        content_dir=ROOT / "content",
    )
    shipping, company = load_static_content(settings)
    client, outbox = FakeDynamoDB(), OutboxMailer(tmp_path)
    deps = Deps(
        settings=settings,
        db=Db(client, "data"),
        shipping=shipping,
        company=company,
        mailer=outbox,
        secret=lambda: SECRET,
        clock=lambda: dt.datetime(2026, 11, 24, 20, 0, tzinfo=dt.UTC),
    )
    return deps, client, outbox


def test_an_inquiry_is_stored_before_anyone_is_told(tmp_path: Path) -> None:
    deps, client, outbox = fake_deps(tmp_path)
    email = f"{uuid.uuid4().hex}@example.org"
    body = InquiryIn(name="Ana", email=email, country="TZ", message="Is it available?")
    out = create_inquiry(deps, body, None, "198.51.100.1")
    (item,) = client.items
    assert item["received_at"] == {"S": "2026-11-24T20:00:00Z"}
    assert item["reference"] == {"S": out.reference}
    assert [e.to for e in outbox.sent()] == [deps.settings.staff_email]


def test_a_honeypot_inquiry_is_neither_stored_nor_sent(tmp_path: Path) -> None:
    deps, client, outbox = fake_deps(tmp_path)
    body = InquiryIn(name="Bot", email="bot@example.org", country="TZ", message="Buy", website="http://x")
    out = create_inquiry(deps, body, None, "198.51.100.1")
    assert out.reference.startswith("Q-")
    assert client.items == []
    assert not tmp_path.exists() or outbox.sent() == []
