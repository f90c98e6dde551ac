"""One escaping rule for what staff type: a make or model with `&`, quotes or markup shows as typed on every page
that names it, escaped exactly once (the build escapes a generated page's title and description for the theme;
templates escape the generator's data with `| e`)."""

from __future__ import annotations

import datetime as dt
import html
import json
import re
import shutil
from pathlib import Path
from xml.etree import ElementTree as ET

import pytest

from tests.support.factories import vehicle_data, write_vehicle
from tests.support.fixture_site import FIXTURE_CONTENT
from tests.support.site_build import ROOT, build_site, config_for

MAKE = "A&B 'X'"
MODEL = 'Mk <II> "Z"'
HOME = """---
template: home.html
title: Test shop
description: Cars from Japan.
---

Welcome.
"""


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The fixture catalogue with one more car, added today, whose make and model hold `&`, quotes and markup."""
    work = tmp_path_factory.mktemp("escaping")
    content = work / "content"
    shutil.copytree(FIXTURE_CONTENT, content)
    shutil.copytree(ROOT / "content" / "assets", content / "assets")
    (content / "index.md").write_text(HOME, encoding="utf-8")
    write_vehicle(
        content / "vehicles",
        vehicle_data(stock_no="ES001", make=MAKE, model=MODEL, added=dt.date.today(), registration="2020-04"),
    )
    build_site(work / "site", config_for(content, work))
    return work / "site"


def text_of(page: str, pattern: str) -> list[str]:
    """The texts ``pattern``'s group finds in the page, each unescaped once, as a browser shows them."""
    return [html.unescape(found) for found in re.findall(pattern, page, re.DOTALL)]


def test_the_vehicle_page_names_the_car_as_typed(site: Path) -> None:
    page = (site / "vehicles/ES001/index.html").read_text(encoding="utf-8")
    title = f"2020 {MAKE} {MODEL}"
    assert text_of(page, r"<title>(.*?)</title>")[0].startswith(f"{title} ")
    assert text_of(page, r"<h1>(.*?) <small>")[0] == title
    assert title in text_of(page, r'<meta name="description" content="([^"]*)"')[0]
    assert_escaped_once(page)


def test_the_make_page_names_the_make_as_typed(site: Path) -> None:
    # the make's page is at a slug of its name
    page = (site / "stock/a-b-x/index.html").read_text(encoding="utf-8")
    assert MAKE in text_of(page, r"<title>(.*?)</title>")[0]
    assert MAKE in text_of(page, r"<h1>(.*?)</h1>")[0]
    assert MAKE in text_of(page, r'<meta name="description" content="([^"]*)"')[0]
    assert f"2020 {MAKE} {MODEL}" in text_of(page, r'<span class="cj-card__title">(.*?)</span>')
    assert_escaped_once(page)


def test_the_home_page_lists_the_new_arrival_and_its_make_as_typed(site: Path) -> None:
    page = (site / "index.html").read_text(encoding="utf-8")
    assert f"2020 {MAKE} {MODEL}" in text_of(page, r'<span class="cj-card__title">(.*?)</span>')
    assert MAKE in text_of(page, r'<ul class="cj-makes">.*?<a href="[^"]*">(.*?)</a>')
    assert_escaped_once(page)


def test_the_feed_and_the_stock_index_hold_the_names_as_typed(site: Path) -> None:
    feed = ET.parse(site / "feed.xml").getroot()  # noqa: S314 - the build's own output
    titles = [entry.text for entry in feed.iter("{http://www.w3.org/2005/Atom}title")]
    assert f"2020 {MAKE} {MODEL}" in titles
    index = json.loads((site / "stock/stock.json").read_bytes())
    names = json.dumps(index, ensure_ascii=False)
    assert json.dumps(MAKE, ensure_ascii=False) in names
    assert json.dumps(MODEL, ensure_ascii=False) in names


def assert_escaped_once(page: str) -> None:
    """Nothing escaped twice, and the model's markup nowhere as markup."""
    assert "&amp;amp;" not in page
    assert "&amp;#" not in page
    assert "&amp;lt;" not in page
    assert "<II>" not in page
