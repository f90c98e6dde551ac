"""What every admin command needs, made once by the CLI and handed down."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field

from carjunction.api.store.db import Db
from carjunction.catalogue import Shipping
from carjunction.clock import utc_now

# The business promises an answer "within 24 to 48 hours": past the first an inquiry is due, past the
# second (company.yaml answer_within_hours) it is late.
ANSWER_DUE_HOURS = 24


@dataclass
class AdminContext:
    db: Db
    answer_within_hours: int = 48
    shipping: Shipping | None = None  # port names for the manifest; codes alone when absent
    clock: Callable[[], dt.datetime] = field(default=utc_now)


class AdminError(Exception):
    """A one-line message for staff: unknown reference, a move the order's status does not allow, …"""
