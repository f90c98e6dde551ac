"""Take an inquiry: store it first, then tell staff and the buyer; a failed e-mail never loses it.

The buyer's receipt goes only to a signed-in member's stored (proven) address and quotes nothing typed into the
form: otherwise the form would let anyone make the company mail any text to any address."""

from __future__ import annotations

import datetime as dt

from carjunction.api.deps import Deps
from carjunction.api.errors import NotFound
from carjunction.api.languages import named
from carjunction.api.logic.limit_rate import limit_rate
from carjunction.api.logic.make_ids import inquiry_reference, normalise_email
from carjunction.api.logic.register_member import check_country
from carjunction.api.mail import render, send_quietly
from carjunction.api.schemas import InquiryIn, InquiryOut
from carjunction.api.store import inquiries, vehicles
from carjunction.api.store.db import Item
from carjunction.clock import iso


def create_inquiry(deps: Deps, body: InquiryIn, member: Item | None, client_address: str) -> InquiryOut:
    """The stored inquiry's reference. When the honeypot is filled, a decoy that looks the same: nothing is
    stored or sent, and a bot learns nothing."""
    limit_rate(deps, "inquiry", client_address, deps.settings.inquiries_per_hour)
    check_country(deps, body.country)
    if body.website:
        hours = deps.company.answer_within_hours
        return InquiryOut(reference=inquiry_reference(), received_at=iso(deps.clock()), answer_within_hours=hours)
    vehicle_title = "(general inquiry)"
    if body.stock_no:
        vehicle = vehicles.get_vehicle(deps.db, body.stock_no)
        if vehicle is None:
            # 404 like the quote's: the number has the right form, there is just no such car (any more)
            raise NotFound("Unknown stock number.", {"stock_no": "is not a vehicle in our stock"})
        vehicle_title = f"{vehicle.get('title', body.stock_no)} ({body.stock_no})"
    now = deps.clock()
    received_at = iso(now)
    reference = inquiry_reference()
    inquiries.put_inquiry(
        deps.db,
        {
            "reference": reference,
            "received_at": received_at,
            "member_id": member["member_id"] if member else None,
            "name": body.name,
            "email": str(body.email),
            "telephone": body.telephone,
            "country": body.country,
            "stock_no": body.stock_no,
            "message": body.message,
            "language": body.language.value,
            "status": "new",
            "expires_at": int((now + dt.timedelta(days=deps.settings.inquiry_retention_days)).timestamp()),
        },
        normalise_email(str(body.email)),
    )
    company, hours = deps.company, deps.company.answer_within_hours
    staff = render(
        "inquiry_staff",
        deps.settings.staff_email,
        reply_to=str(body.email),
        reference=reference,
        hours=hours,
        received_at=received_at,
        vehicle=vehicle_title,
        country=body.country,
        name=body.name,
        email=str(body.email),
        telephone=body.telephone or "-",
        buyer_language=named(body.language),
        message=body.message,
    )
    send_quietly(deps.mailer, staff, reference)
    if member is not None:
        # In the language of the page the inquiry came from: the one the buyer is reading now.
        receipt = render(
            "inquiry_receipt",
            str(member["email"]),
            language=body.language,
            name=member["name"],
            reference=reference,
            hours=hours,
            company=company.name,
            company_email=str(company.email),
        )
        send_quietly(deps.mailer, receipt, reference)
    return InquiryOut(reference=reference, received_at=received_at, answer_within_hours=hours)
