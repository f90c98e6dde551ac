"""The privacy policy states what the software does: its field table, its cookie, its localStorage keys, the
membership flow's links and how long they last, the abuse limits' hashes, and the update mails' unsubscribe."""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, cast

import pytest

from carjunction.api.alert_filters import FILTER_NAMES
from carjunction.api.deps import Deps
from carjunction.api.logic.alert_digest import DIGEST_HOURS, NEW_FOR_DAYS
from carjunction.api.logic.limit_rate import IPV6_PREFIX, client_network, limit_mail_to, limit_rate
from carjunction.api.logic.manage_alerts import MAX_ALERTS
from carjunction.api.logic.send_links import SIGN_IN_MINUTES
from carjunction.api.logic.update_mail import update_mail
from carjunction.api.send_mail import CLAIM_DAYS
from carjunction.api.settings import Settings
from carjunction.api.store.db import Db
from carjunction.ops.admin.notify import KEEP_DAYS
from tests.support.site_build import ROOT

POLICY = ROOT / "content" / "policy" / "privacy.md"
SCRIPTS = ROOT / "content" / "assets" / "js"


def policy_fields() -> dict[str, set[str]]:
    """Form → field names, from the policy's table (a later test compares them with the API's models)."""
    fields: dict[str, set[str]] = defaultdict(set)
    for form, name in re.findall(r"^\| ([A-Z][^|]+?) \| `([a-z_]+)` \|", POLICY.read_text(encoding="utf-8"), re.M):
        fields[form.split(" (")[0]].add(name)
    return dict(fields)


def test_the_policy_lists_the_fields_of_each_form() -> None:
    fields = policy_fields()
    assert fields["Membership"] == {"name", "telephone", "email", "country", "port", "updates_opt_in", "language"}
    assert fields["Inquiry"] == {"name", "email", "telephone", "country", "stock_no", "message", "language"}
    assert {"consignee", "notify_party"} <= fields["Order"]


# The words the policy's `filters` row uses for each filter of the stock page that a saved search keeps.
FILTER_WORDS = {
    "q": "stock number, model code or chassis number",
    "make": "make",
    "model": "model",
    "body": "body type",
    "year_min": "year",
    "year_max": "year",
    "price_min": "price",
    "price_max": "price",
    "km_min": "mileage",
    "km_max": "mileage",
    "steering": "steering",
    "transmission": "transmission",
    "fuel": "fuel",
    "drive": "drive",
}


def test_the_policy_names_every_filter_a_saved_search_keeps() -> None:
    # Given the filters a saved search keeps (the stock page's, as the API validates them)
    assert set(FILTER_NAMES) == set(FILTER_WORDS), "a filter was added or removed: name it in the policy and here"
    # Then the policy's table has the search's fields, and its `filters` row names each filter in words
    assert policy_fields()["Saved search"] == {"filters", "name"}
    (row,) = [line for line in POLICY.read_text(encoding="utf-8").splitlines() if "| `filters` |" in line]
    described = row.split("|")[3]
    assert [name for name, words in FILTER_WORDS.items() if not re.search(rf"\b{words}\b", described)] == []


def test_the_policy_states_how_many_saved_searches_a_member_keeps_and_how_often_they_are_mailed() -> None:
    text = policy_text()
    counted = {3: "three", 4: "four", 5: "five", 6: "six", 8: "eight", 10: "ten"}
    assert f"as a saved search, up to {counted[MAX_ALERTS]}, to hear about new cars" in text
    assert DIGEST_HOURS == 24 and "at most one a day, and list the new cars" in text
    # and how long a car stays on the list of those already sent: while it can still be news (a week)
    assert NEW_FOR_DAYS == 7 and "each alert e-mail drops the cars listed more than a week before" in text


def test_the_policy_keeps_the_records_that_stop_a_mail_going_twice_as_long_as_the_code() -> None:
    # The notice ledger (one item per member and notice) and the mail function's once-claims expire by TTL
    text = policy_text()
    ledger = f"| Records that a notice from our staff was sent to you | {KEEP_DAYS} days, then deleted automatically |"
    assert ledger in text
    assert f"We keep a record that a notice was sent to you for {KEEP_DAYS} days" in text
    assert (
        "| Records that stop an alert e-mail or a notice being sent twice (a key and a time, no address) | "
        f"{CLAIM_DAYS} days, then deleted automatically |"
    ) in text


def test_the_policy_describes_the_one_cookie_as_the_design_sets_it() -> None:
    text = POLICY.read_text(encoding="utf-8")
    for fact in ("`member`", "`HttpOnly`", "`Secure`", "`SameSite=Lax`", "`Path=/api`", "one year"):
        assert fact in text
    assert "Last changed:" in text and "## Changes" in text


def test_every_local_storage_key_the_scripts_use_is_in_the_policy() -> None:
    # Given the keys our scripts write: "cj." + a name given to the calculator's helper, or a whole "cj.name" literal
    # (favourites, recently viewed, the header's member flag)
    code = "".join(p.read_text(encoding="utf-8") for p in SCRIPTS.glob("*.js"))
    used = set(re.findall(r'remember(?:ed)?\("([a-z_]+)"', code))
    named = set(re.findall(r'"cj\.([a-z_]+)"', code))
    assert used and {"favourites", "recent", "member"} <= named, "localStorage keys not found; update this test"
    used |= named
    # and the keys the theme's scripts keep (Material prefixes the site's root path: "/." + name)
    theme = set(re.findall(r'__md_[gs]et\("(__[a-z]+)"', code))
    assert theme, "the theme's storage helpers were not found; update this test"
    # Then each is named in the policy
    text = POLICY.read_text(encoding="utf-8")
    assert {key for key in used if f"`cj.{key}`" not in text} == set()
    assert {key for key in theme if f"`/.{key}`" not in text} == set()


# --- the membership flow, mail and abuse limits: each sentence the policy says is checked against the code ---------


def policy_text() -> str:
    """The policy as one line of words: a phrase may wrap in the Markdown."""
    return " ".join(POLICY.read_text(encoding="utf-8").split())


@dataclass
class FakeDynamoDb:
    """Records the writes a store makes, as DynamoDB would receive them."""

    calls: list[dict[str, Any]] = field(default_factory=list)

    def update_item(self, **request: Any) -> dict[str, Any]:
        self.calls.append(request)
        return {}


@dataclass
class FakeCompany:
    name: str


@dataclass
class FakeDeps:
    """What the rate limiter and the update mail read: a key, a clock, a table, the site's origin."""

    db: Db = field(default_factory=lambda: Db(client=FakeDynamoDb(), table="table"))
    settings: Settings = field(
        default_factory=lambda: Settings(
            table_name="table",
            site_origin="https://shop.example",
            cookie_secret_parameter="/key",  # noqa: S106 - a parameter's name
        )
    )
    company: FakeCompany = field(default_factory=lambda: FakeCompany(name="Car junction Co Ltd."))
    now: datetime = datetime(2026, 11, 30, 9, 59, 59, tzinfo=UTC)

    def secret(self) -> bytes:
        return b"policy-test-key"

    def clock(self) -> datetime:
        return self.now


def test_the_policy_states_how_long_a_pending_sign_up_and_each_link_last() -> None:
    text = policy_text()
    # Given the settings and constants that time the links (a pending sign-up lives in its link's record)
    sign_up_hours = Settings.model_fields["sign_up_link_hours"].default
    # Then the policy names the same durations, with the automatic deletion
    assert (
        f"If nobody opens the link within {sign_up_hours} hours, the pending sign-up is deleted automatically" in text
    )
    assert f"| {sign_up_hours} hours, or until the link is used; then deleted automatically |" in text
    assert f"keep a keyed hash of its token for {SIGN_IN_MINUTES} minutes" in text
    assert "a keyed hash of the link's token, never the token itself" in text


def test_rate_limits_keep_keyed_hashes_of_the_network_for_at_most_two_hours() -> None:
    # Given a request from one IPv6 address, counted as the policy says: by its /64
    deps = FakeDeps()
    address = "2001:db8:5:7:aaaa:bbbb:cccc:dddd"
    assert client_network(address) == "2001:db8:5:7::/64"
    assert f"an IPv6 address by its /{IPV6_PREFIX} network" in policy_text()
    # When it is counted, and a link to an e-mail address too
    limit_rate(cast(Deps, deps), "sign-up", address, per_hour=10)
    limit_mail_to(cast(Deps, deps), "amani@example.com")
    # Then neither address is stored, only keyed hashes, and each counter expires within two hours
    written = cast(FakeDynamoDb, deps.db.client).calls
    assert len(written) == 2
    for request in written:
        stored = str(request["Key"]) + str(request["ExpressionAttributeValues"])
        assert "2001:db8" not in stored and "amani" not in stored
        expires = int(request["ExpressionAttributeValues"][":expires"]["N"])
        assert expires - int(deps.now.timestamp()) <= 2 * 3600
    assert "each counter is kept for at most two hours" in policy_text()
    assert "| Counters that limit how often a form can be sent (keyed hashes of network and e-mail addresses) |" in (
        policy_text()
    )


def test_update_mails_need_a_confirmed_opt_in_and_carry_a_one_click_unsubscribe() -> None:
    deps = cast(Deps, FakeDeps())
    member = {"member_id": "m1", "email": "amani@example.com", "confirmed": True}
    # Given a member who ticked the box but has not opened the confirming link: no update mail can be made
    with pytest.raises(ValueError, match="not confirmed"):
        update_mail(
            deps, {**member, "updates_opt_in": False, "updates_pending": True}, "site_update", subject="s", text="t"
        )
    # When the opt-in is confirmed, then the mail has the one-click headers (RFC 8058) and a link to the page
    mail = update_mail(deps, {**member, "updates_opt_in": True}, "site_update", subject="New stock", text="Hello")
    assert mail.headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert mail.headers["List-Unsubscribe"].startswith("<https://shop.example/api/unsubscribe?token=")
    assert "https://shop.example/members/unsubscribe/#token=" in mail.body
    # And the policy says both
    text = policy_text()
    assert "need two steps, a double opt-in" in text
    assert "Every update e-mail has a one-click unsubscribe" in text


def test_the_policy_says_how_long_a_mail_waits_in_the_queues_as_the_template_keeps_it() -> None:
    from carjunction.api.tables import load_template  # noqa: PLC0415 - only this test reads the template

    resources = load_template(ROOT / "template.yaml")["Resources"]
    kept = {
        name: int(resources[name]["Properties"]["MessageRetentionPeriod"])
        for name in ("MailQueue", "MailDeadLetterQueue")
    }
    assert kept == {"MailQueue": 24 * 3600, "MailDeadLetterQueue": 7 * 24 * 3600}
    (row,) = [line for line in POLICY.read_text(encoding="utf-8").splitlines() if line.startswith("| E-mails waiting")]
    assert "at most one day" in row and "at most seven days" in row
