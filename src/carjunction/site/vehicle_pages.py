"""The context of each vehicle page and each per-make list: plain data, rendered later by the theme."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from carjunction.catalogue import Status, Vehicle
from carjunction.photos.bucket import variant_path
from carjunction.site.output import GeneratedPage
from carjunction.site.settings import Labels, Photo, SiteSettings
from carjunction.site.words import decimal, grouped, measure, phrase, price, slug, vehicle_facts, vehicle_title

VEHICLES_URL = "vehicles/"
STOCK_URL = "stock/"
VEHICLE_TEMPLATE = "vehicle.html"
MAKE_TEMPLATE = "stock-make.html"

PhotoKey = tuple[str, str]


def vehicle_url(vehicle: Vehicle, folder: str = "") -> str:
    """The vehicle's page, in the language whose pages are under ``folder`` ("" for English, "fr/"...)."""
    return vehicle_path(vehicle.stock_no, folder)


def vehicle_path(stock_no: str, folder: str = "") -> str:
    return f"{folder}{VEHICLES_URL}{stock_no}/"


def make_url(make: str, folder: str = "") -> str:
    return f"{folder}{STOCK_URL}{slug(make)}/"


def to_root(folder: str) -> str:
    """From a vehicle page (vehicles/<stock_no>/ in a language's ``folder``) up to the site's root, where the photos
    are: one set of variants for every language."""
    return "../" * (2 + folder.count("/"))


def shown_photos(vehicle: Vehicle, photos: Mapping[PhotoKey, Photo]) -> list[Photo]:
    """The vehicle's photos in its order, those with known variants: a deploy leaves out a photo the bucket
    does not hold yet (a first publication split across runs) rather than link a missing image."""
    return [photo for name in vehicle.photos if (photo := photos.get((vehicle.stock_no, name))) is not None]


def photo_sources(
    vehicle: Vehicle, photos: Mapping[PhotoKey, Photo], labels: Labels, folder: str = ""
) -> list[dict[str, Any]]:
    """Each photo's variants, its size (so nothing jumps while it loads) and its alt text.

    ``src``, ``srcset``, ``smallest`` and ``largest`` are relative to the vehicle's page; ``url`` is the
    largest variant's path from the site's root. Variants are named by content (``variant_path``), so a
    photo two cars share is one set of files, cached for good.
    """
    title = vehicle_title(labels, vehicle)
    listed = shown_photos(vehicle, photos)
    shown = []
    for number, photo in enumerate(listed, start=1):
        widest = photo.widths[-1]
        here = {width: to_root(folder) + variant_path(photo.id, width) for width in photo.widths}
        shown.append(
            {
                "src": here[min(photo.widths, key=lambda w: abs(w - 640))],
                "srcset": ", ".join(f"{here[w]} {w}w" for w in photo.widths),
                "smallest": here[photo.widths[0]],
                "largest": here[widest],
                "url": variant_path(photo.id, widest),
                "width": widest,
                "height": round(photo.height * widest / photo.width),
                "alt": phrase(labels, "photo_alt", title=title, number=number, count=len(listed)),
            }
        )
    return shown


def spec_rows(labels: Labels, vehicle: Vehicle, locale: str) -> list[list[str]]:
    spec = labels.spec
    dimensions = " × ".join(grouped(n, locale) for n in (vehicle.length_mm, vehicle.width_mm, vehicle.height_mm))
    rows = [
        ("stock_no", vehicle.stock_no),
        ("make", vehicle.make),
        ("model", vehicle.model),
        ("grade", vehicle.grade or ""),
        ("model_code", vehicle.model_code),
        ("chassis_no", vehicle.chassis_no),
        ("registration", vehicle.registration),
        ("manufacture", vehicle.manufacture),
        ("mileage_km", measure(labels, "km", vehicle.mileage_km, locale)),
        ("engine_cc", measure(labels, "cc", vehicle.engine_cc, locale) if vehicle.engine_cc else ""),
        ("fuel", labels.fuel[vehicle.fuel.value]),
        ("transmission", labels.transmission[vehicle.transmission.value]),
        ("drive", labels.drive[vehicle.drive.value]),
        ("steering", labels.steering[vehicle.steering.value]),
        ("body_type", labels.body_type[vehicle.body_type.value]),
        ("doors", str(vehicle.doors)),
        ("seats", str(vehicle.seats)),
        ("colour", vehicle.colour),
        ("dimensions", measure(labels, "mm", dimensions, locale)),
        ("volume", measure(labels, "m3", decimal(vehicle.volume_m3, 3, locale), locale)),
        ("weight_kg", measure(labels, "kg", vehicle.weight_kg, locale)),
        ("yard", vehicle.yard),
    ]
    return [[spec[key], value] for key, value in rows if value]


SCHEMA_FUEL = {"petrol": "Gasoline", "diesel": "Diesel", "hybrid": "Hybrid", "plug_in_hybrid": "Plug-in hybrid"}


def json_ld(vehicle: Vehicle, settings: SiteSettings, images: Sequence[str], seller: str) -> dict[str, Any]:
    """schema.org Car with its Offer, for search engines; values are codes and figures, not prose."""
    labels = settings.labels
    offer_state = "https://schema.org/InStock" if vehicle.status == Status.AVAILABLE else "https://schema.org/SoldOut"
    return {
        "@context": "https://schema.org",
        "@type": "Car",
        "name": vehicle_title(labels, vehicle),
        "sku": vehicle.stock_no,
        "brand": {"@type": "Brand", "name": vehicle.make},
        "model": vehicle.model,
        "vehicleModelDate": vehicle.manufacture[:4],
        "dateVehicleFirstRegistered": vehicle.registration,
        "vehicleIdentificationNumber": vehicle.chassis_no,
        "mileageFromOdometer": {"@type": "QuantitativeValue", "value": vehicle.mileage_km, "unitCode": "KMT"},
        "vehicleEngine": {
            "@type": "EngineSpecification",
            "engineDisplacement": {"@type": "QuantitativeValue", "value": vehicle.engine_cc, "unitCode": "CMQ"},
        },
        "fuelType": SCHEMA_FUEL.get(vehicle.fuel.value, labels.fuel[vehicle.fuel.value]),
        "vehicleTransmission": labels.transmission[vehicle.transmission.value],
        "driveWheelConfiguration": labels.drive[vehicle.drive.value],
        "steeringPosition": "https://schema.org/"
        + ("RightHandDriving" if vehicle.steering.value == "right" else "LeftHandDriving"),
        "bodyType": labels.body_type[vehicle.body_type.value],
        "color": vehicle.colour,
        "numberOfDoors": vehicle.doors,
        "seatingCapacity": vehicle.seats,
        "itemCondition": "https://schema.org/UsedCondition",
        "image": [settings.site_url + url for url in images],
        "offers": {
            "@type": "Offer",
            "price": vehicle.price_usd,
            "priceCurrency": "USD",
            "availability": offer_state,
            "url": settings.site_url + vehicle_url(vehicle, settings.folder),
            "seller": {"@type": "Organization", "name": seller},
        },
    }


def vehicle_page(
    vehicle: Vehicle, settings: SiteSettings, photos: Mapping[PhotoKey, Photo], seller: str
) -> GeneratedPage:
    labels, folder = settings.labels, settings.folder
    facts = vehicle_facts(labels, vehicle, settings.locale)
    shown = photo_sources(vehicle, photos, labels, folder)
    largest = [p["url"] for p in shown]
    return GeneratedPage(
        url=vehicle_url(vehicle, folder),
        template=VEHICLE_TEMPLATE,
        title=facts["title"],
        description=phrase(labels, "vehicle_description", **facts),
        data={
            "stock_no": vehicle.stock_no,
            "title": facts["title"],
            "grade": vehicle.grade or "",
            "status": vehicle.status.value,
            "status_label": labels.status[vehicle.status.value],
            "price": facts["price"],
            "was_price": price(labels, vehicle.was_price_usd, settings.locale) if vehicle.was_price_usd else "",
            "photos": shown,
            "spec": spec_rows(labels, vehicle, settings.locale),
            "options": list(vehicle.options),
            "condition_notes": vehicle.condition_notes,
            "make": vehicle.make,
            "make_url": make_url(vehicle.make, folder),
            "quote": {
                "length_mm": vehicle.length_mm,
                "width_mm": vehicle.width_mm,
                "height_mm": vehicle.height_mm,
                "price_usd": vehicle.price_usd,
            },
            "json_ld": json_ld(vehicle, settings, largest, seller),
        },
    )


def card(vehicle: Vehicle, settings: SiteSettings, photos: Mapping[PhotoKey, Photo]) -> dict[str, Any]:
    """What a list shows of a vehicle: the same fields the stock page's script shows."""
    labels, locale = settings.labels, settings.locale
    listed = shown_photos(vehicle, photos)
    thumb = variant_path(listed[0].id, listed[0].widths[0]) if listed else ""
    return {
        "url": vehicle_url(vehicle, settings.folder),
        "stock_no": vehicle.stock_no,
        "title": vehicle_title(labels, vehicle),
        "year": vehicle.registration_year,
        "mileage": measure(labels, "km", vehicle.mileage_km, locale),
        "price": price(labels, vehicle.price_usd, locale),
        "thumb": thumb,
    }


def card_pattern(labels: Labels, folder: str, *, photo: bool) -> dict[str, str]:
    """A card whose values are {placeholders}, for the stock page's <template>: its script fills them from the
    stock index (``no``, ``year``, ``make``, ``model``, ``km`` and ``usd`` written in the page's language, and
    the first photo's id ``ph`` and smallest width ``tw``), so the markup, the words and the URLs stay made here."""
    return {
        "url": vehicle_path("{no}", folder),
        "stock_no": "{no}",
        "title": labels.text["vehicle_title"].format(year="{year}", make="{make}", model="{model}"),
        "year": "{year}",
        "mileage": labels.units["km"].format(n="{km}"),
        "price": labels.units["usd"].format(n="{usd}"),
        "thumb": variant_path("{ph}", "{tw}") if photo else "",
    }


def make_page(
    make: str, vehicles: Sequence[Vehicle], settings: SiteSettings, photos: Mapping[PhotoKey, Photo]
) -> GeneratedPage:
    labels = settings.labels
    return GeneratedPage(
        url=make_url(make, settings.folder),
        template=MAKE_TEMPLATE,
        title=phrase(labels, "make_title", make=make),
        description=phrase(labels, "make_description", make=make, count=len(vehicles)),
        data={"make": make, "cards": [card(v, settings, photos) for v in vehicles]},
    )
