"""A member's own orders, and the public check of an invoice's verification code."""

from __future__ import annotations

from carjunction.api.deps import Deps
from carjunction.api.errors import NotFound
from carjunction.api.logic.limit_rate import limit_rate
from carjunction.api.schemas import BankOut, InvoiceCheckOut, OrderList, OrderOut
from carjunction.api.store import orders
from carjunction.api.store.db import Item


def list_orders(deps: Deps, member: Item) -> OrderList:
    items = orders.list_orders(deps.db, str(member["member_id"]))
    return OrderList(orders=[OrderOut.model_validate(item) for item in items])


def get_order(deps: Deps, member: Item, order_no: str) -> OrderOut:
    # Another member's order is "not found", not "forbidden": order numbers are not confirmed to strangers.
    item = orders.get_order(deps.db, str(member["member_id"]), order_no)
    if item is None:
        raise NotFound("No such order among yours.")
    return OrderOut.model_validate(item)


def check_invoice(deps: Deps, code: str, client_address: str) -> InvoiceCheckOut:
    limit_rate(deps, "invoice", client_address, deps.settings.invoice_checks_per_hour)
    item = orders.get_invoice(deps.db, code.upper())
    if item is None:
        raise NotFound("No invoice has this verification code. Do not pay it; contact us.")
    return InvoiceCheckOut(
        genuine=True,
        order_no=str(item["order_no"]),
        vehicle=str(item["vehicle"]),
        stock_no=str(item["stock_no"]),
        amount_usd=int(item["amount_usd"]),
        bank=BankOut.model_validate(deps.company.bank.model_dump()),
    )
