"""A vehicle page's first view, as Chromium loads it, without photos: at most 80 KB compressed."""

from __future__ import annotations

import gzip
from pathlib import Path
from typing import Any

import pytest

from carjunction.catalogue import Status, load_catalogue
from tests.site_build import ROOT

pytestmark = pytest.mark.browser


def test_a_vehicle_page_first_view_without_photos_is_at_most_80_kb(
    page: Any, site_url: str, browser_site: Path
) -> None:
    # Given the vehicle with the most photos
    vehicle = max(
        (v for v in load_catalogue(ROOT / "content").vehicles if v.status == Status.AVAILABLE),
        key=lambda v: len(v.photos),
    )
    loaded: list[str] = []
    page.on("requestfinished", lambda r: loaded.append(r.url))
    # When a phone opens it with an empty cache
    page.goto(f"{site_url}vehicles/{vehicle.stock_no}/")
    page.wait_for_load_state("networkidle")
    # Then everything but the photos, compressed as the CDN sends it, fits the budget
    weight = 0
    for url in loaded:
        path = browser_site / url[len(site_url) :].split("?")[0]
        path = path / "index.html" if path.is_dir() else path
        if path.suffix != ".webp":
            weight += len(gzip.compress(path.read_bytes(), 9))
    assert weight <= 80 * 1024, f"{weight} bytes: {loaded}"
    assert not [url for url in loaded if "search" in url]
    assert page.foreign_requests == []
