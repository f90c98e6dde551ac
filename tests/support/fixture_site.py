"""The small fixed catalogue the generator's golden tests start from, with a fixed 'today'."""

from __future__ import annotations

import hashlib
from pathlib import Path

from carjunction.catalogue import Catalogue, load_catalogue
from carjunction.site import Photo, SiteSettings, load_site_data
from carjunction.site.vehicle_pages import PhotoKey
from tests.support.factories import TODAY

FIXTURE_CONTENT = Path(__file__).parents[1] / "site" / "fixture" / "content"
SITE_URL = "https://shop.example/"


def fixture_catalogue() -> Catalogue:
    return load_catalogue(FIXTURE_CONTENT, today=TODAY)


def fixture_settings() -> SiteSettings:
    labels, currencies = load_site_data(FIXTURE_CONTENT)
    return SiteSettings(site_url=SITE_URL, labels=labels, currencies=currencies, new_arrivals=2, feed_entries=10)


def fixed_id(stock_no: str, name: str) -> str:
    """A photo id as its content hash would give one: fixed by the photo's place, so goldens stay put."""
    return hashlib.sha256(f"{stock_no}/{name}".encode()).hexdigest()[:20]


def fixture_photos(catalogue: Catalogue) -> dict[PhotoKey, Photo]:
    """Photo facts as the photo step would report them, fixed so that no image is read."""
    return {
        (v.stock_no, name): Photo(id=fixed_id(v.stock_no, name), width=800, height=600, widths=(360, 640))
        if index == 0
        else Photo(id=fixed_id(v.stock_no, name), width=300, height=200, widths=(300,))
        for v in catalogue.vehicles
        for index, name in enumerate(v.photos)
    }
