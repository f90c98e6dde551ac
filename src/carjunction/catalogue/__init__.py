"""The domain in pure Python: vehicles, ports, the landed-cost quote. No AWS, no MkDocs."""

from carjunction.catalogue.company import BankAccount, Company
from carjunction.catalogue.load import (
    Catalogue,
    load_catalogue,
    load_shipping,
    load_vehicle,
    load_vehicles,
)
from carjunction.catalogue.ports import Country, Inspection, Port, Shipping
from carjunction.catalogue.problems import CatalogueError, Problem
from carjunction.catalogue.quote import Incoterm, Quote, quote
from carjunction.catalogue.vehicle import BodyType, Drive, Fuel, Status, Steering, Transmission, Vehicle

__all__ = [
    "BankAccount",
    "BodyType",
    "Catalogue",
    "CatalogueError",
    "Company",
    "Country",
    "Drive",
    "Fuel",
    "Incoterm",
    "Inspection",
    "Port",
    "Problem",
    "Quote",
    "Shipping",
    "Status",
    "Steering",
    "Transmission",
    "Vehicle",
    "load_catalogue",
    "load_shipping",
    "load_vehicle",
    "load_vehicles",
    "quote",
]
