"""The alert digest's text: one part per saved search, one line per car, in the member's language, with a link to
stop each search and the one-click header naming them all (logic.alert_digest decides what goes in it).

A saved search's name is the member's, and a vehicle's words are staff's: each goes in as one plain line, capped,
so that no text can start a line of its own, look like a header or reorder what is shown.
"""

from __future__ import annotations

import logging
import unicodedata
from dataclasses import dataclass, field
from functools import cache
from string import Template
from typing import Any

from carjunction.api import cookie
from carjunction.api.alert_filters import Car, StockFilters
from carjunction.api.languages import Language, in_language, language_of
from carjunction.api.logic.update_mail import UNSUBSCRIBE_PAGE, compose_update_mail
from carjunction.api.mail import Email, source_text, translations
from carjunction.api.store.db import Item
from carjunction.catalogue import Vehicle

log = logging.getLogger(__name__)

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
    # The car's line in each language, made once a run: the same car goes to thousands of members.
    lines: dict[Language, str] = field(default_factory=dict, compare=False, repr=False)


@dataclass(frozen=True)
class Digest:
    member: Item
    searches: list[SavedSearch]  # the member's active searches, oldest first
    cars: list[Listed]
    matches: dict[str, list[str]]  # stock number → the ids of the searches it is new for

    def alert_ids(self) -> list[str]:
        return sorted({alert_id for ids in self.matches.values() for alert_id in ids})


def digest_mail(digest: Digest, digest_id: str, *, secret: bytes, site_origin: str, company: str) -> Email:
    """The digest in the member's language: each car once, under the oldest of the member's searches it matches;
    a link per search to stop it, and the one-click header naming every search in the mail."""
    member = digest.member
    language = language_of(member)
    member_id = str(member["member_id"])
    sections = []
    for search in digest.searches:
        shown = [c for c in digest.cars if digest.matches[c.stock_no][0] == search.alert_id]
        if not shown:
            continue
        stop = cookie.alert_unsubscribe_token(secret, member_id, [search.alert_id])
        lines = "".join(car.lines.get(language) or car_line(site_origin, car, language) for car in shown)
        sections.append(
            fragment(
                ALERT_TEMPLATE,
                language,
                name=plain(search.name, NAME_CHARS),
                cars=lines,
                stop=f"{site_origin}{in_language(UNSUBSCRIBE_PAGE, language)}#token={stop}",
            )
        )
    return compose_update_mail(
        member,
        TEMPLATE,
        secret=secret,
        site_origin=site_origin,
        company=company,
        token=cookie.alert_unsubscribe_token(secret, member_id, digest.alert_ids()),
        once=digest_id,
        alerts="\n".join(sections),
    )


def car_line(origin: str, listed: Listed, language: Language) -> str:
    """The car's line in ``language``, kept on ``listed`` for the next member (threads may both make it: same text)."""
    vehicle = listed.vehicle
    title = " ".join(part for part in (vehicle.make, vehicle.model, vehicle.grade) if part)
    page = in_language(VEHICLE_PAGE.format(stock_no=vehicle.stock_no), language)
    listed.lines[language] = fragment(
        CAR_TEMPLATE,
        language,
        title=plain(title, CAR_TEXT_CHARS),
        year=str(vehicle.registration_year),
        mileage=grouped(vehicle.mileage_km, language),
        price=grouped(vehicle.price_usd, language),
        link=f"{origin}{page}",
    )
    return listed.lines[language]


@cache
def _texts(template: str, language: Language) -> tuple[Template, Template]:
    """(translated, English) of a mail part, read once a process: a run fills them thousands of times."""
    source = source_text(template)
    return Template(translations(language).gettext(source)), Template(source)


def fragment(template: str, language: Language, **values: Any) -> str:
    """A part of a mail (``emails/<template>.txt``) in ``language``; English where the translation does not fit."""
    translated, english = _texts(template, language)
    try:
        return translated.substitute(values)
    except (KeyError, ValueError):
        log.warning("mail translation does not fit", extra={"kind": template, "language": language.value})
        return english.substitute(values)


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
