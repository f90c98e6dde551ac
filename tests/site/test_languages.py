"""The built site in six languages: every page in each, marked with its language, linked to its alternates in
the page and in the sitemaps, searchable per language, and free of English words on the other languages' pages."""

from __future__ import annotations

import json
import re
from pathlib import Path
from xml.etree import ElementTree as ET

import pytest
from babel.numbers import format_decimal

from carjunction.catalogue import load_catalogue
from carjunction.site.languages import LANGUAGES, SOURCE, in_language, prefix
from tests.support.language_words import english_left
from tests.support.site_build import ROOT

CONTENT = ROOT / "content"
SITE_URL = "https://www.carjunction.com/"
OTHER_LANGUAGES = [code for code in LANGUAGES if code != SOURCE]
SITEMAP = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
XHTML = "{http://www.w3.org/1999/xhtml}"


def pages(site: Path, code: str) -> list[str]:
    """The URL of every page of one language, from its folder (``fr/stock/``); English excludes the others'."""
    root = site / prefix(code)
    found = []
    for page in root.rglob("index.html"):
        url = page.parent.relative_to(site).as_posix() + "/"
        url = "" if url == "./" else url
        if code == SOURCE and url.split("/")[0] in OTHER_LANGUAGES:
            continue
        found.append(url)
    return sorted(found)


def same_pages(urls: list[str], code: str) -> list[str]:
    return sorted(in_language(url, SOURCE) for url in urls) if code != SOURCE else urls


def sample(site: Path, code: str) -> list[str]:
    """Every hand-written page of a language, one vehicle page and one per-make page."""
    urls = pages(site, code)
    folder = prefix(code)
    vehicles = [u for u in urls if u.startswith(f"{folder}vehicles/")]
    makes = [u for u in urls if u.startswith(f"{folder}stock/") and u != f"{folder}stock/"]
    own = [u for u in urls if u not in vehicles and u not in makes]
    return [*own, vehicles[0], makes[0]]


def html_of(site: Path, url: str) -> str:
    return (site / url / "index.html").read_text(encoding="utf-8")


def visible_text(html: str) -> str:
    """What a buyer reads: the body's text outside scripts, styles, templates' markup and hidden messages kept."""
    body = html.split("<body", 1)[1]
    body = re.sub(r"<(script|style)\b.*?</\1>", " ", body, flags=re.S)
    body = re.sub(r"<[^>]+>", " ", body)
    return re.sub(r"\s+", " ", body)


def test_every_page_exists_in_every_language(real_site: Path) -> None:
    english = pages(real_site, SOURCE)
    assert len(english) > 60
    for code in OTHER_LANGUAGES:
        assert same_pages(pages(real_site, code), code) == english, code
        assert (real_site / prefix(code) / "feed.xml").is_file(), code


def test_each_page_says_its_language(real_site: Path) -> None:
    for code in LANGUAGES:
        for url in sample(real_site, code):
            assert f'<html lang="{code}"' in html_of(real_site, url), url


def test_each_page_links_its_alternates_in_its_head_without_making_the_theme_fetch_sitemaps(real_site: Path) -> None:
    for code in LANGUAGES:
        for url in sample(real_site, code):
            head = html_of(real_site, url).split("</head>", 1)[0]
            links = dict(re.findall(r'<link rel="alternate " hreflang="([a-zA-Z-]+)" href="([^"]+)">', head))
            expected = {other: SITE_URL + in_language(url, other) for other in LANGUAGES}
            assert links == {**expected, "x-default": SITE_URL + in_language(url, SOURCE)}, url
            # Material's bundle fetches <href>/sitemap.xml for each link[rel=alternate] (exact match): none here
            assert 'rel="alternate"' not in head, url


def test_the_language_menu_leads_to_the_same_page_in_each_language(real_site: Path) -> None:
    for code in LANGUAGES:
        for url in sample(real_site, code):
            html = html_of(real_site, url)
            menu = re.findall(r'<a href="([^"]*)" hreflang="([a-z]+)" lang="[a-z]+" data-lang-link', html)
            assert [other for _, other in menu] == list(LANGUAGES), url
            for href, other in menu:
                target = (real_site / url / href).resolve() / "index.html"
                assert target == (real_site / in_language(url, other) / "index.html").resolve(), (url, other)


def test_the_sitemaps_list_every_page_with_its_alternates(real_site: Path) -> None:
    index = ET.parse(real_site / "sitemap.xml").getroot()  # noqa: S314 - the build's own output
    files = [loc.text or "" for loc in index.iter(f"{SITEMAP}loc")]
    assert files == [f"{SITE_URL}sitemap-{code}.xml" for code in LANGUAGES]
    listed: dict[str, dict[str, str]] = {}
    for name in files:
        sitemap = ET.parse(real_site / name.removeprefix(SITE_URL))  # noqa: S314 - the build's own output
        for entry in sitemap.getroot().iter(f"{SITEMAP}url"):
            loc = entry.findtext(f"{SITEMAP}loc") or ""
            alternates = {link.get("hreflang", ""): link.get("href", "") for link in entry.iter(f"{XHTML}link")}
            listed[loc] = alternates
    every_page = {SITE_URL + url for code in LANGUAGES for url in pages(real_site, code)}
    assert set(listed) == every_page
    for loc, alternates in listed.items():
        assert set(alternates) == {*LANGUAGES, "x-default"}, loc
        assert loc in alternates.values(), loc
        for other in LANGUAGES:  # each alternate lists the same set back (search engines ignore one-way links)
            assert listed[alternates[other]] == alternates, (loc, other)


def test_each_language_has_its_own_search_of_the_hand_written_pages(real_site: Path) -> None:
    for code in LANGUAGES:
        index = json.loads((real_site / prefix(code) / "search" / "search_index.json").read_text(encoding="utf-8"))
        locations = {doc["location"].split("#")[0] for doc in index["docs"]}
        hand_written = {in_language(url, SOURCE) for url in sample(real_site, code)[:-2]}
        assert locations == hand_written, code
        assert index["config"]["lang"] == [code if code != "sw" else "en"]  # lunr cannot stem Swahili
        page = html_of(real_site, prefix(code) + "about/")
        found = re.search(r'<script id="__config" type="application/json">(.*?)</script>', page, re.S)
        assert found, code
        config = json.loads(found[1])
        # the theme's search finds the index from the config's base: the language's folder
        assert config["base"] == (".." if code == SOURCE else f"../../{prefix(code)}"), code


@pytest.mark.parametrize("code", OTHER_LANGUAGES)
def test_no_english_sentence_on_a_page_of_another_language(real_site: Path, code: str) -> None:
    # Given the pieces of the site's English sentences that the language's catalogue translates
    for url in sample(real_site, code):
        # Then none of them is on the language's pages
        left = english_left(visible_text(html_of(real_site, url)), code)
        assert left == [], f"{url}: {left[:5]}"


def test_prices_are_written_as_each_language_writes_numbers(real_site: Path) -> None:
    vehicle = next(v for v in load_catalogue(CONTENT).vehicles if v.status.value == "available")
    for code in LANGUAGES:
        html = html_of(real_site, f"{prefix(code)}vehicles/{vehicle.stock_no}/")
        assert format_decimal(vehicle.price_usd, locale=code) in html, code
