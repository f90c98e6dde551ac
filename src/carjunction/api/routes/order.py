"""The order function: reserve a car, read one's orders, and the public invoice check."""

from __future__ import annotations

from http import HTTPStatus
from typing import Annotated

from aws_lambda_powertools.event_handler import APIGatewayHttpResolver, Response
from aws_lambda_powertools.event_handler.openapi.params import Path

from carjunction.api.deps import Deps
from carjunction.api.logic.place_order import place_order
from carjunction.api.logic.read_orders import check_invoice, get_order, list_orders
from carjunction.api.routes.common import (
    MEMBER_ONLY,
    client_address,
    documented,
    json_response,
    new_resolver,
    require_member,
)
from carjunction.api.schemas import InvoiceCheckOut, OrderIn, OrderList, OrderOut
from carjunction.api.store.db import Item


def build(deps: Deps) -> APIGatewayHttpResolver:
    app = new_resolver(deps)

    def signed_in() -> Item:
        return require_member(app, deps, "Only members can order; sign in first.")

    @app.post(
        "/api/orders",
        tags=["orders"],
        summary="Reserve a vehicle (confirmed members, a capped number at once); idempotent by idempotency_key",
        security=MEMBER_ONLY,
        responses={
            **documented(HTTPStatus.CREATED, "Reserved; a replay of the same key returns the same order.", OrderOut),
            **documented(HTTPStatus.OK, "The member already holds this car: that order.", OrderOut),
        },
    )
    def post_order(body: OrderIn) -> Response[OrderOut]:
        placed = place_order(deps, signed_in(), body, client_address(app, deps), lambda_context=app.lambda_context)
        return json_response(HTTPStatus.CREATED if placed.created else HTTPStatus.OK, placed.order)

    @app.get("/api/orders", tags=["orders"], summary="The member's own orders", security=MEMBER_ONLY)
    def get_orders() -> Response[OrderList]:
        return json_response(HTTPStatus.OK, list_orders(deps, signed_in()))

    @app.get(
        "/api/orders/<order_no>",
        tags=["orders"],
        summary="One of the member's orders, with its history",
        security=MEMBER_ONLY,
    )
    def get_one_order(order_no: Annotated[str, Path(pattern=r"^CJ-[0-9A-Z]{8}$")]) -> Response[OrderOut]:
        return json_response(HTTPStatus.OK, get_order(deps, signed_in(), order_no))

    @app.get("/api/invoices/<code>", tags=["orders"], summary="Check an invoice's verification code")
    def get_invoice(
        code: Annotated[str, Path(pattern=r"^[0-9A-Za-z]{4}(-[0-9A-Za-z]{4}){3}$")],
    ) -> Response[InvoiceCheckOut]:
        return json_response(HTTPStatus.OK, check_invoice(deps, code, client_address(app, deps)))

    return app
