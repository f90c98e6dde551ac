"""The business that runs the site: name, address, contact and bank details, from content/company.yaml."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, EmailStr, Field, HttpUrl


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
    bank: BankAccount
