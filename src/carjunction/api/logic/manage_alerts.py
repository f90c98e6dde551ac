"""A member's saved searches ("alerts"): list, save, rename, pause, delete; and pausing them from a mail's link.

Mails about new cars that match go out from the alert job (logic.alert_digest), only while the member's updates
are on; here the member keeps the searches themselves.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Callable
from urllib.parse import urlencode

from pydantic import ValidationError

from carjunction.api.alert_filters import FILTER_NAMES, StockFilters
from carjunction.api.deps import Deps
from carjunction.api.errors import NotFound, NotSignedIn, TooManyAlerts, Unavailable
from carjunction.api.logic.make_ids import random_code
from carjunction.api.logic.update_mail import may_receive_updates
from carjunction.api.schemas import AlertIn, AlertList, AlertOut, AlertPatch
from carjunction.api.store import alerts, members
from carjunction.api.store.db import Item
from carjunction.clock import iso

MAX_ALERTS = 5
NAME_LENGTH = 60
ANY_CAR = "*"  # the made-up name of a search with no filter: every new car
# What a one-line name may not hold (schemas.ONE_LINE's complement): make and model allow a few of these.
NOT_ONE_LINE = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069]")
ACRONYMS = frozenset({"suv", "lpg", "cvt", "2wd", "4wd", "awd"})
STEERING = {"right": "RHD", "left": "LHD"}


def new_alert_id() -> str:
    return random_code(8).lower()


def filters_digest(values: dict[str, str | int]) -> str:
    """The same for the same search, whatever order its filters came in."""
    return hashlib.sha256(json.dumps(values, sort_keys=True).encode()).hexdigest()[:32]


def _code(value: str) -> str:
    return value.upper() if value in ACRONYMS else value.replace("_", " ").capitalize()


def _range(low: int | None, high: int | None, show: Callable[[int], str]) -> str:
    if low is not None and high is not None:
        return show(low) if low == high else f"{show(low)}–{show(high)}"
    if low is not None:
        return f"≥ {show(low)}"
    return f"≤ {show(high)}" if high is not None else ""


def default_name(filters: StockFilters) -> str:
    """A name made of the filters' values only, in no language: "Toyota Land Cruiser, SUV, ≤ US$ 20,000"."""
    codes = [_code(code.value) for code in (filters.body, filters.fuel, filters.transmission, filters.drive) if code]
    parts = [
        " ".join(value for value in (filters.make, filters.model) if value),
        f"“{filters.q}”" if filters.q else "",
        *codes,
        STEERING[filters.steering.value] if filters.steering else "",
        _range(filters.year_min, filters.year_max, str),
        _range(filters.price_min, filters.price_max, lambda usd: f"US$ {usd:,}"),
        _range(filters.km_min, filters.km_max, lambda km: f"{km:,} km"),
    ]
    name = NOT_ONE_LINE.sub("", ", ".join(part.strip() for part in parts if part.strip())).strip()
    if len(name) > NAME_LENGTH:
        name = name[: NAME_LENGTH - 1].rstrip(" ,") + "…"
    return name or ANY_CAR


def stock_query(values: dict[str, str | int]) -> str:
    """The stock page's query for stored filters; a filter no longer valid (a code the catalogue dropped) is
    still shown as it was saved rather than failing the member's whole list."""
    try:
        return StockFilters.model_validate(values).query()
    except ValidationError:
        return urlencode([(name, values[name]) for name in FILTER_NAMES if name in values])


def alert_out(item: Item) -> AlertOut:
    filters = {str(k): v for k, v in dict(item.get("filters") or {}).items()}
    return AlertOut(
        alert_id=str(item["alert_id"]),
        name=str(item["name"]),
        filters=filters,
        paused=bool(item.get("paused", False)),
        created_at=str(item["created_at"]),
        query=stock_query(filters),
    )


def updates_state(member: Item) -> str:
    if may_receive_updates(member):
        return "on"
    return "pending" if member.get("updates_pending") is True else "off"


def list_alerts(deps: Deps, member: Item) -> AlertList:
    found = alerts.member_alerts(deps.db, str(member["member_id"]))
    return AlertList.model_validate(
        {"alerts": [alert_out(item) for item in found], "limit": MAX_ALERTS, "updates": updates_state(member)}
    )


def _same_search(deps: Deps, member_id: str, values: dict[str, str | int]) -> Item | None:
    return next((a for a in alerts.member_alerts(deps.db, member_id) if a.get("filters") == values), None)


def create_alert(deps: Deps, member: Item, body: AlertIn) -> tuple[bool, AlertOut]:
    """(made now, the alert). Saving a search the member already has answers with that one: pressing the button
    twice, or on two tabs, is one alert. TooManyAlerts beyond MAX_ALERTS."""
    member_id = str(member["member_id"])
    values = body.filters.values()
    digest = filters_digest(values)
    existing = alerts.member_alerts(deps.db, member_id)
    same = next((a for a in existing if a.get("filters") == values), None)
    if same is not None:
        return False, alert_out(same)
    if len(existing) >= MAX_ALERTS:
        raise TooManyAlerts(f"A member keeps at most {MAX_ALERTS} alerts; delete one first.")
    name = body.name or default_name(body.filters)
    for _ in range(2):  # a second try only for an id already taken, one chance in 32⁸
        alert = {
            "alert_id": new_alert_id(),
            "member_id": member_id,
            "name": name,
            "filters": values,
            "paused": False,
            "created_at": iso(deps.clock()),
        }
        try:
            alerts.create_alert(deps.db, alert, digest, MAX_ALERTS)
        except alerts.AlertRefused:
            # Which of the conditions failed: read it back rather than guess.
            same = _same_search(deps, member_id, values)
            if same is not None:
                return False, alert_out(same)
            profile = members.get_member(deps.db, member_id)
            if profile is None:
                raise NotSignedIn("This membership no longer exists.") from None
            if int(profile.get("alert_count", 0)) >= MAX_ALERTS:
                raise TooManyAlerts(f"A member keeps at most {MAX_ALERTS} alerts; delete one first.") from None
            continue
        return True, alert_out(alert)
    raise Unavailable("The alert could not be saved; try again.")


def update_alert(deps: Deps, member: Item, alert_id: str, patch: AlertPatch) -> AlertOut:
    """Rename, pause or resume. Resuming forgets that a mail's link paused it."""
    changes = patch.model_dump(exclude_none=True)
    remove = ("unsubscribed_at",) if changes.get("paused") is False else ()
    updated = alerts.update_alert(deps.db, str(member["member_id"]), alert_id, changes, remove)
    if updated is None:
        raise NotFound("You have no such alert.")
    return alert_out(updated)


def delete_alert(deps: Deps, member: Item, alert_id: str) -> None:
    member_id = str(member["member_id"])
    found = alerts.get_alert(deps.db, member_id, alert_id)
    # Another member's alert is simply not found under this member's key: the same 404 as one that never was.
    if found is None or not alerts.delete_alert(deps.db, member_id, alert_id, filters_digest(found["filters"])):
        raise NotFound("You have no such alert.")


def pause_from_mail(deps: Deps, member_id: str, alert_ids: tuple[str, ...]) -> None:
    """A mail's one-click link: pause the alerts it names, of the member it names (the token binds the two)."""
    alerts.pause_alerts(deps.db, member_id, alert_ids, iso(deps.clock()))
