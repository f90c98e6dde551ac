"""content/company.yaml: the facts a buyer checks the exporter by are validated, and agree with the deploy."""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Any

import pytest
import yaml
from pydantic import ValidationError

from carjunction.api.settings import Settings
from carjunction.api.tables import load_template
from carjunction.catalogue.company import Company, corporate_number_check_digit

ROOT = Path(__file__).parents[2]
COMPANY_YAML = ROOT / "content" / "company.yaml"


def company_data(**changes: Any) -> dict[str, Any]:
    data: dict[str, Any] = yaml.safe_load(COMPANY_YAML.read_text(encoding="utf-8"))
    return {**data, **changes}


def test_the_shop_company_file_is_valid_and_names_its_trust_facts() -> None:
    # Given / When the real file is read
    company = Company.model_validate(company_data())
    # Then the buyer-facing facts are all there, and the site's own address and e-mail are official
    assert company.memberships and company.memberships[0].number
    assert company.email in company.official_emails
    assert company.website.host in company.official_domains
    assert company.contact_hours.days and company.contact_hours.consecutive


def test_the_corporate_number_check_digit_follows_the_tax_agency_rule() -> None:
    # Given the National Tax Agency's own published corporate number, 7000012050002
    # When its check digit is computed from the other twelve
    # Then it is the leading 7
    assert corporate_number_check_digit("000012050002") == 7


def test_a_mistyped_corporate_number_is_refused() -> None:
    # Given the sample number with one digit changed
    good = company_data()["corporate_number"]
    typo = good[:-1] + str((int(good[-1]) + 1) % 10)
    # When / Then
    with pytest.raises(ValidationError, match="check digit"):
        Company.model_validate(company_data(corporate_number=typo))


@pytest.mark.parametrize(
    ("changes", "problem"),
    [
        ({"official_emails": ["sales@carjunction.com"]}, "must include email"),
        ({"official_emails": ["info@carjunction.com", "pay@carjunction-jp.com"]}, "not on an official domain"),
        ({"official_domains": ["carjunction.com"]}, "not on an official domain"),  # the website is www.
        ({"official_domains": ["https://carjunction.com"]}, "domain name"),
    ],
)
def test_every_official_address_is_on_an_official_domain(changes: dict[str, Any], problem: str) -> None:
    # Given a company file whose lists disagree / When it is validated / Then it is refused, saying why
    with pytest.raises(ValidationError, match=problem):
        Company.model_validate(company_data(**changes))


@pytest.mark.parametrize(
    "hours",
    [
        {"days": ["tue", "mon"], "opens": "09:00", "closes": "18:00"},
        {"days": ["mon", "mon"], "opens": "09:00", "closes": "18:00"},
        {"days": ["mon"], "opens": "18:00", "closes": "09:00"},
        {"days": ["mon"], "opens": "9:00", "closes": "18:00"},
    ],
)
def test_contact_hours_are_in_week_order_and_open_before_closing(hours: dict[str, Any]) -> None:
    with pytest.raises(ValidationError):
        Company.model_validate(company_data(contact_hours=hours))


def test_the_reservation_days_the_pages_promise_are_the_apis() -> None:
    # Given the days company.yaml shows buyers, and the API's setting as the template and the example deploy give it
    shown = Company.model_validate(company_data()).reservation_days
    template = load_template(ROOT / "template.yaml")
    example = tomllib.loads((ROOT / "deploy" / "settings.example.toml").read_text(encoding="utf-8"))
    # Then all agree
    assert shown == template["Parameters"]["ReservationDays"]["Default"]
    assert shown == example["parameters"]["ReservationDays"]
    assert shown == Settings.model_fields["reservation_days"].default
