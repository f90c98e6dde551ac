"""The alert job: one digest per member with the new cars that match their saved searches, only with confirmed
updates, at most one a day, never a car twice, even when a run dies half-way (moto's DynamoDB through boto3)."""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter
from http import HTTPStatus
from typing import Any

import pytest

from carjunction.api import cookie
from carjunction.api.languages import Language
from carjunction.api.logic.alert_digest import (
    AlertRunSummary,
    MailQueueFailed,
    run_alert_job,
    run_alerts,
)
from carjunction.api.logic.alert_mail import grouped, plain
from carjunction.api.logic.sync_catalogue import sync_catalogue
from carjunction.api.store import alert_state, vehicles
from carjunction.api.store.db import from_item, key
from carjunction.catalogue import Catalogue, Status
from carjunction.clock import iso
from tests.support.alert_world import HOUR, T0, VANS, OnceOutbox, add_alert, add_member, cars_in, list_car, sender
from tests.support.api import SITE, Api, event


def test_a_member_with_confirmed_updates_gets_one_mail_in_french_for_a_new_matching_car(api: Api) -> None:
    # Given a French member who confirmed updates, with a saved search for Toyota vans
    member = add_member(api, language="fr")
    add_alert(api, member, VANS)
    # and cars: one listed before the search was saved, one that does not match, one new that matches
    list_car(api, T0 - HOUR)
    list_car(api, T0 + HOUR, make="Nissan", model="Caravan")
    new = list_car(api, T0 + HOUR, mileage_km=85000, price_usd=14800, grade="Super GL")
    # When the job runs
    outbox = OnceOutbox()
    summary = run_alert_job(sender(api, outbox), T0 + 2 * HOUR)
    # Then the member gets one mail, in French, listing only the new car, with its facts as French writes them
    (mail,) = outbox.to(member["email"])
    assert mail.subject.startswith("Nouvelles voitures pour vos recherches enregistrées")
    assert cars_in(mail) == [new.stock_no]
    assert "- Toyota Hiace Van Super GL\n" in mail.body
    assert "Année 2019, 85\u202f000 km, prix FOB 14\u202f800 USD" in mail.body
    assert f"{SITE}/fr/vehicles/{new.stock_no}/" in mail.body
    assert f"{SITE}/fr/members/unsubscribe/#token=u1." in mail.body
    assert mail.once and mail.kind == "alert_digest"
    assert summary == AlertRunSummary(members_considered=1, digests_queued=1, cars_listed=1)
    # When it runs again, a day later, with nothing new, Then nothing is sent
    again = run_alert_job(sender(api, outbox), T0 + 30 * HOUR)
    assert len(outbox.delivered) == 1 and outbox.puts == 1
    assert again.digests_queued == 0


def test_run_alerts_takes_what_it_needs_from_deps_and_mails_the_outbox(api: Api) -> None:
    member = add_member(api)
    add_alert(api, member, {"body": "van"})
    car = list_car(api, T0 + HOUR)
    summary = run_alerts(api.deps, now=T0 + 2 * HOUR)
    (mail,) = [e for e in api.outbox.sent() if e.to == member["email"]]
    assert summary.digests_queued == 1
    assert cars_in(mail) == [car.stock_no]
    assert mail.subject == f"New cars for your saved searches at {api.deps.company.name}"
    assert "Year 2019, 85,000 km, FOB price USD 14,800" in mail.body


def test_no_mail_without_confirmed_address_and_opt_in_or_for_a_paused_search(api: Api) -> None:
    # Given three members with a matching search: one never opted in, one unconfirmed, one who paused it
    not_opted = add_member(api, opt_in=False)
    unconfirmed = add_member(api, confirmed=False)
    paused = add_member(api)
    for member in (not_opted, unconfirmed, paused):
        add_alert(api, member, VANS)
    alert_id = add_alert(api, paused, {"make": "Nissan"})
    api.deps.db.client.update_item(
        TableName=api.deps.db.table,
        Key=key(paused["pk"], f"ALERT#{alert_id}"),
        UpdateExpression="SET paused = :yes",
        ExpressionAttributeValues={":yes": {"BOOL": True}},
    )
    list_car(api, T0 + HOUR, make="Nissan", model="Caravan")
    # When a Nissan comes in, Then the one member whose only matching search is paused gets nothing
    outbox = OnceOutbox()
    run_alert_job(sender(api, outbox), T0 + 2 * HOUR)
    assert outbox.delivered == []
    # When a Toyota van comes in, Then still nothing: the other two have not confirmed updates
    list_car(api, T0 + 3 * HOUR)
    summary = run_alert_job(sender(api, outbox), T0 + 4 * HOUR)
    assert outbox.to(paused["email"])  # the control: the paused member's other search works
    assert not outbox.to(not_opted["email"]) and not outbox.to(unconfirmed["email"])
    assert summary.skipped_not_opted_in == 2
    # and no state is kept for them
    state = alert_state.get_states(api.deps.db, [not_opted["member_id"], unconfirmed["member_id"]])
    assert all(s.version == 0 for s in state.values())


def test_at_most_one_digest_a_day_and_the_cars_that_came_meanwhile_wait_for_the_next(api: Api) -> None:
    member = add_member(api)
    add_alert(api, member, VANS)
    first = list_car(api, T0 + HOUR)
    outbox = OnceOutbox()
    run_alert_job(sender(api, outbox), T0 + 2 * HOUR)
    # When a second car comes an hour later, Then the next hourly run sends nothing
    second = list_car(api, T0 + 3 * HOUR)
    waiting = run_alert_job(sender(api, outbox), T0 + 4 * HOUR)
    assert waiting.skipped_within_24h == 1 and len(outbox.delivered) == 1
    assert run_alert_job(sender(api, outbox), T0 + 25 * HOUR).skipped_within_24h == 1
    # When the day is over, Then it comes, alone
    later = run_alert_job(sender(api, outbox), T0 + 26 * HOUR + dt.timedelta(seconds=1))
    assert later.digests_queued == 1
    assert [cars_in(m) for m in outbox.delivered] == [[first.stock_no], [second.stock_no]]


@pytest.mark.parametrize("workers", [1, 8], ids=["one-at-a-time", "eight-at-once"])
@pytest.mark.parametrize("lose_answer", [False, True], ids=["queue-fails", "dies-after-the-put"])
def test_a_run_that_dies_half_way_then_runs_again_mails_every_car_once_to_every_member(
    api: Api, lose_answer: bool, workers: int
) -> None:
    # Given six members, each with a search that matches two new cars, and one that matches a third for some
    people = [add_member(api, language=code.value) for code in Language]
    for member in people:
        add_alert(api, member, VANS)
    for member in people[::2]:
        add_alert(api, member, {"make": "Nissan"}, name="Nissans")
    cars = [list_car(api, T0 + HOUR) for _ in range(2)] + [list_car(api, T0 + HOUR, make="Nissan", model="NV200")]
    # When the queue fails after three digests (or takes the next ones but the run dies before hearing so)
    outbox = OnceOutbox(fail_after=3, lose_answer=lose_answer)
    with pytest.raises(MailQueueFailed) as failed:
        run_alert_job(sender(api, outbox, workers), T0 + 2 * HOUR)
    assert failed.value.summary.digests_queued == 3
    # Then the digests under way when it failed are pending (one, when one member is handled at a time)
    pending = len(alert_state.pending_member_ids(api.deps.db))
    assert pending == 1 if workers == 1 else 1 <= pending <= 3
    # When the next run comes, Then it queues them again before anything else, and the rest
    outbox.fail_after = None
    resumed = run_alert_job(sender(api, outbox, workers), T0 + 3 * HOUR)
    assert (resumed.pending_requeued, resumed.digests_queued) == (pending, 3 - pending)
    assert alert_state.pending_member_ids(api.deps.db) == []
    # And every member got every car they asked for exactly once, in one mail
    for index, member in enumerate(people):
        mails = outbox.to(member["email"])
        counted = Counter(stock_no for mail in mails for stock_no in cars_in(mail))
        wanted = {car.stock_no for car in cars[: 3 if index % 2 == 0 else 2]}
        assert len(mails) == 1 and counted == dict.fromkeys(wanted, 1), member["language"]
    # And running again changes nothing
    run_alert_job(sender(api, outbox), T0 + 40 * HOUR)
    assert len(outbox.delivered) == len(people)


def test_a_pending_digest_of_a_member_who_opted_out_meanwhile_is_dropped_never_sent(api: Api) -> None:
    member = add_member(api)
    add_alert(api, member, VANS)
    list_car(api, T0 + HOUR)
    outbox = OnceOutbox(fail_after=0)
    with pytest.raises(MailQueueFailed):
        run_alert_job(sender(api, outbox), T0 + 2 * HOUR)
    api.deps.db.client.update_item(
        TableName=api.deps.db.table,
        Key=key(member["pk"], "PROFILE"),
        UpdateExpression="SET updates_opt_in = :no",
        ExpressionAttributeValues={":no": {"BOOL": False}},
    )
    outbox.fail_after = None
    summary = run_alert_job(sender(api, outbox), T0 + 3 * HOUR)
    assert summary.pending_dropped == 1 and outbox.delivered == []
    assert alert_state.pending_member_ids(api.deps.db) == []


def test_a_hostile_alert_name_and_vehicle_text_stay_on_their_own_line(api: Api) -> None:
    member = add_member(api)
    hostile = "Vans\r\nBcc: thief@example.com\n\nSubject: you won\u2028$unsubscribe\u202e\tend" + "x" * 80
    add_alert(api, member, {"body": "van"}, name=hostile)
    car = list_car(api, T0 + HOUR, model="Hiace\nList-Unsubscribe: <https://evil.example/>", grade="GL\u2029- fake car")
    outbox = OnceOutbox()
    run_alert_job(sender(api, outbox), T0 + 2 * HOUR)
    (mail,) = outbox.delivered
    lines = mail.body.splitlines()
    # No line of the mail starts with the attacker's text, and the headers are only ours
    assert not [line for line in lines if re.match(r"\s*(Bcc|Subject|List-Unsubscribe):", line)]
    assert [line for line in lines if line.startswith("- ")] == [
        "- Toyota Hiace List-Unsubscribe: <https://evil.example/> GL - fake car"
    ]
    (named,) = [line for line in lines if "Bcc" in line]
    # the name is capped at 60 characters; "$unsubscribe" in it is text, not a placeholder
    assert named == 'Your saved search "Vans Bcc: thief@example.com Subject: you won $unsubscribe e…":'
    assert "\u202e" not in mail.body and "\r" not in mail.body
    assert set(mail.headers) == {"List-Unsubscribe", "List-Unsubscribe-Post"}
    assert mail.subject == f"New cars for your saved searches at {api.deps.company.name}"
    assert cars_in(mail) == [car.stock_no]


def test_plain_text_is_one_line_without_controls_capped() -> None:
    assert plain("  a\n\tb\u00a0\u00a0c\u200b\u202ed  ", 60) == "a b cd"
    assert plain("x" * 61, 60) == "x" * 59 + "…"
    assert plain("x" * 60, 60) == "x" * 60


def test_numbers_are_grouped_as_the_site_groups_them_in_each_language() -> None:
    from carjunction.site.numbers import number_format  # noqa: PLC0415 - Babel: the site build's, not the Lambda's

    for language in Language:
        for number in (0, 999, 1000, 85000, 1234567):
            assert grouped(number, language) == number_format(language.value).integer(number), (language, number)


def test_the_one_click_header_pauses_the_mail_s_searches_without_a_cookie(api: Api) -> None:
    # Given a member with two searches, both matched by a new car
    member = add_member(api)
    vans = add_alert(api, member, VANS)
    toyotas = add_alert(api, member, {"make": "Toyota"}, name="Any Toyota")
    car = list_car(api, T0 + HOUR)
    outbox = OnceOutbox()
    run_alert_job(sender(api, outbox), T0 + 2 * HOUR)
    (mail,) = outbox.delivered
    # Then the car is listed once, under the older search, and the header's token names both searches
    assert cars_in(mail) == [car.stock_no]
    header = mail.headers["List-Unsubscribe"]
    assert mail.headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    match = re.fullmatch(rf"<{re.escape(SITE)}/api/unsubscribe\?token=(a1\.[A-Za-z0-9._-]+)>", header)
    assert match
    token = match.group(1)
    claims = cookie.alert_unsubscribe_claims(api.deps.secret(), token)
    assert claims == (member["member_id"], tuple(sorted([vans, toyotas])))
    # and each search has its own stop link in the body
    stops = re.findall(r"/members/unsubscribe/#token=(a1\.\S+)", mail.body)
    assert [cookie.alert_unsubscribe_claims(api.deps.secret(), t) for t in stops] == [(member["member_id"], (vans,))]
    # When the mail client posts the header's link, without a cookie
    answer = api.call("register", event("POST", "/api/unsubscribe", query={"token": token}))
    assert answer.status == HTTPStatus.OK, answer.body
    assert answer.body == {"status": "unsubscribed", "scope": "alerts"}
    # Then both searches are paused, and the next day's new car is not mailed
    list_car(api, T0 + 30 * HOUR)
    summary = run_alert_job(sender(api, outbox), T0 + 31 * HOUR)
    assert len(outbox.delivered) == 1 and summary.members_considered == 0


def test_listed_at_is_the_sync_that_first_offered_the_car(api: Api) -> None:
    db = api.deps.db
    withdrawn = list_car(api, T0, status="withdrawn")
    offered = list_car(api, T0)

    def entry(stock_no: str) -> dict[str, Any]:
        return from_item(db.client.get_item(TableName=db.table, Key=vehicles.vehicle_key(stock_no))["Item"])

    assert "listed_at" not in entry(withdrawn.stock_no)
    assert entry(offered.stock_no)["listed_at"] == iso(T0)
    # A later sync (a price change) keeps it; a car taken back into stock gets the time it was first offered
    for vehicle in (
        offered.model_copy(update={"price_usd": 9000}),
        withdrawn.model_copy(update={"status": Status.AVAILABLE}),
    ):
        catalogue = Catalogue((vehicle,), api.catalogue.shipping, api.catalogue.company)
        sync_catalogue(db, catalogue, T0 + 5 * HOUR, complete=False)
    assert entry(offered.stock_no)["listed_at"] == iso(T0)
    assert entry(withdrawn.stock_no)["listed_at"] == iso(T0 + 5 * HOUR)
    assert vehicles.is_listed(entry(offered.stock_no))
    assert not vehicles.is_listed({**entry(offered.stock_no), "reserved_by": "CJ-1"})
    assert not vehicles.is_listed({**entry(offered.stock_no), "gsi2pk": vehicles.SOLD})
