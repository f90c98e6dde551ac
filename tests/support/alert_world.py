"""The alert job's tests' world: members, saved searches and cars written as the API and the catalogue sync write
them (the contract's layout), and a stand-in for the mail queue and the mail function's once-claims."""

from __future__ import annotations

import datetime as dt
import re
import threading
import uuid
from dataclasses import dataclass, field
from typing import Any

from carjunction.api.logic.alert_digest import Sender
from carjunction.api.logic.sync_catalogue import sync_catalogue
from carjunction.api.mail import Email
from carjunction.api.store.db import Db, to_item
from carjunction.catalogue import Catalogue, Vehicle
from carjunction.clock import iso
from tests.support.api import SITE, Api
from tests.support.factories import vehicle_data

T0 = dt.datetime(2026, 12, 1, 8, 0, tzinfo=dt.UTC)
HOUR = dt.timedelta(hours=1)
VANS = {"make": "Toyota", "body": "van"}
VEHICLE_LINK = re.compile(r"/vehicles/([A-Z0-9-]+)/")


@dataclass
class OnceOutbox:
    """Stands in for the queue and the mail function: a mail whose ``once`` key was delivered before is dropped,
    as the mail function's claim drops it. ``fail_after`` sends succeed, then the queue fails; with
    ``lose_answer`` the failing send is delivered but its caller hears an error (a run dying right after the put).
    """

    delivered: list[Email] = field(default_factory=list)
    claimed: set[str] = field(default_factory=set)
    fail_after: int | None = None
    lose_answer: bool = False
    puts: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)  # the job sends from several threads

    def send(self, email: Email) -> None:
        with self.lock:
            self.puts += 1
            failing = self.fail_after is not None and self.puts > self.fail_after
            if failing and not self.lose_answer:
                raise ConnectionError("queue down")
            assert email.once, "every alert digest goes at most once"
            if email.once not in self.claimed:
                self.claimed.add(email.once)
                self.delivered.append(email)
            if failing:
                raise ConnectionError("the answer was lost")

    def to(self, address: str) -> list[Email]:
        return [e for e in self.delivered if e.to == address]


class OneCallAtATime:
    """The DynamoDB client with one call at a time: moto's tables are not thread-safe (DynamoDB is), and the job
    sends from several threads. The threads still interleave between calls, as they do in AWS."""

    def __init__(self, client: Any) -> None:
        self._client = client
        self._lock = threading.Lock()

    def __getattr__(self, name: str) -> Any:
        method = getattr(self._client, name)

        def call(*args: Any, **kwargs: Any) -> Any:
            with self._lock:
                return method(*args, **kwargs)

        return call


def sender(api: Api, mailer: OnceOutbox, workers: int = 8) -> Sender:
    db = Db(OneCallAtATime(api.deps.db.client), api.deps.db.table)
    return Sender(db, mailer, api.deps.secret, SITE, api.deps.company.name, workers=workers)


def add_member(api: Api, *, language: str = "en", confirmed: bool = True, opt_in: bool = True) -> dict[str, Any]:
    """A member's profile as sign-up and the updates opt-in leave it."""
    member_id = uuid.uuid4().hex[:16]
    member = {
        "pk": f"MEMBER#{member_id}",
        "sk": "PROFILE",
        "gsi1pk": "MEMBER",
        "gsi1sk": f"{iso(T0 - 48 * HOUR)}#{member_id}",
        "member_id": member_id,
        "email": f"buyer-{member_id}@example.org",
        "email_key": f"buyer-{member_id}@example.org",
        "name": "Amani Otieno",
        "confirmed": confirmed,
        "updates_opt_in": opt_in,
        "language": language,
        "session_epoch": 1,
    }
    api.deps.db.client.put_item(TableName=api.deps.db.table, Item=to_item(member))
    return member


def add_alert(
    api: Api, member: dict[str, Any], filters: dict[str, Any], *, at: dt.datetime = T0, name: str = "Vans"
) -> str:
    """A saved search as store.alerts writes it (the contract's layout)."""
    alert_id = "".join(uuid.uuid4().hex[i] for i in range(8)).replace("i", "j")
    created = iso(at)
    item = {
        "pk": member["pk"],
        "sk": f"ALERT#{alert_id}",
        "gsi1pk": "ALERT",
        "gsi1sk": f"{created}#{member['member_id']}#{alert_id}",
        "alert_id": alert_id,
        "member_id": member["member_id"],
        "name": name,
        "filters": filters,
        "paused": False,
        "created_at": created,
    }
    api.deps.db.client.put_item(TableName=api.deps.db.table, Item=to_item(item))
    return alert_id


def list_car(api: Api, at: dt.datetime, **changes: Any) -> Vehicle:
    """A car staff add, as the catalogue sync at ``at`` copies it."""
    vehicle = Vehicle.model_validate(vehicle_data(**changes))
    sync_catalogue(
        api.deps.db, Catalogue((vehicle,), api.catalogue.shipping, api.catalogue.company), at, complete=False
    )
    return vehicle


def cars_in(mail: Email) -> list[str]:
    return VEHICLE_LINK.findall(mail.body)
