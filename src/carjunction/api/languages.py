"""The languages a buyer's mails are written in: the site's six (carjunction.site.languages, which the API does not
import: it pulls in the site build). tests/api/test_mail_languages.py holds the two lists equal."""

from __future__ import annotations

from enum import StrEnum

from carjunction.api.store.db import Item


class Language(StrEnum):
    EN = "en"
    FR = "fr"
    PT = "pt"
    ES = "es"
    RU = "ru"
    SW = "sw"


SOURCE = Language.EN
# How staff mails (always English) name the buyer's language.
ENGLISH_NAMES: dict[Language, str] = {
    Language.EN: "English",
    Language.FR: "French",
    Language.PT: "Portuguese",
    Language.ES: "Spanish",
    Language.RU: "Russian",
    Language.SW: "Swahili",
}


def language_of(item: Item) -> Language:
    """A stored record's language; English for records from before languages, or anything not a language."""
    try:
        return Language(str(item.get("language") or SOURCE))
    except ValueError:
        return SOURCE


def in_language(page: str, language: Language) -> str:
    """A site path in that language's tree: ``/members/sign-in/`` → ``/fr/members/sign-in/`` (English at the root)."""
    return page if language == SOURCE else f"/{language.value}{page}"


def named(language: Language) -> str:
    """``Swahili (sw)``, as a staff mail says it."""
    return f"{ENGLISH_NAMES[language]} ({language.value})"
