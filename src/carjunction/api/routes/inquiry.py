"""The inquiry function: inquiries, quotes and live stock status."""

from __future__ import annotations

from http import HTTPStatus
from typing import Annotated

from aws_lambda_powertools.event_handler import APIGatewayHttpResolver, Response
from aws_lambda_powertools.event_handler.openapi.params import Query

from carjunction.api.deps import Deps
from carjunction.api.logic.create_inquiry import create_inquiry
from carjunction.api.logic.quote_vehicle import quote_vehicle, stock_status
from carjunction.api.routes.common import client_address, current_member, documented, json_response, new_resolver
from carjunction.api.schemas import InquiryIn, InquiryOut, PortCode, StockNo, StockStatusOut
from carjunction.catalogue import Incoterm, Quote


def build(deps: Deps) -> APIGatewayHttpResolver:
    app = new_resolver(deps)

    @app.post(
        "/api/inquiries",
        tags=["inquiries"],
        summary="Ask about a vehicle or in general",
        responses=documented(HTTPStatus.CREATED, "Stored; staff answer within the promised hours.", InquiryOut),
    )
    def post_inquiry(body: InquiryIn) -> Response[InquiryOut]:
        member = current_member(app, deps)
        return json_response(HTTPStatus.CREATED, create_inquiry(deps, body, member, client_address(app, deps)))

    @app.get("/api/quote", tags=["stock"], summary="The authoritative landed cost of a vehicle to a port")
    def get_quote(
        stock_no: Annotated[StockNo, Query()],
        port: Annotated[PortCode, Query()],
        incoterm: Annotated[Incoterm, Query()] = Incoterm.CIF,
    ) -> Response[Quote]:
        return json_response(HTTPStatus.OK, quote_vehicle(deps, stock_no, port, incoterm), cache="public, max-age=60")

    @app.get("/api/stock/status", tags=["stock"], summary="Stock numbers that are reserved or sold")
    def get_stock_status() -> Response[StockStatusOut]:
        return json_response(HTTPStatus.OK, stock_status(deps), cache="public, max-age=15")

    return app
