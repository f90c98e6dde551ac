"""The alert job: new cars against the members' saved searches, one digest mail per member.

A car is new for a saved search when it is on offer (available, not reserved or sold), was first listed after the
search was saved (``listed_at``, kept by the catalogue sync) and was never put in a digest to that member. A member
gets at most one digest per ``DIGEST_HOURS``, with every new car matching any of their active searches, and only
while their address and their updates opt-in are confirmed.

Crash safety: a digest is written to the member's state item as pending, conditionally on the item's version, before
its mail is queued with ``Email.once`` = the digest's id; then it is marked sent. A run first re-queues every pending
digest it finds (the mail function drops a once-key it already sent), and a car in a digest, pending or sent, is
never put in another one for the same member.

Everything is read with a few paged queries (searches, members, listed cars) and batched reads of the states of the
members a new car matched; per-member work is one transaction, one queued mail and one update.
"""

from __future__ import annotations

import datetime as dt
import logging
import unicodedata
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from string import Template
from typing import Any

from pydantic import ValidationError

from carjunction.api import cookie
from carjunction.api.alert_filters import AlertMatcher, Car, StockFilters, car_from_vehicle
from carjunction.api.deps import Deps
from carjunction.api.languages import Language, in_language, language_of
from carjunction.api.logic.update_mail import UNSUBSCRIBE_PAGE, compose_update_mail
from carjunction.api.mail import Email, Mailer, email_from_json, email_to_json, source_text, translations
from carjunction.api.store import alert_state, members, vehicles
from carjunction.api.store.alert_state import AlertState, NotMailable, Pending, StateChanged
from carjunction.api.store.db import Db, Item
from carjunction.catalogue import Vehicle
from carjunction.clock import iso, parse_iso

log = logging.getLogger(__name__)

DIGEST_HOURS = 24
# A digest's cars; more wait for the next digest. Keeps a mail readable and the state item far below 400 KB.
MAX_CARS = 100
NAME_CHARS = 60  # an alert's name, as the API allows it
CAR_TEXT_CHARS = 80
TEMPLATE = "alert_digest"
ALERT_TEMPLATE = "alert_digest_alert"
CAR_TEMPLATE = "alert_digest_car"
VEHICLE_PAGE = "/vehicles/{stock_no}/"
# How each language groups thousands, as the site's pages write them (site.numbers, from Babel's data; the
# Lambda has no Babel). tests/api/test_alert_digest.py holds the two equal.
GROUP_MARKS: dict[Language, str] = {
    Language.EN: ",",
    Language.FR: "\u202f",
    Language.PT: ".",
    Language.ES: ".",
    Language.RU: "\xa0",
    Language.SW: ",",
}


@dataclass
class AlertRunSummary:
    """Counts only: the summary names no member, so it can be logged and published as metrics."""

    members_considered: int = 0  # members with an active saved search
    digests_queued: int = 0
    cars_listed: int = 0  # car lines across the digests queued
    pending_requeued: int = 0  # digests a crashed run left pending, queued again
    pending_dropped: int = 0  # pending digests of members no longer opted in: not sent
    skipped_not_opted_in: int = 0  # members with new matching cars whose address or opt-in is not confirmed
    skipped_within_24h: int = 0  # members with new matching cars who had a digest less than a day ago
    skipped_changed: int = 0  # members whose state another run changed meanwhile

    def lines(self) -> list[str]:
        return [f"{name.replace('_', ' ')}: {value}" for name, value in vars(self).items()]


class MailQueueFailed(RuntimeError):
    """A digest could not be queued; it stays pending and the next run queues it. Carries the run's summary."""

    def __init__(self, summary: AlertRunSummary) -> None:
        super().__init__("a digest could not be queued; the next run sends it")
        self.summary = summary


@dataclass(frozen=True)
class SavedSearch:
    member_id: str
    alert_id: str
    name: str
    created_at: str
    paused: bool
    filters: StockFilters


@dataclass(frozen=True)
class Listed:
    stock_no: str
    listed_at: str
    vehicle: Vehicle
    car: Car


@dataclass
class Sender:
    """What sending a digest needs; ``run_alerts`` takes it from Deps, the admin command from its context."""

    db: Db
    mailer: Mailer
    secret: Callable[[], bytes]
    site_origin: str
    company: str


def run_alerts(deps: Deps, *, now: dt.datetime | None = None) -> AlertRunSummary:
    sender = Sender(deps.db, deps.mailer, deps.secret, deps.settings.site_origin, deps.company.name)
    return run_alert_job(sender, now or deps.clock())


def run_alert_job(sender: Sender, now: dt.datetime) -> AlertRunSummary:
    """Re-queue what a crash left pending, then mail each member their new cars. MailQueueFailed if the queue fails
    (the run stops there; what it wrote is consistent)."""
    if not sender.site_origin:
        raise ValueError("the alert job needs the site's address (SITE_ORIGIN): its mails are all links")
    summary = AlertRunSummary()
    opted_in = {str(m["member_id"]): m for m in members.opted_in_members(sender.db)}
    resume_pending(sender, opted_in, summary)
    searches = saved_searches(sender.db)
    summary.members_considered = len({s.member_id for s in searches if not s.paused})
    send_digests(sender, opted_in, searches, now, summary)
    return summary


def resume_pending(sender: Sender, opted_in: dict[str, Item], summary: AlertRunSummary) -> None:
    for state in alert_state.get_states(sender.db, alert_state.pending_member_ids(sender.db)).values():
        if state.pending is None:
            continue  # settled since the index was read
        if state.member_id in opted_in:
            queue(sender.mailer, email_from_json(state.pending.email), summary)
            summary.pending_requeued += 1
        else:
            summary.pending_dropped += 1
        alert_state.settle(sender.db, state)


def queue(mailer: Mailer, email: Email, summary: AlertRunSummary) -> None:
    try:
        mailer.send(email)
    except Exception as error:
        log.warning("alert digest not queued", extra={"error_type": type(error).__name__})
        raise MailQueueFailed(summary) from error


def saved_searches(db: Db) -> list[SavedSearch]:
    """Every saved search, oldest first; one whose stored filters no longer validate is left out (and logged)."""
    found = []
    for item in alert_state.all_alerts(db):
        try:
            found.append(
                SavedSearch(
                    member_id=str(item["member_id"]),
                    alert_id=str(item["alert_id"]),
                    name=str(item.get("name") or ""),
                    created_at=str(item["created_at"]),
                    paused=item.get("paused") is True,
                    filters=StockFilters.model_validate(item.get("filters") or {}),
                )
            )
        except (KeyError, ValidationError):
            log.warning("saved search unreadable", extra={"alert_id": str(item.get("alert_id"))[:16]})
    return found


def listed_cars(entries: list[Item], since: str) -> list[Listed]:
    """Cars on offer first listed after ``since``, oldest first."""
    found = []
    for entry in entries:
        listed_at = entry.get("listed_at")
        if not vehicles.is_listed(entry) or not isinstance(listed_at, str) or listed_at <= since:
            continue
        try:
            vehicle = Vehicle.model_validate_json(str(entry["data"]))
        except (KeyError, ValidationError):
            log.warning("vehicle copy unreadable", extra={"stock_no": str(entry.get("gsi1sk"))[:24]})
            continue
        found.append(Listed(vehicle.stock_no, listed_at, vehicle, car_from_vehicle(vehicle)))
    return sorted(found, key=lambda listed: (listed.listed_at, listed.stock_no))


def send_digests(
    sender: Sender, opted_in: dict[str, Item], searches: list[SavedSearch], now: dt.datetime, summary: AlertRunSummary
) -> None:
    active = [s for s in searches if not s.paused]
    if not active:
        return
    by_key = {(s.member_id, s.alert_id): s for s in active}
    matcher = AlertMatcher((key, search.filters) for key, search in by_key.items())
    entries = vehicles.catalogue_entries(sender.db)
    cars = listed_cars(entries, min(s.created_at for s in active))
    # member → stock number → the member's searches it is new for, in listing order
    matched: dict[str, dict[str, list[str]]] = defaultdict(dict)
    for listed in cars:
        for member_id, alert_id in matcher.matching(listed.car):
            if by_key[(member_id, alert_id)].created_at < listed.listed_at:
                matched[member_id].setdefault(listed.stock_no, []).append(alert_id)
    summary.skipped_not_opted_in += sum(1 for member_id in matched if member_id not in opted_in)
    wanted = sorted(member_id for member_id in matched if member_id in opted_in)
    states = alert_state.get_states(sender.db, wanted)
    by_stock_no = {listed.stock_no: listed for listed in cars}
    listed_at = {str(e["gsi1sk"]): str(e["listed_at"]) for e in entries if isinstance(e.get("listed_at"), str)}
    oldest: dict[str, str] = {}
    for search in searches:  # paused ones too: resumed, they find cars listed since they were saved
        oldest[search.member_id] = min(oldest.get(search.member_id, search.created_at), search.created_at)
    for member_id in wanted:
        state = states[member_id]
        new = [stock_no for stock_no in matched[member_id] if stock_no not in state.sent]
        if not new or state.pending is not None:
            continue
        if state.last_digest_at and parse_iso(state.last_digest_at) > now - dt.timedelta(hours=DIGEST_HOURS):
            summary.skipped_within_24h += 1
            continue
        chosen = new[:MAX_CARS]
        digest = Digest(
            member=opted_in[member_id],
            searches=[s for s in active if s.member_id == member_id],
            cars=[by_stock_no[stock_no] for stock_no in chosen],
            matches={stock_no: matched[member_id][stock_no] for stock_no in chosen},
        )
        # A stock number is remembered while one of the member's searches could still find it new: a car listed
        # before the oldest of them never can be, so the list does not grow for ever.
        kept = {s for s in state.sent if listed_at.get(s, "~") > oldest[member_id]}
        send_digest(sender, state, digest, kept | set(chosen), now=now, summary=summary)


@dataclass(frozen=True)
class Digest:
    member: Item
    searches: list[SavedSearch]  # the member's active searches, oldest first
    cars: list[Listed]
    matches: dict[str, list[str]]  # stock number → the ids of the searches it is new for

    def alert_ids(self) -> list[str]:
        return sorted({alert_id for ids in self.matches.values() for alert_id in ids})


def send_digest(
    sender: Sender, state: AlertState, digest: Digest, sent: set[str], *, now: dt.datetime, summary: AlertRunSummary
) -> None:
    """Pending first, then the queue, then sent: a crash anywhere leaves a digest the next run can finish."""
    digest_id = f"alerts:{state.member_id}:{state.version + 1}:{iso(now)}"
    email = digest_mail(sender, digest, digest_id)
    stock_nos = tuple(listed.stock_no for listed in digest.cars)
    pending = Pending(digest_id, email_to_json(email), stock_nos, tuple(digest.alert_ids()), iso(now))
    try:
        written = alert_state.write_pending(sender.db, state, pending, sent)
    except StateChanged:
        summary.skipped_changed += 1
        return
    except NotMailable:
        summary.skipped_not_opted_in += 1
        return
    queue(sender.mailer, email, summary)
    summary.digests_queued += 1
    summary.cars_listed += len(digest.cars)
    alert_state.settle(sender.db, written)


def digest_mail(sender: Sender, digest: Digest, digest_id: str) -> Email:
    """The digest in the member's language: each car once, under the oldest of the member's searches it matches;
    a link per search to stop it, and the one-click header naming every search in the mail."""
    member = digest.member
    language = language_of(member)
    secret = sender.secret()
    member_id = str(member["member_id"])
    sections = []
    for search in digest.searches:
        shown = [c for c in digest.cars if digest.matches[c.stock_no][0] == search.alert_id]
        if not shown:
            continue
        stop = cookie.alert_unsubscribe_token(secret, member_id, [search.alert_id])
        lines = "".join(car_line(sender.site_origin, car.vehicle, language) for car in shown)
        sections.append(
            fragment(
                ALERT_TEMPLATE,
                language,
                name=plain(search.name, NAME_CHARS),
                cars=lines,
                stop=f"{sender.site_origin}{in_language(UNSUBSCRIBE_PAGE, language)}#token={stop}",
            )
        )
    return compose_update_mail(
        member,
        TEMPLATE,
        secret=secret,
        site_origin=sender.site_origin,
        company=sender.company,
        token=cookie.alert_unsubscribe_token(secret, member_id, digest.alert_ids()),
        once=digest_id,
        alerts="\n".join(sections),
    )


def car_line(origin: str, vehicle: Vehicle, language: Language) -> str:
    title = " ".join(part for part in (vehicle.make, vehicle.model, vehicle.grade) if part)
    page = in_language(VEHICLE_PAGE.format(stock_no=vehicle.stock_no), language)
    return fragment(
        CAR_TEMPLATE,
        language,
        title=plain(title, CAR_TEXT_CHARS),
        year=str(vehicle.registration_year),
        mileage=grouped(vehicle.mileage_km, language),
        price=grouped(vehicle.price_usd, language),
        link=f"{origin}{page}",
    )


def fragment(template: str, language: Language, **values: Any) -> str:
    """A part of a mail (``emails/<template>.txt``) in ``language``; English where the translation does not fit."""
    source = source_text(template)
    try:
        return Template(translations(language).gettext(source)).substitute(values)
    except (KeyError, ValueError):
        log.warning("mail translation does not fit", extra={"kind": template, "language": language.value})
        return Template(source).substitute(values)


def grouped(number: int, language: Language) -> str:
    return f"{number:,}".replace(",", GROUP_MARKS.get(language, ","))


# Line and paragraph separators, tabs and other controls become spaces; format characters (bidirectional
# overrides, zero-width joiners) go: none of them can start a line, fake a header or reorder what is shown.
_SPACE_LIKE = {"Cc", "Zl", "Zp", "Zs"}


def plain(text: str, limit: int) -> str:
    """Someone's text as one plain line of at most ``limit`` characters."""
    kept = "".join(
        " " if unicodedata.category(ch) in _SPACE_LIKE else ch for ch in text if unicodedata.category(ch) != "Cf"
    )
    line = " ".join(kept.split())
    return line if len(line) <= limit else line[: limit - 1].rstrip() + "…"
