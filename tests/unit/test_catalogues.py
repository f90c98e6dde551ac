"""Every word a buyer reads is in each language's catalogue, with the same placeholders, and nothing unused.

The catalogues are content/site/locales/<code>/LC_MESSAGES/site.po; `make messages` collects the words into
them (src/carjunction/site/messages.py) and translators fill them in.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from babel.messages.catalog import Catalog

from carjunction.site.languages import LANGUAGES, SOURCE, TEMPLATE_FILE, catalogue_path, load_languages
from carjunction.site.messages import collect, placeholders, read, texts, translated_texts, translations

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
    # Every form of a message with plural forms too: Russian has three, French's CLDR rule three
    found = catalogue(code)
    known = translations(found)
    forms = found.num_plurals
    missing = []
    for key, message in translations(template).items():
        entry = known.get(key)
        texts = translated_texts(entry) if entry is not None else []
        plural = isinstance(message.id, tuple | list)
        if entry is None or entry.fuzzy or not all(texts) or (plural and len(texts) != forms):
            missing.append(named(key))
    assert missing == [], f"{code}: {len(missing)} untranslated (run `make messages`, then translate): {missing[:10]}"


@pytest.mark.parametrize("code", OTHER_LANGUAGES)
def test_no_word_in_a_catalogue_is_unused(template: Catalog, code: str) -> None:
    used = translations(template)
    unused = [named(key) for key in translations(catalogue(code)) if key not in used]
    assert unused == [], f"{code}: entries no page uses (run `make messages` to make them obsolete): {unused[:10]}"


@pytest.mark.parametrize("code", OTHER_LANGUAGES)
def test_a_translation_keeps_the_placeholders_tags_and_links_of_its_message(code: str) -> None:
    differing = []
    for key, message in translations(catalogue(code)).items():
        expected = placeholders(texts(message)[-1])  # the plural's, for each plural form
        for text in translated_texts(message):
            if text and placeholders(text) != expected:
                differing.append(
                    f"{named(key)}: {sorted(expected.elements())} ≠ {sorted(placeholders(text).elements())}"
                )
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
