"""Write a Hugo site with the same vehicle and per-make pages as ours, from the same synthetic stock, in the same
languages: the peer for the build target.

Each vehicle's YAML becomes one content file's front matter (codes and plain numbers, as in the YAML). Hugo's
multilingual mode builds it in every language: the content folder is mounted once for all of them (a mount's
``sites.matrix``, Hugo ≥ 0.153), as our build reads each vehicle file once and renders it per language. English
is at the root and every other language under /<code>/, as ours. bench/hugo/layouts renders the same fields as
overrides/vehicle.html and stock-make.html, per page and language: each label through Hugo's ``T`` (i18n/<code>.yaml,
written here from our gettext catalogues), each phrase's {placeholders} filled by ``T``, each number by
``lang.FormatNumber`` in the page's locale (the same text as ours in all six languages).
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path
from typing import Any

import yaml
from babel.messages.pofile import read_po

from carjunction.site.languages import LANGUAGES, SOURCE, catalogue_path
from carjunction.site.vehicle_pages import SCHEMA_FUEL
from carjunction.site.words import slug

HERE = Path(__file__).parent
LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
DUMPER = getattr(yaml, "CSafeDumper", yaml.SafeDumper)
LABELS = "site/labels.yaml"
# The templates' own words the Hugo pages show (id → (msgctxt, English)), besides every label of labels.yaml.
TEMPLATE_WORDS: dict[str, tuple[str | None, str]] = {
    "w_stock": (None, "Stock"),
    "w_fob_price": (None, "FOB price"),
    "w_earlier_price": (None, "Earlier price"),
    "w_ask": (None, "Ask about this car"),
    "w_order": (None, "Order this car"),
    "w_specifications": (None, "Specifications"),
    "w_options": (None, "Options"),
    "w_condition": (None, "Condition"),
    "w_other_makes": (None, "Other makes"),
    "nav_stock": ("nav", "Stock"),
    "nav_contact": ("nav", "Contact"),
    "nav_about": ("nav", "About us"),
}
NAV = [("nav_stock", "stock/"), ("nav_contact", "contact/"), ("nav_about", "about/")]
PLACEHOLDER = re.compile(r"\{(\w+)\}")


def all_languages() -> list[str]:
    return list(LANGUAGES)


def i18n_tables(content: Path, languages: list[str]) -> dict[str, dict[str, str]]:
    """Per language, Hugo's i18n table: ``<group>_<key>`` for each label of labels.yaml (the msgstr of
    msgctxt=group, msgid=the English label; English itself for English or an untranslated word), and the
    template words. A phrase's ``{name}`` becomes ``{{ .name }}``, so Hugo's ``T`` fills it as our build's
    ``str.format`` does."""
    labels = yaml.load((content / LABELS).read_text(encoding="utf-8"), Loader=LOADER)  # noqa: S506 - a safe loader
    wanted = {f"{group}_{key}": (group, str(text)) for group, words in labels.items() for key, text in words.items()}
    wanted.update(TEMPLATE_WORDS)
    tables = {}
    for code in languages:
        catalogue = None
        if code != SOURCE:
            with catalogue_path(content, code).open("rb") as source:
                catalogue = read_po(source, abort_invalid=True)
        table = {}
        for name, (context, english) in wanted.items():
            found = catalogue.get(english, context) if catalogue else None
            text = str(found.string) if found is not None and found.string and not found.fuzzy else english
            table[name] = PLACEHOLDER.sub(r"{{ .\1 }}", text)
        tables[code] = table
    return tables


def hugo_config(company: dict[str, Any], languages: list[str]) -> dict[str, Any]:
    return {
        "baseURL": "https://www.carjunction.com/",
        "title": company.get("short_name", company.get("name", "Car Junction")),
        "disableKinds": ["taxonomy", "RSS", "home", "section", "robotsTXT", "404"],
        "disablePathToLower": True,  # /vehicles/BN000001/, as ours
        "capitalizeListTitles": False,  # so the make pages stay at /stock/<slug>/, as ours
        "taxonomies": {"make": "makes"},
        "permalinks": {"term": {"makes": "/stock/:slug/"}},  # the per-make pages, at ours' URLs
        "defaultContentLanguage": SOURCE,
        "defaultContentLanguageInSubdir": False,  # English at the root, the others under /<code>/
        "languages": {
            code: {"label": LANGUAGES[code], "locale": code, "weight": weight}
            for weight, code in enumerate(languages, start=1)
        },
        # One content folder for every language: each vehicle file is read once and built in each language.
        "module": {"mounts": [{"source": "content", "target": "content", "sites": {"matrix": {"languages": ["**"]}}}]},
        "params": {
            "company": {k: str(company.get(k, "")) for k in ("name", "email", "telephone")},
            "nav": [{"key": key, "url": url} for key, url in NAV],
            "schema_fuel": SCHEMA_FUEL,  # schema.org's fuel names (the JSON-LD), as ours
        },
    }


def hugo_site(content: Path, out: Path, languages: list[str] | None = None) -> Path:
    """A Hugo project in ``out`` for the vehicles under ``content``/vehicles, in ``languages`` (all six by
    default; English must be among them)."""
    languages = languages or all_languages()
    if out.exists():
        shutil.rmtree(out)
    (out / "content" / "vehicles").mkdir(parents=True)
    (out / "i18n").mkdir()
    shutil.copytree(HERE / "hugo" / "layouts", out / "layouts")
    company = yaml.load((content / "company.yaml").read_text(encoding="utf-8"), Loader=LOADER)  # noqa: S506
    config = hugo_config(company, languages)
    (out / "hugo.yaml").write_text(yaml.dump(config, Dumper=DUMPER, allow_unicode=True), encoding="utf-8")
    for code, table in i18n_tables(content, languages).items():
        (out / "i18n" / f"{code}.yaml").write_text(
            yaml.dump(table, Dumper=DUMPER, allow_unicode=True, width=1000), "utf-8"
        )
    for source in sorted((content / "vehicles").glob("*.yaml")):
        data = yaml.load(source.read_text(encoding="utf-8"), Loader=LOADER)  # noqa: S506 - a safe loader
        data["title"] = data["stock_no"]  # the shown title is a phrase of the page's language, made by the layout
        data["makes"] = [slug(data["make"])]  # the per-make page's URL, as ours
        front = yaml.dump(data, Dumper=DUMPER, sort_keys=False, allow_unicode=True)
        (out / "content" / "vehicles" / f"{source.stem}.md").write_text(f"---\n{front}---\n", encoding="utf-8")
    return out
