"""The mails' catalogues (domain ``mail``, src/carjunction/api/locales/): every buyer's mail translated whole in every
language with the same $placeholders, nothing unused, and each committed mail.mo exactly what its mail.po compiles to,
since the API reads the .mo files without Babel. `make messages` writes them (carjunction.api.mail_messages)."""

from __future__ import annotations

import gettext
import shutil
from pathlib import Path
from string import Template

import pytest
from babel.messages.catalog import Catalog
from babel.messages.mofile import write_mo

from carjunction.api import mail_messages
from carjunction.api.languages import ENGLISH_NAMES, SOURCE, Language
from carjunction.api.mail import render
from carjunction.api.mail_messages import TRANSLATED, buyer_mails, catalogue_path, collect, compiled, placeholders, read
from carjunction.site.languages import LANGUAGES as SITE_LANGUAGES
from tests.infra.test_artefact import code_uri, make
from tests.support.api import ROOT

EMAILS = ROOT / "src/carjunction/api/emails"


def catalogue(language: Language) -> Catalog:
    found = read(catalogue_path(language))
    assert found is not None, f"{language}: no mail catalogue; run `make messages`"
    return found


def active(found: Catalog) -> dict[str, str]:
    """{msgid: msgstr} of the entries in use (not the header, not obsolete)."""
    return {str(m.id): str(m.string or "") for m in found if m.id}


def test_the_api_speaks_the_site_s_six_languages() -> None:
    assert [language.value for language in Language] == list(SITE_LANGUAGES)
    assert SOURCE.value == "en" and set(ENGLISH_NAMES) == set(Language)


def test_every_buyer_mail_and_no_staff_mail_is_in_the_template() -> None:
    # Given the mails on disk, When collected, Then the buyers' mails are the msgids, whole, and staff's are not
    names = {path.stem for path in EMAILS.glob("*.txt")}
    assert {"inquiry_staff", "order_staff"} <= names
    template = active(collect())
    assert set(template) == set(buyer_mails().values())
    assert {name for name in names if not name.endswith("_staff")} == set(buyer_mails())
    # And the committed template is current
    committed = read(ROOT / "src/carjunction/api/locales/mail.pot")
    assert committed is not None and set(active(committed)) == set(template), "run `make messages`"


@pytest.mark.parametrize("language", TRANSLATED)
def test_every_buyer_mail_is_translated_whole_with_the_same_placeholders(language: Language) -> None:
    found = catalogue(language)
    entries = active(found)
    for name, english in buyer_mails().items():
        translated = entries.get(english, "")
        # Translated, not fuzzy, not English
        assert translated and not found[english].fuzzy, f"{language}: {name} is not translated"
        assert translated != english, f"{language}: {name} is English"
        # The same $placeholders, and no stray $ that render() could not fill
        assert placeholders(translated) == placeholders(english), f"{language}: {name}"
        # A subject line, then the body; ends as the English does
        subject, _, body = translated.partition("\n")
        assert subject.strip() and body.strip(), f"{language}: {name}"
        assert translated.endswith("\n") == english.endswith("\n")


@pytest.mark.parametrize("language", TRANSLATED)
def test_no_entry_of_a_mail_catalogue_is_unused(language: Language) -> None:
    used = set(buyer_mails().values())
    unused = [msgid.partition("\n")[0] for msgid in active(catalogue(language)) if msgid not in used]
    assert unused == [], f"{language}: entries no mail uses (run `make messages` to make them obsolete): {unused}"


@pytest.mark.parametrize("language", TRANSLATED)
def test_each_committed_mo_is_what_babel_compiles_from_its_po(language: Language) -> None:
    po = catalogue_path(language)
    assert po.with_suffix(".mo").read_bytes() == compiled(po), f"{language}: mail.mo is stale; run `make messages`"


def test_the_catalogues_say_they_await_review_by_a_native_speaker() -> None:
    for language in TRANSLATED:
        assert "AWAITING REVIEW BY A NATIVE SPEAKER" in catalogue(language).header_comment, language


@pytest.mark.parametrize("language", TRANSLATED)
def test_every_buyer_mail_renders_in_each_language_from_the_compiled_catalogue(language: Language) -> None:
    # Given every placeholder filled with a marker, When rendered as the API does (standard library, .mo)
    for name, english in buyer_mails().items():
        values = {key: f"<{key}>" for key in Template(english).get_identifiers()}
        mail = render(name, "buyer@example.com", language=language, **values)
        # Then it is the translation, not the English, with every value in it
        in_english = render(name, "buyer@example.com", **values)
        assert mail.subject and mail.body != in_english.body, f"{language}: {name}"
        assert all(value in mail.subject + mail.body for value in values.values()), f"{language}: {name}"


def test_a_staff_mail_stays_english_whatever_the_language() -> None:
    values = dict.fromkeys(Template((EMAILS / "order_staff.txt").read_text()).get_identifiers(), "x")
    assert render("order_staff", "staff@example.com", language=Language.FR, **values).subject.startswith("New order")


def test_a_translation_that_does_not_fit_its_mail_falls_back_to_english(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Given a catalogue whose translation names a placeholder the mail does not fill (the tests above forbid it)
    english = buyer_mails()["sign_in_link"]
    broken = Catalog(locale="fr", domain="mail")
    broken.add(english, "Lien $nowhere\nCorps $link\n")
    mo = tmp_path / "mail.mo"
    with mo.open("wb") as out:
        write_mo(out, broken)
    with mo.open("rb") as file:
        bad = gettext.GNUTranslations(file)
    monkeypatch.setattr("carjunction.api.mail.translations", lambda language: bad)
    # When the mail is rendered, Then the buyer still gets it, in English
    mail = render("sign_in_link", "buyer@example.com", language=Language.FR, company="C", link="https://l")
    assert mail.subject == "Your sign-in link for C"


def test_the_lambda_artefact_holds_the_compiled_catalogues(tmp_path: Path) -> None:
    # Given the artefact built as `sam build` builds it (the CodeUri copied with its links followed)
    scratch = tmp_path / "src"
    shutil.copytree(code_uri("RegisterFunction"), scratch, symlinks=False)
    built = tmp_path / "artefact"
    built.mkdir()
    make("lambda-code", scratch, built)
    # Then each language's mail.mo is in it, and reads with the standard library alone
    for language in TRANSLATED:
        mo = built / "carjunction/api/locales" / language.value / "LC_MESSAGES/mail.mo"
        with mo.open("rb") as file:
            words = gettext.GNUTranslations(file)
        english = buyer_mails()["sign_up"]
        assert words.gettext(english) == active(catalogue(language))[english]


def test_collecting_writes_the_files_make_messages_commits(tmp_path: Path) -> None:
    # Given a copy of the mails and catalogues, When collected and compiled again, Then nothing changes
    api_dir = tmp_path / "api"
    shutil.copytree(EMAILS, api_dir / "emails")
    shutil.copytree(ROOT / "src/carjunction/api/locales", api_dir / "locales")
    written = mail_messages.update_catalogues(api_dir)
    for path in written:
        committed = ROOT / "src/carjunction/api" / path.relative_to(api_dir)
        assert path.read_bytes() == committed.read_bytes(), path.relative_to(api_dir)
