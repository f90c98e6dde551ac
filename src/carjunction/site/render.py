"""Generated pages (vehicles, per-make lists) as the theme renders them: a shared shell, and each page's own parts.

- ``PartsMaker`` renders a page's own parts: its template's page blocks, and its title, description and
  canonical URL. It needs the theme and the catalogue but not the site's navigation, which MkDocs makes
  later: ``nav`` and ``pages`` refuse to be read in its context.
- ``ThemePages`` renders with the whole theme context once the navigation exists (on_env): the shell of
  each template and folder, checked against the theme's whole rendering of its first pages.

A template that breaks the contract (written at the top of each generated page's template, e.g.
overrides/vehicle.html) fails the build with a PluginError naming it. Only this module, render_processes.py
and plugin.py know the MkDocs API.
"""

from __future__ import annotations

import copy
import re
from collections.abc import Mapping, Sequence
from typing import Any, NamedTuple
from urllib.parse import urljoin, urlsplit

from jinja2 import Environment, Template
from markupsafe import escape
from mkdocs.commands.build import get_context
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.structure.files import File
from mkdocs.structure.nav import Navigation
from mkdocs.structure.pages import Page
from mkdocs.utils import get_relative_url

from carjunction.site.generate import Pages
from carjunction.site.languages import LANGUAGES, Language, in_language, language_of
from carjunction.site.output import GeneratedPage
from carjunction.site.page_shell import PageShell, ShellError, Unreadable, mark, page_parts
from carjunction.site.template_words import language_context, speak

Key = tuple[str, str]  # pages that share a shell: their template, and the folder their own folders sit in
Shells = dict[Key, PageShell]
CHECKED_PAGES = 2  # of each shell: also rendered whole, and compared


def shell_key(template: str, url: str) -> Key:
    """``vehicles/CJ1/`` → ("vehicle.html", "vehicles"): sibling folders, so the theme's links are the same."""
    return template, url.rstrip("/").rpartition("/")[0]


def key_of(generated: GeneratedPage) -> Key:
    return shell_key(generated.template, generated.url)


def broken(template: str, why: str) -> PluginError:
    return PluginError(f"carjunction: template {template} breaks the contract written at its top: {why}")


def without_site_search(config: MkDocsConfig) -> MkDocsConfig:
    """The config as generated pages see it: a copy without the theme's site search.

    The header's search box makes every page load the search worker and index (~16 KB
    compressed); vehicle pages have their own search (the stock page) and stay within budget.
    """
    seen = copy.copy(config)  # a new dict of settings; the settings themselves are shared
    seen["plugins"] = {name: plugin for name, plugin in config.plugins.items() if not name.endswith("search")}
    return seen


class PageData(dict[str, Any]):
    """A generated page's data as the templates read it (``item.title``, ``photo.src`` in ``item.photos``).

    Jinja tries an attribute before a key; on a plain dict every read raised and caught an
    AttributeError first, a few percent of rendering 10,000 pages.
    """

    @classmethod
    def of(cls, data: Mapping[str, Any]) -> PageData:
        """``data``, with the records in its lists (a vehicle's photos, a make's cards) read the same way."""
        return cls({key: records(value) if type(value) is list else value for key, value in data.items()})

    def __getattr__(self, name: str) -> Any:
        try:
            return self[name]
        except KeyError:
            raise AttributeError(name) from None


def records(values: list[Any]) -> list[Any]:
    return [PageData(value) if type(value) is dict else value for value in values]


class MadeParts(NamedTuple):
    url: str
    dest_uri: str  # where the page is written, under the site folder
    key: Key
    parts: dict[str, str]


# A URL of plain path segments ("vehicles/CJ26001/"): joined to the site's URL, it is simply appended.
PLAIN_PATH = re.compile(r"(?:(?!\.\.?/)[A-Za-z0-9._~-]+/)*")
NOT_YET = "reads the site's navigation (nav, pages) in its own blocks, which are rendered before MkDocs makes it"
NOT_SHARED = "reads the page's alternates outside its own blocks; the header prints language_menu, made per page"
LANGUAGE_MENU = "partials/language-menu.html"  # the header's language menu: the same page in each language
HREFLANG = "partials/hreflang.html"  # the head's links to the same page in each language
ALTERNATES = [{"code": code, "name": name} for code, name in LANGUAGES.items()]  # the menu's links but their URLs


class PartsMaker:
    """A page's own parts, from the theme's templates and the generator's data, before the navigation exists."""

    def __init__(
        self,
        env: Environment,
        config: MkDocsConfig,
        summaries: Mapping[str, Mapping[str, Any]],
        languages: Mapping[str, Language],
    ) -> None:
        """``summaries``: the stock summary (counts, makes, first cards) in each language, by its code."""
        self.env, self.config, self.summaries, self.languages = env, config, summaries, languages
        self.spoken: str | None = None  # the language whose words the environment gives now
        self.menu_patterns: dict[Key, str] = {}  # each folder's language menu, with marks for its links
        self.hreflang_patterns: dict[Key, str] = {}  # and its head's links to the alternates
        self.templates: dict[str, Template] = {}
        self.folder_contexts: dict[Key, dict[str, Any]] = {}
        self.shared_blocks: dict[Key, dict[str, str]] = {}  # each folder's shared_* blocks, as text
        # MkDocs joins the site's URL and each page's with urljoin and splits it again: a twentieth of a
        # render process's time at 10,000 pages. Pages are made without it and given the same URLs here.
        self.page_config = copy.copy(config)
        self.page_config["site_url"] = None
        site_url = config.site_url
        self.site_url = None if not site_url else site_url if site_url.endswith("/") else site_url + "/"
        self.site_path = urlsplit(self.site_url).path if self.site_url else ""

    def template(self, name: str) -> Template:
        found = self.templates.get(name)
        if found is None:
            found = self.templates[name] = self.env.get_template(name)
        return found

    def source(self, url: str) -> File:
        return File(url.rstrip("/") + ".md", None, self.config.site_dir, self.config.use_directory_urls)

    def page(self, url: str, title: str, description: str) -> Page:
        page = Page(title, self.source(url), self.page_config)
        page.canonical_url, page.abs_url = self.canonical(page.url)
        page.meta = {"description": description, "hide": ["navigation", "toc"]}
        return page

    def canonical(self, url: str) -> tuple[str | None, str | None]:
        """The canonical and absolute URLs MkDocs gives a page at ``url`` (``Page._set_canonical_url``)."""
        if self.site_url is None:
            return None, None
        if PLAIN_PATH.fullmatch(url):
            return self.site_url + url, self.site_path + url
        canonical = urljoin(self.site_url, url)
        return canonical, urlsplit(canonical).path

    def speak(self, url: str) -> str:
        """Give the templates the words of the language of the page at ``url``; its code."""
        code = language_of(url)
        if code != self.spoken:
            speak(self.env, self.languages[code])
            self.spoken = code
        return code

    def page_of(self, generated: GeneratedPage) -> tuple[Page, dict[str, str]]:
        """The MkDocs page of ``generated``, and its fields the theme prints (PAGE_FIELDS).

        Material prints a page's title and description as given, and they hold staff-typed text: they are
        escaped here, once, and the templates print them as they come.
        """
        title, description = str(escape(generated.title)), str(escape(generated.description))
        if not title or not description:  # an empty one would also drop the theme's tag around it
            raise PluginError(f"carjunction: the generated page {generated.url} has an empty title or description")
        page = self.page(generated.url, title, description)
        fields = {"title": title, "description": description, "canonical": page.canonical_url or ""}
        return page, {**fields, "language_menu": self.language_menu(key_of(generated), page)}

    def hreflang(self, key: Key, page: Page) -> str:
        """The head's links to ``page`` in each language, as partials/hreflang.html writes them: rendered once per
        folder with a mark for each page address, then given the page's."""
        pattern = self.hreflang_patterns.get(key)
        if pattern is None:
            alternates = [{**alternate, "url": mark("alt:" + alternate["code"])} for alternate in ALTERNATES]
            context = {**self.folder_context(key, page), "page": page, "alternates": alternates}
            pattern = self.hreflang_patterns[key] = self.template(HREFLANG).render(context)
        links = pattern
        for alternate in ALTERNATES:
            links = links.replace(mark("alt:" + alternate["code"]), in_language(page.url, alternate["code"]))
        return links

    def language_menu(self, key: Key, page: Page) -> str:
        """The header's language menu for ``page``: rendered once per folder with a mark for each language's
        link (a fragment, which ``url`` leaves as it is), then given the page's links (a fifth of a page's time
        when it was rendered for each)."""
        pattern = self.menu_patterns.get(key)
        if pattern is None:
            alternates = [{**alternate, "url": f"#{mark('alt:' + alternate['code'])}"} for alternate in ALTERNATES]
            context = {**self.folder_context(key, page), "page": page, "alternates": alternates}
            pattern = self.menu_patterns[key] = self.template(LANGUAGE_MENU).render(context)
        menu = pattern
        for alternate in ALTERNATES:
            link = get_relative_url(in_language(page.url, alternate["code"]), page.url)
            menu = menu.replace(f"#{mark('alt:' + alternate['code'])}", link)
        return menu

    def make(self, generated: GeneratedPage) -> MadeParts:
        key = key_of(generated)
        self.speak(generated.url)
        page, fields = self.page_of(generated)
        context = {
            **self.folder_context(key, page),
            "page": page,
            "item": PageData.of(generated.data),
            "hreflang": self.hreflang(key, page),
        }
        try:
            shared = self.shared_blocks.setdefault(key, {})
            parts = page_parts(self.template(generated.template), context, fields, shared)
        except ShellError as error:
            raise broken(generated.template, str(error)) from error
        return MadeParts(generated.url, page.file.dest_uri, key, parts)

    def folder_context(self, key: Key, page: Page) -> dict[str, Any]:
        """The theme's context without the navigation; made once per key (its links are relative to the folder)."""
        shared = self.folder_contexts.get(key)
        if shared is None:
            not_yet = Unreadable(f"{key[0]} {NOT_YET}")
            shared = {**self.theme_context(Navigation([], []), [], page), "nav": not_yet, "pages": not_yet}
            self.folder_contexts[key] = shared
        return {**shared, "alternates": language_context(page.url)["alternates"]}

    def theme_context(self, nav: Navigation, documents: Sequence[File], page: Page) -> dict[str, Any]:
        """MkDocs' context for ``page``, with the config generated pages see, and the stock summary and the
        language of the page's language."""
        languages = language_context(page.url)
        context = get_context(nav, documents, self.config, page)
        stock = self.summaries[languages["language"]["code"]]
        return {**context, **languages, "config": self.config, "stock": stock}


class ThemePages:
    """Generated pages as the theme renders them with the site's navigation: their shells, checked."""

    def __init__(
        self, env: Environment, navs: Mapping[str, Navigation], documents: Sequence[File], maker: PartsMaker
    ) -> None:
        """``navs``: the site's navigation in each language, by its code."""
        self.env, self.navs, self.documents, self.maker = env, navs, documents, maker

    def whole(self, generated: GeneratedPage) -> str:
        """The theme's rendering of the whole page (what each page filled from its shell must equal)."""
        code = self.speak(generated.url)
        page, _ = self.maker.page_of(generated)
        context = {**self.maker.theme_context(self.navs[code], self.documents, page), "page": page}
        return self.env.get_template(generated.template).render({**context, "item": PageData.of(generated.data)})

    def speak(self, url: str) -> str:
        """The words of the page at ``url``'s language, in the theme's environment and the parts maker's."""
        code = self.maker.speak(url)
        speak(self.env, self.maker.languages[code])
        return code

    def shells(self, pages: Pages) -> Shells:
        """A checked shell for each template and folder of ``pages``."""
        samples: dict[Key, list[int]] = {}
        for number, url, template in pages.outline():
            numbers = samples.setdefault(shell_key(template, url), [])
            if len(numbers) < CHECKED_PAGES:
                numbers.append(number)
        return {key: self.checked_shell(key, [pages.page(n) for n in numbers]) for key, numbers in samples.items()}

    def checked_shell(self, key: Key, samples: list[GeneratedPage]) -> PageShell:
        code = self.speak(samples[0].url)
        page = self.maker.page(samples[0].url, mark("title"), mark("description"))
        if page.canonical_url:
            page.canonical_url = mark("canonical")
        context = {
            **self.maker.theme_context(self.navs[code], self.documents, page),
            "item": None,
            "alternates": Unreadable(f"{key[0]} {NOT_SHARED}"),
            "language_menu": mark("language_menu"),
        }
        try:
            shell = PageShell.split(self.env.get_template(key[0]), context)
        except ShellError as error:
            raise broken(key[0], str(error)) from error
        for generated in samples:
            if shell.fill(self.maker.make(generated).parts) != self.whole(generated):
                raise broken(key[0], f"{generated.url} filled from its shared shell differs from its whole rendering")
        return shell
