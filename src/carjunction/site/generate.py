"""The site generator: a pure function from the validated catalogue to pages and data files.

Same input, same output; no file, clock or network access. The MkDocs adapter
(plugin.py) reads the inputs, calls ``generate`` and publishes what it returns.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterator, Mapping
from itertools import groupby
from typing import Any

from carjunction.catalogue import Catalogue, Status, Vehicle
from carjunction.site.feed import FEED_PATH, atom_feed
from carjunction.site.output import GeneratedFile, GeneratedPage, SiteBuild
from carjunction.site.settings import Photo, SiteSettings
from carjunction.site.stock_index import stock_index_json
from carjunction.site.vehicle_pages import (
    MAKE_TEMPLATE,
    VEHICLE_TEMPLATE,
    PhotoKey,
    card,
    card_pattern,
    make_page,
    make_url,
    vehicle_page,
    vehicle_url,
)

STOCK_INDEX_PATH = "stock/stock.json"
SHIPPING_PATH = "assets/data/shipping.json"
# The stock page's first draw: the build renders these cards into the page and its script (stock-list.js) draws
# as many more at a time, so nothing below the list moves when the script starts.
CARDS_PER_DRAW = 24


def as_json(data: Any) -> bytes:
    return json.dumps(data, separators=(",", ":"), ensure_ascii=False, sort_keys=True).encode()


def shipping_data(catalogue: Catalogue, settings: SiteSettings) -> dict[str, Any]:
    """Destinations, rates and display currencies for the forms and the calculator (content/assets/js/shipping.js).

    Records with named fields, which gzip packs as tight as columns at this size; rates as integers (basis points).
    """
    return {
        "countries": [
            {
                "code": c.code,
                "name": c.name,
                "inspection": c.inspection.name if c.inspection else "",
                "inspection_usd": c.inspection.fee_usd if c.inspection else 0,
            }
            for c in sorted(catalogue.shipping.countries, key=lambda c: c.name)
        ],
        "ports": [
            {
                "code": p.code,
                "name": p.name,
                "country": p.country,
                "freight_usd_per_m3": p.freight_usd_per_m3,
                "insurance_bp": p.insurance_basis_points,
            }
            for p in sorted(catalogue.shipping.ports, key=lambda p: p.name)
        ],
        "currencies": [
            {"code": c.code, "name": c.name, "per_usd": str(c.per_usd), "decimals": c.decimals}
            for c in settings.currencies.currencies
        ],
        "rates_as_of": settings.currencies.as_of.isoformat(),
    }


def summary(listed: list[Vehicle], settings: SiteSettings, photos: Mapping[PhotoKey, Photo]) -> dict[str, Any]:
    """Counts, new arrivals and the first stock cards for the home and stock pages."""
    labels = settings.labels
    makes = Counter(v.make for v in listed)
    bodies = Counter(v.body_type.value for v in listed)
    newest = sorted(listed, key=lambda v: (v.added, v.stock_no), reverse=True)[: settings.new_arrivals]
    # The stock page's unfiltered order, as stock-list.js sorts it ("new"): newest first, then by stock number.
    first = sorted(listed, key=lambda v: (-v.added.toordinal(), v.stock_no))[:CARDS_PER_DRAW]
    return {
        "total": len(listed),
        "makes": [{"name": m, "url": make_url(m), "count": makes[m]} for m in sorted(makes)],
        "bodies": [
            {"code": code, "label": labels.body_type[code], "count": bodies[code]}
            for code in sorted(bodies, key=lambda c: labels.body_type[c])
        ],
        "new_arrivals": [card(v, labels, photos, settings.locale) for v in newest],
        "first_cards": [card(v, labels, photos, settings.locale) for v in first],
        "cards_per_draw": CARDS_PER_DRAW,
        "card_templates": {"photo": card_pattern(labels, photo=True), "none": card_pattern(labels, photo=False)},
        "labels": labels.model_dump(include={"fuel", "transmission", "drive", "steering", "body_type"}),
        "stock_index": STOCK_INDEX_PATH,
        "shipping": SHIPPING_PATH,
        "feed": FEED_PATH,
    }


class Pages:
    """The generated pages, made one at a time as they are rendered, so memory does not grow with the stock."""

    def __init__(
        self, vehicles: list[Vehicle], settings: SiteSettings, photos: Mapping[PhotoKey, Photo], seller: str
    ) -> None:
        self._vehicles, self._settings, self._photos, self._seller = vehicles, settings, photos, seller
        listed = [v for v in vehicles if v.status == Status.AVAILABLE]
        by_make = sorted(listed, key=lambda v: (v.make, v.model, v.stock_no))
        self._makes = [(make, list(group)) for make, group in groupby(by_make, key=lambda v: v.make)]

    def __len__(self) -> int:
        return len(self._vehicles) + len(self._makes)

    def __contains__(self, item: object) -> bool:
        return any(page == item for page in self)

    def __iter__(self) -> Iterator[GeneratedPage]:
        return (page for _, page in self.share(0, 1))

    def outline(self) -> Iterator[tuple[int, str, str]]:
        """Each page's number, URL and template, in page order, without making the pages."""
        for number, vehicle in enumerate(self._vehicles):
            yield number, vehicle_url(vehicle), VEHICLE_TEMPLATE
        for number, (make, _) in enumerate(self._makes, start=len(self._vehicles)):
            yield number, make_url(make), MAKE_TEMPLATE

    def page(self, number: int) -> GeneratedPage:
        """The page numbered ``number`` in page order."""
        if 0 <= number < len(self._vehicles):
            return vehicle_page(self._vehicles[number], self._settings, self._photos, self._seller)
        make, vehicles = self._makes[number - len(self._vehicles)]
        return make_page(make, vehicles, self._settings, self._photos)

    def share(self, index: int, count: int) -> Iterator[tuple[int, GeneratedPage]]:
        """Every ``count``-th page from the ``index``-th, numbered in page order; only those pages are made."""
        for number in range(index, len(self), count):
            yield number, self.page(number)


def generate(catalogue: Catalogue, settings: SiteSettings, photos: Mapping[PhotoKey, Photo]) -> SiteBuild:
    """Pages, stock index, feed and calculator data for ``catalogue``.

    Withdrawn vehicles get nothing; sold ones keep their page (links to it stay good) but are not listed.
    """
    published = [v for v in catalogue.vehicles if v.status != Status.WITHDRAWN]
    listed = [v for v in published if v.status == Status.AVAILABLE]
    pages = Pages(published, settings, photos, catalogue.company.name)
    files = [
        GeneratedFile(STOCK_INDEX_PATH, stock_index_json(listed, photos)),
        GeneratedFile(SHIPPING_PATH, as_json(shipping_data(catalogue, settings))),
        GeneratedFile(FEED_PATH, atom_feed(listed, settings, catalogue.company)),
    ]
    return SiteBuild(files=files, pages=pages, summary=summary(listed, settings, photos))
