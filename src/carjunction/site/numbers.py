"""Numbers as the page's language writes them: CLDR's marks and grouping, through Babel.

A build writes tens of thousands of numbers, and Babel's formatter takes tens of microseconds for each. For a
locale that groups digits by threes (each language the site speaks), Python's own grouping with the locale's two
marks is the same text, in well under one; other locales, and negative numbers, go through Babel itself.
tests/unit/test_numbers.py holds the two equal.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass
from decimal import Decimal
from functools import cache
from typing import Any

Number = int | float | Decimal


@dataclass(frozen=True)
class NumberFormat:
    locale: str
    pattern: Any  # Babel's NumberPattern for the locale's decimals
    group: str  # the locale's mark between groups of digits
    marks: dict[int, str]  # str.translate's table: Python's "," and "." → the locale's group and decimal marks
    by_threes: bool  # Python's grouping is the locale's
    as_python: bool  # grouped by threes with Python's marks (English): Python's text is the locale's

    def integer(self, number: int) -> str:
        if self.as_python and number >= 0:  # the common case (English), kept short: a build writes many
            return f"{number:,}"
        return self.fixed(number)

    def fixed(self, number: Number, places: int = 0) -> str:
        """``number`` with exactly ``places`` decimals. Rounding is Python's, so the digits are the same in every
        language; only the marks and the grouping change."""
        # An int stays exact (a float keeps 15 digits).
        python = f"{number:,}" if isinstance(number, int) and places == 0 else f"{number:,.{places}f}"
        if self.as_python and python[0] != "-":
            return python
        if self.by_threes and python[0] != "-":
            return python.replace(",", self.group) if places == 0 else python.translate(self.marks)
        from babel.numbers import format_decimal  # noqa: PLC0415 - only for the locales Python cannot group

        pattern = copy.copy(self.pattern)
        pattern.frac_prec = (places, places)
        return format_decimal(Decimal(python.replace(",", "")), format=pattern, locale=self.locale)

    def money(self, amount: Number, decimals: int) -> str:
        """An amount with its currency's number of decimals (``decimals`` in currencies.yaml; 0 for the whole
        US dollars of FOB prices). The currency's sign and its place are words, in labels.yaml."""
        return self.fixed(amount, decimals)


@cache
def number_format(locale: str) -> NumberFormat:
    """The format for ``locale`` (a language tag as mkdocs.yml's theme.language has it: "en", "fr", "pt-BR"…).

    ValueError if Babel does not know the locale."""
    from babel import Locale, UnknownLocaleError  # noqa: PLC0415 - the site build's dependency, not the API's
    from babel.numbers import get_decimal_symbol, get_group_symbol  # noqa: PLC0415

    try:
        parsed = Locale.parse(locale.replace("-", "_"))
    except (UnknownLocaleError, ValueError, TypeError) as error:
        raise ValueError(f"no locale {locale!r} in Babel's data ({error})") from None
    pattern = parsed.decimal_formats[None]
    plain = pattern.prefix == ("", "-") and pattern.suffix == ("", "") and pattern.int_prec[0] == 1
    group, decimal = get_group_symbol(parsed), get_decimal_symbol(parsed)
    by_threes = plain and pattern.grouping == (3, 3)
    return NumberFormat(
        locale=str(parsed),
        pattern=pattern,
        group=group,
        marks=str.maketrans({",": group, ".": decimal}),
        by_threes=by_threes,
        as_python=by_threes and (group, decimal) == (",", "."),
    )
