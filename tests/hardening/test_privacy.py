"""The privacy policy's promises, checked against the code: the fields it names are exactly the fields the
API models and the forms collect, and erasure leaves nothing personal of the member in either table."""

from __future__ import annotations

import json
import re
import uuid
from http import HTTPStatus
from pathlib import Path
from typing import Any

from pydantic import BaseModel

from carjunction.api.schemas import AlertIn, InquiryIn, MemberIn, MemberPatch, OrderIn, Party
from tests.support.hardening import Api

ROOT = Path(__file__).resolve().parents[2]
POLICY = ROOT / "content" / "policy" / "privacy.md"
# "Saved" is the policy's "Saved search (alert)" rows: what a member sends to save a search.
FORMS: dict[str, type[BaseModel]] = {"Membership": MemberIn, "Inquiry": InquiryIn, "Order": OrderIn, "Saved": AlertIn}
# Fields that carry nothing about a person, each with the reason it is not in the policy's table:
NOT_PERSONAL = {
    "website",  # the honeypot: people never see or fill it, and a filled one is dropped unstored
    "idempotency_key",  # a random number the page makes per attempt, so a retry does not order twice
    "code",  # an invoice's verification code, typed on /invoices/check/
    "token",  # the one-time sign-in token from the e-mailed link (policy: "a one-time sign-in link")
    "sure",  # the "yes, erase me" confirmation box on the account page
}


def policy_fields() -> dict[str, dict[str, str]]:
    """{form: {field: what it is}} from the "What we collect" table."""
    found: dict[str, dict[str, str]] = {}
    for form, field, what in re.findall(
        r"^\| ([A-Z][a-z]+)[^|]*\| `([a-z_]+)` \| ([^|]+) \|", POLICY.read_text(), re.M
    ):
        found.setdefault(form, {})[field] = what
    return found


def model_fields(model: type[BaseModel]) -> set[str]:
    return set(model.model_fields) - NOT_PERSONAL


def test_every_field_the_api_models_collect_is_named_in_the_policy_and_nothing_more() -> None:
    # Given the policy's table and the request models of the three forms
    named = policy_fields()

    # Then each form's model collects exactly what the policy names for it
    assert set(named) == set(FORMS)
    for form, model in FORMS.items():
        assert model_fields(model) == set(named[form]), form
    # And correcting one's details collects nothing sign-up did not, and the consignee's parts are all named
    assert set(MemberPatch.model_fields) <= set(MemberIn.model_fields)
    for part in Party.model_fields:
        assert part in named["Order"]["consignee"]
        assert part in named["Order"]["notify_party"] or "consignee" in named["Order"]["notify_party"]


def test_every_field_of_every_page_form_is_named_in_the_policy() -> None:
    # Given every input, select and textarea of the buyer's pages
    pages = [path for path in (ROOT / "content").rglob("*.md") if "<form" in path.read_text(encoding="utf-8")]
    names = {
        name.split(".", 1)[0]
        for path in pages
        for name in re.findall(r'<(?:input|select|textarea)[^>]*\bname="([^"]+)"', path.read_text(encoding="utf-8"))
    }
    # Then each is in the policy's table, or carries nothing about a person
    named = {field for fields in policy_fields().values() for field in fields}
    assert len(pages) >= 5
    assert names - NOT_PERSONAL <= named, names - NOT_PERSONAL - named
    assert "email" in names


def personal_strings(member: dict[str, Any], order: dict[str, Any]) -> set[str]:
    consignee = order["consignee"]
    return {
        member["email"],
        member["email"].lower(),
        member["name"],
        member["telephone"],
        consignee["name"],
        consignee["address"],
        consignee["telephone"],
        "Question from the erased member",
    }


def test_erasure_leaves_no_personal_field_of_the_member_in_either_table(api: Api) -> None:
    # Given a member who corrected their details, asked a question and ordered a car
    tag = uuid.uuid4().hex[:8]
    cookie, member = api.sign_up(name=f"Erased Person {tag}", telephone="+81 90 1234 5678")
    patched = api.call("PATCH", "/api/me", {"telephone": "+81 90 8765 4321"}, cookie=cookie)
    assert patched.status == HTTPStatus.OK
    inquiry = {
        "name": member["name"],
        "email": member["email"],
        "telephone": "+81 90 8765 4321",
        "country": "TZ",
        "message": f"Question from the erased member {tag}",
    }
    assert api.call("POST", "/api/inquiries", inquiry, cookie=cookie).status == HTTPStatus.CREATED
    order: dict[str, Any] = {
        "stock_no": "CJ26047",
        "port": "KEMBA",
        "incoterm": "FOB",
        "consignee": {"name": f"Consignee {tag}", "address": f"{tag} Harbour Road", "telephone": "+254 733 123456"},
        "idempotency_key": uuid.uuid4().hex,
    }
    placed = api.call("POST", "/api/orders", order, cookie=cookie)
    assert placed.status == HTTPStatus.CREATED
    secrets = personal_strings(member, order) | {"+81 90 8765 4321"}
    before = json.dumps([api.items("DataTable"), api.items("IdempotencyTable")])
    # (the test can see them where they are stored)
    assert all(secret in before for secret in (member["email"], order["consignee"]["address"], "+81 90 8765 4321"))

    # When the member erases themselves
    assert api.call("DELETE", "/api/me", cookie=cookie).status == HTTPStatus.NO_CONTENT

    # Then neither table holds any of their personal fields, and the order itself is kept
    for table in ("DataTable", "IdempotencyTable"):
        text = json.dumps(api.items(table))
        left = sorted(secret for secret in secrets if secret in text)
        assert not left, f"{table} still holds {left}"
    assert placed.body["order_no"] in json.dumps(api.items("DataTable"))
