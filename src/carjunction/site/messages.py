"""The site's translation catalogues: every word a buyer reads, collected from where staff write it.

``python -m carjunction.site.messages`` (``make messages``) collects the words of the templates (Babel's Jinja
extractor), the hand-written pages (markdown_words.py), the labels for codes (content/site/labels.yaml) and the
navigation (mkdocs.yml) into ``content/site/locales/site.pot``, and brings each language's ``site.po`` up to date
with it: new words are added untranslated, words no longer used are kept as obsolete entries (``#~``) so no
translation is lost. Translators then edit the ``.po`` files with Poedit or Weblate. tests/unit/test_catalogues.py
fails while a word is untranslated, unused, or has different placeholders in some language.
"""

from __future__ import annotations

import argparse
import datetime as dt
import re
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import yaml
from babel.messages.catalog import Catalog, Message
from babel.messages.extract import extract
from babel.messages.pofile import read_po, write_po

from carjunction.catalogue.load import SHIPPING_FILE as PORTS_FILE
from carjunction.site.languages import LANGUAGES, NAV_CONTEXT, SITE_CONTEXT, SOURCE, TEMPLATE_FILE, catalogue_path
from carjunction.site.markdown_words import units
from carjunction.site.settings import COUNTRY_CONTEXT, CURRENCIES_FILE, CURRENCY_CONTEXT, LABELS_FILE

PROJECT = "Car Junction storefront"
THEME_CONTEXT = "theme"  # the catalogues' context of the theme's own settings with words (mkdocs.yml's palette)
COMPANY_CONTEXT = "company"  # and of content/company.yaml's words
COMPANY_FILE = "company.yaml"
# Fixed, so that collecting the same words writes the same files (Babel would write the time of each run).
CREATED = dt.datetime(2026, 12, 1, tzinfo=dt.UTC)
TEMPLATE_KEYWORDS = {"_": None, "gettext": None, "pgettext": ((1, "c"), 2), "ngettext": (1, 2)}
# Folders of content/ that hold no page (mkdocs.yml's exclude_docs), and the other languages' trees.
NOT_PAGES = frozenset({"vehicles", "shipping", "site", "assets", *(code for code in LANGUAGES if code != SOURCE)})
REVIEW_NOTE = (
    "Car Junction storefront: the words of the site in {name}.\n"
    "STATUS: machine-assisted first translation, AWAITING REVIEW BY A NATIVE SPEAKER.\n"
    "Keep FOB, CFR, CIF, RoRo and B/L as they are; keep every {{placeholder}}, %(name)s, tag and link target."
)

# What must be the same in a message and its translation: {js} and %(python)s placeholders, tags, link targets
# and `code`.
PLACEHOLDER = re.compile(r"\{\w+\}|%\(\w+\)s|</?[a-zA-Z][^>]*>|\]\([^)]*\)|`[^`]+`")


Found = tuple[Any, str | None, str, int, str]  # msgid (a string, or singular and plural), context, file, line, note


def placeholders(text: str) -> Counter[str]:
    return Counter(re.sub(r"\s+", " ", found) for found in PLACEHOLDER.findall(text))


def page_files(content_dir: Path) -> Iterator[Path]:
    for path in sorted(content_dir.rglob("*.md")):
        if path.relative_to(content_dir).parts[0] not in NOT_PAGES:
            yield path


def markdown_messages(content_dir: Path, root: Path) -> Iterator[Found]:
    """(msgid, context, file, line, comment) of every hand-written page."""
    for path in page_files(content_dir):
        name = path.relative_to(root).as_posix()
        for unit in units(path.read_text(encoding="utf-8")):
            yield unit.text, None, name, unit.line, ""


def template_messages(templates_dir: Path, root: Path) -> Iterator[Found]:
    for path in sorted(templates_dir.rglob("*.html")):
        name = path.relative_to(root).as_posix()
        with path.open("rb") as template:
            for line, message, comments, context in extract(
                "jinja2.ext:babel_extract",
                template,
                TEMPLATE_KEYWORDS,
                ["Translators:"],
                {"extensions": "jinja2.ext.i18n"},
            ):
                text = message if isinstance(message, str) else tuple(message)  # (singular, plural) of ngettext
                if text:
                    yield text, context, name, line, " ".join(comments)


def label_messages(content_dir: Path, root: Path) -> Iterator[Found]:
    """Each label's English words, in the context of its group (``fuel``, ``spec``...): the same word can mean
    different things in two groups."""
    path = content_dir / LABELS_FILE
    name = path.relative_to(root).as_posix()
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    for group, labels in data.items():
        for key, text in labels.items():
            yield str(text), group, name, 0, f"{group}.{key}"


def data_messages(content_dir: Path, root: Path) -> Iterator[Found]:
    """The names buyers pick in the forms: destination countries and display currencies."""
    for file, group, context in (
        (PORTS_FILE, "countries", COUNTRY_CONTEXT),
        (CURRENCIES_FILE, "currencies", CURRENCY_CONTEXT),
    ):
        path = content_dir / file
        for record in yaml.safe_load(path.read_text(encoding="utf-8")).get(group, []):
            yield str(record["name"]), context, path.relative_to(root).as_posix(), 0, f"{context} {record['code']}"


def navigation_messages(config_file: Path, root: Path) -> Iterator[Found]:
    config = yaml.load(config_file.read_text(encoding="utf-8"), Loader=yaml.BaseLoader)  # noqa: S506 - no tags built
    name = config_file.relative_to(root).as_posix()
    for entry in config.get("nav", []):
        for title in entry:
            yield title, NAV_CONTEXT, name, 0, "a title in the site's menu"
    if config.get("site_description"):
        yield config["site_description"], SITE_CONTEXT, name, 0, "the site's description, for search engines"
    for option in config.get("theme", {}).get("palette", []):
        if option.get("toggle", {}).get("name"):
            yield option["toggle"]["name"], THEME_CONTEXT, name, 0, "the colour-scheme button's name"


def company_messages(content_dir: Path, root: Path) -> Iterator[Found]:
    """The company's words in content/company.yaml (its tagline on the home page); names and numbers are not."""
    path = content_dir / COMPANY_FILE
    company = yaml.safe_load(path.read_text(encoding="utf-8"))
    yield company["tagline"], COMPANY_CONTEXT, path.relative_to(root).as_posix(), 0, "the company's tagline"


def collect(root: Path) -> Catalog:
    """The catalogue template: every word of the site at ``root`` (the folder of mkdocs.yml)."""
    content_dir = root / "content"
    template = Catalog(project=PROJECT, domain="site", fuzzy=False, creation_date=CREATED)
    sources = (
        markdown_messages(content_dir, root),
        template_messages(root / "overrides", root),
        label_messages(content_dir, root),
        data_messages(content_dir, root),
        navigation_messages(root / "mkdocs.yml", root),
        company_messages(content_dir, root),
    )
    for source in sources:
        for text, context, name, line, comment in source:
            found = template.get(text, context)
            if found is None:
                comments = [comment] if comment else []
                template.add(text, locations=[(name, line)], auto_comments=comments, context=context)
            elif (name, line) not in found.locations:
                found.locations.append((name, line))
    return template


def updated(template: Catalog, existing: Catalog | None, code: str) -> Catalog:
    catalogue = existing or Catalog(
        locale=code, project=PROJECT, domain="site", fuzzy=False, creation_date=CREATED, revision_date=CREATED
    )
    catalogue.update(template, no_fuzzy_matching=True, update_creation_date=False)
    catalogue.header_comment = "\n".join(f"# {line}" for line in REVIEW_NOTE.format(name=LANGUAGES[code]).split("\n"))
    return catalogue


def translations(catalogue: Catalog) -> dict[tuple[str, str | None], Message]:
    """The catalogue's active entries (not obsolete, not the header), by (msgid, context); a message with plural
    forms by its singular."""
    return {(singular(m), m.context): m for m in catalogue if m.id}


def singular(message: Message) -> str:
    return str(message.id[0] if isinstance(message.id, tuple | list) else message.id)


def texts(message: Message) -> list[str]:
    """The message's English texts: its msgid, or its singular and plural."""
    return [str(text) for text in message.id] if isinstance(message.id, tuple | list) else [str(message.id)]


def translated_texts(message: Message) -> list[str]:
    """The translation's texts: one, or one per plural form of the language."""
    return (
        [str(text or "") for text in message.string]
        if isinstance(message.string, tuple | list)
        else [str(message.string or "")]
    )


def write(path: Path, catalogue: Catalog) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("wb") as out:
        write_po(out, catalogue, width=120, sort_by_file=False, include_lineno=True)


def read(path: Path) -> Catalog | None:
    if not path.is_file():
        return None
    with path.open("rb") as source:
        return read_po(source, abort_invalid=True)


def update_catalogues(root: Path, codes: list[str] | None = None) -> list[Path]:
    """Write the template and bring the catalogues of ``codes`` (every language's by default) up to date; the
    files written."""
    content_dir = root / "content"
    template = collect(root)
    written = []
    if codes is None:  # the whole set; one language's update leaves the shared template to the whole update
        written.append(content_dir / TEMPLATE_FILE)
        write(written[0], template)
    for code in codes or LANGUAGES:
        if code == SOURCE:
            continue
        path = catalogue_path(content_dir, code)
        write(path, updated(template, read(path), code))
        written.append(path)
    return written


def main() -> None:
    parser = argparse.ArgumentParser(description="Collect the site's words and update the translation catalogues.")
    parser.add_argument("root", nargs="?", type=Path, default=Path.cwd(), help="the folder of mkdocs.yml")
    parser.add_argument("--only", action="append", choices=[c for c in LANGUAGES if c != SOURCE], help="a language")
    arguments = parser.parse_args()
    for path in update_catalogues(arguments.root, arguments.only):
        print(path)


if __name__ == "__main__":
    main()
