"""The site's other languages as MkDocs publishes them: the hand-written pages and the navigation in each language,
the sitemaps with every page's alternates, and one search index per language.

This module, plugin.py, render.py and render_processes.py are the ones that know the MkDocs API.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from xml.sax.saxutils import quoteattr

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.structure.files import File, Files
from mkdocs.structure.nav import Navigation
from mkdocs.structure.pages import Page

from carjunction.site.languages import LANGUAGES, SOURCE, Language, in_language, language_of, prefix
from carjunction.site.markdown_words import translated

NOT_IN_SITEMAP = frozenset({"404.html"})
SITEMAP_INDEX = "sitemap.xml"
# Languages whose words Material's search (lunr) can stem; the others are searched with the English settings.
STEMMED = frozenset({"en", "fr", "pt", "es", "ru"})
SEARCH_INDEX = "search/search_index.json"


@dataclass(frozen=True)
class TranslatedPage:
    path: str  # under the docs folder: fr/members/join.md
    content: str


def translated_pages(documents: Sequence[File], languages: Iterable[Language]) -> Iterator[TranslatedPage]:
    """Each hand-written English page in each of ``languages``: its words translated, everything else as it is."""
    sources = [(file.src_uri, Path(str(file.abs_src_path)).read_text(encoding="utf-8")) for file in english(documents)]
    for language in languages:
        for path, source in sources:
            yield TranslatedPage(language.prefix + path, translated(source, language.gettext, language.prefix))


def english(documents: Sequence[File]) -> Iterator[File]:
    for file in documents:
        if file.abs_src_path is not None and language_of(file.src_uri) == SOURCE:
            yield file


def nav_entries(config: MkDocsConfig) -> list[tuple[str, str]]:
    """mkdocs.yml's navigation as (title, page) pairs; it is one level, as the shop's menu is."""
    entries = []
    for entry in config.nav or []:
        if not isinstance(entry, dict) or len(entry) != 1:
            raise PluginError(f"carjunction: a navigation entry must be `Title: page.md`, not {entry!r}")
        ((title, path),) = entry.items()
        if not isinstance(path, str):
            raise PluginError(f"carjunction: the navigation's sections are not translated: {title!r} holds a list")
        entries.append((str(title), path))
    return entries


def language_navigation(entries: Sequence[tuple[str, str]], files: Files, folder: str) -> Navigation:
    """The navigation of the language whose pages are in ``folder``: the same entries, its own pages (titled in
    its words when on_files made them), linked previous and next as MkDocs links the English ones."""
    pages: list[Page] = []
    for _, path in entries:
        found = files.get_file_from_path(folder + path)
        if found is None or not isinstance(found.page, Page):
            raise PluginError(f"carjunction: the navigation's page {folder + path} was not made")
        pages.append(found.page)
    for before, page, after in zip([None, *pages[:-1]], pages, [*pages[1:], None], strict=True):
        page.previous_page, page.next_page = before, after
    navigation = Navigation(list(pages), pages)
    navigation.homepage = next((page for page in pages if page.url == folder), None)
    return navigation


def write_sitemaps(site_dir: Path, site_url: str, urls: Iterable[str]) -> list[str]:
    """One sitemap per language, each page with its alternates in every language (and x-default, English), under
    a sitemap index at sitemap.xml: 10,000 vehicles in six languages are more pages than one sitemap may hold
    (50,000). The names of the files written."""
    by_language: dict[str, list[str]] = {code: [] for code in LANGUAGES}
    for listed in urls:
        url = "" if listed == "./" else listed  # MkDocs' URL of the home page
        by_language[language_of(url)].append(url)
    names = []
    for code, pages in by_language.items():
        if not pages:
            continue
        name = f"sitemap-{code}.xml"
        with (site_dir / name).open("w", encoding="utf-8") as out:
            out.write(
                '<?xml version="1.0" encoding="UTF-8"?>\n'
                '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9" '
                'xmlns:xhtml="http://www.w3.org/1999/xhtml">\n'
            )
            for url in pages:
                out.write(sitemap_entry(site_url, url))
            out.write("</urlset>\n")
        names.append(name)
    index = "".join(f"  <sitemap><loc>{site_url}{name}</loc></sitemap>\n" for name in names)
    (site_dir / SITEMAP_INDEX).write_text(
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        f'<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n{index}</sitemapindex>\n',
        encoding="utf-8",
    )
    (site_dir / f"{SITEMAP_INDEX}.gz").unlink(missing_ok=True)  # MkDocs' single sitemap, replaced by the index
    return [SITEMAP_INDEX, *names]


def sitemap_entry(site_url: str, url: str) -> str:
    links = "".join(
        f'    <xhtml:link rel="alternate" hreflang="{code}" href={quoteattr(site_url + in_language(url, code))}/>\n'
        for code in LANGUAGES
    )
    default = quoteattr(site_url + in_language(url, SOURCE))
    return (
        f"  <url>\n    <loc>{site_url}{url}</loc>\n{links}"
        f'    <xhtml:link rel="alternate" hreflang="x-default" href={default}/>\n  </url>\n'
    )


def split_search_index(site_dir: Path, languages: Iterable[Language]) -> None:
    """Material's search index, made of every hand-written page, as one index per language in its folder
    (``fr/search/search_index.json``): a French buyer searches the French pages, stemmed as French.

    Each page's location is made relative to its language's folder, where the page's config points the search
    (``base`` in main.html)."""
    path = site_dir / SEARCH_INDEX
    if not path.is_file():
        return
    index = json.loads(path.read_text(encoding="utf-8"))
    for language in languages:
        docs = [
            {**doc, "location": doc["location"][len(language.prefix) :]}
            for doc in index["docs"]
            if language_of(doc["location"]) == language.code
        ]
        config = {**index["config"], "lang": [language.code if language.code in STEMMED else SOURCE]}
        target = site_dir / prefix(language.code) / SEARCH_INDEX
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(json.dumps({"config": config, "docs": docs}, ensure_ascii=False), encoding="utf-8")
