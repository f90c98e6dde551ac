"""The theme's templates in the page's language: Jinja's i18n extension, and links that stay in the language.

Templates write every word as ``{{ _("Stock") }}`` (``| e`` inside an attribute) and link the site's pages with
``{{ 'stock/' | lang_url }}``, which is ``url`` within the page's language tree (``fr/stock/`` on a French page).
The words come from the language installed last (``speak``): pages are rendered grouped by language, so a build
installs each language's catalogue a handful of times, not once per page.
"""

from __future__ import annotations

from functools import cache
from typing import Any, cast

from jinja2 import Environment, pass_context
from jinja2.runtime import Context
from mkdocs.utils.templates import url_filter

from carjunction.site.languages import LANGUAGES, SOURCE, Language, in_language, language_of


def prepare_environment(env: Environment) -> Environment:
    """Add the i18n extension (English until a language is spoken) and the ``lang_url`` filter to ``env``."""
    env.add_extension("jinja2.ext.i18n")
    env.install_null_translations(newstyle=True)  # type: ignore[attr-defined]  # added by the extension
    env.filters["lang_url"] = lang_url
    return env


def speak(env: Environment, language: Language) -> None:
    """Make ``_()`` in ``env``'s templates give ``language``'s words."""
    env.install_gettext_translations(language.translations, newstyle=True)  # type: ignore[attr-defined]


@pass_context
def lang_url(context: Context, value: str) -> str:
    """``url`` of the page ``value`` (a path from the site's root) in the language of the page being rendered."""
    code = context.get("language", {}).get("code", SOURCE)
    # An undefined page (the theme's `nav.homepage.url` where a site has no home page) is the site's root, as
    # `url` makes it.
    return str(url_filter(cast("Any", context), in_language(str(value), code)))


def language_context(url: str) -> dict[str, Any]:
    """What templates know of the page's language: ``language`` (its code, name and folder) and ``alternates``,
    the same page in each language (the language menu and the ``hreflang`` links)."""
    code = language_of(url)
    return {
        "language": {"code": code, "name": LANGUAGES[code], "prefix": "" if code == SOURCE else f"{code}/"},
        "plural_samples": plural_samples(code),
        "alternates": [
            {"code": other, "name": name, "url": in_language(url, other)} for other, name in LANGUAGES.items()
        ],
    }


@cache
def plural_samples(code: str) -> dict[str, int]:
    """A number in each of the language's plural categories (CLDR's, as the browser's Intl.PluralRules names them):
    a template renders a count's words once per category, ``ngettext(…, number)``, and the script picks the one
    for its count (Russian says 1 автомобиль, 2 автомобиля, 5 автомобилей)."""
    from babel import Locale  # noqa: PLC0415 - the site build's dependency

    rule = Locale.parse(code).plural_form
    samples: dict[str, int] = {}
    for number in [*range(200), 1_000_000]:
        samples.setdefault(rule(number), number)
    return dict(sorted(samples.items()))
