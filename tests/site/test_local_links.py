"""Every link, image and script a built page names on the site itself exists in the built site."""

from __future__ import annotations

import json
import re
from pathlib import Path
from urllib.parse import urljoin, urlparse

ATTRIBUTE = re.compile(r"""\s(href|src|srcset)="([^"]*)\"""")
SITE = "https://site.invalid/"


def local_targets(page: Path, site: Path) -> set[str]:
    """The site paths the page refers to, resolved from the page's own URL (API calls and fragments left out)."""
    page_url = urljoin(SITE, page.relative_to(site).as_posix().removesuffix("index.html"))
    targets = set()
    for attribute, value in ATTRIBUTE.findall(page.read_text(encoding="utf-8")):
        candidates = [part.strip().split(" ")[0] for part in value.split(",")] if attribute == "srcset" else [value]
        for candidate in candidates:
            url = urlparse(urljoin(page_url, candidate))
            if url.netloc == "site.invalid" and not url.path.startswith("/api/"):
                targets.add(url.path)
    return targets


def exists(site: Path, path: str) -> bool:
    target = site / path.lstrip("/")
    return target.is_file() or (target / "index.html").is_file()


def test_every_local_reference_in_every_page_exists(built_site: Path) -> None:
    # Given every HTML page of the built site
    pages = sorted(built_site.rglob("*.html"))
    assert len(pages) > 60
    # When each local href, src and srcset entry is resolved from the page's URL
    missing = {
        (page.relative_to(built_site).as_posix(), path)
        for page in pages
        for path in local_targets(page, built_site)
        if not exists(built_site, path)
    }
    # Then each names a file in the site, photo variants included
    assert missing == set()


def test_every_stock_card_thumbnail_exists(built_site: Path) -> None:
    # Given the stock index, from which the stock page's script builds each card's thumbnail URL
    index = json.loads((built_site / "stock" / "stock.json").read_bytes())
    cards = [
        (no, photo, width) for no, photo, width in zip(index["no"], index["ph"], index["tw"], strict=True) if photo
    ]
    assert cards
    # Then each thumbnail is published where stock.js looks for it
    assert [c for c in cards if not (built_site / "vehicles" / c[0] / f"{c[1]}-{c[2]}.webp").is_file()] == []
