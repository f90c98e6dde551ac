"""Every request and response body of the API, in one place. The OpenAPI document is generated from these."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, BeforeValidator, ConfigDict, EmailStr, Field, StrictBool, StringConstraints

from carjunction.api.alert_filters import StockFilters
from carjunction.api.languages import Language
from carjunction.catalogue import Incoterm, Quote

# One-line fields refuse control characters (C0, DEL, C1), the Unicode line and paragraph separators and the bidi
# overrides: a newline in a name would forge lines such as "E-mail: …" in the staff's mails, an override would
# show staff a name reversed. The message may hold newlines, nothing else.
ONE_LINE = r"^[^\x00-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069]*$"
LINES = r"^[^\x00-\x09\x0b-\x1f\x7f-\x9f]*$"


def _unix_newlines(value: object) -> object:
    # Browsers send a textarea's line breaks as CRLF in forms; one kind of newline is kept.
    return value.replace("\r\n", "\n") if isinstance(value, str) else value


Name = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=120, pattern=ONE_LINE)]
Telephone = Annotated[str, StringConstraints(strip_whitespace=True, pattern=r"^\+?[0-9 ()./-]{6,30}$")]
CountryCode = Annotated[str, StringConstraints(strip_whitespace=True, to_upper=True, pattern=r"^[A-Z]{2}$")]
PortCode = Annotated[str, StringConstraints(strip_whitespace=True, to_upper=True, pattern=r"^[A-Z]{2}[A-Z0-9]{3}$")]
StockNo = Annotated[str, StringConstraints(strip_whitespace=True, to_upper=True, pattern=r"^[A-Z0-9][A-Z0-9-]{2,19}$")]
Message = Annotated[
    str,
    StringConstraints(strip_whitespace=True, min_length=1, max_length=4000, pattern=LINES),
    BeforeValidator(_unix_newlines),  # listed last, so it runs before the constraints (pydantic wraps in order)
]
Address = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=400, pattern=ONE_LINE)]
LinkToken = Annotated[str, StringConstraints(min_length=20, max_length=100, pattern=r"^[A-Za-z0-9_-]+$")]
# One of the site's six language codes, nothing else: it picks the catalogue and the /fr/ of a mail's links.
LANGUAGE_OF_MAILS = "The language of the e-mails we send: one of the site's languages (en, fr, pt, es, ru, sw)."


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", str_max_length=4000)


# --- inquiries ----------------------------------------------------------------------------------
class InquiryIn(Strict):
    name: Name
    email: EmailStr
    telephone: Telephone | None = None
    country: CountryCode
    stock_no: StockNo | None = None
    message: Message
    language: Language = Field(
        default=Language.EN, description="The language of the page the inquiry was sent from; the receipt is in it."
    )
    website: Annotated[str, StringConstraints(max_length=200, pattern=ONE_LINE)] = Field(
        default="", description="Honeypot: people leave it empty; bots fill it."
    )


class InquiryOut(BaseModel):
    reference: str = Field(description="Quote this reference when writing to us about the inquiry.")
    received_at: str
    answer_within_hours: int


# --- members ------------------------------------------------------------------------------------
class MemberIn(Strict):
    name: Name
    telephone: Telephone
    email: EmailStr
    country: CountryCode
    port: PortCode = Field(description="Port of discharge, a code from the ports data.")
    updates_opt_in: StrictBool = Field(
        default=False, description="Notify me about updates to the website; confirmed by the sign-up link."
    )
    language: Language = Field(default=Language.EN, description=LANGUAGE_OF_MAILS)


class MemberPatch(Strict):
    name: Name | None = None
    telephone: Telephone | None = None
    country: CountryCode | None = None
    port: PortCode | None = None
    updates_opt_in: StrictBool | None = Field(
        default=None, description="true mails a link that switches updates on (double opt-in); false stops them."
    )
    language: Language | None = Field(default=None, description=LANGUAGE_OF_MAILS)


class MemberOut(BaseModel):
    member_id: str
    name: str
    telephone: str
    email: str
    country: str
    port: str
    updates_opt_in: bool = Field(description="Updates are on: asked for and confirmed by mail.")
    updates_pending: bool = Field(description="Asked for; the link that switches them on is in the member's mail.")
    language: Language = Field(description=LANGUAGE_OF_MAILS)
    created_at: str


class Accepted(BaseModel):
    status: str = Field(description="Always 'accepted'; details, if any, arrive by e-mail.")


class SignInLinkIn(Strict):
    email: EmailStr


class SessionIn(Strict):
    token: LinkToken


class SignedIn(BaseModel):
    member_id: str


class LinkPreview(BaseModel):
    email: str = Field(description="The address the link signs into, as stored.")
    purpose: str = Field(description="sign-up (confirms a new membership) or sign-in.")


class UpdatesIn(Strict):
    token: LinkToken


class UpdatesOut(BaseModel):
    updates_opt_in: bool


class UnsubscribeOut(BaseModel):
    status: str = Field(description="Always 'unsubscribed'.")
    scope: Literal["updates", "alerts"] = Field(
        description="updates: no update mail at all any more (a u1 link); alerts: the alerts the link named are "
        "paused (an a1 link from an alert mail)."
    )


# --- saved searches ("alerts") -------------------------------------------------------------------
AlertName = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=60, pattern=ONE_LINE)]
NUMBER_FILTERS = frozenset({"year_min", "year_max", "price_min", "price_max", "km_min", "km_max"})


def _json_types_only(value: object) -> object:
    # StockFilters validates in pydantic's lax mode, which would read "2015" and true as numbers, and the document
    # would then be wrong about what the API refuses: a number filter must be a JSON Schema integer (2015.0 is one),
    # the rest strings (null is "not set" for both). Anything else is left for StockFilters to refuse.
    if not isinstance(value, dict):
        return value
    for name, given in value.items():
        if given is None:
            continue
        if name in NUMBER_FILTERS:
            wanted = (isinstance(given, int) and not isinstance(given, bool)) or (
                isinstance(given, float) and given.is_integer()
            )
        else:
            wanted = isinstance(given, str)
        if not wanted:
            kind = "an integer" if name in NUMBER_FILTERS else "a string"
            raise ValueError(f"{name} must be {kind}")
    return value


class AlertIn(Strict):
    name: AlertName | None = Field(
        default=None, description="1-60 characters on one line; made from the filters when left out."
    )
    filters: Annotated[StockFilters, BeforeValidator(_json_types_only)] = Field(
        description="The stock page's filters, as its URL names them; no filter at all means every new car."
    )


class AlertPatch(Strict):
    name: AlertName | None = None
    paused: StrictBool | None = Field(default=None, description="true: no mail for this alert until it is false.")


class AlertOut(BaseModel):
    alert_id: str
    name: str
    filters: dict[str, str | int] = Field(description="The filters that are set, as StockFilters names them.")
    paused: bool
    created_at: str
    query: str = Field(description="The stock page's URL query for these filters, e.g. make=Toyota&body=suv.")


class AlertList(BaseModel):
    alerts: list[AlertOut] = Field(description="Oldest first.")
    limit: int = Field(description="How many alerts a member may keep.")
    updates: Literal["on", "pending", "off"] = Field(
        description="The member's updates opt-in: alert mails go only when it is on (asked and confirmed by mail)."
    )


# --- orders -------------------------------------------------------------------------------------
class Party(Strict):
    """Consignee or notify party, as printed on the bill of lading."""

    name: Name
    address: Address
    telephone: Telephone | None = None


class OrderIn(Strict):
    stock_no: StockNo
    port: PortCode
    incoterm: Incoterm
    consignee: Party
    notify_party: Party | None = None
    idempotency_key: Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9_-]{8,64}$")] = Field(
        description="A fresh random key per order attempt; a retry with the same key returns the same order."
    )


class StatusChange(BaseModel):
    status: str
    at: str


class BankOut(BaseModel):
    beneficiary: str
    bank_name: str
    branch: str
    swift: str
    account_no: str
    bank_address: str


class ProformaInvoice(BaseModel):
    invoice_no: str
    verification_code: str = Field(description="Anyone can check it at GET /api/invoices/{code}.")
    issued_at: str
    seller: str
    vehicle: str
    chassis_no: str
    quote: Quote
    amount_usd: int
    pay_by: str
    bank: BankOut


class Shipment(BaseModel):
    """Recorded by staff once the car is booked on a ship."""

    vessel: str
    voyage: str
    bl_no: str = Field(description="Bill of lading number.")
    recorded_at: str


class OrderOut(BaseModel):
    order_no: str
    status: str
    stock_no: str
    vehicle: str
    port: str
    incoterm: Incoterm
    quote: Quote
    reserved_until: str
    created_at: str
    consignee: Party
    notify_party: Party | None = None
    history: list[StatusChange]
    invoice: ProformaInvoice
    shipment: Shipment | None = None


class OrderList(BaseModel):
    orders: list[OrderOut]


class InvoiceCheckOut(BaseModel):
    genuine: bool
    order_no: str
    vehicle: str
    stock_no: str
    amount_usd: int
    bank: BankOut


# --- stock --------------------------------------------------------------------------------------
class StockStatusOut(BaseModel):
    reserved: list[str]
    sold: list[str]


class ExportOut(BaseModel):
    member: MemberOut
    inquiries: list[dict[str, str]]
    orders: list[OrderOut]
    alerts: list[AlertOut]


# --- errors -------------------------------------------------------------------------------------
class ErrorDetail(BaseModel):
    code: str = Field(description="Stable identifier to branch on, e.g. vehicle_unavailable.")
    message: str = Field(description="For developers; the site shows its own words for each code.")
    fields: dict[str, str] = Field(description="Field name (dotted for nested fields) → why it is not valid.")


class ErrorBody(BaseModel):
    error: ErrorDetail
