"""The MkDocs plugin (`carjunction` in mkdocs.yml's plugins): the thin adapter between MkDocs and the generator.

One instance holds one build's state, and each event does one thing:

    on_config       load the inputs: the catalogue (catalogue_cache.py), the site's words and data, the languages
    on_pre_build    prepare the photos, run the generator, start rendering its pages (render_processes.py)
    on_files        register the generated data files (stock index, feeds, calculator data) and scripts, and
                    each hand-written page in every other language (markdown_words.py)
    on_nav          keep the navigation, and make it in every other language
    on_env          make the page shells (render.py) and send them to the rendering
    on_page_context give a hand-written page its language: its words, navigation and stock summary
    on_post_build   link a local build's photo variants, collect the rendered pages, write the sitemaps and
                    one search index per language (languages_output.py)

Vehicle and per-make pages are rendered straight from the theme's Jinja templates: no Markdown, never in
the nav or the search index, so the build stays linear in the stock size. Only this module, render.py and
render_processes.py know the MkDocs API; moving to another builder replaces only them.
"""

from __future__ import annotations

import datetime as dt
import logging
import os
import re
import time
from pathlib import Path
from typing import Any, cast

from jinja2 import Environment
from mkdocs.config import config_options as c
from mkdocs.config.base import Config
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.plugins import BasePlugin
from mkdocs.structure.files import File, Files
from mkdocs.structure.nav import Navigation
from mkdocs.structure.pages import Page
from mkdocs.utils.templates import TemplateContext

from carjunction.catalogue import Catalogue, CatalogueError, Status
from carjunction.file_memo import FileMemo
from carjunction.photos.bucket import ManifestError
from carjunction.photos.encode import SourceError
from carjunction.photos.lfs import PointerError
from carjunction.site.catalogue_cache import PARSED_KIND, load_catalogue_for_build
from carjunction.site.generate import Pages, generate
from carjunction.site.languages import (
    LANGUAGES,
    NAV_CONTEXT,
    SITE_CONTEXT,
    SOURCE,
    CatalogueFileError,
    Language,
    load_languages,
)
from carjunction.site.languages_output import (
    NOT_IN_SITEMAP,
    language_navigation,
    nav_entries,
    split_search_index,
    translated_pages,
    write_sitemaps,
)
from carjunction.site.output import SiteBuild
from carjunction.site.photos import manifest_file, prepare_photos, publish_variants
from carjunction.site.render import PartsMaker, ThemePages, without_site_search
from carjunction.site.render_processes import RenderProcesses, Share, SiteOutput, render_processes
from carjunction.site.scripts import SOURCE_DIR, script_bundles
from carjunction.site.settings import SiteSettings, load_site_data, translated_settings
from carjunction.site.template_words import language_context, prepare_environment, speak

log = logging.getLogger("mkdocs.plugins.carjunction")

CACHE_ENV = "CARJUNCTION_CACHE_DIR"  # overrides the cache_dir option (each test session has its own)
PARSED_CACHE = "catalogue/parsed.pickle"


# MkDocs' Config and BasePlugin set up subclasses in an unannotated __init_subclass__.
class CarJunctionConfig(Config):  # type: ignore[no-untyped-call]
    cache_dir = c.Type(str, default=".cache")  # relative to mkdocs.yml's folder
    # The languages built, English first; each other one needs its catalogue (content/site/locales/<code>/).
    languages = c.ListOfItems(c.Choice(tuple(LANGUAGES)), default=list(LANGUAGES))


def cache_root(config_file: str | Path, cache_dir: str = ".cache") -> Path:
    """The build's cache folder: ``CARJUNCTION_CACHE_DIR`` if set, else ``cache_dir`` beside ``config_file``."""
    return Path(os.environ.get(CACHE_ENV) or Path(config_file).parent / cache_dir)


class CarJunctionPlugin(BasePlugin[CarJunctionConfig]):  # type: ignore[no-untyped-call]
    def __init__(self) -> None:
        self.rendering: RenderProcesses | None = None

    def on_config(self, config: MkDocsConfig) -> MkDocsConfig:
        """Load the catalogue and the site's data; the company and labels are in every page's ``config.extra``."""
        self.stop()  # a previous build of `mkdocs serve` that failed before on_post_build
        self.cache = cache_root(config.config_file_path, self.config.cache_dir)
        self.variants: list[tuple[str, str]] = []  # (cached photo variant, its path in the site) for a local build
        self.nav: Navigation | None = None
        self.maker: PartsMaker | None = None
        self.theme: ThemePages | None = None  # the theme with the site's navigation (on_env)
        self.processes = render_processes()
        self.content = Path(config.docs_dir)
        memo = FileMemo(self.cache / PARSED_CACHE, kind=PARSED_KIND)
        try:
            self.catalogue = load_catalogue_for_build(self.content, dt.date.today(), memo, self.processes)
            labels, currencies = load_site_data(self.content)
        except CatalogueError as error:
            raise PluginError("\n".join(str(p) for p in error.problems)) from error
        self.settings = SiteSettings(
            site_url=config.site_url or "/", labels=labels, currencies=currencies, locale=config.theme["language"]
        )
        try:
            self.languages = {
                language.code: language for language in load_languages(self.content, self.config.languages)
            }
        except CatalogueFileError as error:
            raise PluginError(f"carjunction: {error}") from error
        countries = {country.code: country.name for country in self.catalogue.shipping.countries}
        self.translations = [
            translated_settings(self.settings, language, countries) for language in self.other_languages
        ]
        config.extra["company"] = self.catalogue.company.model_dump(mode="json")
        return config

    def on_pre_build(self, config: MkDocsConfig) -> None:
        """Photos, then the generator; its pages start rendering while MkDocs reads ``content/``."""
        started = time.perf_counter()
        self.build = self.generated(self.catalogue)
        pages = self.pages
        self.maker = PartsMaker(
            prepare_environment(config.theme.get_env()),
            without_site_search(config),
            self.build.summaries,
            self.languages,
        )
        self.started = time.perf_counter()
        share = Share(pages, self.maker, SiteOutput(str(config.site_dir)))
        self.rendering = RenderProcesses(self.processes, share.render)
        log.info("carjunction: photos and %d pages generated in %.2f s", len(pages), self.started - started)

    def generated(self, catalogue: Catalogue) -> SiteBuild:
        published = [v for v in catalogue.vehicles if v.status != Status.WITHDRAWN]
        try:
            prepared = prepare_photos(
                published, self.content, self.cache, workers=self.processes, manifest=manifest_file()
            )
        except (SourceError, PointerError, ManifestError, OSError) as error:
            raise PluginError(f"carjunction: photos: {error}") from error
        self.variants = prepared.variants
        return generate(catalogue, self.settings, prepared.photos, self.translations)

    @property
    def pages(self) -> Pages:
        if not isinstance(self.build.pages, Pages):
            raise PluginError("carjunction: the generator's pages are not a Pages collection")
        return self.build.pages

    @property
    def other_languages(self) -> list[Language]:
        return [language for language in self.languages.values() if not language.is_source]

    def on_files(self, files: Files, config: MkDocsConfig) -> Files:
        scripts = script_bundles(Path(config.docs_dir) / SOURCE_DIR)  # one script per kind of page (scripts.py)
        for generated in [*self.build.files, *scripts]:
            files.append(File.generated(config, generated.path, content=generated.content))
        for translation in translated_pages(files.documentation_pages(), self.other_languages):
            files.append(File.generated(config, translation.path, content=translation.content))
        for language in self.other_languages:
            for title, path in nav_entries(config):
                found = files.get_file_from_path(language.prefix + path)
                if found is not None:  # titled as the menu titles it (MkDocs titles the English pages so)
                    Page(language.pgettext(NAV_CONTEXT, title), found, config)
        return files

    def on_nav(self, nav: Navigation, config: MkDocsConfig, files: Files) -> Navigation:
        self.nav = nav
        self.navs = {SOURCE: nav}
        for language in self.other_languages:
            self.navs[language.code] = language_navigation(nav_entries(config), files, language.prefix)
        return nav

    def on_env(self, env: Environment, config: MkDocsConfig, files: Files) -> Environment:
        """The theme and navigation are ready: make the page shells, and send them to the rendering."""
        if self.maker is None or self.nav is None or self.rendering is None:
            raise PluginError("carjunction: on_env came before on_pre_build and on_nav")
        self.env = prepare_environment(env)
        self.documents = files.documentation_pages()
        self.theme = ThemePages(env, self.navs, files.documentation_pages(), self.maker)
        self.rendering.send(self.theme.shells(self.pages))
        return env

    def on_page_context(
        self, context: TemplateContext, /, *, page: Page, config: MkDocsConfig, nav: Navigation
    ) -> TemplateContext:
        """A hand-written page in its language: its words, navigation, description and stock summary."""
        languages = language_context(page.url)
        language = self.languages[languages["language"]["code"]]
        speak(self.env, language)
        if not language.is_source and page.meta.get("description") is None and config.site_description:
            page.meta["description"] = language.pgettext(SITE_CONTEXT, config.site_description)
        words = cast("dict[str, Any]", context)  # keys MkDocs' TypedDict does not name
        words.update(languages)
        words["stock"] = self.build.summaries[language.code]
        words["nav"] = self.navs[language.code]
        return context

    def on_template_context(
        self, context: TemplateContext, /, *, template_name: str, config: MkDocsConfig
    ) -> TemplateContext:
        """The theme's own pages (404.html, served for any missing path, and the sitemap) are English."""
        speak(self.env, self.languages[SOURCE])
        words = cast("dict[str, Any]", context)
        words.update(language_context(""))
        words["stock"] = self.build.summaries[SOURCE]
        return context

    def on_post_page(self, output: str, page: Page, config: MkDocsConfig) -> str:
        return named_search_dialog(output)

    def on_post_build(self, config: MkDocsConfig) -> None:
        """Link a local build's photo variants, collect the rendered pages, write the sitemaps and search indexes."""
        if self.rendering is None:
            raise PluginError("carjunction: the build did not reach on_pre_build")
        linked = publish_variants(self.variants, config.site_dir)  # while the render processes finish
        try:
            urls = [url for _, url in self.rendering.results()]
        finally:
            self.rendering = None
        site_dir = Path(config.site_dir)
        documents = [file.url for file in self.documents if file.url not in NOT_IN_SITEMAP]
        if config.site_url:
            write_sitemaps(site_dir, config.site_url, [*documents, *urls])
        split_search_index(site_dir, self.languages.values())
        log.info(
            "carjunction: rendered %d pages with %d process(es) and published %d photo variants in %.2f s",
            len(urls),
            self.processes,
            linked,
            time.perf_counter() - self.started,
        )

    def on_build_error(self, error: Exception) -> None:
        self.stop()

    def stop(self) -> None:
        if self.rendering is not None:
            self.rendering.stop()
            self.rendering = None


SEARCH_DIALOG = '<div class="md-search" data-md-component="search" role="dialog">'
SEARCH_NAME = re.compile(r'<nav class="md-search__options" aria-label="([^"]*)">')


def named_search_dialog(output: str) -> str:
    """Name Material's search dialog (WCAG 4.1.2; Lighthouse's aria-dialog-name) with the theme's own word for it."""
    name = SEARCH_NAME.search(output)
    if name is None or SEARCH_DIALOG not in output:
        return output
    return output.replace(SEARCH_DIALOG, SEARCH_DIALOG[:-1] + f' aria-label="{name.group(1)}">', 1)
