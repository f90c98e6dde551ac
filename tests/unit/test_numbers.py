"""Numbers and money on the pages are written as the page's language writes them (Babel's CLDR data)."""

from __future__ import annotations

from decimal import Decimal

import pytest
from babel.numbers import format_decimal
from pydantic import ValidationError

from carjunction.site.numbers import number_format
from carjunction.site.settings import Currencies, Labels, SiteSettings
from carjunction.site.words import decimal, grouped, measure, price

NARROW_NO_BREAK_SPACE = "\u202f"
NO_BREAK_SPACE = "\u00a0"
# The site's six languages, and locales that group otherwise (en-IN: 12,34,567) or take another script.
LOCALES = ["en", "fr", "pt", "es", "ru", "sw", "en-IN", "hi", "fa", "ar"]
NUMBERS = [0, 7, 999, 1000, 1234, 12345, 123456, 1234567, 98765432, 1_000_000_000]


def babel_name(locale: str) -> str:
    return locale.replace("-", "_")  # a language tag as mkdocs.yml writes it → Babel's own spelling


def labels() -> Labels:
    codes = {"fuel", "transmission", "drive", "steering", "body_type", "status"}
    from carjunction.catalogue import BodyType, Drive, Fuel, Status, Steering, Transmission  # noqa: PLC0415

    enums = {"fuel": Fuel, "transmission": Transmission, "drive": Drive, "steering": Steering}
    enums |= {"body_type": BodyType, "status": Status}
    words = {name: {member.value: member.value for member in enums[name]} for name in codes}
    return Labels(**words, spec={}, units={"km": "{n} km", "usd": "US${n}"}, text={})


def test_french_groups_with_a_narrow_no_break_space_and_english_as_before() -> None:
    # Given a number of seven digits
    # When it is written for a French page and for an English one
    french, english = grouped(1234567, "fr"), grouped(1234567, "en")
    # Then French groups it with Babel's narrow no-break space, and English as the site always has
    assert french == f"1{NARROW_NO_BREAK_SPACE}234{NARROW_NO_BREAK_SPACE}567" == format_decimal(1234567, locale="fr")
    assert english == "1,234,567" == f"{1234567:,}"


@pytest.mark.parametrize("locale", LOCALES)
def test_every_whole_number_is_written_as_babel_writes_it(locale: str) -> None:
    for number in [*NUMBERS, *(-n for n in NUMBERS)]:
        assert grouped(number, locale) == format_decimal(number, locale=babel_name(locale)), (locale, number)


@pytest.mark.parametrize("locale", LOCALES)
def test_decimals_keep_python_s_digits_and_take_the_locale_s_marks(locale: str) -> None:
    # The digits are the same in every language (rounded once, as the English pages always were).
    for value in [0.0, 1.5, 12.3456, 9.9995, 1234.5678, 2.0004]:
        digits = Decimal(f"{value:.3f}")
        expected = format_decimal(digits, format="#,##0.000", locale=babel_name(locale))
        assert decimal(value, 3, locale) == expected, (locale, value)


def test_english_pages_read_exactly_as_before() -> None:
    for number in NUMBERS:
        assert grouped(number, "en") == f"{number:,}"
    for value in [0.0, 1.5, 12.3456, 9.9995, 1234.5678]:
        assert decimal(value, 3, "en") == f"{value:,.3f}"


def test_money_has_its_currency_s_decimals_and_its_sign_stays_in_the_labels() -> None:
    assert number_format("en").money(1234, 0) == "1,234"
    assert number_format("fr").money(Decimal("1234.5"), 2) == f"1{NARROW_NO_BREAK_SPACE}234,50"
    assert number_format("ru").money(1234567, 0) == f"1{NO_BREAK_SPACE}234{NO_BREAK_SPACE}567"
    assert price(labels(), 12500, "en") == "US$12,500"
    assert price(labels(), 12500, "pt") == "US$12.500"
    assert measure(labels(), "km", 85000, "es") == "85.000 km"


def test_the_site_settings_take_the_language_and_refuse_one_babel_does_not_know() -> None:
    currencies = Currencies.model_validate({"as_of": "2026-01-01", "currencies": []})
    base = {"site_url": "/", "labels": labels(), "currencies": currencies}
    assert SiteSettings.model_validate(base).locale == "en"
    assert SiteSettings.model_validate({**base, "locale": "pt-BR"}).locale == "pt-BR"
    with pytest.raises(ValidationError, match="xx-nowhere"):
        SiteSettings.model_validate({**base, "locale": "xx-nowhere"})
