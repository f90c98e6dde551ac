"""The authoritative landed cost, from the catalogue copy in DynamoDB and the packaged ports data."""

from __future__ import annotations

from carjunction.api.deps import Deps
from carjunction.api.errors import Invalid, NotFound
from carjunction.api.schemas import StockStatusOut
from carjunction.api.store import vehicles
from carjunction.api.store.db import Item
from carjunction.catalogue import Incoterm, Quote, Vehicle, quote


def load_vehicle(deps: Deps, stock_no: str) -> tuple[Vehicle, Item]:
    item = vehicles.get_vehicle(deps.db, stock_no)
    if item is None or item.get("status") == "withdrawn":
        raise NotFound("No vehicle with this stock number.", {"stock_no": "is not a vehicle in our stock"})
    return Vehicle.model_validate_json(str(item["data"])), item


def quote_for(deps: Deps, vehicle: Vehicle, port_code: str, incoterm: Incoterm) -> Quote:
    try:
        port = deps.shipping.port(port_code)
        country = deps.shipping.country(port.country)
    except KeyError:
        raise Invalid("Unknown port.", {"port": "is not a port we ship to"}) from None
    return quote(vehicle, port, country, incoterm)


def quote_vehicle(deps: Deps, stock_no: str, port: str, incoterm: Incoterm) -> Quote:
    vehicle, _ = load_vehicle(deps, stock_no)
    return quote_for(deps, vehicle, port, incoterm)


def stock_status(deps: Deps) -> StockStatusOut:
    return StockStatusOut(
        reserved=vehicles.stock_numbers(deps.db, vehicles.RESERVED), sold=vehicles.stock_numbers(deps.db, vehicles.SOLD)
    )
