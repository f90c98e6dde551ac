"""Bad input on every field of every route with a body, over HTTP through the local stack: each is answered
with the documented 4xx, and a 422 names the field (dotted for nested ones). Nothing is stored by a refusal."""

from __future__ import annotations

import json
import uuid
from http import HTTPStatus
from typing import Any

import pytest

from tests.support.hardening import Api

SCRIPT = "<script>alert('x')</script>"
WRONG_TYPES: list[Any] = [123, 1.5, True, None, [], {}, ["KE"]]
ODD_EMAILS = ["plain", "a@b", "@example.com", "a b@example.com", "a@example..com", f"{SCRIPT}@example.com", "a" * 300]
ODD_PHONES = ["abc", "+", "12345", "1" * 40, f"+254 {SCRIPT}", "+254\n712345678", "☎ 0712345678"]
TOO_LONG = "x" * 5000
CODES = ["<b>KE</b>", "K", "KEN", "1E", SCRIPT]
# Only the six codes are a language: no other language, no case or region variant, nothing to store instead.
LANGUAGES = ["de", "FR", "en-US", "fr ", "", "english", SCRIPT, TOO_LONG]

# route -> (a valid body, {field: values that must be refused})
ROUTES: dict[tuple[str, str], tuple[dict[str, Any], dict[str, list[Any]]]] = {
    ("POST", "/api/inquiries"): (
        {"name": "Bad Input", "email": "bad@example.com", "country": "KE", "message": "Hello", "stock_no": "CJ26001"},
        {
            "name": ["", "   ", "n" * 121, TOO_LONG],
            "email": ODD_EMAILS,
            "telephone": ODD_PHONES,
            "country": CODES,
            "stock_no": ["", "x", "CJ 26001", SCRIPT, "C" * 30],
            "message": ["", "   ", "m" * 4001],
            "website": ["w" * 201],
            "language": LANGUAGES,
        },
    ),
    ("POST", "/api/members"): (
        {
            "name": "Bad Input",
            "telephone": "+254 712 345678",
            "email": "m@example.com",
            "country": "KE",
            "port": "KEMBA",
        },
        {
            "name": ["", "n" * 121],
            "telephone": [*ODD_PHONES, ""],
            "email": ODD_EMAILS,
            "country": CODES,
            "port": ["", "KEMB", "KEMBAA", SCRIPT],
            "updates_opt_in": ["maybe", [], {}],
            "language": LANGUAGES,
        },
    ),
    ("POST", "/api/session/link"): ({"email": "link@example.com"}, {"email": ODD_EMAILS}),
    ("POST", "/api/session"): ({"token": "t" * 40}, {"token": ["short", "t" * 101, SCRIPT + "t" * 20, "t" * 30 + " "]}),
    ("PATCH", "/api/me"): (
        {"name": "Patched"},
        {
            "name": ["", "n" * 121],
            "telephone": ODD_PHONES,
            "country": CODES,
            "port": ["KEMB", SCRIPT],
            "language": LANGUAGES,
        },
    ),
    ("POST", "/api/orders"): (
        {
            "stock_no": "CJ26001",
            "port": "KEMBA",
            "incoterm": "CIF",
            "consignee": {"name": "Bad Input Ltd", "address": "1 Road"},
            "idempotency_key": "k" * 16,
        },
        {
            "stock_no": ["", SCRIPT],
            "port": ["", SCRIPT],
            "incoterm": ["DDP", "cif ", "", SCRIPT],
            "consignee": ["", "name", []],
            "consignee.name": ["", "n" * 121],
            "consignee.address": ["", "a" * 401],
            "consignee.telephone": ODD_PHONES,
            "notify_party.name": [""],
            "idempotency_key": ["short", "k" * 65, "k" * 10 + " ", SCRIPT],
        },
    ),
}
# Fields a body may leave out (or, for a correction, send as null: "leave it as it is").
OPTIONAL = {("POST", "/api/inquiries"): {"telephone", "stock_no", "website"}, ("PATCH", "/api/me"): {"name"}}


def with_value(body: dict[str, Any], field: str, value: Any) -> dict[str, Any]:
    changed: dict[str, Any] = json.loads(json.dumps(body))
    *parents, last = field.split(".")
    target = changed
    for part in parents:
        target = target.setdefault(part, {"name": "N", "address": "A"})
    target[last] = value
    return changed


def cases() -> list[Any]:
    found = []
    for (method, path), (valid, fields) in ROUTES.items():
        for field, values in fields.items():
            top_level = "." not in field
            extra = WRONG_TYPES if top_level else [5, []]
            for value in [*values, *extra]:
                if isinstance(value, bool) and field == "updates_opt_in":
                    continue  # a boolean is right there
                optional = field in OPTIONAL.get((method, path), set()) or path == "/api/me"
                if value is None and (optional or field in {"telephone", "notify_party.name"}):
                    continue
                found.append(
                    pytest.param((method, path, valid, field, value), id=f"{method} {path} {field}={value!r:.20}")
                )
            if top_level and field in valid and field not in OPTIONAL.get((method, path), set()):
                found.append(pytest.param((method, path, valid, field, ...), id=f"{method} {path} {field} missing"))
    return found


@pytest.fixture(scope="module")
def cookie(api: Api) -> str:
    return api.sign_up()[0]


@pytest.mark.parametrize("case", cases())
def test_a_bad_value_is_refused_naming_its_field(api: Api, cookie: str, case: tuple[Any, ...]) -> None:
    method, path, valid, field, value = case
    # Given a body that is right except for one field (missing when the value is ...)
    body = with_value(valid, field, value) if value is not ... else {k: v for k, v in valid.items() if k != field}
    before = len(api.items())
    # When it is sent
    answer = api.call(method, path, body, cookie=cookie)
    # Then it is refused with 422, the field is named, and nothing was stored
    assert answer.status == HTTPStatus.UNPROCESSABLE_ENTITY, (answer.status, answer.raw[:300])
    named = answer.body["error"]["fields"]
    assert any(name == field or name.startswith(field + ".") or field.startswith(name + ".") for name in named), named
    assert len(api.items()) == before


@pytest.mark.parametrize(("method", "path"), list(ROUTES))
def test_unknown_fields_bad_json_bad_utf8_and_big_bodies_are_refused(
    api: Api, cookie: str, method: str, path: str
) -> None:
    valid = ROUTES[(method, path)][0]
    unknown = f"price_usd_{uuid.uuid4().hex[:6]}"
    # When a body has an unknown field, then 422 naming it
    answer = api.call(method, path, {**valid, unknown: 1}, cookie=cookie)
    assert answer.status == HTTPStatus.UNPROCESSABLE_ENTITY
    assert unknown in answer.body["error"]["fields"]
    # When it is not JSON, or not an object, then 400 or 422 with the error shape
    for raw in [b"{", b"{'a': 1}", b"nul", b"[1, 2]", b'"text"', b"", b"\x00"]:
        answer = api.call(method, path, raw=raw, cookie=cookie)
        assert answer.status in {HTTPStatus.BAD_REQUEST, HTTPStatus.UNPROCESSABLE_ENTITY}, (raw, answer.raw[:200])
        assert answer.body["error"]["code"]
    # When it is not UTF-8, then 400
    answer = api.call(method, path, raw=b'{"name": "\xff\xfe"}', cookie=cookie)
    assert answer.status == HTTPStatus.BAD_REQUEST
    # When it is over 16 KB (valid JSON or not), then 413
    for raw in [json.dumps({**valid, "message": "x" * 17_000}).encode(), b"x" * 16_385]:
        answer = api.call(method, path, raw=raw, cookie=cookie)
        assert answer.status == HTTPStatus.REQUEST_ENTITY_TOO_LARGE
