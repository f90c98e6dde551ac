"""`carjunction admin inquiries`: oldest unanswered first, hours waiting against the 24–48 h promise, answer."""

from __future__ import annotations

import datetime as dt

from carjunction.ops.admin.answer_inquiries import answer_inquiry, list_inquiries
from tests.support.admin_world import T0, World


def test_unanswered_inquiries_come_oldest_first_with_hours_waiting_and_flags(world: World) -> None:
    # Given three inquiries received 50, 30 and 2 hours before now
    old = world.inquire(name="Old Buyer")
    world.at(T0 + dt.timedelta(hours=20))
    middle = world.inquire(name="Middle Buyer")
    world.at(T0 + dt.timedelta(hours=48))
    recent = world.inquire(name="Recent Buyer")
    world.at(T0 + dt.timedelta(hours=50))
    # When staff list them
    rows = list_inquiries(world.context)
    # Then the oldest comes first, each with its hours and whether it is due or late
    assert [r["reference"] for r in rows] == [old, middle, recent]
    assert [r["hours_waiting"] for r in rows] == [50.0, 30.0, 2.0]
    assert [r["flag"] for r in rows] == ["late: over 48 h", "due: over 24 h", ""]


def test_answering_takes_an_inquiry_off_the_list_and_keeps_the_note(world: World) -> None:
    # Given two unanswered inquiries
    first, second = world.inquire(), world.inquire()
    world.at(T0 + dt.timedelta(hours=5))
    # When staff answer the first, five hours later
    answered = answer_inquiry(world.context, first, "sent CIF quote by e-mail")
    # Then it is answered at that time, and only the second is still listed
    assert answered["answered_at"] == "2026-11-20T14:00:00Z"
    assert [r["reference"] for r in world.admin_json("inquiries", "list")] == [second]
    shown = world.admin_json("inquiries", "show", first)
    assert shown["status"] == "answered"
    assert shown["answer_note"] == "sent CIF quote by e-mail"
    assert shown["hours_waiting"] == 5.0
    # and --all lists both
    assert {r["reference"] for r in world.admin_json("inquiries", "list", "--all")} == {first, second}


def test_the_answer_command_marks_it_answered(world: World) -> None:
    reference = world.inquire()
    code, out, err = world.admin("inquiries", "answer", reference.lower(), "--note", "phoned")
    assert code == 0, err
    assert out.startswith(f"inquiry {reference} marked answered at ")
    assert world.admin_json("inquiries", "show", reference)["status"] == "answered"


def test_a_signed_in_buyer_s_inquiry_is_listed_too(world: World) -> None:
    # Given a member's inquiry (stored in the member's item collection)
    cookie, details = world.sign_up()
    reference = world.inquire(cookie, name=details["name"])
    # When staff list inquiries
    rows = world.admin_json("inquiries", "list")
    # Then it is there
    assert [r["reference"] for r in rows] == [reference]


def test_answering_twice_says_it_is_already_answered(world: World) -> None:
    reference = world.inquire()
    answer_inquiry(world.context, reference)
    code, _, err = world.admin("inquiries", "answer", reference)
    assert code == 1
    assert "already answered" in err


def test_an_unknown_reference_is_one_line_and_exit_1(world: World) -> None:
    code, out, err = world.admin("inquiries", "show", "Q-NOSUCH00")
    assert code == 1
    assert out == ""
    assert err.strip() == "error: no inquiry with reference 'Q-NOSUCH00'"


def test_the_table_shows_a_buyer_s_escape_codes_harmlessly(world: World) -> None:
    # Given a buyer whose message and name carry terminal escapes (clear screen, set title, right-to-left)
    # (the API refuses them now; staff's tools must still show older or otherwise stored ones safely)
    reference = world.inquire()
    world.store_as_typed(
        "reference", reference, name="Eve\x1b[2J\u202e", message="hello\x1b]0;owned\x07 there\r\nsecond line"
    )
    # When staff list and show it
    _, listed, _ = world.admin("inquiries", "list")
    _, shown, _ = world.admin("inquiries", "show", reference)
    # Then no control character reaches the terminal; each is shown as a visible escape
    for out in (listed, shown):
        assert "\x1b" not in out
        assert "\x07" not in out
        assert "\r" not in out
        assert "\u202e" not in out
        assert "\\x1b[2J" in out
    assert "\\x1b]0;owned\\x07" in shown
    assert "second line" in shown
    # and the JSON output escapes them too
    _, as_json, _ = world.admin("inquiries", "show", reference, "--json")
    assert "\x1b" not in as_json
