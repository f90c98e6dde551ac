"""What the site generator needs besides the catalogue: labels, currencies, photo facts and the site's address.

The labels and currencies are staff-edited data files (content/site/labels.yaml,
content/shipping/currencies.yaml); loading them is the only I/O here and it is kept
apart from the generator so that the generator stays a pure function.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from decimal import Decimal
from pathlib import Path
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, field_validator, model_validator

from carjunction.catalogue import BodyType, CatalogueError, Drive, Fuel, Status, Steering, Transmission
from carjunction.catalogue.load import load_record
from carjunction.site.languages import Language, prefix

LABELS_FILE = "site/labels.yaml"
CURRENCIES_FILE = "shipping/currencies.yaml"
# Widths of the WebP variants made from each photo; a variant is never wider than its original.
PHOTO_WIDTHS = (360, 640, 960, 1280)


class Labels(BaseModel):
    """The words a buyer reads for every code, and the phrases the build fills in."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    fuel: dict[str, str]
    transmission: dict[str, str]
    drive: dict[str, str]
    steering: dict[str, str]
    body_type: dict[str, str]
    status: dict[str, str]
    spec: dict[str, str]
    units: dict[str, str]
    text: dict[str, str]

    @model_validator(mode="after")
    def _every_code_has_a_label(self) -> Labels:
        enums = {
            "fuel": Fuel,
            "transmission": Transmission,
            "drive": Drive,
            "steering": Steering,
            "body_type": BodyType,
            "status": Status,
        }
        for field, enum in enums.items():
            missing = [member.value for member in enum if member.value not in getattr(self, field)]
            if missing:
                raise ValueError(f"{field}: no label for {', '.join(missing)}")
        return self


CurrencyCode = Annotated[str, StringConstraints(pattern=r"^[A-Z]{3}$")]


class Currency(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    code: CurrencyCode
    name: str = Field(min_length=1, max_length=60)
    per_usd: Decimal = Field(gt=0, le=1_000_000)
    decimals: int = Field(strict=True, ge=0, le=3)


class Currencies(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    as_of: dt.date
    currencies: list[Currency] = Field(max_length=60)


class Photo(BaseModel):
    """What the build knows of one photo: the name its variants are published under, its size, and their widths.

    ``id`` is the start of the SHA-256 of the photo's bytes (carjunction.photos.bucket.photo_id): the page links
    ``photos/<id>/<width>.webp`` and never needs the bytes themselves.
    """

    model_config = ConfigDict(frozen=True)

    id: str = Field(pattern=r"^[0-9a-f]{20}$")
    width: int
    height: int
    widths: tuple[int, ...]


class SiteSettings(BaseModel):
    model_config = ConfigDict(frozen=True)

    site_url: str = Field(description="Absolute address of the site, ending in /.")
    labels: Labels
    currencies: Currencies
    new_arrivals: int = 8
    feed_entries: int = 30
    # How the pages' numbers and money are written (Babel): the language's own locale ("fr", or "en-IN" for English
    # with Indian grouping, mkdocs.yml's theme.language).
    locale: str = Field(default="en", min_length=2, max_length=20)
    # The language of these settings' pages and labels (languages.py): English at the root, the others in their folder.
    language: str = Field(default="en", pattern=r"^[a-z]{2}$")

    # Names buyers read in the calculator and forms, in this language, by code (empty: the data files' English).
    country_names: dict[str, str] = Field(default_factory=dict)
    currency_names: dict[str, str] = Field(default_factory=dict)

    @property
    def folder(self) -> str:
        """Where this language's pages are: "" for English (the site's root), "fr/" for French."""
        return prefix(self.language)

    @field_validator("locale")
    @classmethod
    def _babel_knows_the_locale(cls, value: str) -> str:
        from carjunction.site.numbers import number_format  # noqa: PLC0415 - Babel is loaded once it is needed

        number_format(value)  # ValueError naming it when Babel has no such locale
        return value


def variant_widths(original_width: int) -> tuple[int, ...]:
    """The variant widths for a photo: the standard ones it can fill, or its own width if it is smaller."""
    widths = tuple(w for w in PHOTO_WIDTHS if w <= original_width)
    return widths or (original_width,)


def load_site_data(content_dir: Path) -> tuple[Labels, Currencies]:
    """Read the labels and currencies files, raising CatalogueError naming the file and field."""
    root = content_dir.parent
    labels, problems = load_record(Labels, content_dir / LABELS_FILE, root=root)
    currencies, more = load_record(Currencies, content_dir / CURRENCIES_FILE, root=root)
    problems += more
    if problems or labels is None or currencies is None:
        raise CatalogueError(problems)
    return labels, currencies


COUNTRY_CONTEXT = "country"  # the catalogues' context of a destination country's name (content/shipping/ports.yaml)
CURRENCY_CONTEXT = "currency"  # and of a display currency's name (currencies.yaml)


def translated_settings(settings: SiteSettings, language: Language, countries: Mapping[str, str]) -> SiteSettings:
    """``settings`` in ``language``: its labels, and the names of ``countries`` (code → English name) and of the
    display currencies, from the language's catalogue."""
    labels = {
        group: {key: language.pgettext(group, text) for key, text in words.items()}
        for group, words in settings.labels.model_dump().items()
    }
    return settings.model_copy(
        update={
            "labels": Labels.model_validate(labels),
            "language": language.code,
            "locale": language.code,
            "country_names": {code: language.pgettext(COUNTRY_CONTEXT, name) for code, name in countries.items()},
            "currency_names": {
                c.code: language.pgettext(CURRENCY_CONTEXT, c.name) for c in settings.currencies.currencies
            },
        }
    )
