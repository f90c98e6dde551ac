"""The mails' translation catalogues: each buyer's mail in every language of the site.

``python -m carjunction.api.mail_messages`` (part of ``make messages``) collects the English mails,
``emails/*.txt``, into ``locales/mail.pot``, one msgid per mail (subject line and body, so that a translator
translates a mail whole), brings each language's ``locales/<code>/LC_MESSAGES/mail.po`` up to date with it (a new or
changed mail untranslated, a mail no longer sent kept as obsolete), and compiles each into the ``mail.mo`` that
``mail.render`` reads at run time without Babel. Staff mails (``*_staff.txt``) stay English and out of the
catalogues. tests/api/test_mail_languages.py fails while a mail is untranslated, a translation's ``$placeholders``
differ, or a committed ``mail.mo`` is not what its ``mail.po`` compiles to.

Needs Babel (the dev and site extras), never at run time.
"""

from __future__ import annotations

import argparse
import datetime as dt
import io
from pathlib import Path
from string import Template

from babel.messages.catalog import Catalog
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po, write_po

from carjunction.api.languages import ENGLISH_NAMES, SOURCE, Language
from carjunction.api.mail import DOMAIN

API_DIR = Path(__file__).resolve().parent
PROJECT = "Car Junction storefront"
# Fixed, so that collecting the same mails writes the same files (Babel would write the time of each run).
CREATED = dt.datetime(2026, 12, 1, tzinfo=dt.UTC)
STAFF_SUFFIX = "_staff"
REVIEW_NOTE = (
    "Car Junction storefront: the e-mails to buyers in {name}.\n"
    "STATUS: machine-assisted first translation, AWAITING REVIEW BY A NATIVE SPEAKER.\n"
    "Each entry is one whole mail: its first line is the subject. Keep FOB, CFR, CIF, RoRo, B/L, company names and\n"
    "e-mail addresses as they are, and every $placeholder exactly as written."
)
TRANSLATED = [language for language in Language if language != SOURCE]


def template_path(api_dir: Path = API_DIR) -> Path:
    return api_dir / "locales" / f"{DOMAIN}.pot"


def catalogue_path(language: Language, api_dir: Path = API_DIR) -> Path:
    return api_dir / "locales" / language.value / "LC_MESSAGES" / f"{DOMAIN}.po"


def buyer_mails(api_dir: Path = API_DIR) -> dict[str, str]:
    """{name: English text} of every mail a buyer receives, by file name."""
    return {
        path.stem: path.read_text(encoding="utf-8")
        for path in sorted((api_dir / "emails").glob("*.txt"))
        if not path.stem.endswith(STAFF_SUFFIX)
    }


def placeholders(text: str) -> set[str]:
    """The ``$names`` a mail's text fills in; ValueError for a ``$`` that is not one (``render`` would fail)."""
    template = Template(text)
    if not template.is_valid():
        raise ValueError("a $ that is not a placeholder (write $$ for a dollar sign)")
    return set(template.get_identifiers())


def collect(api_dir: Path = API_DIR) -> Catalog:
    template = Catalog(project=PROJECT, domain=DOMAIN, fuzzy=False, creation_date=CREATED)
    for name, text in buyer_mails(api_dir).items():
        names = ", ".join(f"${p}" for p in sorted(placeholders(text)))
        note = f"The whole {name} mail; its first line is the subject. Keep these as they are: {names}."
        template.add(text, locations=[(f"emails/{name}.txt", 1)], auto_comments=[note])
    return template


def updated(template: Catalog, existing: Catalog | None, language: Language) -> Catalog:
    catalogue = existing or Catalog(
        locale=language.value,
        project=PROJECT,
        domain=DOMAIN,
        fuzzy=False,
        creation_date=CREATED,
        revision_date=CREATED,
    )
    catalogue.update(template, no_fuzzy_matching=True, update_creation_date=False)
    note = REVIEW_NOTE.format(name=ENGLISH_NAMES[language])
    catalogue.header_comment = "\n".join(f"# {line}" for line in note.split("\n"))
    return catalogue


def read(path: Path) -> Catalog | None:
    if not path.is_file():
        return None
    with path.open("rb") as source:
        return read_po(source, abort_invalid=True)


def write(path: Path, catalogue: Catalog) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("wb") as out:
        write_po(out, catalogue, width=120, sort_by_file=False, include_lineno=False)


def compiled(po_path: Path) -> bytes:
    """What ``mail.mo`` must hold: the ``.po`` file as Babel reads it, compiled (fuzzy entries left out)."""
    catalogue = read(po_path)
    if catalogue is None:
        raise FileNotFoundError(po_path)
    out = io.BytesIO()
    write_mo(out, catalogue, use_fuzzy=False)
    return out.getvalue()


def update_catalogues(api_dir: Path = API_DIR, languages: list[Language] | None = None) -> list[Path]:
    """Write the template, and update and compile the catalogues of ``languages`` (all by default); the files
    written."""
    template = collect(api_dir)
    written = []
    if languages is None:
        written.append(template_path(api_dir))
        write(written[0], template)
    for language in languages or TRANSLATED:
        po_path = catalogue_path(language, api_dir)
        write(po_path, updated(template, read(po_path), language))
        mo_path = po_path.with_suffix(".mo")
        mo_path.write_bytes(compiled(po_path))
        written += [po_path, mo_path]
    return written


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="Collect the buyers' mails and update their translation catalogues.")
    parser.add_argument("--only", action="append", choices=[language.value for language in TRANSLATED])
    arguments = parser.parse_args(argv)
    chosen = [Language(code) for code in arguments.only] if arguments.only else None
    for path in update_catalogues(API_DIR, chosen):
        print(path)


if __name__ == "__main__":
    main()
