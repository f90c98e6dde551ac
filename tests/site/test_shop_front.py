"""The shop front in the built site: the brand mark and favicon are our own files, every page carries the
header's links, and the words that name company facts show the numbers from content/company.yaml."""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path
from urllib.parse import urljoin, urlparse

import yaml

from carjunction.catalogue import load_catalogue
from carjunction.site.languages import LANGUAGES, SOURCE, Language, language_of, load_languages, prefix
from tests.support.site_build import ROOT

CONTENT = ROOT / "content"
COMPANY = yaml.safe_load((CONTENT / "company.yaml").read_text(encoding="utf-8"))
HEADER_LINKS = {
    "Stock": "stock/",
    "How to buy": "how-to-buy/",
    "Contact": "contact/",
    "Join": "members/join/",
    "Sign in": "members/sign-in/",
    "My account": "members/account/",
}


def pages_of(site: Path) -> list[Path]:
    """Every hand-written page in every language, the 404 page, and one vehicle and one per-make page in each."""
    found = [site / "404.html"]
    for code in LANGUAGES:
        root = site / prefix(code)
        others = tuple(f"{other}/" for other in LANGUAGES if code == SOURCE and other != SOURCE)
        own = [
            p
            for p in root.rglob("index.html")
            if not p.relative_to(root).as_posix().startswith(("vehicles/", "stock/", *others))
        ]
        vehicle = next((root / "vehicles").glob("*/index.html"))
        make = next(p for p in (root / "stock").glob("*/index.html"))
        found += [*own, root / "stock" / "index.html", vehicle, make]
    return found


def language_of_page(site: Path, page: Path) -> Language:
    return languages()[language_of(page.relative_to(site).as_posix())]


@cache
def languages() -> dict[str, Language]:
    return {language.code: language for language in load_languages(CONTENT)}


def site_path(site: Path, page: Path, href: str) -> Path:
    """The file a relative ``href`` on ``page`` names in the built site (a folder means its index.html)."""
    base = "http://site/" + page.parent.relative_to(site).as_posix().removeprefix(".").strip("/") + "/"
    if page.name == "404.html":  # served for any missing path, so its links are from the root
        base = "http://site/"
    target = urlparse(urljoin(base, href)).path.lstrip("/")
    return site / target / "index.html" if target.endswith("/") or not target else site / target


def test_the_brand_mark_and_favicon_are_our_own_svg_files(built_site: Path) -> None:
    # Given the theme's logo and favicon as mkdocs.yml names them
    theme = yaml.load((ROOT / "mkdocs.yml").read_text(encoding="utf-8"), Loader=yaml.BaseLoader)["theme"]  # noqa: S506 - BaseLoader builds only strings
    for name in ("logo", "favicon"):
        source = CONTENT / theme[name]
        # Then each is an SVG of ours, in content/, that fetches nothing
        assert source.suffix == ".svg" and source.is_file(), source
        text = source.read_text(encoding="utf-8")
        assert re.findall(r"(?:https?:)?//[^\"' ]+", text) == ["http://www.w3.org/2000/svg"]
        assert "<image" not in text and "href" not in text
        # And it is published where every page looks for it
        assert (built_site / theme[name]).read_bytes() == source.read_bytes()
    for page in pages_of(built_site):
        html = page.read_text(encoding="utf-8")
        icon = re.search(r'<link rel="icon" href="([^"]+)"', html)
        logo = re.search(r'<img src="([^"]+)" alt="[^"]+"[^>]*>', html)
        assert icon and logo, page
        assert site_path(built_site, page, icon.group(1)) == built_site / theme["favicon"], page
        assert site_path(built_site, page, logo.group(1)) == built_site / theme["logo"], page


def test_every_page_has_the_header_links_to_pages_that_exist(built_site: Path) -> None:
    pages = pages_of(built_site)
    assert len(pages) > 15
    for page in pages:
        # Given a page's header
        html = page.read_text(encoding="utf-8")
        head = html.split("data-cj-head>", 1)[1].split("</div>", 1)[0]
        links = {text: href for href, text in re.findall(r'<a [^>]*href="([^"]+)"[^>]*>([^<]+)</a>', head)}
        # Then it links to each of the buyer's pages, in the page's words and language, and each link leads to a
        # built page of that language (the 404 page, served for any path, is English)
        language = language_of_page(built_site, page)
        assert set(links) == {language.gettext(text) for text in HEADER_LINKS}, page
        for text, target in HEADER_LINKS.items():
            built = built_site / language.prefix / target / "index.html"
            assert site_path(built_site, page, links[language.gettext(text)]) == built, (page, text)
        favourites = re.search(r'href="([^"]+)"[^>]*>\s*<svg', head)
        assert favourites
        assert (
            site_path(built_site, page, favourites.group(1)) == built_site / language.prefix / "favourites/index.html"
        )
        # And only the signed-out entry shows before the script runs; the count is empty until it is filled
        assert re.search(r'data-member-when="signed-in" href="[^"]+" hidden>', head), page
        assert re.search(r"<span [^>]*data-favourites-count hidden></span>", head), page


def test_pages_that_name_company_facts_show_the_numbers_from_company_yaml(built_site: Path) -> None:
    # Given the pages whose Markdown names {reservation_days} and {answer_within_hours}
    for url in ("order", "how-to-buy", "about"):
        html = (built_site / url / "index.html").read_text(encoding="utf-8")
        # Then no placeholder is left, and the order and How to buy pages give the days a car is reserved
        assert "{reservation_days}" not in html and "{answer_within_hours}" not in html, url
    for url in ("order", "how-to-buy"):
        text = re.sub(r"<[^>]+>", "", (built_site / url / "index.html").read_text(encoding="utf-8"))
        assert f"for {COMPANY['reservation_days']} days" in text, url


def test_the_inspections_named_on_how_to_buy_are_those_ports_yaml_requires() -> None:
    # Given the examples "QISJ for Kenya, JEVIC for Jamaica and Mauritius, …" in the page's Markdown
    text = " ".join((CONTENT / "how-to-buy.md").read_text(encoding="utf-8").split())
    examples = re.search(r"for example (.+?)\. ", text)
    assert examples
    required = {c.name: c.inspection.name for c in load_catalogue(CONTENT).shipping.countries if c.inspection}
    named = 0
    name = r"[A-Z][a-z]+(?: [A-Z][a-z]+)?"
    pairs = re.findall(rf"([A-Z]{{3,}}) for ({name}(?: and {name})?)", examples.group(1))
    for inspection, countries in pairs:
        for country in countries.split(" and "):
            # Then each country named requires that inspection
            assert required.get(country) == inspection, (inspection, country)
            named += 1
    assert named >= 3
