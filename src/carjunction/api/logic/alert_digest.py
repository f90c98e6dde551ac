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
import re
import threading
from array import array
from collections import defaultdict
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

from pydantic import ValidationError

from carjunction.api.alert_filters import AlertMatcher, StockFilters, car_from_vehicle
from carjunction.api.deps import Deps
from carjunction.api.logic.alert_mail import Digest, Listed, SavedSearch, digest_mail
from carjunction.api.mail import Email, Mailer, email_from_json, email_to_json
from carjunction.api.store import alert_state, members, vehicles
from carjunction.api.store.alert_state import AlertState, NotMailable, Pending, StateChanged
from carjunction.api.store.db import Db, Item
from carjunction.catalogue import Vehicle
from carjunction.clock import iso, parse_iso

log = logging.getLogger(__name__)

DIGEST_HOURS = 24
# A car is news for a week: older ones are never mailed, however late a member confirms updates. This bounds the
# cars each hourly run matches (a week's arrivals, not the whole stock) and the stock numbers a state keeps.
NEW_FOR_DAYS = 7
# A digest's cars; more wait for the next digest. Keeps a mail readable and the state item far below 400 KB.
MAX_CARS = 100
# Members handled at once: each digest is a transaction, a queue put and an update, some 30 ms in AWS, and a
# deploy that adds many cars can mean a digest for each of 20,000 members (boto3's clients are thread-safe).
WORKERS = 8
ALERT_ID = re.compile(r"[0-9a-hjkmnp-tv-z]{8}")  # make_ids.ALPHABET in lower case, as store.alerts makes them


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

    def __init__(self) -> None:
        super().__init__("a digest could not be queued; the next run sends it")
        self.summary = AlertRunSummary()


@dataclass
class Sender:
    """What sending a digest needs; ``run_alerts`` takes it from Deps, the admin command from its context."""

    db: Db
    mailer: Mailer
    secret: Callable[[], bytes]
    site_origin: str
    company: str
    workers: int = WORKERS


def run_alerts(deps: Deps, *, now: dt.datetime | None = None, workers: int = WORKERS) -> AlertRunSummary:
    """The job with the function's table, queue, key, site and company. ``workers=1`` against moto (the local
    stack's, the tests'): its tables are not thread-safe."""
    sender = Sender(deps.db, deps.mailer, deps.secret, deps.settings.site_origin, deps.company.name, workers)
    return run_alert_job(sender, now or deps.clock())


def run_alert_job(sender: Sender, now: dt.datetime) -> AlertRunSummary:
    """Re-queue what a crash left pending, then mail each member their new cars. MailQueueFailed if the queue fails
    (the run stops there; what it wrote is consistent)."""
    if not sender.site_origin:
        raise ValueError("the alert job needs the site's address (SITE_ORIGIN): its mails are all links")
    summary = AlertRunSummary()
    opted_in = {str(m["member_id"]): m for m in members.opted_in_members(sender.db)}
    try:
        resume_pending(sender, opted_in, summary)
        searches = saved_searches(sender.db)
        summary.members_considered = len({s.member_id for s in searches if not s.paused})
        send_digests(sender, opted_in, searches, now, summary)
    except MailQueueFailed as failed:
        failed.summary = summary
        raise
    return summary


def resume_pending(sender: Sender, opted_in: dict[str, Item], summary: AlertRunSummary) -> None:
    for state in alert_state.get_states(sender.db, alert_state.pending_member_ids(sender.db)).values():
        if state.pending is None:
            continue  # settled since the index was read
        if state.member_id in opted_in:
            queue(sender.mailer, email_from_json(state.pending.email))
            summary.pending_requeued += 1
        else:
            summary.pending_dropped += 1
        alert_state.settle(sender.db, state)


def queue(mailer: Mailer, email: Email) -> None:
    try:
        mailer.send(email)
    except Exception as error:
        log.warning("alert digest not queued", extra={"error_type": type(error).__name__})
        raise MailQueueFailed from error


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
            continue
        if not ALERT_ID.fullmatch(found[-1].alert_id):  # it goes into signed links; ours always fit
            log.warning("saved search unreadable", extra={"alert_id": found.pop().alert_id[:16]})
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
    entries = vehicles.catalogue_entries(sender.db)
    horizon = iso(now - dt.timedelta(days=NEW_FOR_DAYS))
    cars = listed_cars(entries, max(horizon, min(s.created_at for s in active)))
    matched = new_matches(active, cars)
    summary.skipped_not_opted_in += sum(1 for member_id in matched if member_id not in opted_in)
    wanted = sorted(member_id for member_id in matched if member_id in opted_in)
    states = alert_state.get_states(sender.db, wanted)
    listed_at = {str(e["gsi1sk"]): str(e["listed_at"]) for e in entries if isinstance(e.get("listed_at"), str)}
    own: dict[str, list[SavedSearch]] = defaultdict(list)
    oldest: dict[str, str] = {}
    for search in searches:  # paused ones count for "oldest": resumed, they find cars listed since they were saved
        oldest[search.member_id] = min(oldest.get(search.member_id, search.created_at), search.created_at)
        if not search.paused:
            own[search.member_id].append(search)
    jobs = []
    for member_id in wanted:
        state = states[member_id]
        new: dict[int, list[str]] = {}  # car → the ids of the member's searches it is new for
        pairs = matched[member_id]
        for car, hit in zip(pairs[::2], pairs[1::2], strict=True):
            if cars[car].stock_no not in state.sent:
                new.setdefault(car, []).append(active[hit].alert_id)
        if not new or state.pending is not None:
            continue
        if state.last_digest_at and parse_iso(state.last_digest_at) > now - dt.timedelta(hours=DIGEST_HOURS):
            summary.skipped_within_24h += 1
            continue
        chosen = list(new)[:MAX_CARS]
        digest = Digest(
            member=opted_in[member_id],
            searches=own[member_id],
            cars=[cars[car] for car in chosen],
            matches={cars[car].stock_no: new[car] for car in chosen},
        )
        # A stock number is remembered while it could still be news to one of the member's searches: a car listed
        # before the oldest of them, or before the horizon, never can be again, so the list stays short.
        since = max(horizon, oldest[member_id])
        kept = {s for s in state.sent if listed_at.get(s, "~") > since}
        jobs.append((state, digest, kept | set(digest.matches)))
    send_all(sender, jobs, now, summary)


def new_matches(active: list[SavedSearch], cars: list[Listed]) -> dict[str, array[int]]:
    """member → each car new for one of their searches, in listing order, as pairs of numbers: the car's index in
    ``cars``, then the search's in ``active``. 100,000 searches against 500 cars can make millions of matches; two
    4-byte numbers each in one array per member take a sixth of the memory of a list of tuples."""
    matcher = AlertMatcher(enumerate(search.filters for search in active))
    owner = [search.member_id for search in active]
    newest = max(search.created_at for search in active)
    found: dict[str, array[int]] = defaultdict(lambda: array("I"))
    for index, listed in enumerate(cars):
        hits = matcher.matching(listed.car)
        if listed.listed_at <= newest:  # else the car came after every search: new for all it matches
            hits = [search for search in hits if active[search].created_at < listed.listed_at]
        for search in hits:
            pairs = found[owner[search]]
            pairs.append(index)
            pairs.append(search)
    return found


Job = tuple[AlertState, Digest, set[str]]


def send_all(sender: Sender, jobs: list[Job], now: dt.datetime, summary: AlertRunSummary) -> None:
    """Each member's digest, ``sender.workers`` members at a time. Once the queue (or the table) fails no new member
    is started; those under way finish or stay pending, and the first failure is raised after them."""
    stop = threading.Event()

    def one(job: Job) -> tuple[str, int]:
        if stop.is_set():
            return "not started", 0
        try:
            return send_digest(sender, *job, now=now)
        except Exception:
            stop.set()
            raise

    failure: Exception | None = None
    with ThreadPoolExecutor(max_workers=max(1, sender.workers)) as pool:
        for future in [pool.submit(one, job) for job in jobs]:
            try:
                outcome, cars = future.result()
            except Exception as error:  # kept, and raised once the others have stopped
                failure = failure or error
                continue
            if outcome == "queued":
                summary.digests_queued += 1
                summary.cars_listed += cars
            elif outcome == "changed":
                summary.skipped_changed += 1
            elif outcome == "not mailable":
                summary.skipped_not_opted_in += 1
    if failure is not None:
        raise failure


def send_digest(
    sender: Sender, state: AlertState, digest: Digest, sent: set[str], *, now: dt.datetime
) -> tuple[str, int]:
    """Pending first, then the queue, then sent: a crash anywhere leaves a digest the next run can finish.
    (outcome, cars in the digest)."""
    digest_id = f"alerts:{state.member_id}:{state.version + 1}:{iso(now)}"
    email = digest_mail(
        digest, digest_id, secret=sender.secret(), site_origin=sender.site_origin, company=sender.company
    )
    stock_nos = tuple(listed.stock_no for listed in digest.cars)
    pending = Pending(digest_id, email_to_json(email), stock_nos, tuple(digest.alert_ids()), iso(now))
    try:
        written = alert_state.write_pending(sender.db, state, pending, sent)
    except StateChanged:
        return "changed", 0
    except NotMailable:
        return "not mailable", 0
    queue(sender.mailer, email)
    alert_state.settle(sender.db, written)
    return "queued", len(stock_nos)
