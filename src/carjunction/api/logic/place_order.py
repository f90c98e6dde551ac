"""Reserve a car for a member: one conditional transaction, idempotent by the client's key."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from carjunction.api.deps import Deps
from carjunction.api.errors import NotFound, ReservationLimitReached, VehicleUnavailable
from carjunction.api.languages import language_of, named
from carjunction.api.logic import make_ids
from carjunction.api.logic.limit_rate import limit_member, limit_rate
from carjunction.api.logic.quote_vehicle import load_vehicle, quote_for
from carjunction.api.mail import render, send_quietly
from carjunction.api.schemas import BankOut, OrderIn, OrderOut, ProformaInvoice, StatusChange
from carjunction.api.store import orders, vehicles
from carjunction.api.store.db import Item
from carjunction.catalogue import Vehicle
from carjunction.clock import iso

IDEMPOTENCY_WINDOW_SECONDS = 24 * 3600


@dataclass(frozen=True)
class Placed:
    order: OrderOut
    created: bool  # False: the member already held this car, and this is that order (a retry after a lost answer)


def place_order(deps: Deps, member: Item, body: OrderIn, client_address: str, lambda_context: Any = None) -> Placed:
    """The order; a replay of the same member's idempotency key returns the first answer.

    The mails go out after the outcome is stored, outside the idempotent section: a slow mail service can neither
    time an order out after its car was reserved, nor be asked twice by a replay.
    """
    request = {"member_id": member["member_id"], "order": body.model_dump(mode="json")}
    reserved_now: list[OrderOut] = []
    if deps.idempotency is None:
        outcome = reserve_or_find(deps, member, request, client_address, reserved_now)
    else:
        run: Callable[..., dict[str, str]] = deps.cache.get("place_order") or idempotent(deps)
        deps.cache["place_order"] = run
        if lambda_context is not None:
            # Lets Powertools expire an in-progress record with this invocation rather than after an hour.
            deps.cache["idempotency_config"].register_lambda_context(lambda_context)
        outcome = run(request=request, member=member, client_address=client_address, reserved_now=reserved_now)
    for order in reserved_now:
        notify(deps, member, order)
    # The order as stored now (after an erasure, with the consignee replaced): the idempotency record holds
    # only its number, so no personal field outlives erasure there.
    item = orders.get_order(deps.db, str(member["member_id"]), outcome["order_no"])
    if item is None:
        raise NotFound("No such order among yours.")
    return Placed(order=OrderOut.model_validate(item), created=outcome["created"] == "yes")


def idempotent(deps: Deps) -> Callable[..., dict[str, str]]:
    from aws_lambda_powertools.utilities.idempotency import IdempotencyConfig, idempotent_function  # noqa: PLC0415

    config = IdempotencyConfig(
        event_key_jmespath="[member_id, order.idempotency_key]",
        # The same key with a different order is a client bug, not a replay.
        payload_validation_jmespath="order",
        expires_after_seconds=IDEMPOTENCY_WINDOW_SECONDS,
    )
    deps.cache["idempotency_config"] = config

    def run(
        *, request: dict[str, Any], member: Item, client_address: str, reserved_now: list[OrderOut]
    ) -> dict[str, str]:
        return reserve_or_find(deps, member, request, client_address, reserved_now)

    wrapped: Callable[..., dict[str, str]] = idempotent_function(
        data_keyword_argument="request", persistence_store=deps.idempotency, config=config
    )(run)
    return wrapped


def reserve_or_find(
    deps: Deps, member: Item, request: dict[str, Any], client_address: str, reserved_now: list[OrderOut]
) -> dict[str, str]:
    """{"order_no", "created"}: a new reservation (appended to ``reserved_now``), or the one this member already
    holds on the car. Someone else's hold is VehicleUnavailable; a member at the cap, ReservationLimitReached.

    Rate-limited here, inside the idempotent section: a replay of a key already answered costs nothing and is
    not counted, so a page's retries after a lost answer never run into the limit."""
    limit_member(deps, "order", str(member["member_id"]), deps.settings.orders_per_hour)
    limit_rate(deps, "order", client_address, deps.settings.orders_per_hour)
    body = OrderIn.model_validate(request["order"])
    vehicle, live = load_vehicle(deps, body.stock_no)  # read once: who holds it, and what to reserve
    held = held_by(deps, member, live)
    if held is not None:
        return {"order_no": held, "created": "no"}
    try:
        order = reserve_vehicle(deps, member, body, vehicle, live)
    except VehicleUnavailable:
        # The member's own earlier attempt may have won the race: read the car again to tell.
        held = held_by(deps, member, vehicles.get_vehicle(deps.db, body.stock_no))
        if held is None:
            raise
        return {"order_no": held, "created": "no"}
    reserved_now.append(order)
    return {"order_no": order.order_no, "created": "yes"}


def held_by(deps: Deps, member: Item, live: Item | None) -> str | None:
    """The number of the member's order that holds the car (``live``, its item) now, if it is theirs and still an
    unpaid reservation."""
    if not live or live.get("reserved_member") != member["member_id"] or "sold_order" in live:
        return None
    order_no = str(live["reserved_by"])
    order = orders.get_order(deps.db, str(member["member_id"]), order_no)
    return order_no if order is not None and order.get("status") == "reserved" else None


def reserve_vehicle(deps: Deps, member: Item, body: OrderIn, vehicle: Vehicle, live: Item) -> OrderOut:
    if live.get("status") != "available" or "reserved_by" in live:
        raise VehicleUnavailable("This vehicle is reserved or sold.", {"stock_no": "is not available"})
    the_quote = quote_for(deps, vehicle, body.port, body.incoterm)
    now = deps.clock()
    created_at = iso(now)
    reserved_until = iso(now + dt.timedelta(days=deps.settings.reservation_days))
    keep_until = int((now + dt.timedelta(days=deps.settings.order_retention_days)).timestamp())
    order_no, code = make_ids.order_no(), make_ids.invoice_code()
    bank = BankOut.model_validate(deps.company.bank.model_dump())
    invoice = ProformaInvoice(
        invoice_no=order_no,
        verification_code=code,
        issued_at=created_at,
        seller=deps.company.name,
        vehicle=vehicle.title,
        chassis_no=vehicle.chassis_no,
        quote=the_quote,
        amount_usd=the_quote.total_usd,
        pay_by=reserved_until,
        bank=bank,
    )
    order = OrderOut(
        order_no=order_no,
        status="reserved",
        stock_no=vehicle.stock_no,
        vehicle=vehicle.title,
        port=body.port,
        incoterm=body.incoterm,
        quote=the_quote,
        reserved_until=reserved_until,
        created_at=created_at,
        consignee=body.consignee,
        notify_party=body.notify_party,
        history=[StatusChange(status="reserved", at=created_at)],
        invoice=invoice,
    )
    try:
        orders.reserve_and_place(
            deps.db,
            {
                "member_id": member["member_id"],
                "expires_at": keep_until,
                **order.model_dump(mode="json", exclude_none=True),
            },
            {
                "code": code,
                "expires_at": keep_until,
                "order_no": order_no,
                "stock_no": vehicle.stock_no,
                "vehicle": vehicle.title,
                "amount_usd": the_quote.total_usd,
            },
            deps.settings.max_open_reservations,
        )
    except orders.VehicleTaken:
        raise VehicleUnavailable("This vehicle is reserved or sold.", {"stock_no": "is not available"}) from None
    except orders.ReservationLimit:
        raise ReservationLimitReached(
            f"A member may hold {deps.settings.max_open_reservations} unpaid reservations at once; pay or cancel one "
            "first, or wait until one ends.",
            {"stock_no": "over the limit of open reservations"},
        ) from None
    return order


def notify(deps: Deps, member: Item, order: OrderOut) -> None:
    values: dict[str, Any] = {
        "order_no": order.order_no,
        "stock_no": order.stock_no,
        "vehicle": order.vehicle,
        "port": order.port,
        "incoterm": order.incoterm.value,
        "total_usd": order.quote.total_usd,
        "reserved_until": order.reserved_until,
        "code": order.invoice.verification_code,
        "hours": deps.company.answer_within_hours,
    }
    staff = render(
        "order_staff",
        deps.settings.staff_email,
        member_id=member["member_id"],
        name=member["name"],
        email=member["email"],
        telephone=member["telephone"],
        consignee=order.consignee.name,
        buyer_language=named(language_of(member)),
        **values,
    )
    send_quietly(deps.mailer, staff, order.order_no)
    receipt = render(
        "order_receipt",
        str(member["email"]),
        language=language_of(member),
        name=member["name"],
        company=deps.company.name,
        company_email=str(deps.company.email),
        **values,
    )
    send_quietly(deps.mailer, receipt, order.order_no)
