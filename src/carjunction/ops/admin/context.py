"""What every admin command needs, made once by the CLI and handed down."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field

from carjunction.api.mail import Mailer
from carjunction.api.store.db import Db
from carjunction.catalogue import Shipping
from carjunction.clock import utc_now

# The business promises an answer "within 24 to 48 hours": past the first an inquiry is due, past the
# second (company.yaml answer_within_hours) it is late.
ANSWER_DUE_HOURS = 24


@dataclass(frozen=True)
class Sending:
    """What mailing members needs: the key that signs their unsubscribe links, the site the links point to, and
    the mail queue the mail function sends from."""

    secret: bytes
    site_origin: str
    mailer: Mailer


@dataclass
class AdminContext:
    db: Db
    answer_within_hours: int = 48
    shipping: Shipping | None = None  # port names for the manifest; codes alone when absent
    clock: Callable[[], dt.datetime] = field(default=utc_now)
    company_name: str = "Car junction Co Ltd."
    # Made on first use: reading the cookie key (SSM) and finding the mail queue is needless for inquiries and
    # orders, and staff without SSM rights can still run those.
    connect_sending: Callable[[], Sending] | None = None
    _sending: Sending | None = field(default=None, init=False, repr=False)

    def sending(self) -> Sending:
        if self._sending is None:
            if self.connect_sending is None:
                raise AdminError("this command cannot send mail here: no mail queue or cookie key was given")
            self._sending = self.connect_sending()
        return self._sending

    def secret(self) -> bytes:
        return self.sending().secret

    @property
    def site_origin(self) -> str:
        return self.sending().site_origin

    @property
    def mailer(self) -> Mailer:
        return self.sending().mailer


class AdminError(Exception):
    """A one-line message for staff: unknown reference, a move the order's status does not allow, …"""
