"""The business that runs the site: name, address, contact and bank details, from content/company.yaml.

Also what lets a buyer tell the real exporter from a fake one (shown beside every price and invoice): the
corporate number, export association memberships, the only domains and e-mail addresses used, and when
staff answer (Japan time).
"""

from __future__ import annotations

from enum import StrEnum
from typing import Self

from pydantic import BaseModel, ConfigDict, EmailStr, Field, HttpUrl, field_validator, model_validator


class Address(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    lines: list[str] = Field(min_length=1, max_length=4)
    city: str
    region: str
    postcode: str
    country: str

    @property
    def one_line(self) -> str:
        return ", ".join([*self.lines, self.city, f"{self.region} {self.postcode}", self.country])


class BankAccount(BaseModel):
    """The only account buyers pay into; invoices name it and the invoice check shows it."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    beneficiary: str
    bank_name: str
    branch: str
    swift: str = Field(pattern=r"^[A-Z0-9]{8}([A-Z0-9]{3})?$")
    account_no: str
    bank_address: str


class Membership(BaseModel):
    """An export association the company belongs to, and its member number there (a buyer can ask them)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    name: str = Field(min_length=1, max_length=40, description="Short name, as buyers know it, e.g. JUMVEA.")
    full_name: str = Field(min_length=1, max_length=200)
    number: str = Field(min_length=1, max_length=40)


class Weekday(StrEnum):
    MON = "mon"
    TUE = "tue"
    WED = "wed"
    THU = "thu"
    FRI = "fri"
    SAT = "sat"
    SUN = "sun"


HOUR_MINUTE = r"^([01][0-9]|2[0-3]):[0-5][0-9]$"


class ContactHours(BaseModel):
    """When staff answer the telephone and e-mail, in Japan time (UTC+9, no daylight saving)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    days: list[Weekday] = Field(min_length=1, max_length=7)
    opens: str = Field(pattern=HOUR_MINUTE, description="HH:MM, Japan time")
    closes: str = Field(pattern=HOUR_MINUTE, description="HH:MM, Japan time")

    @field_validator("days")
    @classmethod
    def in_week_order(cls, days: list[Weekday]) -> list[Weekday]:
        # The pages print the first to the last day; a jumbled or repeated list would print a wrong range.
        order = list(Weekday)
        if sorted(set(days), key=order.index) != days:
            raise ValueError("list each day once, from Monday to Sunday")
        return days

    @model_validator(mode="after")
    def opens_before_closing(self) -> Self:
        if self.opens >= self.closes:
            raise ValueError("opens must be before closes")
        return self

    @property
    def consecutive(self) -> bool:
        order = list(Weekday)
        return order.index(self.days[-1]) - order.index(self.days[0]) == len(self.days) - 1


def corporate_number_check_digit(base: str) -> int:
    """The leading check digit of a Japanese corporate number (National Tax Agency): 9 - (Σ Pn·Qn mod 9),
    Pn the n-th of the 12 base digits from the right, Qn 1 for odd n and 2 for even n."""
    total = sum(int(digit) * (1 if n % 2 else 2) for n, digit in enumerate(reversed(base), start=1))
    return 9 - total % 9


class Company(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    name: str
    short_name: str
    tagline: str
    address: Address
    email: EmailStr
    telephone: str
    website: HttpUrl
    answer_within_hours: int = Field(strict=True, ge=1, le=168)
    contact_hours: ContactHours
    corporate_number: str = Field(pattern=r"^[0-9]{13}$", description="Japan's 13-digit corporate number.")
    memberships: list[Membership] = Field(default_factory=list, max_length=10)
    official_domains: list[str] = Field(
        min_length=1, max_length=10, description="Every domain the company's pages and mail use; no other."
    )
    official_emails: list[EmailStr] = Field(min_length=1, max_length=10)
    reservation_days: int = Field(
        strict=True, ge=1, le=60, description="Days an order holds a car unpaid: ReservationDays of the deploy."
    )
    bank: BankAccount

    @field_validator("corporate_number")
    @classmethod
    def check_digit_matches(cls, number: str) -> str:
        # A typo in the number buyers look up would make a genuine exporter look fake.
        if int(number[0]) != corporate_number_check_digit(number[1:]):
            raise ValueError("the check digit (the first one) does not match; is a digit mistyped?")
        return number

    @field_validator("official_domains")
    @classmethod
    def domain_names(cls, domains: list[str]) -> list[str]:
        for domain in domains:
            labels = domain.split(".")
            if domain != domain.lower() or len(labels) < 2 or not all(labels) or "/" in domain or ":" in domain:
                raise ValueError(f"{domain!r} is not a lower-case domain name like example.com")
        return domains

    @model_validator(mode="after")
    def everything_official_is_listed(self) -> Self:
        # Buyers are told "only these"; the site's own address and e-mail must be among them.
        domains = set(self.official_domains)
        outside = [e for e in [self.email, *self.official_emails] if e.rpartition("@")[2].lower() not in domains]
        if self.website.host not in domains:
            outside.append(str(self.website))
        if self.email not in self.official_emails:
            raise ValueError(f"official_emails must include email ({self.email})")
        if outside:
            raise ValueError(f"not on an official domain: {', '.join(outside)}")
        return self
