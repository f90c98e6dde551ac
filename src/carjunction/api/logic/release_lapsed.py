"""Free reservations whose payment deadline has passed; run on a schedule."""

from __future__ import annotations

import datetime as dt
import logging

from carjunction.api.store import orders, vehicles
from carjunction.api.store.db import Db
from carjunction.clock import iso

log = logging.getLogger(__name__)


def release_lapsed(db: Db, now: dt.datetime) -> list[str]:
    """Stock numbers released now; a reservation paid or released meanwhile is left alone."""
    now_iso = iso(now)
    released = [
        stock_no for stock_no in vehicles.lapsed_reservations(db, now_iso) if orders.release(db, stock_no, now_iso)
    ]
    log.info("released lapsed reservations", extra={"released": len(released)})
    return released
