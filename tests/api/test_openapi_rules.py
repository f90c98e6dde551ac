"""openapi.json says what the API really accepts: ports and countries from the shipping data, the e-mail rule
of its validation, the media types of each body, and the 405/415 answers. A request valid by the document is
accepted; what the API refuses, the document calls invalid."""

from __future__ import annotations

import re
import shutil
from http import HTTPStatus
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pydantic import EmailStr, TypeAdapter, ValidationError

from carjunction.api.accepts import FORM_BODY_ROUTES, FORM_TYPES, JSON
from carjunction.api.openapi import EMAIL_MAX_LENGTH, EMAIL_PATTERN, EMAIL_REFUSED, merged_openapi
from carjunction.catalogue.load import COMPANY_FILE, SHIPPING_FILE, load_shipping
from tests.support.api import ROOT, Api, event

DOCUMENT = merged_openapi(ROOT / "content")
SCHEMAS = DOCUMENT["components"]["schemas"]
SHIPPING, _ = load_shipping(ROOT / "content" / SHIPPING_FILE)
assert SHIPPING is not None
PORTS = sorted(port.code for port in SHIPPING.ports)
COUNTRIES = sorted(country.code for country in SHIPPING.countries)
ADDRESS = TypeAdapter(EmailStr)


def string_schema(schema: dict[str, Any]) -> dict[str, Any]:
    """The string branch of an optional field (anyOf [string, null]), or the schema itself."""
    branches: list[dict[str, Any]] = schema.get("anyOf", [schema])
    (branch,) = [s for s in branches if s.get("type") == "string"]
    return branch


def accepted_by_the_api(address: str) -> bool:
    try:
        ADDRESS.validate_python(address)
    except ValidationError:
        return False
    return True


def allowed_by_the_document(address: str) -> bool:
    return (
        len(address) <= EMAIL_MAX_LENGTH
        and re.fullmatch(EMAIL_PATTERN, address) is not None
        and re.search(EMAIL_REFUSED, address) is None
    )


# --- ports and countries ----------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("model", "field", "codes"),
    [
        ("MemberIn", "port", PORTS),
        ("MemberIn", "country", COUNTRIES),
        ("MemberPatch", "port", PORTS),
        ("MemberPatch", "country", COUNTRIES),
        ("OrderIn", "port", PORTS),
        ("InquiryIn", "country", COUNTRIES),
    ],
)
def test_request_ports_and_countries_are_enums_of_the_shipping_data(model: str, field: str, codes: list[str]) -> None:
    schema = string_schema(SCHEMAS[model]["properties"][field])
    assert schema["enum"] == codes
    assert "pattern" not in schema


def test_the_quote_s_port_parameter_is_the_same_enum() -> None:
    (port,) = [p for p in DOCUMENT["paths"]["/api/quote"]["get"]["parameters"] if p["name"] == "port"]
    assert port["schema"]["enum"] == PORTS


def test_no_code_pattern_is_left_for_a_generator_to_invent_ports_from() -> None:
    text = str(DOCUMENT)
    assert "^[A-Z]{2}[A-Z0-9]{3}$" not in text and "^[A-Z]{2}$" not in text


def test_adding_a_port_to_the_shipping_data_and_regenerating_documents_it(tmp_path: Path) -> None:
    # Given the shipping data with one more port (of a country already listed)
    content = tmp_path / "content"
    (content / "shipping").mkdir(parents=True)
    shutil.copy(ROOT / "content" / COMPANY_FILE, content / COMPANY_FILE)
    ports = (ROOT / "content" / SHIPPING_FILE).read_text(encoding="utf-8")
    extra = "  - {code: KELAU, name: Lamu, country: KE, freight_usd_per_m3: 61, insurance_rate_pct: 1.5}\n"
    (content / SHIPPING_FILE).write_text(ports.rstrip("\n") + "\n" + extra, encoding="utf-8")
    # When the document is generated from it
    document = merged_openapi(content)
    # Then the new port is one the document offers
    assert "KELAU" in string_schema(document["components"]["schemas"]["OrderIn"]["properties"]["port"])["enum"]
    assert "KELAU" not in PORTS


def test_every_port_of_the_document_gets_a_quote(api: Api) -> None:
    # Given a car in stock; when a quote is asked for each port the document offers; then every one is answered
    vehicle = api.add_vehicle()
    for port in PORTS:
        response = api.call("inquiry", event("GET", "/api/quote", query={"stock_no": vehicle.stock_no, "port": port}))
        assert response.status == HTTPStatus.OK, (port, response.body)


def test_a_port_outside_the_enum_is_refused(api: Api) -> None:
    vehicle = api.add_vehicle()
    response = api.call("inquiry", event("GET", "/api/quote", query={"stock_no": vehicle.stock_no, "port": "KEZZZ"}))
    assert response.status == HTTPStatus.UNPROCESSABLE_ENTITY


# --- e-mail -------------------------------------------------------------------------------------------------
def test_every_e_mail_field_states_the_rule() -> None:
    for model in ("InquiryIn", "MemberIn", "SignInLinkIn"):
        schema = SCHEMAS[model]["properties"]["email"]
        assert schema["pattern"] == EMAIL_PATTERN
        assert schema["not"] == {"pattern": EMAIL_REFUSED}
        assert schema["maxLength"] == EMAIL_MAX_LENGTH
        assert "format" not in schema


@settings(max_examples=400, derandomize=True, database=None, suppress_health_check=[HealthCheck.filter_too_much])
@given(st.from_regex(EMAIL_PATTERN, fullmatch=True).filter(allowed_by_the_document))
def test_every_address_the_document_allows_is_accepted_by_the_api_s_validation(address: str) -> None:
    assert accepted_by_the_api(address), address


@pytest.mark.parametrize(
    "address",
    [
        '"john smith"@example.com',  # quoted local part: JSON Schema's format "email" allows it
        "buyer@example.test",  # special-use domains (RFC 6761)
        "buyer@mail.invalid",
        "buyer@host.localhost",
        "buyer@service.onion",
        "buyer@printer.local",
        "buyer@1.in-addr.arpa",
        "buyer@[192.0.2.1]",  # an IP-address domain
        "buyer@localhost",  # one label
        "buyer@example.co1",  # the last label must end with a letter
        "buyer@ab--cd.com",  # "--" in a label's third and fourth places, not IDNA
        "buyer..two@example.com",
        "buyer@-example.com",
        "x" * 245 + "@example.com",  # over 254 characters
    ],
)
def test_addresses_the_api_refuses_are_outside_the_document(address: str) -> None:
    assert not accepted_by_the_api(address)
    assert not allowed_by_the_document(address)


@pytest.mark.parametrize("address", ["a@b.co", "first.last+tag@sub.example.com", "o'neil@xn--bcher-kva.ch", "x@1.io"])
def test_ordinary_addresses_are_in_both(address: str) -> None:
    assert accepted_by_the_api(address) and allowed_by_the_document(address)


# --- media types and methods ------------------------------------------------------------------------------
def test_bodies_are_documented_as_json_and_the_form_routes_as_forms_too() -> None:
    for path, item in DOCUMENT["paths"].items():
        for method, operation in item.items():
            if "requestBody" not in operation:
                continue
            types = set(operation["requestBody"]["content"])
            expected = {JSON, *FORM_TYPES} if (method.upper(), path) in FORM_BODY_ROUTES else {JSON}
            assert types == expected, (method, path)


def test_405_is_documented_everywhere_and_415_on_every_body_route() -> None:
    for item in DOCUMENT["paths"].values():
        for operation in item.values():
            responses = operation["responses"]
            assert "Allow" in responses["405"]["headers"]
            assert ("415" in responses) == ("requestBody" in operation)
