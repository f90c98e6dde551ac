"""Copy the staff-edited catalogue into DynamoDB, where orders and quotes read it. Called by deploy and the
local stack; never overwrites a live reservation (see store.vehicles.put_catalogue_entry)."""

from __future__ import annotations

import datetime as dt

from carjunction.api.store import vehicles
from carjunction.api.store.db import Db
from carjunction.catalogue import Catalogue
from carjunction.clock import iso, utc_now


def sync_catalogue(db: Db, catalogue: Catalogue, now: dt.datetime | None = None, *, complete: bool = True) -> int:
    """Copy every vehicle; with ``complete`` (the whole catalogue), vehicles whose file is gone are withdrawn."""
    synced_at = iso(now or utc_now())
    if complete:
        present = {vehicle.stock_no for vehicle in catalogue.vehicles}
        for stock_no in sorted(vehicles.synced_stock_numbers(db) - present):
            vehicles.withdraw(db, stock_no, synced_at)
    for vehicle in catalogue.vehicles:
        vehicles.put_catalogue_entry(
            db,
            vehicle.stock_no,
            status=vehicle.status.value,
            price_usd=vehicle.price_usd,
            data=vehicle.model_dump_json(),
            title=vehicle.title,
            synced_at=synced_at,
        )
    return len(catalogue.vehicles)
