"""Every word a buyer reads is in each language's catalogue, with the same placeholders, and nothing unused.

The catalogues are content/site/locales/<code>/LC_MESSAGES/site.po; `make messages` collects the words into
them (src/carjunction/site/messages.py) and translators fill them in.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from babel.messages.catalog import Catalog

from carjunction.site.languages import LANGUAGES, SOURCE, TEMPLATE_FILE, catalogue_path, load_languages
from carjunction.site.messages import collect, placeholders, read, translations

ROOT = Path(__file__).parents[2]
CONTENT = ROOT / "content"
OTHER_LANGUAGES = [code for code in LANGUAGES if code != SOURCE]


@pytest.fixture(scope="module")
def template() -> Catalog:
    return collect(ROOT)


def catalogue(code: str) -> Catalog:
    found = read(catalogue_path(CONTENT, code))
    assert found is not None, f"{code}: no catalogue; run `make messages`"
    return found


def named(key: tuple[str, str | None]) -> str:
    text, context = key
    return f"[{context}] {text[:80]}" if context else text[:80]


def test_the_template_file_holds_the_words_the_site_uses_now(template: Catalog) -> None:
    # Given the template translators' tools read (site.pot), When it is compared with the words collected now,
    # Then it is not stale: `make messages` was run after the last change of words.
    committed = read(CONTENT / TEMPLATE_FILE)
    assert committed is not None
    assert sorted(map(named, translations(committed))) == sorted(map(named, translations(template)))


@pytest.mark.parametrize("code", OTHER_LANGUAGES)
def test_every_word_is_translated(template: Catalog, code: str) -> None:
    known = translations(catalogue(code))
    missing = [
        named(key) for key in translations(template) if key not in known or not known[key].string or known[key].fuzzy
    ]
    assert missing == [], f"{code}: {len(missing)} untranslated (run `make messages`, then translate): {missing[:10]}"


@pytest.mark.parametrize("code", OTHER_LANGUAGES)
def test_no_word_in_a_catalogue_is_unused(template: Catalog, code: str) -> None:
    used = translations(template)
    unused = [named(key) for key in translations(catalogue(code)) if key not in used]
    assert unused == [], f"{code}: entries no page uses (run `make messages` to make them obsolete): {unused[:10]}"


@pytest.mark.parametrize("code", OTHER_LANGUAGES)
def test_a_translation_keeps_the_placeholders_tags_and_links_of_its_message(code: str) -> None:
    differing = [
        f"{named(key)}: {sorted(placeholders(key[0]).elements())} ≠ {sorted(placeholders(str(m.string)).elements())}"
        for key, m in translations(catalogue(code)).items()
        if m.string and placeholders(key[0]) != placeholders(str(m.string))
    ]
    assert differing == [], f"{code}: " + "\n".join(differing[:10])


def test_the_catalogues_say_they_await_review_by_a_native_speaker() -> None:
    for code in OTHER_LANGUAGES:
        assert "AWAITING REVIEW BY A NATIVE SPEAKER" in catalogue(code).header_comment, code


def test_the_catalogues_load_as_the_build_loads_them() -> None:
    # When the build reads every catalogue, Then each language translates with its own words.
    languages = {language.code: language for language in load_languages(CONTENT)}
    assert list(languages) == list(LANGUAGES)
    assert languages[SOURCE].gettext("Stock") == "Stock"
    translated = {code: languages[code].pgettext("nav", "How to buy") for code in OTHER_LANGUAGES}
    assert all(text and text != "How to buy" for text in translated.values()), translated


def test_a_placeholder_dropped_by_a_translation_is_seen() -> None:
    # The check itself can fail: a lost {email}, a changed link target and a lost tag are each a difference.
    assert placeholders("Sent to {email}.") != placeholders("Envoyé.")
    assert placeholders("[Join](members/join.md)") != placeholders("[Adhérer](members/joindre.md)")
    assert placeholders("<strong>Never</strong> pay") != placeholders("Ne payez jamais")
    assert placeholders('<a href="./">again</a>, %(n)s') == placeholders('%(n)s, <a href="./">encore</a>')
