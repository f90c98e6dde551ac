"""Every link, image and script a built page names on the site itself exists in the built site."""

from __future__ import annotations

import json
import re
from pathlib import Path
from urllib.parse import urljoin, urlparse

ATTRIBUTE = re.compile(r"""\s(href|src|srcset)="([^"]*)\"""")
# A <template>'s URLs hold {placeholders} its script fills (the stock page's cards, checked below).
TEMPLATE = re.compile(r"<template\b.*?</template>", re.DOTALL)
SITE = "https://site.invalid/"


def local_targets(page: Path, site: Path) -> set[str]:
    """The site paths the page refers to, resolved from the page's own URL (API calls and fragments left out)."""
    page_url = urljoin(SITE, page.relative_to(site).as_posix().removesuffix("index.html"))
    targets = set()
    for attribute, value in ATTRIBUTE.findall(TEMPLATE.sub("", page.read_text(encoding="utf-8"))):
        candidates = [part.strip().split(" ")[0] for part in value.split(",")] if attribute == "srcset" else [value]
        for candidate in candidates:
            url = urlparse(urljoin(page_url, candidate))
            if url.netloc == "site.invalid" and not url.path.startswith("/api/"):
                targets.add(url.path)
    return targets


def exists(site: Path, path: str) -> bool:
    target = site / path.lstrip("/")
    return target.is_file() or (target / "index.html").is_file()


def test_every_local_reference_in_every_page_exists(real_site: Path) -> None:
    # Given every HTML page of the built site
    pages = sorted(real_site.rglob("*.html"))
    assert len(pages) > 60
    # When each local href, src and srcset entry is resolved from the page's URL
    missing = {
        (page.relative_to(real_site).as_posix(), path)
        for page in pages
        for path in local_targets(page, real_site)
        if not exists(real_site, path)
    }
    # Then each names a file in the site, photo variants included
    assert missing == set()


def test_every_stock_card_thumbnail_exists(real_site: Path) -> None:
    # Given the stock index, and the stock page's card template whose placeholders its script fills from it
    index = json.loads((real_site / "stock" / "stock.json").read_bytes())
    stock_page = (real_site / "stock" / "index.html").read_text(encoding="utf-8")
    card = re.search(r'<template data-card="photo">.*?</template>', stock_page, re.DOTALL)
    assert card is not None
    src = re.search(r'<img src="([^"]+)"', card.group(0))
    hrefs = re.findall(r'<a href="([^"]+)"', card.group(0))
    assert src is not None and len(hrefs) == 1
    cards = [(no, ph, tw) for no, ph, tw in zip(index["no"], index["ph"], index["tw"], strict=True) if ph]
    assert cards
    # When each card's thumbnail and link are made as the script makes them
    made = [
        (urlparse(urljoin(SITE + "stock/", pattern.format(no=no, ph=ph, tw=tw))).path, no)
        for no, ph, tw in cards
        for pattern in (src.group(1), hrefs[0])
    ]
    # Then each names a published file: the photo variant, the vehicle's page
    assert [(path, no) for path, no in made if not exists(real_site, path)] == []
    assert {path for path, _ in made if path.endswith("/")} == {f"/vehicles/{no}/" for no, _, _ in cards}
