"""The six languages the site speaks, where each one's pages live, and its translation catalogue.

English is the source language: its pages are at the site's root and its words are the catalogues' msgids. Every
other language has a tree of the same pages under its code (``fr/vehicles/CJ26001/``) and a gettext catalogue,
``content/site/locales/<code>/LC_MESSAGES/site.po``, that translators edit with Poedit or Weblate, never code.
"""

from __future__ import annotations

import gettext
import io
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

SOURCE = "en"
# Each language's own name for itself, as the language menu shows it.
LANGUAGES: dict[str, str] = {
    "en": "English",
    "fr": "Français",
    "pt": "Português",
    "es": "Español",
    "ru": "Русский",
    "sw": "Kiswahili",
}
LOCALES_DIR = "site/locales"  # under content/, beside labels.yaml
DOMAIN = "site"
TEMPLATE_FILE = f"{LOCALES_DIR}/{DOMAIN}.pot"
NAV_CONTEXT = "nav"  # the catalogues' context of the navigation's titles (mkdocs.yml)
SITE_CONTEXT = "site"  # and of mkdocs.yml's site_description


def catalogue_path(content_dir: Path, code: str) -> Path:
    return content_dir / LOCALES_DIR / code / "LC_MESSAGES" / f"{DOMAIN}.po"


def prefix(code: str) -> str:
    """The folder of a language's pages: "" for English (the root), "fr/" for French."""
    return "" if code == SOURCE else f"{code}/"


def language_of(url: str) -> str:
    """The language of the page at ``url`` (a site path without its leading slash, as MkDocs gives it)."""
    head = url.lstrip("/").partition("/")[0]
    return head if head in LANGUAGES and head != SOURCE else SOURCE


@lru_cache(maxsize=4096)  # templates ask for the same few pages' links on every page
def in_language(url: str, code: str) -> str:
    """The same page as ``url`` in language ``code``: ``fr/stock/`` → ``sw/stock/``, ``stock/`` → ``fr/stock/``."""
    path = url.lstrip("/")
    here = language_of(path)
    if here != SOURCE:
        path = path[len(prefix(here)) :]
    return prefix(code) + path


class CatalogueFileError(Exception):
    """A translation catalogue that cannot be read; the message names the file."""


@dataclass(frozen=True)
class Language:
    """One language of the site: its code, its name, and its words (gettext's translations)."""

    code: str
    translations: gettext.NullTranslations

    @property
    def name(self) -> str:
        return LANGUAGES[self.code]

    @property
    def prefix(self) -> str:
        return prefix(self.code)

    @property
    def is_source(self) -> bool:
        return self.code == SOURCE

    def gettext(self, message: str) -> str:
        return self.translations.gettext(message) if message else message

    def pgettext(self, context: str, message: str) -> str:
        return self.translations.pgettext(context, message) if message else message


def read_translations(path: Path) -> gettext.GNUTranslations:
    """A .po file as gettext's translations (compiled in memory by Babel: no .mo files in git).

    Fuzzy entries (a translator's guess awaiting review) are left out, as gettext tools do."""
    from babel.messages.mofile import write_mo  # noqa: PLC0415 - the site build's dependency, not the API's
    from babel.messages.pofile import read_po  # noqa: PLC0415

    try:
        with path.open("rb") as source:
            catalogue = read_po(source, abort_invalid=True)
    except (OSError, ValueError, SyntaxError) as error:
        raise CatalogueFileError(f"{path}: {error}") from error
    compiled = io.BytesIO()
    write_mo(compiled, catalogue, use_fuzzy=False)
    compiled.seek(0)
    return gettext.GNUTranslations(compiled)


def load_languages(content_dir: Path, codes: Iterable[str] = LANGUAGES) -> list[Language]:
    """The languages ``codes`` with their catalogues; English first, with no catalogue (its words are the msgids)."""
    languages = []
    for code in codes:
        if code not in LANGUAGES:
            raise CatalogueFileError(f"no language {code!r}; the site speaks {', '.join(LANGUAGES)}")
        if code == SOURCE:
            languages.append(Language(code, gettext.NullTranslations()))
            continue
        path = catalogue_path(content_dir, code)
        if not path.is_file():
            raise CatalogueFileError(f"{path}: the catalogue of {LANGUAGES[code]} is missing")
        languages.append(Language(code, read_translations(path)))
    if not any(language.is_source for language in languages):
        raise CatalogueFileError(f"the site's languages must include {LANGUAGES[SOURCE]}, the language of its pages")
    return sorted(languages, key=lambda language: not language.is_source)
