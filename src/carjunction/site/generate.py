"""The site generator: a pure function from the validated catalogue to pages and data files.

Same input, same output; no file, clock or network access. The MkDocs adapter
(plugin.py) reads the inputs, calls ``generate`` and publishes what it returns.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterator, Mapping, Sequence
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

STOCK_INDEX_PATH = "stock/stock.json"  # one file for every language: codes and figures, no words
SHIPPING_PATH = "assets/data/shipping.json"  # English; each other language's beside it (shipping_path)
# The stock page's first draw: the build renders these cards into the page and its script (stock-list.js) draws
# as many more at a time, so nothing below the list moves when the script starts.
CARDS_PER_DRAW = 24


def as_json(data: Any) -> bytes:
    return json.dumps(data, separators=(",", ":"), ensure_ascii=False, sort_keys=True).encode()


def shipping_path(settings: SiteSettings) -> str:
    """The calculator's data in the language of ``settings``: its countries' and currencies' names are words."""
    return SHIPPING_PATH if not settings.folder else SHIPPING_PATH.replace(".json", f".{settings.language}.json")


def shipping_data(catalogue: Catalogue, settings: SiteSettings) -> dict[str, Any]:
    """Destinations, rates and display currencies for the forms and the calculator (content/assets/js/shipping.js).

    Records with named fields, which gzip packs as tight as columns at this size; rates as integers (basis points).
    """
    return {
        "countries": [
            {
                "code": c.code,
                "name": settings.country_names.get(c.code, c.name),
                "inspection": c.inspection.name if c.inspection else "",
                "inspection_usd": c.inspection.fee_usd if c.inspection else 0,
            }
            for c in sorted(catalogue.shipping.countries, key=lambda c: settings.country_names.get(c.code, c.name))
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
            {
                "code": c.code,
                "name": settings.currency_names.get(c.code, c.name),
                "per_usd": str(c.per_usd),
                "decimals": c.decimals,
            }
            for c in settings.currencies.currencies
        ],
        "rates_as_of": settings.currencies.as_of.isoformat(),
    }


def summary(listed: list[Vehicle], settings: SiteSettings, photos: Mapping[PhotoKey, Photo]) -> dict[str, Any]:
    """Counts, new arrivals and the first stock cards for the home and stock pages."""
    labels, folder = settings.labels, settings.folder
    makes = Counter(v.make for v in listed)
    bodies = Counter(v.body_type.value for v in listed)
    newest = sorted(listed, key=lambda v: (v.added, v.stock_no), reverse=True)[: settings.new_arrivals]
    # The stock page's unfiltered order, as stock-list.js sorts it ("new"): newest first, then by stock number.
    first = sorted(listed, key=lambda v: (-v.added.toordinal(), v.stock_no))[:CARDS_PER_DRAW]
    return {
        "total": len(listed),
        "makes": [{"name": m, "url": make_url(m, folder), "count": makes[m]} for m in sorted(makes)],
        "bodies": [
            {"code": code, "label": labels.body_type[code], "count": bodies[code]}
            for code in sorted(bodies, key=lambda c: labels.body_type[c])
        ],
        "new_arrivals": [card(v, settings, photos) for v in newest],
        "first_cards": [card(v, settings, photos) for v in first],
        "cards_per_draw": CARDS_PER_DRAW,
        "card_templates": {
            "photo": card_pattern(labels, folder, photo=True),
            "none": card_pattern(labels, folder, photo=False),
        },
        "labels": labels.model_dump(include={"fuel", "transmission", "drive", "steering", "body_type", "units"}),
        "stock_index": STOCK_INDEX_PATH,
        "shipping": shipping_path(settings),
        "feed": folder + FEED_PATH,
    }


class Pages:
    """The generated pages of every language, made one at a time as they are rendered, so memory does not grow
    with the stock. Numbered language by language (every English page, then every French one...): a process
    rendering its share switches language a few times, not once per page."""

    def __init__(
        self,
        vehicles: list[Vehicle],
        languages: Sequence[SiteSettings],
        photos: Mapping[PhotoKey, Photo],
        seller: str,
    ) -> None:
        self._vehicles, self._languages, self._photos, self._seller = vehicles, list(languages), photos, seller
        listed = [v for v in vehicles if v.status == Status.AVAILABLE]
        by_make = sorted(listed, key=lambda v: (v.make, v.model, v.stock_no))
        self._makes = [(make, list(group)) for make, group in groupby(by_make, key=lambda v: v.make)]
        self._per_language = len(self._vehicles) + len(self._makes)

    def __len__(self) -> int:
        return self._per_language * len(self._languages)

    def __contains__(self, item: object) -> bool:
        return any(page == item for page in self)

    def __iter__(self) -> Iterator[GeneratedPage]:
        return (page for _, page in self.share(0, 1))

    def outline(self) -> Iterator[tuple[int, str, str]]:
        """Each page's number, URL and template, in page order, without making the pages."""
        for first, settings in zip(range(0, len(self), self._per_language), self._languages, strict=True):
            folder = settings.folder
            for number, vehicle in enumerate(self._vehicles, start=first):
                yield number, vehicle_url(vehicle, folder), VEHICLE_TEMPLATE
            for number, (make, _) in enumerate(self._makes, start=first + len(self._vehicles)):
                yield number, make_url(make, folder), MAKE_TEMPLATE

    def language(self, number: int) -> str:
        """The language of the page numbered ``number``."""
        return self._languages[number // self._per_language].language

    def page(self, number: int) -> GeneratedPage:
        """The page numbered ``number`` in page order."""
        settings = self._languages[number // self._per_language]
        number %= self._per_language
        if 0 <= number < len(self._vehicles):
            return vehicle_page(self._vehicles[number], settings, self._photos, self._seller)
        make, vehicles = self._makes[number - len(self._vehicles)]
        return make_page(make, vehicles, settings, self._photos)

    def share(self, index: int, count: int) -> Iterator[tuple[int, GeneratedPage]]:
        """Every ``count``-th page from the ``index``-th, numbered in page order; only those pages are made."""
        for number in range(index, len(self), count):
            yield number, self.page(number)


def generate(
    catalogue: Catalogue,
    settings: SiteSettings,
    photos: Mapping[PhotoKey, Photo],
    translations: Sequence[SiteSettings] = (),
) -> SiteBuild:
    """Pages, stock index, feed and calculator data for ``catalogue``, in the language of ``settings`` and in each
    language of ``translations`` (the same settings with another language's labels).

    Withdrawn vehicles get nothing; sold ones keep their page (links to it stay good) but are not listed. The stock
    index and the photos are one set for every language; pages, feeds and the calculator's names are per language.
    """
    published = [v for v in catalogue.vehicles if v.status != Status.WITHDRAWN]
    listed = [v for v in published if v.status == Status.AVAILABLE]
    languages = [settings, *translations]
    pages = Pages(published, languages, photos, catalogue.company.name)
    files = [GeneratedFile(STOCK_INDEX_PATH, stock_index_json(listed, photos))]
    for language in languages:
        files.append(GeneratedFile(shipping_path(language), as_json(shipping_data(catalogue, language))))
        files.append(GeneratedFile(language.folder + FEED_PATH, atom_feed(listed, language, catalogue.company)))
    summaries = {language.language: summary(listed, language, photos) for language in languages}
    return SiteBuild(files=files, pages=pages, summary=summaries[settings.language], summaries=summaries)
